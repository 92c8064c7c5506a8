//! Measure stage: rates per group with their intervals, comparisons and tests against the
//! reference group, and between-groups summaries with bootstrap intervals, all computed from
//! tallies in plain Rust. Its output is the attribute set's result, verdicts still to come.

pub mod adjusted;
pub mod binary;
pub mod compare;
pub mod kind;
pub mod metrics;
pub mod numeric;
pub mod reference;
pub mod score;
pub mod strata;
pub mod summary;

use crate::error::Result;
use crate::results::{
    AttributeSetResult, Comparison, GroupMeasures, GroupResult, ReferenceUsed, SetStatus,
};
use crate::spec::AuditSpec;
use crate::tally::{GroupSums, GroupTally, SetTally, Tally};
use crate::value::{value_name, MISSING};
use indexmap::IndexMap;
use kind::{Frame, OutcomeMeasures};
use reference::choose_reference;

/// Measures one attribute set (the `index`-th of the audit) with the measures of its kind of
/// outcome: excludes the groups too small to judge, chooses the reference, and compares every
/// other group with it.
pub fn measure_set<K: OutcomeMeasures>(
    mut kind: K,
    set: &SetTally,
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
    let chosen = choose_reference(&kind.ranking(set), spec, &excluded, &|g, total| {
        exclusion(g, total, spec)
    })?;
    let frame = Frame {
        set,
        spec,
        index,
        total,
        included: (0..set.groups.len())
            .filter(|&i| excluded[i].is_none())
            .collect(),
        reference: chosen.index,
        overall: chosen.used == ReferenceUsed::Overall,
    };
    let reference = kind.prepare(&frame)?;
    let groups = excluded
        .into_iter()
        .enumerate()
        .map(|(i, excluded)| {
            let is_reference = Some(i) == frame.reference;
            let mut vs_reference = match (&excluded, &reference) {
                (None, Some(_)) if is_reference => kind.self_comparison(&frame, i),
                (None, Some(r)) => kind.compare(&frame, i, r),
                _ => Comparison::default(),
            };
            // What "no significant gap" can mean for this group, excluded or not.
            if let Some(r) = reference.as_ref().filter(|_| !is_reference) {
                for (versus, value) in kind.detectable(&frame, i, r) {
                    vs_reference.set(versus, value);
                }
            }
            let (counts, rates, ci) = kind.group(&frame, i);
            GroupResult {
                measures: GroupMeasures {
                    values: values_map(&set.attributes, &set.groups[i]),
                    counts,
                    rates,
                    ci,
                    vs_reference,
                    score_audit: None,
                    is_reference,
                    excluded,
                    tally: set.groups[i].tally,
                },
                verdict: None,
            }
        })
        .collect();
    Ok(AttributeSetResult {
        attributes: set.attributes.clone(),
        reference: frame
            .reference
            .map(|i| values_map(&set.attributes, &set.groups[i])),
        reference_strategy: chosen.used,
        reference_note: chosen.note,
        segment: None,
        summary: kind.summary(&frame),
        groups,
        missing: missing(set),
        checks: Vec::new(),
        score_audit: None,
        reference_rate: kind.reference_rate(reference.as_ref()),
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

/// A group's values, attribute by attribute (a missing value by its `(missing)` name).
pub(crate) fn values_map(attributes: &[String], group: &GroupTally) -> IndexMap<String, String> {
    attributes
        .iter()
        .zip(&group.values)
        .map(|(a, v)| (a.clone(), value_name(v).to_string()))
        .collect()
}
