//! `results.json`'s `explain`: why the gaps exist. Models of the decision trained on a seeded
//! sample of the log (what drives it), how well the inputs stand for each protected attribute
//! (proxies), and per failing or inconclusive group the cause the data supports. Aggregates
//! only: no row, no identifier.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The explanation of an audit's gaps.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Explanation {
    /// The features the models take (`--features`), in the order given.
    pub features: Vec<String>,
    /// The rows the models saw.
    pub sample: SampleInfo,
    /// When a feature counts as a likely proxy.
    pub thresholds: ProxyThresholds,
    /// The model columns the features became.
    pub encoded: Vec<EncodedColumn>,
    /// The logistic regression of a yes/no decision on the features.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logistic: Option<LogisticModel>,
    /// The shallow decision tree of a yes/no decision, as rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tree: Option<TreeModel>,
    /// The least-squares regression of a numeric outcome on the features.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linear: Option<LinearModel>,
    /// The shallow regression tree of a numeric outcome, as rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regression_tree: Option<RegressionTreeModel>,
    /// Per feature, how much each model's hold-out performance drops when its values are
    /// shuffled, most important first.
    pub importance: Vec<FeatureImportance>,
    /// Per protected attribute, how well the features stand for it.
    pub proxies: Vec<AttributeProxies>,
    /// Per failing or inconclusive group, the cause the data supports.
    pub causes: Vec<Cause>,
    /// When a protected attribute is among the features: per group and other value, the share
    /// of the model's decisions that change when the attribute alone is set to that value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub counterfactual: Vec<Flip>,
    /// With `--actionable`: per actionable feature and protected attribute, what it would take
    /// each group to turn an unfavourable decision.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recourse: Vec<Recourse>,
    /// For a decision made from a score: per protected attribute, group thresholds that would
    /// close the gaps, and what they cost. An option for the committee, not a verdict.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub what_if_thresholds: Vec<WhatIf>,
    /// Per attribute set with a failing four-fifths verdict (yes/no decisions): the rules the
    /// business could adopt instead, and what each costs ("What could be done instead").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remedies: Vec<super::remedies::Remedies>,
}

/// Per-group thresholds that would bring one rate of every group in line with the reference's.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct WhatIf {
    /// The protected attribute.
    pub attribute: String,
    /// `selection_rate` (within the four-fifths rule of the reference's) or
    /// `true_positive_rate` (equal to the reference's, with a label and a favourable decision).
    pub target: String,
    /// The reference group, which keeps the audit's threshold.
    pub reference: String,
    /// Per group.
    pub groups: Vec<GroupThreshold>,
    /// The sample's selection rate with the audit's threshold.
    pub selection_rate_before: f64,
    /// With the groups' thresholds.
    pub selection_rate_after: f64,
    /// With a label: the share of decisions that match it, before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_before: Option<f64>,
    /// After.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_after: Option<f64>,
}

/// One group's threshold.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct GroupThreshold {
    /// The group's value.
    pub group: String,
    /// The threshold (the audit's when the group needs no change).
    pub threshold: f64,
    /// The group's rate with the audit's threshold (`null`: no rows it is taken over).
    pub rate_before: Option<f64>,
    /// With its own threshold.
    pub rate_after: Option<f64>,
}

/// The model's decisions of one group with its protected attribute set to another value.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Flip {
    /// The protected attribute (one of the features).
    pub attribute: String,
    /// The group's value.
    pub group: String,
    /// The value it is set to.
    pub to: String,
    /// The group's sampled rows.
    pub rows: usize,
    /// Share of their model decisions (probability 0.5 or more is positive) that change.
    pub changed_share: f64,
    /// Share that change to the favourable decision.
    pub to_favourable_share: f64,
}

/// What one actionable feature would take, group by group.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Recourse {
    /// The actionable feature.
    pub feature: String,
    /// The largest change of it a customer can make within the audit's horizon, in its units:
    /// as given (`--recourse-horizon`), or its interquartile range in the sample.
    pub horizon: f64,
    /// Whether the horizon was given (else it is the interquartile range).
    pub horizon_given: bool,
    /// `increase` or `decrease`: the way the logistic model's decision turns favourable.
    pub direction: String,
    /// The protected attribute whose groups are compared.
    pub attribute: String,
    /// Per group.
    pub groups: Vec<GroupRecourse>,
}

/// One group's recourse through one feature.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct GroupRecourse {
    /// The group's value.
    pub group: String,
    /// Its sampled rows with the unfavourable decision that the model also decides
    /// unfavourably.
    pub unfavourable: usize,
    /// Share of them the model would decide favourably after a change of the feature alone no
    /// larger than the horizon, that keeps it within the values seen in the sample (a missing
    /// value cannot change).
    pub changeable_share: f64,
    /// Share of them that would turn only with a change beyond the horizon (within the values
    /// seen): no feasible change.
    pub beyond_horizon_share: f64,
    /// The median of the smallest changes within the horizon, in the feature's units; `null`
    /// when no feasible change turns any.
    pub median_change: Option<f64>,
}

/// The seeded sample the models train and test on.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SampleInfo {
    /// The most rows asked for (`--explain-sample`).
    pub requested: usize,
    /// Rows sampled with a decision (all the log's, when it has no more than `requested`).
    pub rows: usize,
    /// Of those, the rows the models were fitted on (70%).
    pub training: usize,
    /// The rest, on which every accuracy, AUC and importance is measured.
    pub holdout: usize,
    /// The seed of the sample, the split and the bootstrap (`--seed`).
    pub seed: u64,
    /// Share of sampled rows with the positive decision (a yes/no decision).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_rate: Option<f64>,
    /// Mean outcome of the sampled rows (a numeric outcome).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome_mean: Option<f64>,
}

/// The least-squares regression of a numeric outcome.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LinearModel {
    /// The intercept (the outcome at the base levels and mean numbers).
    pub intercept: f64,
    /// One per encoded column, in their order: the change of the outcome per standardized
    /// unit or against the base level, with its interval from HC1 standard errors.
    pub coefficients: Vec<Coefficient>,
    /// Hold-out R²: the share of the outcome's spread around its mean that the model predicts.
    pub r2: f64,
}

/// The regression tree of a numeric outcome.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RegressionTreeModel {
    /// The most levels of questions (`--tree-depth`).
    pub depth: usize,
    /// The leaves as rules, left first.
    pub rules: Vec<RegressionRule>,
    /// Hold-out R².
    pub r2: f64,
}

/// One leaf of the regression tree.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RegressionRule {
    /// The conditions, in the features' own units and levels.
    pub conditions: Vec<String>,
    /// Training rows that reach the leaf.
    pub rows: usize,
    /// Their mean outcome: the leaf's prediction.
    pub mean: f64,
}

/// The thresholds of a likely proxy.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProxyThresholds {
    /// Least share of the logistic model's permutation importance of a driver.
    pub importance: f64,
    /// Least balanced accuracy with which a feature alone tells a group's members from others.
    pub balanced_accuracy: f64,
}

/// How a model column was made from a feature.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct EncodedColumn {
    /// The feature.
    pub feature: String,
    /// `number` (standardized: minus `mean`, over `std`), `level` (1 for `level`, against the
    /// most frequent level, which has no column) or `missing` (1 where the value is missing).
    pub kind: String,
    /// The level, for a `level` column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// The sample mean, for a `number` column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    /// The sample standard deviation, for a `number` column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub std: Option<f64>,
}

/// The logistic regression of the decision.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LogisticModel {
    /// The L2 penalty, α/2·‖β‖² added to the summed log-loss.
    pub alpha: f64,
    /// The intercept (log-odds at the base levels and mean numbers).
    pub intercept: f64,
    /// One per encoded column, in their order.
    pub coefficients: Vec<Coefficient>,
    /// Bootstrap replicates behind the intervals (resamples of the training rows).
    pub bootstrap_replicates: usize,
    /// Hold-out area under the ROC curve of the predicted probability.
    pub auc: f64,
    /// Hold-out share of decisions the model predicts (probability 0.5 or more is positive).
    pub accuracy: f64,
    /// Hold-out share of the most frequent decision: what predicting it always scores.
    pub baseline_accuracy: f64,
}

/// A coefficient of the logistic or linear model.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Coefficient {
    /// The feature.
    pub feature: String,
    /// The encoded column's kind (`number`, `level`, `missing`).
    pub kind: String,
    /// The level, for a `level` column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// The change per standardized unit (a number) or against the base level: of the log-odds
    /// (logistic), of the outcome (linear).
    pub coefficient: f64,
    /// exp(coefficient), for the logistic model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub odds_ratio: Option<f64>,
    /// The interval at the audit's confidence: of the odds ratio (percentile bootstrap), or of
    /// the coefficient (linear, HC1).
    pub ci: [f64; 2],
}

/// The decision tree of the decision.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TreeModel {
    /// The most levels of questions (`--tree-depth`).
    pub depth: usize,
    /// The leaves as rules, in the tree's order (left first).
    pub rules: Vec<TreeRule>,
    /// Hold-out balanced accuracy of the tree against the real decisions: the mean of the
    /// shares of positive and of negative decisions it reproduces (0.5 is no better than a
    /// guess).
    pub fidelity: f64,
}

/// One leaf of the tree: the conditions that lead there and what it predicts.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TreeRule {
    /// The conditions, in the features' own units and levels (`tenure_months < 24.5`,
    /// `channel is app`, `postcode_area is not Riverside`).
    pub conditions: Vec<String>,
    /// Whether the leaf predicts the positive decision. Both decisions weigh the same in the
    /// tree, so it does where the decision is more frequent than in the whole sample.
    pub predicts_positive: bool,
    /// Training rows that reach the leaf.
    pub rows: usize,
    /// Their share of positive decisions.
    pub decision_rate: f64,
}

/// A feature's permutation importance in both models (the logistic model and the decision tree
/// of a yes/no decision; the linear model and the regression tree of a numeric outcome, whose
/// drops are of hold-out R²).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct FeatureImportance {
    /// The feature.
    pub feature: String,
    /// Drop in the logistic model's hold-out AUC (the linear model's R²) when the feature is
    /// shuffled.
    pub logistic: f64,
    /// Its share of the positive drops of all features.
    pub logistic_share: f64,
    /// Drop in the tree's hold-out balanced accuracy (the regression tree's R²) when the feature
    /// is shuffled.
    pub tree: f64,
    /// Its share of the positive drops of all features.
    pub tree_share: f64,
}

/// How well the features stand for one protected attribute.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AttributeProxies {
    /// The protected attribute.
    pub attribute: String,
    /// Hold-out balanced accuracy of a multinomial logistic model of the attribute on all the
    /// features (1/number of values is a guess).
    pub balanced_accuracy: f64,
    /// What guessing scores: 1 / the number of values.
    pub baseline_balanced_accuracy: f64,
    /// Its hold-out AUC, one value against the rest, averaged over the values.
    pub auc: f64,
    /// Rows with the attribute missing, left out of this model.
    pub rows_missing: usize,
    /// Per feature, its association with the attribute.
    pub features: Vec<FeatureAssociation>,
}

/// One feature's association with a protected attribute, on the sample.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct FeatureAssociation {
    /// The feature.
    pub feature: String,
    /// Cramér's V (a categorical feature).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cramers_v: Option<f64>,
    /// The correlation ratio η (a numeric feature): the share of its spread the attribute's
    /// values account for, square-rooted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_ratio: Option<f64>,
    /// Mutual information in bits (a numeric feature in its quintile bins).
    pub mutual_information: f64,
    /// The value of the attribute the feature alone tells from the others best.
    pub group: String,
    /// The hold-out balanced accuracy of that.
    pub balanced_accuracy: f64,
    /// The feature's share of the decision model's permutation importance.
    pub driver_share: f64,
    /// A driver of the decision that stands for the group.
    pub likely_proxy: bool,
}

/// The cause of one failing or inconclusive group's gap.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Cause {
    /// The attribute set's attributes.
    pub attributes: Vec<String>,
    /// The group, attribute by attribute.
    pub group: IndexMap<String, String>,
    /// Its verdict (`fail`, `inconclusive`).
    pub verdict: String,
    /// `direct` (the protected attribute is itself an input that drives the model),
    /// `legitimate` (the declared controls explain it), `proxy` (a likely proxy carries it) or
    /// `unexplained` (not by the inputs given).
    pub case: String,
    /// For `direct`: the share of the group's decisions the model turns favourable when the
    /// attribute alone is set to the reference's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flipped_share: Option<f64>,
    /// The likely proxy, for `proxy`; the attribute, for `direct`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    /// The group's selection rate (a numeric outcome: its mean) over the reference's within the
    /// proxy's values, at the reference's mix of them, for `proxy`; in the sample.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio_within: Option<f64>,
    /// Its interval at the audit's confidence (delta method; a yes/no decision only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio_within_ci: Option<[f64; 2]>,
    /// The raw ratio in the sample, beside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio_raw: Option<f64>,
    /// Whether the gap remains within the proxy's values (the proxy carries only part of it):
    /// the ratio within still crosses the four-fifths threshold (a numeric outcome: at least
    /// half of the raw ratio's distance from 1 remains). Written only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remains_within: bool,
    /// Share of the gap the declared controls explain, for `legitimate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explained_share: Option<f64>,
    /// The share of the decision model's permutation importance of the likely proxy (`proxy`)
    /// or of the attribute (`direct`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver_share: Option<f64>,
    /// How well the proxy alone tells the group's members from the reference group's (hold-out
    /// balanced accuracy), for `proxy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balanced_accuracy: Option<f64>,
}
