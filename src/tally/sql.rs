//! The plan as SQL: one `GROUP BY` query that computes the cell table ([`super::cells`]) where the
//! log lives (a warehouse, Spark, DuckDB), so only the cell table leaves it. Every identifier is
//! quoted and every value is a string literal with its quotes doubled, so no column or table name
//! and no `--where` value can change the query's meaning.

use super::cells::SUM_SCALE;
use super::plan::{DecisionKey, Rule, TallyPlan};
use super::score_keys::{SCORE_BINS, SCORE_EXACT_LIMIT, TENTHS};
use crate::spec::{Every, Selection};

/// The SQL dialects the query is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Apache Spark SQL.
    Spark,
    /// DuckDB.
    Duckdb,
    /// PostgreSQL.
    Postgres,
}

impl Dialect {
    /// An identifier, quoted: `"a""b"` (backquotes for Spark).
    pub fn ident(self, name: &str) -> String {
        match self {
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A string literal: quotes doubled (and for Spark, whose literals read backslash escapes,
    /// backslashes doubled too).
    pub fn text(self, value: &str) -> String {
        match self {
            Dialect::Spark => format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'")),
            _ => format!("'{}'", value.replace('\'', "''")),
        }
    }

    /// The text type.
    pub fn text_type(self) -> &'static str {
        match self {
            Dialect::Spark => "STRING",
            Dialect::Duckdb => "VARCHAR",
            Dialect::Postgres => "TEXT",
        }
    }

    /// The 64-bit float type.
    pub fn double(self) -> &'static str {
        match self {
            Dialect::Postgres => "DOUBLE PRECISION",
            _ => "DOUBLE",
        }
    }

    /// A number as a literal of the float type.
    pub fn number(self, value: f64) -> String {
        format!("CAST({value:?} AS {})", self.double())
    }

    /// A value as text.
    pub fn as_text(self, expr: &str) -> String {
        format!("CAST({expr} AS {})", self.text_type())
    }

    /// A column read as a number: null when it holds anything else (NaN stays NaN).
    fn to_number(self, column: &str) -> String {
        let text = self.as_text(column);
        match self {
            Dialect::Postgres => format!(
                "CASE WHEN trim({text}) ~* '^[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)(e[-+]?[0-9]+)?$|^[-+]?(nan|inf|infinity)$' \
                 THEN CAST(trim({text}) AS DOUBLE PRECISION) END"
            ),
            _ => format!("try_cast({text} AS DOUBLE)"),
        }
    }

    /// Whether a number is NaN.
    fn is_nan(self, number: &str) -> String {
        match self {
            Dialect::Postgres => format!("({number} = CAST('NaN' AS DOUBLE PRECISION))"),
            _ => format!("isnan({number})"),
        }
    }

    /// The day of an ISO date text or date-time (`2025-03-14`, `2025-03-14T09:30`), else null.
    fn to_date(self, column: &str) -> String {
        let text = format!("trim({})", self.as_text(column));
        let day = format!("substr({text}, 1, 10)");
        let shape = format!("(length({text}) = 10 OR substr({text}, 11, 1) IN ('T', ' '))");
        match self {
            Dialect::Postgres => format!(
                "CASE WHEN {shape} AND {day} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' THEN CAST({day} AS DATE) END"
            ),
            _ => format!("CASE WHEN {shape} THEN try_cast({day} AS DATE) END"),
        }
    }

    /// The period code of a day: year·100 + month, ISO year·100 + ISO week, year·10 + quarter.
    fn period(self, day: &str, every: Every) -> String {
        let part = |name: &str| match self {
            Dialect::Postgres => format!("CAST(extract({name} FROM {day}) AS BIGINT)"),
            Dialect::Spark => format!("CAST(extract({name} FROM {day}) AS BIGINT)"),
            Dialect::Duckdb => format!("CAST(date_part('{name}', {day}) AS BIGINT)"),
        };
        let iso_year = match self {
            Dialect::Spark => part("YEAROFWEEK"),
            _ => part("isoyear"),
        };
        match every {
            Every::Month => format!("{} * 100 + {}", part("year"), part("month")),
            Every::Week => format!("{iso_year} * 100 + {}", part("week")),
            Every::Quarter => format!("{} * 10 + {}", part("year"), part("quarter")),
        }
    }

    /// The exact sum of values of either sign, in fixed point as the other engines take it:
    /// the sum of the positive parts less that of the negative parts, each exact (a floor of a
    /// negative value would round it the other way from the other engines' truncation).
    fn exact_signed_sum(self, value: &str) -> String {
        let part = |v: String| self.fixed_sum(&v);
        let whole = format!(
            "{} - {}",
            part(format!("CASE WHEN {value} > 0 THEN {value} ELSE 0 END")),
            part(format!("CASE WHEN {value} < 0 THEN -({value}) ELSE 0 END"))
        );
        self.from_fixed_sum(&whole)
    }

    /// The exact sum of non-negative values, in fixed point as the other engines take it.
    fn exact_sum(self, value: &str) -> String {
        self.from_fixed_sum(&self.fixed_sum(value))
    }

    /// The sum of non-negative values in units of 1/[`SUM_SCALE`], as a whole number.
    fn fixed_sum(self, value: &str) -> String {
        // PostgreSQL turns a float into a decimal through 15 digits only: there each value goes
        // through a 64-bit integer (exact; values and squares up to 9.2 million), whose sum
        // PostgreSQL takes as an exact decimal.
        let whole = match self {
            Dialect::Postgres => "BIGINT",
            _ => "DECIMAL(38, 0)",
        };
        format!(
            "SUM(CAST(floor(({value}) * {scale}) AS {whole}))",
            scale = self.number(SUM_SCALE)
        )
    }

    /// A whole sum in units of 1/[`SUM_SCALE`] as a float: through its text, which every engine
    /// reads correctly rounded (a cast of a 38-digit decimal may not be).
    fn from_fixed_sum(self, sum: &str) -> String {
        format!(
            "CAST({} AS {}) / {}",
            self.as_text(sum),
            self.double(),
            self.number(SUM_SCALE)
        )
    }
}

/// The query computing the cell table of `plan` over `table` (a name, dots separating its
/// parts: `db.schema.log`), in `dialect`. Controls are grouped by their values as text: a numeric
/// control the Polars engine would cut into quintiles, or take as a number in a numeric outcome's
/// regression, is a level per value here. A numeric outcome with controls has its moments table
/// in the same answer: every row says in `part` whether it is a `cell` or a `moment`.
pub fn cell_query(plan: &TallyPlan, table: &str, dialect: Dialect) -> Result<String, String> {
    let d = dialect;
    let keys = row_keys(plan, d);
    let (values, weight) = row_values(plan, d);
    let sums = cell_sums(plan, d, &weight);
    let inner: Vec<String> = keys
        .iter()
        .chain(&values)
        .map(|(name, expr)| format!("    {expr} AS {name}"))
        .collect();
    let names: Vec<&str> = keys.iter().map(|(n, _)| n.as_str()).collect();
    let from: Vec<String> = table.split('.').map(|part| d.ident(part)).collect();
    let from = from.join(".");
    let from = match &plan.score {
        Some(score) => ranked(d, &from, score),
        None => from,
    };
    let summed: Vec<String> = sums.iter().map(|(n, e, _)| format!("{e} AS {n}")).collect();
    let cells = format!(
        "SELECT {}, {}\nFROM (\n  SELECT\n{}\n  FROM {from} AS src\n) AS cells\nGROUP BY {}",
        names.join(", "),
        summed.join(", "),
        inner.join(",\n"),
        names.join(", ")
    );
    let heading = format!(
        "-- The cell table of a fairaudit audit (fairaudit {}): one row per combination of keys.\n",
        env!("CARGO_PKG_VERSION")
    );
    let Some(moment_keys) = &plan.moment_keys else {
        return Ok(format!("{heading}{cells}\n"));
    };
    let DecisionKey::Value(outcome) = &plan.decision else {
        return Err("a moments table goes with a numeric outcome".into());
    };
    // A numeric outcome with controls: the moments table too, in the same answer, its rows
    // marked `moment` in `part` (the cells' `cell`), each side's columns null on the other's.
    let k_names: Vec<String> = (0..moment_keys.len()).map(|i| format!("k{i}")).collect();
    let moments = moments_query(plan, d, (moment_keys, &k_names), outcome, &from);
    let (cell_side, moment_side) = union_columns(d, &keys, &sums, &k_names);
    Ok(format!(
        "{heading}SELECT {}\nFROM (\n{cells}\n) AS c\nUNION ALL\nSELECT {}\nFROM (\n{moments}\n) AS m\n",
        cell_side.join(", "),
        moment_side.join(", ")
    ))
}

/// The score, ranked (without a PARTITION: the engine sorts every score): the log with, per
/// row, its score as a number (null when it is not one, NaN included), the score's smallest
/// rank and its dense rank among the numbers, their count, and their number of distinct values.
fn ranked(d: Dialect, from: &str, score: &str) -> String {
    let n = num(d, score);
    let s = format!("CASE WHEN {} THEN NULL ELSE {n} END", d.is_nan(&n));
    let order = format!("ORDER BY {s} NULLS LAST");
    let [value, rank, dense, count, distinct] = SCORE_COLUMNS.map(|c| d.ident(c));
    format!(
        "(\n  SELECT src.*, MAX(CASE WHEN src.{value} IS NOT NULL THEN src.{dense} END) OVER () AS {distinct}\n  \
         FROM (\n    SELECT src.*, {s} AS {value}, rank() OVER ({order}) AS {rank}, \
         dense_rank() OVER ({order}) AS {dense}, COUNT({s}) OVER () AS {count}\n    \
         FROM {from} AS src\n  ) AS src\n)"
    )
}

/// The columns [`ranked`] adds to the log: the score, its smallest rank, its dense rank, the
/// count of numbers, their distinct values.
const SCORE_COLUMNS: [&str; 5] = [
    "__fairaudit_score",
    "__fairaudit_rank",
    "__fairaudit_dense",
    "__fairaudit_numbers",
    "__fairaudit_distinct",
];

/// The score's key of a row ([`super::score_keys::ScoreKeying`]): the score, when the log's scores take
/// at most [`SCORE_EXACT_LIMIT`] distinct values, else its bin by rank
/// ([`super::score_keys::score_bin`]).
fn score_key(d: Dialect) -> String {
    let [value, rank, _, count, distinct] = SCORE_COLUMNS.map(|c| format!("src.{}", d.ident(c)));
    let tenths: Vec<String> = TENTHS
        .iter()
        .map(|t| format!("CASE WHEN {value} > {} THEN 1 ELSE 0 END", d.number(*t)))
        .collect();
    format!(
        "CASE WHEN {value} IS NULL THEN NULL WHEN {distinct} <= {SCORE_EXACT_LIMIT} THEN {value} \
         ELSE CAST(10 * floor(CAST({rank} - 1 AS {double}) * {SCORE_BINS} / {count}) + {} AS {double}) END",
        tenths.join(" + "),
        double = d.double()
    )
}

/// A column of the source row.
fn col(d: Dialect, name: &str) -> String {
    format!("src.{}", d.ident(name))
}

/// A column of the source row as a number (null when it is not one).
fn num(d: Dialect, name: &str) -> String {
    d.to_number(&col(d, name))
}

/// A key of the plan as text: an attribute's value, or the period code of the date.
fn key(plan: &TallyPlan, d: Dialect, a: &str) -> String {
    match &plan.period {
        Some((column, every)) if a == super::plan::PERIOD_KEY => {
            d.as_text(&d.period(&d.to_date(&col(d, column)), *every))
        }
        _ => d.as_text(&col(d, a)),
    }
}

/// Per row, the keys the cells group by (name, expression): the attributes, the decision, the
/// label, and whether the row is outside the selection.
fn row_keys(plan: &TallyPlan, d: Dialect) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String)> = plan
        .attributes
        .iter()
        .enumerate()
        .map(|(i, a)| (format!("a{i}"), key(plan, d, a)))
        .collect();
    let decision = match &plan.decision {
        DecisionKey::Column(c) => d.as_text(&col(d, c)),
        DecisionKey::AtLeast { column, threshold } => format!(
            "CASE WHEN {raw} IS NULL THEN NULL WHEN {n} IS NULL OR {nan} THEN 'NaN' \
             WHEN {n} >= {t} THEN 'true' ELSE 'false' END",
            raw = col(d, column),
            n = num(d, column),
            nan = d.is_nan(&num(d, column)),
            t = d.number(*threshold)
        ),
        DecisionKey::Value(c) => format!(
            "CASE WHEN {raw} IS NULL THEN NULL WHEN {n} IS NULL THEN 'NaN' ELSE {text} END",
            raw = col(d, c),
            n = num(d, c),
            text = d.as_text(&num(d, c))
        ),
    };
    keys.push(("decision".into(), decision));
    if let Some(label) = &plan.label {
        keys.push(("label".into(), d.as_text(&col(d, label))));
    }
    if !plan.selection.is_empty() {
        keys.push((
            "outside".into(),
            format!("NOT ({})", selected(&plan.selection, d)),
        ));
    }
    if plan.score.is_some() {
        keys.push(("score".into(), score_key(d)));
    }
    keys
}

/// Per row, the values the cells sum (name, expression): the weight and whether it is null,
/// each membership's probabilities and the rest of its mass, each check's violation; and the
/// weight's name (empty without one).
fn row_values(plan: &TallyPlan, d: Dialect) -> (Vec<(String, String)>, String) {
    let mut values: Vec<(String, String)> = Vec::new();
    let weight = match &plan.weight {
        Some(w) => {
            values.push(("v_w".into(), format!("coalesce({}, 0)", num(d, w))));
            values.push((
                "v_null_w".into(),
                format!("CASE WHEN {} IS NULL THEN 1 ELSE 0 END", col(d, w)),
            ));
            "v_w".to_string()
        }
        None => String::new(),
    };
    for (i, columns) in plan.memberships.iter().enumerate() {
        let p = |c: &String| format!("coalesce({}, 0)", num(d, c));
        for (j, c) in columns.iter().enumerate() {
            values.push((format!("v_m{i}_{j}"), p(c)));
        }
        let total: Vec<String> = columns.iter().map(p).collect();
        values.push((
            format!("v_m{i}_{}", columns.len()),
            format!(
                "CASE WHEN 1 - ({t}) < 0 THEN 0 ELSE 1 - ({t}) END",
                t = total.join(" + ")
            ),
        ));
    }
    if plan.score.is_some() {
        values.push((
            "v_score".into(),
            format!("src.{}", d.ident(SCORE_COLUMNS[0])),
        ));
    }
    for (k, check) in plan.checks.iter().enumerate() {
        values.push((
            format!("v_check{k}"),
            format!(
                "CASE WHEN {} THEN 1 ELSE 0 END",
                violated(check.rule, &check.columns, d)
            ),
        ));
    }
    (values, weight)
}

/// Per cell, the sums (name, expression, SQL type): rows, weights and their squares, the
/// memberships' masses and their squares, the checks' violations.
fn cell_sums(plan: &TallyPlan, d: Dialect, weight: &str) -> Vec<(String, String, &'static str)> {
    let (double, count) = (d.double(), "BIGINT");
    let mut sums: Vec<(String, String, &str)> = vec![("rows".into(), "COUNT(*)".into(), count)];
    if plan.weight.is_some() {
        sums.push(("w".into(), d.exact_sum(weight), double));
        sums.push((
            "w2".into(),
            d.exact_sum(&format!("{weight} * {weight}")),
            double,
        ));
        sums.push(("null_w".into(), "SUM(v_null_w)".into(), count));
    } else {
        sums.push(("w".into(), format!("CAST(COUNT(*) AS {double})"), double));
        sums.push(("w2".into(), format!("CAST(COUNT(*) AS {double})"), double));
    }
    for (i, columns) in plan.memberships.iter().enumerate() {
        for j in 0..=columns.len() {
            let mass = match plan.weight {
                Some(_) => format!("v_m{i}_{j} * {weight}"),
                None => format!("v_m{i}_{j}"),
            };
            sums.push((format!("m{i}_{j}"), d.exact_sum(&mass), double));
            let square = d.exact_sum(&format!("({mass}) * ({mass})"));
            sums.push((format!("m{i}_{j}_sq"), square, double));
        }
    }
    for k in 0..plan.checks.len() {
        sums.push((format!("check{k}"), format!("SUM(v_check{k})"), count));
    }
    if plan.score.is_some() {
        let weighted = match plan.weight {
            Some(_) => format!("v_score * {weight}"),
            None => "v_score".to_string(),
        };
        sums.extend([
            ("score_min".into(), "MIN(v_score)".into(), double),
            ("score_max".into(), "MAX(v_score)".into(), double),
            ("score_sum".into(), d.exact_signed_sum(&weighted), double),
        ]);
    }
    sums
}

/// A numeric outcome's moments table: per combination of its keys, the rows and the exact
/// sums of the outcome's distances from the smallest value, and of their squares.
fn moments_query(
    plan: &TallyPlan,
    d: Dialect,
    (moment_keys, k_names): (&[String], &[String]),
    outcome: &str,
    from: &str,
) -> String {
    let k_exprs: Vec<String> = moment_keys
        .iter()
        .zip(k_names)
        .map(|(k, name)| format!("{} AS {name}", key(plan, d, k)))
        .collect();
    let inside = match plan.selection.is_empty() {
        true => "TRUE".to_string(),
        false => selected(&plan.selection, d),
    };
    let shifted = "(numbers.y - shift.s)";
    format!(
        "SELECT {ks}, COUNT(*) AS rows, {sum} AS sum, {sum_sq} AS sum_sq, MIN(shift.s) AS shift\n\
         FROM (\n  SELECT {kx}, {y} AS y\n  FROM {from} AS src\n  WHERE {inside}\n) AS numbers\n\
         CROSS JOIN (\n  SELECT MIN({y}) AS s FROM {from} AS src\n  WHERE {inside} AND {y} IS NOT NULL AND NOT {nan}\n) AS shift\n\
         WHERE numbers.y IS NOT NULL AND NOT {ynan}\nGROUP BY {ks}",
        ks = k_names.join(", "),
        sum = d.exact_sum(shifted),
        sum_sq = d.exact_sum(&format!("{shifted} * {shifted}")),
        kx = k_exprs.join(", "),
        y = num(d, outcome),
        nan = d.is_nan(&num(d, outcome)),
        ynan = d.is_nan("numbers.y"),
    )
}

/// The columns of the cells' and the moments' sides of their union: each side's own columns,
/// the other's as typed nulls.
fn union_columns(
    d: Dialect,
    keys: &[(String, String)],
    sums: &[(String, String, &str)],
    k_names: &[String],
) -> (Vec<String>, Vec<String>) {
    let null = |t: &str| format!("CAST(NULL AS {t})");
    let text = d.text_type();
    let mut cell_side = vec!["'cell' AS part".to_string()];
    let mut moment_side = vec!["'moment' AS part".to_string()];
    for (name, _) in keys {
        let t = match name.as_str() {
            "outside" => "BOOLEAN",
            "score" => d.double(),
            _ => text,
        };
        cell_side.push(name.clone());
        moment_side.push(format!("{} AS {name}", null(t)));
    }
    for (name, _, t) in sums {
        cell_side.push(name.clone());
        moment_side.push(match name.as_str() {
            "rows" => "rows".to_string(),
            _ => format!("{} AS {name}", null(t)),
        });
    }
    for name in k_names {
        cell_side.push(format!("{} AS {name}", null(text)));
        moment_side.push(name.clone());
    }
    for name in ["sum", "sum_sq", "shift"] {
        cell_side.push(format!("{} AS {name}", null(d.double())));
        moment_side.push(name.to_string());
    }
    (cell_side, moment_side)
}

/// Whether a row is inside the selection: each column's text is one of its values.
pub fn selected(selection: &[Selection], d: Dialect) -> String {
    selection
        .iter()
        .map(|s| {
            let values: Vec<String> = s.values.iter().map(|v| d.text(v)).collect();
            format!(
                "coalesce({} IN ({}), FALSE)",
                d.as_text(&format!("src.{}", d.ident(&s.column))),
                values.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// Whether a row breaks `rule` over `columns`, as [`Rule::violated`] reads it.
fn violated(rule: Rule, columns: &[String], d: Dialect) -> String {
    let col = |name: &str| format!("src.{}", d.ident(name));
    let first = &columns[0];
    let n = d.to_number(&col(first));
    let not_a_number = format!(
        "({c} IS NOT NULL AND ({n} IS NULL OR {nan}))",
        c = col(first),
        nan = d.is_nan(&n)
    );
    match rule {
        Rule::NonNegative => format!("({not_a_number} OR {n} < 0)"),
        Rule::Probability => format!("({not_a_number} OR {n} < 0 OR {n} > 1)"),
        Rule::AtMostOne => {
            let total: Vec<String> = columns
                .iter()
                .map(|c| format!("coalesce({}, 0)", d.to_number(&col(c))))
                .collect();
            format!("({}) > {}", total.join(" + "), d.number(1.0 + 1e-6))
        }
    }
}
