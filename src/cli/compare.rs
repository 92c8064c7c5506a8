//! `fairaudit compare BEFORE AFTER --out DIR`: what changed between two audits (last month's
//! bundle and this month's), written as a bundle of its own.

use super::bundle_out::BundleOut;
use clap::Args;
use fairaudit::bundle;
use std::path::PathBuf;

/// Arguments of `fairaudit compare`.
#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    /// The earlier audit's bundle (its output directory).
    pub before: PathBuf,
    /// The later audit's bundle.
    pub after: PathBuf,
    /// Where changes.json, changes.md and changes.html go.
    #[command(flatten)]
    pub output: BundleOut,
}

/// Verifies both bundles, compares them and writes the comparison; exit code 0.
pub fn run(args: CompareArgs) -> anyhow::Result<i32> {
    let bundles = [args.before.clone(), args.after.clone()];
    args.output.check(&bundles)?;
    let before = bundle::read::results(&args.before)?;
    let after = bundle::read::results(&args.after)?;
    let changes = fairaudit::compare::compare(
        &before,
        &args.before.display().to_string(),
        &after,
        &args.after.display().to_string(),
    );
    let files = fairaudit::render::changes::files(&changes, &after)?;
    let inputs = vec![
        bundle::run::results_input(&args.before, "results before")?,
        bundle::run::results_input(&args.after, "results after")?,
    ];
    args.output
        .write(files, "compare", after.audit.seed, inputs, &bundles)?;
    println!(
        "{} new failing verdict(s), {} resolved, {} persisting; {} significant change(s) of {} tested; in {}",
        changes.new,
        changes.resolved,
        changes.persisting,
        changes.significant_changes,
        changes.tests_in_family,
        args.output.out.join("changes.md").display()
    );
    Ok(0)
}
