//! The tally plan: which keys one pass over the decision log groups by, which sums it takes per
//! cell, and which values it checks on the way. Built from the audit definition; any engine that
//! can group and sum (Polars here, a SQL warehouse or Spark elsewhere) can run it.

use crate::spec::{AuditSpec, Decision, Every};

/// The key of a cell's period among the plan's attributes (the last one, when the log is
/// dated): the period's code, year·100 + month, ISO year·100 + ISO week, or year·10 + quarter;
/// null when the date cannot be read.
pub const PERIOD_KEY: &str = "__fairaudit_period";

/// How the decision key of a cell is read.
#[derive(Debug, Clone, PartialEq)]
pub enum DecisionKey {
    /// The value of a decision column, as text.
    Column(String),
    /// Whether a score column is at or above a threshold (`true`/`false`; null when the score is
    /// null, `NaN` when it holds something that is not a number).
    AtLeast {
        /// The score column.
        column: String,
        /// The threshold.
        threshold: f64,
    },
    /// A number per row: the key is the value itself (null when the column is null, NaN when
    /// it holds something that is not a number), so each cell is one distinct value of a group
    /// and the cells are the group's distribution.
    Value(String),
}

/// Most distinct values a numeric control keeps as levels; one with more is cut into quintiles.
pub const MAX_LEVELS: usize = 10;

/// A control whose values are all numbers, more than [`MAX_LEVELS`] of them.
#[derive(Debug, Clone, PartialEq)]
pub struct NumericControl {
    /// The column.
    pub column: String,
    /// Its quintile cut points: a yes/no decision's strata are its bins.
    pub cuts: Vec<f64>,
    /// Its smallest and largest values: a numeric outcome's regression takes it as it is.
    pub range: (f64, f64),
}

/// The quintile cut points of a numeric control (numpy's linear quantiles of its values, each
/// once), or `None` when it keeps its values as levels.
pub fn quintile_cuts(values: &mut [f64]) -> Option<Vec<f64>> {
    values.sort_by(f64::total_cmp);
    let mut distinct = values.to_vec();
    distinct.dedup();
    if distinct.len() <= MAX_LEVELS {
        return None;
    }
    Some(readable_cuts(
        [0.2, 0.4, 0.6, 0.8]
            .iter()
            .map(|q| crate::stats::bootstrap::quantile(values, *q))
            .collect(),
    ))
}

/// Quintiles as cut points people read: rounded to four significant digits (`185.96399999999997`
/// becomes `186`), each once.
pub fn readable_cuts(quantiles: Vec<f64>) -> Vec<f64> {
    let mut cuts: Vec<f64> = quantiles
        .into_iter()
        .map(|q| {
            if q == 0.0 || !q.is_finite() {
                return q;
            }
            let scale = 10f64.powi(3 - q.abs().log10().floor() as i32);
            (q * scale).round() / scale
        })
        .collect();
    cuts.dedup();
    cuts
}

/// The level of a value of a binned control: `≤ 12`, `12 to 25`, `> 70`.
pub fn bin_label(value: f64, cuts: &[f64]) -> String {
    match cuts.iter().position(|c| value <= *c) {
        Some(0) => format!("≤ {}", cuts[0]),
        Some(i) => format!("{} to {}", cuts[i - 1], cuts[i]),
        None => format!("> {}", cuts[cuts.len() - 1]),
    }
}

/// What one tally pass groups by and sums. The cell table it yields is described in
/// [`super::cells`].
#[derive(Debug, Clone, PartialEq)]
pub struct TallyPlan {
    /// Protected attribute columns, then control columns, grouped by as text (null: missing).
    pub attributes: Vec<String>,
    /// The decision.
    pub decision: DecisionKey,
    /// The label column, grouped by as text, when the audit has one.
    pub label: Option<String>,
    /// The weight column: the sums are Σw and Σw² instead of row counts.
    pub weight: Option<String>,
    /// Soft memberships: per estimated attribute, its probability columns. Per cell the pass sums
    /// p·w and (p·w)² for each, and for the remainder `1 − Σp` (the `(missing)` group).
    pub memberships: Vec<Vec<String>>,
    /// Per membership, whether the pass also sums the products of its probabilities (and the
    /// remainder's), p_j·p_k·w and p_j·p_k·w² for j ≤ k ([`pairs`]): a corrected membership's.
    pub crossed: Vec<bool>,
    /// Values checked during the pass; each counts its violating rows.
    pub checks: Vec<Check>,
    /// The rows the audit keeps (`--where`); a cell says whether its rows are outside.
    pub selection: Vec<crate::spec::Selection>,
    /// The controls among the keys: a control whose values are all numbers, with more than
    /// [`MAX_LEVELS`] of them, is cut into quintile bins (the engine says where, in
    /// [`super::cells::CellTable::bins`]).
    pub controls: Vec<String>,
    /// For a numeric outcome with controls: the moments table's keys (the protected attributes,
    /// the controls, the segment). The controls are then not keys of the cell table, whose cells
    /// are distinct values: keyed by both, the cells would multiply.
    pub moment_keys: Option<Vec<String>>,
    /// With a dated log: the date column and the periods' length; the period is the last key
    /// ([`PERIOD_KEY`]) of the cells and of the moments table.
    pub period: Option<(String, Every)>,
    /// With a score audit: the score column, one more key of the cells (see
    /// [`super::cells`]: the score itself, or its bin by rank, [`score_bin`]).
    pub score: Option<String>,
}

/// A rule the values of some columns must follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Every non-null value is a number of 0 or more.
    NonNegative,
    /// Every non-null value is a number from 0 to 1.
    Probability,
    /// The values of the columns of a row add up to at most 1 (nulls count as 0).
    AtMostOne,
}

impl Rule {
    /// What a violation means, for the error message.
    pub fn problem(self) -> &'static str {
        match self {
            Rule::NonNegative => "weights are not non-negative numbers",
            Rule::Probability => "membership probabilities are not numbers from 0 to 1",
            Rule::AtMostOne => "membership probabilities of a row add up to more than 1",
        }
    }

    /// Whether a row's values of the checked columns break the rule (`None` = null). Engines
    /// that cannot run Rust evaluate the same rule in their own language.
    pub fn violated(self, values: &[Option<&str>]) -> bool {
        let number = |v: &str| v.trim().parse::<f64>().ok().filter(|x| !x.is_nan());
        match self {
            Rule::NonNegative => values
                .iter()
                .flatten()
                .any(|v| number(v).is_none_or(|x| x < 0.0)),
            Rule::Probability => values
                .iter()
                .flatten()
                .any(|v| number(v).is_none_or(|x| !(0.0..=1.0).contains(&x))),
            Rule::AtMostOne => {
                values
                    .iter()
                    .flatten()
                    .map(|v| number(v).unwrap_or(0.0))
                    .sum::<f64>()
                    > 1.0 + 1e-6
            }
        }
    }
}

/// A check of the pass: `rule` over `columns`.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The columns checked (one, or a membership's probability columns).
    pub columns: Vec<String>,
    /// The rule.
    pub rule: Rule,
}

impl TallyPlan {
    /// The plan of an audit: every protected column, the decision and the label as keys; row
    /// counts or weight sums, and soft-membership masses, as sums.
    pub fn of(spec: &AuditSpec) -> TallyPlan {
        let mut checks = Vec::new();
        let decision = match &spec.decision {
            Decision::Outcome(c) => DecisionKey::Column(c.column.clone()),
            Decision::Value { column } | Decision::AboveMedian { column, .. } => {
                DecisionKey::Value(column.clone())
            }
            Decision::Score { column, threshold } => DecisionKey::AtLeast {
                column: column.clone(),
                threshold: *threshold,
            },
        };
        if let Some(w) = &spec.weight {
            checks.push(Check {
                columns: vec![w.clone()],
                rule: Rule::NonNegative,
            });
        }
        let memberships: Vec<Vec<String>> = spec
            .membership
            .iter()
            .map(|m| m.columns.iter().map(|(c, _)| c.clone()).collect())
            .collect();
        for columns in &memberships {
            for c in columns {
                checks.push(Check {
                    columns: vec![c.clone()],
                    rule: Rule::Probability,
                });
            }
            checks.push(Check {
                columns: columns.clone(),
                rule: Rule::AtMostOne,
            });
        }
        let numeric_controls = spec.decision.is_value() && !spec.controls.is_empty();
        let attributes = if numeric_controls {
            let mut keys = spec.protected_columns();
            keys.extend(
                spec.segment
                    .iter()
                    .filter(|s| !keys.contains(s))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
            keys
        } else {
            spec.key_columns()
        };
        let mut attributes = attributes;
        let mut moment_keys = numeric_controls.then(|| spec.key_columns());
        if spec.dated.is_some() {
            attributes.push(PERIOD_KEY.to_string());
            if let Some(keys) = &mut moment_keys {
                keys.push(PERIOD_KEY.to_string());
            }
        }
        TallyPlan {
            selection: spec.selection.clone(),
            controls: spec.controls.clone(),
            moment_keys,
            period: spec.dated.as_ref().map(|d| (d.column.clone(), d.every)),
            score: match &spec.decision {
                Decision::Score { column, .. } if spec.score_audit => Some(column.clone()),
                _ => None,
            },
            attributes,
            decision,
            label: spec.label.as_ref().map(|l| l.column.clone()),
            weight: spec.weight.clone(),
            memberships,
            crossed: spec.membership.iter().map(|m| m.corrected).collect(),
            checks,
        }
    }
}

/// The pairs `(j, k)`, `j ≤ k`, of a membership's `parts` (its columns and the remainder), in
/// the order a [`Cell`](super::cells::Cell) holds their products.
pub fn pairs(parts: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..parts).flat_map(move |j| (j..parts).map(move |k| (j, k)))
}

/// The pairs whose products a pass sums: all of [`pairs`] with weights; without, only those of
/// two probability columns (`j < k`, the remainder apart): the others follow from the masses
/// ([`complete_products`]).
pub fn summed_pairs(parts: usize, weighted: bool) -> Vec<(usize, usize)> {
    pairs(parts)
        .filter(|&(j, k)| weighted || (j < k && k + 1 < parts))
        .collect()
}

/// An unweighted crossed membership's products in [`pairs`] order, each `(Σ p_j·p_k, the
/// same)`, from its masses `(Σ p, Σ p²)` and the products of [`summed_pairs`]: Σ p_j² is a
/// mass's sum of squares, and a row's parts add up to 1, so Σ_k p_j·p_k = Σ p_j gives the
/// remainder's.
pub fn complete_products(masses: &[(f64, f64)], summed: &[f64]) -> Vec<(f64, f64)> {
    let parts = masses.len();
    let rest = parts - 1;
    let mut m = vec![vec![0.0; parts]; parts];
    for (&(j, k), &value) in summed_pairs(parts, false).iter().zip(summed) {
        (m[j][k], m[k][j]) = (value, value);
    }
    for j in 0..parts {
        m[j][j] = masses[j].1;
    }
    for j in 0..rest {
        m[j][rest] = masses[j].0 - (0..rest).map(|k| m[j][k]).sum::<f64>();
        m[rest][j] = m[j][rest];
    }
    m[rest][rest] = masses[rest].0 - (0..rest).map(|j| m[j][rest]).sum::<f64>();
    pairs(parts).map(|(j, k)| (m[j][k], m[j][k])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_follow_the_polars_reading_of_numbers() {
        assert!(Rule::NonNegative.violated(&[Some("NaN")]));
        assert!(Rule::NonNegative.violated(&[Some("high")]));
        assert!(!Rule::NonNegative.violated(&[None, Some(" 0.5")]));
        assert!(Rule::NonNegative.violated(&[Some("-1")]));
        assert!(Rule::Probability.violated(&[Some("1.5")]));
        assert!(!Rule::Probability.violated(&[Some("1")]));
        assert!(Rule::AtMostOne.violated(&[Some("0.7"), Some("0.4")]));
        assert!(!Rule::AtMostOne.violated(&[Some("0.7"), None]));
    }
}
