//! The candidate rules: the explain stage's model of today's decisions refitted on other model
//! columns (without a likely proxy, without all of them, with a proxy's most group-linked
//! values merged into its most common one), at other global thresholds, or fitted with a
//! penalty on the gaps. Each rule selects on the hold-out rows the people whose score reaches
//! its threshold; a refitted rule's threshold keeps today's overall selection rate on the
//! training rows, so the candidates select about as many people as today.

use super::penalty::{self, Groups};
use crate::explain::design::Design;
use crate::explain::drivers::{rows_of, Split, ALPHA, TOLERANCE};
use crate::explain::logistic::Logistic;
use crate::stats::bootstrap::quantile;
use ndarray::{Array1, ArrayView2};
use rayon::prelude::*;

/// Overall selection rates of the current model tried, as multiples of today's.
pub const RATE_MULTIPLES: [f64; 3] = [1.1, 1.25, 1.5];

/// Weights of the gap penalty tried (λ, on the mean log-loss).
pub const PENALTIES: [f64; 4] = [1.0, 4.0, 16.0, 64.0];

/// How a candidate changes the current rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// None: the rule as modelled.
    Current,
    /// Without these features.
    Drop(Vec<String>),
    /// This feature's values merged into its most common one.
    Coarsen(String, Vec<String>),
    /// The current model at this multiple of today's selection rate.
    Threshold(f64),
    /// The model fitted with this gap penalty.
    Penalty(f64),
}

/// A candidate rule's scores and decisions on the hold-out rows.
pub struct Ruled {
    /// What it changes.
    pub change: Change,
    /// The features it uses.
    pub features: Vec<String>,
    /// Its score of each hold-out row.
    pub scores: Array1<f64>,
    /// Its decision of each hold-out row.
    pub decisions: Vec<bool>,
}

/// Most training rows a candidate is fitted on: evenly spread over the explain sample's
/// training rows, the same for every candidate. The models have a few dozen columns, which a
/// few thousand rows fit; a dozen fits on all 140,000 training rows of the default sample would
/// take minutes.
pub const FIT_ROWS: usize = 20_000;

/// The explain sample's rows, their decisions and their groups.
pub struct Training<'a> {
    /// The model columns.
    pub design: &'a Design,
    /// Training and hold-out rows.
    pub split: &'a Split,
    /// Today's decision of every sampled row.
    pub decisions: &'a [bool],
    /// Each sampled row's group (an index into the set's groups), for the penalty.
    pub group_of: &'a [Option<usize>],
    /// How many groups the set has.
    pub groups: usize,
    /// The reference group's index.
    pub reference: usize,
}

impl Training<'_> {
    /// The training rows the candidates are fitted on: at most [`FIT_ROWS`], evenly spread.
    fn fitted(&self) -> Vec<usize> {
        let training = &self.split.training;
        let step = training.len().div_ceil(FIT_ROWS).max(1);
        training.iter().copied().step_by(step).collect()
    }

    /// The model columns kept by `keep`, on the training and the hold-out rows.
    fn columns(
        &self,
        keep: &(dyn Fn(usize) -> bool + Sync),
    ) -> (ndarray::Array2<f64>, ndarray::Array2<f64>, Vec<String>) {
        let kept: Vec<usize> = (0..self.design.columns.len())
            .filter(|j| keep(*j))
            .collect();
        let x = self.design.x.select(ndarray::Axis(1), &kept);
        let mut features: Vec<String> = Vec::new();
        for j in &kept {
            let f = &self.design.columns[*j].feature;
            if !features.contains(f) {
                features.push(f.clone());
            }
        }
        (
            rows_of(x.view(), &self.fitted()),
            rows_of(x.view(), &self.split.holdout),
            features,
        )
    }
}

/// The candidates for a set whose likely proxies are `proxies` and whose failing groups'
/// members are `in_group` (per sampled row).
pub fn candidates(training: &Training, proxies: &[String], in_group: &[bool]) -> Vec<Ruled> {
    let fitted = training.fitted();
    let yt: Vec<bool> = fitted.iter().map(|&i| training.decisions[i]).collect();
    let rate = yt.iter().filter(|d| **d).count() as f64 / yt.len().max(1) as f64;
    let of_row: Vec<Option<usize>> = fitted.iter().map(|&i| training.group_of[i]).collect();
    let groups = Groups {
        of_row: &of_row,
        count: training.groups,
        reference: training.reference,
    };
    let columns = &training.design.columns;
    let mut out = Vec::new();
    let all = |_: usize| true;
    let (xt, xh, features) = training.columns(&all);
    let Some(current) = Logistic::fit(xt.view(), &yt, (ALPHA, TOLERANCE), None) else {
        return out;
    };
    out.push(ruled(
        Change::Current,
        &features,
        &current,
        (xt.view(), xh.view()),
        rate,
    ));
    for multiple in RATE_MULTIPLES {
        if rate * multiple < 1.0 {
            out.push(ruled(
                Change::Threshold(multiple),
                &features,
                &current,
                (xt.view(), xh.view()),
                rate * multiple,
            ));
        }
    }
    // Each refit keeps some of the model columns.
    let mut refits: Vec<(Change, Vec<bool>)> = Vec::new();
    let mut drops: Vec<Vec<String>> = proxies.iter().map(|p| vec![p.clone()]).collect();
    if proxies.len() > 1 {
        drops.push(proxies.to_vec());
    }
    for dropped in drops {
        let keep = columns
            .iter()
            .map(|c| !dropped.contains(&c.feature))
            .collect();
        refits.push((Change::Drop(dropped), keep));
    }
    for proxy in proxies {
        let merged = group_linked_levels(training, proxy, in_group);
        if merged.is_empty() {
            continue;
        }
        let keep = columns
            .iter()
            .map(|c| c.feature != *proxy || c.level.as_ref().is_none_or(|l| !merged.contains(l)))
            .collect();
        refits.push((Change::Coarsen(proxy.clone(), merged), keep));
    }
    // The refits in parallel, beside the penalties; each weight starts from the previous one's
    // model, for the path of solutions is smooth.
    let (refitted, penalized) = rayon::join(
        || {
            refits
                .into_par_iter()
                .filter_map(|(change, keep)| refit(training, &|j| keep[j], &yt, rate, change))
                .collect::<Vec<Ruled>>()
        },
        || {
            let mut model = current.clone();
            PENALTIES
                .iter()
                .map(|&lambda| {
                    model = penalty::fit(xt.view(), &yt, &groups, (ALPHA, lambda), &model);
                    ruled(
                        Change::Penalty(lambda),
                        &features,
                        &model,
                        (xt.view(), xh.view()),
                        rate,
                    )
                })
                .collect::<Vec<Ruled>>()
        },
    );
    out.extend(refitted);
    out.extend(penalized);
    out
}

/// The model refitted on the columns `keep` keeps.
fn refit(
    training: &Training,
    keep: &(dyn Fn(usize) -> bool + Sync),
    yt: &[bool],
    rate: f64,
    change: Change,
) -> Option<Ruled> {
    let (xt, xh, features) = training.columns(keep);
    if xt.ncols() == 0 {
        return None;
    }
    let model = Logistic::fit(xt.view(), yt, (ALPHA, TOLERANCE), None)?;
    Some(ruled(
        change,
        &features,
        &model,
        (xt.view(), xh.view()),
        rate,
    ))
}

/// A model's rule: its hold-out scores, and its decisions at the threshold that selects `rate`
/// of the training rows.
fn ruled(
    change: Change,
    features: &[String],
    model: &Logistic,
    (xt, xh): (ArrayView2<f64>, ArrayView2<f64>),
    rate: f64,
) -> Ruled {
    let mut trained: Vec<f64> = model.probability(xt).to_vec();
    trained.sort_by(f64::total_cmp);
    let threshold = quantile(&trained, 1.0 - rate);
    let scores = model.probability(xh);
    let decisions = scores.iter().map(|s| *s >= threshold).collect();
    Ruled {
        change,
        features: features.to_vec(),
        scores,
        decisions,
    }
}

/// A categorical proxy's values most linked to the failing groups: those whose share of the
/// groups' members on the training rows is above the share overall, the most linked third of
/// the values (at least one), never the most common value (the one they merge into).
fn group_linked_levels(training: &Training, proxy: &str, in_group: &[bool]) -> Vec<String> {
    let design = training.design;
    let rows = &training.fitted();
    let overall = rows.iter().filter(|&&i| in_group[i]).count() as f64 / rows.len() as f64;
    let mut linked: Vec<(String, f64)> = design
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.feature == proxy && c.kind == "level")
        .filter_map(|(j, c)| {
            let with: Vec<usize> = rows
                .iter()
                .copied()
                .filter(|&i| design.x[(i, j)] == 1.0)
                .collect();
            let share = with.iter().filter(|&&i| in_group[i]).count() as f64 / with.len() as f64;
            let level = c.level.clone()?;
            (!with.is_empty() && share > overall).then_some((level, share))
        })
        .collect();
    let levels = design
        .columns
        .iter()
        .filter(|c| c.feature == proxy && c.kind == "level")
        .count()
        + 1;
    linked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    linked.truncate(levels.div_ceil(3).max(1));
    linked.into_iter().map(|(l, _)| l).collect()
}
