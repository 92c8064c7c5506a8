//! The result types every stage after `tally` fills in; `results.json` is their serialization.

use crate::spec::{Favorable, Format};
use crate::stats::adjust::PAdjust;
use crate::stats::test::TestResult;
use crate::tally::Tally;
use crate::tally::ValueCount;
use indexmap::IndexMap;
use serde::Serialize;

/// Named numbers where `None` means undefined (`null` in JSON, `n/a` in reports).
pub type Values = IndexMap<String, Option<f64>>;

/// Named confidence intervals `[low, high]`; `None` where undefined.
pub type Intervals = IndexMap<String, Option<[f64; 2]>>;

/// The whole outcome of one audit run.
#[derive(Debug, Clone, Serialize)]
pub struct AuditResults {
    /// Which tool produced it.
    pub tool: ToolInfo,
    /// The decision log that was audited.
    pub input: InputInfo,
    /// What was audited and how.
    pub audit: AuditInfo,
    /// One entry per attribute set.
    pub attribute_sets: Vec<AttributeSetResult>,
}

/// Name and version of the tool.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, Serialize)]
pub struct InputInfo {
    /// The path as given.
    pub path: String,
    /// The format it was read as.
    pub format: Format,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// Rows in the file.
    pub rows_read: u64,
    /// Rows that entered the groups.
    pub rows_used: u64,
    /// Rows left out, by reason.
    pub rows_excluded: IndexMap<String, u64>,
}

/// How a decision was derived from a score.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreRule {
    /// The score column.
    pub column: String,
    /// Scores at or above it are positive decisions.
    pub threshold: f64,
}

/// The audit's definition as it applied.
#[derive(Debug, Clone, Serialize)]
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
    /// Number of tests in the adjusted family.
    pub tests_in_family: usize,
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
}

/// Results for one attribute set.
#[derive(Debug, Clone, Serialize)]
pub struct AttributeSetResult {
    /// The attributes (more than one: an intersection).
    pub attributes: Vec<String>,
    /// The reference group's values; `null` when groups are compared with the whole population.
    pub reference: Option<IndexMap<String, String>>,
    /// How the reference was chosen: `explicit`, `largest`, `highest` or `overall`.
    pub reference_strategy: String,
    /// Every group present in the data, reference included.
    pub groups: Vec<GroupResult>,
    /// Between-groups summaries (fairlearn's definitions) over the groups not excluded.
    pub summary: Summary,
    /// Rows (or weight) with a missing value of an attribute of the set: the `(missing)` group.
    pub missing: f64,
}

/// Between-groups summaries with their bootstrap intervals.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The summaries.
    #[serde(flatten)]
    pub values: Values,
    /// Stratified bootstrap percentile intervals.
    pub ci: Intervals,
}

/// One group's judged results: its measures and its verdict.
#[derive(Debug, Clone, Serialize)]
pub struct GroupResult {
    /// Counts, rates and comparisons.
    #[serde(flatten)]
    pub measures: GroupMeasures,
    /// The judgement.
    pub verdict: Verdict,
}

/// One group's counts, rates and comparisons with the reference.
#[derive(Debug, Clone, Serialize)]
pub struct GroupMeasures {
    /// The group's value of each attribute of the set.
    pub values: IndexMap<String, String>,
    /// Counts: `n`, `pp`, `pn`, and with a label `tp`, `fp`, `tn`, `fn` (weighted sums when
    /// the audit is weighted; whole numbers print as integers).
    #[serde(flatten)]
    pub counts: IndexMap<String, serde_json::Value>,
    /// `group_share`, `share_of_predicted_positives` and every rate.
    #[serde(flatten)]
    pub rates: Values,
    /// Wilson intervals of every rate.
    pub ci: Intervals,
    /// Ratios, differences and tests against the reference.
    pub vs_reference: Comparison,
    /// Whether this group is the reference of its set.
    #[serde(skip)]
    pub is_reference: bool,
    /// Why the group is excluded, if it is.
    #[serde(skip)]
    pub excluded: Option<String>,
    /// The group's tally.
    #[serde(skip)]
    pub tally: Tally,
}

/// A group against its reference.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Comparison {
    /// Ratios and differences.
    #[serde(flatten)]
    pub values: Values,
    /// Katz intervals of the ratios, Newcombe intervals of the differences.
    pub ci: Intervals,
    /// Tests of `selection_rate`, and with a label `tpr` and `fpr`.
    pub tests: IndexMap<String, TestResult>,
}

impl GroupMeasures {
    /// A rate or share by name (`None` if undefined or absent).
    pub fn rate(&self, name: &str) -> Option<f64> {
        self.rates.get(name).copied().flatten()
    }

    /// A comparison with the reference by name (`None` if undefined or absent).
    pub fn vs(&self, name: &str) -> Option<f64> {
        self.vs_reference.values.get(name).copied().flatten()
    }

    /// A count by name (0 if absent).
    pub fn count(&self, name: &str) -> f64 {
        self.counts
            .get(name)
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0)
    }

    /// The interval of a rate by name.
    pub fn interval(&self, name: &str) -> Option<[f64; 2]> {
        self.ci.get(name).copied().flatten()
    }
}

/// The outcome of the four-fifths rule for a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VerdictState {
    /// Within the threshold.
    Pass,
    /// The rule could not be applied (an undefined ratio).
    Inconclusive,
    /// Beyond the threshold and statistically significant.
    Fail,
    /// Left out: too small, too rare, or a missing value excluded by the audit.
    Excluded,
}

/// A verdict and the sentence that explains it.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// The four-fifths rule's outcome, with significance.
    pub four_fifths: VerdictState,
    /// Why, in one sentence.
    pub reason: String,
}
