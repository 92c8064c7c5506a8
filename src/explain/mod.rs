//! The explain stage: why the gaps exist. On a seeded sample of the log, models a person can
//! read (a logistic regression and a shallow decision tree, trained with linfa) say what drives
//! the decision; the features' association with each protected attribute says which inputs
//! stand for one; and each failing or inconclusive group gets the cause the data supports.
//! Aggregates only: no row, no identifier leaves this stage.

pub mod causes;
pub mod design;
pub mod drivers;
pub mod logistic;
pub mod proxies;
pub mod recourse;
pub mod regression;
pub mod regression_tree;
pub mod sample;
pub mod thresholds;
pub mod tree;

use crate::error::{AuditError, Result};
use crate::results::explain::{
    Explanation, FeatureImportance, ProxyThresholds, SampleInfo, WhatIf,
};
use crate::results::AuditResults;
use crate::spec::{AuditSpec, Decision, ExplainSpec, Favorable};
use crate::stats::ols::OlsError;
use design::Design;
use drivers::Split;
use sample::Sample;

/// The fitted models: of a yes/no decision (the logistic model, as fitted and as reported, and
/// the tree), or of a numeric outcome.
enum Models {
    Decision(
        logistic::Logistic,
        crate::results::explain::LogisticModel,
        crate::results::explain::TreeModel,
    ),
    Numeric(
        crate::results::explain::LinearModel,
        crate::results::explain::RegressionTreeModel,
    ),
}

/// What the explanation learned from: the sample, its model columns and its split (the
/// remedies stage fits its candidates on them).
pub struct Learned {
    /// The sample.
    pub sample: Sample,
    /// Its model columns.
    pub design: Design,
    /// Its training and hold-out rows.
    pub split: Split,
    /// Whether the models are of a yes/no decision.
    pub decision: bool,
}

/// Fewest sampled rows the models are fitted on.
pub const MIN_ROWS: usize = 100;

/// Explains the gaps of `results`, the audit of `spec`, on a sample drawn from its log, or on
/// `drawn`, the sample Spark drew where the log lives (a CSV file); with what it learned from.
pub fn explain(
    spec: &AuditSpec,
    explain: &ExplainSpec,
    results: &AuditResults,
    drawn: Option<&std::path::Path>,
) -> Result<(Explanation, Learned)> {
    let threshold = results.audit.score.as_ref().map(|s| s.threshold);
    let sample = draw(spec, explain, results, drawn)?;
    let seed = spec.stats.seed;
    let split = Split::of(sample.rows(), seed);
    let (design, importance, models) = fit(spec, explain, &sample, &split)?;
    let proxies = proxies::proxies(&sample, &design, &split, &importance, explain);
    let favourable = spec.favorable == Favorable::Positive;
    check_actionable(explain, &sample)?;
    let (counterfactual, recourse) = match &models {
        Models::Decision(model, _, _) => (
            recourse::counterfactual(&sample, &design, model, favourable),
            recourse::recourse(
                &sample,
                &design,
                model,
                (&explain.actionable, &explain.recourse_horizon),
                favourable,
            ),
        ),
        Models::Numeric(..) => (Vec::new(), Vec::new()),
    };
    let causes = causes::causes(
        results,
        (&sample, &split),
        &proxies,
        (&importance, &counterfactual),
        (
            explain.proxy_accuracy,
            explain.proxy_importance,
            spec.stats.confidence,
        ),
    );
    let what_if_thresholds = what_if(spec, results, &sample, threshold);
    let share = |n: usize| n as f64 / sample.rows() as f64;
    let decision_rate = (!sample.decisions.is_empty())
        .then(|| share(sample.decisions.iter().filter(|&&d| d).count()));
    let outcome_mean = sample
        .outcomes
        .as_ref()
        .map(|y| y.iter().sum::<f64>() / y.len() as f64);
    let decision = matches!(models, Models::Decision(..));
    let (logistic, tree, linear, regression_tree) = match models {
        Models::Decision(_, logistic, tree) => (Some(logistic), Some(tree), None, None),
        Models::Numeric(linear, tree) => (None, None, Some(linear), Some(tree)),
    };
    let explanation = Explanation {
        features: explain.features.clone(),
        sample: SampleInfo {
            requested: explain.sample,
            rows: sample.rows(),
            training: split.training.len(),
            holdout: split.holdout.len(),
            seed,
            decision_rate,
            outcome_mean,
        },
        thresholds: ProxyThresholds {
            importance: explain.proxy_importance,
            balanced_accuracy: explain.proxy_accuracy,
        },
        encoded: design.columns.clone(),
        logistic,
        tree,
        linear,
        regression_tree,
        importance,
        proxies,
        causes,
        counterfactual,
        recourse,
        what_if_thresholds,
        remedies: Vec::new(),
    };
    let learned = Learned {
        sample,
        design,
        split,
        decision,
    };
    Ok((explanation, learned))
}

/// A feature the explanation cannot use, and why.
fn unusable(spec: &AuditSpec, column: &str, problem: String) -> AuditError {
    AuditError::FeatureUnusable {
        path: spec.data.clone(),
        column: column.to_string(),
        problem,
    }
}

/// The sample the models learn from: drawn from the log, or the one Spark drew (`drawn`).
fn draw(
    spec: &AuditSpec,
    explain: &ExplainSpec,
    results: &AuditResults,
    drawn: Option<&std::path::Path>,
) -> Result<Sample> {
    let threshold = results.audit.score.as_ref().map(|s| s.threshold);
    let sample = match drawn {
        Some(csv) => {
            let from = AuditSpec {
                data: csv.to_path_buf(),
                frame: None,
                format: crate::spec::Format::Csv,
                delimiter: b',',
                ..spec.clone()
            };
            sample::draw(&from, explain, None, threshold)?
        }
        None => sample::draw(spec, explain, Some(results.input.rows_used), threshold)?,
    };
    if sample.rows() < MIN_ROWS {
        return Err(unusable(
            spec,
            &explain.features.join(","),
            format!(
                "the models need at least {MIN_ROWS} rows with a decision; the log has {}",
                sample.rows()
            ),
        ));
    }
    Ok(sample)
}

/// The features encoded, and the models of the decision (or of a numeric outcome) fitted on
/// the training rows, with each feature's importance.
fn fit(
    spec: &AuditSpec,
    explain: &ExplainSpec,
    sample: &Sample,
    split: &Split,
) -> Result<(Design, Vec<FeatureImportance>, Models)> {
    let design = design::encode(sample)
        .map_err(|(f, problem)| unusable(spec, &sample.features[f].0, problem))?;
    let collinear = |e: OlsError| match e {
        OlsError::Collinear { index } => unusable(
            spec,
            &design.columns[index].feature,
            "its values are determined by the other features (collinear); drop it".into(),
        ),
        OlsError::TooFewRows => unusable(
            spec,
            &explain.features.join(","),
            "fewer sampled rows than model columns".into(),
        ),
    };
    let settings = (explain.tree_depth, spec.stats.confidence, spec.stats.seed);
    let (importance, models) = match &sample.outcomes {
        Some(y) => {
            let r = regression::regression(&design, &explain.features, y, split, settings)
                .map_err(collinear)?;
            (r.importance, Models::Numeric(r.linear, r.tree))
        }
        None => {
            let d = drivers::drivers(
                &design,
                &explain.features,
                &sample.decisions,
                split,
                settings,
            )
            .ok_or_else(|| {
                unusable(
                    spec,
                    &explain.features.join(","),
                    "every sampled decision is the same, so nothing drives it".into(),
                )
            })?;
            (d.importance, Models::Decision(d.model, d.logistic, d.tree))
        }
    };
    Ok((design, importance, models))
}

/// Fails unless every actionable feature is a number a customer can change.
fn check_actionable(explain: &ExplainSpec, sample: &Sample) -> Result<()> {
    for feature in &explain.actionable {
        let numeric = sample
            .features
            .iter()
            .any(|(name, values)| name == feature && matches!(values, sample::Values::Numbers(_)));
        if !numeric {
            return Err(AuditError::Spec(format!(
                "{} {feature}: not a number; recourse needs a feature a customer can change by an amount (spend, tenure)",
                crate::error::setting_name("actionable")
            )));
        }
    }
    Ok(())
}

/// With a score: each single-attribute set's groups at other global thresholds.
fn what_if(
    spec: &AuditSpec,
    results: &AuditResults,
    sample: &Sample,
    threshold: Option<f64>,
) -> Vec<WhatIf> {
    let references: Vec<(String, String, Vec<String>)> = results
        .attribute_sets
        .iter()
        .filter(|set| set.segment.is_none() && set.attributes.len() == 1)
        .filter_map(|set| {
            let attribute = &set.attributes[0];
            let excluded = set
                .groups
                .iter()
                .filter(|g| g.measures.excluded.is_some())
                .filter_map(|g| g.measures.values.get(attribute).cloned())
                .collect();
            Some((
                attribute.clone(),
                set.reference.as_ref()?.get(attribute)?.clone(),
                excluded,
            ))
        })
        .collect();
    // A score counts from its threshold (`--threshold`), or strictly above the median.
    let score_threshold = match &spec.decision {
        Decision::Score { threshold, .. } => Some(*threshold),
        Decision::AboveMedian { .. } => threshold.map(f64::next_up),
        _ => None,
    };
    let favourable = spec.favorable == Favorable::Positive;
    score_threshold.map_or_else(Vec::new, |t| {
        thresholds::what_if(sample, &references, (t, favourable, spec.di_threshold))
    })
}
