//! `fairaudit history DIR... --out DIR`: the trend report across a series of audit bundles.

use super::compare::results_input;
use clap::Args;
use fairaudit::bundle::{self, manifest::Manifest};
use fairaudit::render::context::timestamp;
use fairaudit::results::{PeriodResult, ToolInfo};
use std::path::PathBuf;

/// Arguments of `fairaudit history`.
#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    /// The audits' bundles, oldest first (e.g. reports/2026-*).
    #[arg(required = true, num_args = 2..)]
    pub bundles: Vec<PathBuf>,
    /// Where to write history.md, history.html, the trend charts and their manifest.
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an earlier bundle in --out.
    #[arg(long)]
    pub force: bool,
    /// The run's timestamp (RFC 3339 or seconds since 1970; default SOURCE_DATE_EPOCH or now).
    #[arg(long)]
    pub timestamp: Option<String>,
}

/// Verifies every bundle and writes the trend across them; exit code 0.
pub fn run(args: HistoryArgs) -> anyhow::Result<i32> {
    bundle::check_output_dir(&args.out, args.force, &args.bundles)?;
    let stamp = timestamp(args.timestamp.as_deref()).map_err(anyhow::Error::msg)?;
    let mut audits = Vec::new();
    let mut periods = Vec::new();
    let mut inputs = Vec::new();
    let mut latest = None;
    for dir in &args.bundles {
        let r = bundle::read::results(dir)?;
        let shown = dir.display().to_string();
        let period = match (r.periods.first(), r.periods.last()) {
            (Some(a), Some(b)) if a.period == b.period => a.period.clone(),
            (Some(a), Some(b)) => format!("{} to {}", a.period, b.period),
            _ => shown.clone(),
        };
        audits.push(fairaudit::render::history::audit_line(&shown, &r));
        inputs.push(results_input(dir, "audit results")?);
        periods.push(PeriodResult {
            period,
            attribute_sets: r.attribute_sets.clone(),
        });
        latest = Some(r);
    }
    let Some(mut series) = latest else {
        anyhow::bail!("history needs at least two audit bundles");
    };
    series.periods = periods;
    let mut files = fairaudit::render::history::files(&series, &audits)?;
    files.push(bundle::manifest::listing(
        Manifest {
            tool: ToolInfo::current(),
            timestamp: stamp,
            seed: series.audit.seed,
            configuration: serde_json::json!({ "command": "history" }),
            inputs,
            outputs: Vec::new(),
        },
        &files,
    )?);
    bundle::write(&args.out, &files, args.force, &args.bundles)?;
    println!(
        "trend across {} audits in {}",
        series.periods.len(),
        args.out.join("history.md").display()
    );
    Ok(0)
}
