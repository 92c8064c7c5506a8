//! Population drift: whether the groups' shares of the people changed between two audits, so
//! a changed rate can be told apart from a changed mix of customers.

use crate::results::changes::PopulationShift;
use crate::results::{AttributeSetResult, AuditResults, Count};
use crate::stats::association::chi_square;
use indexmap::IndexMap;

/// One shift per attribute set (pooled, not per segment) the two audits share, with a
/// chi-square test of the groups × audits table of counts.
pub fn shifts(before: &AuditResults, after: &AuditResults, alpha: f64) -> Vec<PopulationShift> {
    after
        .attribute_sets
        .iter()
        .filter(|s| s.segment.is_none())
        .filter_map(|set| {
            let earlier = before
                .attribute_sets
                .iter()
                .find(|s| s.segment.is_none() && s.attributes == set.attributes)?;
            shift(earlier, set, alpha)
        })
        .collect()
}

/// Each group's count by its name, groups with a suppressed count left out.
fn counts(set: &AttributeSetResult) -> IndexMap<String, f64> {
    set.groups
        .iter()
        .filter_map(|g| match g.measures.counts.n {
            Count::Value(n) => Some((
                g.measures
                    .values
                    .values()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                n,
            )),
            Count::Suppressed => None,
        })
        .collect()
}

fn shift(
    before: &AttributeSetResult,
    after: &AttributeSetResult,
    alpha: f64,
) -> Option<PopulationShift> {
    let (b, a) = (counts(before), counts(after));
    let mut names: Vec<&String> = a.keys().collect();
    names.extend(b.keys().filter(|k| !a.contains_key(*k)));
    let row = |c: &IndexMap<String, f64>| -> Vec<f64> {
        names
            .iter()
            .map(|k| c.get(*k).copied().unwrap_or(0.0))
            .collect()
    };
    let test = chi_square(&[row(&b), row(&a)])?;
    let shares = |c: &IndexMap<String, f64>| -> IndexMap<String, f64> {
        let total: f64 = c.values().sum();
        names
            .iter()
            .map(|k| ((*k).clone(), c.get(*k).copied().unwrap_or(0.0) / total))
            .collect()
    };
    Some(PopulationShift {
        attributes: after.attributes.clone(),
        shares_before: shares(&b),
        shares_after: shares(&a),
        chi_square: test.statistic,
        df: test.df,
        p: test.p,
        significant: test.p < alpha,
    })
}
