//! Measures of a numeric outcome (a price, a waiting time): per group its mean, spread and
//! quantiles; against the reference the differences and ratios of means and medians, the
//! standardized mean difference, the Kolmogorov–Smirnov statistic, Welch's test and interval
//! of the mean difference, and a bootstrap interval of the median difference. Everything comes
//! from the groups' distributions, which the one tally pass yields.

use super::adjusted::adjusted_gaps;
use super::compare::{difference, ratio};
use super::reference::choose_reference;
use super::{exclusion, missing, values_map};
use crate::error::Result;
use crate::results::{
    AttributeSetResult, Comparison, Count, Counts, GroupMeasures, GroupResult, ReferenceUsed,
    SetStatus, Summary, Values,
};
use crate::spec::AuditSpec;
use crate::stats::distribution::{
    kolmogorov_smirnov, median_difference_interval, standardized_mean_difference, welch,
    Distribution,
};
use crate::stats::test::{TestMethod, TestResult};
use crate::tally::{ControlledCell, Covariates, GroupSums, GroupTally, SetTally, Tally};
use indexmap::IndexMap;

/// The per-group statistics, in the order of `results.json`: name and how it is read.
const STATISTICS: [(&str, fn(&Distribution) -> Option<f64>); 9] = [
    ("mean", Distribution::mean),
    ("std", Distribution::std),
    ("min", Distribution::min),
    ("p10", |d| d.quantile(0.10)),
    ("p25", |d| d.quantile(0.25)),
    ("median", Distribution::median),
    ("p75", |d| d.quantile(0.75)),
    ("p90", |d| d.quantile(0.90)),
    ("max", Distribution::max),
];

/// Measures the `index`-th attribute set of a numeric outcome, whose groups have the
/// `distributions` (in the set's order).
pub fn measure_values(
    set: &SetTally,
    distributions: &[Distribution],
    controlled: Option<(&[ControlledCell], Option<&Covariates>)>,
    spec: &AuditSpec,
    index: usize,
) -> Result<AttributeSetResult> {
    let mut total = Tally::default();
    set.groups.iter().for_each(|g| total.add(&g.tally));
    let excluded: Vec<Option<String>> = set
        .groups
        .iter()
        .map(|g| exclusion(g, &total, spec))
        .collect();
    let ranked = ranked_by_mean(set, distributions);
    let chosen = choose_reference(&ranked, spec, &excluded, &|g, total| {
        exclusion(g, total, spec)
    })?;
    let reference_index = chosen.index;
    let overall = chosen.used == ReferenceUsed::Overall;
    let included: Vec<usize> = (0..set.groups.len())
        .filter(|&i| excluded[i].is_none())
        .collect();
    let pooled = |skip: Option<usize>| {
        Distribution::from_counts(
            included
                .iter()
                .filter(|&&i| Some(i) != skip)
                .flat_map(|&i| distributions[i].pairs()),
        )
    };
    let reference = match reference_index {
        Some(i) => Some(distributions[i].clone()),
        None if overall && !included.is_empty() => Some(pooled(None)),
        None => None,
    };
    let confidence = spec.stats.confidence;
    let mut adjusted = match (controlled, reference_index) {
        (Some(controlled), Some(r)) => adjusted_gaps(set, controlled, &included, r, spec)?,
        _ => IndexMap::new(),
    };
    let groups = set
        .groups
        .iter()
        .zip(distributions)
        .zip(excluded)
        .enumerate()
        .map(|(i, ((g, d), excluded))| {
            let is_reference = Some(i) == reference_index;
            let mut vs_reference = match (&excluded, &reference) {
                (None, Some(_)) if is_reference => self_comparison(),
                (None, Some(r)) => {
                    // Against the whole population, the test and intervals take everyone else.
                    let rest = overall.then(|| pooled(Some(i)));
                    let seed = spec.stats.seed ^ ((index as u64) << 32 | i as u64);
                    compare(
                        d,
                        r,
                        rest.as_ref().unwrap_or(r),
                        (spec.stats.bootstrap, seed),
                        confidence,
                    )
                }
                _ => Comparison::default(),
            };
            vs_reference.adjusted_gap = adjusted.swap_remove(&i);
            GroupResult {
                measures: GroupMeasures {
                    values: values_map(&set.attributes, g),
                    counts: Counts {
                        n: Count::Value(d.n() as f64),
                        tp: None,
                        fp: None,
                        tn: None,
                        fn_: None,
                        pp: None,
                        pn: None,
                    },
                    rates: statistics(d, g, &total),
                    ci: [("mean".to_string(), d.mean_interval(confidence))]
                        .into_iter()
                        .collect(),
                    vs_reference,
                    is_reference,
                    excluded,
                    tally: g.tally,
                },
                verdict: None,
            }
        })
        .collect();

    Ok(AttributeSetResult {
        attributes: set.attributes.clone(),
        reference: reference_index.map(|i| values_map(&set.attributes, &set.groups[i])),
        reference_strategy: chosen.used,
        reference_note: chosen.note,
        segment: None,
        groups,
        summary: Summary {
            values: Values::new(),
            ci: IndexMap::new(),
        },
        missing: missing(set),
        reference_rate: None,
        status: SetStatus::default(),
        selection_status: SetStatus::default(),
        error_rate_status: None,
    })
}

/// The set's tallies for choosing the reference: each group's size, and as its share of
/// "positive" rows its mean rescaled to 0–1 over the set. The rescaling is linear, so the groups
/// of one attribute pooled over the others (an intersection's per-attribute references) keep
/// their pooled mean's rank, and "highest" picks the best mean.
fn ranked_by_mean(set: &SetTally, distributions: &[Distribution]) -> SetTally {
    let means: Vec<Option<f64>> = distributions.iter().map(Distribution::mean).collect();
    let (lo, hi) = means
        .iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), m| {
            (lo.min(*m), hi.max(*m))
        });
    let scale = |m: Option<f64>| match m {
        Some(m) if hi > lo => (m - lo) / (hi - lo),
        _ => 0.0,
    };
    SetTally {
        attributes: set.attributes.clone(),
        groups: set
            .groups
            .iter()
            .zip(&means)
            .map(|(g, m)| {
                let mut tally = Tally::default();
                let n = g.tally.sum.n;
                let above = n * scale(*m);
                tally.record(true, None, above, above);
                tally.record(false, None, n - above, n - above);
                tally.sq.n = g.tally.sq.n;
                GroupTally {
                    values: g.values.clone(),
                    tally,
                }
            })
            .collect(),
    }
}

/// `group_share` and every statistic of one group's distribution.
fn statistics(d: &Distribution, g: &GroupTally, total: &Tally) -> Values {
    let mut v = Values::new();
    v.insert(
        "group_share".into(),
        (total.size() > 0.0).then(|| g.tally.size() / total.size()),
    );
    for (name, statistic) in STATISTICS {
        v.insert(name.into(), statistic(d));
    }
    v
}

/// The reference against itself: no difference, ratios of 1, no test.
fn self_comparison() -> Comparison {
    let mut c = Comparison::default();
    for (name, value) in [
        ("mean_difference", 0.0),
        ("mean_ratio", 1.0),
        ("median_difference", 0.0),
        ("median_ratio", 1.0),
        ("standardized_mean_difference", 0.0),
        ("ks_statistic", 0.0),
    ] {
        c.values.insert(name.into(), Some(value));
    }
    c
}

/// Group `d` against the reference `r`; tests and intervals against `other` (the reference, or
/// everyone else when the reference is the whole population). `bootstrap` is (replicates, seed).
fn compare(
    d: &Distribution,
    r: &Distribution,
    other: &Distribution,
    bootstrap: (usize, u64),
    confidence: f64,
) -> Comparison {
    let mut c = Comparison::default();
    let ks = kolmogorov_smirnov(d, other);
    for (name, value) in [
        ("mean_difference", difference(d.mean(), r.mean())),
        ("mean_ratio", ratio(d.mean(), r.mean())),
        ("median_difference", difference(d.median(), r.median())),
        ("median_ratio", ratio(d.median(), r.median())),
        (
            "standardized_mean_difference",
            standardized_mean_difference(d, other),
        ),
        ("ks_statistic", ks.map(|k| k.0)),
        ("ks_p_value", ks.map(|k| k.1)),
    ] {
        c.values.insert(name.into(), value);
    }
    let test = welch(d, other, confidence);
    c.ci.insert("mean_difference".into(), test.map(|w| w.interval));
    c.ci.insert(
        "median_difference".into(),
        median_difference_interval(d, other, bootstrap.0, bootstrap.1, confidence),
    );
    if let Some(w) = test {
        c.tests.insert(
            "mean".into(),
            TestResult {
                method: TestMethod::Welch,
                z: None,
                t: Some(w.t),
                df: Some(w.df),
                statistic: None,
                p: None,
                p_value: w.p_value,
                p_adjusted: f64::NAN,
            },
        );
    }
    c
}
