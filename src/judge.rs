//! Judge stage: the four-fifths verdict of every group, following the audit's direction.

use crate::measure::MeasuredSet;
use crate::results::{AttributeSetResult, GroupResult, Verdict, VerdictState};
use crate::spec::Favorable;

/// Judges every group of a measured attribute set.
pub fn judge_set(set: MeasuredSet, favorable: Favorable, threshold: f64) -> AttributeSetResult {
    let groups = set
        .groups
        .into_iter()
        .map(|measures| {
            let verdict = if measures.is_reference {
                Verdict {
                    four_fifths: VerdictState::Pass,
                    reason: "reference group".to_string(),
                }
            } else {
                four_fifths(measures.vs("disparate_impact_ratio"), favorable, threshold)
            };
            GroupResult { measures, verdict }
        })
        .collect();
    AttributeSetResult {
        attributes: set.attributes,
        reference: set.reference,
        reference_strategy: set.reference_strategy,
        groups,
        summary: set.summary,
    }
}

/// The four-fifths rule. When the positive decision is favourable a group fails if its
/// disparate impact ratio is below `threshold`; when it is adverse, if the ratio is above
/// `1 / threshold`. An undefined ratio is inconclusive.
pub fn four_fifths(di: Option<f64>, favorable: Favorable, threshold: f64) -> Verdict {
    let Some(di) = di else {
        return Verdict {
            four_fifths: VerdictState::Inconclusive,
            reason: "the disparate impact ratio is undefined (the reference has no positive decisions)"
                .to_string(),
        };
    };
    let (crossed, reason) = match favorable {
        Favorable::Positive if di < threshold => (
            true,
            format!("selection rate is {di:.2} times the reference's, below the threshold {threshold}"),
        ),
        Favorable::Positive => (
            false,
            format!("selection rate is {di:.2} times the reference's, not below the threshold {threshold}"),
        ),
        Favorable::Negative if di > 1.0 / threshold => (
            true,
            format!(
                "rate of the adverse decision is {di:.2} times the reference's, above the threshold 1/{threshold} = {:.2}",
                1.0 / threshold
            ),
        ),
        Favorable::Negative => (
            false,
            format!(
                "rate of the adverse decision is {di:.2} times the reference's, not above the threshold 1/{threshold} = {:.2}",
                1.0 / threshold
            ),
        ),
    };
    Verdict {
        four_fifths: if crossed { VerdictState::Fail } else { VerdictState::Pass },
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_decides_which_side_fails() {
        let fav = |di| four_fifths(Some(di), Favorable::Positive, 0.8).four_fifths;
        let adv = |di| four_fifths(Some(di), Favorable::Negative, 0.8).four_fifths;
        assert_eq!(fav(0.79), VerdictState::Fail);
        assert_eq!(fav(0.8), VerdictState::Pass);
        assert_eq!(fav(2.0), VerdictState::Pass);
        assert_eq!(adv(1.26), VerdictState::Fail);
        assert_eq!(adv(1.25), VerdictState::Pass);
        assert_eq!(adv(0.1), VerdictState::Pass);
        assert_eq!(
            four_fifths(None, Favorable::Positive, 0.8).four_fifths,
            VerdictState::Inconclusive
        );
    }
}
