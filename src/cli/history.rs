//! `fairaudit history DIR... --out DIR`: the trend report across a series of audit bundles.

use super::bundle_out::BundleOut;
use clap::Args;
use fairaudit::bundle;
use std::path::PathBuf;

/// Arguments of `fairaudit history`.
#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    /// The audits' bundles, oldest first (e.g. reports/2026-*).
    #[arg(required = true, num_args = 2..)]
    pub bundles: Vec<PathBuf>,
    /// Where history.md, history.html and the trend charts go.
    #[command(flatten)]
    pub output: BundleOut,
}

/// Verifies every bundle and writes the trend across them; exit code 0.
pub fn run(args: HistoryArgs) -> anyhow::Result<i32> {
    args.output.check(&args.bundles)?;
    let mut audits = Vec::new();
    let mut inputs = Vec::new();
    for dir in &args.bundles {
        audits.push((dir.display().to_string(), bundle::read::results(dir)?));
        inputs.push(bundle::run::results_input(dir, "audit results")?);
    }
    let Some((series, audits)) = fairaudit::compare::series(audits) else {
        anyhow::bail!("history needs at least two audit bundles");
    };
    let files = fairaudit::render::history::files(&series, &audits)?;
    args.output
        .write(files, "history", series.audit.seed, inputs, &args.bundles)?;
    println!(
        "trend across {} audits in {}",
        series.periods.len(),
        args.output.out.join("history.md").display()
    );
    Ok(0)
}
