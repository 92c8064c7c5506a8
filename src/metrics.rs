//! The table of group rates: each is a numerator over a denominator of a group's tally.
//! Adding a metric is one line here (fairlearn's MetricFrame habit), not a new code path.

use crate::tally::Tally;

/// A rate computed per group from its tally.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    /// Name in results and reports (the field's vocabulary: AIF360, fairlearn, aequitas).
    pub name: &'static str,
    /// Whether it needs the true outcome (a label).
    pub needs_label: bool,
    /// Formula as printed in the report.
    pub formula: &'static str,
    /// Counts on top of the fraction.
    pub numerator: fn(&Tally) -> u64,
    /// Counts below the fraction; a zero makes the rate undefined.
    pub denominator: fn(&Tally) -> u64,
}

impl Rate {
    /// The rate of `tally`, `None` when its denominator is zero.
    pub fn of(&self, tally: &Tally) -> Option<f64> {
        ratio_of_counts((self.numerator)(tally), (self.denominator)(tally))
    }
}

/// `num / den`, undefined (`None`) when `den` is zero.
pub fn ratio_of_counts(num: u64, den: u64) -> Option<f64> {
    (den != 0).then(|| num as f64 / den as f64)
}

/// Every group rate, in report order.
pub const RATES: &[Rate] = &[
    Rate { name: "selection_rate", needs_label: false, formula: "pp / n", numerator: |t| t.pp, denominator: |t| t.n },
    Rate { name: "base_rate", needs_label: true, formula: "(tp + fn) / n", numerator: |t| t.tp + t.fn_, denominator: |t| t.n },
    Rate { name: "tpr", needs_label: true, formula: "tp / (tp + fn)", numerator: |t| t.tp, denominator: |t| t.tp + t.fn_ },
    Rate { name: "fpr", needs_label: true, formula: "fp / (fp + tn)", numerator: |t| t.fp, denominator: |t| t.fp + t.tn },
    Rate { name: "fnr", needs_label: true, formula: "fn / (tp + fn)", numerator: |t| t.fn_, denominator: |t| t.tp + t.fn_ },
    Rate { name: "tnr", needs_label: true, formula: "tn / (fp + tn)", numerator: |t| t.tn, denominator: |t| t.fp + t.tn },
    Rate { name: "ppv", needs_label: true, formula: "tp / (tp + fp)", numerator: |t| t.tp, denominator: |t| t.tp + t.fp },
    Rate { name: "npv", needs_label: true, formula: "tn / (tn + fn)", numerator: |t| t.tn, denominator: |t| t.tn + t.fn_ },
    Rate { name: "fdr", needs_label: true, formula: "fp / (tp + fp)", numerator: |t| t.fp, denominator: |t| t.tp + t.fp },
    Rate { name: "for", needs_label: true, formula: "fn / (tn + fn)", numerator: |t| t.fn_, denominator: |t| t.tn + t.fn_ },
    Rate { name: "accuracy", needs_label: true, formula: "(tp + tn) / n", numerator: |t| t.tp + t.tn, denominator: |t| t.n },
    Rate { name: "error_rate", needs_label: true, formula: "(fp + fn) / n", numerator: |t| t.fp + t.fn_, denominator: |t| t.n },
];

/// The rates that exist for an audit with or without a label.
pub fn rates_for(has_label: bool) -> impl Iterator<Item = &'static Rate> {
    RATES.iter().filter(move |r| has_label || !r.needs_label)
}

/// Looks a rate up by name.
pub fn rate(name: &str) -> Option<&'static Rate> {
    RATES.iter().find(|r| r.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undefined_rates_are_none_not_zero() {
        let t = Tally::from_pairs([(false, Some(false)), (false, Some(false))]);
        assert_eq!(rate("selection_rate").unwrap().of(&t), Some(0.0));
        assert_eq!(rate("tpr").unwrap().of(&t), None);
        assert_eq!(rate("ppv").unwrap().of(&t), None);
        assert_eq!(rate("tnr").unwrap().of(&t), Some(1.0));
    }

    #[test]
    fn complementary_rates_add_up() {
        let t = Tally { n: 20, pp: 9, pn: 11, tp: 6, fp: 3, tn: 8, fn_: 3 };
        let r = |n: &str| rate(n).unwrap().of(&t).unwrap();
        assert!((r("tpr") + r("fnr") - 1.0).abs() < 1e-12);
        assert!((r("fpr") + r("tnr") - 1.0).abs() < 1e-12);
        assert!((r("ppv") + r("fdr") - 1.0).abs() < 1e-12);
        assert!((r("npv") + r("for") - 1.0).abs() < 1e-12);
        assert!((r("accuracy") + r("error_rate") - 1.0).abs() < 1e-12);
    }
}
