//! Judge stage: every judgement of the audit. The four-fifths verdict of every group, following
//! the audit's direction and backed by the selection-rate test (`fail` only when the threshold
//! is crossed and the difference is significant after adjustment); the status of each attribute
//! set (its worst verdict); and the count of failures.

use crate::results::{
    AttributeSetResult, AuditResults, GroupMeasures, ReferenceUsed, SetStatus, Verdict,
    VerdictState, EXCLUDED_PREFIX,
};
use crate::spec::Favorable;
use crate::stats::adjust::PAdjust;
use crate::stats::test::{TestMethod, TestResult};

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
    /// How many tests were adjusted together with each verdict's (for the wording).
    pub family: usize,
}

/// Judges every group of the measured attribute sets (whose tests are already adjusted), then
/// fills in each set's status and the number of failures.
pub fn judge(results: &mut AuditResults, rules: Rules) {
    for set in &mut results.attribute_sets {
        for g in &mut set.groups {
            g.verdict = Some(verdict(&g.measures, rules));
        }
    }
    restore(results);
}

/// Fills in what follows from the verdicts: each set's status and the number of failures (also
/// for results read back from `results.json`).
pub fn restore(results: &mut AuditResults) {
    for set in &mut results.attribute_sets {
        set.status = status(set);
    }
    results.failures = results
        .attribute_sets
        .iter()
        .flat_map(|s| &s.groups)
        .filter(|g| g.state() == VerdictState::Fail)
        .count();
}

/// An attribute set's status: action needed when a group fails; review when a crossing is
/// inconclusive or no group could be the reference; otherwise OK.
fn status(set: &AttributeSetResult) -> SetStatus {
    let any = |state| set.groups.iter().any(|g| g.state() == state);
    if any(VerdictState::Fail) {
        SetStatus::ActionNeeded
    } else if any(VerdictState::Inconclusive) || set.reference_strategy == ReferenceUsed::None {
        SetStatus::Review
    } else {
        SetStatus::Ok
    }
}

fn verdict(g: &GroupMeasures, rules: Rules) -> Verdict {
    if let Some(why) = &g.excluded {
        return Verdict {
            four_fifths: VerdictState::Excluded,
            reason: format!("{EXCLUDED_PREFIX}{why}"),
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
    let (f, t) = (rules.favorable, rules.threshold);
    let crossed = f.crosses(di, t);
    let what = format!(
        "{} is {di:.2} times the reference's, {}{} the threshold {}",
        f.rate_words(),
        if crossed { "" } else { "not " },
        f.failing_side(),
        f.bound_text(t)
    );
    if !crossed {
        return Verdict {
            four_fifths: VerdictState::Pass,
            reason: what,
        };
    }
    let significant = test.is_some_and(|t| t.p_adjusted < rules.alpha);
    let evidence = test.map_or("no test".to_string(), |t| evidence(t, rules));
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

/// "z = 12.78, p < 0.001 after Holm adjustment over 4 tests (unadjusted p < 0.001)", or with
/// Fisher's exact test.
pub fn evidence(t: &TestResult, rules: Rules) -> String {
    let z =
        t.z.map_or("z undefined".to_string(), |z| format!("z = {z:.2}"));
    let p = |p: f64| {
        if p < 0.001 {
            "p < 0.001".to_string()
        } else {
            format!("p = {p:.3}")
        }
    };
    let n = rules.family;
    let how = match rules.p_adjust {
        PAdjust::Holm => format!(" after Holm adjustment over {n} tests"),
        PAdjust::Bh => format!(" after Benjamini-Hochberg adjustment over {n} tests"),
        PAdjust::None => String::new(),
    };
    let raw = match rules.p_adjust {
        PAdjust::None => " (unadjusted)".to_string(),
        _ => format!(" (unadjusted {})", p(t.p_value)),
    };
    let method = if t.method == TestMethod::Fisher {
        " (Fisher's exact test)"
    } else {
        ""
    };
    format!("{z}, {}{how}{raw}{method}", p(t.p_adjusted))
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
            family: 4,
        }
    }

    fn test(p: f64) -> TestResult {
        TestResult {
            method: TestMethod::Z,
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
                .contains("not significant at 0.05: z = -3.00, p = 0.200 after Holm adjustment over 4 tests (unadjusted p = 0.200)"),
            "{}",
            v.reason
        );
    }

    fn set_with(states: &[VerdictState], used: ReferenceUsed) -> AttributeSetResult {
        let text = format!(
            r#"{{"attributes": ["g"], "reference": null, "reference_strategy": "{}",
                "groups": [], "summary": {{"ci": {{}}}}, "missing": 0.0}}"#,
            serde_json::to_value(used).unwrap().as_str().unwrap()
        );
        let mut set: AttributeSetResult = serde_json::from_str(&text).unwrap();
        let group = r#"{"values": {"g": "a"}, "n": 10, "pp": 5, "pn": 5, "ci": {},
            "vs_reference": {"ci": {}, "tests": {}}, "verdict": null}"#;
        for state in states {
            let mut g: crate::results::GroupResult = serde_json::from_str(group).unwrap();
            g.verdict = Some(Verdict {
                four_fifths: *state,
                reason: String::new(),
            });
            set.groups.push(g);
        }
        set
    }

    #[test]
    fn a_set_takes_its_worst_verdict() {
        use VerdictState::*;
        let largest = ReferenceUsed::Largest;
        assert_eq!(
            status(&set_with(&[Pass, Fail, Inconclusive], largest)),
            SetStatus::ActionNeeded
        );
        assert_eq!(
            status(&set_with(&[Pass, Inconclusive, Excluded], largest)),
            SetStatus::Review
        );
        assert_eq!(status(&set_with(&[Pass, Excluded], largest)), SetStatus::Ok);
        // Every group excluded: nothing could be compared, which needs a look.
        assert_eq!(
            status(&set_with(&[Excluded], ReferenceUsed::None)),
            SetStatus::Review
        );
    }
}
