//! The rows the models see: a seeded sample of the log, read by Polars, with the decision as
//! the audit reads it, the features and the protected attributes. A log of more rows than asked
//! is sampled by a multiplicative hash of the row number (each row is kept when its hash falls
//! below the share wanted), so only the sampled rows are collected.

use crate::error::Result;
use crate::load::{self, read_error};
use crate::spec::{AuditSpec, Decision, ExplainSpec};
use crate::tally::binary::classify;
use crate::tally::polars_engine::selected;
use crate::tally::sql::{selected as selected_sql, Dialect};
use polars::prelude::*;

const ROW: &str = "__fairaudit_row";

/// One feature's values in the sample.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// A column whose every value is a number (`None`: missing).
    Numbers(Vec<Option<f64>>),
    /// Any other column, as text (`None`: missing).
    Levels(Vec<Option<String>>),
}

/// The sampled rows, column by column.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The decision of each row, as the audit reads it (empty for a numeric outcome).
    pub decisions: Vec<bool>,
    /// A numeric outcome's value of each row (rows without a number are not drawn).
    pub outcomes: Option<Vec<f64>>,
    /// The features, in the order given.
    pub features: Vec<(String, Values)>,
    /// Each protected attribute read from a column, as text (`None`: missing or unknown).
    pub attributes: Vec<(String, Vec<Option<String>>)>,
    /// The score of each row, when the decision is a score against a threshold.
    pub scores: Option<Vec<f64>>,
    /// The true outcome of each row, with a label (`None`: missing or not recognised).
    pub labels: Option<Vec<Option<bool>>>,
}

impl Sample {
    /// Rows sampled.
    pub fn rows(&self) -> usize {
        self.outcomes
            .as_ref()
            .map_or(self.decisions.len(), Vec::len)
    }
}

/// Draws the sample of `explain.sample` rows (about) from the `rows`-row log of `spec`, whose
/// score rule (with `--score-rate median`) has `threshold`. Rows outside `--where`, or without a
/// decision, are not drawn.
/// Knuth's multiplicative constant for the row numbers' hash.
const KNUTH: u64 = 2_654_435_761;

/// Hashes run from 0 to this (2³²).
const HASHES: u64 = 4_294_967_296;

/// The hash below which a row is kept, to keep `sample` of `rows` rows (about); `None` when
/// every row is kept.
fn kept_below(sample: usize, rows: u64) -> Option<u64> {
    (rows > sample as u64).then(|| (sample as f64 / rows as f64 * HASHES as f64) as u64)
}

/// The columns the sample holds: the decision, the features, the protected attributes and the
/// label, each once.
fn sample_columns(spec: &AuditSpec, explain: &ExplainSpec) -> Vec<String> {
    let mut columns: Vec<String> = vec![spec.decision.column().to_string()];
    for c in explain
        .features
        .iter()
        .chain(&spec.protected_columns())
        .chain(spec.label.as_ref().map(|l| &l.column))
    {
        if !columns.contains(c) {
            columns.push(c.clone());
        }
    }
    columns
}

/// The query that draws the same sample as [`draw`] where the log lives (Spark SQL over `table`):
/// the rows inside the selection with a decision, numbered in the log's order, kept by the same
/// hash of their number; every column the models and the selection need, as text.
pub fn query(spec: &AuditSpec, explain: &ExplainSpec, rows: u64, table: &str) -> String {
    let d = Dialect::Spark;
    let mut columns = sample_columns(spec, explain);
    for s in &spec.selection {
        if !columns.contains(&s.column) {
            columns.push(s.column.clone());
        }
    }
    let shown: Vec<String> = columns
        .iter()
        .map(|c| {
            format!(
                "{} AS {}",
                d.as_text(&format!("s.{}", d.ident(c))),
                d.ident(c)
            )
        })
        .collect();
    let inside = match spec.selection.is_empty() {
        true => "TRUE".to_string(),
        false => selected_sql(&spec.selection, d),
    };
    let keep = match kept_below(explain.sample, rows) {
        Some(below) => format!(
            "WHERE (s.fairaudit_row * {KNUTH} + {}) % {HASHES} < {below}",
            spec.stats.seed % HASHES
        ),
        None => String::new(),
    };
    format!(
        "SELECT {}\nFROM (\n  SELECT src.*, row_number() OVER (ORDER BY monotonically_increasing_id()) - 1 AS fairaudit_row\n  \
         FROM {} AS src\n  WHERE {inside} AND src.{} IS NOT NULL\n) AS s\n{keep}\n",
        shown.join(", "),
        d.ident(table),
        d.ident(spec.decision.column())
    )
}

/// Draws the sample of `explain.sample` rows (about) from the log of `spec`, whose score rule
/// (with `--score-rate median`) has `threshold`. With `rows`, the log's row count, a longer log
/// is thinned by the hash of the row number; without, `spec.data` is a sample already (drawn
/// where the log lives by [`query`]) and every row is kept.
pub fn draw(
    spec: &AuditSpec,
    explain: &ExplainSpec,
    rows: Option<u64>,
    threshold: Option<f64>,
) -> Result<Sample> {
    let path = spec.data.as_path();
    let (mut frame, _) = load::open_audit_log(spec)?;
    let schema = frame.collect_schema().map_err(|e| read_error(path, e))?;
    let decision = spec.decision.column().to_string();
    let attributes = spec.protected_columns();
    let label = spec.label.as_ref();
    let columns = sample_columns(spec, explain);
    let inside = selected(&spec.selection);
    let mut rows_frame = frame.filter(inside.and(col(decision.as_str()).is_not_null()));
    if let Some(below) = rows.and_then(|rows| kept_below(explain.sample, rows)) {
        // Knuth's multiplicative hash of the row number spreads the kept rows over the log.
        let hash = (col(ROW).cast(DataType::UInt64) * lit(KNUTH) + lit(spec.stats.seed % HASHES))
            % lit(HASHES);
        rows_frame = rows_frame
            .with_row_index(ROW, None)
            .filter(hash.lt(lit(below)));
    }
    let selected: Vec<Expr> = columns
        .iter()
        .map(|c| match schema.get(c.as_str()) {
            Some(t) if t.is_primitive_numeric() || t.is_decimal() => {
                col(c.as_str()).cast(DataType::Float64)
            }
            _ => col(c.as_str()).cast(DataType::String),
        })
        .collect();
    let df = load::collect(path, rows_frame.select(selected))?;
    let err = |e| read_error(path, e);
    let text = |c: &str| -> Result<Vec<Option<String>>> {
        let s = df
            .column(c)
            .map_err(err)?
            .cast(&DataType::String)
            .map_err(err)?;
        Ok(s.str()
            .map_err(err)?
            .iter()
            .map(|v| v.map(str::to_string))
            .collect())
    };
    let numbers = |c: &str| -> Result<Option<Vec<Option<f64>>>> {
        let original = df.column(c).map_err(err)?;
        let cast = original.cast(&DataType::Float64).map_err(err)?;
        if cast.null_count() != original.null_count() {
            return Ok(None);
        }
        let values = cast.f64().map_err(err)?;
        Ok(Some(
            values.iter().map(|v| v.filter(|x| !x.is_nan())).collect(),
        ))
    };
    let decisions: Vec<Option<bool>> = match &spec.decision {
        Decision::Outcome(c) => text(&decision)?
            .into_iter()
            .map(|v| v.and_then(|v| classify(&v, c.positive.as_deref())))
            .collect(),
        Decision::Score { threshold, .. } => numbers(&decision)?
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.map(|x| x >= *threshold))
            .collect(),
        Decision::AboveMedian { .. } => numbers(&decision)?
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.zip(threshold).map(|(x, m)| x > m))
            .collect(),
        Decision::Value { .. } => Vec::new(),
    };
    let outcomes = match &spec.decision {
        Decision::Value { .. } => Some(numbers(&decision)?.unwrap_or_default()),
        _ => None,
    };
    let keep: Vec<bool> = match &outcomes {
        Some(y) => y.iter().map(Option::is_some).collect(),
        None => decisions.iter().map(Option::is_some).collect(),
    };
    let mut features = Vec::new();
    for f in &explain.features {
        let values = match numbers(f)? {
            Some(n) => Values::Numbers(kept(n, &keep)),
            None => Values::Levels(kept(text(f)?, &keep)),
        };
        features.push((f.clone(), values));
    }
    let attributes = attributes
        .iter()
        .map(|a| {
            let values = text(a)?
                .into_iter()
                .map(|v| v.filter(|v| !spec.missing_values.contains(v)))
                .collect();
            Ok((a.clone(), kept(values, &keep)))
        })
        .collect::<Result<Vec<_>>>()?;
    let scores = match &spec.decision {
        Decision::Score { .. } | Decision::AboveMedian { .. } => numbers(&decision)?.map(|s| {
            kept(s, &keep)
                .into_iter()
                .map(|v| v.unwrap_or(f64::NAN))
                .collect()
        }),
        _ => None,
    };
    let labels = match label {
        Some(l) => Some(kept(
            text(&l.column)?
                .into_iter()
                .map(|v| v.and_then(|v| classify(&v, l.positive.as_deref())))
                .collect(),
            &keep,
        )),
        None => None,
    };
    Ok(Sample {
        decisions: decisions.into_iter().flatten().collect(),
        outcomes: outcomes.map(|y| y.into_iter().flatten().collect()),
        features,
        attributes,
        scores,
        labels,
    })
}

/// The values of the rows marked in `keep`.
fn kept<T>(values: Vec<T>, keep: &[bool]) -> Vec<T> {
    values
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(x, _)| x)
        .collect()
}
