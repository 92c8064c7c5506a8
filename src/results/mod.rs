//! The result types measure fills, judge completes and render formats; `results.json` is their
//! serialization, and reads back into them ([`AuditResults::from_json`]). The JSON Schema of the
//! file is generated from these types (`reports/results.schema.json`).
//!
//! A few fields are derived from the others and not written to `results.json` (marked
//! "derived"); `from_json` restores them.

pub mod changes;
pub mod explain;
pub mod remedies;
pub mod score;

use crate::metric::{Metric, Tested, Versus};
use crate::spec::{Basis, Favorable, Format, OutcomeKind};
use crate::stats::adjust::PAdjust;
use crate::stats::test::TestResult;
use crate::tally::{Cells, Tally};
use crate::value::ValueCount;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Named numbers where `None` means undefined (`null` in JSON, `n/a` in reports).
pub type Values = IndexMap<String, Option<f64>>;

/// Named confidence intervals `[low, high]`; `None` where undefined.
pub type Intervals = IndexMap<String, Option<[f64; 2]>>;

/// The whole outcome of one audit run.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AuditResults {
    /// Which tool produced it.
    pub tool: ToolInfo,
    /// The decision log that was audited.
    pub input: InputInfo,
    /// What was audited and how.
    pub audit: AuditInfo,
    /// One entry per attribute set.
    pub attribute_sets: Vec<AttributeSetResult>,
    /// With `--date`: every period's attribute sets, measured and judged on its rows alone (its
    /// tests a family of their own), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<PeriodResult>,
    /// With `--date`: every group of a pooled attribute set whose verdict fails in the last
    /// period, since when it has failed in every period.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failing_streaks: Vec<FailingStreak>,
    /// With `--date`: the periods in which every compared group of a pooled attribute set crossed
    /// the threshold on the same side, so that the reference group's own value moved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reference_moves: Vec<ReferenceMove>,
    /// Why the gaps exist, with `--features`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explain: Option<explain::Explanation>,
    /// Derived: the number of groups that need action on a check (filled by judge; the gates
    /// read it).
    #[serde(skip)]
    pub failures: usize,
}

/// One period of a dated log.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PeriodResult {
    /// Its label: `2026-03`, `2026-W09` or `2026-Q1`.
    pub period: String,
    /// Its attribute sets, in the shape of the top-level ones; a group without rows in the
    /// period is absent.
    pub attribute_sets: Vec<AttributeSetResult>,
}

/// A group failing in every period since `since`, to the last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FailingStreak {
    /// The attribute set's attributes.
    pub attributes: Vec<String>,
    /// The group, attribute by attribute.
    pub group: IndexMap<String, String>,
    /// The first period of the unbroken run of failing verdicts (a period without the group's
    /// rows breaks it).
    pub since: String,
    /// The last period.
    pub until: String,
    /// The lowest and highest of the group's ratios to the reference over those periods (its
    /// selection rate's; a numeric outcome: its mean's).
    pub ratio_range: Option<[f64; 2]>,
    /// The mean of its ratios in the periods before; `null` when it failed in every period.
    pub ratio_before: Option<f64>,
}

/// A period in which every compared group's verdict crossed the threshold on the same side of
/// the reference: the reference's own value moved, not every other group's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReferenceMove {
    /// The attribute set's attributes.
    pub attributes: Vec<String>,
    /// The period.
    pub period: String,
    /// The number of compared groups with rows in the period (every one crossed).
    pub groups: usize,
    /// The lowest and highest of their ratios to the reference in it.
    pub ratio_range: [f64; 2],
    /// The reference group's judged value in the period (its selection rate; a numeric
    /// outcome: its mean).
    pub reference_value: Option<f64>,
    /// The same over the whole log.
    pub reference_value_overall: Option<f64>,
}

/// Name and version of the tool.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ToolInfo {
    /// Always `fairaudit`.
    pub name: String,
    /// The crate version.
    pub version: String,
}

impl ToolInfo {
    /// This build of fairaudit.
    pub fn current() -> Self {
        Self {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// The input file and what happened to its rows.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct InputInfo {
    /// The path as given; for a frame handed over by the Python package (`format` `arrow`),
    /// the kind of frame (`polars DataFrame`, `pandas DataFrame`, `pyarrow Table`).
    pub path: String,
    /// The format it was read as.
    pub format: Format,
    /// SHA-256 of the file's bytes, hex. For a frame, the SHA-256 of one line per column,
    /// `SHA-256  name  type`, each column's SHA-256 taken over its values in row order (per
    /// row a byte 0 for null, else 1 and the value: a number's little-endian bytes, a text's
    /// length in 8 bytes and its UTF-8 bytes).
    pub sha256: String,
    /// Size in bytes (of a frame, in memory).
    pub size_bytes: u64,
    /// Rows in the file.
    pub rows_read: u64,
    /// Rows that entered the groups.
    pub rows_used: u64,
    /// Rows left out, by reason.
    pub rows_excluded: IndexMap<String, u64>,
    /// What computed the tallies: `polars` (this machine, over the log's files), `cells` (a cell
    /// table computed elsewhere, `--cells`; `path` and `sha256` are the table's) or `spark`
    /// (Spark, where the log lives; `sha256` is the cell table's that came back).
    #[serde(default)]
    pub engine: TallyEngineUsed,
    /// When the log is several files (a directory or a glob pattern): each file, in the order
    /// read; `sha256` above is then the SHA-256 of their listing (`SHA-256  path` lines, as
    /// `sha256sum` prints them) and `size_bytes` their total.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<LogFile>,
}

/// What computed an audit's tallies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TallyEngineUsed {
    /// Polars, on this machine, over the log's files.
    #[default]
    Polars,
    /// A cell table computed elsewhere (`fairaudit sql`'s query).
    Cells,
    /// Apache Spark, where the log lives.
    Spark,
}

/// One file of a log read from several.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LogFile {
    /// Its path.
    pub path: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: u64,
}

/// How a decision was derived from a score.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ScoreRule {
    /// The score column.
    pub column: String,
    /// Scores at or above it are positive decisions (with `score_rate` median: the median, and
    /// scores strictly above it).
    pub threshold: f64,
}

/// How an attribute the log does not record was estimated (`--estimate-race`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RaceEstimateInfo {
    /// `BISG` (surname and place) or `BIFSG` (with the first name).
    pub method: String,
    /// The column of surnames.
    pub surname: String,
    /// The column of first names, with BIFSG.
    pub first_name: Option<String>,
    /// The column of ZCTAs, if any.
    pub zcta: Option<String>,
    /// The column of census tracts (GEOIDs), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tract: Option<String>,
    /// How the rows' names and places were found.
    pub coverage: crate::estimate::Coverage,
}

/// The audit's definition as it applied.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AuditInfo {
    /// The outcome column (`null` when the decision comes from a score).
    pub outcome: Option<String>,
    /// The score rule (`null` when the decision comes from an outcome column).
    pub score: Option<ScoreRule>,
    /// Values counted as positive decisions (`null`: the binary rule 1/true/yes).
    pub positive: Option<Vec<String>>,
    /// Values counted as negative decisions, with their counts (only with `positive`).
    pub negative_values: Option<Vec<ValueCount>>,
    /// Whether the positive decision is favourable to the customer.
    pub favorable: Favorable,
    /// The label column, if any.
    pub label: Option<String>,
    /// Label values counted as positive (`null`: the binary rule).
    pub label_positive: Option<Vec<String>>,
    /// Label values counted as negative, with their counts (only with `label_positive`).
    pub label_negative_values: Option<Vec<ValueCount>>,
    /// The four-fifths threshold.
    pub di_threshold: f64,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// Significance level of the tests.
    pub alpha: f64,
    /// Multiple-comparison adjustment of the tests.
    pub p_adjust: PAdjust,
    /// Number of selection-rate tests, the family the verdicts' p-values are adjusted in.
    pub tests_in_family: usize,
    /// Every family of tests adjusted together: one per tested rate, with its size.
    pub test_families: IndexMap<String, usize>,
    /// Bootstrap replicates of the summaries.
    pub bootstrap: usize,
    /// Seed of the bootstrap.
    pub seed: u64,
    /// Groups smaller than this are excluded.
    pub min_group_size: f64,
    /// Groups with a smaller share are excluded.
    pub min_group_share: f64,
    /// Whether the `(missing)` group is excluded.
    pub exclude_missing: bool,
    /// The weight column, if any.
    pub weight: Option<String>,
    /// Attributes given as membership probabilities.
    pub membership: Vec<String>,
    /// Those of them whose groups are corrected for the blur of their probabilities (the
    /// moment correction: `race_est`, and `--correct-blur`'s).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blur_corrected: Vec<String>,
    /// Per corrected attribute with any, its groups left uncorrected: in a combination of a
    /// set's other attributes whose rows' probabilities cannot tell the groups apart.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub uncorrected_groups: IndexMap<String, u64>,
    /// With `--estimate-race`: how the attribute `race_est` was estimated, and how the log's
    /// names and places were found in the tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub race_estimate: Option<RaceEstimateInfo>,
    /// With `--suppress-json`: counts below this are `null` in this file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts_suppressed_below: Option<f64>,
    /// `continuous` for a numeric outcome (a price, a waiting time); absent for a yes/no
    /// decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<OutcomeKind>,
    /// For a numeric outcome: the standardized mean difference beyond which a gap fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smd_threshold: Option<f64>,
    /// The legitimate factors each gap is also estimated after (`--control`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<String>,
    /// With controls: what the statuses and the gates follow (`--judge`), `adjusted` (the gap at
    /// equal controls) or `raw`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge: Option<Basis>,
    /// `--where`: the rows audited, by column and the values kept.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub selection: IndexMap<String, Vec<String>>,
    /// The controls whose values are numbers, cut into quintiles: their cut points (a value at
    /// or below the first is in the first bin, and so on).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub control_bins: IndexMap<String, Vec<f64>>,
    /// The controls of more than 10 numbers that a numeric outcome's regression takes as
    /// numbers (a missing value as its own indicator), not cut into bins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub control_numbers: Vec<String>,
    /// Why "Why the gaps exist" was not computed although `--features` asked for it (the tallies
    /// came from a cell table, which holds no rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explain_left_out: Option<String>,
    /// `median` with `--score-rate median`: a score counts as selected when strictly above the
    /// log's median score, `score.threshold`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_rate: Option<String>,
}

impl AuditInfo {
    /// The kind of outcome audited (`kind` is absent for a yes/no decision).
    pub fn outcome_kind(&self) -> OutcomeKind {
        self.kind.unwrap_or(OutcomeKind::Binary)
    }

    /// What the statuses follow: the raw rates without controls or under `--judge raw`.
    pub fn basis(&self) -> Basis {
        if self.controls.is_empty() {
            Basis::Raw
        } else {
            self.judge.unwrap_or_default()
        }
    }
}

/// How the reference group of an attribute set was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReferenceUsed {
    /// Named with `--reference`.
    Explicit,
    /// The largest group.
    Largest,
    /// The group with the most favourable selection rate.
    Highest,
    /// The whole population of the set (no reference group).
    Overall,
    /// An intersection: the combination of each attribute's reference.
    Attributes,
    /// No group qualified (every group excluded).
    None,
}

/// The status of an attribute set: its worst verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SetStatus {
    /// A group fails: significant and beyond the threshold.
    ActionNeeded,
    /// A gap beyond the threshold that is not certain, or no reference to compare with.
    Review,
    /// A gap beyond the threshold in the raw rates that the declared legitimate factors
    /// explain: every group within it at equal controls.
    Explained,
    /// Every group within the threshold.
    #[default]
    Ok,
}

impl SetStatus {
    /// The worse of two statuses.
    pub fn worst(self, other: SetStatus) -> SetStatus {
        let rank = |s: SetStatus| match s {
            SetStatus::ActionNeeded => 3,
            SetStatus::Review => 2,
            SetStatus::Explained => 1,
            SetStatus::Ok => 0,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

/// Results for one attribute set.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AttributeSetResult {
    /// The attributes (more than one: an intersection).
    pub attributes: Vec<String>,
    /// The reference group's values; `null` when groups are compared with the whole population.
    pub reference: Option<IndexMap<String, String>>,
    /// How the reference was chosen.
    pub reference_strategy: ReferenceUsed,
    /// Why an intersection's reference is not the combination of its attributes' references.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_note: Option<String>,
    /// With `--segment`: the segment these groups' rows come from (`{"product": "basic"}`);
    /// absent for the pooled analysis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<IndexMap<String, String>>,
    /// Every group present in the data, reference included.
    pub groups: Vec<GroupResult>,
    /// Between-groups summaries (fairlearn's definitions) over the groups not excluded.
    pub summary: Summary,
    /// Rows (or weight) with a missing value of an attribute of the set: the `(missing)` group.
    pub missing: f64,
    /// Each measure judged for every group, with the set's status on it and the groups' order of
    /// concern (filled by judge).
    #[serde(default)]
    pub checks: Vec<SetCheck>,
    /// With a score audit: every threshold of the score, and how the score was keyed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_audit: Option<score::SetScoreAudit>,
    /// Derived: the selection rate every group is compared with (the reference group's, or the
    /// population's of the groups not excluded), filled by measure.
    #[serde(skip)]
    pub reference_rate: Option<f64>,
    /// Derived: the set's worst verdict, filled by judge.
    #[serde(skip)]
    pub status: SetStatus,
    /// Derived: the worst of its selection-rate (four-fifths) verdicts.
    #[serde(skip)]
    pub selection_status: SetStatus,
    /// Derived: the worst of its error-rate verdicts, with a label.
    #[serde(skip)]
    pub error_rate_status: Option<SetStatus>,
}

/// One check of an attribute set: a measure judged for every group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SetCheck {
    /// The measure judged: `selection_rate` (the four-fifths rule), with a label the judged
    /// error rate (`tpr` for a favourable decision, `fpr` for an adverse one), or a numeric
    /// outcome's `mean` (its standardized mean difference).
    pub metric: String,
    /// The set's status on it, the worst of its groups': `action_needed` when a group fails,
    /// `review` when a crossing is inconclusive or no group could be the reference, `explained`
    /// when a raw gap is within the rule at equal controls, `ok` otherwise.
    pub status: SetStatus,
    /// What `status` follows: `adjusted` (the verdicts at equal controls, with `--control`
    /// unless `--judge raw`, on the selection rate or the mean) or `raw`.
    #[serde(default)]
    pub status_basis: Basis,
    /// The set's status by the raw verdicts alone (`status` itself when the basis is `raw`).
    #[serde(default)]
    pub raw_status: SetStatus,
    /// Each group's status on it, in the order of `groups` (`null` for the reference and for
    /// groups left out): on the adjusted basis, a group whose raw verdict crosses the threshold
    /// and whose verdict at equal controls passes is `explained`, one whose verdict at equal
    /// controls fails is `action_needed` whatever its raw verdict.
    #[serde(default)]
    pub states: Vec<Option<SetStatus>>,
    /// How much each group needs attention on it, in the order of `groups`: 200 plus its
    /// disadvantage when its status is `action_needed`, 100 plus when `review`, 50 plus when
    /// `explained`, the disadvantage alone when `ok`, the disadvantage being the natural log of
    /// its raw ratio to the reference on the people's disadvantaged side. `null` for the
    /// reference and for groups left out.
    pub severity: Vec<Option<f64>>,
    /// The people each group's gap on it affects, on the basis `status` follows, in the order of
    /// `groups`: for a rate, how many more of the group would have fared well at the reference's
    /// rate (at equal controls, its rows at the reference's rate in each stratum: the
    /// `shortfall_adjusted` comparison), negative when it fares better; for a mean, every row of
    /// the group. `null` for the reference and for groups left out. The brief ranks findings
    /// by it.
    #[serde(default)]
    pub affected: Vec<Option<f64>>,
    /// The group the check's headline is about: the one of greatest severity; `null` when no
    /// group could be compared.
    pub focus: Option<IndexMap<String, String>>,
}

/// Between-groups summaries with their bootstrap intervals.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    /// The summaries.
    #[serde(flatten)]
    pub values: Values,
    /// Stratified bootstrap percentile intervals.
    pub ci: Intervals,
    /// By summary: the small group it stands on: of the groups under 100 rows, the one whose
    /// removal moves it most, when the summary without it differs by 0.05 or more (over three
    /// groups or more).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub driven_by: IndexMap<String, SummaryDriver>,
}

/// The one group a between-groups summary depends on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SummaryDriver {
    /// The group, attribute by attribute.
    pub group: IndexMap<String, String>,
    /// Its rows.
    pub n: f64,
    /// The summary over the other groups.
    pub without: Option<f64>,
}

/// One group: its measures, and once judged its verdict.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct GroupResult {
    /// Counts, rates and comparisons.
    #[serde(flatten)]
    pub measures: GroupMeasures,
    /// The judgement (`None` only between measure and judge).
    pub verdict: Option<Verdict>,
}

impl GroupResult {
    /// The verdict's state; a group not yet judged counts as inconclusive.
    pub fn state(&self) -> VerdictState {
        self.verdict
            .as_ref()
            .map_or(VerdictState::Inconclusive, Verdict::state)
    }

    /// The error-rate verdict's state, with a label.
    pub fn error_state(&self) -> Option<VerdictState> {
        let v = self.verdict.as_ref()?;
        v.fpr_parity.or(v.tpr_parity)
    }

    /// The verdict's reason (empty before judging).
    pub fn reason(&self) -> &str {
        self.verdict.as_ref().map_or("", |v| v.reason.as_str())
    }
}

/// A count: a whole number of rows (a weighted sum when the audit is weighted), or suppressed
/// (`null`) in `results.json` under `--suppress-json`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Count {
    /// The count.
    Value(f64),
    /// Below the minimum cell size and left out.
    Suppressed,
}

impl Count {
    /// The number (0 when suppressed).
    pub fn get(self) -> f64 {
        match self {
            Count::Value(x) => x,
            Count::Suppressed => 0.0,
        }
    }
}

impl Serialize for Count {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            // Whole numbers print as integers, weighted sums as floats.
            Count::Value(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => s.serialize_i64(x as i64),
            Count::Value(x) => s.serialize_f64(x),
            Count::Suppressed => s.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.map_or(Count::Suppressed, Count::Value))
    }
}

impl JsonSchema for Count {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Count".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A count of rows (a weighted sum when weighted); null when suppressed.",
            "type": ["number", "null"]
        })
    }
}

/// An optional count that is present: `null` reads as suppressed (an absent one is `None`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Count>, D::Error> {
    Count::deserialize(d).map(Some)
}

/// A group's counts: `n`, positive and negative decisions, and with a label the confusion cells.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Counts {
    /// Rows.
    pub n: Count,
    /// Positive decision, positive label (with a label).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub tp: Option<Count>,
    /// Positive decision, negative label (with a label).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub fp: Option<Count>,
    /// Negative decision, negative label (with a label).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub tn: Option<Count>,
    /// Negative decision, positive label (with a label).
    #[serde(
        rename = "fn",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub fn_: Option<Count>,
    /// Positive decisions (yes/no decisions).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub pp: Option<Count>,
    /// Negative decisions (yes/no decisions).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub pn: Option<Count>,
}

impl Counts {
    /// The counts of a group known only by its size (a numeric outcome's).
    pub fn of_size(n: f64) -> Counts {
        Counts {
            n: Count::Value(n),
            tp: None,
            fp: None,
            tn: None,
            fn_: None,
            pp: None,
            pn: None,
        }
    }

    /// The counts as the cells the metrics' formulas read (a suppressed or absent count as 0).
    pub fn cells(&self) -> Cells {
        let get = |c: Option<Count>| c.map_or(0.0, Count::get);
        Cells {
            n: self.n.get(),
            pp: get(self.pp),
            pn: get(self.pn),
            tp: get(self.tp),
            fp: get(self.fp),
            tn: get(self.tn),
            fn_: get(self.fn_),
        }
    }

    /// Every count present, with its name, in order.
    pub fn named(&self) -> Vec<(&'static str, Count)> {
        let mut out = vec![("n", self.n)];
        for (name, c) in [
            ("tp", self.tp),
            ("fp", self.fp),
            ("tn", self.tn),
            ("fn", self.fn_),
        ] {
            out.extend(c.map(|c| (name, c)));
        }
        for (name, c) in [("pp", self.pp), ("pn", self.pn)] {
            out.extend(c.map(|c| (name, c)));
        }
        out
    }

    /// Replaces every count below `min_cell` (but above 0) with [`Count::Suppressed`].
    pub fn suppress_below(&mut self, min_cell: f64) {
        let small = |c: &mut Count| {
            if let Count::Value(x) = *c {
                if x > 0.0 && x < min_cell {
                    *c = Count::Suppressed;
                }
            }
        };
        small(&mut self.n);
        for c in [
            &mut self.pp,
            &mut self.pn,
            &mut self.tp,
            &mut self.fp,
            &mut self.tn,
            &mut self.fn_,
        ]
        .into_iter()
        .flatten()
        {
            small(c);
        }
    }
}

/// One group's counts, rates and comparisons with the reference.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct GroupMeasures {
    /// The group's value of each attribute of the set.
    pub values: IndexMap<String, String>,
    /// Counts (weighted sums when the audit is weighted).
    #[serde(flatten)]
    pub counts: Counts,
    /// `group_share`, `share_of_predicted_positives` and every rate.
    #[serde(flatten)]
    pub rates: Values,
    /// Wilson intervals of every rate.
    pub ci: Intervals,
    /// Ratios, differences and tests against the reference.
    pub vs_reference: Comparison,
    /// With a score audit: the score's ranking and calibration in this group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_audit: Option<score::GroupScoreAudit>,
    /// Derived: whether this group is the reference of its set.
    #[serde(skip)]
    pub is_reference: bool,
    /// Derived: why the group is excluded, if it is.
    #[serde(skip)]
    pub excluded: Option<String>,
    /// Derived: the group's tally (not restored by `from_json`).
    #[serde(skip)]
    pub tally: Tally,
}

/// A group against its reference.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Comparison {
    /// Ratios and differences.
    #[serde(flatten)]
    pub values: Values,
    /// Katz intervals of the ratios, Newcombe intervals of the differences.
    pub ci: Intervals,
    /// Tests of `selection_rate`, and with a label `tpr` and `fpr`.
    pub tests: IndexMap<String, TestResult>,
    /// With `--control`: the gap left after accounting for the controls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjusted_gap: Option<AdjustedGap>,
}

impl Comparison {
    /// Sets a comparison with the reference.
    pub fn set(&mut self, versus: Versus, value: Option<f64>) {
        self.values.insert(versus.name().into_owned(), value);
    }

    /// Sets a comparison's interval.
    pub fn set_interval(&mut self, versus: Versus, ci: Option<[f64; 2]>) {
        self.ci.insert(versus.name().into_owned(), ci);
    }

    /// Records a test against the reference.
    pub fn set_test(&mut self, tested: Tested, result: TestResult) {
        self.tests.insert(tested.name().to_string(), result);
    }
}

/// A numeric outcome's gap after accounting for the controls: the group's coefficient in an
/// ordinary least-squares regression of the outcome on the controls (as categories) and an
/// indicator per group (the reference left out), with HC1 standard errors.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AdjustedGap {
    /// The group's coefficient: its difference from the reference at equal controls.
    pub estimate: f64,
    /// Its heteroskedasticity-robust (HC1) standard error.
    pub se: f64,
    /// Its interval at the audit's confidence (normal, as statsmodels' HC1 fit reports).
    pub ci: [f64; 2],
    /// Two-sided p-value of estimate / se (normal).
    pub p: f64,
    /// The p-value after the run's adjustment, over every group's adjusted gap.
    pub p_adjusted: f64,
    /// The estimate as a share of the reference's mean.
    pub percent_of_reference: Option<f64>,
    /// The estimate over the regression's residual standard deviation: the gap in units of the
    /// spread among people alike in the controls, the scale the verdict at equal controls uses.
    pub residual_smd: f64,
    /// The regression's residual standard deviation (√ of its residual mean square), in the
    /// outcome's unit.
    #[serde(default)]
    pub residual_sd: f64,
    /// The share of the raw mean difference the controls explain (Oaxaca–Blinder with the pooled
    /// coefficients: the groups' different mix of controls); `null` when there is no raw gap.
    pub explained_share: Option<f64>,
}

impl GroupMeasures {
    /// Whether the group has people, but fewer than `min_cell`: a group whose size no output
    /// for people may reveal.
    pub fn is_small(&self, min_cell: f64) -> bool {
        matches!(self.counts.n, Count::Value(n) if n > 0.0 && n < min_cell)
    }

    /// Leaves out everything from which the group's size could be worked out: its counts,
    /// shares, rates and their intervals, and its comparisons and tests.
    pub fn suppress_all(&mut self) {
        self.counts.suppress_below(f64::INFINITY);
        self.rates.values_mut().for_each(|v| *v = None);
        self.ci.values_mut().for_each(|v| *v = None);
        self.vs_reference
            .values
            .values_mut()
            .for_each(|v| *v = None);
        self.vs_reference.ci.values_mut().for_each(|v| *v = None);
        self.vs_reference.tests.clear();
    }

    /// A rate, share or statistic (`None` if undefined or absent).
    pub fn rate(&self, metric: Metric) -> Option<f64> {
        self.rates.get(metric.name()).copied().flatten()
    }

    /// A comparison with the reference (`None` if undefined or absent).
    pub fn vs(&self, versus: Versus) -> Option<f64> {
        self.vs_reference
            .values
            .get(versus.name().as_ref())
            .copied()
            .flatten()
    }

    /// The reference's value of a metric, as seen from this group: its own value minus its
    /// difference from the reference.
    pub fn reference_value(&self, metric: Metric) -> Option<f64> {
        Some(self.rate(metric)? - self.vs(Versus::Difference(metric))?)
    }

    /// The interval of a comparison with the reference.
    pub fn vs_interval(&self, versus: Versus) -> Option<[f64; 2]> {
        self.vs_reference
            .ci
            .get(versus.name().as_ref())
            .copied()
            .flatten()
    }

    /// The interval of a rate or statistic.
    pub fn interval(&self, metric: Metric) -> Option<[f64; 2]> {
        self.ci.get(metric.name()).copied().flatten()
    }

    /// A test against the reference, when it was made.
    pub fn test(&self, tested: Tested) -> Option<&TestResult> {
        self.vs_reference.tests.get(tested.name())
    }
}

/// The outcome of the four-fifths rule for a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum VerdictState {
    /// Within the threshold.
    Pass,
    /// The rule could not be applied (an undefined ratio), or a crossing is not significant.
    Inconclusive,
    /// Beyond the threshold and statistically significant.
    Fail,
    /// Left out: too small, too rare, or a missing value excluded by the audit.
    Excluded,
}

impl VerdictState {
    /// The word for the verdict.
    pub fn name(self) -> &'static str {
        match self {
            VerdictState::Pass => "pass",
            VerdictState::Inconclusive => "inconclusive",
            VerdictState::Fail => "fail",
            VerdictState::Excluded => "excluded",
        }
    }
}

/// A verdict and the sentence that explains it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Verdict {
    /// The four-fifths rule's outcome, with significance (yes/no decisions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub four_fifths: Option<VerdictState>,
    /// A numeric outcome's verdict: the standardized mean difference beyond `smd_threshold` to
    /// the disadvantage, with significance (Welch's t-test).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smd: Option<VerdictState>,
    /// Why, in one sentence.
    pub reason: String,
    /// With a label and an adverse decision: the same rule applied to the false positive rate
    /// (people wrongly flagged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fpr_parity: Option<VerdictState>,
    /// With a label and a favourable decision: the same rule applied to the true positive rate
    /// (qualified people given the favourable decision).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tpr_parity: Option<VerdictState>,
    /// With `--control`, a yes/no decision: the four-fifths rule applied to the disparate impact
    /// ratio at the reference's mix of strata, with the Cochran–Mantel–Haenszel test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub four_fifths_adjusted: Option<VerdictState>,
    /// With `--control`: the rule of `smd` applied to the adjusted gap (its residual SMD and
    /// test).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjusted_gap: Option<VerdictState>,
    /// Why, for the adjusted-gap verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjusted_reason: Option<String>,
    /// Why, for the error-rate verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_rate_reason: Option<String>,
    /// With controls, for a yes/no decision: the two measures at equal controls tell differently
    /// (one ratio's interval excludes 1 and the other's does not, or both exclude it on either
    /// side of 1): the ratio at the reference's mix, which the verdict uses, weights each stratum by the
    /// reference group's people, the Mantel–Haenszel ratio by both groups'.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub adjusted_measures_disagree: bool,
}

impl Verdict {
    /// The main verdict's state: the four-fifths rule's, or a numeric outcome's SMD rule's.
    pub fn state(&self) -> VerdictState {
        self.four_fifths
            .or(self.smd)
            .unwrap_or(VerdictState::Inconclusive)
    }
}

/// The prefix of an excluded group's verdict reason.
pub const EXCLUDED_PREFIX: &str = "excluded: ";

impl AuditResults {
    /// The results as every output for people shows them: every group with fewer than
    /// `min_cell` people keeps its name and verdict state, and nothing from which its size could
    /// be worked out.
    pub fn without_small_groups(&self, min_cell: f64) -> AuditResults {
        let mut out = self.clone();
        for g in out.attribute_sets.iter_mut().flat_map(|s| &mut s.groups) {
            if g.measures.is_small(min_cell) {
                g.measures.suppress_all();
                if let Some(v) = &mut g.verdict {
                    if v.state() != VerdictState::Excluded {
                        v.reason = format!("details not shown: fewer than {min_cell} people");
                    }
                }
            }
        }
        out
    }

    /// The pooled attribute set like `set` in each period (absent where the period has none).
    pub fn period_sets(&self, set: &AttributeSetResult) -> Vec<Option<&AttributeSetResult>> {
        self.periods
            .iter()
            .map(|p| {
                p.attribute_sets
                    .iter()
                    .find(|x| x.segment.is_none() && x.attributes == set.attributes)
            })
            .collect()
    }

    /// The periods the audit's dates cover, with `--date`: `2025-08`, or `2025-01 to 2025-06`.
    pub fn period_range(&self) -> Option<String> {
        let (first, last) = (self.periods.first()?, self.periods.last()?);
        Some(match first.period == last.period {
            true => first.period.clone(),
            false => format!("{} to {}", first.period, last.period),
        })
    }

    /// Reads `results.json` back, restoring the derived fields from the stored ones (the
    /// reference flag, the exclusion reason, the reference rate). Set status and failures
    /// are restored by judge ([`crate::judge::restore`]).
    pub fn from_json(text: &str) -> serde_json::Result<AuditResults> {
        let mut results: AuditResults = serde_json::from_str(text)?;
        let periods = results
            .periods
            .iter_mut()
            .flat_map(|p| &mut p.attribute_sets);
        for set in results.attribute_sets.iter_mut().chain(periods) {
            for g in &mut set.groups {
                let m = &mut g.measures;
                m.is_reference = set.reference.as_ref() == Some(&m.values);
                m.excluded = g
                    .verdict
                    .as_ref()
                    .filter(|v| v.state() == VerdictState::Excluded)
                    .map(|v| {
                        v.reason
                            .strip_prefix(EXCLUDED_PREFIX)
                            .unwrap_or(&v.reason)
                            .to_string()
                    });
            }
            set.reference_rate = set.groups.iter().find_map(|g| {
                let m = &g.measures;
                if m.is_reference {
                    m.rate(Metric::SelectionRate)
                } else {
                    m.reference_value(Metric::SelectionRate)
                }
            });
        }
        Ok(results)
    }
}

/// The JSON Schema (draft 2020-12) of `results.json`, generated from these types, pretty-printed
/// with a final newline. Shipped as `reports/results.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(AuditResults);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
