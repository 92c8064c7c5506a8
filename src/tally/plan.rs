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

/// Most distinct values a score keeps as keys of the cell table, each its own cell; a score
/// with more is cut into [`SCORE_BINS`] bins by rank.
pub const SCORE_EXACT_LIMIT: usize = 1000;

/// Bins of a score with more than [`SCORE_EXACT_LIMIT`] distinct values.
pub const SCORE_BINS: usize = 1000;

/// The score's bin by rank, split at the tenths of [0, 1]: 10·⌊[`SCORE_BINS`] · (r − 1) / n⌋ +
/// the number of tenths below the score, where r is the score's smallest rank among the log's
/// `n` scores that are numbers (tied scores share their smallest rank, and so a bin). Both parts
/// grow with the score, so the bins keep the scores' order, and no bin straddles a tenth (the
/// reliability table's bins, as scikit-learn's `calibration_curve` cuts them, are then exact). A
/// SQL engine computes it so; the product and the quotient of whole numbers below 2⁵³ are exact
/// or correctly rounded, and no quotient lies within a rounding of a whole number it is not.
pub fn score_bin(smallest_rank: f64, n: f64, score: f64) -> f64 {
    10.0 * ((smallest_rank - 1.0) * SCORE_BINS as f64 / n).floor() + tenths_below(score)
}

/// The number of tenths of [0, 1] below a score: the edges i·0.1 (i = 1..9, as numpy's
/// `linspace` makes them) that are less than it.
pub fn tenths_below(score: f64) -> f64 {
    TENTHS.iter().filter(|t| **t < score).count() as f64
}

/// The inner edges of the tenths of [0, 1], i·0.1 for i = 1..9.
pub const TENTHS: [f64; 9] = [
    0.1,
    0.2,
    0.30000000000000004,
    0.4,
    0.5,
    0.6000000000000001,
    0.7000000000000001,
    0.8,
    0.9,
];

/// How a score becomes the cells' key.
#[derive(Debug, Clone, PartialEq)]
pub enum ScoreKeying {
    /// The score itself: the log's scores take at most [`SCORE_EXACT_LIMIT`] distinct values.
    Exact,
    /// Its bin by rank ([`score_bin`]), whose first part is counted as the cut points below
    /// it: cut k (from 1 to [`SCORE_BINS`] − 1) is the score at sorted position
    /// ⌈k·n/[`SCORE_BINS`]⌉ (from 1).
    Bins(Vec<f64>),
}

impl ScoreKeying {
    /// The keying of a log whose scores that are numbers are `scores` (in any order; −0 taken
    /// as 0, as a comparison takes it). Only the cut points are placed, not every score: a
    /// selection of [`SCORE_BINS`] − 1 order statistics costs about a third of a sort.
    pub fn of_scores(scores: &[f64]) -> ScoreKeying {
        if at_most_distinct(scores, SCORE_EXACT_LIMIT) {
            return ScoreKeying::Exact;
        }
        let n = scores.len();
        let positions: Vec<usize> = (1..SCORE_BINS)
            .map(|k| (k * n).div_ceil(SCORE_BINS) - 1)
            .collect();
        let mut ordered: Vec<u64> = scores.iter().map(|s| ordered_bits(*s)).collect();
        place(&mut ordered, &positions, 0);
        ScoreKeying::Bins(
            positions
                .iter()
                .map(|p| from_ordered_bits(ordered[*p]))
                .collect(),
        )
    }

    /// A score's key.
    pub fn key(&self, score: f64) -> f64 {
        match self {
            ScoreKeying::Exact => score,
            ScoreKeying::Bins(cuts) => {
                10.0 * cuts.partition_point(|c| *c < score) as f64 + tenths_below(score)
            }
        }
    }
}

/// Whether `scores` take at most `limit` distinct values (it stops at the first past it).
fn at_most_distinct(scores: &[f64], limit: usize) -> bool {
    let mut seen = std::collections::HashSet::with_capacity(limit + 1);
    for s in scores {
        seen.insert((s + 0.0).to_bits());
        if seen.len() > limit {
            return false;
        }
    }
    true
}

/// A number's bits as a whole number of the same order (negative numbers' bits flipped, the
/// others' sign bit set): whole numbers compare faster than floating-point ones.
fn ordered_bits(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits();
    match bits >> 63 {
        1 => !bits,
        _ => bits | 1 << 63,
    }
}

/// The number whose [`ordered_bits`] these are.
fn from_ordered_bits(bits: u64) -> f64 {
    f64::from_bits(match bits >> 63 {
        1 => bits & !(1 << 63),
        _ => !bits,
    })
}

/// Puts each of `values`' elements at sorted positions `positions` (ascending, counted from
/// `offset`) where a sort would put it: a selection at the middle position, then the same on each
/// side, in parallel.
fn place(values: &mut [u64], positions: &[usize], offset: usize) {
    if positions.is_empty() {
        return;
    }
    let mid = positions.len() / 2;
    let at = positions[mid] - offset;
    let (left, _, right) = values.select_nth_unstable(at);
    rayon::join(
        || place(left, &positions[..mid], offset),
        || place(right, &positions[mid + 1..], offset + at + 1),
    );
}

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
            checks,
        }
    }
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

    #[test]
    fn a_scores_bin_by_its_cut_points_is_its_bin_by_rank() {
        // 5,000 scores with ties (each value −1,250.5..1,248.5 twice, shuffled by a stride): counting the
        // cut points below a score gives ⌊1000·(r − 1)/n⌋ for every score.
        let scores: Vec<f64> = (0..5000)
            .map(|i| ((i * 7919) % 2500) as f64 - 1250.5)
            .collect();
        let keying = ScoreKeying::of_scores(&scores);
        assert!(matches!(&keying, ScoreKeying::Bins(c) if c.len() == SCORE_BINS - 1));
        for &s in &scores {
            let rank = 1 + scores.iter().filter(|x| **x < s).count();
            assert_eq!(keying.key(s), score_bin(rank as f64, 5000.0, s), "{s}");
        }
        // The tenths are numpy's linspace(0, 1, 11): i × 0.1.
        for (i, t) in TENTHS.iter().enumerate() {
            assert_eq!(*t, (i + 1) as f64 * 0.1);
        }
        assert_eq!(tenths_below(0.1), 0.0);
        assert_eq!(tenths_below(0.35), 3.0);
        // A score of ten values keeps them.
        assert_eq!(ScoreKeying::of_scores(&[1.0, 1.0, 2.0]), ScoreKeying::Exact);
        // −0 is 0, as a comparison (and a SQL engine's rank) takes it.
        for x in [-3.5, -0.0, 0.0, 1e-300, 2.0, f64::MAX, f64::MIN] {
            assert_eq!(from_ordered_bits(ordered_bits(x)), x + 0.0);
            assert_eq!(ordered_bits(x) < ordered_bits(1.0), x < 1.0);
        }
        let mut zeros: Vec<f64> = (0..SCORE_EXACT_LIMIT).map(|i| i as f64).collect();
        zeros.push(-0.0);
        assert_eq!(ScoreKeying::of_scores(&zeros), ScoreKeying::Exact);
    }
}
