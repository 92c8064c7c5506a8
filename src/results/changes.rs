//! What changed between two audits (`fairaudit compare`, `audit --baseline`): `changes.json`.
//! Every group's rates before and after with the change's interval and test, the verdicts'
//! change, and per attribute whether the mix of people changed.

use super::VerdictState;
use crate::stats::adjust::PAdjust;
use crate::stats::test::TestMethod;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The comparison of two audits.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Changes {
    /// The earlier audit.
    pub before: AuditRef,
    /// The later audit.
    pub after: AuditRef,
    /// Confidence level of the intervals (the later audit's).
    pub confidence: f64,
    /// Significance level of the tests (the later audit's).
    pub alpha: f64,
    /// Adjustment of the tests for multiple comparisons, over every change tested.
    pub p_adjust: PAdjust,
    /// Number of changes tested together.
    pub tests_in_family: usize,
    /// How many changes are significant after the adjustment.
    pub significant_changes: usize,
    /// How many verdicts became `fail`.
    pub new: usize,
    /// How many `fail` verdicts are no longer `fail`.
    pub resolved: usize,
    /// How many verdicts are `fail` in both.
    pub persisting: usize,
    /// One entry per group and metric: every group of every attribute set of either audit.
    pub changes: Vec<Change>,
    /// Per attribute set, whether the groups' shares of the people changed.
    pub population: Vec<PopulationShift>,
}

/// One of the two audits compared.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AuditRef {
    /// The bundle's directory, as given.
    pub dir: String,
    /// The decision log it audited, as given to it.
    pub input: String,
    /// SHA-256 of that log.
    pub sha256: String,
    /// The period its dates cover (`2025-08`, `2025-01 to 2025-06`), when it had `--date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Rows it used.
    pub rows_used: u64,
}

/// A group's metric before and after.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Change {
    /// The attributes of the group's set.
    pub attributes: Vec<String>,
    /// The group's value of each attribute.
    pub values: IndexMap<String, String>,
    /// `selection_rate`, `tpr`, `fpr` (yes/no decisions) or `mean` (numeric outcomes).
    pub metric: String,
    /// Its value in the earlier audit (`null`: absent, undefined or suppressed there).
    pub before: Option<f64>,
    /// Its value in the later audit.
    pub after: Option<f64>,
    /// After minus before.
    pub difference: Option<f64>,
    /// Interval of the difference (Newcombe's for rates, Welch's for means).
    pub ci: Option<[f64; 2]>,
    /// The test of the change: two proportions (pooled z, or Fisher's exact test for small
    /// counts), or Welch's t-test of two means.
    pub method: Option<TestMethod>,
    /// Its two-sided p-value.
    pub p: Option<f64>,
    /// The p-value after the adjustment over every change tested.
    pub p_adjusted: Option<f64>,
    /// Whether `p_adjusted` is below `alpha`.
    pub significant: bool,
    /// The verdict on this metric in the earlier audit (`null`: the group is absent there, or the
    /// metric has no verdict).
    pub verdict_before: Option<VerdictState>,
    /// The verdict on this metric in the later audit.
    pub verdict_after: Option<VerdictState>,
    /// `new` (now `fail`, not before), `resolved` (`fail` before, not now), `persisting`
    /// (`fail` in both) or `unchanged` (`fail` in neither).
    pub verdict_change: VerdictChange,
}

/// How a verdict moved between two audits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum VerdictChange {
    /// It became `fail`.
    New,
    /// It was `fail` and no longer is.
    Resolved,
    /// It is `fail` in both audits.
    Persisting,
    /// It is `fail` in neither.
    Unchanged,
}

impl VerdictChange {
    /// The change from `before` to `after`.
    pub fn between(before: Option<VerdictState>, after: Option<VerdictState>) -> VerdictChange {
        let fail = |v: Option<VerdictState>| v == Some(VerdictState::Fail);
        match (fail(before), fail(after)) {
            (false, true) => VerdictChange::New,
            (true, false) => VerdictChange::Resolved,
            (true, true) => VerdictChange::Persisting,
            (false, false) => VerdictChange::Unchanged,
        }
    }
}

/// Whether the people in an attribute set's groups came in different shares.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PopulationShift {
    /// The attributes of the set.
    pub attributes: Vec<String>,
    /// Each group's share of the people before, by its values joined with `, `.
    pub shares_before: IndexMap<String, f64>,
    /// Each group's share after.
    pub shares_after: IndexMap<String, f64>,
    /// Pearson's chi-square statistic of the groups × audits table of counts (no continuity
    /// correction).
    pub chi_square: f64,
    /// Its degrees of freedom (groups − 1).
    pub df: usize,
    /// Its p-value.
    pub p: f64,
    /// Whether `p` is below `alpha`.
    pub significant: bool,
}
