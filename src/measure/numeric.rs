//! Measures of a numeric outcome (a price, a waiting time): per group its mean, spread and
//! quantiles; against the reference the differences and ratios of means and medians, the
//! standardized mean difference, the Kolmogorov–Smirnov statistic, Welch's test and interval
//! of the mean difference, and a bootstrap interval of the median difference. Everything comes
//! from the groups' distributions, which the one tally pass yields.

use super::adjusted::adjusted_gaps;
use super::compare::{difference, ratio};
use super::kind::{Frame, OutcomeMeasures};
use crate::error::Result;
use crate::metric::{Metric, Tested, Versus};
use crate::results::{AdjustedGap, Comparison, Counts, Intervals, Summary, Values};
use crate::stats::distribution::{
    kolmogorov_smirnov, median_difference_interval, standardized_mean_difference, welch,
    Distribution,
};
use crate::stats::power::{detectable_effect, POWER};
use crate::stats::test::{TestMethod, TestResult};
use crate::tally::{ControlledCell, Covariates, GroupSums, GroupTally, SetTally, Tally};
use indexmap::IndexMap;
use std::borrow::Cow;

/// The per-group statistics, in the order of `results.json`: name and how it is read.
const STATISTICS: [(Metric, fn(&Distribution) -> Option<f64>); 9] = [
    (Metric::Mean, Distribution::mean),
    (Metric::Std, Distribution::std),
    (Metric::Min, Distribution::min),
    (Metric::P10, |d| d.quantile(0.10)),
    (Metric::P25, |d| d.quantile(0.25)),
    (Metric::Median, Distribution::median),
    (Metric::P75, |d| d.quantile(0.75)),
    (Metric::P90, |d| d.quantile(0.90)),
    (Metric::Max, Distribution::max),
];

/// A numeric outcome's groups: their distributions (in the set's order), with the strata and
/// covariates when the audit has controls.
pub struct Numeric<'a> {
    /// Each group's distribution of the outcome.
    pub distributions: &'a [Distribution],
    /// Each group × controls stratum's sums and the numeric controls, with `--control`.
    pub controlled: Option<(&'a [ControlledCell], Option<&'a Covariates>)>,
    /// The gaps at equal controls, by group, measured before the group loop.
    adjusted: IndexMap<usize, AdjustedGap>,
}

impl<'a> Numeric<'a> {
    /// The measures of groups with these `distributions`.
    pub fn new(
        distributions: &'a [Distribution],
        controlled: Option<(&'a [ControlledCell], Option<&'a Covariates>)>,
    ) -> Self {
        Numeric {
            distributions,
            controlled,
            adjusted: IndexMap::new(),
        }
    }

    /// The included groups pooled, but for `skip`.
    fn pooled(&self, f: &Frame, skip: Option<usize>) -> Distribution {
        Distribution::from_counts(
            f.included
                .iter()
                .filter(|&&i| Some(i) != skip)
                .flat_map(|&i| self.distributions[i].pairs()),
        )
    }
}

impl OutcomeMeasures for Numeric<'_> {
    type Reference = Distribution;

    fn ranking<'s>(&self, set: &'s SetTally) -> Cow<'s, SetTally> {
        Cow::Owned(ranked_by_mean(set, self.distributions))
    }

    fn prepare(&mut self, f: &Frame) -> Result<Option<Distribution>> {
        if let (Some(controlled), Some(r)) = (self.controlled, f.reference) {
            self.adjusted = adjusted_gaps(f.set, controlled, &f.included, r, f.spec)?;
        }
        Ok(match f.reference {
            Some(i) => Some(self.distributions[i].clone()),
            None if f.overall && !f.included.is_empty() => Some(self.pooled(f, None)),
            None => None,
        })
    }

    fn group(&self, f: &Frame, i: usize) -> (Counts, Values, Intervals) {
        let d = &self.distributions[i];
        let counts = Counts::of_size(d.n() as f64);
        let ci = [(
            Metric::Mean.name().to_string(),
            d.mean_interval(f.spec.stats.confidence),
        )];
        (
            counts,
            statistics(d, &f.set.groups[i], &f.total),
            ci.into_iter().collect(),
        )
    }

    fn self_comparison(&self, _: &Frame, _: usize) -> Comparison {
        self_comparison()
    }

    fn compare(&mut self, f: &Frame, i: usize, r: &Distribution) -> Comparison {
        // Against the whole population, the test and intervals take everyone else.
        let rest = f.overall.then(|| self.pooled(f, Some(i)));
        let seed = f.spec.stats.seed ^ ((f.index as u64) << 32 | i as u64);
        let mut c = compare(
            &self.distributions[i],
            r,
            rest.as_ref().unwrap_or(r),
            (f.spec.stats.bootstrap, seed),
            f.spec.stats.confidence,
        );
        c.adjusted_gap = self.adjusted.swap_remove(&i);
        c
    }

    fn detectable(&self, f: &Frame, i: usize, r: &Distribution) -> Vec<(Versus, Option<f64>)> {
        let n1 = f.set.groups[i].tally.effective_size();
        let smd = detectable_effect(n1, r.n() as f64, f.spec.stats.alpha, POWER);
        vec![(Versus::DetectableSmd, smd)]
    }

    fn summary(&self, _: &Frame) -> Summary {
        Summary::default()
    }

    fn reference_rate(&self, _: Option<&Distribution>) -> Option<f64> {
        None
    }
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
        Metric::GroupShare.name().into(),
        (total.size() > 0.0).then(|| g.tally.size() / total.size()),
    );
    for (metric, statistic) in STATISTICS {
        v.insert(metric.name().into(), statistic(d));
    }
    v
}

/// The reference against itself: no difference, ratios of 1, no test.
fn self_comparison() -> Comparison {
    let mut c = Comparison::default();
    for (versus, value) in [
        (Versus::Difference(Metric::Mean), 0.0),
        (Versus::Ratio(Metric::Mean), 1.0),
        (Versus::Difference(Metric::Median), 0.0),
        (Versus::Ratio(Metric::Median), 1.0),
        (Versus::StandardizedMeanDifference, 0.0),
        (Versus::KsStatistic, 0.0),
    ] {
        c.set(versus, Some(value));
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
    for (versus, value) in [
        (
            Versus::Difference(Metric::Mean),
            difference(d.mean(), r.mean()),
        ),
        (Versus::Ratio(Metric::Mean), ratio(d.mean(), r.mean())),
        (
            Versus::Difference(Metric::Median),
            difference(d.median(), r.median()),
        ),
        (Versus::Ratio(Metric::Median), ratio(d.median(), r.median())),
        (
            Versus::StandardizedMeanDifference,
            standardized_mean_difference(d, other),
        ),
        (Versus::KsStatistic, ks.map(|k| k.0)),
        (Versus::KsPValue, ks.map(|k| k.1)),
    ] {
        c.set(versus, value);
    }
    let test = welch(d, other, confidence);
    c.set_interval(Versus::Difference(Metric::Mean), test.map(|w| w.interval));
    c.set_interval(
        Versus::Difference(Metric::Median),
        median_difference_interval(d, other, bootstrap.0, bootstrap.1, confidence),
    );
    if let Some(w) = test {
        c.set_test(
            Tested::Metric(Metric::Mean),
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
