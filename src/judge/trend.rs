//! The judgement of a dated audit's periods: every group whose verdict (the one its status
//! follows) fails in the last
//! period, since when it has failed in every period, with its ratios to the reference then and
//! before. The report's Trend and the history of a series of audits only format it.

use super::checks::Measure;
use crate::results::{AttributeSetResult, AuditResults, FailingStreak, GroupResult, VerdictState};
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
