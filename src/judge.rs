//! Judge stage: the four-fifths verdict of every group, following the audit's direction and
//! backed by the selection-rate test: `fail` only when the threshold is crossed and the
//! difference is significant after adjustment.

use crate::measure::MeasuredSet;
use crate::results::{AttributeSetResult, GroupMeasures, GroupResult, Verdict, VerdictState};
use crate::spec::Favorable;
use crate::stats::adjust::PAdjust;
use crate::stats::test::TestResult;

/// The rules verdicts follow.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// Whether the positive decision is favourable.
    pub favorable: Favorable,
    /// The four-fifths threshold.
    pub threshold: f64,
    /// Significance level.
    pub alpha: f64,
    /// How p-values were adjusted (for the wording).
    pub p_adjust: PAdjust,
}

/// Judges every group of a measured attribute set (whose tests are already adjusted).
pub fn judge_set(set: MeasuredSet, rules: Rules) -> AttributeSetResult {
    let groups = set
        .groups
        .into_iter()
        .map(|measures| GroupResult {
            verdict: verdict(&measures, rules),
            measures,
        })
        .collect();
    AttributeSetResult {
        attributes: set.attributes,
        reference: set.reference,
        reference_strategy: set.reference_strategy,
        groups,
        summary: set.summary,
        missing: set.missing,
    }
}

fn verdict(g: &GroupMeasures, rules: Rules) -> Verdict {
    if let Some(why) = &g.excluded {
        return Verdict {
            four_fifths: VerdictState::Excluded,
            reason: format!("excluded: {why}"),
        };
    }
    if g.is_reference {
        return Verdict {
            four_fifths: VerdictState::Pass,
            reason: "reference group".to_string(),
        };
    }
    four_fifths(
        g.vs("disparate_impact_ratio"),
        g.vs_reference.tests.get("selection_rate"),
        rules,
    )
}

/// The four-fifths rule with significance. When the positive decision is favourable the
/// threshold is crossed if the disparate impact ratio is below `threshold`; when it is adverse,
/// if it is above `1 / threshold`. Crossed and significant: `fail`; crossed but not significant:
/// `inconclusive`; an undefined ratio: `inconclusive`.
pub fn four_fifths(di: Option<f64>, test: Option<&TestResult>, rules: Rules) -> Verdict {
    let Some(di) = di else {
        return Verdict {
            four_fifths: VerdictState::Inconclusive,
            reason:
                "the disparate impact ratio is undefined (the reference has no positive decisions)"
                    .to_string(),
        };
    };
    let t = rules.threshold;
    let (crossed, what) = match rules.favorable {
        Favorable::Positive => (
            di < t,
            format!(
                "selection rate is {di:.2} times the reference's, {} the threshold {t}",
                if di < t { "below" } else { "not below" }
            ),
        ),
        Favorable::Negative => (
            di > 1.0 / t,
            format!(
                "rate of the adverse decision is {di:.2} times the reference's, {} the threshold 1/{t} = {:.2}",
                if di > 1.0 / t { "above" } else { "not above" },
                1.0 / t
            ),
        ),
    };
    if !crossed {
        return Verdict {
            four_fifths: VerdictState::Pass,
            reason: what,
        };
    }
    let significant = test.is_some_and(|t| t.p_adjusted < rules.alpha);
    let evidence = test.map_or("no test".to_string(), |t| evidence(t, rules.p_adjust));
    if significant {
        Verdict {
            four_fifths: VerdictState::Fail,
            reason: format!("{what}; significant: {evidence}"),
        }
    } else {
        Verdict {
            four_fifths: VerdictState::Inconclusive,
            reason: format!("{what}, but not significant at {}: {evidence}", rules.alpha),
        }
    }
}

/// "z = 12.8, p < 0.001 after Holm adjustment" (or Fisher's exact test).
pub fn evidence(t: &TestResult, adjust: PAdjust) -> String {
    let z =
        t.z.map_or("z undefined".to_string(), |z| format!("z = {z:.1}"));
    let p = if t.p_adjusted < 0.001 {
        "p < 0.001".to_string()
    } else {
        format!("p = {:.3}", t.p_adjusted)
    };
    let how = match adjust {
        PAdjust::Holm => "after Holm adjustment",
        PAdjust::Bh => "after Benjamini-Hochberg adjustment",
        PAdjust::None => "unadjusted",
    };
    let method = if t.method == "fisher" {
        " (Fisher's exact test)"
    } else {
        ""
    };
    format!("{z}, {p} {how}{method}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(favorable: Favorable) -> Rules {
        Rules {
            favorable,
            threshold: 0.8,
            alpha: 0.05,
            p_adjust: PAdjust::Holm,
        }
    }

    fn test(p: f64) -> TestResult {
        TestResult {
            method: "z",
            z: Some(-3.0),
            p_value: p,
            p_adjusted: p,
        }
    }

    #[test]
    fn direction_decides_which_side_crosses() {
        let significant = test(0.001);
        let fav =
            |di| four_fifths(Some(di), Some(&significant), rules(Favorable::Positive)).four_fifths;
        let adv =
            |di| four_fifths(Some(di), Some(&significant), rules(Favorable::Negative)).four_fifths;
        assert_eq!(fav(0.79), VerdictState::Fail);
        assert_eq!(fav(0.8), VerdictState::Pass);
        assert_eq!(fav(2.0), VerdictState::Pass);
        assert_eq!(adv(1.26), VerdictState::Fail);
        assert_eq!(adv(1.25), VerdictState::Pass);
        assert_eq!(adv(0.1), VerdictState::Pass);
        assert_eq!(
            four_fifths(None, None, rules(Favorable::Positive)).four_fifths,
            VerdictState::Inconclusive
        );
    }

    #[test]
    fn crossing_without_significance_is_inconclusive() {
        let v = four_fifths(Some(0.5), Some(&test(0.2)), rules(Favorable::Positive));
        assert_eq!(v.four_fifths, VerdictState::Inconclusive);
        assert!(
            v.reason
                .contains("not significant at 0.05: z = -3.0, p = 0.200 after Holm adjustment"),
            "{}",
            v.reason
        );
    }
}
