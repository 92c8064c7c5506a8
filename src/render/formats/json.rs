//! `results.json`: the serialized results, full precision.

use crate::error::{AuditError, Result};
use crate::render::{OutputFile, Renderer, RunContext};
use crate::results::AuditResults;

/// Renders `results.json`.
pub struct Json;

impl Renderer for Json {
    fn render(&self, results: &AuditResults, ctx: &RunContext) -> Result<Vec<OutputFile>> {
        let err = |e: serde_json::Error| AuditError::render("results.json", e);
        let mut bytes = if ctx.privacy.suppress_json {
            serde_json::to_vec_pretty(&suppressed(results, ctx.privacy.min_cell))
        } else {
            serde_json::to_vec_pretty(results)
        }
        .map_err(err)?;
        bytes.push(b'\n');
        Ok(vec![OutputFile {
            name: "results.json".into(),
            bytes,
        }])
    }
}

/// The results with every group count below `min_cell` (but above 0) suppressed, the
/// explanation's flips and recourse of groups that small left out, and the rule recorded.
fn suppressed(results: &AuditResults, min_cell: f64) -> AuditResults {
    let mut out = results.without_small_groups(min_cell);
    for g in out.attribute_sets.iter_mut().flat_map(|s| &mut s.groups) {
        g.measures.counts.suppress_below(min_cell);
    }
    // The explanation's per-group figures of groups that small are left out.
    if let Some(e) = &mut out.explain {
        e.counterfactual.retain(|f| f.rows as f64 >= min_cell);
        for r in &mut e.recourse {
            r.groups.retain(|g| g.unfavourable as f64 >= min_cell);
        }
    }
    out.audit.counts_suppressed_below = Some(min_cell);
    out
}
