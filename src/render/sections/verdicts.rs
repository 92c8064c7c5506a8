//! The report's list of verdicts: per group that is not excluded, its verdict with the reason,
//! then at equal controls and for the judged error rate when the audit has them.

use crate::render::text::{group_label, md, verdict_text};
use crate::results::{AttributeSetResult, AuditResults, VerdictState};
use std::fmt::Write;

/// Writes one line per verdict of each group of `set` that is not excluded.
pub fn verdict_list(s: &mut String, r: &AuditResults, set: &AttributeSetResult) {
    for g in set
        .groups
        .iter()
        .filter(|g| g.state() != VerdictState::Excluded)
    {
        let name = md(&group_label(&g.measures));
        let _ = writeln!(s, "- {name}: {} — {}", verdict_text(g.state()), g.reason());
        let Some(v) = &g.verdict else {
            continue;
        };
        if let (Some(state), Some(reason)) = (
            v.adjusted_gap.or(v.four_fifths_adjusted),
            v.adjusted_reason.as_deref(),
        ) {
            let _ = writeln!(
                s,
                "- {name}, at equal controls: {} — {reason}",
                verdict_text(state)
            );
        }
        if let Some(state) = g.error_state() {
            let _ = writeln!(
                s,
                "- {name}, {}: {} — {}",
                r.audit.favorable.error_rate().0.name(),
                verdict_text(state),
                v.error_rate_reason.as_deref().unwrap_or("")
            );
        }
    }
}
