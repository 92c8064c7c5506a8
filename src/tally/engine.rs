//! Tally engines: whatever runs a [`TallyPlan`] over a decision log in one pass and returns its
//! [`CellTable`]. The Polars engine reads files on this machine; the cell file reads a table a
//! SQL warehouse or Spark computed; the unit tests of the fold run plans over rows in memory.

use super::cells::CellTable;
use super::plan::{Check, TallyPlan};
use crate::error::{AuditError, Result};
use crate::value::ValueCount;
use std::path::Path;

/// Runs tally plans.
pub trait TallyEngine {
    /// The file (or table) the engine reads, for messages.
    fn source(&self) -> &Path;
    /// Runs `plan` in one pass. Fails when a check of the plan is violated, naming the column,
    /// the number of rows and the most frequent offending values.
    fn run(&self, plan: &TallyPlan) -> Result<CellTable>;
}

/// The error of a violated check.
pub fn violation(path: &Path, check: &Check, rows: f64, sample: Vec<ValueCount>) -> AuditError {
    AuditError::InvalidValues {
        path: path.to_path_buf(),
        column: check.columns.join(", "),
        rows,
        problem: check.rule.problem(),
        sample,
    }
}
