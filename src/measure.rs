//! Measure stage: rates per group, comparisons with the reference group, and between-groups
//! summaries, all computed from tallies in plain Rust.

use crate::error::{AuditError, Result};
use crate::metrics::{rates_for, ratio_of_counts};
use crate::results::{GroupMeasures, Values};
use crate::spec::{AuditSpec, Favorable, ReferenceStrategy};
use crate::tally::{value_name, GroupTally, SetTally, Tally};
use indexmap::IndexMap;

/// An attribute set after measuring, before judging.
#[derive(Debug, Clone)]
pub struct MeasuredSet {
    /// The attributes of the set.
    pub attributes: Vec<String>,
    /// The reference group's values (`None`: the whole population).
    pub reference: Option<IndexMap<String, String>>,
    /// How the reference was chosen.
    pub reference_strategy: String,
    /// Every group.
    pub groups: Vec<GroupMeasures>,
    /// Between-groups summaries.
    pub summary: Values,
}

/// Measures one attribute set: picks its reference, computes every group's rates and
/// comparisons, and the between-groups summaries.
pub fn measure_set(set: &SetTally, spec: &AuditSpec, has_label: bool) -> Result<MeasuredSet> {
    let (reference_index, strategy) = choose_reference(set, spec)?;
    let mut total = Tally::default();
    set.groups.iter().for_each(|g| total.add(&g.tally));
    let reference_rates = match reference_index {
        Some(i) => group_rates(&set.groups[i].tally, &total, has_label),
        None => group_rates(&total, &total, has_label),
    };
    let groups: Vec<GroupMeasures> = set
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let rates = group_rates(&g.tally, &total, has_label);
            let vs_reference = compare(&rates, &reference_rates, has_label);
            GroupMeasures {
                values: values_map(&set.attributes, g),
                counts: counts(&g.tally, has_label),
                rates,
                vs_reference,
                is_reference: Some(i) == reference_index,
            }
        })
        .collect();
    let summary = summarize(&groups, has_label);
    Ok(MeasuredSet {
        attributes: set.attributes.clone(),
        reference: reference_index.map(|i| values_map(&set.attributes, &set.groups[i])),
        reference_strategy: strategy.to_string(),
        groups,
        summary,
    })
}

fn values_map(attributes: &[String], group: &GroupTally) -> IndexMap<String, String> {
    attributes
        .iter()
        .zip(&group.values)
        .map(|(a, v)| (a.clone(), value_name(v).to_string()))
        .collect()
}

fn counts(t: &Tally, has_label: bool) -> IndexMap<String, u64> {
    let mut c = IndexMap::new();
    c.insert("n".to_string(), t.n);
    if has_label {
        for (name, v) in [("tp", t.tp), ("fp", t.fp), ("tn", t.tn), ("fn", t.fn_)] {
            c.insert(name.to_string(), v);
        }
    }
    c.insert("pp".to_string(), t.pp);
    c.insert("pn".to_string(), t.pn);
    c
}

/// `group_share`, `share_of_predicted_positives` and every rate of one group.
fn group_rates(t: &Tally, total: &Tally, has_label: bool) -> Values {
    let mut v = Values::new();
    v.insert("group_share".into(), ratio_of_counts(t.n, total.n));
    v.insert("share_of_predicted_positives".into(), ratio_of_counts(t.pp, total.pp));
    for rate in rates_for(has_label) {
        v.insert(rate.name.into(), rate.of(t));
    }
    v
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

/// Ratios and differences of a group's rates against the reference's, then the named metrics.
fn compare(group: &Values, reference: &Values, has_label: bool) -> Values {
    let mut v = Values::new();
    for rate in rates_for(has_label) {
        let (g, r) = (group[rate.name], reference[rate.name]);
        v.insert(format!("{}_ratio", rate.name), ratio(g, r));
        v.insert(format!("{}_difference", rate.name), difference(g, r));
    }
    v.insert("disparate_impact_ratio".into(), v["selection_rate_ratio"]);
    v.insert("statistical_parity_difference".into(), v["selection_rate_difference"]);
    if has_label {
        let (dtpr, dfpr) = (v["tpr_difference"], v["fpr_difference"]);
        let both = dtpr.zip(dfpr);
        v.insert("equal_opportunity_difference".into(), dtpr);
        v.insert("average_odds_difference".into(), both.map(|(t, f)| (t + f) / 2.0));
        v.insert("average_abs_odds_difference".into(), both.map(|(t, f)| (t.abs() + f.abs()) / 2.0));
        v.insert("equalized_odds_difference".into(), both.map(|(t, f)| t.abs().max(f.abs())));
        v.insert("predictive_parity_difference".into(), v["ppv_difference"]);
        v.insert("predictive_parity_ratio".into(), v["ppv_ratio"]);
    }
    v
}

/// (max − min, min / max) of a rate over the groups where it is defined.
fn spread(groups: &[GroupMeasures], name: &str) -> (Option<f64>, Option<f64>) {
    let defined: Vec<f64> = groups.iter().filter_map(|g| g.rate(name)).collect();
    if defined.is_empty() {
        return (None, None);
    }
    let min = defined.iter().copied().fold(f64::INFINITY, f64::min);
    let max = defined.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (Some(max - min), ratio(Some(min), Some(max)))
}

/// fairlearn's between-groups summaries, over the groups whose rates are defined.
fn summarize(groups: &[GroupMeasures], has_label: bool) -> Values {
    let mut v = Values::new();
    let (dp_diff, dp_ratio) = spread(groups, "selection_rate");
    v.insert("demographic_parity_difference".into(), dp_diff);
    v.insert("demographic_parity_ratio".into(), dp_ratio);
    if has_label {
        let (tpr_diff, tpr_ratio) = spread(groups, "tpr");
        let (fpr_diff, fpr_ratio) = spread(groups, "fpr");
        v.insert("equalized_odds_difference".into(), tpr_diff.zip(fpr_diff).map(|(a, b)| a.max(b)));
        v.insert("equalized_odds_ratio".into(), tpr_ratio.zip(fpr_ratio).map(|(a, b)| a.min(b)));
    }
    v
}

/// The index of the reference group (`None`: the whole population) and how it was chosen.
fn choose_reference(set: &SetTally, spec: &AuditSpec) -> Result<(Option<usize>, &'static str)> {
    if let Some(choice) = spec.references.iter().find(|r| r.attributes == set.attributes) {
        let found = set.groups.iter().position(|g| {
            g.values.iter().zip(&choice.values).all(|(v, want)| value_name(v) == want)
        });
        return match found {
            Some(i) => Ok((Some(i), "explicit")),
            None => Err(AuditError::Spec(format!(
                "--reference {}={}: no such group in {}; groups present: {}",
                choice.attributes.join(","),
                choice.values.join(","),
                spec.data.display(),
                set.groups
                    .iter()
                    .map(|g| g.values.iter().map(value_name).collect::<Vec<_>>().join(","))
                    .collect::<Vec<_>>()
                    .join("; ")
            ))),
        };
    }
    let best_by = |key: &dyn Fn(&Tally) -> f64| {
        let mut best = 0;
        for (i, g) in set.groups.iter().enumerate() {
            if key(&g.tally) > key(&set.groups[best].tally) {
                best = i;
            }
        }
        best
    };
    Ok(match spec.reference_strategy {
        ReferenceStrategy::Largest => (Some(best_by(&|t| t.n as f64)), "largest"),
        ReferenceStrategy::Highest => {
            let sign = match spec.favorable {
                Favorable::Positive => 1.0,
                Favorable::Negative => -1.0,
            };
            (Some(best_by(&|t| sign * t.pp as f64 / t.n as f64)), "highest")
        }
        ReferenceStrategy::Overall => (None, "overall"),
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
