//! `fairaudit audit`: audit one decision log into an evidence bundle.

use super::options::AuditArgs;
use fairaudit::bundle;
use fairaudit::render::context::InputFile;
use fairaudit::results::AuditResults;

/// Audits the log the arguments name; exit code 1 when a verdict fails under
/// `--fail-on-violation`, or became `fail` since `--baseline` under `--fail-on-new-violation`.
pub fn run(args: AuditArgs) -> anyhow::Result<i32> {
    let args = args.merged()?;
    let spec = args.spec()?;
    if args.fail_on_new_violation && args.baseline.is_none() {
        anyhow::bail!("--fail-on-new-violation needs --baseline DIR, the last audit's bundle");
    }
    let out = args.out_dir(&spec);
    let inputs = args.input_paths(&spec);
    bundle::check_output_dir(&out, args.force, &inputs)?;
    let key = args
        .sign
        .as_deref()
        .map(bundle::sign::secret_key)
        .transpose()?;
    let baseline = args
        .baseline
        .as_deref()
        .map(bundle::read::results)
        .transpose()?;
    let progress = super::progress::Progress::start(format!(
        "auditing {}{}",
        spec.data.display(),
        match spec.engine {
            fairaudit::spec::Engine::Spark { .. } => " on Spark",
            _ => "",
        }
    ));
    let results = fairaudit::audit::run(&spec)?;
    progress.step(format!("writing the report to {}", out.display()));
    let mut ctx = args.context(&spec, log_input(&results))?;
    if let (Some(before), Some(dir)) = (&baseline, &args.baseline) {
        let shown = dir.display().to_string();
        let changes =
            fairaudit::compare::compare(before, &shown, &results, &out.display().to_string());
        ctx.inputs
            .push(super::compare::results_input(dir, "baseline results")?);
        ctx.baseline = Some(changes);
    }
    let mut files = bundle::files(&results, &ctx)?;
    if let Some(key) = &key {
        files.push(bundle::sign::signature(&files, key)?);
    }
    bundle::write(&out, &files, args.force, &inputs)?;
    drop(progress);
    println!(
        "audited {} rows ({} used); {} failing verdict(s); report in {}",
        results.input.rows_read,
        results.input.rows_used,
        results.failures,
        out.join("report.md").display()
    );
    let new = ctx.baseline.as_ref().map_or(0, |c| c.new);
    if let Some(c) = &ctx.baseline {
        println!(
            "since {}: {} new failing verdict(s), {} resolved, {} significant change(s)",
            c.before.dir, c.new, c.resolved, c.significant_changes
        );
    }
    Ok(
        if (results.failures > 0 && args.fail_on_violation)
            || (new > 0 && args.fail_on_new_violation)
        {
            1
        } else {
            0
        },
    )
}

/// The decision log as input files of the run: the file, or each file of a log read from
/// several.
pub fn log_input(results: &AuditResults) -> Vec<InputFile> {
    let input = &results.input;
    if input.files.is_empty() {
        return vec![InputFile {
            path: input.path.clone(),
            role: "decision log".into(),
            sha256: input.sha256.clone(),
            size_bytes: input.size_bytes,
        }];
    }
    input
        .files
        .iter()
        .map(|f| InputFile {
            path: f.path.clone(),
            role: "decision log".into(),
            sha256: f.sha256.clone(),
            size_bytes: f.size_bytes,
        })
        .collect()
}
