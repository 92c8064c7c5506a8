//! Measure stage: rates per group with their intervals, comparisons and tests against the
//! reference group, and between-groups summaries with bootstrap intervals, all computed from
//! tallies in plain Rust. Its output is the attribute set's result, verdicts still to come.

pub mod adjusted;
pub mod compare;
pub mod metrics;
pub mod reference;
pub mod strata;
pub mod summary;
pub mod values;

use crate::error::Result;
use crate::results::{
    AttributeSetResult, Comparison, Count, Counts, GroupMeasures, GroupResult, ReferenceUsed,
    SetStatus, Values,
};
use crate::spec::{AuditSpec, Favorable};
use crate::stats::{interval, z_for};
use crate::tally::{Cells, ControlledCell, GroupSums, GroupTally, SetTally, Tally};
use crate::value::{value_name, MISSING};
use compare::{compare, self_comparison};
use indexmap::IndexMap;
use metrics::{rates_for, ratio_of_counts, selection_rate, Rate};
use reference::choose_reference;

/// Measures one attribute set (the `index`-th of the audit).
pub fn measure_set(
    set: &SetTally,
    controlled: Option<&[ControlledCell]>,
    spec: &AuditSpec,
    has_label: bool,
    index: usize,
) -> Result<AttributeSetResult> {
    let mut total = Tally::default();
    set.groups.iter().for_each(|g| total.add(&g.tally));
    let excluded: Vec<Option<String>> = set
        .groups
        .iter()
        .map(|g| exclusion(g, &total, spec))
        .collect();
    let chosen = choose_reference(set, spec, &excluded, &|g, total| exclusion(g, total, spec))?;
    let (reference_index, strategy) = (chosen.index, chosen.used);
    let mut included_total = Tally::default();
    set.groups
        .iter()
        .zip(&excluded)
        .filter(|(_, e)| e.is_none())
        .for_each(|(g, _)| included_total.add(&g.tally));
    let overall = strategy == ReferenceUsed::Overall;
    let reference = match reference_index {
        Some(i) => Some(set.groups[i].tally),
        None if overall && included_total.sum.n > 0.0 => Some(included_total),
        None => None,
    };
    let z = z_for(spec.stats.confidence);
    let groups: Vec<GroupResult> = set
        .groups
        .iter()
        .zip(excluded)
        .enumerate()
        .map(|(i, (g, excluded))| {
            let is_reference = Some(i) == reference_index;
            let mut vs_reference = match (&excluded, reference) {
                (None, Some(_)) if is_reference => self_comparison(&g.tally, has_label),
                (None, Some(r)) => {
                    // Against the whole population, test the group against everyone else.
                    let rest = overall.then(|| included_total.minus(&g.tally));
                    compare(&g.tally, &r, rest.as_ref(), has_label, z)
                }
                _ => Comparison::default(),
            };
            if let (None, Some(cells), Some(r)) = (&excluded, controlled, reference_index) {
                if !is_reference {
                    strata::add_stratified(&mut vs_reference, set, cells, (i, r), z);
                }
            }
            if let (None, Some(r)) = (&excluded, reference) {
                let f = spec.favorable;
                let values = &mut vs_reference.values;
                values.insert(
                    "shortfall".into(),
                    shortfall(selection_rate(), &g.tally, &r, f),
                );
                if has_label {
                    let judged = metrics::rate(f.error_rate().0).unwrap_or(selection_rate());
                    values.insert(
                        "error_rate_shortfall".into(),
                        shortfall(judged, &g.tally, &r, f),
                    );
                }
            }
            GroupResult {
                measures: GroupMeasures {
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
                },
                verdict: None,
            }
        })
        .collect();
    let included: Vec<Tally> = groups
        .iter()
        .filter(|g| g.measures.excluded.is_none())
        .map(|g| g.measures.tally)
        .collect();

    Ok(AttributeSetResult {
        attributes: set.attributes.clone(),
        reference: reference_index.map(|i| values_map(&set.attributes, &set.groups[i])),
        reference_strategy: strategy,
        reference_note: chosen.note,
        segment: None,
        summary: summary::summary(&included, has_label, &spec.stats, index),
        groups,
        missing: missing(set),
        reference_rate: reference.and_then(|r| selection_rate().of(&r)),
        status: SetStatus::default(),
        selection_status: SetStatus::default(),
        error_rate_status: None,
    })
}

/// Rows (or weight) of the set with a missing value of one of its attributes.
fn missing(set: &SetTally) -> f64 {
    set.groups
        .iter()
        .filter(|g| g.values.iter().any(|v| v.is_none()))
        .map(|g| g.tally.size())
        // Folded from +0: an empty f64 sum is −0, which would print as "-0.0".
        .fold(0.0, |a, b| a + b)
}

/// Why a group is left out of references, comparisons and summaries, if it is.
fn exclusion(g: &GroupTally, total: &Tally, spec: &AuditSpec) -> Option<String> {
    let e = &spec.exclusion;
    if e.exclude_missing && g.values.iter().any(|v| v.is_none()) {
        return Some(format!("{MISSING} value, excluded with --exclude-missing"));
    }
    // The evidence a group carries is its effective sample size (Kish; the row count when
    // unweighted): weights that are all equal change the counts, never which groups are judged.
    if g.tally.effective_size() < e.min_group_size {
        return Some(format!(
            "fewer than {} rows (--min-group-size)",
            e.min_group_size
        ));
    }
    if g.tally.size() < e.min_group_share * total.size() {
        return Some(format!(
            "less than {}% of the rows (--min-group-share)",
            e.min_group_share * 100.0
        ));
    }
    None
}

/// How many more people of the group would have fared well at the reference's `rate`: the
/// rate's denominator (all rows for the selection rate, the true negatives' and false positives'
/// for fpr, ...) times the gap. For the selection rate of a favourable decision, the favourable
/// decisions the group did not receive; of an adverse one, the adverse decisions it received in
/// excess; for fpr, the people wrongly flagged in excess. Negative when the group fares better.
fn shortfall(rate: &Rate, g: &Tally, reference: &Tally, favorable: Favorable) -> Option<f64> {
    let (own, theirs) = (rate.of(g)?, rate.of(reference)?);
    Some((rate.denominator)(&g.sum) * (favorable.goodness(theirs) - favorable.goodness(own)))
}

fn values_map(attributes: &[String], group: &GroupTally) -> IndexMap<String, String> {
    attributes
        .iter()
        .zip(&group.values)
        .map(|(a, v)| (a.clone(), value_name(v).to_string()))
        .collect()
}

fn counts(c: &Cells, has_label: bool) -> Counts {
    let label = |x: f64| has_label.then_some(Count::Value(x));
    Counts {
        n: Count::Value(c.n),
        tp: label(c.tp),
        fp: label(c.fp),
        tn: label(c.tn),
        fn_: label(c.fn_),
        pp: Some(Count::Value(c.pp)),
        pn: Some(Count::Value(c.pn)),
    }
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
