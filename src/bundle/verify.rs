//! `fairaudit verify DIR`: re-hashes every file an evidence bundle's manifest lists and names
//! every file that was changed, added or removed.

use super::manifest::{Manifest, MANIFEST};
use crate::error::{AuditError, Result};
use crate::hash::sha256_hex;
use std::path::Path;

/// What verification found, one line per problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// Files whose bytes differ from the manifest.
    pub changed: Vec<String>,
    /// Files in the directory the manifest does not list.
    pub added: Vec<String>,
    /// Files the manifest lists that are gone.
    pub removed: Vec<String>,
    /// Files checked and found intact.
    pub intact: usize,
}

impl Verification {
    /// Whether the bundle is exactly as written.
    pub fn ok(&self) -> bool {
        self.changed.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }
}

/// Verifies the bundle in `dir`. Inputs are looked up as given on the command line (relative to
/// the working directory) unless `check_inputs` is false.
pub fn verify(dir: &Path, check_inputs: bool) -> Result<Verification> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|source| AuditError::ManifestUnreadable {
        path: path.clone(),
        source,
    })?;
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|source| AuditError::NotAManifest {
            path: path.clone(),
            source,
        })?;
    let mut v = Verification::default();
    let mut check = |shown: String, file: &Path, sha256: &str, size: u64| match std::fs::read(file)
    {
        Ok(bytes) if bytes.len() as u64 == size && sha256_hex(&bytes) == sha256 => v.intact += 1,
        Ok(_) => v.changed.push(shown),
        Err(_) => v.removed.push(shown),
    };
    for f in &manifest.outputs {
        check(f.path.clone(), &dir.join(&f.path), &f.sha256, f.size_bytes);
    }
    if check_inputs {
        for f in &manifest.inputs {
            check(
                format!("{} (input)", f.path),
                Path::new(&f.path),
                &f.sha256,
                f.size_bytes,
            );
        }
    }
    let mut present = Vec::new();
    list_files(dir, dir, &mut present);
    present.sort();
    v.added = present
        .into_iter()
        .filter(|p| p != MANIFEST && !manifest.outputs.iter().any(|f| &f.path == p))
        .collect();
    Ok(v)
}

/// Every file below `dir`, as paths relative to `root` with `/` separators.
pub fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            list_files(root, &path, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            );
        }
    }
}
