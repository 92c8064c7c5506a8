//! What would change the decision, under the fitted logistic model: the counterfactual flip of
//! a protected attribute that is itself a feature (every row set to each other value), and the
//! recourse through an actionable feature (the smallest change of it alone that turns an
//! unfavourable decision, within the values seen and within the horizon a customer can reach).
//! Per group, aggregates only.

use super::design::Design;
use super::logistic::Logistic;
use super::sample::{Sample, Values};
use crate::results::explain::{Flip, GroupRecourse, Recourse};
use crate::stats::bootstrap::quantile;

/// The model's decision (probability 0.5 or more: positive) for each row of `x`.
fn decide(model: &Logistic, x: ndarray::ArrayView2<f64>) -> Vec<bool> {
    model.probability(x).iter().map(|&p| p >= 0.5).collect()
}

/// The counterfactual flips of every protected attribute among the features. `favourable` is
/// the decision that is good for the people (`true`: the positive one).
pub fn counterfactual(
    sample: &Sample,
    design: &Design,
    model: &Logistic,
    favourable: bool,
) -> Vec<Flip> {
    let mut out = Vec::new();
    let before = decide(model, design.x.view());
    for (attribute, _) in &sample.attributes {
        let Some(f) = sample
            .features
            .iter()
            .position(|(name, _)| name == attribute)
        else {
            continue;
        };
        let Values::Levels(values) = &sample.features[f].1 else {
            continue;
        };
        let columns: Vec<usize> = (0..design.columns.len())
            .filter(|&j| design.feature_of[j] == f)
            .collect();
        let named = super::design::levels(values);
        let index = super::design::level_indices(values, &named);
        for (g, group) in named.iter().enumerate() {
            let rows: Vec<usize> = (0..index.len()).filter(|&i| index[i] == g).collect();
            if rows.is_empty() {
                continue;
            }
            for to in named
                .iter()
                .enumerate()
                .filter(|(v, _)| *v != g)
                .map(|(_, t)| t)
            {
                let mut x = design.x.select(ndarray::Axis(0), &rows);
                for &j in &columns {
                    let is_to = design.columns[j].level.as_deref() == Some(to.as_str());
                    x.column_mut(j).fill(f64::from(u8::from(is_to)));
                }
                let after = decide(model, x.view());
                let changed = rows
                    .iter()
                    .zip(&after)
                    .filter(|(&i, &a)| before[i] != a)
                    .count();
                let to_favourable = rows
                    .iter()
                    .zip(&after)
                    .filter(|(&i, &a)| before[i] != a && a == favourable)
                    .count();
                out.push(Flip {
                    attribute: attribute.clone(),
                    group: group.clone(),
                    to: to.clone(),
                    rows: rows.len(),
                    changed_share: changed as f64 / rows.len() as f64,
                    to_favourable_share: to_favourable as f64 / rows.len() as f64,
                });
            }
        }
    }
    out
}

/// The recourse through each of the `actionable` features (numbers), per protected attribute
/// of the sample: of the rows with the unfavourable decision that the model also decides
/// unfavourably, those a change of the feature alone turns, no larger than its horizon (given
/// in `horizons`, or the feature's interquartile range in the sample). `favourable` is the
/// decision that is good for the people.
pub fn recourse(
    sample: &Sample,
    design: &Design,
    model: &Logistic,
    (actionable, horizons): (&[String], &[(String, f64)]),
    favourable: bool,
) -> Vec<Recourse> {
    let logits = design.x.dot(&model.beta) + model.intercept;
    let mut out = Vec::new();
    for feature in actionable {
        let Some(f) = sample.features.iter().position(|(name, _)| name == feature) else {
            continue;
        };
        let Values::Numbers(values) = &sample.features[f].1 else {
            continue;
        };
        let Some(j) = (0..design.columns.len())
            .find(|&j| design.feature_of[j] == f && design.columns[j].kind == "number")
        else {
            continue;
        };
        let (beta, std) = (model.beta[j], design.columns[j].std.unwrap_or(1.0));
        if beta == 0.0 {
            continue;
        }
        let mut present: Vec<f64> = values.iter().flatten().copied().collect();
        if present.is_empty() {
            continue;
        }
        present.sort_by(f64::total_cmp);
        let given = horizons
            .iter()
            .find(|(name, _)| name == feature)
            .map(|(_, h)| *h);
        let horizon = given.unwrap_or_else(|| quantile(&present, 0.75) - quantile(&present, 0.25));
        let (low, high) = present
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| {
                (l.min(x), h.max(x))
            });
        // The change that turns a row the model decides unfavourably (None: it cannot turn
        // within the values seen).
        let change = |i: usize| -> Option<f64> {
            let delta = -logits[i] / beta * std;
            let x = values[i]?;
            (low..=high).contains(&(x + delta)).then_some(delta.abs())
        };
        let increase = (beta > 0.0) == favourable;
        for (attribute, groups) in &sample.attributes {
            let mut names: Vec<&String> = groups.iter().flatten().collect();
            names.sort();
            names.dedup();
            let groups_recourse = names
                .into_iter()
                .map(|group| {
                    let rows: Vec<usize> = (0..groups.len())
                        .filter(|&i| {
                            groups[i].as_ref() == Some(group)
                                && sample.decisions[i] != favourable
                                && (logits[i] >= 0.0) != favourable
                        })
                        .collect();
                    let (mut changes, beyond): (Vec<f64>, Vec<f64>) = rows
                        .iter()
                        .filter_map(|&i| change(i))
                        .partition(|c| *c <= horizon);
                    changes.sort_by(f64::total_cmp);
                    let share = |n: usize| {
                        if rows.is_empty() {
                            0.0
                        } else {
                            n as f64 / rows.len() as f64
                        }
                    };
                    GroupRecourse {
                        group: group.clone(),
                        unfavourable: rows.len(),
                        changeable_share: share(changes.len()),
                        beyond_horizon_share: share(beyond.len()),
                        median_change: (!changes.is_empty()).then(|| quantile(&changes, 0.5)),
                    }
                })
                .collect();
            out.push(Recourse {
                feature: feature.clone(),
                horizon,
                horizon_given: given.is_some(),
                direction: if increase { "increase" } else { "decrease" }.to_string(),
                attribute: attribute.clone(),
                groups: groups_recourse,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::explain::EncodedColumn;
    use ndarray::array;

    fn number(feature: &str, mean: f64, std: f64) -> EncodedColumn {
        EncodedColumn {
            feature: feature.into(),
            kind: "number".into(),
            level: None,
            mean: Some(mean),
            std: Some(std),
        }
    }

    #[test]
    fn recourse_of_a_two_feature_model_by_hand() {
        // logit = −1 + 0.5·z_spend + 2·z_tenure, spend standardized with mean 100 and sd 50.
        // Row 0 (a, spend 100, z 0): logit −1, needs +2 sd of spend = +100 → 200, within the
        // spends seen (50 to 250).
        // Row 1 (a, spend 150, z 1, tenure z 0.2): logit −0.1, needs +0.2 sd = +10.
        // Row 2 (b, spend 50, z −1, tenure z −0.5): logit −2.5, needs +5 sd = +250 → 300, beyond
        // the largest spend seen (250): cannot change. Row 3 (b, spend 250): a positive decision.
        // Row 4 (b, spend missing): cannot change. Row 5 (a, spend 250, z 3): logit 0.5, an
        // unfavourable decision the model decides favourably: not counted.
        let model = Logistic {
            intercept: -1.0,
            beta: array![0.5, 2.0],
        };
        let x = array![
            [0.0, 0.0],
            [1.0, 0.2],
            [-1.0, -0.5],
            [3.0, 0.0],
            [0.0, 0.0],
            [3.0, 0.0]
        ];
        let design = Design {
            x,
            columns: vec![number("spend", 100.0, 50.0), number("tenure", 10.0, 5.0)],
            feature_of: vec![0, 1],
        };
        let sample = Sample {
            decisions: vec![false, false, false, true, false, false],
            features: vec![
                (
                    "spend".into(),
                    Values::Numbers(vec![
                        Some(100.0),
                        Some(150.0),
                        Some(50.0),
                        Some(250.0),
                        None,
                        Some(250.0),
                    ]),
                ),
                (
                    "tenure".into(),
                    Values::Numbers(vec![
                        Some(10.0),
                        Some(11.0),
                        Some(7.5),
                        Some(10.0),
                        Some(10.0),
                        Some(10.0),
                    ]),
                ),
            ],
            attributes: vec![(
                "g".into(),
                ["a", "a", "b", "b", "b", "a"]
                    .iter()
                    .map(|v| Some(v.to_string()))
                    .collect(),
            )],
            outcomes: None,
            scores: None,
            labels: None,
        };
        let actionable = ["spend".to_string()];
        let r = recourse(&sample, &design, &model, (&actionable, &[]), true);
        assert_eq!(r.len(), 1);
        // The default horizon: the interquartile range of the spends seen (50, 100, 150, 250,
        // 250), 250 − 100.
        assert!((r[0].horizon - 150.0).abs() < 1e-12 && !r[0].horizon_given);
        assert_eq!(r[0].direction, "increase");
        let a = &r[0].groups[0];
        assert_eq!((a.group.as_str(), a.unfavourable), ("a", 2));
        assert!((a.changeable_share - 1.0).abs() < 1e-12);
        // Median of 100 and 10.
        assert!((a.median_change.unwrap() - 55.0).abs() < 1e-9);
        let b = &r[0].groups[1];
        assert_eq!(
            (b.unfavourable, b.changeable_share, b.median_change),
            (2, 0.0, None)
        );
        // A horizon of 50: row 0's +100 is beyond it, row 1's +10 within.
        let horizon = [("spend".to_string(), 50.0)];
        let r = recourse(&sample, &design, &model, (&actionable, &horizon), true);
        let a = &r[0].groups[0];
        assert!(r[0].horizon_given);
        assert!((a.changeable_share - 0.5).abs() < 1e-12);
        assert!((a.beyond_horizon_share - 0.5).abs() < 1e-12);
        assert!((a.median_change.unwrap() - 10.0).abs() < 1e-9);
    }
}
