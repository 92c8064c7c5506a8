//! What-if thresholds for a decision made from a score: per group, the threshold that would
//! bring its selection rate within the four-fifths rule of the reference's (or, with a label
//! and a favourable decision, its true positive rate up to the reference's), the reference
//! keeping the audit's threshold; with what it costs in the overall selection rate and, with a
//! label, in accuracy. An option for the committee, computed on the sample, never a verdict.

use super::sample::Sample;
use crate::results::explain::{GroupThreshold, WhatIf};

/// The largest threshold (one of the scores) that selects at least `k` of `sorted` (highest
/// first): the k-th highest score, its ties selected with it.
fn at_least(sorted: &[f64], k: usize) -> f64 {
    match k {
        0 => sorted.first().map_or(f64::INFINITY, |s| s.next_up()),
        k => sorted[k.min(sorted.len()) - 1],
    }
}

/// The smallest threshold (one of the scores, or above them all) that selects at most `k` of
/// `sorted` (highest first): the lowest score above the (k+1)-th highest.
fn at_most(sorted: &[f64], k: usize) -> f64 {
    match sorted.get(k) {
        None => sorted.last().copied().unwrap_or(f64::NEG_INFINITY),
        Some(&next) => sorted[..k]
            .iter()
            .rev()
            .find(|&&s| s > next)
            .copied()
            .unwrap_or_else(|| sorted[0].next_up()),
    }
}

/// The rows of the sample in group `value` of `attribute`.
fn rows_of(sample: &Sample, attribute: usize, value: &str) -> Vec<usize> {
    let values = &sample.attributes[attribute].1;
    (0..values.len())
        .filter(|&i| values[i].as_deref() == Some(value))
        .collect()
}

/// The what-if thresholds of every protected attribute whose set has a reference value (with
/// the groups the audit excluded, which keep the threshold), for the score decision
/// `score ≥ threshold` (`favourable`: the positive decision is good for the people) and the
/// four-fifths `rule`.
pub fn what_if(
    sample: &Sample,
    references: &[(String, String, Vec<String>)],
    (threshold, favourable, rule): (f64, bool, f64),
) -> Vec<WhatIf> {
    let Some(scores) = &sample.scores else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let targets: Vec<&str> = if sample.labels.is_some() && favourable {
        vec!["selection_rate", "true_positive_rate"]
    } else {
        vec!["selection_rate"]
    };
    for (a, (attribute, values)) in sample.attributes.iter().enumerate() {
        let Some((_, reference, excluded)) = references.iter().find(|(r, _, _)| r == attribute)
        else {
            continue;
        };
        let mut groups: Vec<&String> = values.iter().flatten().collect();
        groups.sort();
        groups.dedup();
        for target in &targets {
            // The rows a rate is taken over: everyone, or those with a positive label.
            let counted = |i: usize| match *target {
                "true_positive_rate" => sample.labels.as_ref().is_some_and(|l| l[i] == Some(true)),
                _ => true,
            };
            let rate = |rows: &[usize], t: f64| {
                let base: Vec<usize> = rows.iter().copied().filter(|&i| counted(i)).collect();
                let selected = base.iter().filter(|&&i| scores[i] >= t).count();
                (!base.is_empty()).then(|| selected as f64 / base.len() as f64)
            };
            let Some(reference_rate) = rate(&rows_of(sample, a, reference), threshold) else {
                continue;
            };
            let mut new_threshold: Vec<(usize, f64)> = Vec::new();
            let mut rows_groups = Vec::new();
            for group in &groups {
                let rows = rows_of(sample, a, group);
                let before = rate(&rows, threshold);
                let mut sorted: Vec<f64> = rows
                    .iter()
                    .copied()
                    .filter(|&i| counted(i))
                    .map(|i| scores[i])
                    .collect();
                sorted.sort_by(|x, y| y.total_cmp(x));
                let n = sorted.len();
                let n = n as f64;
                let t = if group.as_str() == reference.as_str() || excluded.contains(group) {
                    threshold
                } else {
                    match (*target, favourable) {
                        ("true_positive_rate", _) => {
                            at_least(&sorted, (reference_rate * n).ceil() as usize)
                        }
                        (_, true) if before.is_some_and(|b| b < rule * reference_rate) => {
                            at_least(&sorted, (rule * reference_rate * n).ceil() as usize)
                        }
                        (_, false) if before.is_some_and(|b| b > reference_rate / rule) => {
                            at_most(&sorted, (reference_rate / rule * n).floor() as usize)
                        }
                        _ => threshold,
                    }
                };
                for &i in &rows {
                    new_threshold.push((i, t));
                }
                rows_groups.push(GroupThreshold {
                    group: group.to_string(),
                    threshold: t,
                    rate_before: before,
                    rate_after: rate(&rows, t),
                });
            }
            let decided = |i: usize, t: f64| scores[i] >= t;
            let n = new_threshold.len() as f64;
            let selection_before = new_threshold
                .iter()
                .filter(|(i, _)| decided(*i, threshold))
                .count() as f64
                / n;
            let selection_after = new_threshold
                .iter()
                .filter(|(i, t)| decided(*i, *t))
                .count() as f64
                / n;
            let accuracy = |with: &dyn Fn(usize, f64) -> bool| {
                let labels = sample.labels.as_ref()?;
                let judged: Vec<(bool, bool)> = new_threshold
                    .iter()
                    .filter_map(|&(i, t)| Some((with(i, t), labels[i]?)))
                    .collect();
                let hits = judged.iter().filter(|(d, l)| d == l).count();
                (!judged.is_empty()).then(|| hits as f64 / judged.len() as f64)
            };
            out.push(WhatIf {
                attribute: attribute.clone(),
                target: target.to_string(),
                reference: reference.clone(),
                groups: rows_groups,
                selection_rate_before: selection_before,
                selection_rate_after: selection_after,
                accuracy_before: accuracy(&|i, _| decided(i, threshold)),
                accuracy_after: accuracy(&|i, t| decided(i, t)),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_bring_a_group_within_the_rule_by_hand() {
        // Scores of a: 0.9, 0.8, 0.7, 0.6 (threshold 0.75 selects 2 of 4: 50%); of b: 0.9, 0.5,
        // 0.4, 0.3, 0.2 (selects 1 of 5: 20%). Four-fifths of a's 50% is 40%: b needs 2 of 5,
        // so its threshold is its 2nd highest score, 0.5. Overall selection goes from 3 of 9 to 4
        // of 9.
        let a = [0.9, 0.8, 0.7, 0.6];
        let b = [0.9, 0.5, 0.4, 0.3, 0.2];
        let sample = Sample {
            decisions: a.iter().chain(&b).map(|&s| s >= 0.75).collect(),
            features: Vec::new(),
            attributes: vec![(
                "g".into(),
                a.iter()
                    .map(|_| Some("a".to_string()))
                    .chain(b.iter().map(|_| Some("b".to_string())))
                    .collect(),
            )],
            outcomes: None,
            scores: Some(a.iter().chain(&b).copied().collect()),
            labels: None,
        };
        let w = what_if(
            &sample,
            &[("g".into(), "a".into(), Vec::new())],
            (0.75, true, 0.8),
        );
        assert_eq!(w.len(), 1);
        let groups = &w[0].groups;
        assert_eq!(
            (
                groups[0].threshold,
                groups[0].rate_before,
                groups[0].rate_after
            ),
            (0.75, Some(0.5), Some(0.5))
        );
        assert_eq!(groups[1].threshold, 0.5);
        assert_eq!(
            (groups[1].rate_before, groups[1].rate_after),
            (Some(0.2), Some(0.4))
        );
        assert!((w[0].selection_rate_before - 3.0 / 9.0).abs() < 1e-12);
        assert!((w[0].selection_rate_after - 4.0 / 9.0).abs() < 1e-12);
        assert_eq!(w[0].accuracy_before, None);
        // Ties: at most 2 of 1, 2, 2, 2, 3 selected needs threshold 3 (one row); at least 2 of
        // them, threshold 2 (four rows).
        let tied = [3.0, 2.0, 2.0, 2.0, 1.0];
        assert_eq!((at_most(&tied, 2), at_least(&tied, 2)), (3.0, 2.0));
        assert_eq!(
            (at_most(&tied, 5), at_most(&tied, 0)),
            (1.0, 3.0_f64.next_up())
        );
    }
}
