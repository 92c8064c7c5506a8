//! Tally engines: whatever runs a [`TallyPlan`] over a decision log in one pass and returns its
//! [`CellTable`]. The Polars engine reads files on this machine; [`MemoryEngine`] runs a plan
//! over rows held in memory (for unit tests of the fold); an engine for a SQL warehouse or Spark
//! returns the same table.

use super::cells::{Cell, CellTable};
use super::plan::{Check, DecisionKey, TallyPlan};
use crate::error::{AuditError, Result};
use crate::value::{sort_by_count, ValueCount};
use indexmap::IndexMap;
use std::path::{Path, PathBuf};

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

/// An engine over rows in memory: column names and one text value (or null) per column.
#[derive(Debug, Clone, Default)]
pub struct MemoryEngine {
    /// Where the rows are said to come from, for messages.
    pub path: PathBuf,
    /// Column names.
    pub columns: Vec<String>,
    /// Rows, one value per column.
    pub rows: Vec<Vec<Option<String>>>,
}

impl MemoryEngine {
    /// An engine over `rows` of `columns` (`None`: null).
    pub fn new(columns: &[&str], rows: &[Vec<Option<&str>>]) -> Self {
        Self {
            path: PathBuf::from("memory"),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|v| v.map(str::to_string)).collect())
                .collect(),
        }
    }

    fn value<'a>(&self, row: &'a [Option<String>], column: &str) -> Option<&'a str> {
        let i = self.columns.iter().position(|c| c == column)?;
        row[i].as_deref()
    }
}

fn number(v: Option<&str>) -> Option<f64> {
    v.and_then(|v| v.trim().parse::<f64>().ok())
}

impl TallyEngine for MemoryEngine {
    fn source(&self) -> &Path {
        &self.path
    }

    fn run(&self, plan: &TallyPlan) -> Result<CellTable> {
        for check in &plan.checks {
            let mut sample: IndexMap<String, u64> = IndexMap::new();
            for row in &self.rows {
                let values: Vec<Option<&str>> =
                    check.columns.iter().map(|c| self.value(row, c)).collect();
                if check.rule.violated(&values) {
                    *sample
                        .entry(values[0].unwrap_or_default().to_string())
                        .or_default() += 1;
                }
            }
            if !sample.is_empty() {
                let rows = sample.values().sum::<u64>() as f64;
                let mut sample: Vec<ValueCount> = sample
                    .into_iter()
                    .map(|(value, count)| ValueCount { value, count })
                    .collect();
                sort_by_count(&mut sample);
                return Err(violation(&self.path, check, rows, sample));
            }
        }
        let mut cells: IndexMap<Vec<Option<String>>, Cell> = IndexMap::new();
        for row in &self.rows {
            let text = |c: &str| self.value(row, c).map(str::to_string);
            let decision = match &plan.decision {
                DecisionKey::Column(c) => text(c),
                DecisionKey::AtLeast { column, threshold } => {
                    number(self.value(row, column)).map(|s| (s >= *threshold).to_string())
                }
            };
            let label = plan.label.as_deref().and_then(text);
            let attributes: Vec<Option<String>> = plan.attributes.iter().map(|a| text(a)).collect();
            let mut key = attributes.clone();
            key.extend([decision.clone(), label.clone()]);
            let weight = plan.weight.as_deref().map(|w| number(self.value(row, w)));
            let w = weight.map_or(1.0, |w| w.unwrap_or(0.0));
            let cell = cells.entry(key).or_insert_with(|| Cell {
                attributes,
                decision,
                label,
                masses: plan
                    .memberships
                    .iter()
                    .map(|m| vec![(0.0, 0.0); m.len() + 1])
                    .collect(),
                ..Default::default()
            });
            cell.rows += 1;
            cell.w += w;
            cell.w2 += w * w;
            cell.null_weights += u64::from(weight == Some(None));
            for (i, columns) in plan.memberships.iter().enumerate() {
                let p: Vec<f64> = columns
                    .iter()
                    .map(|c| number(self.value(row, c)).unwrap_or(0.0))
                    .collect();
                let rest = (1.0 - p.iter().sum::<f64>()).max(0.0);
                for (j, p) in p.into_iter().chain([rest]).enumerate() {
                    cell.masses[i][j].0 += p * w;
                    cell.masses[i][j].1 += (p * w) * (p * w);
                }
            }
        }
        Ok(CellTable {
            cells: cells.into_values().collect(),
        })
    }
}
