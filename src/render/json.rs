//! `results.json`: the serialized results, full precision.

use super::{OutputFile, Renderer};
use crate::error::{AuditError, Result};
use crate::results::AuditResults;

/// Renders `results.json`.
pub struct Json;

impl Renderer for Json {
    fn render(&self, results: &AuditResults) -> Result<Vec<OutputFile>> {
        let mut bytes = serde_json::to_vec_pretty(results)
            .map_err(|e| AuditError::output(std::path::Path::new("results.json"), e))?;
        bytes.push(b'\n');
        Ok(vec![OutputFile {
            name: "results.json".into(),
            bytes,
        }])
    }
}
