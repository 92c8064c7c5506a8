//! The executive summary: one line per decision and attribute set with a status, one plain
//! sentence a non-specialist can read, and the suggested next step.

use super::text::set_label;
use crate::judge::error_rate;
use crate::results::{AttributeSetResult, AuditResults, GroupResult, SetStatus, VerdictState};
use crate::spec::Favorable;

/// A set status's label, with a shape that does not rely on colour.
pub fn status_label(status: SetStatus) -> &'static str {
    match status {
        SetStatus::ActionNeeded => "✖ ACTION NEEDED",
        SetStatus::Review => "▲ REVIEW",
        SetStatus::Ok => "✔ OK",
    }
}

/// The suggested next step for a set status.
pub fn next_step(status: SetStatus) -> &'static str {
    match status {
        SetStatus::ActionNeeded => "find out why the decision rule treats this group differently (a legitimate factor, a proxy, or the attribute itself), decide on a remedy, and audit again after the change",
        SetStatus::Review => "review by hand or collect more data: the gap is large but the numbers are too small to be sure",
        SetStatus::Ok => "no action; keep auditing every month",
    }
}

/// One line of the executive summary.
#[derive(Debug, Clone)]
pub struct Headline {
    /// The decision audited.
    pub decision: String,
    /// The attribute set.
    pub attributes: String,
    /// Its status.
    pub status: SetStatus,
    /// What it means, in one plain sentence.
    pub sentence: String,
}

/// The decision in words: `decile_score >= 5` or `offer_sent`.
pub fn decision_text(r: &AuditResults) -> String {
    match (&r.audit.score, &r.audit.outcome) {
        (Some(score), _) => format!("{} >= {}", score.column, score.threshold),
        (None, Some(outcome)) => match &r.audit.positive {
            Some(p) => format!("{outcome} in {{{}}}", p.join(", ")),
            None => outcome.clone(),
        },
        (None, None) => String::new(),
    }
}

/// Every line of the executive summary, in the report's order of attribute sets: per set, the
/// selection rate (four-fifths rule) and, with a label, the judged error rate.
pub fn headlines(r: &AuditResults) -> Vec<Headline> {
    let mut lines = Vec::new();
    for set in &r.attribute_sets {
        lines.push(line(r, set, Check::Selection));
        if set.error_rate_status.is_some() {
            lines.push(line(r, set, Check::ErrorRate));
        }
    }
    lines
}

/// What a line of the summary is about.
#[derive(Clone, Copy)]
enum Check {
    /// The selection rate, judged by the four-fifths rule.
    Selection,
    /// The error rate judged with a label (fpr for an adverse decision, tpr for a favourable one).
    ErrorRate,
}

impl Check {
    fn state(self, g: &GroupResult) -> VerdictState {
        match self {
            Check::Selection => g.state(),
            Check::ErrorRate => g.error_state().unwrap_or(VerdictState::Excluded),
        }
    }

    /// The ratio the check judges.
    fn ratio(self, r: &AuditResults, g: &GroupResult) -> Option<f64> {
        match self {
            Check::Selection => g.measures.vs("disparate_impact_ratio"),
            Check::ErrorRate => g
                .measures
                .vs(&format!("{}_ratio", error_rate(r.audit.favorable).0)),
        }
    }
}

fn line(r: &AuditResults, set: &AttributeSetResult, check: Check) -> Headline {
    let worst = |state| set.groups.iter().filter(move |g| check.state(g) == state);
    // The group that most needs attention: the failing one furthest from parity, else the
    // inconclusive one, else the one furthest from parity.
    let severity = |g: &GroupResult| {
        let order = match check.state(g) {
            VerdictState::Fail => 2.0,
            VerdictState::Inconclusive => 1.0,
            _ => 0.0,
        };
        order * 100.0 + check.ratio(r, g).map_or(0.0, |v| v.ln().abs())
    };
    let focus = worst(VerdictState::Fail)
        .chain(worst(VerdictState::Inconclusive))
        .chain(worst(VerdictState::Pass).filter(|g| !g.measures.is_reference))
        .max_by(|a, b| severity(a).total_cmp(&severity(b)));
    let (decision, status) = match check {
        Check::Selection => (decision_text(r), set.selection_status),
        Check::ErrorRate => (
            format!(
                "{} of {}",
                error_rate(r.audit.favorable).0,
                decision_text(r)
            ),
            set.error_rate_status.unwrap_or_default(),
        ),
    };
    Headline {
        decision,
        attributes: set_label(set),
        status,
        sentence: focus.map_or_else(
            || "No group could be compared: every group is too small or excluded.".to_string(),
            |g| match check {
                Check::Selection => sentence(r, set, g),
                Check::ErrorRate => error_sentence(r, set, g),
            },
        ),
    }
}

/// `Group race = African-American`.
fn who(g: &GroupResult) -> String {
    let values = g
        .measures
        .values
        .iter()
        .map(|(a, v)| format!("{a} = {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("Group {values}")
}

/// `the reference group (Caucasian)` or `the whole population`.
fn reference(set: &AttributeSetResult) -> String {
    match &set.reference {
        Some(values) => format!(
            "the reference group ({})",
            values.values().cloned().collect::<Vec<_>>().join(", ")
        ),
        None => "the whole population".to_string(),
    }
}

fn rate(v: Option<f64>) -> String {
    v.map_or("n/a".to_string(), |v| format!("{:.1}%", v * 100.0))
}

/// How the check's state reads, after the numbers.
fn certainty(state: VerdictState) -> &'static str {
    match state {
        VerdictState::Fail => " The gap is statistically significant.",
        VerdictState::Inconclusive => {
            " The gap crosses the four-fifths threshold but is not statistically certain."
        }
        _ => " This is within the four-fifths rule.",
    }
}

/// `1.8 times as often as` or `only 80% as often as`.
fn how_often(ratio: Option<f64>) -> String {
    match ratio {
        Some(v) if v >= 1.0 => format!("{v:.1} times as often as"),
        Some(v) => format!("only {:.0}% as often as", v * 100.0),
        None => "at a rate that cannot be compared with".to_string(),
    }
}

fn sentence(r: &AuditResults, set: &AttributeSetResult, g: &GroupResult) -> String {
    let kind = match r.audit.favorable {
        Favorable::Positive => "the favourable decision",
        Favorable::Negative => "the adverse decision",
    };
    format!(
        "{} received {kind} ({}) {} {} ({} vs {}).{}",
        who(g),
        decision_text(r),
        how_often(g.measures.vs("disparate_impact_ratio")),
        reference(set),
        rate(g.measures.rate("selection_rate")),
        rate(set.reference_rate),
        certainty(g.state())
    )
}

/// The error-rate line: for an adverse decision, how often people whose true outcome was
/// negative were wrongly given it; for a favourable one, how often people whose true outcome was
/// positive were given it.
fn error_sentence(r: &AuditResults, set: &AttributeSetResult, g: &GroupResult) -> String {
    let (metric, _) = error_rate(r.audit.favorable);
    let what = match r.audit.favorable {
        Favorable::Negative => "was wrongly given the adverse decision (a false positive)",
        Favorable::Positive => "was given the favourable decision when qualified (a true positive)",
    };
    let among = match r.audit.favorable {
        Favorable::Negative => "of those whose true outcome was negative",
        Favorable::Positive => "of those whose true outcome was positive",
    };
    let reference_rate = g
        .measures
        .rate(metric)
        .zip(g.measures.vs(&format!("{metric}_difference")))
        .map(|(v, d)| v - d);
    format!(
        "{} {what} {} {} ({} vs {} {among}).{}",
        who(g),
        how_often(g.measures.vs(&format!("{metric}_ratio"))),
        reference(set),
        rate(g.measures.rate(metric)),
        rate(reference_rate),
        certainty(g.error_state().unwrap_or(VerdictState::Pass))
    )
}
