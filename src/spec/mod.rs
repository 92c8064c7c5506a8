//! The audit definition the engine runs: plain data, independent of how it was given (flags, TOML).

mod validate;

pub use validate::MAX_BOOTSTRAP;

use crate::metric::{Metric, Versus};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

pub mod frame;
pub use frame::LogFrame;

/// File format of a decision log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// Apache Parquet.
    Parquet,
    /// Newline-delimited JSON, one object per row.
    Ndjson,
    /// An Arrow table in memory, handed over by the Python package (no `--format` takes it).
    Arrow,
}

impl Format {
    /// The format implied by a file extension (`csv`, `parquet`/`pq`, `ndjson`/`jsonl`).
    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "csv" => Some(Self::Csv),
            "parquet" | "pq" => Some(Self::Parquet),
            "ndjson" | "jsonl" => Some(Self::Ndjson),
            _ => None,
        }
    }

    /// Parses a `--format` value.
    pub fn parse(name: &str) -> Option<Self> {
        Self::from_extension(name)
    }

    /// The format a file's extension implies.
    pub fn of_path(path: &std::path::Path) -> Option<Self> {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(Self::from_extension)
    }

    /// Its name, as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Parquet => "parquet",
            Self::Ndjson => "ndjson",
            Self::Arrow => "arrow",
        }
    }
}

/// Whether the positive decision is good or bad for the customer. Every direction-dependent
/// rule (which side of the threshold fails, which group is best off) is a method here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Favorable {
    /// The positive decision is favourable (an offer, an approval).
    Positive,
    /// The positive decision is adverse (a flag, a denial, "high risk").
    Negative,
}

impl Favorable {
    /// Whether a group's ratio to the reference crosses the four-fifths `threshold` to the
    /// customer's disadvantage: below it when the decision is favourable, above `1 / threshold`
    /// when it is adverse.
    pub fn crosses(self, ratio: f64, threshold: f64) -> bool {
        match self {
            Favorable::Positive => ratio < threshold,
            Favorable::Negative => ratio > 1.0 / threshold,
        }
    }

    /// The rate a group must not fall below (favourable) or rise above (adverse) to pass, given
    /// the reference's rate.
    pub fn bound_rate(self, reference_rate: f64, threshold: f64) -> f64 {
        match self {
            Favorable::Positive => reference_rate * threshold,
            Favorable::Negative => reference_rate / threshold,
        }
    }

    /// The bound as people read it: `0.8`, or `1/0.8 = 1.25`.
    pub fn bound_text(self, threshold: f64) -> String {
        match self {
            Favorable::Positive => format!("{threshold}"),
            Favorable::Negative => format!("1/{threshold} = {:.2}", 1.0 / threshold),
        }
    }

    /// The bound as a rate in words, for charts: `0.8 × reference rate`.
    pub fn bound_rate_text(self, threshold: f64) -> String {
        match self {
            Favorable::Positive => format!("{threshold} × reference rate"),
            Favorable::Negative => format!("reference rate / {threshold}"),
        }
    }

    /// What the ratio compares, in words: `selection rate` or `rate of the adverse decision`.
    pub fn rate_words(self) -> &'static str {
        match self {
            Favorable::Positive => "selection rate",
            Favorable::Negative => "rate of the adverse decision",
        }
    }

    /// The error rate judged with a label, and its words: the false positive rate (people wrongly
    /// flagged) for an adverse decision, the true positive rate (qualified people given the
    /// decision) for a favourable one. Its ratio to the reference's crosses the threshold on the
    /// same side as the selection rate's.
    pub fn error_rate(self) -> (Metric, &'static str) {
        match self {
            Favorable::Negative => (Metric::Fpr, "false positive rate (people wrongly flagged)"),
            Favorable::Positive => (
                Metric::Tpr,
                "true positive rate (qualified people given the decision)",
            ),
        }
    }

    /// The side of the bound that fails: `below` or `above`.
    pub fn failing_side(self) -> &'static str {
        match self {
            Favorable::Positive => "below",
            Favorable::Negative => "above",
        }
    }

    /// How good a selection rate is for the customer: the rate itself when the decision is
    /// favourable, its negation when adverse (higher is always better).
    pub fn goodness(self, rate: f64) -> f64 {
        match self {
            Favorable::Positive => rate,
            Favorable::Negative => -rate,
        }
    }
}

/// How the reference group of an attribute set is chosen when none is given explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReferenceStrategy {
    /// The group with the most rows.
    Largest,
    /// The group with the most favourable selection rate (the four-fifths rule's reference).
    Highest,
    /// The whole population of the attribute set.
    Overall,
}

/// A binary column and, optionally, the values that count as positive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BinaryColumn {
    /// Column name in the decision log.
    pub column: String,
    /// Values counted as positive; `None` means the column must be binary (0/1, true/false, yes/no).
    pub positive: Option<Vec<String>>,
}

/// The kind of outcome audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeKind {
    /// A yes/no decision.
    Binary,
    /// A number per row: a price, a discount, a waiting time.
    Continuous,
}

impl OutcomeKind {
    /// The metric its verdicts judge: the selection rate, or a numeric outcome's mean.
    pub fn judged_metric(self) -> Metric {
        match self {
            OutcomeKind::Binary => Metric::SelectionRate,
            OutcomeKind::Continuous => Metric::Mean,
        }
    }

    /// The ratio to the reference a group is followed by: the disparate impact ratio, or a
    /// numeric outcome's ratio of means.
    pub fn judged_ratio(self) -> Versus {
        match self {
            OutcomeKind::Binary => Versus::DisparateImpactRatio,
            OutcomeKind::Continuous => Versus::Ratio(Metric::Mean),
        }
    }
}

/// Where the decision comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// A column holding the decision itself.
    Outcome(BinaryColumn),
    /// A score column: the decision is positive when `score >= threshold`.
    Score { column: String, threshold: f64 },
    /// A number per row (a price, a waiting time): each group's distribution is compared with
    /// the reference's; `favorable` says whether a higher value is good for the people.
    Value { column: String },
    /// A score column: the decision is positive when the score is strictly above the median score
    /// of the whole log (the scoring rate of a NYC Local Law 144 bias audit). `median` is that
    /// median when it is known in advance (a segment's rows are judged by the whole log's); `None`
    /// computes it from the rows.
    AboveMedian { column: String, median: Option<f64> },
}

impl Decision {
    /// The column the decision is read from.
    pub fn column(&self) -> &str {
        match self {
            Decision::Outcome(c) => &c.column,
            Decision::Score { column, .. }
            | Decision::Value { column }
            | Decision::AboveMedian { column, .. } => column,
        }
    }

    /// The kind of outcome it gives: a number per row, or a yes/no decision.
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Decision::Value { .. } => OutcomeKind::Continuous,
            _ => OutcomeKind::Binary,
        }
    }

    /// Whether the outcome is a number per row rather than a yes/no decision.
    pub fn is_value(&self) -> bool {
        matches!(self, Decision::Value { .. })
    }
}

/// An explicitly chosen reference group: `attributes` (one attribute set) take `values`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferenceChoice {
    /// The attribute set, in the order given.
    pub attributes: Vec<String>,
    /// One value per attribute.
    pub values: Vec<String>,
}

/// A protected attribute known only as probabilities per row (e.g. BISG race/ethnicity
/// estimates): each row counts toward each group with its probability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Membership {
    /// The attribute's name, used with `--protected` like a column.
    pub attribute: String,
    /// `(probability column, group value)` pairs.
    pub columns: Vec<(String, String)>,
    /// Whether its groups' figures are corrected for the blur of the probabilities (the
    /// moment correction: see [`crate::tally::blur`]); for `--estimate-race`'s, whose
    /// probabilities are exact chances when the log's people are like the Census tables'.
    pub corrected: bool,
}

/// The columns a log names people and places by, for an estimate of race and ethnicity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameColumns {
    /// The surname.
    pub surname: String,
    /// The first name (BIFSG), if any.
    pub first_name: Option<String>,
    /// The ZIP Code Tabulation Area (five digits), if any.
    pub zcta: Option<String>,
    /// The census tract (its 11-digit GEOID: state, county and tract codes), if any (instead
    /// of a ZCTA).
    pub tract: Option<String>,
}

/// An attribute the log does not record, estimated from names and places
/// (`--estimate-race`): the membership attribute [`RaceEstimate::ATTRIBUTE`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RaceEstimate {
    /// The columns it is estimated from.
    pub columns: NameColumns,
    /// Whether to go on when most surnames are not in the Census list.
    pub allow_low_coverage: bool,
}

impl RaceEstimate {
    /// The attribute's name, as `--protected` takes it.
    pub const ATTRIBUTE: &'static str = "race_est";

    /// Its groups: each probability column the estimate adds and the group it is the
    /// probability of, in the order of the estimate's races.
    pub fn membership() -> Membership {
        let groups = [
            ("p_white", "White"),
            ("p_black", "Black"),
            ("p_api", "Asian or Pacific Islander"),
            ("p_native", "American Indian or Alaska Native"),
            ("p_multiple", "Two or more races"),
            ("p_hispanic", "Hispanic"),
        ];
        Membership {
            attribute: Self::ATTRIBUTE.to_string(),
            columns: groups
                .iter()
                .map(|(c, v)| (c.to_string(), v.to_string()))
                .collect(),
            corrected: true,
        }
    }
}

/// A row selection: the rows whose `column` (as text) is one of `values`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Selection {
    /// The column.
    pub column: String,
    /// The values kept.
    pub values: Vec<String>,
}

/// Statistical settings: intervals, tests, bootstrap.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatsSpec {
    /// Confidence level of every interval.
    pub confidence: f64,
    /// Significance level of the tests behind `fail` verdicts.
    pub alpha: f64,
    /// Multiple-comparison adjustment.
    pub p_adjust: crate::stats::adjust::PAdjust,
    /// Bootstrap replicates for the between-groups summaries (0: no bootstrap).
    pub bootstrap: usize,
    /// Seed of the bootstrap.
    pub seed: u64,
}

impl Default for StatsSpec {
    fn default() -> Self {
        Self {
            confidence: 0.95,
            alpha: 0.05,
            p_adjust: crate::stats::adjust::PAdjust::Holm,
            bootstrap: 1000,
            seed: 20240601,
        }
    }
}

/// Which groups are left out of references, comparisons and summaries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exclusion {
    /// Groups with fewer rows (or less total weight) are excluded.
    pub min_group_size: f64,
    /// Groups with a smaller share of the attribute set are excluded (NYC LL144 allows 0.02).
    pub min_group_share: f64,
    /// Whether the `(missing)` group is excluded.
    pub exclude_missing: bool,
}

impl Default for Exclusion {
    fn default() -> Self {
        Self {
            min_group_size: 30.0,
            min_group_share: 0.0,
            exclude_missing: false,
        }
    }
}

/// Where the tallies are computed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// Polars, on this machine, over the log's files.
    #[default]
    Polars,
    /// Elsewhere: `data` is a cell table computed by `fairaudit sql`'s query (`--cells`).
    Cells,
    /// Apache Spark, over `data` (a path Spark reads, or a table name): locally by
    /// `spark-submit`, or through Spark Connect at `remote` (`sc://host:15002`).
    Spark {
        /// The Spark Connect address, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        remote: Option<String>,
    },
}

fn is_on(value: &bool) -> bool {
    *value
}

fn is_polars(engine: &Engine) -> bool {
    *engine == Engine::Polars
}

/// What the verdicts of the decision sheet and the gates follow when legitimate factors are
/// declared (`--judge`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// The raw rates, whatever the controls.
    Raw,
    /// With controls, the gap at equal controls (a raw gap they explain is `explained`, one
    /// that remains or appears at equal controls needs action); without, the raw rates.
    #[default]
    Adjusted,
}

/// The complete definition of one audit run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditSpec {
    /// The decision log (with `Engine::Cells`, its cell table; with Spark, what Spark reads);
    /// with `frame`, the name the frame goes by.
    pub data: PathBuf,
    /// The log itself when it is already in memory (from Python); read instead of `data`.
    #[serde(skip)]
    pub frame: Option<LogFrame>,
    /// Race and ethnicity estimated from names and places as the membership attribute
    /// `race_est` (its probabilities never leave the audit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate: Option<RaceEstimate>,
    /// Where the tallies are computed.
    #[serde(skip_serializing_if = "is_polars")]
    pub engine: Engine,
    /// Its format.
    pub format: Format,
    /// The field delimiter of a CSV log (`,` unless given).
    #[serde(skip_serializing_if = "is_comma")]
    pub delimiter: u8,
    /// The decision the system made.
    pub decision: Decision,
    /// Whether the positive decision is favourable.
    pub favorable: Favorable,
    /// The true outcome, when known.
    pub label: Option<BinaryColumn>,
    /// Attribute sets to audit; a set of more than one attribute is an intersection.
    pub protected: Vec<Vec<String>>,
    /// Explicit reference groups.
    pub references: Vec<ReferenceChoice>,
    /// How other reference groups are chosen.
    pub reference_strategy: ReferenceStrategy,
    /// The four-fifths threshold.
    pub di_threshold: f64,
    /// For a numeric outcome: the standardized mean difference beyond which a gap to the
    /// disadvantage fails (when significant).
    pub smd_threshold: f64,
    /// What the statuses and the gates follow when controls are declared (`--judge`).
    pub judge: Basis,
    /// Most distinct values a protected attribute may have.
    pub max_groups: usize,
    /// A column of row weights.
    pub weight: Option<String>,
    /// Attributes given as probabilities per row.
    pub membership: Vec<Membership>,
    /// Attribute values that mean "unknown" ("Sex Not Available"): they join the `(missing)`
    /// group instead of being judged as a group of their own.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_values: Vec<String>,
    /// Legitimate factors (product, region, risk tier): a numeric outcome's gap is also
    /// estimated after accounting for them. Read as categories.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<String>,
    /// Rows audited: only those whose `column` is one of `values` (`--where`); the others are
    /// counted as left out.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub selection: Vec<Selection>,
    /// A column whose every value gets the whole analysis of its own rows, next to the pooled
    /// one (a gap that exists only in one product or region shows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// A date column and the periods it is cut into (`--date`, `--every`): the whole analysis
    /// per period, next to the whole range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dated: Option<Dated>,
    /// With a `--score` and a threshold: whether the score itself is audited (its ranking and
    /// calibration by group, every threshold), beside the verdicts at the threshold.
    #[serde(skip_serializing_if = "is_on")]
    pub score_audit: bool,
    /// Intervals, tests and bootstrap.
    pub stats: StatsSpec,
    /// Small, rare and missing groups.
    pub exclusion: Exclusion,
    /// Why the gaps exist (`--features`): models of the decision, proxies, causes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<ExplainSpec>,
}

/// The periods of a dated log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dated {
    /// The column holding a date, a datetime or an ISO date string.
    pub column: String,
    /// How the periods are cut.
    pub every: Every,
}

/// The length of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Every {
    /// Calendar months, `2026-03`; code year·100 + month.
    Month,
    /// ISO weeks, `2026-W09`; code ISO year·100 + ISO week.
    Week,
    /// Calendar quarters, `2026-Q1`; code year·10 + quarter.
    Quarter,
}

impl Every {
    /// A period's label from its code, as an engine computes it.
    pub fn label(self, code: i64) -> String {
        match self {
            Every::Month => format!("{:04}-{:02}", code / 100, code % 100),
            Every::Week => format!("{:04}-W{:02}", code / 100, code % 100),
            Every::Quarter => format!("{:04}-Q{}", code / 10, code % 10),
        }
    }

    /// The code of a date's period.
    pub fn code(self, date: chrono::NaiveDate) -> i64 {
        use chrono::Datelike;
        match self {
            Every::Month => i64::from(date.year()) * 100 + i64::from(date.month()),
            Every::Week => {
                let week = date.iso_week();
                i64::from(week.year()) * 100 + i64::from(week.week())
            }
            Every::Quarter => i64::from(date.year()) * 10 + i64::from((date.month() - 1) / 3 + 1),
        }
    }
}

/// A date written in ISO format, `2025-03-14`, or the date of an ISO date-time
/// (`2025-03-14T09:30:00`, `2025-03-14 09:30`); `None` for anything else.
pub fn parse_date(text: &str) -> Option<chrono::NaiveDate> {
    let text = text.trim();
    let (day, rest) = text.split_at_checked(10)?;
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// The explanation of the gaps: which inputs the models of the decision take, on how many rows,
/// and when a feature counts as a likely proxy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplainSpec {
    /// The inputs the decision system saw, or candidate explanations (`--features`).
    pub features: Vec<String>,
    /// Rows the models train and test on, a seeded sample of the log (`--explain-sample`).
    pub sample: usize,
    /// Depth of the decision tree (`--tree-depth`).
    pub tree_depth: usize,
    /// A feature drives the decision when it carries at least this share of the logistic
    /// model's permutation importance (`--proxy-importance`).
    pub proxy_importance: f64,
    /// A feature stands for a group when, alone, it tells the group's members from the others
    /// with at least this balanced accuracy (`--proxy-accuracy`).
    pub proxy_accuracy: f64,
    /// Numeric features a customer can change (spend, tenure): the recourse of each group
    /// (`--actionable`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actionable: Vec<String>,
    /// The largest change of an actionable feature a customer can make within the audit's
    /// horizon, per feature (`--recourse-horizon tenure_months=12`); a feature without one is
    /// bounded by its interquartile range in the sample. A decision that would turn only with a
    /// larger change has no feasible recourse.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recourse_horizon: Vec<(String, f64)>,
    /// Search each failing set for a less discriminatory alternative (`--remedies`, on by
    /// default; `--no-remedies` leaves it out).
    #[serde(default = "yes")]
    pub remedies: bool,
}

fn yes() -> bool {
    true
}

impl Default for ExplainSpec {
    fn default() -> Self {
        ExplainSpec {
            features: Vec::new(),
            sample: 200_000,
            tree_depth: 3,
            proxy_importance: 0.10,
            proxy_accuracy: 0.70,
            actionable: Vec::new(),
            recourse_horizon: Vec::new(),
            remedies: true,
        }
    }
}

fn is_comma(delimiter: &u8) -> bool {
    *delimiter == b','
}

impl AuditSpec {
    /// An audit of `protected` in the CSV log `data` with every other setting at its default.
    pub fn new(data: impl Into<PathBuf>, decision: Decision, protected: Vec<Vec<String>>) -> Self {
        AuditSpec {
            data: data.into(),
            frame: None,
            estimate: None,
            format: Format::Csv,
            delimiter: b',',
            decision,
            favorable: Favorable::Positive,
            label: None,
            protected,
            references: Vec::new(),
            reference_strategy: ReferenceStrategy::Largest,
            di_threshold: 0.8,
            smd_threshold: 0.2,
            judge: Basis::Adjusted,
            max_groups: 1000,
            weight: None,
            membership: Vec::new(),
            missing_values: Vec::new(),
            controls: Vec::new(),
            segment: None,
            dated: None,
            score_audit: true,
            selection: Vec::new(),
            stats: StatsSpec::default(),
            exclusion: Exclusion::default(),
            explain: None,
            engine: Engine::Polars,
        }
    }

    /// The threshold of a score whose audit is on (`--score` with `--threshold`).
    pub fn score_threshold(&self) -> Option<f64> {
        match self.decision {
            Decision::Score { threshold, .. } if self.score_audit => Some(threshold),
            _ => None,
        }
    }

    /// Every column the audit reads, each once, in a stable order.
    pub fn columns(&self) -> Vec<String> {
        let mut cols: Vec<String> = Vec::new();
        let mut push = |c: &str| {
            if !cols.iter().any(|x| x == c) {
                cols.push(c.to_string());
            }
        };
        self.protected_columns().iter().for_each(|c| push(c));
        push(self.decision.column());
        if let Some(label) = &self.label {
            push(&label.column);
        }
        if let Some(w) = &self.weight {
            push(w);
        }
        // An estimated attribute's probabilities are added to the log; its names and places are
        // read from it.
        self.membership
            .iter()
            .filter(|m| self.estimate.is_none() || m.attribute != RaceEstimate::ATTRIBUTE)
            .flat_map(|m| &m.columns)
            .for_each(|(c, _)| push(c));
        if let Some(estimate) = &self.estimate {
            let names = &estimate.columns;
            push(&names.surname);
            names
                .first_name
                .iter()
                .chain(&names.zcta)
                .chain(&names.tract)
                .for_each(|c| push(c));
        }
        self.controls.iter().for_each(|c| push(c));
        self.segment.iter().for_each(|c| push(c));
        self.dated.iter().for_each(|d| push(&d.column));
        self.selection.iter().for_each(|s| push(&s.column));
        self.explain
            .iter()
            .flat_map(|e| &e.features)
            .for_each(|c| push(c));
        cols
    }

    /// The columns a tally groups by besides the outcome: the protected attributes read from
    /// columns, then the controls not among them.
    pub fn key_columns(&self) -> Vec<String> {
        let mut cols = self.protected_columns();
        for c in self.controls.iter().chain(&self.segment) {
            if !cols.contains(c) {
                cols.push(c.clone());
            }
        }
        cols
    }

    /// The distinct protected attributes read from columns (not soft memberships), in order of
    /// first mention.
    pub fn protected_columns(&self) -> Vec<String> {
        let mut cols: Vec<String> = Vec::new();
        for c in self.protected.iter().flatten() {
            if !cols.contains(c) && self.soft(c).is_none() {
                cols.push(c.clone());
            }
        }
        cols
    }

    /// The soft membership of attribute `name`, if it is one.
    pub fn soft(&self, name: &str) -> Option<&Membership> {
        self.membership.iter().find(|m| m.attribute == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_and_date_times_are_read_and_nothing_else() {
        let day = chrono::NaiveDate::from_ymd_opt(2025, 3, 14);
        for text in [
            "2025-03-14",
            " 2025-03-14 ",
            "2025-03-14T09:30:00",
            "2025-03-14 09:30",
        ] {
            assert_eq!(parse_date(text), day, "{text}");
        }
        for text in [
            "",
            "2025-3-14",
            "14/03/2025",
            "2025-03-14x",
            "2025-02-30",
            "20250314",
            "2025-03-1",
        ] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }
}
