//! `results.json`: the serialized results, full precision.

use super::{OutputFile, Renderer, RunContext};
use crate::error::{AuditError, Result};
use crate::results::AuditResults;

/// Renders `results.json`.
pub struct Json;

impl Renderer for Json {
    fn render(&self, results: &AuditResults, ctx: &RunContext) -> Result<Vec<OutputFile>> {
        let err =
            |e: serde_json::Error| AuditError::output(std::path::Path::new("results.json"), e);
        let mut value = serde_json::to_value(results).map_err(err)?;
        if ctx.privacy.suppress_json {
            suppress(&mut value, ctx.privacy.min_cell);
        }
        let mut bytes = serde_json::to_vec_pretty(&value).map_err(err)?;
        bytes.push(b'\n');
        Ok(vec![OutputFile {
            name: "results.json".into(),
            bytes,
        }])
    }
}

/// Replaces every group count below `min_cell` (but above 0) with `null` and records the rule.
fn suppress(value: &mut serde_json::Value, min_cell: f64) {
    const COUNTS: [&str; 7] = ["n", "tp", "fp", "tn", "fn", "pp", "pn"];
    if let Some(sets) = value["attribute_sets"].as_array_mut() {
        for group in sets
            .iter_mut()
            .filter_map(|s| s["groups"].as_array_mut())
            .flatten()
        {
            for c in COUNTS {
                if group[c].as_f64().is_some_and(|v| v > 0.0 && v < min_cell) {
                    group[c] = serde_json::Value::Null;
                }
            }
        }
    }
    value["audit"]["counts_suppressed_below"] = serde_json::Value::from(min_cell);
}
