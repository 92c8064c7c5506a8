//! The checks of an attribute set: each measure judged for every group (the selection rate by
//! the four-fifths rule, with a label the judged error rate, a numeric outcome's mean by its
//! SMD), with each group's status on it and the set's, what they follow (the raw verdicts, or
//! with controls the verdicts at equal controls), each group's severity, and the group its
//! headline is about. The executive summary, the decision sheet and the gates only read them.

use crate::measure::metrics::rate;
use crate::metric::{Metric, Versus};
use crate::results::{
    AttributeSetResult, AuditResults, GroupResult, ReferenceUsed, SetCheck, SetStatus, VerdictState,
};
use crate::spec::{Basis, Favorable, OutcomeKind};

/// The checks of every attribute set of `results` (its verdicts already filled).
pub fn fill(results: &mut AuditResults) {
    let (kind, favorable, basis) = (
        results.audit.outcome_kind(),
        results.audit.favorable,
        results.audit.basis(),
    );
    for set in &mut results.attribute_sets {
        set.checks = checks(set, kind, favorable, basis);
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

    /// The measure judging a metric compared between audits, if one does.
    pub fn of_metric(metric: Metric, kind: OutcomeKind) -> Option<Measure> {
        match metric {
            m if m == kind.judged_metric() && kind == OutcomeKind::Continuous => {
                Some(Measure::Mean)
            }
            m if m == kind.judged_metric() => Some(Measure::Selection),
            Metric::Tpr | Metric::Fpr => Some(Measure::ErrorRate(metric)),
            _ => None,
        }
    }

    /// A group's raw verdict on it (`excluded` for a group without an error-rate verdict).
    pub fn state(self, g: &GroupResult) -> VerdictState {
        match self {
            Measure::Selection | Measure::Mean => g.state(),
            Measure::ErrorRate(_) => g.error_state().unwrap_or(VerdictState::Excluded),
        }
    }

    /// A group's verdict at equal controls, when it was compared within them (the error rates
    /// are not).
    pub fn adjusted_state(self, g: &GroupResult) -> Option<VerdictState> {
        let v = g.verdict.as_ref()?;
        match self {
            Measure::Selection => v.four_fifths_adjusted,
            Measure::Mean => v.adjusted_gap,
            Measure::ErrorRate(_) => None,
        }
        .filter(|s| *s != VerdictState::Excluded)
    }

    /// The verdict a group's status follows on `basis`, and whether it is the one at equal
    /// controls.
    pub fn judged_state(self, g: &GroupResult, basis: Basis) -> (VerdictState, bool) {
        let raw = self.state(g);
        match self.adjusted_state(g) {
            Some(adjusted) if basis == Basis::Adjusted && raw != VerdictState::Excluded => {
                (adjusted, true)
            }
            _ => (raw, false),
        }
    }

    /// A group's status on it (`None` for the reference and a group left out): by the verdict
    /// it follows on `basis`, `explained` when that is the verdict at equal controls and passes
    /// while the raw one crosses the threshold.
    pub fn status(self, g: &GroupResult, basis: Basis) -> Option<SetStatus> {
        if g.measures.is_reference {
            return None;
        }
        let raw = self.state(g);
        match self.judged_state(g, basis) {
            (VerdictState::Excluded, _) => None,
            (VerdictState::Fail, _) => Some(SetStatus::ActionNeeded),
            (VerdictState::Inconclusive, _) => Some(SetStatus::Review),
            (VerdictState::Pass, true) if raw != VerdictState::Pass => Some(SetStatus::Explained),
            (VerdictState::Pass, _) => Some(SetStatus::Ok),
        }
    }

    /// The people a group's gap on it affects on `basis` (see [`SetCheck::affected`]).
    pub fn affected(self, g: &GroupResult, basis: Basis) -> Option<f64> {
        let m = &g.measures;
        match self {
            Measure::Selection if self.judged_state(g, basis).1 => m.vs(Versus::ShortfallAdjusted),
            Measure::Selection => m.vs(Versus::Shortfall),
            Measure::ErrorRate(_) => m.vs(Versus::ErrorRateShortfall),
            Measure::Mean => Some(m.counts.n.get()),
        }
    }

    /// The rows of a group the measure is over: all its rows, or for an error rate those whose
    /// true outcome it is of (its formula's denominator: the qualified for tpr, the unqualified
    /// for fpr).
    pub fn rows(self, g: &GroupResult) -> f64 {
        let cells = g.measures.counts.cells();
        match self {
            Measure::ErrorRate(metric) => rate(metric).map_or(cells.n, |r| (r.denominator)(&cells)),
            _ => cells.n,
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

fn checks(
    set: &AttributeSetResult,
    kind: OutcomeKind,
    favorable: Favorable,
    basis: Basis,
) -> Vec<SetCheck> {
    let measures = match kind {
        OutcomeKind::Continuous => vec![Measure::Mean],
        OutcomeKind::Binary if set.groups.iter().any(|g| g.error_state().is_some()) => {
            vec![
                Measure::Selection,
                Measure::ErrorRate(favorable.error_rate().0),
            ]
        }
        OutcomeKind::Binary => vec![Measure::Selection],
    };
    measures
        .into_iter()
        .map(|m| check(set, m, favorable, basis))
        .collect()
}

/// One check of `set`: its groups' statuses on `basis` and the set's, by the raw verdicts too.
pub(crate) fn check(
    set: &AttributeSetResult,
    m: Measure,
    favorable: Favorable,
    basis: Basis,
) -> SetCheck {
    let adjusted =
        basis == Basis::Adjusted && set.groups.iter().any(|g| m.judged_state(g, basis).1);
    let states: Vec<Option<SetStatus>> = set.groups.iter().map(|g| m.status(g, basis)).collect();
    let raw: Vec<Option<SetStatus>> = set.groups.iter().map(|g| m.status(g, Basis::Raw)).collect();
    let severity: Vec<Option<f64>> = set
        .groups
        .iter()
        .zip(&states)
        .map(|(g, s)| severity(m, favorable, g, (*s)?))
        .collect();
    let affected = set
        .groups
        .iter()
        .zip(&states)
        .map(|(g, s)| s.and_then(|_| m.affected(g, basis)))
        .collect();
    // The headline's group: the most severe (the last of equals, as a maximum is taken).
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
        status: set_status(set, &states),
        status_basis: if adjusted {
            Basis::Adjusted
        } else {
            Basis::Raw
        },
        raw_status: set_status(set, &raw),
        states,
        severity,
        affected,
        focus,
    }
}

/// A set's status: the worst of its groups', and review when no group could be the reference.
fn set_status(set: &AttributeSetResult, states: &[Option<SetStatus>]) -> SetStatus {
    let no_reference = if set.reference_strategy == ReferenceUsed::None {
        SetStatus::Review
    } else {
        SetStatus::Ok
    };
    states
        .iter()
        .flatten()
        .fold(no_reference, |a, s| a.worst(*s))
}

/// How much a group needs attention on a check, given its `status` on it: 200 plus its
/// disadvantage when it needs action, 100 plus when review, 50 plus when explained, the
/// disadvantage alone when OK, where the disadvantage is the log of its raw ratio to the
/// reference on the customer's disadvantaged side (so a passing line names the worst-off
/// group, not the most favoured one).
fn severity(m: Measure, favorable: Favorable, g: &GroupResult, status: SetStatus) -> Option<f64> {
    let order = match status {
        SetStatus::ActionNeeded => 200.0,
        SetStatus::Review => 100.0,
        SetStatus::Explained => 50.0,
        SetStatus::Ok => 0.0,
    };
    let disadvantage = m
        .ratio(g)
        .filter(|v| *v > 0.0)
        .map_or(0.0, |v| -favorable.goodness(v.ln()));
    Some(order + disadvantage)
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
                score_audit: None,
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
                adjusted_measures_disagree: false,
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
            summary: Summary::default(),
            missing: 0.0,
            checks: Vec::new(),
            score_audit: None,
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
        let checks = checks(&s, OutcomeKind::Binary, Favorable::Positive, Basis::Raw);
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
            checks(&s, OutcomeKind::Binary, favorable, Basis::Raw)[0]
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
        let checks = checks(&s, OutcomeKind::Binary, Favorable::Positive, Basis::Raw);
        assert_eq!(checks[0].severity, vec![None, None]);
        assert_eq!(checks[0].focus, None);
    }
}
