//! The executive summary: one line per decision and attribute set with a status, one plain
//! sentence a non-specialist can read, and the suggested next step.

use super::text::{set_label, thousands};
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
                .vs(&format!("{}_ratio", r.audit.favorable.error_rate().0)),
        }
    }
}

fn line(r: &AuditResults, set: &AttributeSetResult, check: Check) -> Headline {
    let worst = |state| set.groups.iter().filter(move |g| check.state(g) == state);
    let focus = worst(VerdictState::Fail)
        .chain(worst(VerdictState::Inconclusive))
        .chain(worst(VerdictState::Pass).filter(|g| !g.measures.is_reference))
        .max_by(|a, b| severity(r, check, a).total_cmp(&severity(r, check, b)));
    let (decision, status) = match check {
        Check::Selection => (decision_text(r), set.selection_status),
        Check::ErrorRate => (
            format!(
                "{} of {}",
                r.audit.favorable.error_rate().0,
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

/// How much a group needs attention: failing before inconclusive before passing, then the
/// furthest on the disadvantaged side of parity (so an OK line names the worst-off group, not the
/// most favoured one).
fn severity(r: &AuditResults, check: Check, g: &GroupResult) -> f64 {
    let order = match check.state(g) {
        VerdictState::Fail => 2.0,
        VerdictState::Inconclusive => 1.0,
        _ => 0.0,
    };
    let disadvantage = check
        .ratio(r, g)
        .filter(|v| *v > 0.0)
        .map_or(0.0, |v| -r.audit.favorable.goodness(v.ln()));
    order * 100.0 + disadvantage
}

/// The decision sheet: one sentence over every check, then each group that needs action or
/// review, worst first, with how many people it concerns.
pub fn decision_sheet(r: &AuditResults) -> (String, Vec<(SetStatus, String)>) {
    let lines = headlines(r);
    let count = |status| lines.iter().filter(|h| h.status == status).count();
    let named = |status| {
        lines
            .iter()
            .filter(|h| h.status == status)
            .map(|h| format!("{} by {}", h.decision, h.attributes))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let (action, review, ok) = (
        count(SetStatus::ActionNeeded),
        count(SetStatus::Review),
        count(SetStatus::Ok),
    );
    let verb = |n: usize, one: &str, many: &str| {
        if n == 1 {
            one.to_string()
        } else {
            many.to_string()
        }
    };
    let mut overall = format!(
        "{action} of {} {} action",
        lines.len(),
        verb(lines.len(), "check needs", "checks need")
    );
    if action > 0 {
        overall += &format!(" ({})", named(SetStatus::ActionNeeded));
    }
    overall += &format!(", {review} {} review", verb(review, "needs", "need"));
    if review > 0 {
        overall += &format!(" ({})", named(SetStatus::Review));
    }
    overall += &format!(", {ok} {} OK.", verb(ok, "is", "are"));
    let mut entries: Vec<(SetStatus, f64, String)> = Vec::new();
    for set in &r.attribute_sets {
        for check in [Check::Selection, Check::ErrorRate] {
            if matches!(check, Check::ErrorRate) && set.error_rate_status.is_none() {
                continue;
            }
            for g in &set.groups {
                let status = match check.state(g) {
                    VerdictState::Fail => SetStatus::ActionNeeded,
                    VerdictState::Inconclusive => SetStatus::Review,
                    _ => continue,
                };
                entries.push((status, severity(r, check, g), entry(r, set, check, g)));
            }
        }
    }
    entries.sort_by(|a, b| b.1.total_cmp(&a.1));
    (
        overall,
        entries.into_iter().map(|(s, _, t)| (s, t)).collect(),
    )
}

/// One group of the decision sheet: what differs, by how much, and for how many people.
fn entry(r: &AuditResults, set: &AttributeSetResult, check: Check, g: &GroupResult) -> String {
    let f = r.audit.favorable;
    let (rate_name, what, key) = match check {
        Check::Selection => ("selection_rate", f.rate_words(), "shortfall"),
        Check::ErrorRate => (f.error_rate().0, f.error_rate().1, "error_rate_shortfall"),
    };
    let unit = match (check, f) {
        (Check::Selection, Favorable::Positive) => "fewer favourable decisions",
        (Check::Selection, Favorable::Negative) => "more adverse decisions",
        (Check::ErrorRate, Favorable::Negative) => "more people wrongly flagged",
        (Check::ErrorRate, Favorable::Positive) => "fewer qualified people given the decision",
    };
    let reference_value = g.measures.reference_value(rate_name);
    let people = g
        .measures
        .vs(key)
        .map(|n| {
            format!(
                "; about {} {unit} than at the reference's rate",
                thousands(n.round())
            )
        })
        .unwrap_or_default();
    format!(
        "{} ({}): {what} {} times the reference's ({} vs {}){people}.",
        who(g),
        set_label(set),
        check
            .ratio(r, g)
            .map_or("n/a".into(), |v| format!("{v:.2}")),
        rate(g.measures.rate(rate_name)),
        rate(reference_value)
    )
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

/// `1.8 times as often as`, `only 80% as often as` (a disadvantage) or `90% as often as` (fewer
/// adverse decisions: "only" is kept for a disadvantage).
fn how_often(ratio: Option<f64>, favorable: Favorable) -> String {
    match ratio {
        Some(v) if v >= 1.0 => format!("{v:.1} times as often as"),
        Some(v) if favorable == Favorable::Positive => {
            format!("only {:.0}% as often as", v * 100.0)
        }
        Some(v) => format!("{:.0}% as often as", v * 100.0),
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
        how_often(g.measures.vs("disparate_impact_ratio"), r.audit.favorable),
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
    let (metric, _) = r.audit.favorable.error_rate();
    let what = match r.audit.favorable {
        Favorable::Negative => "was wrongly given the adverse decision (a false positive)",
        Favorable::Positive => "was given the favourable decision when qualified (a true positive)",
    };
    let among = match r.audit.favorable {
        Favorable::Negative => "of those whose true outcome was negative",
        Favorable::Positive => "of those whose true outcome was positive",
    };
    let reference_rate = g.measures.reference_value(metric);
    format!(
        "{} {what} {} {} ({} vs {} {among}).{}",
        who(g),
        how_often(g.measures.vs(&format!("{metric}_ratio")), r.audit.favorable),
        reference(set),
        rate(g.measures.rate(metric)),
        rate(reference_rate),
        certainty(g.error_state().unwrap_or(VerdictState::Pass))
    )
}
