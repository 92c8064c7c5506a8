//! Bundle stage: the evidence bundle of a run. Every rendered output plus `manifest.json` (the
//! SHA-256 of every input and output), written to a temporary directory and renamed into place
//! so a failed run never leaves half a bundle; `verify` checks a bundle against its manifest.

pub mod manifest;
pub mod read;
pub mod run;
pub mod sign;
pub mod verify;
pub mod write;

pub use write::{check_output_dir, write, write_file};

use crate::error::Result;
use crate::render::{render_all, OutputFile, RunContext};
use crate::results::AuditResults;

/// Every file of the bundle of `results`: the rendered outputs, then the manifest.
pub fn files(results: &AuditResults, ctx: &RunContext) -> Result<Vec<OutputFile>> {
    let mut files = render_all(results, ctx)?;
    let manifest = manifest::manifest(results, ctx, &files)?;
    files.push(manifest);
    Ok(files)
}
