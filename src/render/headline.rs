//! The executive summary: one line per decision and attribute set with a status, one plain
//! sentence a non-specialist can read, and the suggested next step.

use super::text::set_label;
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

/// Every line of the executive summary, in the report's order of attribute sets.
pub fn headlines(r: &AuditResults) -> Vec<Headline> {
    r.attribute_sets
        .iter()
        .map(|set| {
            let worst = |state| set.groups.iter().filter(move |g| g.state() == state);
            let status = set.status;
            // The group that most needs attention: the failing one furthest from parity, else
            // the inconclusive one, else the one furthest from parity.
            let focus = worst(VerdictState::Fail)
                .chain(worst(VerdictState::Inconclusive))
                .chain(worst(VerdictState::Pass).filter(|g| !g.measures.is_reference))
                .max_by(|a, b| severity(a).total_cmp(&severity(b)));
            Headline {
                decision: decision_text(r),
                attributes: set_label(set),
                status,
                sentence: focus.map_or_else(
                    || {
                        "No group could be compared: every group is too small or excluded."
                            .to_string()
                    },
                    |g| sentence(r, set, g),
                ),
            }
        })
        .collect()
}

fn severity(g: &GroupResult) -> f64 {
    let order = match g.state() {
        VerdictState::Fail => 2.0,
        VerdictState::Inconclusive => 1.0,
        _ => 0.0,
    };
    order * 100.0
        + g.measures
            .vs("disparate_impact_ratio")
            .map_or(0.0, |r| r.ln().abs())
}

fn sentence(r: &AuditResults, set: &AttributeSetResult, g: &GroupResult) -> String {
    let who = g
        .measures
        .values
        .iter()
        .map(|(a, v)| format!("{a} = {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let who = format!("Group {who}");
    let reference = match &set.reference {
        Some(values) => format!(
            "the reference group ({})",
            values.values().cloned().collect::<Vec<_>>().join(", ")
        ),
        None => "the whole population".to_string(),
    };
    let rate = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{:.1}%", v * 100.0));
    let reference_rate = set.reference_rate;
    let decision = decision_text(r);
    let kind = match r.audit.favorable {
        Favorable::Positive => "the favourable decision",
        Favorable::Negative => "the adverse decision",
    };
    let how_often = match g.measures.vs("disparate_impact_ratio") {
        Some(di) if di >= 1.0 => format!("{di:.1} times as often as"),
        Some(di) => format!("only {:.0}% as often as", di * 100.0),
        None => "at a rate that cannot be compared with".to_string(),
    };
    let certainty = match g.state() {
        VerdictState::Fail => " The gap is statistically significant.",
        VerdictState::Inconclusive => {
            " The gap crosses the four-fifths threshold but is not statistically certain."
        }
        _ => " This is within the four-fifths rule.",
    };
    format!(
        "{who} received {kind} ({decision}) {how_often} {reference} ({} vs {}).{certainty}",
        rate(g.measures.rate("selection_rate")),
        rate(reference_rate)
    )
}
