//! Compare stage: what changed between two audits of the same decision (last month's and this
//! month's). Works on two [`AuditResults`] alone, as read back from their bundles: every group's
//! rates before and after, the change's interval and test (adjusted over every change tested),
//! the verdicts' change, and whether the mix of people changed ([`population`]).

mod population;

use crate::judge::checks::Measure;
use crate::metric::Metric;
use crate::results::changes::{AuditRef, Change, Changes, VerdictChange};
use crate::results::{AttributeSetResult, AuditResults, GroupResult, PeriodResult, VerdictState};
use crate::stats::adjust::adjust;
use crate::stats::distribution::welch_from_summaries;
use crate::stats::interval::newcombe;
use crate::stats::test::{two_proportions, TestMethod};
use crate::stats::z_for;

/// The comparison of `before` with `after` (bundles in `before_dir` and `after_dir`). The
/// confidence, significance level and adjustment are the later audit's.
pub fn compare(
    before: &AuditResults,
    before_dir: &str,
    after: &AuditResults,
    after_dir: &str,
) -> Changes {
    let audit = &after.audit;
    let mut changes = Vec::new();
    for set in &after.attribute_sets {
        let earlier = matching_set(before, set);
        for g in &set.groups {
            let old = earlier.and_then(|s| find(s, g));
            changes.extend(group_changes(
                (before, after),
                &set.attributes,
                old,
                Some(g),
            ));
        }
    }
    // Groups (and whole sets) only the earlier audit has.
    for set in &before.attribute_sets {
        let later = matching_set(after, set);
        for g in &set.groups {
            if later.and_then(|s| find(s, g)).is_none() {
                changes.extend(group_changes(
                    (before, after),
                    &set.attributes,
                    Some(g),
                    None,
                ));
            }
        }
    }
    let tested: Vec<usize> = (0..changes.len())
        .filter(|&i| changes[i].p.is_some())
        .collect();
    let p: Vec<f64> = tested.iter().filter_map(|&i| changes[i].p).collect();
    for (&i, q) in tested.iter().zip(adjust(&p, audit.p_adjust)) {
        changes[i].p_adjusted = Some(q);
        changes[i].significant = q < audit.alpha;
    }
    let count = |c: VerdictChange| changes.iter().filter(|x| x.verdict_change == c).count();
    Changes {
        before: audit_ref(before, before_dir),
        after: audit_ref(after, after_dir),
        confidence: audit.confidence,
        alpha: audit.alpha,
        p_adjust: audit.p_adjust,
        tests_in_family: tested.len(),
        significant_changes: changes.iter().filter(|c| c.significant).count(),
        new: count(VerdictChange::New),
        resolved: count(VerdictChange::Resolved),
        persisting: count(VerdictChange::Persisting),
        population: population::shifts(before, after, audit.alpha),
        changes,
    }
}

/// A series of audits (oldest first, each with its bundle's directory) as one trend: the latest
/// audit's results, with every audit's attribute sets as one period, labelled by the period its
/// dates cover (or its directory); and how each audit is named. `None` without an audit.
pub fn series(audits: Vec<(String, AuditResults)>) -> Option<(AuditResults, Vec<AuditRef>)> {
    let named: Vec<AuditRef> = audits.iter().map(|(dir, r)| audit_ref(r, dir)).collect();
    let periods: Vec<PeriodResult> = audits
        .iter()
        .map(|(dir, r)| PeriodResult {
            period: r.period_range().unwrap_or_else(|| dir.clone()),
            attribute_sets: r.attribute_sets.clone(),
        })
        .collect();
    let (_, mut latest) = audits.into_iter().last()?;
    latest.periods = periods;
    latest.failing_streaks = crate::judge::trend::failing_streaks(&latest);
    latest.reference_moves = crate::judge::trend::reference_moves(&latest);
    Some((latest, named))
}

/// The attribute set of `r` with the same attributes and segment as `set`.
fn matching_set<'a>(
    r: &'a AuditResults,
    set: &AttributeSetResult,
) -> Option<&'a AttributeSetResult> {
    r.attribute_sets
        .iter()
        .find(|s| s.attributes == set.attributes && s.segment == set.segment)
}

/// The group of `set` with the values of `g`.
fn find<'a>(set: &'a AttributeSetResult, g: &GroupResult) -> Option<&'a GroupResult> {
    set.groups
        .iter()
        .find(|x| x.measures.values == g.measures.values)
}

/// How an audit is named in a comparison or a series.
pub fn audit_ref(r: &AuditResults, dir: &str) -> AuditRef {
    AuditRef {
        dir: dir.to_string(),
        input: r.input.path.clone(),
        sha256: r.input.sha256.clone(),
        period: r.period_range(),
        rows_used: r.input.rows_used,
    }
}

/// The group's verdict on a metric compared between audits, as the gates read it: for the
/// audit's judged metric, the verdict its status follows (with controls, at equal controls unless
/// judged on the raw rates); the parity verdicts of the tpr and fpr.
fn verdict(r: &AuditResults, m: Metric, g: &GroupResult) -> Option<VerdictState> {
    let v = g.verdict.as_ref()?;
    if v.state() == VerdictState::Excluded {
        return Some(VerdictState::Excluded);
    }
    match m {
        Metric::Tpr => v.tpr_parity,
        Metric::Fpr => v.fpr_parity,
        _ => Measure::of_metric(m, r.audit.outcome_kind())
            .map(|measure| measure.judged_state(g, r.audit.basis()).0),
    }
}

/// Successes and trials of a rate (`None` for the mean, or when a count is suppressed).
fn counts(m: Metric, g: &GroupResult) -> Option<(f64, f64)> {
    let c = &g.measures.counts;
    let value = |c: Option<crate::results::Count>| match c? {
        crate::results::Count::Value(x) => Some(x),
        crate::results::Count::Suppressed => None,
    };
    match m {
        Metric::SelectionRate => Some((value(c.pp)?, value(Some(c.n))?)),
        Metric::Tpr => {
            let (tp, fn_) = (value(c.tp)?, value(c.fn_)?);
            Some((tp, tp + fn_))
        }
        Metric::Fpr => {
            let (fp, tn) = (value(c.fp)?, value(c.tn)?);
            Some((fp, fp + tn))
        }
        _ => None,
    }
}

/// The metric's value: a mean as measured, a rate from its counts.
fn value(m: Metric, g: &GroupResult) -> Option<f64> {
    match m {
        Metric::Mean => g.measures.rate(Metric::Mean),
        _ => {
            let (x, n) = counts(m, g)?;
            (n > 0.0).then(|| x / n)
        }
    }
}

/// The metrics an audit's groups are compared on.
fn metrics(r: &AuditResults) -> Vec<Metric> {
    let mut metrics = vec![r.audit.outcome_kind().judged_metric()];
    if r.audit.label.is_some() {
        metrics.extend([Metric::Tpr, Metric::Fpr]);
    }
    metrics
}

/// Every metric's change for one group, present in either audit or both.
fn group_changes(
    (before_audit, after_audit): (&AuditResults, &AuditResults),
    attributes: &[String],
    before: Option<&GroupResult>,
    after: Option<&GroupResult>,
) -> Vec<Change> {
    let Some(values) = after.or(before).map(|g| g.measures.values.clone()) else {
        return Vec::new();
    };
    let z = z_for(after_audit.audit.confidence);
    metrics(after_audit)
        .into_iter()
        .map(|m| {
            let (b, a) = (
                before.and_then(|g| value(m, g)),
                after.and_then(|g| value(m, g)),
            );
            let (verdict_before, verdict_after) = (
                before.and_then(|g| verdict(before_audit, m, g)),
                after.and_then(|g| verdict(after_audit, m, g)),
            );
            let tested = match (before, after) {
                (Some(gb), Some(ga)) => test(m, gb, ga, after_audit.audit.confidence, z),
                _ => None,
            };
            let (ci, method, p) = tested.map_or((None, None, None), |(ci, method, p)| {
                (ci, Some(method), Some(p))
            });
            Change {
                attributes: attributes.to_vec(),
                values: values.clone(),
                metric: m.name().to_string(),
                before: b,
                after: a,
                difference: b.zip(a).map(|(b, a)| a - b),
                ci,
                method,
                p,
                p_adjusted: None,
                significant: false,
                verdict_before,
                verdict_after,
                verdict_change: VerdictChange::between(verdict_before, verdict_after),
            }
        })
        .collect()
}

/// The interval of the change (after minus before), the test and its p-value.
fn test(
    m: Metric,
    before: &GroupResult,
    after: &GroupResult,
    confidence: f64,
    z: f64,
) -> Option<(Option<[f64; 2]>, TestMethod, f64)> {
    if let Metric::Mean = m {
        let summary = |g: &GroupResult| {
            let n = match g.measures.counts.n {
                crate::results::Count::Value(n) => n,
                crate::results::Count::Suppressed => return None,
            };
            let sd = g.measures.rate(Metric::Std)?;
            Some((n, g.measures.rate(Metric::Mean)?, sd * sd))
        };
        let w = welch_from_summaries(summary(after)?, summary(before)?, confidence)?;
        return Some((Some(w.interval), TestMethod::Welch, w.p_value));
    }
    let (xa, na) = counts(m, after)?;
    let (xb, nb) = counts(m, before)?;
    let t = two_proportions(xa, na, xb, nb)?;
    Some((newcombe(xa, na, xb, nb, z), t.method, t.p_value))
}
