//! `fairaudit sql --config audit.toml --table NAME`: the one query that computes the audit's cell
//! table where the log lives; `fairaudit audit --cells FILE` takes its result.

use clap::{Args, ValueEnum};
use fairaudit::front::options::AuditArgs;
use fairaudit::tally::sql::{cell_query, Dialect};
use fairaudit::tally::TallyPlan;

/// `--dialect` values.
#[derive(Debug, Clone, Copy, PartialEq, ValueEnum)]
pub enum DialectArg {
    Spark,
    Duckdb,
    Postgres,
}

/// Arguments of `fairaudit sql`: the audit's options, the table and the dialect.
#[derive(Debug, Clone, Args)]
pub struct SqlArgs {
    /// The table (or view) holding the decision log; dots separate its parts (db.schema.log).
    #[arg(long)]
    pub table: String,
    /// The SQL dialect: spark, duckdb (default) or postgres.
    #[arg(long, value_enum, default_value = "duckdb")]
    pub dialect: DialectArg,
    /// The audit.
    #[command(flatten)]
    pub audit: AuditArgs,
}

/// Prints the query; exit code 0.
pub fn run(args: SqlArgs) -> anyhow::Result<i32> {
    let mut audit = args.audit.merged()?;
    // The log is the table: no file is read, and its name only fills the definition.
    if audit.data.is_none() {
        audit.data = Some(args.table.clone().into());
    }
    audit.format.get_or_insert_with(|| "csv".into());
    let spec = audit.spec()?;
    let dialect = match args.dialect {
        DialectArg::Spark => Dialect::Spark,
        DialectArg::Duckdb => Dialect::Duckdb,
        DialectArg::Postgres => Dialect::Postgres,
    };
    let query =
        cell_query(&TallyPlan::of(&spec), &args.table, dialect).map_err(anyhow::Error::msg)?;
    print!("{query}");
    Ok(0)
}
