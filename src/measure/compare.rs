//! A group against its reference: every rate's ratio and difference, their intervals (Katz,
//! Newcombe), the significance tests, and the field's named metrics built from them.

use super::metrics::rates_for;
use crate::metric::{Metric, Versus};
use crate::results::{Comparison, Intervals, Values};
use crate::stats::{interval, test};
use crate::tally::Tally;
use indexmap::IndexMap;

/// Rates compared with a significance test.
pub const TESTED: [Metric; 3] = [Metric::SelectionRate, Metric::Tpr, Metric::Fpr];

/// `a / b`, undefined when either is undefined or `b` is zero.
pub fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b != 0.0 => Some(a / b),
        _ => None,
    }
}

/// `a - b`, undefined when either is undefined.
pub fn difference(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? - b?)
}

/// The reference against itself: ratio 1 and difference 0 where its rate is defined.
pub fn self_comparison(t: &Tally, has_label: bool) -> Comparison {
    let mut values = Values::new();
    for rate in rates_for(has_label) {
        values.insert(
            Versus::Ratio(rate.metric).name().into_owned(),
            ratio(rate.of(t), rate.of(t)),
        );
        values.insert(
            Versus::Difference(rate.metric).name().into_owned(),
            difference(rate.of(t), rate.of(t)),
        );
    }
    Comparison {
        adjusted_gap: None,
        values: named(values, has_label),
        ..Default::default()
    }
}

/// Ratios and differences of a group's rates against the reference's, their intervals, and the
/// tests. `rest`, when given, is what the group is tested against instead of the reference.
pub fn compare(g: &Tally, r: &Tally, rest: Option<&Tally>, has_label: bool, z: f64) -> Comparison {
    let mut values = Values::new();
    let mut ci = Intervals::new();
    let mut tests = IndexMap::new();
    for rate in rates_for(has_label) {
        let (gv, rv) = (rate.of(g), rate.of(r));
        let ratio_name = Versus::Ratio(rate.metric).name().into_owned();
        let diff_name = Versus::Difference(rate.metric).name().into_owned();
        values.insert(ratio_name.clone(), ratio(gv, rv));
        values.insert(diff_name.clone(), difference(gv, rv));
        let (ge, re) = (rate.effective(g), rate.effective(r));
        let pair = ge.zip(re);
        ci.insert(
            ratio_name,
            pair.and_then(|((x1, n1), (x2, n2))| interval::katz(x1, n1, x2, n2, z)),
        );
        ci.insert(
            diff_name,
            pair.and_then(|((x1, n1), (x2, n2))| interval::newcombe(x1, n1, x2, n2, z)),
        );
        if TESTED.contains(&rate.metric) {
            let against = rest.map_or(re, |t| rate.effective(t));
            if let Some(result) = ge
                .zip(against)
                .and_then(|((x1, n1), (x2, n2))| test::two_proportions(x1, n1, x2, n2))
            {
                tests.insert(rate.name().to_string(), result);
            }
        }
    }
    Comparison {
        values: named(values, has_label),
        ci: named_intervals(ci, has_label),
        tests,
        adjusted_gap: None,
    }
}

/// The field's named metrics, as aliases or combinations of the ratios and differences.
fn named(mut v: Values, has_label: bool) -> Values {
    let of = |v: &Values, x: Versus| v[x.name().as_ref()];
    let put = |v: &mut Values, x: Versus, value| {
        v.insert(x.name().into_owned(), value);
    };
    let (ratio, difference) = (Versus::Ratio, Versus::Difference);
    let selection = Metric::SelectionRate;
    let (r, d) = (of(&v, ratio(selection)), of(&v, difference(selection)));
    put(&mut v, Versus::DisparateImpactRatio, r);
    put(&mut v, Versus::StatisticalParityDifference, d);
    if has_label {
        let (dtpr, dfpr) = (
            of(&v, difference(Metric::Tpr)),
            of(&v, difference(Metric::Fpr)),
        );
        let both = dtpr.zip(dfpr);
        put(&mut v, Versus::EqualOpportunityDifference, dtpr);
        put(
            &mut v,
            Versus::AverageOddsDifference,
            both.map(|(t, f)| (t + f) / 2.0),
        );
        put(
            &mut v,
            Versus::AverageAbsOddsDifference,
            both.map(|(t, f)| (t.abs() + f.abs()) / 2.0),
        );
        put(
            &mut v,
            Versus::EqualizedOddsDifference,
            both.map(|(t, f)| t.abs().max(f.abs())),
        );
        let (d, r) = (of(&v, difference(Metric::Ppv)), of(&v, ratio(Metric::Ppv)));
        put(&mut v, Versus::PredictiveParityDifference, d);
        put(&mut v, Versus::PredictiveParityRatio, r);
    }
    v
}

/// The intervals of the named metrics that are aliases.
fn named_intervals(mut ci: Intervals, has_label: bool) -> Intervals {
    let mut alias = |to: Versus, from: Versus| {
        let value = ci[from.name().as_ref()];
        ci.insert(to.name().into_owned(), value);
    };
    let selection = Metric::SelectionRate;
    alias(Versus::DisparateImpactRatio, Versus::Ratio(selection));
    alias(
        Versus::StatisticalParityDifference,
        Versus::Difference(selection),
    );
    if has_label {
        alias(
            Versus::EqualOpportunityDifference,
            Versus::Difference(Metric::Tpr),
        );
        alias(
            Versus::PredictiveParityDifference,
            Versus::Difference(Metric::Ppv),
        );
        alias(Versus::PredictiveParityRatio, Versus::Ratio(Metric::Ppv));
    }
    ci
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_against_zero_or_undefined_is_undefined() {
        assert_eq!(ratio(Some(0.5), Some(0.0)), None);
        assert_eq!(ratio(None, Some(0.5)), None);
        assert_eq!(ratio(Some(0.0), Some(0.5)), Some(0.0));
        assert_eq!(difference(Some(0.2), None), None);
    }
}
