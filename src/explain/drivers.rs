//! What drives the decision: the logistic model's odds ratios with bootstrap intervals, its
//! hold-out AUC and accuracy, the tree's rules and fidelity, and each feature's permutation
//! importance in both models (its columns shuffled together in the hold-out rows, in parallel).

use super::design::Design;
use super::logistic::Logistic;
use super::tree::{rules, Tree};
use crate::results::explain::{Coefficient, FeatureImportance, LogisticModel, TreeModel};
use crate::stats::association::auc;
use crate::stats::bootstrap::quantile;
use ndarray::{Array2, ArrayView2, Axis};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// The penalty of the decision model: light next to a log-loss summed over thousands of rows.
pub const ALPHA: f64 = 1.0;

/// The fit stops when the log-loss gradient is below this, per row.
pub const TOLERANCE: f64 = 1e-7;

/// A resample's fit, which starts at the fit of all rows and moves by more than its own
/// precision, stops sooner.
pub const RESAMPLE_TOLERANCE: f64 = 1e-4;

/// Resamples of the training rows behind the odds ratios' intervals.
pub const REPLICATES: usize = 40;

/// Shuffles per feature whose importance drops are averaged.
const SHUFFLES: usize = 3;

/// The rows of a model: training and hold-out, by index into the sample.
#[derive(Debug, Clone)]
pub struct Split {
    /// Training rows.
    pub training: Vec<usize>,
    /// Hold-out rows.
    pub holdout: Vec<usize>,
}

impl Split {
    /// A seeded 70/30 split of `n` rows.
    pub fn of(n: usize, seed: u64) -> Split {
        let mut rows: Vec<usize> = (0..n).collect();
        rows.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
        let cut = n * 7 / 10;
        let mut training = rows[..cut].to_vec();
        let mut holdout = rows[cut..].to_vec();
        training.sort_unstable();
        holdout.sort_unstable();
        Split { training, holdout }
    }
}

/// The fitted decision models with their hold-out measures.
pub struct Drivers {
    /// The fitted logistic model.
    pub model: Logistic,
    /// The logistic model, as reported.
    pub logistic: LogisticModel,
    /// The tree, as reported.
    pub tree: TreeModel,
    /// Per feature (in the sample's order), the importance in both models.
    pub importance: Vec<FeatureImportance>,
}

/// Rows `rows` of `x`.
pub fn rows_of(x: ArrayView2<f64>, rows: &[usize]) -> Array2<f64> {
    x.select(Axis(0), rows)
}

/// Share of `predicted` equal to `actual`.
pub fn accuracy(predicted: &[bool], actual: &[bool]) -> f64 {
    let hits = predicted.iter().zip(actual).filter(|(p, a)| p == a).count();
    hits as f64 / actual.len().max(1) as f64
}

/// The mean of the shares of `true` and of `false` values of `actual` that `predicted` gets
/// right.
pub fn balanced_accuracy(predicted: &[bool], actual: &[bool]) -> f64 {
    let (mut tp, mut p, mut tn, mut n) = (0.0, 0.0, 0.0, 0.0);
    for (&guess, &truth) in predicted.iter().zip(actual) {
        if truth {
            p += 1.0;
            tp += f64::from(u8::from(guess));
        } else {
            n += 1.0;
            tn += f64::from(u8::from(!guess));
        }
    }
    match (p > 0.0, n > 0.0) {
        (true, true) => (tp / p + tn / n) / 2.0,
        (true, false) => tp / p,
        (false, true) => tn / n,
        (false, false) => 0.5,
    }
}

/// What always predicting the more frequent value scores.
pub fn baseline(actual: &[bool]) -> f64 {
    let trues = actual.iter().filter(|&&v| v).count() as f64 / actual.len().max(1) as f64;
    trues.max(1.0 - trues)
}

/// Fits both models of `y` on `design` and measures them. `None` when the training rows hold
/// one decision only.
pub fn drivers(
    design: &Design,
    features: &[String],
    y: &[bool],
    split: &Split,
    (depth, confidence, seed): (usize, f64, u64),
) -> Option<Drivers> {
    let x = design.x.view();
    let (xt, xh) = (rows_of(x, &split.training), rows_of(x, &split.holdout));
    let pick = |rows: &[usize]| -> Vec<bool> { rows.iter().map(|&i| y[i]).collect() };
    let (yt, yh) = (pick(&split.training), pick(&split.holdout));
    let model = Logistic::fit(xt.view(), &yt, (ALPHA, TOLERANCE), None)?;
    let replicates: Vec<Logistic> = (0..REPLICATES)
        .into_par_iter()
        .filter_map(|b| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ (0xB007 << 16) ^ b as u64);
            let rows: Vec<usize> = (0..yt.len())
                .map(|_| rng.random_range(0..yt.len()))
                .collect();
            let yb: Vec<bool> = rows.iter().map(|&i| yt[i]).collect();
            Logistic::fit(
                rows_of(xt.view(), &rows).view(),
                &yb,
                (ALPHA, RESAMPLE_TOLERANCE),
                Some(&model),
            )
        })
        .collect();
    let tail = (1.0 - confidence) / 2.0;
    let coefficients = design
        .columns
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let mut draws: Vec<f64> = replicates.iter().map(|m| m.beta[j]).collect();
            draws.sort_by(f64::total_cmp);
            Coefficient {
                feature: c.feature.clone(),
                kind: c.kind.clone(),
                level: c.level.clone(),
                coefficient: model.beta[j],
                odds_ratio: Some(model.beta[j].exp()),
                ci: [
                    quantile(&draws, tail).exp(),
                    quantile(&draws, 1.0 - tail).exp(),
                ],
            }
        })
        .collect();
    let probability = model.probability(xh.view());
    let predicted: Vec<bool> = probability.iter().map(|&p| p >= 0.5).collect();
    let tree = Tree::fit(xt.view(), &yt, depth)?;
    let tree_predicted = tree.predict(xh.view());
    let logistic = LogisticModel {
        alpha: ALPHA,
        intercept: model.intercept,
        coefficients,
        bootstrap_replicates: replicates.len(),
        auc: auc(probability.as_slice()?, &yh)?,
        accuracy: accuracy(&predicted, &yh),
        baseline_accuracy: baseline(&yh),
    };
    let tree_model = TreeModel {
        depth,
        rules: rules(&tree, &design.columns, xt.view(), &yt),
        fidelity: balanced_accuracy(&tree_predicted, &yh),
    };
    let base = (logistic.auc, tree_model.fidelity);
    let importance = importance(design, features, (&xh, seed), base, &|shuffled| {
        let p = model.probability(shuffled.view());
        (
            p.as_slice().and_then(|p| auc(p, &yh)).unwrap_or(0.5),
            balanced_accuracy(&tree.predict(shuffled.view()), &yh),
        )
    });
    Some(Drivers {
        model,
        logistic,
        tree: tree_model,
        importance,
    })
}

/// Each feature's permutation importance in two models: how much their hold-out scores (`base`,
/// as `score` gives them for the hold-out rows `xh`) drop when the feature's columns are shuffled
/// together, averaged over three seeded shuffles, in parallel; and each drop's share of the
/// positive drops.
pub fn importance(
    design: &Design,
    features: &[String],
    (xh, seed): (&Array2<f64>, u64),
    base: (f64, f64),
    score: &(dyn Fn(&Array2<f64>) -> (f64, f64) + Sync),
) -> Vec<FeatureImportance> {
    let drops: Vec<(f64, f64)> = (0..features.len())
        .into_par_iter()
        .map(|f| {
            let columns: Vec<usize> = (0..design.columns.len())
                .filter(|&j| design.feature_of[j] == f)
                .collect();
            let (mut first, mut second) = (0.0, 0.0);
            for s in 0..SHUFFLES {
                let mut rng = ChaCha8Rng::seed_from_u64(seed ^ ((f as u64) << 24) ^ s as u64);
                let mut order: Vec<usize> = (0..xh.nrows()).collect();
                order.shuffle(&mut rng);
                let mut shuffled = xh.clone();
                for &j in &columns {
                    for (i, &from) in order.iter().enumerate() {
                        shuffled[(i, j)] = xh[(from, j)];
                    }
                }
                let (a, b) = score(&shuffled);
                first += base.0 - a;
                second += base.1 - b;
            }
            (first / SHUFFLES as f64, second / SHUFFLES as f64)
        })
        .collect();
    let share = |values: Vec<f64>| -> Vec<f64> {
        let total: f64 = values.iter().map(|v| v.max(0.0)).sum();
        values
            .iter()
            .map(|v| if total > 0.0 { v.max(0.0) / total } else { 0.0 })
            .collect()
    };
    let first_share = share(drops.iter().map(|d| d.0).collect());
    let second_share = share(drops.iter().map(|d| d.1).collect());
    features
        .iter()
        .enumerate()
        .map(|(f, name)| FeatureImportance {
            feature: name.clone(),
            logistic: drops[f].0,
            logistic_share: first_share[f],
            tree: drops[f].1,
            tree_share: second_share[f],
        })
        .collect()
}
