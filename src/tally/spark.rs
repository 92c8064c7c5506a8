//! The Spark engine: the plan's query ([`super::sql`], Spark dialect) runs on Apache Spark where
//! the log lives, through `spark-submit` (local mode with 2 workers unless `SPARK_MASTER` says
//! otherwise) or Spark Connect (`--spark-remote`), with the driver the project ships; only the
//! cell table comes back, and [`super::cell_file`] reads it.

use super::plan::TallyPlan;
use super::sql::{cell_query, Dialect};
use crate::error::{AuditError, Result};
use crate::spec::Format;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The driver `spark-submit` runs.
const DRIVER: &str = include_str!("spark_driver.py");

/// The name of the view the queries read.
pub const VIEW: &str = "fairaudit_log";

fn failed(why: impl Into<String>) -> AuditError {
    AuditError::Spec(format!(
        "{} spark: {}",
        crate::error::setting_name("engine"),
        why.into()
    ))
}

/// Computes the cell table of `plan` over `data` (a path Spark reads in `format`, or a table
/// name when no such path exists here) on Spark; returns the directory that holds it (removed
/// when dropped) and the table's path (CSV).
pub fn cells(
    plan: &TallyPlan,
    data: &Path,
    format: Format,
    remote: Option<&str>,
) -> Result<(tempfile::TempDir, PathBuf)> {
    let query = cell_query(plan, VIEW, Dialect::Spark).map_err(failed)?;
    run(&query, data, format, remote)
}

/// Runs `query` (Spark SQL over the view [`VIEW`]) on Spark over `data` and returns the
/// directory that holds its answer and the answer's path (CSV with a header).
pub fn run(
    query: &str,
    data: &Path,
    format: Format,
    remote: Option<&str>,
) -> Result<(tempfile::TempDir, PathBuf)> {
    let dir = tempfile::tempdir().map_err(|e| failed(format!("no temporary directory: {e}")))?;
    let write = |name: &str, text: &str| -> Result<PathBuf> {
        let path = dir.path().join(name);
        std::fs::write(&path, text).map_err(|e| AuditError::write(&path, e))?;
        Ok(path)
    };
    let query_file = write("query.sql", query)?;
    let driver = write("fairaudit_spark_driver.py", DRIVER)?;
    let out = dir.path().join("answer.csv");
    let kind = if data.exists() {
        match format {
            Format::Csv => "csv",
            Format::Parquet => "parquet",
            Format::Ndjson => "json",
            // Refused with Spark before: a frame in memory is not where Spark reads.
            Format::Arrow => "table",
        }
    } else {
        "table"
    };
    let mut command = match remote {
        Some(_) => Command::new(std::env::var("FAIRAUDIT_PYTHON").unwrap_or("python3".into())),
        None => {
            let mut c = Command::new(
                std::env::var("FAIRAUDIT_SPARK_SUBMIT").unwrap_or("spark-submit".into()),
            );
            let master = std::env::var("SPARK_MASTER").unwrap_or("local[2]".into());
            c.args(["--master", &master]);
            c
        }
    };
    command
        .arg(&driver)
        .arg(&query_file)
        .arg(data)
        .arg(kind)
        .arg(&out);
    if let Some(url) = remote {
        command.args(["--remote", url]);
    }
    let output = command.output().map_err(|e| {
        failed(format!(
            "cannot run {:?} ({e}); install Spark (pip install pyspark, with a Java runtime) or \
             set FAIRAUDIT_SPARK_SUBMIT",
            command.get_program()
        ))
    })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix("fairaudit-spark-error: "))
            .or_else(|| stderr.lines().rev().find(|l| !l.trim().is_empty()))
            .unwrap_or("no message");
        return Err(failed(format!(
            "Spark failed on {}: {last}",
            data.display()
        )));
    }
    Ok((dir, out))
}
