//! The `fairaudit` command line: one file per subcommand, each with its arguments and `run`.
//! Exit codes: 0 done, 1 a verdict failed with `--fail-on-violation` (or `examples --check`
//! found stale reports, or `verify` found changes), 2 bad input (nothing written).

mod audit;
mod bundle_out;
mod compare;
mod estimate;
mod examples;
mod history;
mod keygen;
mod progress;
mod sql;
mod synth;
mod verify;

use clap::{Parser, Subcommand};

/// Bias audits of automated decision logs.
#[derive(Debug, Parser)]
#[command(name = "fairaudit", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Audit a decision log: group fairness metrics, verdicts, results.json, report.md, charts.
    /// Without arguments: audit the bundled business logs into reports/demo/.
    Audit(fairaudit::front::options::AuditArgs),
    /// Generate a realistic decision log with planted effects and its ground truth.
    Synth(synth::SynthArgs),
    Estimate(estimate::EstimateArgs),
    /// Regenerate the example reports of the bundled datasets in reports/examples/.
    Examples(examples::ExamplesArgs),
    /// What changed between two audits (two bundles, e.g. last month's and this month's):
    /// changes.json, changes.md and changes.html.
    Compare(compare::CompareArgs),
    /// The trend across a series of audits (their bundles, oldest first): history.md,
    /// history.html and the trend charts.
    History(history::HistoryArgs),
    /// Print the one SQL query that computes an audit's cell table where the log lives (for
    /// `audit --cells`).
    Sql(sql::SqlArgs),
    /// Check an evidence bundle: re-hash every file its manifest lists (exit 1 on any change).
    Verify(verify::VerifyArgs),
    /// Write a new Ed25519 key pair for signing bundles (KEY, secret, and KEY.pub).
    Keygen(keygen::KeygenArgs),
    /// Print the JSON Schema of results.json (also in reports/results.schema.json).
    Schema,
}

/// Parses the command line, runs it and returns the process exit code; errors are printed on
/// one line.
pub fn main() -> i32 {
    fairaudit::error::name_settings_as_flags();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return argument_error(e),
    };
    let result = match cli.command {
        Command::Audit(args) if args.is_empty() => examples::demo(),
        Command::Audit(args) => audit::run(args),
        Command::Synth(args) => synth::run(args),
        Command::Estimate(args) => estimate::run(args),
        Command::Examples(args) => examples::run(args),
        Command::Compare(args) => compare::run(args),
        Command::History(args) => history::run(args),
        Command::Sql(args) => sql::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Keygen(args) => keygen::run(args),
        Command::Schema => {
            print!("{}", fairaudit::results::json_schema());
            Ok(0)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // One line, and no character from the data (an escape sequence in a column name)
            // reaches the terminal raw.
            let message = fairaudit::front::one_line(&e);
            eprintln!("error: {}", fairaudit::value::visible(&message));
            2
        }
    }
}

/// A command line clap refuses, on one line like every other error (exit 2); help and version
/// print as clap prints them.
fn argument_error(e: clap::Error) -> i32 {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    let text = e.to_string();
    let line: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with("For more information") && !l.starts_with("Usage:")
        })
        .collect();
    let message = line.join(" ");
    eprintln!(
        "error: {}",
        fairaudit::value::visible(message.strip_prefix("error: ").unwrap_or(&message))
    );
    2
}
