//! What each subcommand does, and its exit code: 0 done, 1 a verdict failed with
//! `--fail-on-violation` (or `examples --check` found stale reports), 2 bad input (nothing
//! written).

use crate::cli::{AuditArgs, Cli, Command, SynthArgs, VerifyArgs};
use crate::showcase;
use anyhow::bail;
use fairaudit::render;
use fairaudit::render::context::InputFile;
use fairaudit::results::{AuditResults, VerdictState};

/// Runs the parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Audit(args) if args.is_empty() => showcase::demo(),
        Command::Audit(args) => audit(args),
        Command::Synth(args) => synth(args),
        Command::Examples(args) => showcase::examples(args.check),
        Command::Verify(args) => verify(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", format!("{e:#}").replace('\n', " "));
            2
        }
    }
}

/// Number of groups whose verdict is `fail`.
pub fn failures(results: &AuditResults) -> usize {
    results
        .attribute_sets
        .iter()
        .flat_map(|s| &s.groups)
        .filter(|g| g.verdict.four_fifths == VerdictState::Fail)
        .count()
}

fn audit(args: AuditArgs) -> anyhow::Result<i32> {
    let args = args.merged()?;
    let spec = args.spec()?;
    let out = args.out_dir(&spec);
    render::check_output_dir(&out, args.force)?;
    let results = fairaudit::audit::run(&spec)?;
    let ctx = args.context(&spec, log_input(&results))?;
    let files = render::render_all(&results, &ctx)?;
    render::write_outputs(&out, &files, args.force)?;
    let failed = failures(&results);
    println!(
        "audited {} rows ({} used); {} failing verdict(s); report in {}",
        results.input.rows_read,
        results.input.rows_used,
        failed,
        out.join("report.md").display()
    );
    Ok(if failed > 0 && args.fail_on_violation {
        1
    } else {
        0
    })
}

/// The decision log as an input file of the run.
pub fn log_input(results: &AuditResults) -> InputFile {
    InputFile {
        path: results.input.path.clone(),
        role: "decision log".into(),
        sha256: results.input.sha256.clone(),
        size_bytes: results.input.size_bytes,
    }
}

fn verify(args: VerifyArgs) -> anyhow::Result<i32> {
    let v = fairaudit::verify::verify(&args.dir, !args.outputs_only)?;
    for (what, files) in [
        ("changed", &v.changed),
        ("added", &v.added),
        ("removed", &v.removed),
    ] {
        for f in files {
            println!("{what}: {f}");
        }
    }
    if v.ok() {
        println!(
            "verified: {} files of {} are intact",
            v.intact,
            args.dir.display()
        );
        Ok(0)
    } else {
        println!(
            "NOT verified: {} file(s) of {} changed, added or removed since its manifest was written",
            v.changed.len() + v.added.len() + v.removed.len(),
            args.dir.display()
        );
        Ok(1)
    }
}

fn synth(args: SynthArgs) -> anyhow::Result<i32> {
    let spec = args.spec()?;
    if args.out.exists() && !args.force {
        bail!("{}: exists; pass --force to replace it", args.out.display());
    }
    let (mut df, truth) = fairaudit::synth::generate(&spec)?;
    fairaudit::synth::write(&args.out, &mut df, &truth)?;
    println!(
        "wrote {} {:?} decisions to {} and the ground truth to {}",
        df.height(),
        spec.kind,
        args.out.display(),
        fairaudit::synth::truth_path(&args.out).display()
    );
    Ok(0)
}
