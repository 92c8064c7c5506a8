//! The cell table: what a tally engine returns for a [`TallyPlan`](super::plan::TallyPlan), one
//! row per distinct combination of key values. Any engine that produces this table can feed the
//! fold; as a table (for a SQL warehouse or Spark) its columns are:
//!
//! | column | type | holds |
//! |---|---|---|
//! | `a0` … `a{k-1}` | text, null = missing | the protected attributes, then the controls and the segment, in the plan's order; a control of more than 10 numbers is its quintile bin's label (`≤ 12`, `12 to 25`, `> 70`) |
//! | `decision` | text, null = missing | the decision value (`true`/`false` for a score rule) |
//! | `label` | text, null = missing | the label value (only with a label) |
//! | `score` | float64, null = missing or not a number | with a score audit: the score itself when the log's scores take at most 1,000 distinct values, else its bin by rank split at the tenths of [0, 1], 10·⌊1000·(r − 1)/n⌋ + the tenths below it ([`score_bin`](super::score_keys::score_bin)) |
//! | `rows` | int64 | rows in the cell |
//! | `w`, `w2` | float64 | Σ weight and Σ weight² (both `rows` without a weight column) |
//! | `null_w` | int64 | rows with a null weight (counted with weight 0; only with weights) |
//! | `outside` | bool | whether the rows are outside the plan's selection (`--where`; only with one) |
//! | `m{i}_{j}`, `m{i}_{j}_sq` | float64 | Σ p·w and Σ (p·w)² of membership `i`'s probability column `j`; `j` = its number of columns is the remainder 1 − Σp |
//! | `check{c}` | int64 | rows violating the plan's check `c` (any non-zero stops the audit) |
//! | `score_min`, `score_max`, `score_sum` | float64 | with a score audit: the cell's smallest and largest score and Σ weight·score (an exact fixed-point sum: the positive terms' less the negative terms') |
//!
//! (`fairaudit sql` writes both tables as one answer: a column `part` says whether a row is a
//! `cell` or a `moment`, and each table's columns are null in the other's rows; the moments' rows
//! also hold the `shift`.)
//!
//! A numeric outcome with controls has a second table from the same pass, the moments table,
//! one row per combination of the plan's moment keys (the protected attributes, the controls, the
//! segment) over the rows whose outcome is a number:
//!
//! | column | type | holds |
//! |---|---|---|
//! | `k0` … | text, null = missing | the moment keys, in the plan's order |
//! | `rows` | int64 | rows |
//! | `sum`, `sum_sq` | float64 | Σ (y − s) and Σ (y − s)², exact fixed-point sums, where the shift s is the smallest number of the log's rows inside the selection (the same for every cell) |
//! | `t{i}` | float64 | with covariates only: the sums of [`Terms`](crate::stats::ols::Terms) `i`, Σ u^a·z_j·z_k·…, exact fixed-point sums in units of 2⁻⁹⁶ |
//!
//! Covariates are the controls of more than 10 numbers, which a numeric outcome's regression
//! takes as they are: they are not cut into bins, and their key in the moments table is only
//! whether the value is missing (null) or not (`number`). In the sums each covariate is
//! z = (x − c)/h, where c and h are the middle and half the width of its range (a missing value
//! counts as z = 0), and the outcome is u = (y − c)/h by its own range, so that every product lies
//! in [−1, 1] and a sum of fewer than 2³¹ of them fits the fixed point.
//!
//! Text values print numbers without a trailing `.0` where the source is text, and as the engine
//! prints them otherwise (`1`, `0.5`, `true`). Sums of weights and masses are exact sums of each
//! value in fixed point ([`fixed`]), so that they do not depend on the order rows are added in.

/// Units per 1 of the fixed-point sums: values are summed as whole multiples of 10⁻¹².
pub const SUM_SCALE: f64 = 1e12;

/// A value in fixed point, truncated toward zero (as a cast to a 128-bit integer truncates).
pub fn fixed(value: f64) -> i128 {
    (value * SUM_SCALE) as i128
}

/// A fixed-point sum back as a number.
pub fn from_fixed(sum: i128) -> f64 {
    sum as f64 / SUM_SCALE
}

/// Units per 1 of the covariate sums (2⁹⁶): their products lie in [−1, 1], so that a sum of up to
/// 2³¹ rows fits a 128-bit integer and a product down to 10⁻¹³ keeps all its digits.
pub const TERM_SCALE: f64 = 79_228_162_514_264_337_593_543_950_336.0;

/// The key of a covariate in the moments table when its value is present.
pub const COVARIATE_PRESENT: &str = "number";

/// An affine map of a column's values onto [−1, 1]: (x − center) / half_range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// The middle of the range.
    pub center: f64,
    /// Half its width (1 when every value is the same).
    pub half_range: f64,
}

impl Scale {
    /// The map of values from `min` to `max`.
    pub fn of_range(min: f64, max: f64) -> Scale {
        let half_range = (max - min) / 2.0;
        Scale {
            center: min + half_range,
            half_range: if half_range > 0.0 { half_range } else { 1.0 },
        }
    }

    /// A value on [−1, 1].
    pub fn apply(&self, x: f64) -> f64 {
        (x - self.center) / self.half_range
    }
}

/// The covariates of a numeric outcome's moments table and the maps of their sums.
#[derive(Debug, Clone, PartialEq)]
pub struct Covariates {
    /// The covariates, in the order of the terms' indices.
    pub columns: Vec<(String, Scale)>,
    /// The outcome's map.
    pub outcome: Scale,
}

/// One cell: a combination of key values and its sums.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cell {
    /// One value per protected attribute of the plan (`None`: missing).
    pub attributes: Vec<Option<String>>,
    /// The decision value.
    pub decision: Option<String>,
    /// The label value (`None` also when the audit has no label).
    pub label: Option<String>,
    /// Rows.
    pub rows: u64,
    /// Σ weight (rows when unweighted).
    pub w: f64,
    /// Σ weight² (rows when unweighted).
    pub w2: f64,
    /// Rows with a null weight.
    pub null_weights: u64,
    /// Whether the cell's rows are outside the plan's selection (`--where`).
    pub outside: bool,
    /// Per membership, per probability column and the remainder: (Σ p·w, Σ (p·w)²).
    pub masses: Vec<Vec<(f64, f64)>>,
    /// Per membership the plan crosses (empty for the others), per pair of its parts
    /// ([`pairs`](super::plan::pairs)): (Σ p_j·p_k·w, Σ p_j·p_k·w²). Only the Polars and the
    /// memory engine sum them (a corrected membership is refused with other engines), so they
    /// are not among the columns of a cell table made elsewhere.
    pub cross: Vec<Vec<(f64, f64)>>,
    /// With a score audit, the cell's score key and scores (`None`: no score, or not a number).
    pub score: Option<ScoreSums>,
}

/// A cell's score: its key in the cell table (the score, or its bin by rank) and the scores of
/// its rows.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ScoreSums {
    /// The key.
    pub key: f64,
    /// The smallest score.
    pub min: f64,
    /// The largest score.
    pub max: f64,
    /// Σ weight·score.
    pub sum: f64,
}

/// The sums of a numeric outcome over one combination of the moment keys, shifted by a value
/// of the log so that prices in the millions keep their cents.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MomentCell {
    /// One value per moment key (`None`: missing).
    pub keys: Vec<Option<String>>,
    /// Rows whose outcome is a number.
    pub rows: u64,
    /// The shift: the log's smallest number.
    pub shift: f64,
    /// Σ (y − shift).
    pub sum: f64,
    /// Σ (y − shift)².
    pub sum_sq: f64,
    /// With covariates: the sums of the terms, in the order of
    /// [`Terms::list`](crate::stats::ols::Terms::list).
    pub terms: Vec<f64>,
}

/// Every cell of one pass.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CellTable {
    /// The cells, in no particular order.
    pub cells: Vec<Cell>,
    /// The moments table, when the plan asks for one.
    pub moments: Vec<MomentCell>,
    /// The numeric controls cut into quintiles, with their cut points (their levels in the
    /// tables are the bins' labels).
    pub bins: Vec<(String, Vec<f64>)>,
    /// With a numeric outcome's moments table: the controls it takes as numbers.
    pub covariates: Option<Covariates>,
}

impl CellTable {
    /// Rows in the log.
    pub fn rows(&self) -> u64 {
        self.cells.iter().map(|c| c.rows).sum()
    }
}
