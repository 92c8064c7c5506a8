//! What could be done instead: for each attribute set whose four-fifths verdict fails, the
//! search for a less discriminatory alternative. On the explain stage's seeded sample, decision
//! rules the business could adopt ([`candidates`]) are fitted on its training rows and judged
//! on its hold-out rows, for the business goal (agreement with today's decisions, the AUC
//! against the label, the selection rate) and for the disparity (each group's impact ratio with
//! its interval and four-fifths verdict, and whose decision would change); the frontier holds
//! those no other beats on both, and the best option is the frontier's most faithful rule that
//! passes for every group. A set whose failing groups the rule treats by the attribute itself,
//! or whose gaps the declared legitimate factors explain, gets no search, and says why.

pub mod candidates;
pub mod penalty;

use crate::explain::design::Design;
use crate::explain::drivers::Split;
use crate::explain::sample::Sample;
use crate::results::explain::{AttributeProxies, Cause};
use crate::results::remedies::{Candidate, CandidateGroup, Remedies};
use crate::results::{AttributeSetResult, AuditResults, VerdictState};
use crate::spec::Favorable;
use crate::stats::association::auc;
use crate::stats::interval::katz;
use crate::stats::z_for;
use crate::value::value_name;
use candidates::{Change, Ruled, Training};
use indexmap::IndexMap;

/// What the remedies stage reads from the explain stage.
pub struct Explained<'a> {
    /// The sample.
    pub sample: &'a Sample,
    /// Its model columns.
    pub design: &'a Design,
    /// Its training and hold-out rows.
    pub split: &'a Split,
    /// The proxies found.
    pub proxies: &'a [AttributeProxies],
    /// The causes found.
    pub causes: &'a [Cause],
}

/// The remedies of every pooled attribute set with a failing four-fifths verdict and a
/// reference group, judged by the audit's rule (its favourable side, its threshold and its
/// confidence).
pub fn remedies(results: &AuditResults, explained: &Explained) -> Vec<Remedies> {
    results
        .attribute_sets
        .iter()
        .filter(|set| set.segment.is_none())
        .filter_map(|set| remedies_of(set, explained, results))
        .collect()
}

fn remedies_of(
    set: &AttributeSetResult,
    explained: &Explained,
    results: &AuditResults,
) -> Option<Remedies> {
    let reference = set.reference.clone()?;
    let failing: Vec<IndexMap<String, String>> = set
        .groups
        .iter()
        .filter(|g| g.verdict.as_ref().and_then(|v| v.four_fifths) == Some(VerdictState::Fail))
        .map(|g| g.measures.values.clone())
        .collect();
    if failing.is_empty() {
        return None;
    }
    let case_of = |group: &IndexMap<String, String>| {
        explained
            .causes
            .iter()
            .find(|c| c.attributes == set.attributes && c.group == *group)
            .map(|c| c.case.as_str())
    };
    let cases: Vec<Option<&str>> = failing.iter().map(case_of).collect();
    let status = if cases.contains(&Some("direct")) {
        "direct"
    } else if cases.iter().all(|c| *c == Some("legitimate")) {
        "legitimate"
    } else {
        "searched"
    };
    let sample = explained.sample;
    let holdout_rows = explained.split.holdout.len();
    let mut out = Remedies {
        attributes: set.attributes.clone(),
        reference: reference.clone(),
        status: status.into(),
        failing: failing.clone(),
        holdout_rows,
        candidates: Vec::new(),
        best: None,
    };
    if status != "searched" {
        return Some(out);
    }
    let groups: Vec<IndexMap<String, String>> = set
        .groups
        .iter()
        .map(|g| g.measures.values.clone())
        .collect();
    let group_of = row_groups(sample, &set.attributes, &groups);
    let Some(reference_index) = groups.iter().position(|g| *g == reference) else {
        return Some(out);
    };
    let in_group: Vec<bool> = group_of
        .iter()
        .map(|g| g.is_some_and(|g| failing.contains(&groups[g])))
        .collect();
    let training = Training {
        design: explained.design,
        split: explained.split,
        decisions: &sample.decisions,
        group_of: &group_of,
        groups: groups.len(),
        reference: reference_index,
    };
    let proxies: Vec<String> = likely_proxies(explained.proxies, &set.attributes);
    let scale = results.input.rows_used as f64 / holdout_rows.max(1) as f64;
    let judging = Judging {
        sample,
        split: explained.split,
        groups: &groups,
        group_of: &group_of,
        reference: reference_index,
        favorable: results.audit.favorable,
        threshold: results.audit.di_threshold,
        z: z_for(results.audit.confidence),
        scale,
        failing: &failing,
    };
    let ruled = candidates::candidates(&training, &proxies, &in_group);
    let Some(current) = ruled.iter().find(|r| r.change == Change::Current) else {
        return Some(out);
    };
    out.candidates = ruled
        .iter()
        .map(|r| judging.judge(r, &current.decisions))
        .collect();
    mark_frontier(&mut out.candidates);
    out.best = out
        .candidates
        .iter()
        .filter(|c| c.passes && c.kind != "current")
        .fold(None, |best: Option<&Candidate>, c| match best {
            Some(b) if b.agreement >= c.agreement => Some(b),
            _ => Some(c),
        })
        .map(|c| c.name.clone());
    Some(out)
}

/// The likely proxies of any of `attributes`, each once, in the order found.
fn likely_proxies(proxies: &[AttributeProxies], attributes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in proxies.iter().filter(|p| attributes.contains(&p.attribute)) {
        for f in p.features.iter().filter(|f| f.likely_proxy) {
            if !out.contains(&f.feature) {
                out.push(f.feature.clone());
            }
        }
    }
    out
}

/// Each sampled row's group among `groups` (its values of `attributes`), `None` when the
/// sample does not hold an attribute or the row is in none of them.
fn row_groups(
    sample: &Sample,
    attributes: &[String],
    groups: &[IndexMap<String, String>],
) -> Vec<Option<usize>> {
    let columns: Option<Vec<&Vec<Option<String>>>> = attributes
        .iter()
        .map(|a| {
            sample
                .attributes
                .iter()
                .find(|(n, _)| n == a)
                .map(|(_, v)| v)
        })
        .collect();
    let Some(columns) = columns else {
        return vec![None; sample.rows()];
    };
    (0..sample.rows())
        .map(|i| {
            groups.iter().position(|g| {
                attributes
                    .iter()
                    .zip(&columns)
                    .all(|(a, c)| g.get(a).map(String::as_str) == Some(value_name(&c[i])))
            })
        })
        .collect()
}

/// How the candidates are judged on the hold-out rows.
struct Judging<'a> {
    sample: &'a Sample,
    split: &'a Split,
    groups: &'a [IndexMap<String, String>],
    group_of: &'a [Option<usize>],
    reference: usize,
    favorable: Favorable,
    /// The four-fifths rule's threshold (`--di-threshold`, 0.8 by default).
    threshold: f64,
    z: f64,
    /// People of the log per hold-out row.
    scale: f64,
    /// The groups whose verdict fails in the audit: a candidate must bring each within
    /// four-fifths; another group may stay inconclusive, but must not fail.
    failing: &'a [IndexMap<String, String>],
}

impl Judging<'_> {
    /// A candidate's measures; whose decision changes is against `current`, the current
    /// rule's decisions (as modelled), so the model's own misses are not counted as changes.
    fn judge(&self, ruled: &Ruled, current: &[bool]) -> Candidate {
        let holdout = &self.split.holdout;
        let today: Vec<bool> = holdout.iter().map(|&i| self.sample.decisions[i]).collect();
        let n = holdout.len() as f64;
        let agree = today
            .iter()
            .zip(&ruled.decisions)
            .filter(|(a, b)| a == b)
            .count();
        let selected = ruled.decisions.iter().filter(|d| **d).count();
        let auc = self.sample.labels.as_ref().and_then(|labels| {
            let (scores, truth): (Vec<f64>, Vec<bool>) = holdout
                .iter()
                .enumerate()
                .filter_map(|(k, &i)| labels[i].map(|l| (ruled.scores[k], l)))
                .unzip();
            auc(&scores, &truth)
        });
        let mut tallies = vec![(0usize, 0usize, 0usize, 0usize); self.groups.len()];
        for (k, &i) in holdout.iter().enumerate() {
            let Some(g) = self.group_of[i] else { continue };
            let t = &mut tallies[g];
            t.0 += 1;
            t.1 += usize::from(ruled.decisions[k]);
            t.2 += usize::from(ruled.decisions[k] && !current[k]);
            t.3 += usize::from(!ruled.decisions[k] && current[k]);
        }
        let (ref_rows, ref_selected, ..) = tallies[self.reference];
        let groups: Vec<CandidateGroup> = tallies
            .iter()
            .enumerate()
            .filter(|(_, t)| t.0 > 0)
            .map(|(g, &(rows, chosen, gains, losses))| {
                let rate = chosen as f64 / rows as f64;
                let ref_rate = ref_selected as f64 / ref_rows.max(1) as f64;
                let is_reference = g == self.reference;
                let ratio = (ref_rate > 0.0 && !is_reference).then(|| rate / ref_rate);
                let ci = katz(
                    chosen as f64,
                    rows as f64,
                    ref_selected as f64,
                    ref_rows as f64,
                    self.z,
                )
                .filter(|_| !is_reference);
                CandidateGroup {
                    group: self.groups[g].clone(),
                    is_reference,
                    rows,
                    selection_rate: rate,
                    impact_ratio: ratio,
                    ci,
                    four_fifths: self.four_fifths(ratio, ci).into(),
                    gains,
                    losses,
                    gains_in_log: gains as f64 * self.scale,
                    losses_in_log: losses as f64 * self.scale,
                }
            })
            .collect();
        // An uncertain ratio counts unless the audit found that group's gap, as in `passes`.
        let counts =
            |g: &CandidateGroup| g.four_fifths != "inconclusive" || self.failing.contains(&g.group);
        let worst = groups
            .iter()
            .filter(|g| counts(g))
            .filter_map(|g| g.impact_ratio.map(|r| (self.favourable_side(r), &g.group)))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        let (worst_ratio, worst_group) = (worst.map(|w| w.0), worst.map(|w| w.1.clone()));
        let described = describe(&ruled.change);
        Candidate {
            name: described.name,
            kind: described.kind.into(),
            features: ruled.features.clone(),
            changed: described.changed,
            merged: described.merged,
            setting: described.setting,
            agreement: agree as f64 / n,
            auc,
            selection_rate: selected as f64 / n,
            worst_ratio,
            worst_group,
            passes: groups.iter().all(|g| g.four_fifths == "pass" || !counts(g)),
            frontier: false,
            groups,
        }
    }

    /// An impact ratio on the favourable side: itself when selection is favourable, its
    /// inverse when it is not.
    fn favourable_side(&self, ratio: f64) -> f64 {
        match self.favorable {
            Favorable::Positive => ratio,
            Favorable::Negative => 1.0 / ratio,
        }
    }

    /// `pass` unless the ratio crosses the four-fifths threshold to the customers'
    /// disadvantage; then `fail` when its interval excludes 1, else `inconclusive`.
    fn four_fifths(&self, ratio: Option<f64>, ci: Option<[f64; 2]>) -> &'static str {
        let Some(ratio) = ratio else { return "pass" };
        if !self.favorable.crosses(ratio, self.threshold) {
            return "pass";
        }
        match ci {
            Some([low, high]) if high < 1.0 || low > 1.0 => "fail",
            _ => "inconclusive",
        }
    }
}

/// What a candidate is: its name, kind, the features it drops or coarsens, the values merged
/// and its setting.
struct Described {
    name: String,
    kind: &'static str,
    changed: Vec<String>,
    merged: Vec<String>,
    setting: Option<f64>,
}

fn describe(change: &Change) -> Described {
    let (name, kind, changed, merged, setting) = match change {
        Change::Current => ("current rule".into(), "current", vec![], vec![], None),
        Change::Drop(features) => (
            format!("drop {}", features.join(" and ")),
            if features.len() == 1 {
                "drop"
            } else {
                "drop_all"
            },
            features.clone(),
            vec![],
            None,
        ),
        Change::Coarsen(feature, merged) => (
            format!("coarsen {feature}"),
            "coarsen",
            vec![feature.clone()],
            merged.clone(),
            None,
        ),
        Change::Threshold(multiple) => (
            format!("select {:.0}% more", (multiple - 1.0) * 100.0),
            "threshold",
            vec![],
            vec![],
            Some(*multiple),
        ),
        Change::Penalty(lambda) => (
            format!("fit with gap penalty {lambda}"),
            "penalty",
            vec![],
            vec![],
            Some(*lambda),
        ),
    };
    Described {
        name,
        kind,
        changed,
        merged,
        setting,
    }
}

/// Marks the candidates no other beats on both agreement and worst ratio.
fn mark_frontier(candidates: &mut [Candidate]) {
    let points: Vec<(f64, f64)> = candidates
        .iter()
        .map(|c| (c.agreement, c.worst_ratio.unwrap_or(0.0)))
        .collect();
    for (i, c) in candidates.iter_mut().enumerate() {
        let (a, w) = points[i];
        c.frontier = !points
            .iter()
            .any(|&(b, v)| b >= a && v >= w && (b > a || v > w));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(agreement: f64, worst: f64) -> Candidate {
        Candidate {
            name: format!("{agreement} {worst}"),
            kind: "current".into(),
            features: Vec::new(),
            changed: Vec::new(),
            merged: Vec::new(),
            setting: None,
            agreement,
            auc: None,
            selection_rate: 0.5,
            worst_ratio: Some(worst),
            worst_group: None,
            passes: worst >= 0.8,
            frontier: false,
            groups: Vec::new(),
        }
    }

    #[test]
    fn the_frontier_holds_the_candidates_no_other_beats_on_both() {
        let mut c = vec![
            candidate(0.95, 0.6),
            candidate(0.90, 0.85),
            candidate(0.88, 0.80),
            candidate(0.80, 0.95),
            candidate(0.90, 0.85),
        ];
        mark_frontier(&mut c);
        let on: Vec<bool> = c.iter().map(|c| c.frontier).collect();
        assert_eq!(on, [true, true, false, true, true]);
    }
}
