//! The checks of an attribute set: each measure judged for every group (the selection rate by
//! the four-fifths rule, with a label the judged error rate, a numeric outcome's mean by its
//! SMD), with the set's status on it, each group's severity, and the group its headline is
//! about. The executive summary and the decision sheet only format them.

use crate::metric::{Metric, Versus};
use crate::results::{AttributeSetResult, AuditResults, GroupResult, SetCheck, VerdictState};
use crate::spec::{Favorable, OutcomeKind};

/// The checks of every attribute set of `results` (its verdicts and statuses already filled).
pub fn fill(results: &mut AuditResults) {
    let (kind, favorable) = (results.audit.outcome_kind(), results.audit.favorable);
    for set in &mut results.attribute_sets {
        set.checks = checks(set, kind, favorable);
    }
}

/// What a check judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// The selection rate, by the four-fifths rule.
    Selection,
    /// The error rate judged with a label (fpr for an adverse decision, tpr for a favourable one).
    ErrorRate(Metric),
    /// A numeric outcome's mean, by its standardized difference.
    Mean,
}

impl Measure {
    /// The check a set's `checks` entry names by its metric.
    pub fn of(check: &SetCheck) -> Measure {
        match Metric::from_name(&check.metric) {
            Some(Metric::SelectionRate) => Measure::Selection,
            Some(Metric::Mean) => Measure::Mean,
            Some(metric) => Measure::ErrorRate(metric),
            // Not written by this version: read as the selection rate's.
            None => Measure::Selection,
        }
    }

    /// The metric it judges.
    pub fn metric(self) -> Metric {
        match self {
            Measure::Selection => OutcomeKind::Binary.judged_metric(),
            Measure::ErrorRate(metric) => metric,
            Measure::Mean => OutcomeKind::Continuous.judged_metric(),
        }
    }

    /// A group's verdict on it (`excluded` for a group without an error-rate verdict).
    pub fn state(self, g: &GroupResult) -> VerdictState {
        match self {
            Measure::Selection | Measure::Mean => g.state(),
            Measure::ErrorRate(_) => g.error_state().unwrap_or(VerdictState::Excluded),
        }
    }

    /// The ratio to the reference the check judges.
    pub fn ratio(self, g: &GroupResult) -> Option<f64> {
        match self {
            Measure::Selection => g.measures.vs(OutcomeKind::Binary.judged_ratio()),
            Measure::Mean => g.measures.vs(OutcomeKind::Continuous.judged_ratio()),
            Measure::ErrorRate(metric) => g.measures.vs(Versus::Ratio(metric)),
        }
    }
}

fn checks(set: &AttributeSetResult, kind: OutcomeKind, favorable: Favorable) -> Vec<SetCheck> {
    let measures = match kind {
        OutcomeKind::Continuous => vec![Measure::Mean],
        OutcomeKind::Binary if set.error_rate_status.is_some() => {
            vec![
                Measure::Selection,
                Measure::ErrorRate(favorable.error_rate().0),
            ]
        }
        OutcomeKind::Binary => vec![Measure::Selection],
    };
    measures
        .into_iter()
        .map(|m| {
            let severity: Vec<Option<f64>> = set
                .groups
                .iter()
                .map(|g| severity(m, favorable, g))
                .collect();
            // The headline's group: failing before inconclusive before passing, the most severe
            // (the last of equals, as a maximum is taken).
            let focus = set
                .groups
                .iter()
                .zip(&severity)
                .filter_map(|(g, s)| Some((g, (*s)?)))
                .fold(
                    None,
                    |best: Option<(&GroupResult, f64)>, (g, s)| match best {
                        Some((_, b)) if b > s => best,
                        _ => Some((g, s)),
                    },
                )
                .map(|(g, _)| g.measures.values.clone());
            SetCheck {
                metric: m.metric().name().to_string(),
                status: match m {
                    Measure::ErrorRate(_) => set.error_rate_status.unwrap_or_default(),
                    _ => set.selection_status,
                },
                severity,
                focus,
            }
        })
        .collect()
}

/// How much a group needs attention on a check: 200 plus its disadvantage when its verdict
/// fails, 100 plus when inconclusive, the disadvantage alone when it passes, where the
/// disadvantage is the log of its ratio to the reference on the customer's disadvantaged side
/// (so a passing line names the worst-off group, not the most favoured one). `None` for the
/// reference and for a group left out of the check.
fn severity(m: Measure, favorable: Favorable, g: &GroupResult) -> Option<f64> {
    let order = match m.state(g) {
        VerdictState::Fail => 2.0,
        VerdictState::Inconclusive => 1.0,
        VerdictState::Pass if !g.measures.is_reference => 0.0,
        _ => return None,
    };
    let disadvantage = m
        .ratio(g)
        .filter(|v| *v > 0.0)
        .map_or(0.0, |v| -favorable.goodness(v.ln()));
    Some(order * 100.0 + disadvantage)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{
        Comparison, Counts, GroupMeasures, Intervals, ReferenceUsed, SetStatus, Summary, Values,
        Verdict,
    };

    fn group(name: &str, ratio: f64, state: VerdictState) -> GroupResult {
        let mut vs_reference = Comparison::default();
        vs_reference
            .values
            .insert("disparate_impact_ratio".into(), Some(ratio));
        GroupResult {
            measures: GroupMeasures {
                values: [("g".to_string(), name.to_string())].into(),
                counts: Counts::of_size(100.0),
                rates: Values::new(),
                ci: Intervals::new(),
                vs_reference,
                is_reference: false,
                excluded: None,
                tally: Default::default(),
            },
            verdict: Some(Verdict {
                four_fifths: Some(state),
                smd: None,
                reason: String::new(),
                fpr_parity: None,
                tpr_parity: None,
                four_fifths_adjusted: None,
                adjusted_gap: None,
                adjusted_reason: None,
                error_rate_reason: None,
            }),
        }
    }

    fn set(groups: Vec<GroupResult>) -> AttributeSetResult {
        AttributeSetResult {
            attributes: vec!["g".into()],
            reference: None,
            reference_strategy: ReferenceUsed::Explicit,
            reference_note: None,
            segment: None,
            groups,
            summary: Summary {
                values: Values::new(),
                ci: Intervals::new(),
            },
            missing: 0.0,
            checks: Vec::new(),
            reference_rate: None,
            status: SetStatus::default(),
            selection_status: SetStatus::default(),
            error_rate_status: None,
        }
    }

    #[test]
    fn failing_groups_come_first_then_the_furthest_on_the_disadvantaged_side() {
        let s = set(vec![
            group("a", 0.5, VerdictState::Inconclusive),
            group("b", 0.7, VerdictState::Fail),
            group("c", 0.9, VerdictState::Pass),
            group("d", 1.3, VerdictState::Pass),
        ]);
        let checks = checks(&s, OutcomeKind::Binary, Favorable::Positive);
        let severity = &checks[0].severity;
        assert!((severity[1].unwrap() - (200.0 - 0.7f64.ln())).abs() < 1e-12);
        assert!((severity[0].unwrap() - (100.0 - 0.5f64.ln())).abs() < 1e-12);
        assert!((severity[2].unwrap() + 0.9f64.ln()).abs() < 1e-12);
        assert!((severity[3].unwrap() + 1.3f64.ln()).abs() < 1e-12);
        assert_eq!(checks[0].focus.as_ref().unwrap()["g"], "b");
        assert_eq!(checks[0].metric, "selection_rate");
    }

    #[test]
    fn a_passing_line_names_the_worst_off_group_for_the_direction() {
        let focus = |favorable| {
            let s = set(vec![
                group("c", 0.9, VerdictState::Pass),
                group("d", 1.3, VerdictState::Pass),
            ]);
            checks(&s, OutcomeKind::Binary, favorable)[0]
                .focus
                .clone()
                .unwrap()["g"]
                .clone()
        };
        assert_eq!(focus(Favorable::Positive), "c");
        // An adverse decision: the group flagged most often is the worst off.
        assert_eq!(focus(Favorable::Negative), "d");
    }

    #[test]
    fn the_reference_and_excluded_groups_have_no_severity() {
        let mut reference = group("r", 1.0, VerdictState::Pass);
        reference.measures.is_reference = true;
        let s = set(vec![reference, group("x", 0.2, VerdictState::Excluded)]);
        let checks = checks(&s, OutcomeKind::Binary, Favorable::Positive);
        assert_eq!(checks[0].severity, vec![None, None]);
        assert_eq!(checks[0].focus, None);
    }
}
