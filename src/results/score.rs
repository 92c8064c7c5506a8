//! The audit of the score behind a decision (`--score` with a threshold): how well it ranks each
//! group, whether it means the same thing in each, and what every other threshold would do.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A test of a group against its reference: z and its two-sided p-value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScoreTest {
    /// The statistic, group minus reference.
    pub z: f64,
    /// Its two-sided p-value (normal).
    pub p_value: f64,
    /// The p-value after the audit's adjustment over the set's groups.
    pub p_adjusted: f64,
}

/// One group's score audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GroupScoreAudit {
    /// The area under the group's ROC curve (the chance that a positive scores above a
    /// negative, ties half); `null` without a label or when the group has one class only.
    pub auc: Option<f64>,
    /// DeLong's interval of the area at the audit's confidence.
    pub auc_ci: Option<[f64; 2]>,
    /// DeLong's test of the area against the reference's (independent samples); `null` for the
    /// reference.
    pub auc_test: Option<ScoreTest>,
    /// The absolute area between the group's and the reference's ROC curves (ABROCA); `null`
    /// for the reference.
    pub abroca: Option<f64>,
    /// The ROC curve, (false positive rate, true positive rate) from (0, 0) to (1, 1), at most
    /// 201 points.
    pub roc: Vec<[f64; 2]>,
    /// Calibration (with a label).
    pub calibration: Option<Calibration>,
}

/// Whether the score means the same thing in a group as it says and as in the reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Calibration {
    /// The reliability table: the observed rate of the label in each score bin.
    pub bins: Vec<ReliabilityBin>,
    /// Observed rate minus the mean score over the group (probabilities only).
    pub in_the_large: Option<f64>,
    /// Its interval (Wilson's interval of the observed rate, minus the mean score).
    pub in_the_large_ci: Option<[f64; 2]>,
    /// The expected calibration error: Σ share of rows × |observed − mean score| over the bins
    /// (probabilities only).
    pub ece: Option<f64>,
    /// The slope of the logistic recalibration, logit P(label) = a + b·logit(score) (1 when
    /// calibrated; below 1, scores too extreme); probabilities only.
    pub slope: Option<f64>,
    /// Its interval.
    pub slope_ci: Option<[f64; 2]>,
    /// The recalibration's intercept (0 when calibrated).
    pub intercept: Option<f64>,
    /// Its interval.
    pub intercept_ci: Option<[f64; 2]>,
    /// The group's observed rate against the reference's at equal score (the reliability bins
    /// as strata); `null` for the reference.
    pub vs_reference: Option<AtEqualScore>,
}

/// One bin of the reliability table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReliabilityBin {
    /// Its lowest and highest score in the pooled log.
    pub scores: [f64; 2],
    /// The group's rows in it.
    pub n: f64,
    /// The group's mean score in it.
    pub mean_score: Option<f64>,
    /// The share of those rows whose label is positive.
    pub observed: Option<f64>,
    /// Wilson's interval of the observed rate.
    pub observed_ci: Option<[f64; 2]>,
}

/// A group against the reference at equal score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AtEqualScore {
    /// The Mantel–Haenszel ratio of the group's observed rate to the reference's within the
    /// score bins.
    pub ratio: Option<f64>,
    /// Its Greenland–Robins interval.
    pub ci: Option<[f64; 2]>,
    /// The Cochran–Mantel–Haenszel test's p-value.
    pub p_value: Option<f64>,
    /// The p-value after the audit's adjustment over the set's groups.
    pub p_adjusted: Option<f64>,
    /// What it says (at the adjusted p-value).
    pub verdict: CalibrationVerdict,
}

/// The verdict of a group's calibration against the reference's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CalibrationVerdict {
    /// No significant difference at equal score: the score means the same for both.
    Alike,
    /// At equal score the group's outcome is significantly less frequent: the score
    /// over-states it for the group.
    OverStates,
    /// At equal score the group's outcome is significantly more frequent: the score
    /// under-states it for the group.
    UnderStates,
    /// Too few rows in shared score bins to test.
    Untested,
}

impl CalibrationVerdict {
    /// Its name in `results.json`.
    pub fn name(self) -> &'static str {
        match self {
            CalibrationVerdict::Alike => "alike",
            CalibrationVerdict::OverStates => "over_states",
            CalibrationVerdict::UnderStates => "under_states",
            CalibrationVerdict::Untested => "untested",
        }
    }
}

/// An attribute set's score audit: the threshold sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SetScoreAudit {
    /// The threshold the decision uses.
    pub threshold_used: f64,
    /// Whether the score was cut into bins by rank (more than 1,000 distinct values): the areas
    /// then count scores within a bin as ties.
    pub binned: bool,
    /// With bins: the most any group's area can differ from the exact one (half the share of
    /// positive–negative pairs within a bin).
    pub auc_bin_error: Option<f64>,
    /// Whether the scores are probabilities (all from 0 to 1): the calibration error, the
    /// calibration in the large and the recalibration need them.
    pub probabilities: bool,
    /// The grid: each threshold with each group's rates, in the order of the set's groups
    /// (`null` for an excluded group).
    pub thresholds: Vec<ThresholdRow>,
    /// The ranges of thresholds on the grid at which every included group passes four-fifths,
    /// each as its lowest and highest threshold.
    pub passing: Vec<[f64; 2]>,
}

/// One threshold of the sweep: the decision is positive when the score is at or above it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ThresholdRow {
    /// The threshold.
    pub threshold: f64,
    /// Each group's selection rate.
    pub selection_rate: Vec<Option<f64>>,
    /// Each group's true positive rate (with a label).
    pub tpr: Vec<Option<f64>>,
    /// Each group's false positive rate (with a label).
    pub fpr: Vec<Option<f64>>,
    /// Each group's selection rate over the reference's.
    pub impact_ratio: Vec<Option<f64>>,
    /// Whether every included group passes four-fifths at this threshold.
    pub all_pass: bool,
}
