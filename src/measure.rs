//! Measure stage: rates per group with their intervals, comparisons and tests against the
//! reference group, and between-groups summaries with bootstrap intervals, all computed from
//! tallies in plain Rust.

use crate::error::{AuditError, Result};
use crate::metrics::{rates_for, ratio_of_counts, Rate};
use crate::results::{Comparison, GroupMeasures, Intervals, Summary, Values};
use crate::spec::{AuditSpec, Favorable, ReferenceStrategy};
use crate::stats::{bootstrap, interval, test, z_for};
use crate::tally::{value_name, Cells, GroupTally, SetTally, Tally, MISSING};
use indexmap::IndexMap;

/// Rates compared with a significance test.
pub const TESTED: [&str; 3] = ["selection_rate", "tpr", "fpr"];

/// An attribute set after measuring, before judging.
#[derive(Debug, Clone)]
pub struct MeasuredSet {
    /// The attributes of the set.
    pub attributes: Vec<String>,
    /// The reference group's values (`None`: the whole population, or no group qualifies).
    pub reference: Option<IndexMap<String, String>>,
    /// How the reference was chosen.
    pub reference_strategy: String,
    /// Every group.
    pub groups: Vec<GroupMeasures>,
    /// Between-groups summaries.
    pub summary: Summary,
    /// Weight of the `(missing)` group.
    pub missing: f64,
}

/// Measures one attribute set (the `index`-th of the audit).
pub fn measure_set(
    set: &SetTally,
    spec: &AuditSpec,
    has_label: bool,
    index: usize,
) -> Result<MeasuredSet> {
    let mut total = Tally::default();
    set.groups.iter().for_each(|g| total.add(&g.tally));
    let excluded: Vec<Option<String>> = set
        .groups
        .iter()
        .map(|g| exclusion(g, &total, spec))
        .collect();
    let (reference_index, strategy) = choose_reference(set, spec, &excluded)?;
    let mut included_total = Tally::default();
    set.groups
        .iter()
        .zip(&excluded)
        .filter(|(_, e)| e.is_none())
        .for_each(|(g, _)| included_total.add(&g.tally));
    let overall = strategy == "overall";
    let reference = match reference_index {
        Some(i) => Some(set.groups[i].tally),
        None if overall && included_total.sum.n > 0.0 => Some(included_total),
        None => None,
    };
    let z = z_for(spec.stats.confidence);
    let groups: Vec<GroupMeasures> = set
        .groups
        .iter()
        .zip(excluded)
        .enumerate()
        .map(|(i, (g, excluded))| {
            let is_reference = Some(i) == reference_index;
            let vs_reference = match (&excluded, reference) {
                (None, Some(_)) if is_reference => self_comparison(&g.tally, has_label),
                (None, Some(r)) => {
                    // Against the whole population, test the group against everyone else.
                    let rest = overall.then(|| minus(&included_total, &g.tally));
                    compare(&g.tally, &r, rest.as_ref(), has_label, z)
                }
                _ => Comparison::default(),
            };
            GroupMeasures {
                values: values_map(&set.attributes, g),
                counts: counts(&g.tally.sum, has_label),
                rates: group_rates(&g.tally, &total, has_label),
                ci: rates_for(has_label)
                    .map(|r| (r.name.to_string(), wilson(r, &g.tally, z)))
                    .collect(),
                vs_reference,
                is_reference,
                excluded,
                tally: g.tally,
            }
        })
        .collect();
    let included: Vec<Tally> = groups
        .iter()
        .filter(|g| g.excluded.is_none())
        .map(|g| g.tally)
        .collect();
    let cells: Vec<Cells> = included.iter().map(|t| t.sum).collect();
    let summary = Summary {
        values: summarize(&cells, has_label),
        ci: bootstrap::summary_intervals(&included, has_label, &spec.stats, index),
    };
    let missing = set
        .groups
        .iter()
        .filter(|g| g.values.iter().any(|v| v.is_none()))
        .map(|g| g.tally.sum.n)
        .fold(0.0, |a, b| a + b);
    Ok(MeasuredSet {
        attributes: set.attributes.clone(),
        reference: reference_index.map(|i| values_map(&set.attributes, &set.groups[i])),
        reference_strategy: strategy.to_string(),
        groups,
        summary,
        missing,
    })
}

/// Why a group is left out of references, comparisons and summaries, if it is.
fn exclusion(g: &GroupTally, total: &Tally, spec: &AuditSpec) -> Option<String> {
    let e = &spec.exclusion;
    if e.exclude_missing && g.values.iter().any(|v| v.is_none()) {
        return Some(format!("{MISSING} value, excluded with --exclude-missing"));
    }
    if g.tally.sum.n < e.min_group_size {
        return Some(format!(
            "fewer than {} rows (--min-group-size)",
            e.min_group_size
        ));
    }
    if g.tally.sum.n < e.min_group_share * total.sum.n {
        return Some(format!(
            "less than {}% of the rows (--min-group-share)",
            e.min_group_share * 100.0
        ));
    }
    None
}

fn values_map(attributes: &[String], group: &GroupTally) -> IndexMap<String, String> {
    attributes
        .iter()
        .zip(&group.values)
        .map(|(a, v)| (a.clone(), value_name(v).to_string()))
        .collect()
}

/// A count as JSON: an integer when it is whole, a float otherwise (weighted audits).
fn count_value(x: f64) -> serde_json::Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        serde_json::Value::from(x as i64)
    } else {
        serde_json::Value::from(x)
    }
}

fn counts(c: &Cells, has_label: bool) -> IndexMap<String, serde_json::Value> {
    let mut out = IndexMap::new();
    out.insert("n".to_string(), count_value(c.n));
    if has_label {
        for (name, v) in [("tp", c.tp), ("fp", c.fp), ("tn", c.tn), ("fn", c.fn_)] {
            out.insert(name.to_string(), count_value(v));
        }
    }
    out.insert("pp".to_string(), count_value(c.pp));
    out.insert("pn".to_string(), count_value(c.pn));
    out
}

/// `group_share`, `share_of_predicted_positives` and every rate of one group.
fn group_rates(t: &Tally, total: &Tally, has_label: bool) -> Values {
    let mut v = Values::new();
    v.insert("group_share".into(), ratio_of_counts(t.sum.n, total.sum.n));
    v.insert(
        "share_of_predicted_positives".into(),
        ratio_of_counts(t.sum.pp, total.sum.pp),
    );
    for rate in rates_for(has_label) {
        v.insert(rate.name.into(), rate.of(t));
    }
    v
}

fn wilson(rate: &Rate, t: &Tally, z: f64) -> Option<[f64; 2]> {
    let (x, n) = rate.effective(t)?;
    interval::wilson(x, n, z)
}

fn minus(a: &Tally, b: &Tally) -> Tally {
    let neg = |c: &Cells| Cells {
        n: -c.n,
        pp: -c.pp,
        pn: -c.pn,
        tp: -c.tp,
        fp: -c.fp,
        tn: -c.tn,
        fn_: -c.fn_,
    };
    let mut out = *a;
    out.add(&Tally {
        sum: neg(&b.sum),
        sq: neg(&b.sq),
    });
    out
}

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
fn self_comparison(t: &Tally, has_label: bool) -> Comparison {
    let mut values = Values::new();
    for rate in rates_for(has_label) {
        values.insert(
            format!("{}_ratio", rate.name),
            ratio(rate.of(t), rate.of(t)),
        );
        values.insert(
            format!("{}_difference", rate.name),
            difference(rate.of(t), rate.of(t)),
        );
    }
    Comparison {
        values: named(values, has_label),
        ..Default::default()
    }
}

/// Ratios and differences of a group's rates against the reference's, their intervals, and the
/// tests. `rest`, when given, is what the group is tested against instead of the reference.
fn compare(g: &Tally, r: &Tally, rest: Option<&Tally>, has_label: bool, z: f64) -> Comparison {
    let mut values = Values::new();
    let mut ci = Intervals::new();
    let mut tests = IndexMap::new();
    for rate in rates_for(has_label) {
        let (gv, rv) = (rate.of(g), rate.of(r));
        let ratio_name = format!("{}_ratio", rate.name);
        let diff_name = format!("{}_difference", rate.name);
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
        if TESTED.contains(&rate.name) {
            let against = rest.map_or(re, |t| rate.effective(t));
            if let Some(result) = ge
                .zip(against)
                .and_then(|((x1, n1), (x2, n2))| test::two_proportions(x1, n1, x2, n2))
            {
                tests.insert(rate.name.to_string(), result);
            }
        }
    }
    Comparison {
        values: named(values, has_label),
        ci: named_intervals(ci, has_label),
        tests,
    }
}

/// The field's named metrics, as aliases or combinations of the ratios and differences.
fn named(mut v: Values, has_label: bool) -> Values {
    v.insert("disparate_impact_ratio".into(), v["selection_rate_ratio"]);
    v.insert(
        "statistical_parity_difference".into(),
        v["selection_rate_difference"],
    );
    if has_label {
        let (dtpr, dfpr) = (v["tpr_difference"], v["fpr_difference"]);
        let both = dtpr.zip(dfpr);
        v.insert("equal_opportunity_difference".into(), dtpr);
        v.insert(
            "average_odds_difference".into(),
            both.map(|(t, f)| (t + f) / 2.0),
        );
        v.insert(
            "average_abs_odds_difference".into(),
            both.map(|(t, f)| (t.abs() + f.abs()) / 2.0),
        );
        v.insert(
            "equalized_odds_difference".into(),
            both.map(|(t, f)| t.abs().max(f.abs())),
        );
        v.insert("predictive_parity_difference".into(), v["ppv_difference"]);
        v.insert("predictive_parity_ratio".into(), v["ppv_ratio"]);
    }
    v
}

fn named_intervals(mut ci: Intervals, has_label: bool) -> Intervals {
    ci.insert("disparate_impact_ratio".into(), ci["selection_rate_ratio"]);
    ci.insert(
        "statistical_parity_difference".into(),
        ci["selection_rate_difference"],
    );
    if has_label {
        ci.insert("equal_opportunity_difference".into(), ci["tpr_difference"]);
        ci.insert("predictive_parity_difference".into(), ci["ppv_difference"]);
        ci.insert("predictive_parity_ratio".into(), ci["ppv_ratio"]);
    }
    ci
}

/// (max − min, min / max) of a rate over the groups where it is defined.
fn spread(groups: &[Cells], name: &str) -> (Option<f64>, Option<f64>) {
    let Some(rate) = crate::metrics::rate(name) else {
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
    let (dp_diff, dp_ratio) = spread(groups, "selection_rate");
    v.insert("demographic_parity_difference".into(), dp_diff);
    v.insert("demographic_parity_ratio".into(), dp_ratio);
    if has_label {
        let (tpr_diff, tpr_ratio) = spread(groups, "tpr");
        let (fpr_diff, fpr_ratio) = spread(groups, "fpr");
        v.insert(
            "equalized_odds_difference".into(),
            tpr_diff.zip(fpr_diff).map(|(a, b)| a.max(b)),
        );
        v.insert(
            "equalized_odds_ratio".into(),
            tpr_ratio.zip(fpr_ratio).map(|(a, b)| a.min(b)),
        );
    }
    v
}

/// The index of the reference group (`None`: the whole population, or no group qualifies) and
/// how it was chosen. Excluded groups are never the reference.
fn choose_reference(
    set: &SetTally,
    spec: &AuditSpec,
    excluded: &[Option<String>],
) -> Result<(Option<usize>, &'static str)> {
    let name = |g: &GroupTally| {
        g.values
            .iter()
            .map(value_name)
            .collect::<Vec<_>>()
            .join(",")
    };
    if let Some(choice) = spec
        .references
        .iter()
        .find(|r| r.attributes == set.attributes)
    {
        let found = set.groups.iter().position(|g| {
            g.values
                .iter()
                .zip(&choice.values)
                .all(|(v, want)| value_name(v) == want)
        });
        return match found {
            Some(i) => match &excluded[i] {
                None => Ok((Some(i), "explicit")),
                Some(why) => Err(AuditError::Spec(format!(
                    "--reference {}={}: that group is excluded ({why}) and cannot be the reference",
                    choice.attributes.join(","),
                    choice.values.join(",")
                ))),
            },
            None => Err(AuditError::Spec(format!(
                "--reference {}={}: no such group in {}; groups present: {}",
                choice.attributes.join(","),
                choice.values.join(","),
                spec.data.display(),
                set.groups.iter().map(name).collect::<Vec<_>>().join("; ")
            ))),
        };
    }
    let best_by = |key: &dyn Fn(&Cells) -> f64| {
        let mut best: Option<usize> = None;
        for (i, g) in set.groups.iter().enumerate() {
            if excluded[i].is_none()
                && best.is_none_or(|b| key(&g.tally.sum) > key(&set.groups[b].tally.sum))
            {
                best = Some(i);
            }
        }
        best
    };
    let choice = match spec.reference_strategy {
        ReferenceStrategy::Largest => (best_by(&|c| c.n), "largest"),
        ReferenceStrategy::Highest => {
            let sign = match spec.favorable {
                Favorable::Positive => 1.0,
                Favorable::Negative => -1.0,
            };
            (best_by(&|c| sign * c.pp / c.n), "highest")
        }
        ReferenceStrategy::Overall => (None, "overall"),
    };
    Ok(match choice {
        (None, s) if s != "overall" => (None, "none"),
        other => other,
    })
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
