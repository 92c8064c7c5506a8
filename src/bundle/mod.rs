//! Bundle stage: the evidence bundle of a run. Every rendered output plus `manifest.json` (the
//! SHA-256 of every input and output), written to a temporary directory and renamed into place
//! so a failed run never leaves half a bundle; `verify` checks a bundle against its manifest.

pub mod manifest;
pub mod verify;

use crate::error::{AuditError, Result};
use crate::render::{render_all, OutputFile, RunContext};
use crate::results::AuditResults;
use std::path::{Path, PathBuf};

/// Every file of the bundle of `results`: the rendered outputs, then the manifest.
pub fn files(results: &AuditResults, ctx: &RunContext) -> Result<Vec<OutputFile>> {
    let mut files = render_all(results, ctx)?;
    let manifest = manifest::manifest(results, ctx, &files)?;
    files.push(manifest);
    Ok(files)
}

/// Fails when `dir` exists, is not empty and `force` is not set. Run it before any work.
pub fn check_output_dir(dir: &Path, force: bool) -> Result<()> {
    let non_empty = std::fs::read_dir(dir)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if non_empty && !force {
        return Err(AuditError::OutputExists {
            path: dir.to_path_buf(),
        });
    }
    if dir.exists() && !dir.is_dir() {
        return Err(AuditError::NotADirectory {
            path: dir.to_path_buf(),
        });
    }
    Ok(())
}

/// Writes `files` into `dir`: first into a temporary sibling directory, then renamed into place
/// (replacing an existing `dir`, which `check_output_dir` allowed).
pub fn write(dir: &Path, files: &[OutputFile], force: bool) -> Result<()> {
    check_output_dir(dir, force)?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| AuditError::write(&parent, e))?;
    let staging = tempfile::Builder::new()
        .prefix(".fairaudit-")
        .tempdir_in(&parent)
        .map_err(|e| AuditError::write(&parent, e))?;
    for file in files {
        let path = staging.path().join(&file.name);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(|e| AuditError::write(p, e))?;
        }
        std::fs::write(&path, &file.bytes).map_err(|e| AuditError::write(&path, e))?;
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| AuditError::write(dir, e))?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, dir).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staged);
        AuditError::write(dir, e)
    })
}
