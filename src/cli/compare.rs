//! `fairaudit compare BEFORE AFTER --out DIR`: what changed between two audits (last month's
//! bundle and this month's), written as a bundle of its own.

use anyhow::Context;
use clap::Args;
use fairaudit::bundle::{self, manifest::Manifest};
use fairaudit::render::context::{timestamp, InputFile};
use fairaudit::results::ToolInfo;
use std::path::{Path, PathBuf};

/// Arguments of `fairaudit compare`.
#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    /// The earlier audit's bundle (its output directory).
    pub before: PathBuf,
    /// The later audit's bundle.
    pub after: PathBuf,
    /// Where to write changes.json, changes.md, changes.html and their manifest.
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an earlier bundle in --out.
    #[arg(long)]
    pub force: bool,
    /// The run's timestamp (RFC 3339 or seconds since 1970; default SOURCE_DATE_EPOCH or now).
    #[arg(long)]
    pub timestamp: Option<String>,
}

/// Verifies both bundles, compares them and writes the comparison; exit code 0.
pub fn run(args: CompareArgs) -> anyhow::Result<i32> {
    let inputs = [args.before.clone(), args.after.clone()];
    bundle::check_output_dir(&args.out, args.force, &inputs)?;
    let stamp = timestamp(args.timestamp.as_deref()).map_err(anyhow::Error::msg)?;
    let before = bundle::read::results(&args.before)?;
    let after = bundle::read::results(&args.after)?;
    let changes = fairaudit::compare::compare(
        &before,
        &args.before.display().to_string(),
        &after,
        &args.after.display().to_string(),
    );
    let mut files = fairaudit::render::changes::files(&changes, &after)?;
    files.push(bundle::manifest::listing(
        Manifest {
            tool: ToolInfo::current(),
            timestamp: stamp,
            seed: after.audit.seed,
            configuration: serde_json::json!({ "command": "compare" }),
            inputs: vec![
                results_input(&args.before, "results before")?,
                results_input(&args.after, "results after")?,
            ],
            outputs: Vec::new(),
        },
        &files,
    )?);
    bundle::write(&args.out, &files, args.force, &inputs)?;
    println!(
        "{} new failing verdict(s), {} resolved, {} persisting; {} significant change(s) of {} tested; in {}",
        changes.new,
        changes.resolved,
        changes.persisting,
        changes.significant_changes,
        changes.tests_in_family,
        args.out.join("changes.md").display()
    );
    Ok(0)
}

/// A bundle's `results.json` as an input of this run, with its hash.
pub fn results_input(dir: &Path, role: &str) -> anyhow::Result<InputFile> {
    let path = dir.join("results.json");
    let (sha256, size_bytes) = fairaudit::hash::sha256_file(&path)
        .with_context(|| format!("{}: cannot read it", path.display()))?;
    Ok(InputFile {
        path: path.display().to_string(),
        role: role.into(),
        sha256,
        size_bytes,
    })
}
