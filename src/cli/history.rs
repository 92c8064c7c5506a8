//! `fairaudit history DIR... --out DIR`: the trend report across a series of audit bundles.

use super::bundle_out::BundleOut;
use super::compare::results_input;
use clap::Args;
use fairaudit::bundle;
use fairaudit::results::PeriodResult;
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
    let mut periods = Vec::new();
    let mut inputs = Vec::new();
    let mut latest = None;
    for dir in &args.bundles {
        let r = bundle::read::results(dir)?;
        let shown = dir.display().to_string();
        audits.push(fairaudit::render::history::audit_line(&shown, &r));
        inputs.push(results_input(dir, "audit results")?);
        periods.push(PeriodResult {
            period: r.period_range().unwrap_or_else(|| shown.clone()),
            attribute_sets: r.attribute_sets.clone(),
        });
        latest = Some(r);
    }
    let Some(mut series) = latest else {
        anyhow::bail!("history needs at least two audit bundles");
    };
    series.periods = periods;
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
