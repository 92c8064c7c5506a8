//! `fairaudit audit`: audit one decision log into an evidence bundle.

use fairaudit::bundle::run::audit;
use fairaudit::front::options::AuditArgs;

/// Audits the log the arguments name; exit code 1 when a verdict fails under
/// `--fail-on-violation`, or became `fail` since `--baseline` under `--fail-on-new-violation`.
pub fn run(args: AuditArgs) -> anyhow::Result<i32> {
    let args = args.merged()?;
    let spec = args.spec()?;
    if args.fail_on_new_violation && args.baseline.is_none() {
        anyhow::bail!("--fail-on-new-violation needs --baseline DIR, the last audit's bundle");
    }
    let options = args.bundle_options(args.out_dir(&spec));
    let ctx = args.context(&spec, Vec::new())?;
    let progress = super::progress::Progress::start(format!(
        "auditing {}{}",
        spec.data.display(),
        match spec.engine {
            fairaudit::spec::Engine::Spark { .. } => " on Spark",
            _ => "",
        }
    ));
    let done = audit(&spec, ctx, &options, &|step| progress.step(step))?;
    drop(progress);
    let results = &done.results;
    println!(
        "audited {} rows ({} used); {} failing verdict(s); report in {}",
        results.input.rows_read,
        results.input.rows_used,
        results.failures,
        options.out.join("report.md").display()
    );
    for line in &done.sheet {
        println!("{line}");
    }
    if let Some(c) = &done.changes {
        println!(
            "since {}: {} new failing verdict(s), {} resolved, {} significant change(s)",
            c.before.dir, c.new, c.resolved, c.significant_changes
        );
    }
    let failing = done.failures() > 0 && args.fail_on_violation;
    let newly_failing = done.new_failures() > 0 && args.fail_on_new_violation;
    Ok(i32::from(failing || newly_failing))
}
