//! The output of the commands that write a bundle from earlier audits (`compare`, `history`):
//! where it goes, and its manifest.

use clap::Args;
use fairaudit::bundle::{self, manifest::Manifest};
use fairaudit::render::context::{timestamp, InputFile};
use fairaudit::render::OutputFile;
use fairaudit::results::ToolInfo;
use std::path::PathBuf;

/// `--out`, `--force` and `--timestamp`.
#[derive(Debug, Clone, Args)]
pub struct BundleOut {
    /// Where to write the files and their manifest.
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an earlier bundle in --out.
    #[arg(long)]
    pub force: bool,
    /// The run's timestamp (RFC 3339 or seconds since 1970; default SOURCE_DATE_EPOCH or now).
    #[arg(long)]
    pub timestamp: Option<String>,
}

impl BundleOut {
    /// Fails unless --out may receive the bundle (never a directory holding one of `bundles`).
    pub fn check(&self, bundles: &[PathBuf]) -> anyhow::Result<()> {
        Ok(bundle::check_output_dir(&self.out, self.force, bundles)?)
    }

    /// Writes `files` with their manifest (the `command` that made them, its `inputs`, and the
    /// `seed` of the audits read) into --out, never into a directory holding one of `bundles`.
    pub fn write(
        &self,
        mut files: Vec<OutputFile>,
        command: &str,
        seed: u64,
        inputs: Vec<InputFile>,
        bundles: &[PathBuf],
    ) -> anyhow::Result<()> {
        let stamp = timestamp(self.timestamp.as_deref()).map_err(anyhow::Error::msg)?;
        files.push(bundle::manifest::listing(
            Manifest {
                tool: ToolInfo::current(),
                timestamp: stamp,
                seed,
                configuration: serde_json::json!({ "command": command }),
                inputs,
                outputs: Vec::new(),
            },
            &files,
        )?);
        Ok(bundle::write(&self.out, &files, self.force, bundles)?)
    }
}
