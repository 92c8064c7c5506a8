//! The plan as SQL: one `GROUP BY` query that computes the cell table ([`super::cells`]) where the
//! log lives (a warehouse, Spark, DuckDB), so only the cell table leaves it. Every identifier is
//! quoted and every value is a string literal with its quotes doubled, so no column or table name
//! and no `--where` value can change the query's meaning.

use super::cells::SUM_SCALE;
use super::plan::{DecisionKey, Rule, TallyPlan};
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

    /// The exact sum of non-negative values, in fixed point as the other engines take it; the
    /// whole sum becomes a float through its text, which every engine reads correctly rounded
    /// (a cast of a 38-digit decimal may not be).
    fn exact_sum(self, value: &str) -> String {
        // PostgreSQL turns a float into a decimal through 15 digits only: there each value goes
        // through a 64-bit integer (exact; values and squares up to 9.2 million), whose sum
        // PostgreSQL takes as an exact decimal.
        let whole = match self {
            Dialect::Postgres => "BIGINT",
            _ => "DECIMAL(38, 0)",
        };
        let sum = format!(
            "SUM(CAST(floor(({value}) * {scale}) AS {whole}))",
            scale = self.number(SUM_SCALE)
        );
        format!(
            "CAST({} AS {}) / {}",
            self.as_text(&sum),
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
    let col = |name: &str| format!("src.{}", d.ident(name));
    let num = |name: &str| d.to_number(&col(name));
    // Per row: the keys, then the values the cells sum.
    let key = |a: &String| match &plan.period {
        Some((column, every)) if a == super::plan::PERIOD_KEY => {
            d.as_text(&d.period(&d.to_date(&col(column)), *every))
        }
        _ => d.as_text(&col(a)),
    };
    let mut keys: Vec<(String, String)> = plan
        .attributes
        .iter()
        .enumerate()
        .map(|(i, a)| (format!("a{i}"), key(a)))
        .collect();
    let decision = match &plan.decision {
        DecisionKey::Column(c) => d.as_text(&col(c)),
        DecisionKey::AtLeast { column, threshold } => format!(
            "CASE WHEN {n} IS NULL THEN NULL WHEN {n} >= {t} THEN 'true' ELSE 'false' END",
            n = num(column),
            t = d.number(*threshold)
        ),
        DecisionKey::Value(c) => format!(
            "CASE WHEN {raw} IS NULL THEN NULL WHEN {n} IS NULL THEN 'NaN' ELSE {text} END",
            raw = col(c),
            n = num(c),
            text = d.as_text(&num(c))
        ),
    };
    keys.push(("decision".into(), decision));
    if let Some(label) = &plan.label {
        keys.push(("label".into(), d.as_text(&col(label))));
    }
    if !plan.selection.is_empty() {
        keys.push((
            "outside".into(),
            format!("NOT ({})", selected(&plan.selection, d)),
        ));
    }
    let mut values: Vec<(String, String)> = Vec::new();
    let weight = match &plan.weight {
        Some(w) => {
            values.push(("v_w".into(), format!("coalesce({}, 0)", num(w))));
            values.push((
                "v_null_w".into(),
                format!("CASE WHEN {} IS NULL THEN 1 ELSE 0 END", col(w)),
            ));
            "v_w".to_string()
        }
        None => String::new(),
    };
    for (i, columns) in plan.memberships.iter().enumerate() {
        let p = |c: &String| format!("coalesce({}, 0)", num(c));
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
    for (k, check) in plan.checks.iter().enumerate() {
        values.push((
            format!("v_check{k}"),
            format!(
                "CASE WHEN {} THEN 1 ELSE 0 END",
                violated(check.rule, &check.columns, d)
            ),
        ));
    }
    // Per cell: the sums, each with its type (a moments table's rows leave them null).
    let (double, count) = (d.double(), "BIGINT");
    let mut sums: Vec<(String, String, &str)> = vec![("rows".into(), "COUNT(*)".into(), count)];
    if plan.weight.is_some() {
        let w = weight.as_str();
        sums.push(("w".into(), d.exact_sum(w), double));
        sums.push(("w2".into(), d.exact_sum(&format!("{w} * {w}")), double));
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
    let inner: Vec<String> = keys
        .iter()
        .chain(&values)
        .map(|(name, expr)| format!("    {expr} AS {name}"))
        .collect();
    let names: Vec<&str> = keys.iter().map(|(n, _)| n.as_str()).collect();
    let from: Vec<String> = table.split('.').map(|part| d.ident(part)).collect();
    let from = from.join(".");
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
    let k_exprs: Vec<String> = moment_keys
        .iter()
        .zip(&k_names)
        .map(|(k, name)| format!("{} AS {name}", key(k)))
        .collect();
    let inside = match plan.selection.is_empty() {
        true => "TRUE".to_string(),
        false => selected(&plan.selection, d),
    };
    let shifted = "(numbers.y - shift.s)";
    let moments = format!(
        "SELECT {ks}, COUNT(*) AS rows, {sum} AS sum, {sum_sq} AS sum_sq, MIN(shift.s) AS shift\n\
         FROM (\n  SELECT {kx}, {y} AS y\n  FROM {from} AS src\n  WHERE {inside}\n) AS numbers\n\
         CROSS JOIN (\n  SELECT MIN({y}) AS s FROM {from} AS src\n  WHERE {inside} AND {y} IS NOT NULL AND NOT {nan}\n) AS shift\n\
         WHERE numbers.y IS NOT NULL AND NOT {ynan}\nGROUP BY {ks}",
        ks = k_names.join(", "),
        sum = d.exact_sum(shifted),
        sum_sq = d.exact_sum(&format!("{shifted} * {shifted}")),
        kx = k_exprs.join(", "),
        y = num(outcome),
        nan = d.is_nan(&num(outcome)),
        ynan = d.is_nan("numbers.y"),
    );
    let null = |t: &str| format!("CAST(NULL AS {t})");
    let text = d.text_type();
    let mut cell_side = vec!["'cell' AS part".to_string()];
    let mut moment_side = vec!["'moment' AS part".to_string()];
    for (name, _) in &keys {
        let t = if name == "outside" { "BOOLEAN" } else { text };
        cell_side.push(name.clone());
        moment_side.push(format!("{} AS {name}", null(t)));
    }
    for (name, _, t) in &sums {
        cell_side.push(name.clone());
        moment_side.push(match name.as_str() {
            "rows" => "rows".to_string(),
            _ => format!("{} AS {name}", null(t)),
        });
    }
    for name in &k_names {
        cell_side.push(format!("{} AS {name}", null(text)));
        moment_side.push(name.clone());
    }
    for name in ["sum", "sum_sq", "shift"] {
        cell_side.push(format!("{} AS {name}", null(double)));
        moment_side.push(name.to_string());
    }
    Ok(format!(
        "{heading}SELECT {}\nFROM (\n{cells}\n) AS c\nUNION ALL\nSELECT {}\nFROM (\n{moments}\n) AS m\n",
        cell_side.join(", "),
        moment_side.join(", ")
    ))
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
        Rule::Number => not_a_number,
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
