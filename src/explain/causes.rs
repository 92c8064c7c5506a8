//! The cause the data supports for each failing or inconclusive group of the decision: the
//! protected attribute itself drives the model (it is among the features), the declared
//! legitimate factors explain it (the verdict at equal controls passes), a likely proxy
//! carries it (a driver of the decision that tells the group's members from the reference
//! group's; with the group's rate within the proxy's values), or neither: not explained by the
//! inputs given.

use super::drivers::Split;
use super::proxies::{categories, separation};
use super::sample::Sample;
use crate::judge::gap_remains_within;
use crate::metric::Versus;
use crate::results::explain::{
    AttributeProxies, Cause, FeatureAssociation, FeatureImportance, Flip,
};
use crate::results::{AttributeSetResult, AuditResults, VerdictState};
use crate::stats::strata::{standardized, Stratum};
use crate::stats::z_for;
use indexmap::IndexMap;

/// The causes of every failing or inconclusive selection-rate verdict of the pooled sets.
pub fn causes(
    results: &AuditResults,
    (sample, split): (&Sample, &Split),
    proxies: &[AttributeProxies],
    (importance, flips): (&[FeatureImportance], &[Flip]),
    (accuracy, driver, confidence): (f64, f64, f64),
) -> Vec<Cause> {
    let mut out = Vec::new();
    for set in results
        .attribute_sets
        .iter()
        .filter(|s| s.segment.is_none())
    {
        for g in &set.groups {
            let Some(verdict) = &g.verdict else { continue };
            // A yes/no decision is judged by the four-fifths rule, a numeric outcome by its SMD.
            let state = match verdict.four_fifths.or(verdict.smd) {
                Some(s @ (VerdictState::Fail | VerdictState::Inconclusive)) => s,
                _ => continue,
            };
            let mut cause = Cause {
                attributes: set.attributes.clone(),
                group: g.measures.values.clone(),
                verdict: state.name().to_string(),
                case: "unexplained".into(),
                flipped_share: None,
                feature: None,
                ratio_within: None,
                ratio_within_ci: None,
                ratio_raw: None,
                remains_within: false,
                explained_share: None,
                driver_share: None,
                balanced_accuracy: None,
            };
            if let Some((attribute, share, flipped)) =
                direct(set, &g.measures.values, importance, flips, driver)
            {
                cause.case = "direct".into();
                cause.feature = Some(attribute);
                cause.driver_share = Some(share);
                cause.flipped_share = Some(flipped);
            } else if verdict.four_fifths_adjusted.or(verdict.adjusted_gap)
                == Some(VerdictState::Pass)
            {
                cause.case = "legitimate".into();
                cause.explained_share = match &g.measures.vs_reference.adjusted_gap {
                    Some(gap) => gap.explained_share,
                    None => g.measures.vs(Versus::ExplainedShare),
                };
            } else if let Some((feature, ba)) = set.reference.as_ref().and_then(|reference| {
                likely_proxy(
                    (sample, split),
                    set,
                    (&g.measures.values, reference),
                    proxies,
                    accuracy,
                )
            }) {
                cause.case = "proxy".into();
                cause.feature = Some(feature.feature.clone());
                cause.driver_share = Some(feature.driver_share);
                cause.balanced_accuracy = Some(ba);
                if let Some(reference) = &set.reference {
                    if let Some((strata, raw)) =
                        within(sample, (&g.measures.values, reference), &feature.feature)
                    {
                        cause.ratio_raw = raw;
                        if let Some((group, reference, ci)) =
                            standardized(&strata, z_for(confidence))
                        {
                            cause.ratio_within = (reference > 0.0).then(|| group / reference);
                            // The interval is a binomial one: a numeric outcome's mean has none.
                            cause.ratio_within_ci = ci.filter(|_| sample.outcomes.is_none());
                        }
                    }
                }
            }
            let a = &results.audit;
            cause.remains_within = gap_remains_within(
                a.outcome_kind(),
                a.favorable,
                a.di_threshold,
                (cause.ratio_within, cause.ratio_raw),
            );
            out.push(cause);
        }
    }
    out
}

/// A protected attribute of the set that is itself a feature driving the model (at least
/// `driver` of its importance): the attribute, its share, and the share of the group's decisions
/// the model turns favourable when it is set to the reference's value.
fn direct(
    set: &AttributeSetResult,
    group: &IndexMap<String, String>,
    importance: &[FeatureImportance],
    flips: &[Flip],
    driver: f64,
) -> Option<(String, f64, f64)> {
    let reference = set.reference.as_ref()?;
    set.attributes.iter().find_map(|a| {
        let share = importance.iter().find(|i| &i.feature == a)?.logistic_share;
        let flip = flips.iter().find(|f| {
            &f.attribute == a && Some(&f.group) == group.get(a) && Some(&f.to) == reference.get(a)
        })?;
        (share >= driver).then(|| (a.clone(), share, flip.to_favourable_share))
    })
}

/// The likely proxy of one of the set's attributes that tells the group's rows from the
/// reference's (hold-out balanced accuracy at least `accuracy`), the most driving one first, with
/// that balanced accuracy.
fn likely_proxy<'a>(
    (sample, split): (&Sample, &Split),
    set: &AttributeSetResult,
    (group, reference): (&IndexMap<String, String>, &IndexMap<String, String>),
    proxies: &'a [AttributeProxies],
    accuracy: f64,
) -> Option<(&'a FeatureAssociation, f64)> {
    let in_group = membership(sample, group)?;
    let in_reference = membership(sample, reference)?;
    let member = |i: usize| match (in_group[i], in_reference[i]) {
        (true, _) => Some(true),
        (false, true) => Some(false),
        _ => None,
    };
    proxies
        .iter()
        .filter(|p| set.attributes.contains(&p.attribute))
        .flat_map(|p| &p.features)
        .filter(|f| f.likely_proxy)
        .filter_map(|f| {
            let (_, values) = sample
                .features
                .iter()
                .find(|(name, _)| name == &f.feature)?;
            let (category, k) = categories(values);
            let ba = separation(&category, k, &member, (&split.training, &split.holdout));
            (ba >= accuracy).then_some((f, ba))
        })
        .max_by(|a, b| a.0.driver_share.total_cmp(&b.0.driver_share))
}

/// Whether each sampled row is in the group with these attribute values.
fn membership(sample: &Sample, values: &IndexMap<String, String>) -> Option<Vec<bool>> {
    let columns: Vec<&Vec<Option<String>>> = values
        .keys()
        .map(|a| {
            sample
                .attributes
                .iter()
                .find(|(name, _)| name == a)
                .map(|(_, v)| v)
        })
        .collect::<Option<_>>()?;
    Some(
        (0..sample.rows())
            .map(|row| {
                columns
                    .iter()
                    .zip(values.values())
                    .all(|(column, v)| column[row].as_deref() == Some(v.as_str()))
            })
            .collect(),
    )
}

/// The group's and the reference's rows and positive decisions (the sum of a numeric outcome)
/// in the sample within each value of `feature` (a number in its quintile bins), and their raw
/// ratio of rates (means). A row is in a group when it has every one of its attributes' values.
fn within(
    sample: &Sample,
    (group, reference): (&IndexMap<String, String>, &IndexMap<String, String>),
    feature: &str,
) -> Option<(Vec<Stratum>, Option<f64>)> {
    let in_group = membership(sample, group)?;
    let in_reference = membership(sample, reference)?;
    let (_, values) = sample.features.iter().find(|(f, _)| f == feature)?;
    let (category, k) = categories(values);
    let empty = Stratum {
        a: 0.0,
        n1: 0.0,
        c: 0.0,
        n0: 0.0,
    };
    let mut strata = vec![empty; k];
    // A numeric outcome's strata hold sums of the outcome where a decision's hold positives.
    let value = |i: usize| match &sample.outcomes {
        Some(y) => y[i],
        None => f64::from(u8::from(sample.decisions[i])),
    };
    for i in 0..sample.rows() {
        let positive = value(i);
        let s = &mut strata[category[i]];
        if in_group[i] {
            s.n1 += 1.0;
            s.a += positive;
        } else if in_reference[i] {
            s.n0 += 1.0;
            s.c += positive;
        }
    }
    let total = strata.iter().fold(empty, |t, s| Stratum {
        a: t.a + s.a,
        n1: t.n1 + s.n1,
        c: t.c + s.c,
        n0: t.n0 + s.n0,
    });
    let raw = (total.n1 > 0.0 && total.n0 > 0.0 && total.c > 0.0)
        .then(|| (total.a / total.n1) / (total.c / total.n0));
    Some((strata, raw))
}
