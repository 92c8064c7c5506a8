//! What each subcommand does, and its exit code: 0 done, 1 a verdict failed with
//! `--fail-on-violation`, 2 bad input (nothing written).

use crate::cli::{AuditArgs, Cli, Command};
use fairaudit::render;
use fairaudit::results::VerdictState;

/// Runs the parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Audit(args) => audit(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", format!("{e:#}").replace('\n', " "));
            2
        }
    }
}

fn audit(args: AuditArgs) -> anyhow::Result<i32> {
    let args = args.merged()?;
    let spec = args.spec()?;
    let out = args.out_dir(&spec);
    render::check_output_dir(&out, args.force)?;
    let results = fairaudit::audit::run(&spec)?;
    let files = render::render_all(&results)?;
    render::write_outputs(&out, &files, args.force)?;
    let failed = results
        .attribute_sets
        .iter()
        .flat_map(|s| &s.groups)
        .filter(|g| g.verdict.four_fifths == VerdictState::Fail)
        .count();
    println!(
        "audited {} rows ({} used); {} failing verdict(s); report in {}",
        results.input.rows_read,
        results.input.rows_used,
        failed,
        out.join("report.md").display()
    );
    Ok(if failed > 0 && args.fail_on_violation { 1 } else { 0 })
}
