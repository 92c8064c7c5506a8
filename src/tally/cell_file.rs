//! A cell table computed elsewhere (`--cells`): by `fairaudit sql`'s query in a warehouse, or by
//! Spark. Read from Parquet or CSV with the columns [`super::cells`] documents, checked (every
//! column there, counts that are whole numbers of 1 or more, sums that fit them, no violated
//! check), and handed to the fold like any engine's table.

use super::cells::CellTable;
use super::engine::TallyEngine;
use super::plan::TallyPlan;
use super::polars_engine::{
    read_cells, read_moments, CHECK_KEY, COUNT_KEY, DECISION_KEY, LABEL_KEY, NULL_WEIGHT_KEY,
    OUTSIDE_KEY, SCORE_KEY, SCORE_MAX_KEY, SCORE_MIN_KEY, SCORE_SUM_KEY, SOFT_KEY, SUM_KEY,
    SUM_SQ_KEY, WEIGHT_KEY, WEIGHT_SQ_KEY,
};
use crate::error::{AuditError, Result};
use crate::load::{self, read_error};
use crate::spec::Format;
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// An engine whose every plan's answer is a cell table read from a file.
#[derive(Debug, Clone)]
pub struct CellFile {
    path: PathBuf,
    format: Format,
}

impl CellFile {
    /// The cell table at `path` (Parquet or CSV).
    pub fn new(path: &Path, format: Format) -> Self {
        Self {
            path: path.to_path_buf(),
            format,
        }
    }

    fn invalid(&self, column: &str, problem: impl Into<String>) -> AuditError {
        AuditError::InvalidCells {
            path: self.path.clone(),
            column: column.to_string(),
            problem: problem.into(),
        }
    }

    /// A column's values as numbers; fails on a null or on anything that is not a number.
    fn numbers(&self, df: &DataFrame, internal: &str, column: &str) -> Result<Vec<f64>> {
        let values = df.column(internal).map_err(|e| read_error(&self.path, e))?;
        let numbers = values
            .cast(&DataType::Float64)
            .map_err(|e| read_error(&self.path, e))?;
        let numbers = numbers.f64().map_err(|e| read_error(&self.path, e))?;
        numbers
            .iter()
            .enumerate()
            .map(|(row, v)| match v {
                Some(x) if x.is_finite() => Ok(x),
                _ => Err(self.invalid(
                    column,
                    format!(
                        "row {}: {} is not a number",
                        row + 1,
                        values.get(row).map_or("?".into(), |v| v.to_string())
                    ),
                )),
            })
            .collect()
    }

    /// Fails unless every count is a whole number of 1 or more.
    fn counts(&self, rows: &[f64]) -> Result<()> {
        match rows
            .iter()
            .enumerate()
            .find(|(_, n)| **n < 1.0 || n.fract() != 0.0)
        {
            Some((row, n)) => Err(self.invalid(
                "rows",
                format!("row {}: {n} is not a count of 1 or more", row + 1),
            )),
            None => Ok(()),
        }
    }

    /// The cells of `df` (the file's columns under the reader's names), checked.
    fn cells(&self, df: &DataFrame, plan: &TallyPlan) -> Result<CellTable> {
        let path = self.path.as_path();
        let rows = self.numbers(df, COUNT_KEY, "rows")?;
        self.counts(&rows)?;
        let w = self.numbers(df, WEIGHT_KEY, "w")?;
        let w2 = self.numbers(df, WEIGHT_SQ_KEY, "w2")?;
        for (i, ((n, w), w2)) in rows.iter().zip(&w).zip(&w2).enumerate() {
            let fits = match plan.weight {
                Some(_) => *w >= 0.0 && *w2 >= 0.0,
                None => w == n && w2 == n,
            };
            if !fits {
                return Err(self.invalid(
                    "w",
                    format!(
                        "row {}: w = {w}, w2 = {w2} do not fit rows = {n}{}",
                        i + 1,
                        if plan.weight.is_none() {
                            " (without a weight column both are the row count)"
                        } else {
                            " (weights are never negative)"
                        }
                    ),
                ));
            }
        }
        if plan.weight.is_some() {
            let null_w = self.numbers(df, NULL_WEIGHT_KEY, "null_w")?;
            if let Some(i) = (0..rows.len()).find(|&i| null_w[i] < 0.0 || null_w[i] > rows[i]) {
                return Err(self.invalid(
                    "null_w",
                    format!(
                        "row {}: {} rows with a null weight of {} rows",
                        i + 1,
                        null_w[i],
                        rows[i]
                    ),
                ));
            }
        }
        for (k, check) in plan.checks.iter().enumerate() {
            let count: f64 = self
                .numbers(df, &format!("{CHECK_KEY}{k}"), &format!("check{k}"))?
                .iter()
                .sum();
            if count > 0.0 {
                return Err(super::engine::violation(path, check, count, Vec::new()));
            }
        }
        let table = read_cells(path, df, plan)?;
        if let Some((row, s)) = table
            .cells
            .iter()
            .enumerate()
            .find_map(|(i, c)| c.score.filter(|s| s.min > s.max).map(|s| (i, s)))
        {
            return Err(self.invalid(
                "score_min",
                format!("row {}: {} is above score_max {}", row + 1, s.min, s.max),
            ));
        }
        Ok(table)
    }
}

/// The cell table's columns for `plan`, each with the name the reader of the Polars engine's
/// table knows it by: the keys first, in the plan's order.
fn columns(plan: &TallyPlan) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = (0..plan.attributes.len())
        .map(|i| (format!("a{i}"), format!("a{i}")))
        .collect();
    out.push(("decision".into(), DECISION_KEY.into()));
    if plan.label.is_some() {
        out.push(("label".into(), LABEL_KEY.into()));
    }
    if !plan.selection.is_empty() {
        out.push(("outside".into(), OUTSIDE_KEY.into()));
    }
    if plan.score.is_some() {
        out.push(("score".into(), SCORE_KEY.into()));
    }
    out.push(("rows".into(), COUNT_KEY.into()));
    out.push(("w".into(), WEIGHT_KEY.into()));
    out.push(("w2".into(), WEIGHT_SQ_KEY.into()));
    if plan.weight.is_some() {
        out.push(("null_w".into(), NULL_WEIGHT_KEY.into()));
    }
    for (i, columns) in plan.memberships.iter().enumerate() {
        for j in 0..=columns.len() {
            out.push((format!("m{i}_{j}"), format!("{SOFT_KEY}{i}_{j}")));
            out.push((format!("m{i}_{j}_sq"), format!("{SOFT_KEY}{i}_{j}_sq")));
        }
    }
    for k in 0..plan.checks.len() {
        out.push((format!("check{k}"), format!("{CHECK_KEY}{k}")));
    }
    if plan.score.is_some() {
        out.push(("score_min".into(), SCORE_MIN_KEY.into()));
        out.push(("score_max".into(), SCORE_MAX_KEY.into()));
        out.push(("score_sum".into(), SCORE_SUM_KEY.into()));
    }
    out
}

impl TallyEngine for CellFile {
    fn source(&self) -> &Path {
        &self.path
    }

    fn run(&self, plan: &TallyPlan) -> Result<CellTable> {
        let path = self.path.as_path();
        let mut frame = load::open(path, self.format, b',')?;
        let wanted = columns(plan);
        let mut names: Vec<String> = wanted.iter().map(|(name, _)| name.clone()).collect();
        let moment_keys = plan.moment_keys.as_ref().map_or(0, Vec::len);
        if plan.moment_keys.is_some() {
            names.push("part".into());
            names.extend((0..moment_keys).map(|i| format!("k{i}")));
            names.extend(["sum", "sum_sq", "shift"].map(String::from));
        }
        load::check_columns(path, &mut frame, &names)?;
        // With a moments table, the answer holds both tables, told apart by `part`.
        let part = |which: &str| col("part").cast(DataType::String).eq(lit(which));
        let cells = match plan.moment_keys {
            Some(_) => frame.clone().filter(part("cell")),
            None => frame.clone(),
        };
        let select: Vec<Expr> = wanted
            .iter()
            .map(|(name, internal)| {
                let c = col(name.as_str());
                let c = match name.as_str() {
                    // A CSV's `outside` is text; either way the reader wants a boolean.
                    "outside" => c
                        .cast(DataType::String)
                        .eq(lit("true"))
                        .fill_null(lit(false)),
                    _ => c,
                };
                c.alias(internal.as_str())
            })
            .collect();
        let df = load::collect(path, cells.select(select))?;
        let mut table = self.cells(&df, plan)?;
        if let Some(keys) = &plan.moment_keys {
            let mut select: Vec<Expr> = (0..keys.len()).map(|i| col(format!("k{i}"))).collect();
            select.extend([
                col("rows").alias(COUNT_KEY),
                col("sum").alias(SUM_KEY),
                col("sum_sq").alias(SUM_SQ_KEY),
                col("shift"),
            ]);
            let m = load::collect(path, frame.filter(part("moment")).select(select))?;
            self.counts(&self.numbers(&m, COUNT_KEY, "rows")?)?;
            let shift = self.numbers(&m, "shift", "shift")?;
            let shift = shift.first().copied().unwrap_or(0.0);
            table.moments = read_moments(path, &m, keys.len(), shift, 0)?;
        }
        Ok(table)
    }
}
