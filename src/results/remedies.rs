//! `results.json`'s `explain.remedies`: per attribute set with a failing verdict, the decision
//! rules the business could adopt instead, each judged on the explain sample's hold-out rows for
//! the business goal and for the disparity, and the frontier of those no other beats on both.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

impl super::AuditResults {
    /// The remedies searched for a pooled attribute set, when they hold candidates.
    pub fn remedies_of(&self, set: &super::AttributeSetResult) -> Option<&Remedies> {
        let e = self.explain.as_ref().filter(|_| set.segment.is_none())?;
        e.remedies
            .iter()
            .find(|m| m.attributes == set.attributes && !m.candidates.is_empty())
    }
}

/// The search for a less discriminatory alternative for one attribute set.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Remedies {
    /// The attribute set.
    pub attributes: Vec<String>,
    /// Its reference group.
    pub reference: IndexMap<String, String>,
    /// `searched` (the candidates below), `direct` (the rule uses the attribute itself: no
    /// alternative without it exists among the inputs given, the rule itself must change) or
    /// `legitimate` (every failing group is explained by the declared legitimate factors: no
    /// remedy is proposed).
    pub status: String,
    /// The groups whose four-fifths verdict fails in the audit.
    pub failing: Vec<IndexMap<String, String>>,
    /// Hold-out rows the candidates are judged on.
    pub holdout_rows: usize,
    /// The candidates, the current rule first.
    pub candidates: Vec<Candidate>,
    /// The candidate recommended (its `name`): among the alternatives that pass the
    /// four-fifths rule, the one that agrees most with today's decisions (the first of equals);
    /// `null` when none passes.
    pub best: Option<String>,
}

/// One decision rule the business could adopt.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Candidate {
    /// What it is, in words a finding can name (`drop postcode_area`).
    pub name: String,
    /// `current` (the rule as the explain stage models it), `drop` (without a feature),
    /// `drop_all` (without every likely proxy), `coarsen` (a feature's most group-linked
    /// values merged into its most common one), `threshold` (the current model, one global
    /// threshold selecting more people) or `penalty` (the model fitted with a penalty on the
    /// gaps in selection rate).
    pub kind: String,
    /// The features the rule uses.
    pub features: Vec<String>,
    /// `drop`, `drop_all`, `coarsen`: the features it drops or coarsens.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<String>,
    /// `coarsen`: the values merged into the feature's most common value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<String>,
    /// `threshold`: the overall selection rate as a multiple of today's; `penalty`: the weight
    /// of the penalty (λ).
    pub setting: Option<f64>,
    /// Share of hold-out rows whose decision is today's decision.
    pub agreement: f64,
    /// Its score's AUC against the label, on the hold-out rows with one.
    pub auc: Option<f64>,
    /// Share of hold-out rows selected.
    pub selection_rate: f64,
    /// The lowest impact ratio on the favourable side (a group's selection rate over the
    /// reference's when selection is favourable, the reference's over the group's when it is
    /// not) among the groups it judges (not those inconclusive): at least the four-fifths
    /// threshold (`--di-threshold`, 0.8 by default) passes.
    pub worst_ratio: Option<f64>,
    /// The group with that ratio.
    pub worst_group: Option<IndexMap<String, String>>,
    /// Whether it passes the four-fifths rule: every group the audit fails passes, and no
    /// other group fails (a small group may stay inconclusive).
    pub passes: bool,
    /// Whether no other candidate agrees at least as much with a worst ratio at least as high,
    /// one of them strictly.
    pub frontier: bool,
    /// Per group.
    pub groups: Vec<CandidateGroup>,
}

/// A group under a candidate rule.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CandidateGroup {
    /// The group's values.
    pub group: IndexMap<String, String>,
    /// Whether it is the reference group.
    pub is_reference: bool,
    /// Its hold-out rows.
    pub rows: usize,
    /// Share of them selected.
    pub selection_rate: f64,
    /// Its selection rate over the reference's.
    pub impact_ratio: Option<f64>,
    /// Katz's interval of the ratio.
    pub ci: Option<[f64; 2]>,
    /// `pass`, `fail` (the ratio crosses four-fifths and its interval excludes 1) or
    /// `inconclusive` (it crosses, but the interval holds 1).
    pub four_fifths: String,
    /// Hold-out rows the candidate selects and the current rule (as modelled) does not.
    pub gains: usize,
    /// Hold-out rows the current rule (as modelled) selects and the candidate does not.
    pub losses: usize,
    /// `gains` scaled to the group's people in the log.
    pub gains_in_log: f64,
    /// `losses` scaled to the group's people in the log.
    pub losses_in_log: f64,
}
