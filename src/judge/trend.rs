//! The judgement of a dated audit's periods: every group whose verdict (the one its status
//! follows) fails in the last
//! period, since when it has failed in every period, with its ratios to the reference then and
//! before; and the periods in which every compared group crossed the threshold on the same side,
//! which is the reference's own move. The report's Trend and the history of a series of audits
//! only format them.

use super::checks::Measure;
use crate::results::{
    AttributeSetResult, AuditResults, FailingStreak, GroupResult, ReferenceMove, VerdictState,
};
use crate::spec::{Basis, OutcomeKind};
use indexmap::IndexMap;

/// The failing streaks of `results`' pooled attribute sets over its periods (none without
/// periods).
pub fn failing_streaks(results: &AuditResults) -> Vec<FailingStreak> {
    let periods = &results.periods;
    let (kind, basis) = (results.audit.outcome_kind(), results.audit.basis());
    let mut streaks = Vec::new();
    for set in results
        .attribute_sets
        .iter()
        .filter(|s| s.segment.is_none())
    {
        let sets = results.period_sets(set);
        for g in set
            .groups
            .iter()
            .filter(|g| !g.measures.is_reference && g.measures.excluded.is_none())
        {
            let history: Vec<Option<(Option<f64>, VerdictState)>> = sets
                .iter()
                .map(|p| in_period((kind, basis), *p, &g.measures.values))
                .collect();
            if let Some((since, during, before)) = streak(&history) {
                let low = during.iter().copied().reduce(f64::min);
                let high = during.iter().copied().reduce(f64::max);
                streaks.push(FailingStreak {
                    attributes: set.attributes.clone(),
                    group: g.measures.values.clone(),
                    since: periods[since].period.clone(),
                    until: periods[periods.len() - 1].period.clone(),
                    ratio_range: low.zip(high).map(|(l, h)| [l, h]),
                    ratio_before: (!before.is_empty())
                        .then(|| before.iter().sum::<f64>() / before.len() as f64),
                });
            }
        }
    }
    streaks
}

/// The periods of `results` in which at least two compared groups of a pooled attribute set have
/// rows, every one of them crosses the threshold (its verdict fails or is inconclusive) with its
/// ratio on the same side of 1, and the reference's own value moved from its value over the whole
/// log further than the compared groups' own values typically did (the median of their moves, on
/// the log scale): the reference's move, not every other group's.
pub fn reference_moves(results: &AuditResults) -> Vec<ReferenceMove> {
    let (kind, basis) = (results.audit.outcome_kind(), results.audit.basis());
    let reference_value = |set: &AttributeSetResult| {
        set.groups
            .iter()
            .find(|g| g.measures.is_reference)
            .and_then(|g| g.measures.rate(kind.judged_metric()))
    };
    let mut moves = Vec::new();
    for set in results
        .attribute_sets
        .iter()
        .filter(|s| s.segment.is_none())
    {
        for (p, period_set) in results.periods.iter().zip(results.period_sets(set)) {
            let Some(period_set) = period_set else {
                continue;
            };
            let value = |g: &GroupResult| g.measures.rate(kind.judged_metric());
            let overall = |g: &GroupResult| {
                set.groups
                    .iter()
                    .find(|o| o.measures.values == g.measures.values)
                    .and_then(value)
            };
            // Each compared group's ratio, verdict and own move (its value in the period over
            // its value over the whole log).
            let judged: Vec<(f64, VerdictState, Option<f64>)> = period_set
                .groups
                .iter()
                .filter(|g| !g.measures.is_reference && g.measures.excluded.is_none())
                .filter_map(|g| {
                    match in_period((kind, basis), Some(period_set), &g.measures.values) {
                        Some((Some(r), state)) => {
                            let own = value(g).zip(overall(g)).map(|(p, o)| p / o);
                            Some((r, state, own))
                        }
                        _ => None,
                    }
                })
                .collect();
            if judged.len() < 2 || judged.iter().any(|(_, s, _)| *s == VerdictState::Pass) {
                continue;
            }
            let ratios: Vec<f64> = judged.iter().map(|(r, _, _)| *r).collect();
            if !(ratios.iter().all(|r| *r < 1.0) || ratios.iter().all(|r| *r > 1.0)) {
                continue;
            }
            let (in_period_value, overall_value) =
                (reference_value(period_set), reference_value(set));
            let reference_move = in_period_value
                .zip(overall_value)
                .map(|(p, o)| (p / o).ln().abs());
            let mut moves_of_others: Vec<f64> = judged
                .iter()
                .filter_map(|(_, _, own)| own.map(|m| m.ln().abs()))
                .collect();
            moves_of_others.sort_by(f64::total_cmp);
            let typical = moves_of_others.get(moves_of_others.len() / 2).copied();
            if !reference_move
                .zip(typical)
                .is_some_and(|(reference, others)| reference > others)
            {
                continue;
            }
            moves.push(ReferenceMove {
                attributes: set.attributes.clone(),
                period: p.period.clone(),
                groups: ratios.len(),
                ratio_range: [
                    ratios.iter().copied().fold(f64::INFINITY, f64::min),
                    ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                ],
                reference_value: in_period_value,
                reference_value_overall: overall_value,
            });
        }
    }
    moves
}

/// The ratio a group is judged by in a period (its selection rate's, or a numeric outcome's
/// mean's), and the verdict its status follows there on `basis`, when it has rows there.
fn in_period(
    (kind, basis): (OutcomeKind, Basis),
    set: Option<&AttributeSetResult>,
    group: &IndexMap<String, String>,
) -> Option<(Option<f64>, VerdictState)> {
    let g: &GroupResult = set?.groups.iter().find(|g| &g.measures.values == group)?;
    let measure = Measure::of_metric(kind.judged_metric(), kind)?;
    Some((
        g.measures.vs(kind.judged_ratio()),
        measure.judged_state(g, basis).0,
    ))
}

/// When a group fails in the last period: the first period of its unbroken run of failures,
/// and its ratios during the run and before it.
#[allow(clippy::type_complexity)]
fn streak(history: &[Option<(Option<f64>, VerdictState)>]) -> Option<(usize, Vec<f64>, Vec<f64>)> {
    let failing =
        |h: &Option<(Option<f64>, VerdictState)>| matches!(h, Some((_, VerdictState::Fail)));
    if !history.last().is_some_and(failing) {
        return None;
    }
    let start = history
        .iter()
        .rposition(|h| !failing(h))
        .map_or(0, |i| i + 1);
    let ratios = |range: &[Option<(Option<f64>, VerdictState)>]| -> Vec<f64> {
        range.iter().flatten().filter_map(|(r, _)| *r).collect()
    };
    Some((start, ratios(&history[start..]), ratios(&history[..start])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use VerdictState::*;

    #[test]
    fn a_streak_starts_after_the_last_period_that_did_not_fail() {
        let history = [
            Some((Some(1.1), Pass)),
            Some((Some(0.5), Fail)),
            Some((Some(0.9), Pass)),
            None,
            Some((Some(0.4), Fail)),
            Some((Some(0.6), Fail)),
        ];
        // A period without rows breaks the run, as a passing one does.
        let (start, during, before) = streak(&history).unwrap();
        assert_eq!(start, 4);
        assert_eq!(during, vec![0.4, 0.6]);
        assert_eq!(before, vec![1.1, 0.5, 0.9]);
        let all = [Some((Some(0.5), Fail)), Some((Some(0.7), Fail))];
        assert_eq!(streak(&all).unwrap().0, 0);
        assert!(streak(&[Some((Some(0.5), Fail)), Some((Some(0.9), Pass))]).is_none());
    }
}
