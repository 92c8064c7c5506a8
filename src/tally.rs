//! Tally stage: one Polars pass over the decision log computes the counts every group metric
//! is derived from, for every attribute set at once.
//!
//! The pass groups the log by every protected attribute, the decision and the label together
//! and counts rows per cell. Each attribute set's groups are then sums of those cells, computed
//! in plain Rust over the (small) cell table: no loop over rows, no pass per metric or per set.

use crate::binary;
use crate::error::{AuditError, Result};
use crate::load::{self, read_error};
use crate::spec::{AuditSpec, Decision};
use indexmap::IndexMap;
use polars::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// Label shown for a missing attribute value.
pub const MISSING: &str = "(missing)";

const DECISION_KEY: &str = "__fairaudit_decision";
const LABEL_KEY: &str = "__fairaudit_label";
const COUNT_KEY: &str = "__fairaudit_n";
const BAD_SCORE_KEY: &str = "__fairaudit_bad_score";

/// Decision and confusion counts of one group: the sufficient statistics of every rate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Rows in the group (with a non-null decision, and label when there is one).
    pub n: u64,
    /// Positive decisions.
    pub pp: u64,
    /// Negative decisions.
    pub pn: u64,
    /// Positive decision, positive label.
    pub tp: u64,
    /// Positive decision, negative label.
    pub fp: u64,
    /// Negative decision, negative label.
    pub tn: u64,
    /// Negative decision, positive label.
    #[serde(rename = "fn")]
    pub fn_: u64,
}

impl Tally {
    /// Adds `count` rows with the given decision and label.
    pub fn record(&mut self, decision: bool, label: Option<bool>, count: u64) {
        self.n += count;
        match (decision, label) {
            (true, Some(true)) => self.tp += count,
            (true, Some(false)) => self.fp += count,
            (false, Some(false)) => self.tn += count,
            (false, Some(true)) => self.fn_ += count,
            _ => {}
        }
        if decision {
            self.pp += count;
        } else {
            self.pn += count;
        }
    }

    /// Adds another tally to this one.
    pub fn add(&mut self, other: &Tally) {
        self.n += other.n;
        self.pp += other.pp;
        self.pn += other.pn;
        self.tp += other.tp;
        self.fp += other.fp;
        self.tn += other.tn;
        self.fn_ += other.fn_;
    }

    /// The tally of a list of decisions and labels (used to build small examples and tests).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (bool, Option<bool>)>) -> Self {
        let mut t = Tally::default();
        pairs.into_iter().for_each(|(d, l)| t.record(d, l, 1));
        t
    }
}

/// One group of an attribute set: its attribute values (`None` = missing) and its counts.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupTally {
    /// One value per attribute of the set, in the set's order.
    pub values: Vec<Option<String>>,
    /// The group's counts.
    pub tally: Tally,
}

/// The groups of one attribute set, sorted by their values (missing last).
#[derive(Debug, Clone, PartialEq)]
pub struct SetTally {
    /// The attributes of the set.
    pub attributes: Vec<String>,
    /// Every combination of values present in the data.
    pub groups: Vec<GroupTally>,
}

/// A distinct value of a binary column, how it was read and how many rows hold it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueCount {
    /// The value as text.
    pub value: String,
    /// Rows holding it.
    pub count: u64,
}

/// Everything the tally pass produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Tallies {
    /// Rows in the decision log.
    pub rows_read: u64,
    /// Rows left out of every group, by reason (always lists each possible reason).
    pub rows_excluded: IndexMap<String, u64>,
    /// Whether a label was given (confusion counts are meaningful).
    pub has_label: bool,
    /// Values of the outcome column counted as negative, when `--positive` named the positives.
    pub negative_values: Option<Vec<ValueCount>>,
    /// Values of the label column counted as negative, when `--label-positive` named the positives.
    pub label_negative_values: Option<Vec<ValueCount>>,
    /// One entry per attribute set of the audit, in the audit's order.
    pub sets: Vec<SetTally>,
}

impl Tallies {
    /// Rows that entered the groups.
    pub fn rows_used(&self) -> u64 {
        self.rows_read - self.rows_excluded.values().sum::<u64>()
    }
}

/// One cell of the grouped pass: a combination of attribute values, decision and label.
struct Cell {
    values: Vec<Option<String>>,
    decision: Option<String>,
    label: Option<String>,
    n: u64,
}

/// Runs the tally pass over `frame` (the log at `path`) for the audit `spec`.
pub fn tally(path: &Path, frame: LazyFrame, spec: &AuditSpec) -> Result<Tallies> {
    let protected = spec.protected_columns();
    let mut keys: Vec<Expr> = protected.iter().map(|c| col(c.as_str())).collect();
    let mut aggs = vec![len().alias(COUNT_KEY)];
    match &spec.decision {
        Decision::Outcome(c) => keys.push(col(c.column.as_str()).alias(DECISION_KEY)),
        Decision::Score { column, threshold } => {
            let numeric = col(column.as_str()).cast(DataType::Float64);
            keys.push(numeric.clone().gt_eq(lit(*threshold)).alias(DECISION_KEY));
            aggs.push(
                col(column.as_str())
                    .is_not_null()
                    .and(numeric.is_null())
                    .sum()
                    .alias(BAD_SCORE_KEY),
            );
        }
    }
    if let Some(label) = &spec.label {
        keys.push(col(label.column.as_str()).alias(LABEL_KEY));
    }
    let cells_df = load::collect(path, frame.clone().group_by(keys).agg(aggs))?;

    if let Decision::Score { column, .. } = &spec.decision {
        let bad = column_u64(path, &cells_df, BAD_SCORE_KEY)?.iter().sum::<u64>();
        if bad > 0 {
            let numeric = col(column.as_str()).cast(DataType::Float64);
            let sample = offending_values(
                path,
                frame.filter(col(column.as_str()).is_not_null().and(numeric.is_null())),
                column,
            )?;
            return Err(AuditError::column(
                path,
                column,
                format!("{bad} score values are not numbers: {}", describe(&sample)),
            ));
        }
    }

    let cells = read_cells(path, &cells_df, protected.len(), spec.label.is_some())?;
    let rows_read: u64 = cells.iter().map(|c| c.n).sum();
    if rows_read == 0 {
        return Err(AuditError::input(path, "the decision log has a header but no rows"));
    }
    check_group_counts(path, &protected, &cells, spec.max_groups)?;

    let decision_positive = match &spec.decision {
        Decision::Outcome(c) => c.positive.as_deref(),
        Decision::Score { .. } => None,
    };
    let (decision_of, negative_values) = read_binary(
        path,
        &cells,
        |c| &c.decision,
        (spec.decision.column(), decision_positive, "--positive"),
    )?;
    let (label_of, label_negative_values) = match &spec.label {
        Some(label) => {
            let (map, neg) = read_binary(
                path,
                &cells,
                |c| &c.label,
                (&label.column, label.positive.as_deref(), "--label-positive"),
            )?;
            (Some(map), neg)
        }
        None => (None, None),
    };

    let mut rows_excluded = IndexMap::new();
    rows_excluded.insert("null outcome".to_string(), 0);
    if spec.label.is_some() {
        rows_excluded.insert("null label".to_string(), 0);
    }
    let mut per_set: Vec<HashMap<Vec<Option<String>>, Tally>> = vec![HashMap::new(); spec.protected.len()];
    let positions: Vec<Vec<usize>> = spec
        .protected
        .iter()
        .map(|set| set.iter().map(|a| protected.iter().position(|p| p == a).unwrap_or(0)).collect())
        .collect();
    for cell in &cells {
        let Some(decision) = cell.decision.as_ref().map(|v| decision_of[v]) else {
            rows_excluded["null outcome"] += cell.n;
            continue;
        };
        let label = match &label_of {
            Some(map) => match &cell.label {
                Some(v) => Some(map[v]),
                None => {
                    rows_excluded["null label"] += cell.n;
                    continue;
                }
            },
            None => None,
        };
        for (set_index, pos) in positions.iter().enumerate() {
            let key: Vec<Option<String>> = pos.iter().map(|&i| cell.values[i].clone()).collect();
            per_set[set_index].entry(key).or_default().record(decision, label, cell.n);
        }
    }
    if rows_excluded.values().sum::<u64>() == rows_read {
        return Err(AuditError::column(
            path,
            spec.decision.column(),
            "every row has a null decision or label; nothing to audit",
        ));
    }

    let sets = spec
        .protected
        .iter()
        .zip(per_set)
        .map(|(attributes, groups)| {
            let mut groups: Vec<GroupTally> = groups
                .into_iter()
                .map(|(values, tally)| GroupTally { values, tally })
                .collect();
            groups.sort_by(|a, b| sort_key(&a.values).cmp(&sort_key(&b.values)));
            SetTally {
                attributes: attributes.clone(),
                groups,
            }
        })
        .collect();
    Ok(Tallies {
        rows_read,
        rows_excluded,
        has_label: spec.label.is_some(),
        negative_values,
        label_negative_values,
        sets,
    })
}

/// The display name of an attribute value (`None` is a missing value).
pub fn value_name(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or(MISSING)
}

fn sort_key(values: &[Option<String>]) -> Vec<(bool, &str)> {
    values.iter().map(|v| (v.is_none(), v.as_deref().unwrap_or(""))).collect()
}

/// Reads every distinct value of a binary column as positive or negative. Fails naming the
/// offending values when a value is not recognised, or when named positives never occur.
fn read_binary<'a>(
    path: &Path,
    cells: &'a [Cell],
    value: impl Fn(&'a Cell) -> &'a Option<String>,
    (column, positive, flag): (&str, Option<&[String]>, &str),
) -> Result<(HashMap<String, bool>, Option<Vec<ValueCount>>)> {
    let mut counts: IndexMap<&str, u64> = IndexMap::new();
    for cell in cells {
        if let Some(v) = value(cell) {
            *counts.entry(v.as_str()).or_default() += cell.n;
        }
    }
    let mut map = HashMap::new();
    let mut offending = Vec::new();
    let mut negatives = Vec::new();
    for (&v, &count) in &counts {
        match binary::classify(v, positive) {
            Some(p) => {
                map.insert(v.to_string(), p);
                if !p {
                    negatives.push(ValueCount { value: v.to_string(), count });
                }
            }
            None => offending.push(ValueCount { value: v.to_string(), count }),
        }
    }
    if !offending.is_empty() {
        sort_by_count(&mut offending);
        return Err(AuditError::column(
            path,
            column,
            format!(
                "{} distinct values are not 0/1, true/false or yes/no: {}; name the positive values with {flag}",
                offending.len(),
                describe(&offending)
            ),
        ));
    }
    if let Some(list) = positive {
        if !map.is_empty() && map.values().all(|p| !p) {
            sort_by_count(&mut negatives);
            return Err(AuditError::column(
                path,
                column,
                format!(
                    "none of the positive values {} occurs; the column holds {}",
                    list.join(", "),
                    describe(&negatives)
                ),
            ));
        }
    }
    sort_by_count(&mut negatives);
    Ok((map, positive.map(|_| negatives)))
}

fn sort_by_count(values: &mut [ValueCount]) {
    values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
}

/// A few values with their counts, most frequent first: `"maybe" (12 rows), "2" (3 rows)`.
fn describe(values: &[ValueCount]) -> String {
    const SHOWN: usize = 5;
    let mut text: Vec<String> = values
        .iter()
        .take(SHOWN)
        .map(|v| format!("{:?} ({} rows)", v.value, v.count))
        .collect();
    if values.len() > SHOWN {
        text.push(format!("and {} more", values.len() - SHOWN));
    }
    text.join(", ")
}

/// The most frequent values of `column` in `frame`, for error messages.
fn offending_values(path: &Path, frame: LazyFrame, column: &str) -> Result<Vec<ValueCount>> {
    let df = load::collect(path, frame.group_by([col(column)]).agg([len().alias(COUNT_KEY)]))?;
    let counts = column_u64(path, &df, COUNT_KEY)?;
    let values = df.column(column).map_err(|e| read_error(path, e))?;
    let mut out = Vec::with_capacity(df.height());
    for (i, count) in counts.into_iter().enumerate() {
        let v = values.get(i).map_err(|e| read_error(path, e))?;
        out.push(ValueCount {
            value: value_text(&v).unwrap_or_default(),
            count,
        });
    }
    sort_by_count(&mut out);
    Ok(out)
}

fn check_group_counts(path: &Path, protected: &[String], cells: &[Cell], max_groups: usize) -> Result<()> {
    for (i, column) in protected.iter().enumerate() {
        let distinct: std::collections::HashSet<&Option<String>> = cells.iter().map(|c| &c.values[i]).collect();
        if distinct.len() > max_groups {
            return Err(AuditError::column(
                path,
                column,
                format!(
                    "{} distinct values, more than --max-groups {max_groups}; this looks like an identifier, not a group (raise --max-groups if it is one)",
                    distinct.len()
                ),
            ));
        }
    }
    Ok(())
}

fn read_cells(path: &Path, df: &DataFrame, n_protected: usize, has_label: bool) -> Result<Vec<Cell>> {
    let err = |e| read_error(path, e);
    let counts = column_u64(path, df, COUNT_KEY)?;
    let columns = df.columns();
    let decision = df.column(DECISION_KEY).map_err(err)?;
    let label = if has_label { Some(df.column(LABEL_KEY).map_err(err)?) } else { None };
    let mut cells = Vec::with_capacity(df.height());
    for (row, n) in counts.into_iter().enumerate() {
        let values = columns[..n_protected]
            .iter()
            .map(|c| c.get(row).map(|v| value_text(&v)))
            .collect::<PolarsResult<Vec<_>>>()
            .map_err(err)?;
        let decision = value_text(&decision.get(row).map_err(err)?);
        let label = match label {
            Some(l) => value_text(&l.get(row).map_err(err)?),
            None => None,
        };
        cells.push(Cell { values, decision, label, n });
    }
    Ok(cells)
}

fn column_u64(path: &Path, df: &DataFrame, name: &str) -> Result<Vec<u64>> {
    let column = df
        .column(name)
        .and_then(|c| c.cast(&DataType::UInt64))
        .map_err(|e| read_error(path, e))?;
    let values = column.u64().map_err(|e| read_error(path, e))?;
    Ok(values.iter().map(|v| v.unwrap_or(0)).collect())
}

/// A cell value as text (`None` for null). Numbers print without a trailing `.0`.
fn value_text(value: &AnyValue) -> Option<String> {
    match value {
        AnyValue::Null => None,
        AnyValue::String(s) => Some(s.to_string()),
        AnyValue::StringOwned(s) => Some(s.to_string()),
        AnyValue::Boolean(b) => Some(b.to_string()),
        AnyValue::Float64(f) => Some(f.to_string()),
        AnyValue::Float32(f) => Some(f.to_string()),
        other => Some(other.to_string()),
    }
}
