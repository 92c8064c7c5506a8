//! Between-groups summaries (fairlearn's definitions: highest − lowest and lowest / highest of a
//! rate over the groups where it is defined) and their stratified bootstrap intervals.

use super::compare::ratio;
use super::metrics::rate;
use crate::metric::{Between, Metric};
use crate::results::{Intervals, Summary, SummaryDriver, Values};
use crate::spec::StatsSpec;
use crate::stats::bootstrap::{bias_corrected_intervals, Resampling, Stratum};
use crate::tally::{Cells, GroupTally, SetTally};

/// (max − min, min / max) of a rate over the groups where it is defined.
fn spread(groups: &[Cells], metric: Metric) -> (Option<f64>, Option<f64>) {
    let Some(rate) = rate(metric) else {
        return (None, None);
    };
    let defined: Vec<f64> = groups.iter().filter_map(|g| rate.of_cells(g)).collect();
    if defined.is_empty() {
        return (None, None);
    }
    let min = defined.iter().copied().fold(f64::INFINITY, f64::min);
    let max = defined.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (Some(max - min), ratio(Some(min), Some(max)))
}

/// fairlearn's between-groups summaries over `groups`, skipping groups whose rate is undefined.
pub fn summarize(groups: &[Cells], has_label: bool) -> Values {
    let mut v = Values::new();
    let (dp_diff, dp_ratio) = spread(groups, Metric::SelectionRate);
    v.insert(Between::DemographicParityDifference.name().into(), dp_diff);
    v.insert(Between::DemographicParityRatio.name().into(), dp_ratio);
    if has_label {
        let (tpr_diff, tpr_ratio) = spread(groups, Metric::Tpr);
        let (fpr_diff, fpr_ratio) = spread(groups, Metric::Fpr);
        v.insert(
            Between::EqualizedOddsDifference.name().into(),
            tpr_diff.zip(fpr_diff).map(|(a, b)| a.max(b)),
        );
        v.insert(
            Between::EqualizedOddsRatio.name().into(),
            tpr_ratio.zip(fpr_ratio).map(|(a, b)| a.min(b)),
        );
    }
    v
}

/// The summaries of the `included` groups of the `set_index`-th attribute set, with their
/// bootstrap intervals (each set has its own stream of replicates).
pub fn summary(
    (set, included): (&SetTally, &[usize]),
    has_label: bool,
    stats: &StatsSpec,
    set_index: usize,
) -> Summary {
    let included: Vec<&GroupTally> = included.iter().map(|&i| &set.groups[i]).collect();
    let cells: Vec<Cells> = included.iter().map(|g| g.tally.sum).collect();
    let values = summarize(&cells, has_label);
    let strata: Vec<Stratum> = included
        .iter()
        .map(|g| &g.tally)
        .map(|g| Stratum {
            trials: g.effective_size().round() as u64,
            shares: g
                .sum
                .draw_cells(has_label)
                .iter()
                .map(|c| c / g.sum.n)
                .collect(),
        })
        .collect();
    let resampling = Resampling {
        replicates: stats.bootstrap,
        seed: stats
            .seed
            .wrapping_add((set_index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        confidence: stats.confidence,
    };
    let estimates: Vec<Option<f64>> = values.values().copied().collect();
    let intervals = bias_corrected_intervals(&strata, &estimates, resampling, |drawn| {
        let cells: Vec<Cells> = drawn
            .iter()
            .map(|d| Cells::from_draw(d, has_label))
            .collect();
        summarize(&cells, has_label).into_values().collect()
    });
    let ci: Intervals = values.keys().cloned().zip(intervals).collect();
    let driven_by = drivers(&cells, has_label, &values)
        .into_iter()
        .map(|(name, k, without)| {
            (
                name,
                SummaryDriver {
                    group: super::values_map(&set.attributes, included[k]),
                    n: included[k].tally.sum.n,
                    without,
                },
            )
        })
        .collect();
    Summary {
        values,
        ci,
        driven_by,
    }
}

/// A group with fewer rows than this is small: a rate over 100 rows has a 95% interval up to
/// about ±10 points wide.
pub const SMALL_GROUP_ROWS: f64 = 100.0;

/// A summary without one group that differs from it by this much or more stands on that group.
pub const DRIVEN_BY_CHANGE: f64 = 0.05;

/// For each summary, over three groups or more: of the small groups (under [`SMALL_GROUP_ROWS`]
/// rows), the one whose removal moves it furthest, with the summary without it, when the move is
/// [`DRIVEN_BY_CHANGE`] or more: a summary standing on a small group's uncertain rates. The
/// group's position in `cells`.
fn drivers(cells: &[Cells], has_label: bool, values: &Values) -> Vec<(String, usize, Option<f64>)> {
    if cells.len() < 3 {
        return Vec::new();
    }
    let without: Vec<(usize, Values)> = (0..cells.len())
        .filter(|&k| cells[k].n < SMALL_GROUP_ROWS)
        .map(|k| {
            let rest: Vec<Cells> = cells
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != k)
                .map(|(_, c)| *c)
                .collect();
            (k, summarize(&rest, has_label))
        })
        .collect();
    let mut found = Vec::new();
    for (name, value) in values {
        let Some(value) = value else { continue };
        let furthest = without
            .iter()
            .filter_map(|(k, v)| Some((*k, v.get(name).copied().flatten()?)))
            .max_by(|a, b| (a.1 - value).abs().total_cmp(&(b.1 - value).abs()));
        if let Some((k, other)) =
            furthest.filter(|(_, other)| (other - value).abs() >= DRIVEN_BY_CHANGE)
        {
            found.push((name.clone(), k, Some(other)));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tally::Tally;

    #[test]
    fn fairlearn_summaries_skip_undefined_rates() {
        // fairlearn.metrics.demographic_parity_difference/ratio on selection rates 0.3 and 0.5.
        let a = Tally::from_pairs((0..10).map(|i| (i < 3, Some(i % 2 == 0))));
        let b = Tally::from_pairs((0..10).map(|i| (i < 5, Some(i % 2 == 0))));
        let no_positives = Tally::from_pairs((0..4).map(|i| (i < 2, Some(false))));
        let v = summarize(&[a.sum, b.sum, no_positives.sum], true);
        assert!((v["demographic_parity_difference"].unwrap() - 0.2).abs() < 1e-12);
        assert!((v["demographic_parity_ratio"].unwrap() - 0.6).abs() < 1e-12);
        // tpr is undefined for the group with no positive labels and is skipped.
        assert!(v["equalized_odds_difference"].is_some());
        let empty = SetTally {
            attributes: vec!["g".into()],
            groups: Vec::new(),
        };
        let none = summary((&empty, &[]), true, &StatsSpec::default(), 0);
        assert!(none.ci.values().all(|c| c.is_none()));
        assert_eq!(none.values["demographic_parity_difference"], None);
    }
}
