//! The fold: a cell table becomes every attribute set's group sums, in plain Rust. Decision and
//! label values are read as positive or negative here (once per distinct value, not per row);
//! rows with a null decision, label or weight are counted as excluded; soft memberships split
//! a cell's rows over the groups by their probability mass.

use super::binary;
use super::cells::{Cell, CellTable, MomentCell};
use super::counts::{GroupSums, Tally};
use super::plan::{TallyPlan, PERIOD_KEY};
use super::{ControlledCell, GroupTally, SetTally, Tallies};
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
    // Engines return cells in any order. The fold adds a group's cells together, so they are
    // sorted by attributes; with weights or soft membership the sums are fractions, and adding
    // them in one fixed order makes every float sum, and so the results, the same on every run.
    // Without, the sums are whole counts (exact in any order) and a numeric outcome's values are
    // sorted by the distribution itself.
    let mut cells: Vec<&Cell> = table.cells.iter().collect();
    if spec.weight.is_some() || !spec.membership.is_empty() {
        cells.sort_by(|a, b| {
            (&a.attributes, &a.decision, &a.label).cmp(&(&b.attributes, &b.decision, &b.label))
        });
    } else {
        // Whole counts add up alike in any order: the cells of one combination of attributes
        // are only put together, by a number per combination (cheaper to compare than text).
        let mut ids: HashMap<&[Option<String>], usize> = HashMap::new();
        let mut numbered: Vec<(usize, &Cell)> = cells
            .iter()
            .map(|c| {
                let next = ids.len();
                (*ids.entry(&c.attributes).or_insert(next), *c)
            })
            .collect();
        numbered.sort_by_key(|(id, _)| *id);
        cells = numbered.into_iter().map(|(_, c)| c).collect();
    }
    let cells = cells.as_slice();
    let rows_read = table.rows();
    if rows_read == 0 {
        return Err(AuditError::NoRows {
            path: path.to_path_buf(),
        });
    }
    let protected = spec.protected_columns();
    check_group_counts(path, &protected, cells, spec.max_groups)?;

    let decision_positive = match &spec.decision {
        Decision::Outcome(c) => c.positive.as_deref(),
        _ => None,
    };
    let numeric = spec.decision.is_value();
    let median = match spec.decision {
        Decision::AboveMedian {
            median: Some(m), ..
        } => Some(Some(m)),
        Decision::AboveMedian { median: None, .. } => Some(median_of(cells)),
        _ => None,
    };
    let (decision_of, negative_values) = if numeric || median.is_some() {
        (HashMap::new(), None)
    } else {
        read_binary(
            path,
            cells,
            |c| &c.decision,
            (spec.decision.column(), decision_positive, "--positive"),
        )?
    };
    let (label_of, label_negative_values) = match &spec.label {
        Some(label) => {
            let (map, neg) = read_binary(
                path,
                cells,
                |c| &c.label,
                (&label.column, label.positive.as_deref(), "--label-positive"),
            )?;
            (Some(map), neg)
        }
        None => (None, None),
    };

    let mut rows_excluded = IndexMap::new();
    if !spec.selection.is_empty() {
        rows_excluded.insert(OUTSIDE.to_string(), 0);
    }
    rows_excluded.insert("null outcome".to_string(), 0);
    if numeric || median.is_some() {
        rows_excluded.insert(NOT_A_NUMBER.to_string(), 0);
    }
    if spec.dated.is_some() {
        rows_excluded.insert(NO_DATE.to_string(), 0);
    }
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
    let mut values_per_set: Vec<HashMap<Vec<Option<String>>, Vec<(f64, u64)>>> =
        vec![HashMap::new(); spec.protected.len()];
    type Levels = (Vec<Option<String>>, Vec<Option<String>>);
    let mut controlled_per_set: Vec<HashMap<Levels, Stratum>> =
        vec![HashMap::new(); spec.protected.len()];
    let plan = TallyPlan::of(spec);
    // The period is the last key of a dated log's cells.
    let period_index = plan.period.as_ref().map(|_| plan.attributes.len() - 1);
    // A numeric outcome's controls come from the moments table; a yes/no decision's are keys of
    // the cell table.
    let control_index: Vec<usize> = match &plan.moment_keys {
        Some(_) => Vec::new(),
        None => spec
            .controls
            .iter()
            .filter_map(|c| plan.attributes.iter().position(|k| k == c))
            .collect(),
    };
    // Cells come sorted by their attributes: the cells of one combination of attributes (a run)
    // belong to one group of each set, so their sums are added up first and looked up once.
    let hard_key = |attributes: &[Option<String>], set_sources: &[Source], soft: Option<String>| {
        set_sources
            .iter()
            .map(|s| match s {
                // A value that means "unknown" is a missing value.
                Source::Hard(i) => attributes[*i]
                    .clone()
                    .filter(|v| !spec.missing_values.contains(v)),
                Source::Soft(_) => soft.clone(),
            })
            .collect::<Vec<_>>()
    };
    let soft_of = |set_sources: &[Source]| {
        set_sources.iter().find_map(|s| match s {
            Source::Soft(i) => Some(*i),
            Source::Hard(_) => None,
        })
    };
    let mut run: Option<(&[Option<String>], Tally, Vec<(f64, u64)>)> = None;
    let mut flush = |run: Option<(&[Option<String>], Tally, Vec<(f64, u64)>)>,
                     per_set: &mut Vec<HashMap<Vec<Option<String>>, Tally>>| {
        let Some((attributes, tally, values)) = run else {
            return;
        };
        for (set_index, set_sources) in sources.iter().enumerate() {
            if soft_of(set_sources).is_some() {
                continue;
            }
            let key = hard_key(attributes, set_sources, None);
            if !control_index.is_empty() {
                let levels = control_index
                    .iter()
                    .map(|&i| attributes[i].clone())
                    .collect();
                controlled_per_set[set_index]
                    .entry((key.clone(), levels))
                    .or_default()
                    .1
                    .add(&tally);
            }
            if !values.is_empty() {
                values_per_set[set_index]
                    .entry(key.clone())
                    .or_default()
                    .extend_from_slice(&values);
            }
            per_set[set_index].entry(key).or_default().add(&tally);
        }
    };
    for cell in cells {
        if cell.outside {
            rows_excluded[OUTSIDE] += cell.rows;
            continue;
        }
        if period_index.is_some_and(|p| cell.attributes[p].is_none()) {
            rows_excluded[NO_DATE] += cell.rows;
            continue;
        }
        let Some(text) = &cell.decision else {
            rows_excluded["null outcome"] += cell.rows;
            continue;
        };
        // A numeric outcome's cell is one value of a group: every row counts as a negative
        // decision in the tally (its size), and its value goes to the group's distribution.
        let (decision, value) = if numeric || median.is_some() {
            match text.parse::<f64>() {
                Ok(x) if !x.is_nan() => match median {
                    Some(Some(m)) => (x > m, None),
                    _ => (false, Some(x)),
                },
                _ => {
                    rows_excluded[NOT_A_NUMBER] += cell.rows;
                    continue;
                }
            }
        } else {
            (decision_of[text], None)
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
            rows_excluded["null weight"] += cell.null_weights;
        }
        if run
            .as_ref()
            .is_none_or(|r| r.0 != cell.attributes.as_slice())
        {
            flush(run.take(), &mut per_set);
            run = Some((&cell.attributes, Tally::default(), Vec::new()));
        }
        if let Some((_, tally, values)) = &mut run {
            tally.record(decision, label, cell.w, cell.w2);
            values.extend(value.map(|x| (x, cell.rows)));
        }
        for (set_index, set_sources) in sources.iter().enumerate() {
            let Some(m) = soft_of(set_sources) else {
                continue;
            };
            let names = &spec.membership[m].columns;
            for (j, &(mass, mass_sq)) in cell.masses[m].iter().enumerate() {
                if mass > 0.0 {
                    let value = names.get(j).map(|(_, v)| v.clone());
                    per_set[set_index]
                        .entry(hard_key(&cell.attributes, set_sources, value))
                        .or_default()
                        .record(decision, label, mass, mass_sq);
                }
            }
        }
    }
    flush(run.take(), &mut per_set);
    if numeric
        && rows_excluded[NOT_A_NUMBER] > 0
        && rows_excluded.values().sum::<u64>() == rows_read
    {
        return Err(AuditError::NoNumbers {
            path: path.to_path_buf(),
            column: spec.decision.column().to_string(),
            rows: rows_excluded[NOT_A_NUMBER],
        });
    }
    if let Some(dated) = spec
        .dated
        .as_ref()
        .filter(|_| rows_excluded[NO_DATE] > 0 && rows_excluded.values().sum::<u64>() == rows_read)
    {
        return Err(AuditError::NoDates {
            path: path.to_path_buf(),
            column: dated.column.clone(),
            rows: rows_excluded[NO_DATE],
        });
    }
    if rows_excluded.values().sum::<u64>() == rows_read {
        return Err(AuditError::NothingToAudit {
            path: path.to_path_buf(),
            column: spec.decision.column().to_string(),
        });
    }

    let sets: Vec<SetTally> = spec
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
    let distributions = if numeric {
        sets.iter()
            .zip(values_per_set.iter_mut())
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
    if let Some(keys) = &plan.moment_keys {
        add_moments(&table.moments, keys, spec, &mut controlled_per_set);
    }
    let controlled = controlled_per_set
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
    Ok(Tallies {
        rows_read,
        rows_excluded,
        has_label: spec.label.is_some(),
        negative_values,
        label_negative_values,
        sets,
        distributions,
        controlled,
        segments: Vec::new(),
        periods: Vec::new(),
        bins: table.bins.clone(),
        covariates: table.covariates.clone(),
        score_median: median.flatten(),
    })
}

/// A group × controls stratum's sums: a numeric outcome's moments, the decisions, and the
/// covariate terms.
type Stratum = (Moments, Tally, Vec<f64>);

/// Adds each moments-table cell to its group × controls stratum, for every attribute set (values
/// that mean "unknown" are missing, as in the cell table).
fn add_moments(
    moments: &[MomentCell],
    keys: &[String],
    spec: &AuditSpec,
    strata: &mut [HashMap<(Vec<Option<String>>, Vec<Option<String>>), Stratum>],
) {
    let position = |c: &String| keys.iter().position(|k| k == c).unwrap_or(0);
    let controls: Vec<usize> = spec.controls.iter().map(position).collect();
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
        for (set, groups) in spec.protected.iter().zip(strata.iter_mut()) {
            let group = set.iter().map(|a| value(position(a))).collect();
            let stratum = groups.entry((group, levels.clone())).or_default();
            stratum.0.merge(&m);
            stratum.2.resize(cell.terms.len(), 0.0);
            for (sum, term) in stratum.2.iter_mut().zip(&cell.terms) {
                *sum += term;
            }
        }
    }
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
    (column, positive, flag): (&str, Option<&[String]>, &'static str),
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
            flag,
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
    use crate::tally::engine::{MemoryEngine, TallyEngine};
    use crate::tally::plan::TallyPlan;

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
        }];
        let t = run(&engine, &s).unwrap();
        let a = group(&t, 0, &[Some("A")]);
        assert_eq!((a.sum.n, a.sum.pp, a.sum.pn), (1.25, 0.75, 0.5));
        assert_eq!(a.sq.n, 0.75 * 0.75 + 0.25);
        assert_eq!(group(&t, 0, &[Some("B")]).sum.n, 0.5);
        assert_eq!(group(&t, 0, &[None]).sum.n, 0.25);
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
}
