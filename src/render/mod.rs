//! Render stage: each output format is a pure function from results to files (hyperfine's
//! exporter habit); `write_outputs` writes them all to a temporary directory and renames it into
//! place, so a failed run never leaves half a report.

mod charts;
pub mod context;
mod headline;
mod html;
mod json;
pub mod manifest;
mod markdown;
mod tables;
mod text;

pub use context::RunContext;

use crate::error::{AuditError, Result};
use crate::results::AuditResults;
use std::path::{Path, PathBuf};

/// A file to write, relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative path (`report.md`, `charts/selection_rate_1_race.svg`).
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// One output format.
pub trait Renderer {
    /// The files this format produces for `results` in the run `ctx`.
    fn render(&self, results: &AuditResults, ctx: &RunContext) -> Result<Vec<OutputFile>>;
}

/// Every output of an audit run, the manifest last.
pub fn render_all(results: &AuditResults, ctx: &RunContext) -> Result<Vec<OutputFile>> {
    let renderers: [&dyn Renderer; 4] = [
        &json::Json,
        &markdown::Markdown,
        &charts::Charts,
        &tables::Tables,
    ];
    let mut files = Vec::new();
    for r in renderers {
        files.extend(r.render(results, ctx)?);
    }
    files.extend(html::Html.render_with(results, ctx, &files)?);
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
        return Err(AuditError::output(
            dir,
            "output directory exists and is not empty; pass --force to replace it",
        ));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(AuditError::output(dir, "exists and is not a directory"));
    }
    Ok(())
}

/// Writes `files` into `dir`: first into a temporary sibling directory, then renamed into place
/// (replacing an existing `dir`, which `check_output_dir` allowed).
pub fn write_outputs(dir: &Path, files: &[OutputFile], force: bool) -> Result<()> {
    check_output_dir(dir, force)?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| AuditError::output(&parent, e))?;
    let staging = tempfile::Builder::new()
        .prefix(".fairaudit-")
        .tempdir_in(&parent)
        .map_err(|e| AuditError::output(&parent, e))?;
    for file in files {
        let path = staging.path().join(&file.name);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(|e| AuditError::output(p, e))?;
        }
        std::fs::write(&path, &file.bytes).map_err(|e| AuditError::output(&path, e))?;
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| AuditError::output(dir, e))?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, dir).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staged);
        AuditError::output(dir, e)
    })
}
