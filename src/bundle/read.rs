//! Reading an earlier audit back from its bundle, for `compare`, `history` and `--baseline`:
//! the bundle is verified against its manifest first, so a changed file is never trusted.

use super::verify::verify;
use crate::error::{AuditError, Result};
use crate::results::AuditResults;
use std::path::Path;

/// The results of the bundle in `dir`, after checking that every output still matches the
/// manifest (the inputs are not needed: the data may have moved since).
pub fn results(dir: &Path) -> Result<AuditResults> {
    if !dir.join(super::manifest::MANIFEST).exists() {
        return Err(AuditError::NotABundle {
            dir: dir.to_path_buf(),
        });
    }
    let v = verify(dir, false)?;
    if !v.ok() {
        let what: Vec<String> = [
            ("changed", &v.changed),
            ("added", &v.added),
            ("removed", &v.removed),
        ]
        .into_iter()
        .filter(|(_, files)| !files.is_empty())
        .map(|(how, files)| format!("{how}: {}", files.join(", ")))
        .collect();
        return Err(AuditError::BundleChanged {
            dir: dir.to_path_buf(),
            what: what.join("; "),
        });
    }
    let path = dir.join("results.json");
    let unreadable = |reason: String| AuditError::NotResults {
        path: path.clone(),
        reason,
    };
    let text = std::fs::read_to_string(&path).map_err(|e| unreadable(e.to_string()))?;
    let mut r = AuditResults::from_json(&text).map_err(|e| unreadable(e.to_string()))?;
    crate::judge::restore(&mut r);
    Ok(r)
}
