//! The table of group rates: each is a numerator over a denominator of a group's sums.
//! Adding a metric is one line in [`RATES`] (fairlearn's MetricFrame habit), not a new code
//! path. A rate is generic over the sums it reads (`C`), so another kind of outcome (a price's
//! Σy over Σw) gets its own table of the same shape.

use crate::metric::Metric;
use crate::tally::{Cells, Tally};

/// A rate computed per group from its sums `C` (the decision × label cells by default).
#[derive(Debug)]
pub struct Rate<C: 'static = Cells> {
    /// Which metric of the registry it computes.
    pub metric: Metric,
    /// Whether it needs the true outcome (a label).
    pub needs_label: bool,
    /// Formula as printed in the report.
    pub formula: &'static str,
    /// Sums on top of the fraction.
    pub numerator: fn(&C) -> f64,
    /// Sums below the fraction; a zero makes the rate undefined.
    pub denominator: fn(&C) -> f64,
}

impl<C> Clone for Rate<C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C> Copy for Rate<C> {}

impl<C> Rate<C> {
    /// Its name in results and reports (the registry's).
    pub fn name(&self) -> &'static str {
        self.metric.name()
    }

    /// The rate of plain sums, `None` when its denominator is zero.
    pub fn of_cells(&self, cells: &C) -> Option<f64> {
        ratio_of_counts((self.numerator)(cells), (self.denominator)(cells))
    }
}

impl Rate {
    /// The rate of `tally`, `None` when its denominator is zero.
    pub fn of(&self, tally: &Tally) -> Option<f64> {
        self.of_cells(&tally.sum)
    }

    /// Effective successes and trials (Kish: `n_eff = (Σw)² / Σw²` over the denominator's rows),
    /// for intervals and tests; the raw counts when unweighted. `None` when undefined.
    pub fn effective(&self, tally: &Tally) -> Option<(f64, f64)> {
        let den = (self.denominator)(&tally.sum);
        let den_sq = (self.denominator)(&tally.sq);
        if den <= 0.0 || den_sq <= 0.0 {
            return None;
        }
        let n_eff = den * den / den_sq;
        Some(((self.numerator)(&tally.sum) / den * n_eff, n_eff))
    }
}

/// `num / den`, undefined (`None`) when `den` is zero.
pub fn ratio_of_counts(num: f64, den: f64) -> Option<f64> {
    (den != 0.0).then(|| num / den)
}

/// Every group rate, in report order: metric, needs a label, formula, numerator, denominator.
#[rustfmt::skip]
pub const RATES: &[Rate] = &[
    rate_def(Metric::SelectionRate, false, "pp / n", |t| t.pp, |t| t.n),
    rate_def(Metric::BaseRate, true, "(tp + fn) / n", |t| t.tp + t.fn_, |t| t.n),
    rate_def(Metric::Tpr, true, "tp / (tp + fn)", |t| t.tp, |t| t.tp + t.fn_),
    rate_def(Metric::Fpr, true, "fp / (fp + tn)", |t| t.fp, |t| t.fp + t.tn),
    rate_def(Metric::Fnr, true, "fn / (tp + fn)", |t| t.fn_, |t| t.tp + t.fn_),
    rate_def(Metric::Tnr, true, "tn / (fp + tn)", |t| t.tn, |t| t.fp + t.tn),
    rate_def(Metric::Ppv, true, "tp / (tp + fp)", |t| t.tp, |t| t.tp + t.fp),
    rate_def(Metric::Npv, true, "tn / (tn + fn)", |t| t.tn, |t| t.tn + t.fn_),
    rate_def(Metric::Fdr, true, "fp / (tp + fp)", |t| t.fp, |t| t.tp + t.fp),
    rate_def(Metric::For, true, "fn / (tn + fn)", |t| t.fn_, |t| t.tn + t.fn_),
    rate_def(Metric::Accuracy, true, "(tp + tn) / n", |t| t.tp + t.tn, |t| t.n),
    rate_def(Metric::ErrorRate, true, "(fp + fn) / n", |t| t.fp + t.fn_, |t| t.n),
];

/// One row of the rate table.
const fn rate_def(
    metric: Metric,
    needs_label: bool,
    formula: &'static str,
    numerator: fn(&Cells) -> f64,
    denominator: fn(&Cells) -> f64,
) -> Rate {
    Rate {
        metric,
        needs_label,
        formula,
        numerator,
        denominator,
    }
}

/// The rates that exist for an audit with or without a label.
pub fn rates_for(has_label: bool) -> impl Iterator<Item = &'static Rate> {
    RATES.iter().filter(move |r| has_label || !r.needs_label)
}

/// The rate that computes a metric, if the metric is a rate.
pub fn rate(metric: Metric) -> Option<&'static Rate> {
    RATES.iter().find(|r| r.metric == metric)
}

/// The selection rate: the first row of the table, the rate every verdict is about.
pub fn selection_rate() -> &'static Rate {
    &RATES[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undefined_rates_are_none_not_zero() {
        let t = Tally::from_pairs([(false, Some(false)), (false, Some(false))]);
        assert_eq!(rate(Metric::SelectionRate).unwrap().of(&t), Some(0.0));
        assert_eq!(rate(Metric::Tpr).unwrap().of(&t), None);
        assert_eq!(rate(Metric::Ppv).unwrap().of(&t), None);
        assert_eq!(rate(Metric::Tnr).unwrap().of(&t), Some(1.0));
    }

    #[test]
    fn kish_effective_size_ignores_a_common_scale_of_the_weights() {
        let mut once = Tally::default();
        let mut twice = Tally::default();
        for (d, l, w) in [
            (true, true, 1.0),
            (true, false, 3.0),
            (false, false, 2.0),
            (false, true, 0.5),
        ] {
            once.record(d, Some(l), w, w * w);
            twice.record(d, Some(l), 2.0 * w, 4.0 * w * w);
        }
        let sel = rate(Metric::SelectionRate).unwrap();
        let (x1, n1) = sel.effective(&once).unwrap();
        let (x2, n2) = sel.effective(&twice).unwrap();
        assert!((x1 - x2).abs() < 1e-12 && (n1 - n2).abs() < 1e-12);
        // (1 + 3 + 2 + 0.5)² / (1 + 9 + 4 + 0.25) = 42.25 / 14.25
        assert!((n1 - 42.25 / 14.25).abs() < 1e-12);
        assert_eq!(
            sel.effective(&Tally::from_counts(2, 1, 1, 0)),
            Some((3.0, 4.0))
        );
    }

    #[test]
    fn complementary_rates_add_up() {
        let t = Tally::from_counts(6, 3, 8, 3);
        let r = |m: Metric| rate(m).unwrap().of(&t).unwrap();
        assert!((r(Metric::Tpr) + r(Metric::Fnr) - 1.0).abs() < 1e-12);
        assert!((r(Metric::Fpr) + r(Metric::Tnr) - 1.0).abs() < 1e-12);
        assert!((r(Metric::Ppv) + r(Metric::Fdr) - 1.0).abs() < 1e-12);
        assert!((r(Metric::Npv) + r(Metric::For) - 1.0).abs() < 1e-12);
        assert!((r(Metric::Accuracy) + r(Metric::ErrorRate) - 1.0).abs() < 1e-12);
    }
}
