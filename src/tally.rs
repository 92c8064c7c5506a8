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
const WEIGHT_KEY: &str = "__fairaudit_w";
const WEIGHT_SQ_KEY: &str = "__fairaudit_w2";
const NULL_WEIGHT_KEY: &str = "__fairaudit_null_w";
const SOFT_KEY: &str = "__fairaudit_m";
const CHECK_KEY: &str = "__fairaudit_check";

/// Row counts of one group by decision and label: `n`, positive and negative decisions `pp`,
/// `pn`, and with a label the confusion cells `tp`, `fp`, `tn`, `fn`. Weighted sums when the
/// audit has weights or soft membership.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Cells {
    /// Rows.
    pub n: f64,
    /// Positive decisions.
    pub pp: f64,
    /// Negative decisions.
    pub pn: f64,
    /// Positive decision, positive label.
    pub tp: f64,
    /// Positive decision, negative label.
    pub fp: f64,
    /// Negative decision, negative label.
    pub tn: f64,
    /// Negative decision, positive label.
    #[serde(rename = "fn")]
    pub fn_: f64,
}

impl Cells {
    /// Adds `amount` rows with the given decision and label.
    pub fn record(&mut self, decision: bool, label: Option<bool>, amount: f64) {
        self.n += amount;
        match (decision, label) {
            (true, Some(true)) => self.tp += amount,
            (true, Some(false)) => self.fp += amount,
            (false, Some(false)) => self.tn += amount,
            (false, Some(true)) => self.fn_ += amount,
            _ => {}
        }
        if decision {
            self.pp += amount;
        } else {
            self.pn += amount;
        }
    }

    /// Adds another set of cells.
    pub fn add(&mut self, o: &Cells) {
        self.n += o.n;
        self.pp += o.pp;
        self.pn += o.pn;
        self.tp += o.tp;
        self.fp += o.fp;
        self.tn += o.tn;
        self.fn_ += o.fn_;
    }
}

/// The sufficient statistics of one group: the sums of its weights per cell and the sums of
/// their squares (for Kish's effective sample size). Unweighted, both are row counts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    /// Sums of weights (row counts when unweighted).
    pub sum: Cells,
    /// Sums of squared weights.
    pub sq: Cells,
}

impl Tally {
    /// Adds rows with total weight `w` and total squared weight `w2`.
    pub fn record(&mut self, decision: bool, label: Option<bool>, w: f64, w2: f64) {
        self.sum.record(decision, label, w);
        self.sq.record(decision, label, w2);
    }

    /// Adds another tally to this one.
    pub fn add(&mut self, other: &Tally) {
        self.sum.add(&other.sum);
        self.sq.add(&other.sq);
    }

    /// The unweighted tally of a list of decisions and labels (for examples and tests).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (bool, Option<bool>)>) -> Self {
        let mut t = Tally::default();
        pairs
            .into_iter()
            .for_each(|(d, l)| t.record(d, l, 1.0, 1.0));
        t
    }

    /// The unweighted tally of the given cell counts (with a label).
    pub fn from_counts(tp: u64, fp: u64, tn: u64, fn_: u64) -> Self {
        let mut t = Tally::default();
        for (d, l, k) in [
            (true, true, tp),
            (true, false, fp),
            (false, false, tn),
            (false, true, fn_),
        ] {
            t.record(d, Some(l), k as f64, k as f64);
        }
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
    rows: u64,
    w: f64,
    w2: f64,
    null_weight: u64,
    /// Per soft attribute, per value (the last is `(missing)`): Σ p·w and Σ (p·w)².
    soft: Vec<Vec<(f64, f64)>>,
}

/// Where an attribute of a set comes from.
#[derive(Clone, Copy)]
enum Source {
    /// Index among the hard protected columns.
    Hard(usize),
    /// Index among the soft memberships.
    Soft(usize),
}

/// Runs the tally pass over `frame` (the log at `path`) for the audit `spec`.
pub fn tally(path: &Path, frame: LazyFrame, spec: &AuditSpec) -> Result<Tallies> {
    let protected = spec.protected_columns();
    let mut keys: Vec<Expr> = protected.iter().map(|c| col(c.as_str())).collect();
    let mut aggs = vec![len().alias(COUNT_KEY)];
    let mut checks: Vec<(String, Expr, &'static str)> = Vec::new();
    match &spec.decision {
        Decision::Outcome(c) => keys.push(col(c.column.as_str()).alias(DECISION_KEY)),
        Decision::Score { column, threshold } => {
            let numeric = number(column);
            keys.push(numeric.clone().gt_eq(lit(*threshold)).alias(DECISION_KEY));
            checks.push((
                column.clone(),
                not_a_number(column),
                "score values are not numbers",
            ));
        }
    }
    if let Some(label) = &spec.label {
        keys.push(col(label.column.as_str()).alias(LABEL_KEY));
    }
    let weight = match &spec.weight {
        Some(w) => {
            checks.push((
                w.clone(),
                not_a_number(w).or(number(w).lt(lit(0.0))),
                "weights are not non-negative numbers",
            ));
            aggs.push(col(w.as_str()).is_null().sum().alias(NULL_WEIGHT_KEY));
            number(w).fill_null(lit(0.0))
        }
        None => lit(1.0),
    };
    if spec.weight.is_some() {
        aggs.push(weight.clone().sum().alias(WEIGHT_KEY));
        aggs.push((weight.clone() * weight.clone()).sum().alias(WEIGHT_SQ_KEY));
    } else {
        // A literal is not broadcast inside an aggregation: count the rows instead.
        aggs.push(len().cast(DataType::Float64).alias(WEIGHT_KEY));
        aggs.push(len().cast(DataType::Float64).alias(WEIGHT_SQ_KEY));
    }
    for (i, m) in spec.membership.iter().enumerate() {
        let mut total = lit(0.0);
        for (j, (column, _)) in m.columns.iter().enumerate() {
            let p = number(column).fill_null(lit(0.0));
            checks.push((
                column.clone(),
                not_a_number(column)
                    .or(number(column).lt(lit(0.0)))
                    .or(number(column).gt(lit(1.0))),
                "membership probabilities are not numbers from 0 to 1",
            ));
            aggs.extend(soft_sums(p.clone() * weight.clone(), i, j));
            total = total + p;
        }
        checks.push((
            m.columns
                .iter()
                .map(|c| c.0.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            total.clone().gt(lit(1.0 + 1e-6)),
            "membership probabilities of a row add up to more than 1",
        ));
        let rest = lit(1.0) - total;
        let rest = when(rest.clone().lt(lit(0.0)))
            .then(lit(0.0))
            .otherwise(rest);
        aggs.extend(soft_sums(rest * weight.clone(), i, m.columns.len()));
    }
    for (k, (_, bad, _)) in checks.iter().enumerate() {
        aggs.push(bad.clone().sum().alias(format!("{CHECK_KEY}{k}")));
    }
    let cells_df = load::collect(path, frame.clone().group_by(keys).agg(aggs))?;

    for (k, (column, bad, message)) in checks.iter().enumerate() {
        let count: f64 = column_f64(path, &cells_df, &format!("{CHECK_KEY}{k}"))?
            .iter()
            .sum();
        if count > 0.0 {
            let shown = column.split(", ").next().unwrap_or(column);
            let sample = offending_values(path, frame.filter(bad.clone()), shown)?;
            return Err(AuditError::column(
                path,
                column,
                format!("{count} rows: {message}: {}", describe(&sample)),
            ));
        }
    }

    let cells = read_cells(path, &cells_df, protected.len(), spec)?;
    let rows_read: u64 = cells.iter().map(|c| c.rows).sum();
    if rows_read == 0 {
        return Err(AuditError::input(
            path,
            "the decision log has a header but no rows",
        ));
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
    if spec.weight.is_some() {
        rows_excluded.insert("null weight".to_string(), 0);
    }
    let sources: Vec<Vec<Source>> = spec
        .protected
        .iter()
        .map(|set| {
            set.iter()
                .map(
                    |a| match spec.membership.iter().position(|m| &m.attribute == a) {
                        Some(i) => Source::Soft(i),
                        None => Source::Hard(protected.iter().position(|p| p == a).unwrap_or(0)),
                    },
                )
                .collect()
        })
        .collect();
    let mut per_set: Vec<HashMap<Vec<Option<String>>, Tally>> =
        vec![HashMap::new(); spec.protected.len()];
    for cell in &cells {
        let Some(decision) = cell.decision.as_ref().map(|v| decision_of[v]) else {
            rows_excluded["null outcome"] += cell.rows;
            continue;
        };
        let label = match &label_of {
            Some(map) => match &cell.label {
                Some(v) => Some(map[v]),
                None => {
                    rows_excluded["null label"] += cell.rows;
                    continue;
                }
            },
            None => None,
        };
        if spec.weight.is_some() {
            rows_excluded["null weight"] += cell.null_weight;
        }
        for (set_index, set_sources) in sources.iter().enumerate() {
            let hard_key = |soft_value: Option<String>| -> Vec<Option<String>> {
                set_sources
                    .iter()
                    .map(|s| match s {
                        Source::Hard(i) => cell.values[*i].clone(),
                        Source::Soft(_) => soft_value.clone(),
                    })
                    .collect()
            };
            match set_sources.iter().find_map(|s| match s {
                Source::Soft(i) => Some(*i),
                Source::Hard(_) => None,
            }) {
                None => per_set[set_index]
                    .entry(hard_key(None))
                    .or_default()
                    .record(decision, label, cell.w, cell.w2),
                Some(m) => {
                    let names = &spec.membership[m].columns;
                    for (j, &(mass, mass_sq)) in cell.soft[m].iter().enumerate() {
                        if mass > 0.0 {
                            let value = names.get(j).map(|(_, v)| v.clone());
                            per_set[set_index]
                                .entry(hard_key(value))
                                .or_default()
                                .record(decision, label, mass, mass_sq);
                        }
                    }
                }
            }
        }
    }
    if rows_excluded.values().sum::<u64>() == rows_read {
        return Err(AuditError::column(
            path,
            spec.decision.column(),
            "every row has a null decision, label or weight; nothing to audit",
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

/// A column read as a number (text that is not a number becomes null).
fn number(column: &str) -> Expr {
    col(column).cast(DataType::Float64)
}

/// Rows whose `column` holds something that is not a number (NaN included).
fn not_a_number(column: &str) -> Expr {
    col(column)
        .is_not_null()
        .and(number(column).is_null().or(number(column).is_nan()))
}

/// The aggregations of one soft group's mass: Σ mass and Σ mass².
fn soft_sums(mass: Expr, attribute: usize, value: usize) -> [Expr; 2] {
    [
        mass.clone()
            .sum()
            .alias(format!("{SOFT_KEY}{attribute}_{value}")),
        (mass.clone() * mass)
            .sum()
            .alias(format!("{SOFT_KEY}{attribute}_{value}_sq")),
    ]
}

/// The display name of an attribute value (`None` is a missing value).
pub fn value_name(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or(MISSING)
}

fn sort_key(values: &[Option<String>]) -> Vec<(bool, &str)> {
    values
        .iter()
        .map(|v| (v.is_none(), v.as_deref().unwrap_or("")))
        .collect()
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
            *counts.entry(v.as_str()).or_default() += cell.rows;
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
                    negatives.push(ValueCount {
                        value: v.to_string(),
                        count,
                    });
                }
            }
            None => offending.push(ValueCount {
                value: v.to_string(),
                count,
            }),
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
    let df = load::collect(
        path,
        frame.group_by([col(column)]).agg([len().alias(COUNT_KEY)]),
    )?;
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

fn check_group_counts(
    path: &Path,
    protected: &[String],
    cells: &[Cell],
    max_groups: usize,
) -> Result<()> {
    for (i, column) in protected.iter().enumerate() {
        let distinct: std::collections::HashSet<&Option<String>> =
            cells.iter().map(|c| &c.values[i]).collect();
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

fn read_cells(
    path: &Path,
    df: &DataFrame,
    n_protected: usize,
    spec: &AuditSpec,
) -> Result<Vec<Cell>> {
    let err = |e| read_error(path, e);
    let rows = column_u64(path, df, COUNT_KEY)?;
    let w = column_f64(path, df, WEIGHT_KEY)?;
    let w2 = column_f64(path, df, WEIGHT_SQ_KEY)?;
    let null_weight = match spec.weight {
        Some(_) => column_u64(path, df, NULL_WEIGHT_KEY)?,
        None => vec![0; df.height()],
    };
    let soft: Vec<Vec<(Vec<f64>, Vec<f64>)>> = spec
        .membership
        .iter()
        .enumerate()
        .map(|(i, m)| {
            (0..=m.columns.len())
                .map(|j| {
                    Ok((
                        column_f64(path, df, &format!("{SOFT_KEY}{i}_{j}"))?,
                        column_f64(path, df, &format!("{SOFT_KEY}{i}_{j}_sq"))?,
                    ))
                })
                .collect::<Result<Vec<_>>>()
        })
        .collect::<Result<Vec<_>>>()?;
    let columns = df.columns();
    let decision = df.column(DECISION_KEY).map_err(err)?;
    let label = if spec.label.is_some() {
        Some(df.column(LABEL_KEY).map_err(err)?)
    } else {
        None
    };
    let mut cells = Vec::with_capacity(df.height());
    for row in 0..df.height() {
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
        cells.push(Cell {
            values,
            decision,
            label,
            rows: rows[row],
            w: w[row],
            w2: w2[row],
            null_weight: null_weight[row],
            soft: soft
                .iter()
                .map(|per_value| per_value.iter().map(|(s, q)| (s[row], q[row])).collect())
                .collect(),
        });
    }
    Ok(cells)
}

fn column_f64(path: &Path, df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    let column = df
        .column(name)
        .and_then(|c| c.cast(&DataType::Float64))
        .map_err(|e| read_error(path, e))?;
    let values = column.f64().map_err(|e| read_error(path, e))?;
    Ok(values.iter().map(|v| v.unwrap_or(0.0)).collect())
}

/// A count column as whole numbers.
fn column_u64(path: &Path, df: &DataFrame, name: &str) -> Result<Vec<u64>> {
    Ok(column_f64(path, df, name)?
        .into_iter()
        .map(|v| v as u64)
        .collect())
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
