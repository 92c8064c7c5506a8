//! The Polars tally engine: a plan becomes one lazy `group_by` over the log, run on Polars'
//! streaming engine (the log is read in batches, only the columns the plan names). A plan with a
//! score audit and no weights, memberships or checks is tallied instead by [`score_pass`] over
//! the same batches.

use super::cells::{
    Cell, CellTable, Covariates, MomentCell, Scale, ScoreSums, COVARIATE_PRESENT, SUM_SCALE,
    TERM_SCALE,
};
use super::engine::{violation, TallyEngine};
use super::plan::{
    bin_label, complete_products, readable_cuts, summed_pairs, DecisionKey, NumericControl, Rule,
    TallyPlan, MAX_LEVELS, PERIOD_KEY,
};
use super::score_keys::{ScoreKeying, SCORE_EXACT_LIMIT};
use super::score_pass;
use crate::error::Result;
use crate::load::{self, read_error};
use crate::spec::Every;
use crate::stats::ols::Terms;
use crate::value::{sort_by_count, ValueCount};
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// An estimate of distinct scores above this comes from more than [`SCORE_EXACT_LIMIT`] of them:
/// HyperLogLog's relative error is about 1%, and twice the limit lies some hundred errors away.
const SCORE_ESTIMATE_MARGIN: f64 = 2.0 * SCORE_EXACT_LIMIT as f64;
/// The rows whose distinct scores are counted first: more than [`SCORE_EXACT_LIMIT`] among them
/// settle that the score is binned, without a pass over the whole log.
const SCORE_LEAD_ROWS: u32 = 100_000;
/// Groups each of Polars' streaming workers keeps in its table while it tallies (its default is
/// 4,096): a score's bins make tens of thousands of cells, and with a smaller table each worker
/// evicts partial sums that are only merged at the end, so memory would grow with the log.
pub const HOT_GROUPS: &str = "65536";

/// Sets Polars' table of groups per streaming worker to [`HOT_GROUPS`], unless the environment
/// sets it (`POLARS_HOT_TABLE_SIZE`). Call it at the start of a program, before any thread reads
/// the environment.
pub fn reserve_hot_groups() {
    if std::env::var_os("POLARS_HOT_TABLE_SIZE").is_none() {
        std::env::set_var("POLARS_HOT_TABLE_SIZE", HOT_GROUPS);
    }
}

/// The score as a number (null where it is not one), computed once per row for the key and the
/// sums; a name no log's column is given.
const SCORE_NUMBER: &str = "\u{1f}fairaudit score";

pub(super) const DECISION_KEY: &str = "__fairaudit_decision";
pub(super) const LABEL_KEY: &str = "__fairaudit_label";
pub(super) const COUNT_KEY: &str = "__fairaudit_n";
pub(super) const WEIGHT_KEY: &str = "__fairaudit_w";
pub(super) const WEIGHT_SQ_KEY: &str = "__fairaudit_w2";
pub(super) const NULL_WEIGHT_KEY: &str = "__fairaudit_null_w";
pub(super) const OUTSIDE_KEY: &str = "__fairaudit_outside";
pub(super) const SOFT_KEY: &str = "__fairaudit_m";
const CROSS_KEY: &str = "__fairaudit_x";
/// Units per 1 of an unweighted membership's products' sums ([`exact_sum_of_products`]).
const PRODUCT_SCALE: f64 = 1e9;
pub(super) const CHECK_KEY: &str = "__fairaudit_check";
pub(super) const SUM_KEY: &str = "__fairaudit_sum";
pub(super) const SUM_SQ_KEY: &str = "__fairaudit_sum_sq";
pub(super) const SCORE_KEY: &str = "__fairaudit_score";
pub(super) const SCORE_MIN_KEY: &str = "__fairaudit_score_min";
pub(super) const SCORE_MAX_KEY: &str = "__fairaudit_score_max";
pub(super) const SCORE_SUM_KEY: &str = "__fairaudit_score_sum";
const TERM_KEY: &str = "__fairaudit_t";

/// Runs plans over a decision log opened lazily by [`load::open`].
pub struct PolarsEngine {
    path: PathBuf,
    frame: LazyFrame,
    schema: SchemaRef,
}

impl PolarsEngine {
    /// An engine over `frame`, the log at `path`.
    pub fn new(path: &Path, mut frame: LazyFrame) -> Result<Self> {
        let schema = frame.collect_schema().map_err(|e| read_error(path, e))?;
        Ok(Self {
            path: path.to_path_buf(),
            frame,
            schema,
        })
    }

    /// A key column: categorical, enum and decimal values are grouped as their text (what
    /// pandas writes for `category` reads as the strings, not their quoted display).
    fn key(&self, column: &str) -> Expr {
        match self.schema.get(column) {
            Some(DataType::Categorical(..) | DataType::Enum(..) | DataType::Decimal(..)) => {
                col(column).cast(DataType::String)
            }
            _ => col(column),
        }
    }

    /// A yes/no column (the decision, the label): a decimal is read as its number (`1.00` is
    /// 1), anything else as [`Self::key`] reads it.
    fn yes_no(&self, column: &str) -> Expr {
        match self.schema.get(column) {
            Some(DataType::Decimal(..)) => number(column),
            _ => self.key(column),
        }
    }
}

impl PolarsEngine {
    /// The controls whose values are all numbers, more than [`MAX_LEVELS`] of them, with their
    /// quintile cut points and range (Polars' counts, linear quantiles, minimum and maximum: one
    /// look at those columns), and with them, for a numeric outcome, the outcome's range.
    fn numeric_controls(
        &self,
        plan: &TallyPlan,
    ) -> Result<(Vec<NumericControl>, Option<(f64, f64)>)> {
        let candidates = self.numeric_looking(&plan.controls)?;
        if candidates.is_empty() {
            return Ok((Vec::new(), None));
        }
        let numbers = |c: &str| number(c).filter(number(c).is_not_nan());
        let mut exprs = Vec::new();
        for (i, c) in candidates.iter().enumerate() {
            // The numbers only: a filter keeps neither nulls nor NaN (CSV values are text, read
            // as numbers where they are).
            let x = numbers(c);
            exprs.push(
                col(*c)
                    .is_not_null()
                    .sum()
                    .cast(DataType::Float64)
                    .alias(format!("v{i}")),
            );
            exprs.push(
                x.clone()
                    .count()
                    .cast(DataType::Float64)
                    .alias(format!("c{i}")),
            );
            exprs.push(
                x.clone()
                    .n_unique()
                    .cast(DataType::Float64)
                    .alias(format!("n{i}")),
            );
            exprs.push(x.clone().min().alias(format!("min{i}")));
            exprs.push(x.clone().max().alias(format!("max{i}")));
            for (j, q) in [0.2, 0.4, 0.6, 0.8].iter().enumerate() {
                exprs.push(
                    x.clone()
                        .quantile(lit(*q), QuantileMethod::Linear)
                        .alias(format!("q{i}_{j}")),
                );
            }
        }
        let outcome = match (&plan.moment_keys, &plan.decision) {
            (Some(_), DecisionKey::Value(y)) => Some(y.as_str()),
            _ => None,
        };
        if let Some(y) = outcome {
            exprs.push(numbers(y).min().alias("min_y"));
            exprs.push(numbers(y).max().alias("max_y"));
        }
        let df = load::collect(&self.path, self.frame.clone().select(exprs))?;
        let at = |name: String| -> Result<f64> {
            Ok(column_f64(&self.path, &df, &name)?
                .first()
                .copied()
                .unwrap_or(0.0))
        };
        let mut found = Vec::new();
        for (i, c) in candidates.iter().enumerate() {
            let all_numbers = at(format!("v{i}"))? == at(format!("c{i}"))?;
            if !all_numbers || at(format!("n{i}"))? <= MAX_LEVELS as f64 {
                continue;
            }
            let quantiles = (0..4)
                .map(|j| at(format!("q{i}_{j}")))
                .collect::<Result<Vec<f64>>>()?;
            found.push(NumericControl {
                column: c.to_string(),
                cuts: readable_cuts(quantiles),
                range: (at(format!("min{i}"))?, at(format!("max{i}"))?),
            });
        }
        let range = match outcome {
            Some(_) => Some((at("min_y".into())?, at("max_y".into())?)),
            None => None,
        };
        Ok((found, range))
    }
}

impl PolarsEngine {
    /// How the score becomes the cells' key. Polars counts the distinct numbers among the
    /// first [`SCORE_LEAD_ROWS`] rows; unless they are already more than [`SCORE_EXACT_LIMIT`],
    /// it estimates those of the whole log (HyperLogLog, in constant memory) and counts them
    /// exactly only when there are few. With more, the cut points of its bins by rank come from
    /// its numbers, collected here.
    fn score_keying(&self, column: &str) -> Result<ScoreKeying> {
        let numbers = score_number(column).drop_nulls();
        let count = |frame: LazyFrame, expr: Expr| -> Result<f64> {
            let df = load::collect(
                &self.path,
                frame.select([expr.cast(DataType::Float64).alias(COUNT_KEY)]),
            )?;
            Ok(column_f64(&self.path, &df, COUNT_KEY)?
                .first()
                .copied()
                .unwrap_or(0.0))
        };
        let limit = SCORE_EXACT_LIMIT as f64;
        let lead = self.frame.clone().slice(0, SCORE_LEAD_ROWS);
        let many = count(lead, numbers.clone().n_unique())? > limit
            || count(self.frame.clone(), numbers.clone().approx_n_unique())?
                > SCORE_ESTIMATE_MARGIN
            || count(self.frame.clone(), numbers.clone().n_unique())? > limit;
        if !many {
            return Ok(ScoreKeying::Exact);
        }
        // Read as they are (a float column is not copied).
        let df = load::collect(
            &self.path,
            self.frame.clone().select([number(column).alias(SCORE_KEY)]),
        )?;
        let values = df
            .column(SCORE_KEY)
            .and_then(|c| c.f64().cloned())
            .map_err(|e| read_error(&self.path, e))?;
        // NaN is left out by the keying itself.
        let mut scores: Vec<f64> = Vec::with_capacity(values.len() - values.null_count());
        score_pass::each_value(&values, |_, s| scores.push(s));
        drop(df);
        Ok(ScoreKeying::of_scores(&scores))
    }

    /// The period code of a date column's value (a date, a datetime, or an ISO date text; null
    /// when it cannot be read), as a number (`202503`).
    fn period(&self, column: &str, every: Every) -> Expr {
        let text = !matches!(
            self.schema.get(column),
            Some(DataType::Date | DataType::Datetime(..))
        );
        let date = match text {
            true => col(column).cast(DataType::String),
            false => col(column).cast(DataType::Date),
        };
        // Grouped as a number (the cell table reads it as its text, `202503`): cheaper than text.
        date.map(
            move |dates| match text {
                true => text_period_codes(dates, every),
                false => period_codes(dates, every),
            },
            |_, field| Ok(Field::new(field.name().clone(), DataType::Int64)),
        )
        .alias(PERIOD_KEY)
    }

    /// The columns that may hold only numbers: numeric ones (decimals too), and text ones (a CSV log's) whose
    /// first thousand rows hold numbers only; the others need no look at all their rows.
    fn numeric_looking<'a>(&self, columns: &'a [String]) -> Result<Vec<&'a str>> {
        let text: Vec<&String> = columns
            .iter()
            .filter(|c| self.schema.get(c.as_str()) == Some(&DataType::String))
            .collect();
        let mut found: Vec<&str> = columns
            .iter()
            .filter(|c| {
                self.schema
                    .get(c.as_str())
                    .is_some_and(|t| t.is_primitive_numeric() || t.is_decimal())
            })
            .map(String::as_str)
            .collect();
        if !text.is_empty() {
            let sample = load::collect(
                &self.path,
                self.frame
                    .clone()
                    .select(text.iter().map(|c| col(c.as_str())).collect::<Vec<_>>())
                    .limit(1000),
            )?;
            for c in text {
                let values = sample.column(c).map_err(|e| read_error(&self.path, e))?;
                let numbers = values
                    .cast(&DataType::Float64)
                    .map_err(|e| read_error(&self.path, e))?;
                if numbers.null_count() == values.null_count() && values.null_count() < values.len()
                {
                    found.push(c);
                }
            }
        }
        Ok(found)
    }
}

/// Most days a batch of dates may span for its codes to come from a table (one entry per day,
/// 550 years); a wider batch is coded day by day.
const MAX_TABLE_DAYS: i64 = 200_000;

/// The period codes of a batch of dates (days since 1970-01-01): each distinct day's code is
/// worked out once, in a table over the batch's range, and every row looks its code up.
fn period_codes(dates: Column, every: Every) -> PolarsResult<Column> {
    let days = dates.cast(&DataType::Int32)?;
    let days = days.i32()?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let code = |d: i32| {
        epoch
            .checked_add_signed(chrono::Duration::days(i64::from(d)))
            .map(|date| every.code(date))
    };
    let codes: Int64Chunked = match (days.min(), days.max()) {
        (Some(lo), Some(hi)) if i64::from(hi) - i64::from(lo) < MAX_TABLE_DAYS => {
            let table: Vec<Option<i64>> = (lo..=hi).map(code).collect();
            days.iter()
                .map(|d| d.and_then(|d| table[(d - lo) as usize]))
                .collect()
        }
        _ => days.iter().map(|d| d.and_then(code)).collect(),
    };
    Ok(codes.with_name(PERIOD_KEY.into()).into_column())
}

/// The period codes of a batch of ISO date texts ([`crate::spec::parse_date`]; null when not a
/// date): each distinct text is read once.
fn text_period_codes(texts: Column, every: Every) -> PolarsResult<Column> {
    let mut seen: std::collections::HashMap<&str, Option<i64>> = std::collections::HashMap::new();
    let codes: Int64Chunked = texts
        .str()?
        .iter()
        .map(|t| {
            let t = t?;
            *seen
                .entry(t)
                .or_insert_with(|| crate::spec::parse_date(t).map(|d| every.code(d)))
        })
        .collect();
    Ok(codes.with_name(PERIOD_KEY.into()).into_column())
}

/// Whether a row is inside the selection: each column's text is one of its values (a null is
/// not); always true without a selection.
pub fn selected(selection: &[crate::spec::Selection]) -> Expr {
    selection.iter().fold(lit(true), |all, s| {
        let any = s.values.iter().fold(lit(false), |any, v| {
            any.or(col(s.column.as_str())
                .cast(DataType::String)
                .eq(lit(v.clone())))
        });
        all.and(any.fill_null(lit(false)))
    })
}

/// A numeric control as the label of its quintile bin (null stays null).
fn binned(column: &str, cuts: &[f64]) -> Expr {
    let x = number(column);
    let labelled = cuts
        .iter()
        .rev()
        .fold(lit(bin_label(f64::INFINITY, cuts)), |rest, c| {
            when(x.clone().lt_eq(lit(*c)))
                .then(lit(bin_label(*c, cuts)))
                .otherwise(rest)
        });
    when(x.is_not_null())
        .then(labelled)
        .otherwise(Null {}.lit().cast(DataType::String))
        .alias(column)
}

/// The sum of a float expression over a cell, independent of the order the streaming engine
/// adds rows in: each value is taken in fixed point (units of 1/`scale`) and the integers are
/// summed exactly, so weighted audits are byte-for-byte reproducible. The sum stays in those
/// units: [`in_units`] divides it after collecting, in Rust, because inside a group-by Polars
/// divides by a constant as a product with its reciprocal, which is not correctly rounded
/// (69,040,000,000,000 × 10⁻¹² is 69.03999999999999, not 69.04, the quotient every SQL engine
/// gives).
fn exact_sum(value: Expr, scale: f64) -> Expr {
    (value * lit(scale))
        .cast(DataType::Int128)
        .sum()
        .cast(DataType::Float64)
}

/// `df` with each of `columns`, a sum in units of 1/`scale` ([`exact_sum`]), divided by `scale`.
fn in_units(path: &Path, mut df: DataFrame, columns: &[String], scale: f64) -> Result<DataFrame> {
    for name in columns {
        let values: Float64Chunked = column_f64(path, &df, name)?
            .into_iter()
            .map(|v| Some(v / scale))
            .collect();
        df.with_column(values.with_name(name.as_str().into()).into_column())
            .map_err(|e| read_error(path, e))?;
    }
    Ok(df)
}

/// Whether a plan with a score is tallied by [`score_pass`]: without weights, memberships or
/// checks (whose sums it does not take), and with few enough keys.
fn score_pass_fits(plan: &TallyPlan, keys: usize) -> bool {
    plan.weight.is_none()
        && plan.memberships.is_empty()
        && plan.checks.is_empty()
        && plan.moment_keys.is_none()
        && keys <= score_pass::MAX_KEYS
}

/// A score read as a number: null when it is null or not a number (NaN included).
fn score_number(column: &str) -> Expr {
    when(number(column).is_nan())
        .then(Null {}.lit().cast(DataType::Float64))
        .otherwise(number(column))
}

/// The score's key of each row ([`ScoreKeying`]), null where the score is not a number. A bin is
/// keyed as a whole number (read back as a number like the other engines' keys): a narrower key
/// than a float, which the group-by compares faster.
fn score_key(keying: ScoreKeying) -> Expr {
    match keying {
        ScoreKeying::Exact => col(SCORE_NUMBER).alias(SCORE_KEY),
        ScoreKeying::Bins(cuts) => col(SCORE_NUMBER)
            .map(
                move |scores| {
                    let keys: UInt32Chunked = scores
                        .f64()?
                        .apply_nonnull_values_generic(DataType::UInt32, |s| cuts.key(s));
                    Ok(keys.with_name(SCORE_KEY.into()).into_column())
                },
                |_, field| Ok(Field::new(field.name().clone(), DataType::UInt32)),
            )
            .alias(SCORE_KEY),
    }
}

/// The decision code of a score that is not a number (0 and 1 are `false` and `true`).
const SCORE_NAN_CODE: u8 = 2;

/// `df` with its decision codes at a threshold (0, 1, [`SCORE_NAN_CODE`]) as the cell table's
/// texts: `false`, `true`, `NaN` (null stays null). A small number is grouped faster than text.
fn decision_texts(path: &Path, mut df: DataFrame) -> Result<DataFrame> {
    let codes = df
        .column(DECISION_KEY)
        .and_then(|c| c.u8().cloned())
        .map_err(|e| read_error(path, e))?;
    let texts: StringChunked = codes
        .iter()
        .map(|code| {
            code.map(|c| match c {
                0 => "false",
                1 => "true",
                _ => "NaN",
            })
        })
        .collect();
    df.with_column(texts.with_name(DECISION_KEY.into()).into_column())
        .map_err(|e| read_error(path, e))?;
    Ok(df)
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

/// The rows breaking `rule` over `columns`, as a Polars expression.
fn violated(rule: Rule, columns: &[String]) -> Expr {
    let first = columns[0].as_str();
    match rule {
        Rule::NonNegative => not_a_number(first).or(number(first).lt(lit(0.0))),
        Rule::Probability => not_a_number(first)
            .or(number(first).lt(lit(0.0)))
            .or(number(first).gt(lit(1.0))),
        Rule::AtMostOne => probability_total(columns).gt(lit(1.0 + 1e-6)),
    }
}

/// Σ p over a membership's probability columns (nulls as 0).
fn probability_total(columns: &[String]) -> Expr {
    columns
        .iter()
        .fold(lit(0.0), |total, c| total + number(c).fill_null(lit(0.0)))
}

/// A membership's parts: each probability column (nulls as 0) and the remainder `1 − Σp` (at
/// least 0).
fn membership_parts(columns: &[String]) -> Vec<Expr> {
    let rest = lit(1.0) - probability_total(columns);
    let rest = when(rest.clone().lt(lit(0.0)))
        .then(lit(0.0))
        .otherwise(rest);
    columns
        .iter()
        .map(|c| number(c).fill_null(lit(0.0)))
        .chain([rest])
        .collect()
}

/// The aggregations of a crossed membership's products ([`summed_pairs`]): Σ p_j·p_k·w and
/// Σ p_j·p_k·w² with weights; without, Σ p_j·p_k of two probability columns.
fn cross_sums(parts: &[Expr], weight: &Expr, weighted: bool, attribute: usize) -> Vec<Expr> {
    let mut aggs = Vec::new();
    for (j, k) in summed_pairs(parts.len(), weighted) {
        let name = format!("{CROSS_KEY}{attribute}_{j}_{k}");
        let product = parts[j].clone() * parts[k].clone();
        if weighted {
            aggs.push(exact_sum(product.clone() * weight.clone(), SUM_SCALE).alias(name.clone()));
            aggs.push(
                exact_sum(product * weight.clone() * weight.clone(), SUM_SCALE)
                    .alias(format!("{name}_sq")),
            );
        } else {
            aggs.push(exact_sum_of_products(product).alias(name));
        }
    }
    aggs
}

/// The aggregations of one soft group's mass: Σ mass and Σ mass². A mass without weights is a
/// probability, from 0 to 1 in every row an audit goes on with (the plan's checks refuse the
/// others), so its fixed-point units fit 64 bits ([`exact_sum_of_shares`]).
fn soft_sums(mass: Expr, weighted: bool, attribute: usize, value: usize) -> [Expr; 2] {
    let sum = |x: Expr| match weighted {
        true => exact_sum(x, SUM_SCALE),
        false => exact_sum_of_shares(x),
    };
    [
        sum(mass.clone()).alias(format!("{SOFT_KEY}{attribute}_{value}")),
        sum(mass.clone() * mass).alias(format!("{SOFT_KEY}{attribute}_{value}_sq")),
    ]
}

/// An exact sum of products of two probabilities of one row, `p_j·p_k ≤ 1/4` (they add up to
/// at most 1), in units of 1/[`PRODUCT_SCALE`]: each rounded to 64 bits and summed in 64 bits,
/// which holds 3.6·10¹⁰ rows' products. A product out of that range (in a row the plan's
/// checks refuse) wraps, as in [`exact_sum_of_shares`].
fn exact_sum_of_products(product: Expr) -> Expr {
    (product * lit(PRODUCT_SCALE) + lit(0.5))
        .cast_with_options(
            DataType::Int64,
            polars::chunked_array::cast::CastOptions::Overflowing,
        )
        .sum()
        .cast(DataType::Float64)
        / lit(PRODUCT_SCALE)
}

/// [`exact_sum`] in units of 1/[`SUM_SCALE`] of numbers from 0 to 1: each in 64 bits (a
/// machine instruction, where 128 bits take a library call per row), their sum in 128. The
/// truncation is the same; a number out of that range (in a row the plan's checks refuse)
/// wraps instead of failing the query before the checks are counted.
fn exact_sum_of_shares(value: Expr) -> Expr {
    (value * lit(SUM_SCALE))
        .cast_with_options(
            DataType::Int64,
            polars::chunked_array::cast::CastOptions::Overflowing,
        )
        .cast(DataType::Int128)
        .sum()
        .cast(DataType::Float64)
}

impl TallyEngine for PolarsEngine {
    fn source(&self) -> &Path {
        &self.path
    }

    fn run(&self, plan: &TallyPlan) -> Result<CellTable> {
        let path = self.path.as_path();
        let (numeric, outcome_range) = self.numeric_controls(plan)?;
        let covariates = covariates(&numeric, outcome_range);
        // A numeric outcome's regression takes its numeric controls as they are; a yes/no
        // decision's strata are their bins.
        let bins: Vec<(String, Vec<f64>)> = match covariates {
            Some(_) => Vec::new(),
            None => numeric.into_iter().map(|n| (n.column, n.cuts)).collect(),
        };
        let grouping = |c: &String| {
            if let Some(cv) = &covariates {
                if cv.columns.iter().any(|(name, _)| name == c) {
                    return when(number(c).is_null())
                        .then(Null {}.lit().cast(DataType::String))
                        .otherwise(lit(COVARIATE_PRESENT))
                        .alias(c.as_str());
                }
            }
            if let (PERIOD_KEY, Some((column, every))) = (c.as_str(), &plan.period) {
                return self.period(column, *every);
            }
            match bins.iter().find(|(name, _)| name == c) {
                Some((_, cuts)) => binned(c, cuts),
                None => self.key(c),
            }
        };
        let mut keys: Vec<Expr> = plan.attributes.iter().map(grouping).collect();
        keys.push(match &plan.decision {
            DecisionKey::Column(c) => self.yes_no(c).alias(DECISION_KEY),
            // Grouped as a small number, read back as text by `decision_texts`.
            DecisionKey::AtLeast { column, threshold } => when(not_a_number(column))
                .then(lit(SCORE_NAN_CODE))
                .otherwise(number(column).gt_eq(lit(*threshold)).cast(DataType::UInt8))
                .alias(DECISION_KEY),
            DecisionKey::Value(column) => when(not_a_number(column))
                .then(lit(f64::NAN))
                .otherwise(number(column))
                .alias(DECISION_KEY),
        });
        if let Some(label) = &plan.label {
            keys.push(self.yes_no(label).alias(LABEL_KEY));
        }
        if !plan.selection.is_empty() {
            keys.push(selected(&plan.selection).not().alias(OUTSIDE_KEY));
        }
        let single_pass = match &plan.score {
            Some(score) if score_pass_fits(plan, keys.len()) => {
                let names = score_pass::Names {
                    key: SCORE_KEY,
                    rows: [COUNT_KEY, WEIGHT_KEY, WEIGHT_SQ_KEY],
                    min: SCORE_MIN_KEY,
                    max: SCORE_MAX_KEY,
                    sum: SCORE_SUM_KEY,
                };
                // NaN is read as not a number there: no need to make it null here.
                let score = number(score).alias(SCORE_NUMBER);
                score_pass::cells(path, self.frame.clone(), keys.clone(), score, &names)?
            }
            _ => None,
        };
        let mut aggs = vec![len().alias(COUNT_KEY)];
        let mut frame = self.frame.clone();
        if let (Some(score), None) = (&plan.score, &single_pass) {
            frame = frame.with_column(score_number(score).alias(SCORE_NUMBER));
            keys.push(score_key(self.score_keying(score)?));
        }
        let weight = match &plan.weight {
            Some(w) => {
                aggs.push(col(w.as_str()).is_null().sum().alias(NULL_WEIGHT_KEY));
                number(w).fill_null(lit(0.0))
            }
            None => lit(1.0),
        };
        if plan.weight.is_some() {
            aggs.push(exact_sum(weight.clone(), SUM_SCALE).alias(WEIGHT_KEY));
            aggs.push(exact_sum(weight.clone() * weight.clone(), SUM_SCALE).alias(WEIGHT_SQ_KEY));
        } else {
            // A literal is not broadcast inside an aggregation: count the rows instead.
            aggs.push(len().cast(DataType::Float64).alias(WEIGHT_KEY));
            aggs.push(len().cast(DataType::Float64).alias(WEIGHT_SQ_KEY));
        }
        for (i, columns) in plan.memberships.iter().enumerate() {
            let parts = membership_parts(columns);
            for (j, p) in parts.iter().enumerate() {
                aggs.extend(soft_sums(
                    p.clone() * weight.clone(),
                    plan.weight.is_some(),
                    i,
                    j,
                ));
            }
            if plan.crossed[i] {
                aggs.extend(cross_sums(&parts, &weight, plan.weight.is_some(), i));
            }
        }
        for (k, check) in plan.checks.iter().enumerate() {
            aggs.push(
                violated(check.rule, &check.columns)
                    .sum()
                    .alias(format!("{CHECK_KEY}{k}")),
            );
        }
        if plan.score.is_some() {
            aggs.extend([
                col(SCORE_NUMBER).min().alias(SCORE_MIN_KEY),
                col(SCORE_NUMBER).max().alias(SCORE_MAX_KEY),
                // The cast truncates toward zero, so this is the SQL engines' sum of the
                // positive parts less that of the negative parts.
                exact_sum(col(SCORE_NUMBER) * weight.clone(), SUM_SCALE).alias(SCORE_SUM_KEY),
            ]);
        }
        let cells = frame.group_by(keys).agg(aggs);
        let mut shift = 0.0;
        let (df, moments) = match (single_pass, &plan.moment_keys, &plan.decision) {
            (Some(df), _, _) => (df, None),
            (None, Some(keys), DecisionKey::Value(column)) => {
                let numbers = self
                    .frame
                    .clone()
                    .filter(not_a_number(column).not().and(col(column).is_not_null()))
                    .filter(selected(&plan.selection));
                shift = smallest_number(path, numbers.clone(), column)?;
                let shifted = number(column) - lit(shift);
                let mut aggs = vec![
                    len().alias(COUNT_KEY),
                    exact_sum(shifted.clone(), SUM_SCALE).alias(SUM_KEY),
                    exact_sum(shifted.clone() * shifted, SUM_SCALE).alias(SUM_SQ_KEY),
                ];
                if let Some(cv) = &covariates {
                    aggs.extend(term_sums(column, cv));
                }
                let moments = numbers
                    .group_by(keys.iter().map(grouping).collect::<Vec<_>>())
                    .agg(aggs);
                let mut frames = load::collect_all(path, vec![cells, moments])?.into_iter();
                let (Some(df), Some(moments)) = (frames.next(), frames.next()) else {
                    return Err(read_error(
                        path,
                        PolarsError::ComputeError("the tally returned no table".into()),
                    ));
                };
                (df, Some(moments))
            }
            (None, _, _) => (load::collect(path, cells)?, None),
        };
        let mut fixed: Vec<String> = Vec::new();
        if plan.score.is_some() {
            fixed.push(SCORE_SUM_KEY.to_string());
        }
        if plan.weight.is_some() {
            fixed.extend([WEIGHT_KEY.to_string(), WEIGHT_SQ_KEY.to_string()]);
        }
        for (i, columns) in plan.memberships.iter().enumerate() {
            for j in 0..=columns.len() {
                fixed.push(format!("{SOFT_KEY}{i}_{j}"));
                fixed.push(format!("{SOFT_KEY}{i}_{j}_sq"));
            }
            // Without weights, the products are summed in units of their own.
            if plan.crossed[i] && plan.weight.is_some() {
                fixed.extend(cross_names(plan, i, columns.len() + 1));
            }
        }
        let df = in_units(path, df, &fixed, SUM_SCALE)?;
        let df = match plan.decision {
            DecisionKey::AtLeast { .. } => decision_texts(path, df)?,
            _ => df,
        };
        let moments = moments
            .map(|m| in_units(path, m, &[SUM_KEY.into(), SUM_SQ_KEY.into()], SUM_SCALE))
            .transpose()?;

        for (k, check) in plan.checks.iter().enumerate() {
            let count: f64 = column_f64(path, &df, &format!("{CHECK_KEY}{k}"))?
                .iter()
                .sum();
            if count > 0.0 {
                let bad = self
                    .frame
                    .clone()
                    .filter(violated(check.rule, &check.columns));
                let sample = offending_values(path, bad, &check.columns[0])?;
                return Err(violation(path, check, count, sample));
            }
        }
        let mut table = read_cells(path, &df, plan)?;
        table.bins = bins;
        if let (Some(frame), Some(keys)) = (moments, &plan.moment_keys) {
            let terms = covariates
                .as_ref()
                .map_or(0, |c| Terms::new(c.columns.len()).list.len());
            table.moments = read_moments(path, &frame, keys.len(), shift, terms)?;
        }
        table.covariates = covariates;
        Ok(table)
    }
}

/// The covariates of a numeric outcome (its `range` is known) with numeric controls.
fn covariates(numeric: &[NumericControl], range: Option<(f64, f64)>) -> Option<Covariates> {
    let (low, high) = range.filter(|_| !numeric.is_empty())?;
    Some(Covariates {
        columns: numeric
            .iter()
            .map(|n| (n.column.clone(), Scale::of_range(n.range.0, n.range.1)))
            .collect(),
        outcome: Scale::of_range(low, high),
    })
}

/// The aggregations of the covariate sums: per term, Σ u^a·z_j·z_k·… on [−1, 1] (a missing
/// covariate is 0).
fn term_sums(outcome: &str, covariates: &Covariates) -> Vec<Expr> {
    let scaled =
        |column: &str, scale: &Scale| (number(column) - lit(scale.center)) / lit(scale.half_range);
    let u = scaled(outcome, &covariates.outcome);
    let z: Vec<Expr> = covariates
        .columns
        .iter()
        .map(|(c, scale)| scaled(c, scale).fill_null(lit(0.0)))
        .collect();
    Terms::new(z.len())
        .list
        .iter()
        .enumerate()
        .map(|(i, (power, factors))| {
            let name = format!("{TERM_KEY}{i}");
            if *power == 0 && factors.is_empty() {
                // A literal is not broadcast inside an aggregation: Σ 1 is the rows.
                return len().cast(DataType::Float64).alias(name);
            }
            let product = factors
                .iter()
                .fold((0..*power).fold(lit(1.0), |p, _| p * u.clone()), |p, &j| {
                    p * z[j].clone()
                });
            // 1 / 2⁹⁶ is exact, so Polars may divide here.
            (exact_sum(product, TERM_SCALE) / lit(TERM_SCALE)).alias(name)
        })
        .collect()
}

/// The smallest number of `column` in `numbers` (0 when there is none): the shift of the moments
/// table's sums (any engine, a SQL one too, finds the same).
fn smallest_number(path: &Path, numbers: LazyFrame, column: &str) -> Result<f64> {
    let df = load::collect(path, numbers.select([number(column).min()]))?;
    Ok(column_f64(path, &df, column)?
        .first()
        .copied()
        .unwrap_or(0.0))
}

/// The moments table from its frame, whose first `keys` columns are the moment keys.
/// With covariates, the frame has the sums of the first `terms` terms.
pub(super) fn read_moments(
    path: &Path,
    df: &DataFrame,
    keys: usize,
    shift: f64,
    terms: usize,
) -> Result<Vec<MomentCell>> {
    let err = |e| read_error(path, e);
    let rows = column_u64(path, df, COUNT_KEY)?;
    let sum = column_f64(path, df, SUM_KEY)?;
    let sum_sq = column_f64(path, df, SUM_SQ_KEY)?;
    let term_sums = (0..terms)
        .map(|i| column_f64(path, df, &format!("{TERM_KEY}{i}")))
        .collect::<Result<Vec<_>>>()?;
    let columns = df.columns();
    (0..df.height())
        .map(|row| {
            Ok(MomentCell {
                keys: columns[..keys]
                    .iter()
                    .map(|c| c.get(row).map(|v| value_text(&v)))
                    .collect::<PolarsResult<Vec<_>>>()
                    .map_err(err)?,
                rows: rows[row],
                shift,
                sum: sum[row],
                sum_sq: sum_sq[row],
                terms: term_sums.iter().map(|t| t[row]).collect(),
            })
        })
        .collect()
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

/// The cell table's columns of crossed membership `i`'s products, in [`summed_pairs`] order
/// (with their `_sq` columns when weighted).
fn cross_names(plan: &TallyPlan, i: usize, parts: usize) -> Vec<String> {
    summed_pairs(parts, plan.weight.is_some())
        .into_iter()
        .flat_map(|(j, k)| {
            let name = format!("{CROSS_KEY}{i}_{j}_{k}");
            match plan.weight {
                Some(_) => vec![name.clone(), format!("{name}_sq")],
                None => vec![name],
            }
        })
        .collect()
}

pub(super) fn read_cells(path: &Path, df: &DataFrame, plan: &TallyPlan) -> Result<CellTable> {
    let err = |e| read_error(path, e);
    let rows = column_u64(path, df, COUNT_KEY)?;
    let w = column_f64(path, df, WEIGHT_KEY)?;
    let w2 = column_f64(path, df, WEIGHT_SQ_KEY)?;
    let null_weights = match plan.weight {
        Some(_) => column_u64(path, df, NULL_WEIGHT_KEY)?,
        None => vec![0; df.height()],
    };
    let soft: Vec<Vec<(Vec<f64>, Vec<f64>)>> = plan
        .memberships
        .iter()
        .enumerate()
        .map(|(i, columns)| {
            (0..=columns.len())
                .map(|j| {
                    Ok((
                        column_f64(path, df, &format!("{SOFT_KEY}{i}_{j}"))?,
                        column_f64(path, df, &format!("{SOFT_KEY}{i}_{j}_sq"))?,
                    ))
                })
                .collect::<Result<Vec<_>>>()
        })
        .collect::<Result<Vec<_>>>()?;
    // Per crossed membership, its products' columns ([`summed_pairs`]).
    let cross: Vec<Vec<Vec<f64>>> = plan
        .memberships
        .iter()
        .enumerate()
        .map(|(i, columns)| match plan.crossed[i] {
            true => cross_names(plan, i, columns.len() + 1)
                .iter()
                .map(|name| column_f64(path, df, name))
                .collect::<Result<Vec<_>>>(),
            false => Ok(Vec::new()),
        })
        .collect::<Result<Vec<_>>>()?;
    let columns = df.columns();
    let decision = df.column(DECISION_KEY).map_err(err)?;
    let label = match plan.label {
        Some(_) => Some(df.column(LABEL_KEY).map_err(err)?),
        None => None,
    };
    let outside = match plan.selection.is_empty() {
        false => Some(df.column(OUTSIDE_KEY).map_err(err)?),
        true => None,
    };
    let scores = match plan.score {
        Some(_) => Some(
            [SCORE_KEY, SCORE_MIN_KEY, SCORE_MAX_KEY, SCORE_SUM_KEY]
                .map(|name| optional_f64(path, df, name))
                .into_iter()
                .collect::<Result<Vec<_>>>()?,
        ),
        None => None,
    };
    let mut cells = Vec::with_capacity(df.height());
    for row in 0..df.height() {
        let attributes = columns[..plan.attributes.len()]
            .iter()
            .map(|c| c.get(row).map(|v| value_text(&v)))
            .collect::<PolarsResult<Vec<_>>>()
            .map_err(err)?;
        let decision = value_text(&decision.get(row).map_err(err)?);
        let label = match label {
            Some(l) => value_text(&l.get(row).map_err(err)?),
            None => None,
        };
        let outside = match outside {
            Some(o) => matches!(o.get(row).map_err(err)?, AnyValue::Boolean(true)),
            None => false,
        };
        cells.push(Cell {
            attributes,
            decision,
            label,
            outside,
            rows: rows[row],
            w: w[row],
            w2: w2[row],
            null_weights: null_weights[row],
            masses: soft
                .iter()
                .map(|per_value| per_value.iter().map(|(s, q)| (s[row], q[row])).collect())
                .collect(),
            cross: cross
                .iter()
                .zip(&soft)
                .map(|(columns, masses)| {
                    let at_row: Vec<f64> = columns.iter().map(|c| c[row]).collect();
                    match (columns.is_empty(), plan.weight.is_some()) {
                        (true, _) => Vec::new(),
                        (false, true) => at_row.chunks(2).map(|p| (p[0], p[1])).collect(),
                        (false, false) => {
                            let masses: Vec<(f64, f64)> =
                                masses.iter().map(|(s, q)| (s[row], q[row])).collect();
                            complete_products(&masses, &at_row)
                        }
                    }
                })
                .collect(),
            score: scores.as_ref().and_then(|s| {
                Some(ScoreSums {
                    key: s[0][row]?,
                    min: s[1][row]?,
                    max: s[2][row]?,
                    sum: s[3][row].unwrap_or(0.0),
                })
            }),
        });
    }
    Ok(CellTable {
        cells,
        moments: Vec::new(),
        bins: Vec::new(),
        covariates: None,
    })
}

/// A column's values as numbers, null where null.
fn optional_f64(path: &Path, df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let column = df
        .column(name)
        .and_then(|c| c.cast(&DataType::Float64))
        .map_err(|e| read_error(path, e))?;
    let values = column.f64().map_err(|e| read_error(path, e))?;
    Ok(values.iter().collect())
}

/// A column's values as numbers, 0 where null.
fn column_f64(path: &Path, df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    Ok(optional_f64(path, df, name)?
        .into_iter()
        .map(|v| v.unwrap_or(0.0))
        .collect())
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn period_codes_match_the_calendar() {
        // Every day from 1600-01-01 to 2400-12-31 (leap centuries, days before 1970) by month,
        // ISO week and quarter, against chrono's calendar; and a batch wider than the table.
        let first = NaiveDate::from_ymd_opt(1600, 1, 1).unwrap();
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let mut days: Vec<Option<i32>> = (0..292_500)
            .map(|i| {
                Some(
                    (first + chrono::Days::new(i))
                        .signed_duration_since(epoch)
                        .num_days() as i32,
                )
            })
            .collect();
        days.push(None);
        for every in [Every::Month, Every::Week, Every::Quarter] {
            for batch in [&days[..], &days[..100]] {
                let column = Int32Chunked::from_iter_options("d".into(), batch.iter().copied())
                    .into_column();
                let codes = period_codes(column, every).unwrap();
                let codes = codes.i64().unwrap();
                for (i, d) in batch.iter().enumerate() {
                    let expected = d.map(|d| every.code(epoch + chrono::Duration::days(d as i64)));
                    assert_eq!(codes.get(i), expected, "{d:?}");
                }
            }
        }
        let wide = Int32Chunked::from_iter_options(
            "d".into(),
            [Some(-200_000), Some(200_000)].into_iter(),
        )
        .into_column();
        let codes = period_codes(wide, Every::Month).unwrap();
        assert_eq!(codes.i64().unwrap().get(1), Some(251_708));
    }
}
