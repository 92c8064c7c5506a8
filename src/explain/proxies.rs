//! Which inputs stand for a protected attribute. Per attribute, how well all the features
//! together predict it (a multinomial logistic model, hold-out balanced accuracy and AUC); per
//! feature, its association with it (Cramér's V or the correlation ratio, mutual information)
//! and how well it alone tells each group's members from the others (hold-out balanced accuracy
//! of the rule that names the group where the feature's value is more common among its members
//! than among the others). A driver of the decision that tells a group apart is a likely proxy.

use super::design::{level_indices, levels, Design};
use super::drivers::{balanced_accuracy, rows_of, Split};
use super::sample::{Sample, Values};
use crate::results::explain::{AttributeProxies, FeatureAssociation, FeatureImportance};
use crate::spec::ExplainSpec;
use crate::stats::association::{auc, correlation_ratio, cramers_v, mutual_information};
use crate::stats::bootstrap::quantile;
use linfa::prelude::*;
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Axis};

/// Most training rows of the model that predicts an attribute from all the features.
pub const MODEL_ROWS: usize = 20_000;

/// Each feature's category per row: a level, or a numeric feature's quintile bin (a missing
/// number is a category of its own).
pub fn categories(values: &Values) -> (Vec<usize>, usize) {
    match values {
        Values::Levels(v) => {
            let named = levels(v);
            (level_indices(v, &named), named.len())
        }
        Values::Numbers(v) => {
            let mut present: Vec<f64> = v.iter().flatten().copied().collect();
            present.sort_by(f64::total_cmp);
            let cuts: Vec<f64> = [0.2, 0.4, 0.6, 0.8]
                .iter()
                .map(|q| quantile(&present, *q))
                .collect();
            let index = v
                .iter()
                .map(|x| match x {
                    Some(x) => cuts.iter().filter(|c| x > c).count(),
                    None => 5,
                })
                .collect();
            (index, 6)
        }
    }
}

/// The proxies of every protected attribute of the sample.
pub fn proxies(
    sample: &Sample,
    design: &Design,
    split: &Split,
    importance: &[FeatureImportance],
    spec: &ExplainSpec,
) -> Vec<AttributeProxies> {
    let mut report = Vec::new();
    for (attribute, values) in &sample.attributes {
        let mut classes: Vec<String> = values.iter().flatten().cloned().collect();
        classes.sort();
        classes.dedup();
        if classes.len() < 2 {
            continue;
        }
        let class_of: Vec<Option<usize>> = values
            .iter()
            .map(|v| v.as_ref().and_then(|v| classes.binary_search(v).ok()))
            .collect();
        let present = |rows: &[usize]| -> Vec<usize> {
            rows.iter()
                .copied()
                .filter(|&i| class_of[i].is_some())
                .collect()
        };
        let (training, holdout) = (present(&split.training), present(&split.holdout));
        let (balanced_accuracy, model_auc) = predictability(
            design,
            attribute,
            &class_of,
            (&training, &holdout),
            classes.len(),
        );
        let mut features = Vec::new();
        for (f, (feature, feature_values)) in sample.features.iter().enumerate() {
            if feature == attribute {
                continue;
            }
            let (category, k) = categories(feature_values);
            let mut table = vec![vec![0.0; k]; classes.len()];
            for (i, c) in class_of.iter().enumerate() {
                if let Some(c) = c {
                    table[*c][category[i]] += 1.0;
                }
            }
            let (v, eta) = match feature_values {
                Values::Levels(_) => (cramers_v(&table), None),
                Values::Numbers(x) => (None, eta_of(x, &class_of, classes.len())),
            };
            let mut best: Option<(String, f64)> = None;
            for (g, group) in classes.iter().enumerate() {
                let ba = separation(
                    &category,
                    k,
                    &|i| class_of[i].map(|c| c == g),
                    (&training, &holdout),
                );
                if best.as_ref().is_none_or(|b| ba > b.1) {
                    best = Some((group.clone(), ba));
                }
            }
            let (group, ba) = best.unwrap_or_default();
            let driver_share = importance.get(f).map_or(0.0, |i| i.logistic_share);
            features.push(FeatureAssociation {
                feature: feature.clone(),
                cramers_v: v,
                correlation_ratio: eta,
                mutual_information: mutual_information(&table),
                group,
                balanced_accuracy: ba,
                driver_share,
                likely_proxy: driver_share >= spec.proxy_importance && ba >= spec.proxy_accuracy,
            });
        }
        report.push(AttributeProxies {
            attribute: attribute.clone(),
            balanced_accuracy,
            baseline_balanced_accuracy: 1.0 / classes.len() as f64,
            auc: model_auc,
            rows_missing: class_of.iter().filter(|c| c.is_none()).count(),
            features,
        });
    }
    report
}

/// The correlation ratio of a numeric feature across the attribute's values.
fn eta_of(x: &[Option<f64>], class_of: &[Option<usize>], k: usize) -> Option<f64> {
    let mut groups = vec![(0.0, 0.0, 0.0); k];
    for (v, c) in x.iter().zip(class_of) {
        if let (Some(v), Some(c)) = (v, c) {
            // Welford's update of count, mean and squared deviations.
            let g = &mut groups[*c];
            g.0 += 1.0;
            let delta = v - g.1;
            g.1 += delta / g.0;
            g.2 += delta * (v - g.1);
        }
    }
    correlation_ratio(&groups)
}

/// Hold-out balanced accuracy of telling a group's rows from other rows by the feature's
/// category (`member`: `Some(true)` in the group, `Some(false)` among the others, `None` in
/// neither): the rule names the group where the category is more common among its training
/// rows than among the others'.
pub fn separation(
    category: &[usize],
    k: usize,
    member: &dyn Fn(usize) -> Option<bool>,
    (training, holdout): (&[usize], &[usize]),
) -> f64 {
    let (mut inside, mut outside) = (vec![0.0; k], vec![0.0; k]);
    for &i in training {
        match member(i) {
            Some(true) => inside[category[i]] += 1.0,
            Some(false) => outside[category[i]] += 1.0,
            None => {}
        }
    }
    let (n_in, n_out): (f64, f64) = (inside.iter().sum(), outside.iter().sum());
    let names: Vec<bool> = (0..k)
        .map(|c| n_in > 0.0 && n_out > 0.0 && inside[c] / n_in > outside[c] / n_out)
        .collect();
    let (predicted, actual): (Vec<bool>, Vec<bool>) = holdout
        .iter()
        .filter_map(|&i| Some((names[category[i]], member(i)?)))
        .unzip();
    balanced_accuracy(&predicted, &actual)
}

/// Hold-out balanced accuracy and mean one-against-the-rest AUC of a multinomial logistic model
/// of the attribute on the model columns of the other features; a row is predicted to have the
/// value whose probability is largest against its share of the training rows.
fn predictability(
    design: &Design,
    attribute: &str,
    class_of: &[Option<usize>],
    (training, holdout): (&[usize], &[usize]),
    k: usize,
) -> (f64, f64) {
    let columns: Vec<usize> = (0..design.columns.len())
        .filter(|&j| design.columns[j].feature != attribute)
        .collect();
    let x = design.x.select(Axis(1), &columns);
    let target = |rows: &[usize]| -> Array1<usize> {
        rows.iter().map(|&i| class_of[i].unwrap_or(0)).collect()
    };
    let guess = (1.0 / k as f64, 0.5);
    if columns.is_empty() || training.is_empty() || holdout.is_empty() {
        return guess;
    }
    // Evenly spread training rows, at most MODEL_ROWS of them: the predictability of an
    // attribute is a property of the population, which a few thousand rows measure.
    let step = training.len().div_ceil(MODEL_ROWS).max(1);
    let fitted_rows: Vec<usize> = training.iter().copied().step_by(step).collect();
    let dataset = Dataset::new(rows_of(x.view(), &fitted_rows), target(&fitted_rows));
    let Ok(model) = MultiLogisticRegression::default()
        .alpha(1.0)
        .max_iterations(100)
        .gradient_tolerance(1e-5 * fitted_rows.len() as f64)
        .fit(&dataset)
    else {
        return guess;
    };
    let mut probabilities = model.predict_probabilities(&rows_of(x.view(), holdout));
    let fitted: &[usize] = model.classes();
    // Each value's probability over its share of the training rows: the rule that picks the
    // largest is the one balanced accuracy rewards (a rare value is not drowned by a common one).
    let training_truth = target(&fitted_rows);
    for (column, class) in fitted.iter().enumerate() {
        let share = training_truth.iter().filter(|&&t| t == *class).count() as f64
            / training_truth.len() as f64;
        probabilities
            .column_mut(column)
            .mapv_inplace(|p| p / share.max(f64::MIN_POSITIVE));
    }
    let truth = target(holdout);
    let (mut recall, mut classes_seen, mut aucs) = (0.0, 0.0, Vec::new());
    for c in 0..k {
        let members: Vec<bool> = truth.iter().map(|&t| t == c).collect();
        let Some(column) = fitted.iter().position(|&f| f == c) else {
            if members.iter().any(|&m| m) {
                classes_seen += 1.0;
            }
            continue;
        };
        let scores: Vec<f64> = probabilities.column(column).to_vec();
        if let Some(a) = auc(&scores, &members) {
            aucs.push(a);
        }
        let (mut hits, mut count) = (0.0, 0.0);
        for (row, &member) in members.iter().enumerate() {
            if member {
                count += 1.0;
                let best = (0..fitted.len())
                    .max_by(|&a, &b| probabilities[(row, a)].total_cmp(&probabilities[(row, b)]))
                    .unwrap_or(0);
                hits += f64::from(u8::from(best == column));
            }
        }
        if count > 0.0 {
            recall += hits / count;
            classes_seen += 1.0;
        }
    }
    let balanced = if classes_seen > 0.0 {
        recall / classes_seen
    } else {
        guess.0
    };
    let mean_auc = if aucs.is_empty() {
        0.5
    } else {
        aucs.iter().sum::<f64>() / aucs.len() as f64
    };
    (balanced, mean_auc)
}
