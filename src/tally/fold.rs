//! The fold: a cell table becomes every attribute set's group sums, in plain Rust. Decision and
//! label values are read as positive or negative here (once per distinct value, not per row);
//! rows with a null decision, label or weight are counted as excluded; soft memberships split
//! a cell's rows over the groups by their probability mass.

use super::binary;
use super::blur::Blur;
use super::cells::{Cell, CellTable, MomentCell};
use super::counts::{GroupSums, Tally};
use super::plan::{TallyPlan, PERIOD_KEY};
use super::{ControlledCell, GroupTally, ScoreBin, ScoreBins, SetTally, Tallies};
use crate::error::{AuditError, Result};
use crate::spec::{AuditSpec, Decision};
use crate::stats::distribution::{Distribution, Moments};
use crate::value::{sort_by_count, ValueCount};
use indexmap::IndexMap;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Why rows outside `--where` are left out.
pub const OUTSIDE: &str = "outside --where";

/// Why rows of a numeric outcome whose value is not a number are left out.
pub const NOT_A_NUMBER: &str = "outcome not a number";

/// Why rows whose score is not a number are left out.
pub const SCORE_NOT_A_NUMBER: &str = "score not a number";

/// The reason for rows whose date (`--date`) cannot be read.
pub const NO_DATE: &str = "date not readable";

/// Where an attribute of a set comes from.
#[derive(Clone, Copy)]
enum Source {
    /// Index among the plan's attribute columns.
    Hard(usize),
    /// Index among the soft memberships.
    Soft(usize),
}

/// Folds the cell table of `spec`'s plan (read from `path`) into its attribute sets' tallies.
pub fn fold(path: &Path, table: &CellTable, spec: &AuditSpec) -> Result<Tallies> {
    let cells = ordered(table, spec);
    let cells = cells.as_slice();
    let rows_read = table.rows();
    if rows_read == 0 {
        return Err(AuditError::NoRows {
            path: path.to_path_buf(),
        });
    }
    let protected = spec.protected_columns();
    check_group_counts(path, &protected, cells, spec.max_groups)?;
    let reading = Reading::of(path, cells, spec)?;
    let mut rows_excluded = exclusion_reasons(spec, reading.numbers);
    let plan = TallyPlan::of(spec);
    let mut sums = Sums::new(path, spec, &plan, &protected)?;
    // The period is the last key of a dated log's cells.
    let period_index = plan.period.as_ref().map(|_| plan.attributes.len() - 1);
    let mut run: Option<Run> = None;
    for cell in cells {
        if cell.outside {
            rows_excluded[OUTSIDE] += cell.rows;
            continue;
        }
        if period_index.is_some_and(|p| cell.attributes[p].is_none()) {
            rows_excluded[NO_DATE] += cell.rows;
            continue;
        }
        let (decision, value, label) = match reading.read(cell) {
            Ok(read) => read,
            Err(reason) => {
                rows_excluded[reason] += cell.rows;
                continue;
            }
        };
        if spec.weight.is_some() {
            rows_excluded[NULL_WEIGHT] += cell.null_weights;
        }
        // Cells come sorted by their attributes: the cells of one combination of attributes (a
        // run) belong to one group of each set, so their sums are added up first and looked up
        // once.
        if run
            .as_ref()
            .is_none_or(|r| r.attributes != cell.attributes.as_slice())
        {
            sums.flush(run.take());
            run = Some(Run {
                attributes: &cell.attributes,
                tally: Tally::default(),
                values: Vec::new(),
                scores: Vec::new(),
            });
        }
        if let Some(run) = &mut run {
            run.tally.record(decision, label, cell.w, cell.w2);
            run.values.extend(value.map(|x| (x, cell.rows)));
            run.scores.extend(cell.score.map(|s| ScoreBin {
                key: s.key,
                min: s.min,
                max: s.max,
                sum: s.sum,
                weight: cell.w,
                positive: if label == Some(true) { cell.w } else { 0.0 },
            }));
        }
        sums.add_soft(cell, decision, label);
    }
    sums.flush(run.take());
    let uncorrected = sums.unblur();
    check_rows_left(path, spec, &rows_excluded, rows_read)?;
    if let Some(keys) = &plan.moment_keys {
        add_moments(path, &table.moments, keys, spec, &mut sums.controlled)?;
    }
    let (sets, distributions, controlled, scores) = sums.finish(spec, spec.decision.is_value());
    Ok(Tallies {
        scores,
        rows_read,
        rows_excluded,
        has_label: spec.label.is_some(),
        negative_values: reading.negative_values,
        label_negative_values: reading.label_negative_values,
        sets,
        distributions,
        controlled,
        segments: Vec::new(),
        periods: Vec::new(),
        bins: table.bins.clone(),
        covariates: table.covariates.clone(),
        score_median: reading.median.flatten(),
        uncorrected,
    })
}

/// Why rows with a null decision, label or weight are left out.
const NULL_OUTCOME: &str = "null outcome";
const NULL_LABEL: &str = "null label";
const NULL_WEIGHT: &str = "null weight";

/// The cells in the order the fold adds them. Engines return cells in any order. The fold adds
/// a group's cells together, so they are sorted by attributes; with weights or soft membership
/// the sums are fractions, and adding them in one fixed order makes every float sum, and so the
/// results, the same on every run. Without, the sums are whole counts (exact in any order) and
/// a numeric outcome's values are sorted by the distribution itself.
fn ordered<'a>(table: &'a CellTable, spec: &AuditSpec) -> Vec<&'a Cell> {
    let mut cells: Vec<&Cell> = table.cells.iter().collect();
    if spec.weight.is_some() || !spec.membership.is_empty() {
        cells.sort_by(|a, b| {
            (&a.attributes, &a.decision, &a.label).cmp(&(&b.attributes, &b.decision, &b.label))
        });
        return cells;
    }
    // Whole counts add up alike in any order: the cells of one combination of attributes are
    // only put together, by a number per combination (cheaper to compare than text).
    let mut ids: HashMap<&[Option<String>], usize> = HashMap::new();
    let mut numbered: Vec<(usize, &Cell)> = cells
        .iter()
        .map(|c| {
            let next = ids.len();
            (*ids.entry(&c.attributes).or_insert(next), *c)
        })
        .collect();
    numbered.sort_by_key(|(id, _)| *id);
    numbered.into_iter().map(|(_, c)| c).collect()
}

/// How the cells' decision and label values are read.
struct Reading {
    /// Whether the decision values are numbers (a numeric outcome, or a score judged against
    /// the median).
    numbers: bool,
    /// With `--score-rate median`: the median the scores are judged against (`Some(None)` when
    /// the log holds no number).
    median: Option<Option<f64>>,
    /// Each distinct decision value read as positive or negative (a yes/no decision).
    decision_of: HashMap<String, bool>,
    /// With named positives, the decision values counted as negative.
    negative_values: Option<Vec<ValueCount>>,
    /// With a label, each distinct label value read as positive or negative.
    label_of: Option<HashMap<String, bool>>,
    /// With named label positives, the label values counted as negative.
    label_negative_values: Option<Vec<ValueCount>>,
    /// Whether the decision is a score against a threshold (a score that is not a number is
    /// the decision `NaN`).
    score: bool,
}

/// No value.
static NONE: Option<String> = None;

impl Reading {
    /// Reads every distinct decision and label value of the cells, once.
    fn of(path: &Path, cells: &[&Cell], spec: &AuditSpec) -> Result<Reading> {
        let median = match spec.decision {
            Decision::AboveMedian {
                median: Some(m), ..
            } => Some(Some(m)),
            Decision::AboveMedian { median: None, .. } => Some(median_of(cells)),
            _ => None,
        };
        let numbers = spec.decision.is_value() || median.is_some();
        let decision_positive = match &spec.decision {
            Decision::Outcome(c) => c.positive.as_deref(),
            _ => None,
        };
        let score = matches!(spec.decision, Decision::Score { .. });
        let (decision_of, negative_values) = if numbers {
            (HashMap::new(), None)
        } else {
            read_binary(
                path,
                cells,
                |c| match &c.decision {
                    Some(d) if score && d == "NaN" => &NONE,
                    d => d,
                },
                (spec.decision.column(), decision_positive, "positive"),
            )?
        };
        let (label_of, label_negative_values) = match &spec.label {
            Some(label) => {
                let (map, neg) = read_binary(
                    path,
                    cells,
                    |c| &c.label,
                    (&label.column, label.positive.as_deref(), "label_positive"),
                )?;
                (Some(map), neg)
            }
            None => (None, None),
        };
        Ok(Reading {
            numbers,
            median,
            decision_of,
            negative_values,
            label_of,
            label_negative_values,
            score,
        })
    }

    /// A cell's decision, its value (a numeric outcome's), and its label; or why its rows are
    /// left out. A numeric outcome's cell is one value of a group: every row counts as a
    /// negative decision in the tally (its size), and its value goes to the group's
    /// distribution.
    #[allow(clippy::type_complexity)]
    fn read(
        &self,
        cell: &Cell,
    ) -> std::result::Result<(bool, Option<f64>, Option<bool>), &'static str> {
        let text = cell.decision.as_ref().ok_or(NULL_OUTCOME)?;
        let (decision, value) = if self.numbers {
            match text.parse::<f64>() {
                Ok(x) if !x.is_nan() => match self.median {
                    Some(Some(m)) => (x > m, None),
                    _ => (false, Some(x)),
                },
                _ => return Err(NOT_A_NUMBER),
            }
        } else if self.score && text == "NaN" {
            return Err(SCORE_NOT_A_NUMBER);
        } else {
            (self.decision_of[text], None)
        };
        let label = match &self.label_of {
            Some(map) => Some(map[cell.label.as_ref().ok_or(NULL_LABEL)?]),
            None => None,
        };
        Ok((decision, value, label))
    }
}

/// Every reason rows may be left out, each counted from 0 (so that every possible reason is
/// listed).
fn exclusion_reasons(spec: &AuditSpec, numbers: bool) -> IndexMap<String, u64> {
    let mut reasons = IndexMap::new();
    if !spec.selection.is_empty() {
        reasons.insert(OUTSIDE.to_string(), 0);
    }
    reasons.insert(NULL_OUTCOME.to_string(), 0);
    if numbers {
        reasons.insert(NOT_A_NUMBER.to_string(), 0);
    }
    if matches!(spec.decision, Decision::Score { .. }) {
        reasons.insert(SCORE_NOT_A_NUMBER.to_string(), 0);
    }
    if spec.dated.is_some() {
        reasons.insert(NO_DATE.to_string(), 0);
    }
    if spec.label.is_some() {
        reasons.insert(NULL_LABEL.to_string(), 0);
    }
    if spec.weight.is_some() {
        reasons.insert(NULL_WEIGHT.to_string(), 0);
    }
    reasons
}

/// Fails when no row is left to audit, saying why.
fn check_rows_left(
    path: &Path,
    spec: &AuditSpec,
    rows_excluded: &IndexMap<String, u64>,
    rows_read: u64,
) -> Result<()> {
    if rows_excluded.values().sum::<u64>() != rows_read {
        return Ok(());
    }
    if spec.decision.is_value() && rows_excluded[NOT_A_NUMBER] > 0 {
        return Err(AuditError::NoNumbers {
            path: path.to_path_buf(),
            column: spec.decision.column().to_string(),
            rows: rows_excluded[NOT_A_NUMBER],
        });
    }
    if let Some(dated) = spec.dated.as_ref().filter(|_| rows_excluded[NO_DATE] > 0) {
        return Err(AuditError::NoDates {
            path: path.to_path_buf(),
            column: dated.column.clone(),
            rows: rows_excluded[NO_DATE],
        });
    }
    Err(AuditError::NothingToAudit {
        path: path.to_path_buf(),
        column: spec.decision.column().to_string(),
    })
}

/// The cells of one combination of attributes, added up.
struct Run<'a> {
    attributes: &'a [Option<String>],
    tally: Tally,
    /// A numeric outcome's values with their counts.
    values: Vec<(f64, u64)>,
    /// With a score audit, each cell's scores.
    scores: Vec<ScoreBin>,
}

/// A group's key: its value of each attribute of the set.
type GroupKey = Vec<Option<String>>;

/// The sums of every set's groups (and strata), as the cells are folded in.
struct Sums<'s> {
    spec: &'s AuditSpec,
    /// Where each attribute of each set comes from.
    sources: Vec<Vec<Source>>,
    /// A yes/no decision's controls, as positions among the cell table's keys (a numeric
    /// outcome's come from the moments table).
    control_index: Vec<usize>,
    per_set: Vec<HashMap<GroupKey, Tally>>,
    /// Per set with a corrected membership: each combination of its other attributes (the
    /// membership's value `None` in the key) with its sums, corrected at the end.
    blurs: Vec<HashMap<GroupKey, Blur>>,
    values: Vec<HashMap<GroupKey, Vec<(f64, u64)>>>,
    scores: Vec<HashMap<GroupKey, Vec<ScoreBin>>>,
    controlled: Vec<HashMap<(GroupKey, GroupKey), Stratum>>,
}

impl<'s> Sums<'s> {
    fn new(
        path: &Path,
        spec: &'s AuditSpec,
        plan: &TallyPlan,
        protected: &[String],
    ) -> Result<Sums<'s>> {
        let sources = spec
            .protected
            .iter()
            .map(|set| {
                set.iter()
                    .map(
                        |a| match spec.membership.iter().position(|m| &m.attribute == a) {
                            Some(i) => Ok(Source::Soft(i)),
                            None => key_position(path, protected, a).map(Source::Hard),
                        },
                    )
                    .collect()
            })
            .collect::<Result<_>>()?;
        let control_index = match &plan.moment_keys {
            Some(_) => Vec::new(),
            None => spec
                .controls
                .iter()
                .map(|c| key_position(path, &plan.attributes, c))
                .collect::<Result<_>>()?,
        };
        let sets = spec.protected.len();
        Ok(Sums {
            spec,
            sources,
            control_index,
            per_set: vec![HashMap::new(); sets],
            blurs: vec![HashMap::new(); sets],
            values: vec![HashMap::new(); sets],
            scores: vec![HashMap::new(); sets],
            controlled: vec![HashMap::new(); sets],
        })
    }

    /// A group's key in a set from a cell's attributes (`soft`: the value of a soft membership).
    fn key(
        &self,
        attributes: &[Option<String>],
        sources: &[Source],
        soft: Option<String>,
    ) -> GroupKey {
        sources
            .iter()
            .map(|s| match s {
                // A value that means "unknown" is a missing value.
                Source::Hard(i) => attributes[*i]
                    .clone()
                    .filter(|v| !self.spec.missing_values.contains(v)),
                Source::Soft(_) => soft.clone(),
            })
            .collect()
    }

    /// Adds a run of cells to its group of every set without a soft membership.
    fn flush(&mut self, run: Option<Run>) {
        let Some(run) = run else {
            return;
        };
        for set in 0..self.sources.len() {
            if soft_of(&self.sources[set]).is_some() {
                continue;
            }
            let key = self.key(run.attributes, &self.sources[set], None);
            if !self.control_index.is_empty() {
                let levels = self
                    .control_index
                    .iter()
                    .map(|&i| run.attributes[i].clone())
                    .collect();
                self.controlled[set]
                    .entry((key.clone(), levels))
                    .or_default()
                    .1
                    .add(&run.tally);
            }
            if !run.values.is_empty() {
                self.values[set]
                    .entry(key.clone())
                    .or_default()
                    .extend_from_slice(&run.values);
            }
            if !run.scores.is_empty() {
                self.scores[set]
                    .entry(key.clone())
                    .or_default()
                    .extend_from_slice(&run.scores);
            }
            self.per_set[set].entry(key).or_default().add(&run.tally);
        }
    }

    /// Splits a cell's rows over the groups of every set with a soft membership, by their
    /// probability mass.
    fn add_soft(&mut self, cell: &Cell, decision: bool, label: Option<bool>) {
        for set in 0..self.sources.len() {
            let Some(m) = soft_of(&self.sources[set]) else {
                continue;
            };
            // Only a membership the plan crosses has its products in the cells.
            if cell.cross.get(m).is_some_and(|c| !c.is_empty()) {
                let context = self.key(&cell.attributes, &self.sources[set], None);
                self.blurs[set].entry(context).or_default().add(
                    decision,
                    label,
                    &cell.masses[m],
                    &cell.cross[m],
                );
                continue;
            }
            let names = &self.spec.membership[m].columns;
            for (j, &(mass, mass_sq)) in cell.masses[m].iter().enumerate() {
                if mass > 0.0 {
                    let value = names.get(j).map(|(_, v)| v.clone());
                    let key = self.key(&cell.attributes, &self.sources[set], value);
                    self.per_set[set]
                        .entry(key)
                        .or_default()
                        .record(decision, label, mass, mass_sq);
                }
            }
        }
    }

    /// Adds each corrected membership's groups ([`Blur::corrected`]; uncorrected where its
    /// probabilities cannot be told apart). The groups left uncorrected, per membership.
    fn unblur(&mut self) -> IndexMap<String, u64> {
        let mut uncorrected = IndexMap::new();
        for set in 0..self.sources.len() {
            let Some(m) = soft_of(&self.sources[set]) else {
                continue;
            };
            let at = self.sources[set]
                .iter()
                .position(|s| matches!(s, Source::Soft(_)))
                .unwrap_or(0);
            let names = &self.spec.membership[m].columns;
            for (context, blur) in std::mem::take(&mut self.blurs[set]) {
                let tallies = blur.corrected().unwrap_or_else(|| {
                    let blurred = blur.blurred();
                    *uncorrected
                        .entry(self.spec.membership[m].attribute.clone())
                        .or_default() += blurred.iter().filter(|t| t.sum.n > 0.0).count() as u64;
                    blurred
                });
                for (j, tally) in tallies.into_iter().enumerate() {
                    if tally.sum.n > 0.0 {
                        let mut key = context.clone();
                        key[at] = names.get(j).map(|(_, v)| v.clone());
                        self.per_set[set].entry(key).or_default().add(&tally);
                    }
                }
            }
        }
        uncorrected
    }

    /// The sets with their groups in order, a numeric outcome's distributions (when `numeric`),
    /// with controls each set's strata, and with a score audit each group's scores.
    #[allow(clippy::type_complexity)]
    fn finish(
        mut self,
        spec: &AuditSpec,
        numeric: bool,
    ) -> (
        Vec<SetTally>,
        Vec<Vec<Distribution>>,
        Vec<Vec<ControlledCell>>,
        Vec<Vec<ScoreBins>>,
    ) {
        let sets: Vec<SetTally> = spec
            .protected
            .iter()
            .zip(std::mem::take(&mut self.per_set))
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
        let distributions = if numeric {
            sets.iter()
                .zip(self.values.iter_mut())
                .map(|(set, values)| {
                    set.groups
                        .iter()
                        .map(|g| {
                            Distribution::from_counts(values.remove(&g.values).unwrap_or_default())
                        })
                        .collect()
                })
                .collect()
        } else {
            Vec::new()
        };
        let scores = match TallyPlan::of(spec).score {
            Some(_) => sets
                .iter()
                .zip(self.scores.iter_mut())
                .map(|(set, scores)| {
                    set.groups
                        .iter()
                        .map(|g| ScoreBins::of(scores.remove(&g.values).unwrap_or_default()))
                        .collect()
                })
                .collect(),
            None => Vec::new(),
        };
        let controlled = self
            .controlled
            .into_iter()
            .filter(|_| !spec.controls.is_empty())
            .map(|cells| {
                let mut cells: Vec<ControlledCell> = cells
                    .into_iter()
                    .map(
                        |((group, levels), (moments, tally, terms))| ControlledCell {
                            group,
                            levels,
                            moments,
                            tally,
                            terms,
                        },
                    )
                    .collect();
                cells.sort_by(|a, b| {
                    (sort_key(&a.group), sort_key(&a.levels))
                        .cmp(&(sort_key(&b.group), sort_key(&b.levels)))
                });
                cells
            })
            .collect();
        (sets, distributions, controlled, scores)
    }
}

/// The soft membership a set's attributes include, if any.
fn soft_of(sources: &[Source]) -> Option<usize> {
    sources.iter().find_map(|s| match s {
        Source::Soft(i) => Some(*i),
        Source::Hard(_) => None,
    })
}

/// A group × controls stratum's sums: a numeric outcome's moments, the decisions, and the
/// covariate terms.
type Stratum = (Moments, Tally, Vec<f64>);

/// Adds each moments-table cell to its group × controls stratum, for every attribute set (values
/// that mean "unknown" are missing, as in the cell table).
fn add_moments(
    path: &Path,
    moments: &[MomentCell],
    keys: &[String],
    spec: &AuditSpec,
    strata: &mut [HashMap<(Vec<Option<String>>, Vec<Option<String>>), Stratum>],
) -> Result<()> {
    let position = |c: &String| key_position(path, keys, c);
    let controls: Vec<usize> = spec.controls.iter().map(position).collect::<Result<_>>()?;
    let sets: Vec<Vec<usize>> = spec
        .protected
        .iter()
        .map(|set| set.iter().map(position).collect::<Result<_>>())
        .collect::<Result<_>>()?;
    // Merged in a fixed order, so that the floating-point results do not depend on the engine's.
    let mut moments: Vec<&MomentCell> = moments.iter().collect();
    moments.sort_by(|a, b| a.keys.cmp(&b.keys));
    // A dated log's moments without a readable date are left out, as its cells are.
    let period = keys.iter().position(|k| k == PERIOD_KEY);
    for cell in moments {
        if period.is_some_and(|p| cell.keys[p].is_none()) {
            continue;
        }
        let value = |i: usize| {
            cell.keys[i]
                .clone()
                .filter(|v| !spec.missing_values.contains(v))
        };
        let levels: Vec<Option<String>> = controls.iter().map(|&i| cell.keys[i].clone()).collect();
        let m = Moments::from_shifted(cell.rows as f64, cell.shift, cell.sum, cell.sum_sq);
        for (set, groups) in sets.iter().zip(strata.iter_mut()) {
            let group = set.iter().map(|&i| value(i)).collect();
            let stratum = groups.entry((group, levels.clone())).or_default();
            stratum.0.merge(&m);
            stratum.2.resize(cell.terms.len(), 0.0);
            for (sum, term) in stratum.2.iter_mut().zip(&cell.terms) {
                *sum += term;
            }
        }
    }
    Ok(())
}

/// The position of `column` among a cell table's `keys`: a table without it is not the
/// tally of this audit's plan.
pub fn key_position(path: &Path, keys: &[String], column: &str) -> Result<usize> {
    keys.iter()
        .position(|k| k == column)
        .ok_or_else(|| AuditError::InvalidCells {
            path: path.to_path_buf(),
            column: column.to_string(),
            problem: format!(
                "not a key of the cell table (its keys: {}); the table must be the tally of this audit's plan",
                keys.join(", ")
            ),
        })
}

/// The median of the numbers among the cells' decision values (a score's, for the scoring
/// rate), `None` when there is none.
fn median_of(cells: &[&Cell]) -> Option<f64> {
    Distribution::from_counts(cells.iter().filter(|c| !c.outside).filter_map(|c| {
        let x = c.decision.as_deref()?.parse::<f64>().ok()?;
        (!x.is_nan()).then_some((x, c.rows))
    }))
    .median()
}

/// Groups sort by their values, missing values last.
fn sort_key(values: &[Option<String>]) -> Vec<(bool, &str)> {
    values
        .iter()
        .map(|v| (v.is_none(), v.as_deref().unwrap_or("")))
        .collect()
}

/// The positive/negative reading of every distinct value of a binary column, and with named
/// positives the negative values with their counts.
type BinaryReading = (HashMap<String, bool>, Option<Vec<ValueCount>>);

/// Reads every distinct value of a binary column as positive or negative. Fails naming the
/// offending values when a value is not recognised, or when named positives never occur.
fn read_binary<'a>(
    path: &Path,
    cells: &[&'a Cell],
    value: impl Fn(&'a Cell) -> &'a Option<String>,
    (column, positive, positives): (&str, Option<&[String]>, &'static str),
) -> Result<BinaryReading> {
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
        let entry = ValueCount {
            value: v.to_string(),
            count,
        };
        match binary::classify(v, positive) {
            Some(p) => {
                map.insert(v.to_string(), p);
                if !p {
                    negatives.push(entry);
                }
            }
            None => offending.push(entry),
        }
    }
    if !offending.is_empty() {
        sort_by_count(&mut offending);
        return Err(AuditError::NotBinary {
            path: path.to_path_buf(),
            column: column.to_string(),
            offending,
            positives,
        });
    }
    sort_by_count(&mut negatives);
    if let Some(list) = positive {
        if !map.is_empty() && map.values().all(|p| !p) {
            return Err(AuditError::PositiveAbsent {
                path: path.to_path_buf(),
                column: column.to_string(),
                positive: list.to_vec(),
                present: negatives,
            });
        }
    }
    Ok((map, positive.map(|_| negatives)))
}

/// Fails when a protected attribute has more distinct values than `max_groups`.
fn check_group_counts(
    path: &Path,
    protected: &[String],
    cells: &[&Cell],
    max_groups: usize,
) -> Result<()> {
    // The cells come with equal attributes side by side: one of each run is enough.
    let combinations: Vec<&Cell> = cells
        .chunk_by(|a, b| a.attributes == b.attributes)
        .map(|run| run[0])
        .collect();
    for (i, column) in protected.iter().enumerate() {
        let distinct: HashSet<&Option<String>> =
            combinations.iter().map(|c| &c.attributes[i]).collect();
        if distinct.len() > max_groups {
            return Err(AuditError::TooManyGroups {
                path: path.to_path_buf(),
                column: column.clone(),
                distinct: distinct.len(),
                max: max_groups,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{BinaryColumn, Membership};
    use crate::tally::counts::{Cells, GroupSums};
    use crate::tally::engine::TallyEngine;
    use crate::tally::plan::TallyPlan;
    use crate::tally::MemoryEngine;

    fn spec(protected: &[&str]) -> AuditSpec {
        AuditSpec::new(
            "memory",
            Decision::Outcome(BinaryColumn {
                column: "y".into(),
                positive: None,
            }),
            protected.iter().map(|p| vec![p.to_string()]).collect(),
        )
    }

    fn run(engine: &MemoryEngine, spec: &AuditSpec) -> Result<Tallies> {
        let table = engine.run(&TallyPlan::of(spec))?;
        fold(engine.source(), &table, spec)
    }

    fn group<'a>(t: &'a Tallies, set: usize, values: &[Option<&str>]) -> &'a Tally {
        let want: Vec<Option<String>> = values.iter().map(|v| v.map(str::to_string)).collect();
        &t.sets[set]
            .groups
            .iter()
            .find(|g| g.values == want)
            .unwrap_or_else(|| panic!("no group {values:?}"))
            .tally
    }

    #[test]
    fn sets_are_sums_of_cells_and_missing_values_form_their_own_group() {
        let engine = MemoryEngine::new(
            &["y", "sex", "age"],
            &[
                vec![Some("1"), Some("F"), Some("young")],
                vec![Some("0"), Some("F"), Some("old")],
                vec![Some("1"), Some("M"), Some("young")],
                vec![Some("yes"), Some("M"), None],
                vec![None, Some("M"), Some("old")],
            ],
        );
        let mut s = spec(&["sex", "age"]);
        s.protected.push(vec!["sex".into(), "age".into()]);
        let t = run(&engine, &s).unwrap();
        assert_eq!(t.rows_read, 5);
        assert_eq!(t.rows_excluded["null outcome"], 1);
        assert_eq!(t.rows_used(), 4);
        let f = group(&t, 0, &[Some("F")]).sum;
        assert_eq!((f.n, f.pp, f.pn), (2.0, 1.0, 1.0));
        let m = group(&t, 0, &[Some("M")]).sum;
        assert_eq!((m.n, m.pp), (2.0, 2.0));
        // Missing sorts last; the null-outcome row is in no group.
        let ages: Vec<_> = t.sets[1].groups.iter().map(|g| g.values.clone()).collect();
        assert_eq!(
            ages,
            vec![
                vec![Some("old".into())],
                vec![Some("young".into())],
                vec![None]
            ]
        );
        assert_eq!(group(&t, 1, &[Some("old")]).sum.n, 1.0);
        assert_eq!(group(&t, 2, &[Some("M"), None]).sum.pp, 1.0);
        // Every set holds every used row.
        for set in &t.sets {
            let total: f64 = set.groups.iter().map(|g| g.tally.size()).sum();
            assert_eq!(total, 4.0);
        }
    }

    #[test]
    fn weights_sum_and_null_weights_are_counted() {
        let engine = MemoryEngine::new(
            &["y", "g", "w"],
            &[
                vec![Some("1"), Some("a"), Some("2")],
                vec![Some("0"), Some("a"), Some("0.5")],
                vec![Some("1"), Some("a"), None],
                vec![Some("1"), Some("b"), Some("1")],
            ],
        );
        let mut s = spec(&["g"]);
        s.weight = Some("w".into());
        let t = run(&engine, &s).unwrap();
        let a = group(&t, 0, &[Some("a")]);
        assert_eq!((a.sum.n, a.sum.pp, a.sum.pn), (2.5, 2.0, 0.5));
        assert_eq!((a.sq.n, a.sq.pp), (4.25, 4.0));
        assert_eq!(t.rows_excluded["null weight"], 1);
        s.weight = Some("y".into());
        let mut bad = engine.clone();
        bad.rows[0][0] = Some("-1".into());
        let err = run(&bad, &s).unwrap_err();
        assert!(matches!(err, AuditError::InvalidValues { .. }), "{err}");
    }

    #[test]
    fn soft_membership_splits_rows_by_probability_and_the_rest_is_missing() {
        let engine = MemoryEngine::new(
            &["y", "p_a", "p_b"],
            &[
                vec![Some("1"), Some("0.75"), Some("0.25")],
                vec![Some("0"), Some("0.5"), Some("0.25")],
            ],
        );
        let mut s = spec(&["race"]);
        s.membership = vec![Membership {
            attribute: "race".into(),
            columns: vec![("p_a".into(), "A".into()), ("p_b".into(), "B".into())],
            corrected: false,
        }];
        let t = run(&engine, &s).unwrap();
        let a = group(&t, 0, &[Some("A")]);
        assert_eq!((a.sum.n, a.sum.pp, a.sum.pn), (1.25, 0.75, 0.5));
        assert_eq!(a.sq.n, 0.75 * 0.75 + 0.25);
        assert_eq!(group(&t, 0, &[Some("B")]).sum.n, 0.5);
        assert_eq!(group(&t, 0, &[None]).sum.n, 0.25);
    }

    #[test]
    fn a_corrected_membership_undoes_its_blur_where_it_can() {
        // Group A is selected at 0.8 and B at 0.2; rows say (0.9, 0.1) or (0.2, 0.8), and of
        // each kind the expected share is selected (74 of 100, 32 of 100): corrected, the rates
        // are the groups' own. Where h = "y" a single row cannot tell A from B: uncorrected.
        let mut rows = Vec::new();
        for (p, picked) in [("0.9", 74), ("0.2", 32)] {
            let q = if p == "0.9" { "0.1" } else { "0.8" };
            for i in 0..100 {
                rows.push(vec![
                    Some(if i < picked { "1" } else { "0" }),
                    Some("x"),
                    Some(p),
                    Some(q),
                ]);
            }
        }
        rows.push(vec![Some("1"), Some("y"), Some("0.5"), Some("0.5")]);
        let engine = MemoryEngine::new(&["y", "h", "p_a", "p_b"], &rows);
        let mut s = spec(&["race"]);
        s.protected = vec![vec!["h".into(), "race".into()]];
        s.membership = vec![Membership {
            attribute: "race".into(),
            columns: vec![("p_a".into(), "A".into()), ("p_b".into(), "B".into())],
            corrected: true,
        }];
        let t = run(&engine, &s).unwrap();
        let a = group(&t, 0, &[Some("x"), Some("A")]);
        let b = group(&t, 0, &[Some("x"), Some("B")]);
        assert!((a.sum.pp / a.sum.n - 0.8).abs() < 1e-9 && (a.sum.n - 110.0).abs() < 1e-9);
        assert!((b.sum.pp / b.sum.n - 0.2).abs() < 1e-9 && (b.sum.n - 90.0).abs() < 1e-9);
        assert_eq!(group(&t, 0, &[Some("y"), Some("A")]).sum.n, 0.5);
        assert_eq!(t.uncorrected["race"], 2);
    }

    #[test]
    fn labels_fill_the_confusion_cells_and_null_labels_are_excluded() {
        let engine = MemoryEngine::new(
            &["y", "l", "g"],
            &[
                vec![Some("1"), Some("1"), Some("a")],
                vec![Some("1"), Some("0"), Some("a")],
                vec![Some("0"), Some("1"), Some("a")],
                vec![Some("0"), None, Some("a")],
            ],
        );
        let mut s = spec(&["g"]);
        s.label = Some(BinaryColumn {
            column: "l".into(),
            positive: None,
        });
        let t = run(&engine, &s).unwrap();
        assert_eq!(
            group(&t, 0, &[Some("a")]).sum,
            Cells {
                n: 3.0,
                pp: 2.0,
                pn: 1.0,
                tp: 1.0,
                fp: 1.0,
                tn: 0.0,
                fn_: 1.0
            }
        );
        assert_eq!(t.rows_excluded["null label"], 1);
    }

    #[test]
    fn bad_values_are_errors_by_kind() {
        let rows = |y: &str| {
            MemoryEngine::new(
                &["y", "g"],
                &[vec![Some(y), Some("a")], vec![Some("1"), Some("b")]],
            )
        };
        let err = run(&rows("maybe"), &spec(&["g"])).unwrap_err();
        assert!(
            matches!(err, AuditError::NotBinary { ref offending, .. } if offending[0].value == "maybe")
        );
        let mut s = spec(&["g"]);
        s.max_groups = 1;
        let err = run(&rows("0"), &s).unwrap_err();
        assert!(matches!(err, AuditError::TooManyGroups { distinct: 2, .. }));
        let mut s = spec(&["g"]);
        s.decision = Decision::Outcome(BinaryColumn {
            column: "y".into(),
            positive: Some(vec!["High".into()]),
        });
        let err = run(&rows("0"), &s).unwrap_err();
        assert!(matches!(err, AuditError::PositiveAbsent { .. }));
        let nulls = MemoryEngine::new(&["y", "g"], &[vec![None, Some("a")]]);
        let err = run(&nulls, &spec(&["g"])).unwrap_err();
        assert!(matches!(err, AuditError::NothingToAudit { .. }));
        let err = run(&MemoryEngine::new(&["y", "g"], &[]), &spec(&["g"])).unwrap_err();
        assert!(matches!(err, AuditError::NoRows { .. }));
    }

    #[test]
    fn a_key_the_plan_needs_and_the_table_lacks_is_named() {
        let keys = vec!["sex".to_string(), "age".to_string()];
        assert_eq!(
            key_position(Path::new("cells.csv"), &keys, "age").unwrap(),
            1
        );
        let err = key_position(Path::new("cells.csv"), &keys, "region").unwrap_err();
        assert_eq!(
            err.to_string(),
            "cells.csv: column 'region': not a key of the cell table (its keys: sex, age); the table must be the tally of this audit's plan"
        );
    }
}
