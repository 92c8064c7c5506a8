//! A tally engine over rows held in memory, for the unit tests of the fold: it runs a plan the
//! slow, obvious way, so that the Polars engine and the fold can be checked against it.

use super::cells::{
    fixed, from_fixed, Cell, CellTable, Covariates, MomentCell, Scale, ScoreSums,
    COVARIATE_PRESENT, TERM_SCALE,
};
use super::engine::{violation, TallyEngine};
use super::plan::{
    bin_label, pairs, quintile_cuts, DecisionKey, NumericControl, TallyPlan, PERIOD_KEY,
};
use super::score_keys::{score_bin, SCORE_EXACT_LIMIT};
use crate::error::Result;
use crate::spec::Every;
use crate::stats::ols::Terms;
use crate::value::{sort_by_count, ValueCount};
use indexmap::IndexMap;
use std::path::{Path, PathBuf};

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

/// Numeric controls cut into quintiles, with their cut points.
type Bins = Vec<(String, Vec<f64>)>;

/// How key columns are read: binned controls, covariates (present or missing), the period.
#[derive(Clone, Copy)]
struct Keying<'a> {
    bins: &'a Bins,
    covariates: Option<&'a Covariates>,
    period: Option<&'a (String, Every)>,
}

impl MemoryEngine {
    /// The numbers of `column` (`None` when one of its values is not a number), NaN left out.
    fn numbers(&self, column: &str) -> Option<Vec<f64>> {
        let mut numbers: Vec<f64> = self
            .rows
            .iter()
            .filter_map(|r| self.value(r, column))
            .map(|v| number(Some(v)))
            .collect::<Option<Vec<f64>>>()?;
        numbers.retain(|x| !x.is_nan());
        Some(numbers)
    }

    /// The controls whose values are all numbers, more than
    /// [`MAX_LEVELS`](super::plan::MAX_LEVELS) of them, with their quintile cut points and range.
    fn numeric_controls(&self, plan: &TallyPlan) -> Vec<NumericControl> {
        plan.controls
            .iter()
            .filter_map(|c| {
                let mut numbers = self.numbers(c)?;
                let cuts = quintile_cuts(&mut numbers)?;
                Some(NumericControl {
                    column: c.clone(),
                    cuts,
                    range: (numbers[0], numbers[numbers.len() - 1]),
                })
            })
            .collect()
    }

    /// A key column's value in a row: the period's code, a covariate's presence, a binned
    /// control's bin label, else the value as text.
    fn grouping(&self, row: &[Option<String>], column: &str, keying: &Keying) -> Option<String> {
        if let (PERIOD_KEY, Some((date, every))) = (column, keying.period) {
            let text = self.value(row, date)?;
            let day = crate::spec::parse_date(&text)?;
            return Some(every.code(day).to_string());
        }
        let value = self.value(row, column)?;
        if keying
            .covariates
            .is_some_and(|cv| cv.columns.iter().any(|(c, _)| c == column))
        {
            return Some(COVARIATE_PRESENT.to_string());
        }
        match keying.bins.iter().find(|(c, _)| c == column) {
            Some((_, cuts)) => number(Some(value)).map(|x| bin_label(x, cuts)),
            None => Some(value.to_string()),
        }
    }

    /// The moments table: per combination of `keys`, the rows whose `column` is a number and the
    /// exact sums of their distances from the log's smallest number and of their squares, and with
    /// covariates the sums of their terms.
    fn moments(
        &self,
        (keys, column): (&[String], &str),
        selection: &[crate::spec::Selection],
        keying: &Keying,
    ) -> Vec<MomentCell> {
        let covariates = keying.covariates;
        let terms = covariates.map(|cv| Terms::new(cv.columns.len()));
        let mut values: IndexMap<Vec<Option<String>>, Vec<f64>> = IndexMap::new();
        let mut term_sums: IndexMap<Vec<Option<String>>, Vec<i128>> = IndexMap::new();
        let mut shift = None;
        for row in &self.rows {
            let Some(y) = number(self.value(row, column)).filter(|y| !y.is_nan()) else {
                continue;
            };
            if !selection.iter().all(|sel| {
                self.value(row, &sel.column)
                    .is_some_and(|v| sel.values.iter().any(|want| want == v))
            }) {
                continue;
            }
            shift = Some(shift.map_or(y, |s: f64| s.min(y)));
            let key: Vec<Option<String>> =
                keys.iter().map(|k| self.grouping(row, k, keying)).collect();
            if let (Some(cv), Some(terms)) = (covariates, &terms) {
                let u = cv.outcome.apply(y);
                let z: Vec<f64> = cv
                    .columns
                    .iter()
                    .map(|(c, scale)| number(self.value(row, c)).map_or(0.0, |x| scale.apply(x)))
                    .collect();
                let sums = term_sums
                    .entry(key.clone())
                    .or_insert_with(|| vec![0; terms.list.len()]);
                for (sum, (power, factors)) in sums.iter_mut().zip(&terms.list) {
                    let product = factors
                        .iter()
                        .fold(u.powi(i32::from(*power)), |p, &j| p * z[j]);
                    *sum += (product * TERM_SCALE) as i128;
                }
            }
            values.entry(key).or_default().push(y);
        }
        values
            .into_iter()
            .map(|(keys, ys)| {
                let s = shift.unwrap_or(0.0);
                MomentCell {
                    rows: ys.len() as u64,
                    shift: s,
                    sum: from_fixed(ys.iter().map(|y| fixed(y - s)).sum()),
                    sum_sq: from_fixed(ys.iter().map(|y| fixed((y - s) * (y - s))).sum()),
                    terms: term_sums
                        .get(&keys)
                        .map(|t| t.iter().map(|&x| x as f64 / TERM_SCALE).collect())
                        .unwrap_or_default(),
                    keys,
                }
            })
            .collect()
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
        // Fixed-point sums per cell, as the Polars engine takes them: Σw, Σw², and per membership
        // and value Σ p·w and Σ (p·w)², per crossed membership and pair of its values
        // Σ p_j·p_k·w and Σ p_j·p_k·w². With a score audit, Σ weight·score too.
        type PerPart = Vec<Vec<(i128, i128)>>;
        type Sums = (i128, i128, PerPart, i128, PerPart);
        let mut cells: IndexMap<Vec<Option<String>>, (Cell, Sums)> = IndexMap::new();
        let numeric = self.numeric_controls(plan);
        let covariates = match (&plan.moment_keys, &plan.decision) {
            (Some(_), DecisionKey::Value(y)) if !numeric.is_empty() => {
                self.numbers(y).map(|mut ys| {
                    ys.sort_by(f64::total_cmp);
                    Covariates {
                        columns: numeric
                            .iter()
                            .map(|n| (n.column.clone(), Scale::of_range(n.range.0, n.range.1)))
                            .collect(),
                        outcome: Scale::of_range(
                            ys.first().copied().unwrap_or(0.0),
                            ys.last().copied().unwrap_or(0.0),
                        ),
                    }
                })
            }
            _ => None,
        };
        let bins: Bins = match covariates {
            Some(_) => Vec::new(),
            None => numeric.into_iter().map(|n| (n.column, n.cuts)).collect(),
        };
        let keying = Keying {
            bins: &bins,
            covariates: None,
            period: plan.period.as_ref(),
        };
        // The score's key, the obvious way: the score itself, or its bin by its smallest rank.
        let scores = plan.score.as_deref().map(|c| {
            let mut numbers: Vec<f64> = self
                .rows
                .iter()
                .filter_map(|r| number(self.value(r, c)).filter(|x| !x.is_nan()))
                .collect();
            numbers.sort_by(f64::total_cmp);
            let mut distinct = numbers.clone();
            distinct.dedup();
            (c, numbers, distinct.len() <= SCORE_EXACT_LIMIT)
        });
        let score_of = |row: &[Option<String>]| {
            let (column, numbers, exact) = scores.as_ref()?;
            let s = number(self.value(row, column)).filter(|x| !x.is_nan())?;
            let rank = 1 + numbers.iter().filter(|x| **x < s).count();
            let key = match exact {
                true => s,
                false => score_bin(rank as f64, numbers.len() as f64, s),
            };
            Some((key, s))
        };
        for row in &self.rows {
            let text = |c: &str| self.value(row, c).map(str::to_string);
            let key = |c: &str| self.grouping(row, c, &keying);
            let decision = match &plan.decision {
                DecisionKey::Column(c) => text(c),
                DecisionKey::AtLeast { column, threshold } => {
                    self.value(row, column)
                        .map(|v| match number(Some(v)).filter(|x| !x.is_nan()) {
                            Some(s) => (s >= *threshold).to_string(),
                            None => "NaN".to_string(),
                        })
                }
                DecisionKey::Value(column) => self.value(row, column).map(|v| {
                    number(Some(v))
                        .filter(|x| !x.is_nan())
                        .unwrap_or(f64::NAN)
                        .to_string()
                }),
            };
            let label = plan.label.as_deref().and_then(text);
            let attributes: Vec<Option<String>> = plan.attributes.iter().map(|a| key(a)).collect();
            let outside = !plan.selection.iter().all(|sel| {
                self.value(row, &sel.column)
                    .is_some_and(|v| sel.values.iter().any(|want| want == v))
            });
            let score = score_of(row);
            let mut key = attributes.clone();
            key.extend([
                decision.clone(),
                label.clone(),
                Some(outside.to_string()),
                score.map(|(k, _)| format!("{k:?}")),
            ]);
            let weight = plan.weight.as_deref().map(|w| number(self.value(row, w)));
            let w = weight.map_or(1.0, |w| w.unwrap_or(0.0));
            let (cell, sums) = cells.entry(key).or_insert_with(|| {
                let cell = Cell {
                    attributes,
                    decision,
                    label,
                    outside,
                    ..Default::default()
                };
                let masses = plan
                    .memberships
                    .iter()
                    .map(|m| vec![(0, 0); m.len() + 1])
                    .collect();
                let cross = plan
                    .memberships
                    .iter()
                    .zip(&plan.crossed)
                    .map(|(m, &crossed)| match crossed {
                        true => vec![(0, 0); pairs(m.len() + 1).count()],
                        false => Vec::new(),
                    })
                    .collect();
                (cell, (0, 0, masses, 0, cross))
            });
            if let Some((key, s)) = score {
                let scored = cell.score.get_or_insert(ScoreSums {
                    key,
                    min: s,
                    max: s,
                    sum: 0.0,
                });
                scored.min = scored.min.min(s);
                scored.max = scored.max.max(s);
                sums.3 += fixed(w * s);
            }
            cell.rows += 1;
            sums.0 += fixed(w);
            sums.1 += fixed(w * w);
            cell.null_weights += u64::from(weight == Some(None));
            for (i, columns) in plan.memberships.iter().enumerate() {
                let p: Vec<f64> = columns
                    .iter()
                    .map(|c| number(self.value(row, c)).unwrap_or(0.0))
                    .collect();
                let rest = (1.0 - p.iter().sum::<f64>()).max(0.0);
                let p: Vec<f64> = p.into_iter().chain([rest]).collect();
                for (j, p) in p.iter().enumerate() {
                    sums.2[i][j].0 += fixed(p * w);
                    sums.2[i][j].1 += fixed((p * w) * (p * w));
                }
                for (slot, (j, k)) in sums.4[i].iter_mut().zip(pairs(p.len())) {
                    slot.0 += fixed(p[j] * p[k] * w);
                    slot.1 += fixed(p[j] * p[k] * w * w);
                }
            }
        }
        let weighted = plan.weight.is_some();
        let moments = match (&plan.moment_keys, &plan.decision) {
            (Some(keys), DecisionKey::Value(column)) => self.moments(
                (keys, column),
                &plan.selection,
                &Keying {
                    covariates: covariates.as_ref(),
                    ..keying
                },
            ),
            _ => Vec::new(),
        };
        Ok(CellTable {
            moments,
            bins,
            covariates,
            cells: cells
                .into_values()
                .map(|(mut cell, (w, w2, masses, score_sum, cross))| {
                    if let Some(score) = &mut cell.score {
                        score.sum = from_fixed(score_sum);
                    }
                    // Without weights the Polars engine counts rows; the sums are the same.
                    (cell.w, cell.w2) = if weighted {
                        (from_fixed(w), from_fixed(w2))
                    } else {
                        (cell.rows as f64, cell.rows as f64)
                    };
                    let from_fixed = |sums: PerPart| -> Vec<Vec<(f64, f64)>> {
                        sums.into_iter()
                            .map(|m| {
                                m.into_iter()
                                    .map(|(a, b)| (from_fixed(a), from_fixed(b)))
                                    .collect()
                            })
                            .collect()
                    };
                    cell.masses = from_fixed(masses);
                    cell.cross = from_fixed(cross);
                    cell
                })
                .collect(),
        })
    }
}
