//! `manifest.json`: every output and input file with its SHA-256 and size, the effective
//! configuration, the tool version, the seed and the timestamp. `verify` checks a bundle
//! against it.

use crate::error::{AuditError, Result};
use crate::hash::sha256_hex;
use crate::render::context::{InputFile, RunContext};
use crate::render::OutputFile;
use crate::results::{AuditResults, ToolInfo};
use serde::{Deserialize, Serialize};

/// Name of the manifest inside an output directory.
pub const MANIFEST: &str = "manifest.json";

/// An output file as listed in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedFile {
    /// Path relative to the output directory.
    pub path: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: u64,
}

/// The manifest of an evidence bundle.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// Tool name and version.
    pub tool: ToolInfo,
    /// When the run happened (RFC 3339, UTC).
    pub timestamp: String,
    /// Seed of the run's randomness (the bootstrap).
    pub seed: u64,
    /// The full effective configuration.
    pub configuration: serde_json::Value,
    /// Input files, paths as given on the command line.
    pub inputs: Vec<InputFile>,
    /// Output files, paths relative to the output directory.
    pub outputs: Vec<ListedFile>,
}

/// The manifest file for `files` (every other output of the run).
pub fn manifest(
    results: &AuditResults,
    ctx: &RunContext,
    files: &[OutputFile],
) -> Result<OutputFile> {
    listing(
        Manifest {
            tool: results.tool.clone(),
            timestamp: ctx.timestamp.clone(),
            seed: results.audit.seed,
            configuration: ctx.configuration.clone(),
            inputs: ctx.inputs.clone(),
            outputs: Vec::new(),
        },
        files,
    )
}

/// The manifest file `head` with `files` listed as its outputs (for any command that writes a
/// bundle: `audit`, `compare`, `history`).
pub fn listing(mut head: Manifest, files: &[OutputFile]) -> Result<OutputFile> {
    head.outputs = files
        .iter()
        .map(|f| ListedFile {
            path: f.name.clone(),
            sha256: sha256_hex(&f.bytes),
            size_bytes: f.bytes.len() as u64,
        })
        .collect();
    head.outputs.sort_by(|a, b| a.path.cmp(&b.path));
    let mut bytes =
        serde_json::to_vec_pretty(&head).map_err(|e| AuditError::render(MANIFEST, e))?;
    bytes.push(b'\n');
    Ok(OutputFile {
        name: MANIFEST.into(),
        bytes,
    })
}
