//! Tally stage: one pass over the decision log computes the sums every group metric is derived
//! from, for every attribute set at once.
//!
//! It has three parts: a [`TallyPlan`] says which keys to group by (protected attributes,
//! decision, label) and which sums to take per cell (rows, weights, squared weights,
//! soft-membership masses); a [`TallyEngine`] runs the plan in one pass and returns the
//! [`CellTable`] (Polars here; the table's schema is documented in [`cells`] so that a SQL
//! warehouse or Spark can produce it too); and the pure [`fold`] turns the cells into each
//! attribute set's group sums. No pass per metric or per set; the rows are looped over in Rust
//! only by the score audit's pass ([`score_pass`]), where Polars' grouping of a score's tens of
//! thousands of cells is the slower way.

pub mod binary;
pub mod blur;
pub mod cell_file;
pub mod cells;
pub mod counts;
pub mod engine;
pub mod fold;
#[cfg(test)]
pub mod memory_engine;
pub mod plan;
pub mod polars_engine;
pub mod score_keys;
pub mod score_pass;
pub mod spark;
pub mod sql;

pub use cells::{CellTable, Covariates};
pub use counts::{Cells, GroupSums, Tally};
pub use engine::TallyEngine;
#[cfg(test)]
pub use memory_engine::MemoryEngine;
pub use plan::TallyPlan;
pub use polars_engine::PolarsEngine;

use crate::error::Result;
use crate::spec::{AuditSpec, Decision};
use crate::stats::distribution::{Distribution, Moments};
use crate::value::ValueCount;
use indexmap::IndexMap;

/// One group of an attribute set: its attribute values (`None` = missing) and its sums.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupTally<S: GroupSums = Tally> {
    /// One value per attribute of the set, in the set's order.
    pub values: Vec<Option<String>>,
    /// The group's sums.
    pub tally: S,
}

/// The groups of one attribute set, sorted by their values (missing last).
#[derive(Debug, Clone, PartialEq)]
pub struct SetTally<S: GroupSums = Tally> {
    /// The attributes of the set.
    pub attributes: Vec<String>,
    /// Every combination of values present in the data.
    pub groups: Vec<GroupTally<S>>,
}

/// Everything the tally pass produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Tallies<S: GroupSums = Tally> {
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
    pub sets: Vec<SetTally<S>>,
    /// For a numeric outcome, per set and group (in the sets' order): the outcome's distribution.
    /// Empty for a yes/no decision.
    pub distributions: Vec<Vec<Distribution>>,
    /// The numeric controls cut into quintiles, with their cut points.
    pub bins: Vec<(String, Vec<f64>)>,
    /// The numeric controls a numeric outcome's regression takes as numbers, with the maps of
    /// the sums in [`ControlledCell::terms`].
    pub covariates: Option<Covariates>,
    /// With `--score-rate median`: the median score of the log, above which a score counts as
    /// selected.
    pub score_median: Option<f64>,
    /// With `--segment`: each value of the segment column with the tallies of its own rows.
    pub segments: Vec<(Option<String>, Tallies<S>)>,
    /// With `--date`: each period's label with the tallies of its own rows, in order.
    pub periods: Vec<(String, Tallies<S>)>,
    /// With controls, per set: each group × combination of the controls' values that occurs
    /// (a stratum), with its sums.
    pub controlled: Vec<Vec<ControlledCell>>,
    /// With a score audit, per set and group (in the sets' order; empty for a set with a soft
    /// membership): the group's rows by score.
    pub scores: Vec<Vec<ScoreBins>>,
    /// Per corrected membership ([`blur`]) with any, its groups left uncorrected: in a
    /// combination of a set's other attributes whose rows' probabilities cannot be told apart.
    pub uncorrected: IndexMap<String, u64>,
}

/// The rows of one score key (a score, or a bin of scores) in a group.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ScoreBin {
    /// The key: the score itself, or its bin's number (ordered as the scores).
    pub key: f64,
    /// The smallest score.
    pub min: f64,
    /// The largest score.
    pub max: f64,
    /// Σ weight·score.
    pub sum: f64,
    /// The rows (Σ weight when weighted).
    pub weight: f64,
    /// Those whose label is positive.
    pub positive: f64,
}

impl ScoreBin {
    /// The rows whose label is negative.
    pub fn negative(&self) -> f64 {
        self.weight - self.positive
    }

    /// The mean score (the score itself when the bin holds one).
    pub fn mean(&self) -> f64 {
        match self.min == self.max || self.weight <= 0.0 {
            true => self.min,
            false => (self.sum / self.weight).clamp(self.min, self.max),
        }
    }
}

/// A group's rows by score, in increasing order of score.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScoreBins {
    /// One entry per score key present in the group.
    pub bins: Vec<ScoreBin>,
}

impl ScoreBins {
    /// The bins of a group's cells: the cells of one key added up, in order.
    pub fn of(mut cells: Vec<ScoreBin>) -> ScoreBins {
        // Engines return cells in any order: those of one key are added in an order of their
        // own sums, so that the float sums come out the same on every run and engine.
        cells.sort_by(|a, b| {
            let order = |c: &ScoreBin| [c.key, c.sum, c.weight, c.positive, c.min, c.max];
            let (x, y) = (order(a), order(b));
            x.iter()
                .zip(&y)
                .map(|(p, q)| p.total_cmp(q))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let mut bins: Vec<ScoreBin> = Vec::new();
        for c in cells {
            match bins.last_mut() {
                Some(last) if last.key == c.key => {
                    last.min = last.min.min(c.min);
                    last.max = last.max.max(c.max);
                    last.sum += c.sum;
                    last.weight += c.weight;
                    last.positive += c.positive;
                }
                _ => bins.push(c),
            }
        }
        ScoreBins { bins }
    }

    /// Whether every bin holds one score (the keys are the scores).
    pub fn exact(&self) -> bool {
        self.bins.iter().all(|b| b.min == b.max)
    }
}

/// A group's rows that share one combination of the controls' values.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlledCell {
    /// The group's values, as in [`GroupTally::values`].
    pub group: Vec<Option<String>>,
    /// One value per control (`None`: missing, a level of its own).
    pub levels: Vec<Option<String>>,
    /// A numeric outcome's moments in these rows (zero for a yes/no decision).
    pub moments: Moments,
    /// The rows' decision and label sums (for a numeric outcome, its size).
    pub tally: Tally,
    /// With covariates: the sums of the terms of the outcome and the covariates (see
    /// [`cells`]), in the order of [`Terms::list`](crate::stats::ols::Terms::list).
    pub terms: Vec<f64>,
}

impl<S: GroupSums> Tallies<S> {
    /// Rows that entered the groups.
    pub fn rows_used(&self) -> u64 {
        self.rows_read - self.rows_excluded.values().sum::<u64>()
    }
}

/// Runs the audit `spec`'s plan on `engine` and folds the cells into its attribute sets.
pub fn tally(engine: &dyn TallyEngine, spec: &AuditSpec) -> Result<Tallies> {
    let table = engine.run(&TallyPlan::of(spec))?;
    let mut tallies = fold::fold(engine.source(), &table, spec)?;
    if let Some(segment) = &spec.segment {
        // A segment's scores are judged against the whole log's median, not its own.
        let mut whole = spec.clone();
        if let Decision::AboveMedian { column, .. } = &spec.decision {
            whole.decision = Decision::AboveMedian {
                column: column.clone(),
                median: tallies.score_median,
            };
        }
        tallies.segments = segments(engine.source(), &table, &whole, (segment, true))?;
    }
    if let Some(dated) = &spec.dated {
        // Each period's rows alone; a row without a readable date belongs to none.
        tallies.periods = segments(engine.source(), &table, spec, (plan::PERIOD_KEY, false))?
            .into_iter()
            .filter_map(|(code, t)| {
                let code: i64 = code?.parse().ok()?;
                Some((dated.every.label(code), t))
            })
            .collect();
    }
    Ok(tallies)
}

/// The tallies of each value of the `segment` column (missing last, unless `keep_missing` is
/// false): the cell table's cells of that value, folded alone. The one pass serves every segment.
fn segments(
    path: &std::path::Path,
    table: &CellTable,
    spec: &AuditSpec,
    (segment, keep_missing): (&str, bool),
) -> Result<Vec<(Option<String>, Tallies)>> {
    let plan = TallyPlan::of(spec);
    let column = fold::key_position(path, &plan.attributes, segment)?;
    let moment_column = match &plan.moment_keys {
        Some(keys) => Some(fold::key_position(path, keys, segment)?),
        None => None,
    };
    let mut values: Vec<Option<String>> = Vec::new();
    for cell in &table.cells {
        if !values.contains(&cell.attributes[column]) {
            values.push(cell.attributes[column].clone());
        }
    }
    if values.len() > spec.max_groups {
        return Err(crate::error::AuditError::TooManyGroups {
            path: path.to_path_buf(),
            column: segment.to_string(),
            distinct: values.len(),
            max: spec.max_groups,
        });
    }
    values.retain(|v| keep_missing || v.is_some());
    values.sort_by(|a, b| (a.is_none(), a).cmp(&(b.is_none(), b)));
    values
        .into_iter()
        .map(|value| {
            let cells = table
                .cells
                .iter()
                .filter(|c| c.attributes[column] == value)
                .cloned()
                .collect();
            let moments = table
                .moments
                .iter()
                .filter(|m| moment_column.and_then(|k| m.keys.get(k)) == Some(&value))
                .cloned()
                .collect();
            let segment = CellTable {
                cells,
                moments,
                bins: table.bins.clone(),
                covariates: table.covariates.clone(),
            };
            let tallies = fold::fold(path, &segment, spec)?;
            Ok((value, tallies))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{BinaryColumn, Decision, Format, Membership};

    /// Writes a CSV log of `rows` under `header`.
    fn write_log<const N: usize>(path: &std::path::Path, header: &str, rows: &[[&str; N]]) {
        let mut text = format!("{header}\n");
        for r in rows {
            text += &(r.join(",") + "\n");
        }
        std::fs::write(path, text).unwrap();
    }

    /// The cell tables the Polars and the memory engine make of `rows` (empty text: null)
    /// under `header`, written to `path`, for `spec`'s plan.
    fn both_engines<const N: usize>(
        path: &std::path::Path,
        header: &str,
        rows: &[[&str; N]],
        spec: &AuditSpec,
    ) -> (CellTable, CellTable) {
        write_log(path, header, rows);
        let plan = TallyPlan::of(spec);
        let frame = crate::load::open(path, Format::Csv, b',').unwrap();
        let mut from_polars = PolarsEngine::new(path, frame).unwrap().run(&plan).unwrap();
        let columns: Vec<&str> = header.split(',').collect();
        let memory_rows: Vec<Vec<Option<&str>>> = rows
            .iter()
            .map(|r| r.iter().map(|v| (!v.is_empty()).then_some(*v)).collect())
            .collect();
        let mut from_memory = MemoryEngine::new(&columns, &memory_rows)
            .run(&plan)
            .unwrap();
        // The engines return cells in any order.
        let key = |c: &cells::Cell| format!("{:?}", (&c.attributes, &c.decision, &c.label));
        from_polars.cells.sort_by_key(key);
        from_memory.cells.sort_by_key(key);
        (from_polars, from_memory)
    }

    #[test]
    fn both_engines_cut_a_numeric_control_alike() {
        // income takes 12 values: more than 10, so it is cut at its quintiles (numpy's linear
        // quantiles of 1..=12: 3.2, 5.4, 7.6, 9.8); tier keeps its 2 values.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.csv");
        let mut text = String::from("y,g,income,tier\n");
        let mut rows: Vec<[String; 4]> = Vec::new();
        for i in 1..=12 {
            let row = [
                (i % 2).to_string(),
                ["a", "b"][i % 3 % 2].to_string(),
                i.to_string(),
                ["x", "y"][i % 2].to_string(),
            ];
            text += &(row.join(",") + "\n");
            rows.push(row);
        }
        std::fs::write(&path, text).unwrap();
        let mut spec = AuditSpec::new(
            &path,
            Decision::Outcome(BinaryColumn {
                column: "y".into(),
                positive: None,
            }),
            vec![vec!["g".into()]],
        );
        spec.controls = vec!["income".into(), "tier".into()];
        // Rows of tier y are outside the selection: both engines mark the same cells.
        spec.selection = vec![crate::spec::Selection {
            column: "tier".into(),
            values: vec!["x".into()],
        }];
        let plan = TallyPlan::of(&spec);
        let frame = crate::load::open(&path, Format::Csv, b',').unwrap();
        let mut from_polars = PolarsEngine::new(&path, frame).unwrap().run(&plan).unwrap();
        let memory_rows: Vec<Vec<Option<&str>>> = rows
            .iter()
            .map(|r| r.iter().map(|v| Some(v.as_str())).collect())
            .collect();
        let mut from_memory = MemoryEngine::new(&["y", "g", "income", "tier"], &memory_rows)
            .run(&plan)
            .unwrap();
        assert_eq!(
            from_polars.bins,
            [("income".to_string(), vec![3.2, 5.4, 7.6, 9.8])]
        );
        let key = |c: &cells::Cell| format!("{:?}", (&c.attributes, &c.decision));
        from_polars.cells.sort_by_key(key);
        from_memory.cells.sort_by_key(key);
        assert_eq!(from_polars, from_memory);
        assert_eq!(from_polars.cells.iter().filter(|c| c.outside).count(), 6);
        let levels: std::collections::BTreeSet<_> = from_polars
            .cells
            .iter()
            .filter_map(|c| c.attributes[1].clone())
            .collect();
        assert_eq!(
            levels.into_iter().collect::<Vec<_>>(),
            ["3.2 to 5.4", "5.4 to 7.6", "7.6 to 9.8", "> 9.8", "≤ 3.2"]
        );
    }

    #[test]
    fn both_engines_take_a_numeric_outcomes_numeric_control_as_a_number() {
        // income takes 11 values and one row has none: a numeric outcome's regression takes it
        // as it is, with its missing value as a key of its own; the sums are its terms.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.csv");
        let rows: Vec<[String; 3]> = (1..=12)
            .map(|i| {
                [
                    (100 + i * i).to_string(),
                    ["a", "b"][i % 2].to_string(),
                    if i == 5 {
                        String::new()
                    } else {
                        (i * 10).to_string()
                    },
                ]
            })
            .collect();
        let text: String = rows.iter().map(|r| r.join(",") + "\n").collect();
        std::fs::write(&path, format!("price,g,income\n{text}")).unwrap();
        let mut spec = AuditSpec::new(
            &path,
            Decision::Value {
                column: "price".into(),
            },
            vec![vec!["g".into()]],
        );
        spec.controls = vec!["income".into()];
        let plan = TallyPlan::of(&spec);
        let frame = crate::load::open(&path, Format::Csv, b',').unwrap();
        let mut from_polars = PolarsEngine::new(&path, frame).unwrap().run(&plan).unwrap();
        let memory_rows: Vec<Vec<Option<&str>>> = rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|v| (!v.is_empty()).then_some(v.as_str()))
                    .collect()
            })
            .collect();
        let mut from_memory = MemoryEngine::new(&["price", "g", "income"], &memory_rows)
            .run(&plan)
            .unwrap();
        for t in [&mut from_polars, &mut from_memory] {
            t.moments.sort_by_key(|m| format!("{:?}", m.keys));
        }
        // The same sums, up to the last bit of a product (Polars may divide by multiplying).
        for (p, m) in from_polars.moments.iter().zip(&from_memory.moments) {
            for (a, b) in p.terms.iter().zip(&m.terms) {
                assert!((a - b).abs() < 1e-12, "{a} {b}");
            }
            let plain = |c: &cells::MomentCell| (c.keys.clone(), c.rows, c.sum, c.sum_sq);
            assert_eq!(plain(p), plain(m));
        }
        assert_eq!(from_polars.covariates, from_memory.covariates);
        assert!(from_polars.bins.is_empty());
        let covariates = from_polars.covariates.clone().unwrap();
        // income from 10 to 120: middle 65, half-range 55; price from 101 to 244.
        assert_eq!(
            covariates.columns[0].1,
            cells::Scale {
                center: 65.0,
                half_range: 55.0
            }
        );
        assert_eq!(
            covariates.outcome,
            cells::Scale {
                center: 172.5,
                half_range: 71.5
            }
        );
        let keys: Vec<_> = from_polars.moments.iter().map(|m| m.keys.clone()).collect();
        let present = Some(cells::COVARIATE_PRESENT.to_string());
        assert_eq!(
            keys,
            [
                vec![Some("a".into()), present.clone()],
                vec![Some("b".into()), None],
                vec![Some("b".into()), present],
            ]
        );
        // Group a holds the even i: Σ z = Σ (10i − 65)/55 and Σ u·z over them, by hand.
        let terms = crate::stats::ols::Terms::new(1);
        let a = &from_polars.moments[0];
        let at = |t: (u8, Vec<usize>)| a.terms[terms.list.iter().position(|x| *x == t).unwrap()];
        let even = [2.0_f64, 4.0, 6.0, 8.0, 10.0, 12.0];
        let z = |i: f64| (10.0 * i - 65.0) / 55.0;
        let u = |i: f64| (100.0 + i * i - 172.5) / 71.5;
        assert_eq!(at((0, vec![])), 6.0);
        assert!((at((0, vec![0])) - even.iter().map(|&i| z(i)).sum::<f64>()).abs() < 1e-12);
        assert!((at((1, vec![0])) - even.iter().map(|&i| u(i) * z(i)).sum::<f64>()).abs() < 1e-12);
        // The row without income counts as z = 0 in its own cell.
        let missing = &from_polars.moments[1];
        assert_eq!((missing.rows, missing.terms[1]), (1, 0.0));
    }

    #[test]
    fn both_engines_read_the_same_periods() {
        // Dates by month, a date that is not one and a missing one: both engines key the cells
        // by the month's code (2025·100 + month), null where the date cannot be read.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.csv");
        let rows = [
            ["1", "a", "2025-01-31"],
            ["0", "a", "2025-02-01"],
            ["1", "b", "2025-12-15"],
            ["0", "b", "soon"],
            ["1", "a", ""],
        ];
        let mut spec = AuditSpec::new(
            &path,
            Decision::Outcome(BinaryColumn {
                column: "y".into(),
                positive: None,
            }),
            vec![vec!["g".into()]],
        );
        spec.dated = Some(crate::spec::Dated {
            column: "day".into(),
            every: crate::spec::Every::Month,
        });
        let (mut from_polars, mut from_memory) = both_engines(&path, "y,g,day", &rows, &spec);
        let key = |c: &cells::Cell| format!("{:?}", (&c.attributes, &c.decision));
        from_polars.cells.sort_by_key(key);
        from_memory.cells.sort_by_key(key);
        assert_eq!(from_polars, from_memory);
        let periods: Vec<Option<String>> = from_polars
            .cells
            .iter()
            .map(|c| c.attributes[1].clone())
            .collect();
        assert_eq!(
            periods,
            [
                None,
                Some("202501".into()),
                Some("202502".into()),
                None,
                Some("202512".into())
            ]
        );
    }

    #[test]
    fn both_engines_give_the_same_moments_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.csv");
        let rows = [
            ["1000000.25", "a", "x"],
            ["1000001.5", "a", "x"],
            ["NA", "a", "y"],
            ["1000003", "b", "y"],
            ["", "b", "x"],
        ];
        let mut spec = AuditSpec::new(
            &path,
            Decision::Value {
                column: "price".into(),
            },
            vec![vec!["g".into()]],
        );
        spec.controls = vec!["tier".into()];
        assert_eq!(TallyPlan::of(&spec).attributes, ["g"]);
        let (mut from_polars, mut from_memory) = both_engines(&path, "price,g,tier", &rows, &spec);
        for t in [&mut from_polars, &mut from_memory] {
            t.moments.sort_by_key(|m| format!("{:?}", m.keys));
        }
        assert_eq!(from_polars.moments, from_memory.moments);
        // Shifted by the smallest number, 1,000,000.25: a × x holds it and 1,000,001.5.
        let ax = &from_polars.moments[0];
        assert_eq!(
            (ax.rows, ax.shift, ax.sum, ax.sum_sq),
            (2, 1000000.25, 1.25, 1.5625)
        );
    }

    #[test]
    fn both_engines_bin_a_score_of_many_values_by_rank_alike() {
        // 3,000 rows, 1,500 distinct scores (each twice), some not numbers: more than 1,000
        // distinct values, so both engines key the cells by the score's bin by rank. With a
        // weight column (each weight 1) the Polars engine tallies with Polars' `group_by`,
        // without one in its own pass: both as the memory engine does.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.csv");
        let rows: Vec<[String; 4]> = (0..3000)
            .map(|i| {
                let score = match i % 97 {
                    0 => "high".to_string(),
                    _ => format!("{}", (i * 7919 % 1500) as f64 / 1500.0),
                };
                [
                    score,
                    ["a", "b"][i % 2].to_string(),
                    (i % 3 % 2).to_string(),
                    "1".to_string(),
                ]
            })
            .collect();
        let rows: Vec<[&str; 4]> = rows
            .iter()
            .map(|[s, g, y, w]| [s.as_str(), g.as_str(), y.as_str(), w.as_str()])
            .collect();
        let mut spec = AuditSpec::new(
            &path,
            Decision::Score {
                column: "s".into(),
                threshold: 0.5,
            },
            vec![vec!["g".into()]],
        );
        spec.label = Some(BinaryColumn {
            column: "y".into(),
            positive: None,
        });
        let key = |c: &cells::Cell| {
            format!(
                "{:?}",
                (&c.attributes, &c.decision, &c.label, c.score.map(|s| s.key))
            )
        };
        let mut weighted = spec.clone();
        weighted.weight = Some("w".into());
        let (mut by_group_by, mut by_memory) = both_engines(&path, "s,g,y,w", &rows, &weighted);
        for t in [&mut by_group_by, &mut by_memory] {
            t.cells.sort_by_key(key);
        }
        assert_eq!(by_group_by, by_memory);
        let (mut from_polars, mut from_memory) = both_engines(&path, "s,g,y,w", &rows, &spec);
        for t in [&mut from_polars, &mut from_memory] {
            t.cells.sort_by_key(key);
        }
        assert_eq!(from_polars, from_memory);
        let keys: std::collections::BTreeSet<i64> = from_polars
            .cells
            .iter()
            .filter_map(|c| c.score.map(|s| s.key as i64))
            .collect();
        // Bin by rank, then the tenth: 0 for the lowest scores, 9999 for the highest.
        assert_eq!((keys.first(), keys.last()), (Some(&0), Some(&9999)));
        let folded = fold::fold(&path, &from_polars, &spec).unwrap();
        assert_eq!(folded.rows_excluded[fold::SCORE_NOT_A_NUMBER], 31);
        // Each group holds the scores of its own rows: a's are even thousand-five-hundredths,
        // b's odd ones; together they fill the 1,000 bins.
        let bins: usize = folded.scores[0].iter().map(|g| g.bins.len()).sum();
        assert!(bins > 1000, "{bins}");
    }

    #[test]
    fn unweighted_products_completed_from_the_masses_are_the_products_summed() {
        // Without weights the Polars engine sums the products of two probability columns only
        // and completes the rest from the masses; the memory engine sums every product.
        let rows = [
            ["1", "a", "0.7", "0.2"],
            ["0", "a", "0.1", "0.6"],
            ["1", "b", "0.25", "0.25"],
            ["1", "a", "0.5", ""],
            ["0", "b", "0.05", "0.9"],
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.csv");
        let mut spec = AuditSpec::new(
            &path,
            Decision::Outcome(BinaryColumn {
                column: "y".into(),
                positive: None,
            }),
            vec![vec!["g".into(), "race".into()]],
        );
        spec.membership = vec![Membership {
            attribute: "race".into(),
            columns: vec![("p".into(), "P".into()), ("q".into(), "Q".into())],
            corrected: true,
        }];
        let (from_polars, from_memory) = both_engines(&path, "y,g,p,q", &rows, &spec);
        assert_eq!(from_polars.cells.len(), 4);
        for (a, b) in from_polars.cells.iter().zip(&from_memory.cells) {
            assert_eq!(a.cross[0].len(), 6);
            for (x, y) in a.cross[0].iter().zip(&b.cross[0]) {
                assert!(
                    (x.0 - y.0).abs() < 1e-9 && (x.1 - y.1).abs() < 1e-9,
                    "{x:?} {y:?}"
                );
            }
        }
    }

    #[test]
    fn the_polars_and_memory_engines_give_the_same_cell_table() {
        let rows = [
            ["0.9", "a", "x", "1", "2", "0.25"],
            ["0.2", "a", "y", "0", "1", "0.5"],
            ["0.7", "b", "", "1", "0.5", "1"],
            ["", "b", "y", "0", "", "0"],
            ["0.6", "a", "x", "", "3", "0.75"],
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.csv");
        let mut spec = AuditSpec::new(
            &path,
            Decision::Score {
                column: "score".into(),
                threshold: 0.5,
            },
            vec![vec!["g".into(), "h".into()], vec!["q".into()]],
        );
        spec.label = Some(BinaryColumn {
            column: "l".into(),
            positive: None,
        });
        spec.weight = Some("w".into());
        spec.membership = vec![Membership {
            attribute: "q".into(),
            columns: vec![("p".into(), "P".into())],
            corrected: true,
        }];
        let (from_polars, from_memory) = both_engines(&path, "score,g,h,l,w,p", &rows, &spec);
        assert_eq!(from_polars, from_memory);
        assert_eq!(from_polars.rows(), 5);
        // The folds agree too; the row without a score has no decision and is excluded.
        let folded = fold::fold(&path, &from_polars, &spec).unwrap();
        assert_eq!(folded.rows_excluded["null outcome"], 1);
        assert_eq!(folded, fold::fold(&path, &from_memory, &spec).unwrap());
    }
}
