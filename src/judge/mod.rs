//! Judge stage: every judgement of the audit. The four-fifths verdict of every group, following
//! the audit's direction and backed by the selection-rate test (`fail` only when the threshold
//! is crossed and the difference is significant after adjustment); the status of each attribute
//! set (its worst verdict); and the count of failures.

pub mod checks;
pub mod trend;

use crate::metric::{Metric, Tested, Versus};
use crate::results::{
    AdjustedGap, AuditResults, GroupMeasures, SetStatus, Verdict, VerdictState, EXCLUDED_PREFIX,
};
use crate::spec::{Favorable, OutcomeKind};
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
    /// With a label: how many error-rate tests were adjusted together (judged as well).
    pub error_family: Option<usize>,
    /// For a numeric outcome: the standardized mean difference beyond which a gap fails (`None`
    /// for a yes/no decision).
    pub smd_threshold: Option<f64>,
    /// With controls: how many adjusted gaps were tested together.
    pub adjusted_family: Option<usize>,
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

/// Fills in what follows from the verdicts: each set's checks and statuses (following the audit's
/// basis) and the number of groups that need action on a check (also for results read back from
/// `results.json`).
pub fn restore(results: &mut AuditResults) {
    checks::fill(results);
    for set in &mut results.attribute_sets {
        let status = |error: bool| {
            set.checks
                .iter()
                .filter(|c| {
                    matches!(checks::Measure::of(c), checks::Measure::ErrorRate(_)) == error
                })
                .map(|c| c.status)
                .reduce(SetStatus::worst)
        };
        set.selection_status = status(false).unwrap_or_default();
        set.error_rate_status = status(true);
        set.status = set
            .error_rate_status
            .map_or(set.selection_status, |e| e.worst(set.selection_status));
    }
    results.failures = results
        .attribute_sets
        .iter()
        .flat_map(|s| {
            (0..s.groups.len()).filter(|&i| {
                s.checks
                    .iter()
                    .any(|c| c.states.get(i) == Some(&Some(SetStatus::ActionNeeded)))
            })
        })
        .count();
}

fn verdict(g: &GroupMeasures, rules: Rules) -> Verdict {
    let error = rules.error_family.map(|_| rules.favorable.error_rate().0);
    let numeric = rules.smd_threshold.is_some();
    let plain = |state: VerdictState, reason: &str| Verdict {
        four_fifths: (!numeric).then_some(state),
        smd: numeric.then_some(state),
        reason: reason.to_string(),
        four_fifths_adjusted: None,
        adjusted_gap: None,
        adjusted_reason: None,
        fpr_parity: (error == Some(Metric::Fpr)).then_some(state),
        tpr_parity: (error == Some(Metric::Tpr)).then_some(state),
        error_rate_reason: error.map(|_| reason.to_string()),
        adjusted_measures_disagree: false,
    };
    if let Some(why) = &g.excluded {
        return plain(VerdictState::Excluded, &format!("{EXCLUDED_PREFIX}{why}"));
    }
    if g.is_reference {
        return plain(VerdictState::Pass, "reference group");
    }
    if let Some(threshold) = rules.smd_threshold {
        let (state, reason) = smd_verdict(g, rules, threshold);
        let mut v = plain(state, &reason);
        if let Some(gap) = &g.vs_reference.adjusted_gap {
            let (state, reason) = adjusted_verdict(gap, rules, threshold);
            v.adjusted_gap = Some(state);
            v.adjusted_reason = Some(reason);
        }
        return v;
    }
    let (four_fifths, reason) = parity(
        g.vs(Versus::DisparateImpactRatio),
        g.test(Tested::Metric(Metric::SelectionRate)),
        rules,
        (
            rules.favorable.rate_words(),
            "the disparate impact ratio is undefined (the reference has no positive decisions)",
            rules.family,
        ),
    );
    let mut v = Verdict {
        four_fifths: Some(four_fifths),
        smd: None,
        reason,
        four_fifths_adjusted: None,
        adjusted_gap: None,
        adjusted_reason: None,
        fpr_parity: None,
        tpr_parity: None,
        error_rate_reason: None,
        adjusted_measures_disagree: false,
    };
    if let Some(ratio) = g.vs(Versus::DisparateImpactRatioAdjusted) {
        let (state, reason) = parity(
            Some(ratio),
            g.test(Tested::Cmh),
            rules,
            (
                "at the reference's mix of the controls, the selection rate",
                "",
                rules.adjusted_family.unwrap_or(1),
            ),
        );
        v.four_fifths_adjusted = Some(state);
        v.adjusted_reason = Some(reason);
        v.adjusted_measures_disagree = adjusted_measures_disagree(g);
    }
    if let (Some(metric), Some(family)) = (error, rules.error_family) {
        let (_, words) = rules.favorable.error_rate();
        let (state, reason) = parity(
            g.vs(Versus::Ratio(metric)),
            g.test(Tested::Metric(metric)),
            rules,
            (
                words,
                &format!("the {m} ratio is undefined (the reference's {m} is 0, or no one in the group or the reference has the true outcome it needs)", m = metric.name()),
                family,
            ),
        );
        match metric {
            Metric::Fpr => v.fpr_parity = Some(state),
            _ => v.tpr_parity = Some(state),
        }
        v.error_rate_reason = Some(reason);
    }
    v
}

/// Whether the two ratios at equal controls tell differently: one's interval excludes 1 and the
/// other's does not, or both exclude it on either side of 1.
fn adjusted_measures_disagree(g: &GroupMeasures) -> bool {
    let side = |versus| match g.vs_interval(versus) {
        Some([lo, _]) if lo > 1.0 => 1,
        Some([_, hi]) if hi < 1.0 => -1,
        _ => 0,
    };
    side(Versus::DisparateImpactRatioAdjusted) != side(Versus::MantelHaenszelRatio)
}

/// Whether a gap remains within a likely proxy's values (so the proxy carries only part of
/// it): for a yes/no decision, the group's ratio to the reference within the proxy's values
/// still crosses the four-fifths `threshold` to the disadvantage; for a numeric outcome (judged
/// on its SMD), at least half of the raw ratio's distance from 1 remains.
pub fn gap_remains_within(
    kind: OutcomeKind,
    favorable: Favorable,
    threshold: f64,
    (within, raw): (Option<f64>, Option<f64>),
) -> bool {
    match (kind, within, raw) {
        (OutcomeKind::Continuous, Some(within), Some(raw)) => {
            (within - 1.0).abs() >= 0.5 * (raw - 1.0).abs()
        }
        (OutcomeKind::Continuous, ..) => false,
        (OutcomeKind::Binary, within, _) => within.is_some_and(|r| favorable.crosses(r, threshold)),
    }
}

/// The four-fifths rule with significance, for the selection rate (the disparate impact ratio)
/// and with a label for the judged error rate. When the positive decision is favourable the
/// threshold is crossed if the ratio is below `threshold`; when it is adverse, if it is above
/// `1 / threshold`. Crossed and significant: `fail`; crossed but not significant:
/// `inconclusive`; an undefined ratio: `inconclusive`. `what` names the rate, the ratio and the
/// size of the test's family.
pub fn parity(
    ratio: Option<f64>,
    test: Option<&TestResult>,
    rules: Rules,
    (rate, undefined, family): (&str, &str, usize),
) -> (VerdictState, String) {
    let Some(value) = ratio else {
        return (VerdictState::Inconclusive, undefined.to_string());
    };
    let (f, t) = (rules.favorable, rules.threshold);
    let crossed = f.crosses(value, t);
    let what = format!(
        "{rate} is {value:.2} times the reference's, {}{} the threshold {}",
        if crossed { "" } else { "not " },
        f.failing_side(),
        f.bound_text(t)
    );
    if !crossed {
        return (VerdictState::Pass, what);
    }
    let significant = test.is_some_and(|t| t.p_adjusted < rules.alpha);
    let rules = Rules { family, ..rules };
    let evidence = test.map_or("no test".to_string(), |t| evidence(t, rules));
    if significant {
        (
            VerdictState::Fail,
            format!("{what}; significant: {evidence}"),
        )
    } else {
        (
            VerdictState::Inconclusive,
            format!("{what}, but not significant at {}: {evidence}", rules.alpha),
        )
    }
}

/// A numeric outcome's verdict: the standardized mean difference beyond `threshold` to the
/// disadvantage (above it when a higher value is adverse, below `−threshold` when favourable)
/// and Welch's test significant after adjustment: `fail`; beyond but not significant:
/// `inconclusive`; an undefined difference (no spread): `inconclusive`.
fn smd_verdict(g: &GroupMeasures, rules: Rules, threshold: f64) -> (VerdictState, String) {
    let Some(smd) = g.vs(Versus::StandardizedMeanDifference) else {
        return (
            VerdictState::Inconclusive,
            "the standardized mean difference is undefined (no spread in the group and the reference)"
                .to_string(),
        );
    };
    let f = rules.favorable;
    let crossed = -f.goodness(smd) > threshold;
    let side = match f {
        Favorable::Positive => format!("below -{threshold}"),
        Favorable::Negative => format!("above {threshold}"),
    };
    let what = format!(
        "standardized mean difference {smd:+.2}, {}{side}",
        if crossed { "" } else { "not " }
    );
    if !crossed {
        return (VerdictState::Pass, what);
    }
    let test = g.test(Tested::Metric(Metric::Mean));
    let evidence = test.map_or("no test".to_string(), |t| evidence(t, rules));
    if test.is_some_and(|t| t.p_adjusted < rules.alpha) {
        (
            VerdictState::Fail,
            format!("{what}; significant: {evidence}"),
        )
    } else {
        (
            VerdictState::Inconclusive,
            format!("{what}, but not significant at {}: {evidence}", rules.alpha),
        )
    }
}

/// The SMD rule applied to the gap left after the controls: its residual SMD beyond `threshold`
/// to the disadvantage and its test significant after adjustment.
fn adjusted_verdict(gap: &AdjustedGap, rules: Rules, threshold: f64) -> (VerdictState, String) {
    let f = rules.favorable;
    let crossed = -f.goodness(gap.residual_smd) > threshold;
    let what = format!(
        "after the controls, the gap is {:+.3} (residual SMD {:+.2}), {}beyond {threshold}",
        gap.estimate,
        gap.residual_smd,
        if crossed { "" } else { "not " }
    );
    if !crossed {
        return (VerdictState::Pass, what);
    }
    let test = TestResult {
        method: TestMethod::Z,
        z: Some(gap.estimate / gap.se),
        t: None,
        df: None,
        statistic: None,
        p: None,
        p_value: gap.p,
        p_adjusted: gap.p_adjusted,
    };
    let rules = Rules {
        family: rules.adjusted_family.unwrap_or(1),
        ..rules
    };
    let evidence = evidence(&test, rules);
    if gap.p_adjusted < rules.alpha {
        (
            VerdictState::Fail,
            format!("{what}; significant: {evidence}"),
        )
    } else {
        (
            VerdictState::Inconclusive,
            format!("{what}, but not significant at {}: {evidence}", rules.alpha),
        )
    }
}

/// "z = 12.78, p < 0.001 after Holm adjustment over 4 tests (unadjusted p < 0.001)", or with
/// Fisher's exact test.
pub fn evidence(t: &TestResult, rules: Rules) -> String {
    let z = match (t.t, t.df) {
        (Some(stat), Some(df)) => format!("Welch's t = {stat:.2} ({df:.0} degrees of freedom)"),
        _ => {
            t.z.map_or("z undefined".to_string(), |z| format!("z = {z:.2}"))
        }
    };
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
    use crate::results::{AttributeSetResult, ReferenceUsed};

    fn rules(favorable: Favorable) -> Rules {
        Rules {
            favorable,
            threshold: 0.8,
            alpha: 0.05,
            p_adjust: PAdjust::Holm,
            family: 4,
            error_family: None,
            smd_threshold: None,
            adjusted_family: None,
        }
    }

    fn four_fifths(
        di: Option<f64>,
        test: Option<&TestResult>,
        rules: Rules,
    ) -> (VerdictState, String) {
        parity(
            di,
            test,
            rules,
            (rules.favorable.rate_words(), "undefined", rules.family),
        )
    }

    fn test(p: f64) -> TestResult {
        TestResult {
            method: TestMethod::Z,
            z: Some(-3.0),
            t: None,
            df: None,
            statistic: None,
            p: None,
            p_value: p,
            p_adjusted: p,
        }
    }

    #[test]
    fn direction_decides_which_side_crosses() {
        let significant = test(0.001);
        let fav = |di| four_fifths(Some(di), Some(&significant), rules(Favorable::Positive)).0;
        let adv = |di| four_fifths(Some(di), Some(&significant), rules(Favorable::Negative)).0;
        assert_eq!(fav(0.79), VerdictState::Fail);
        assert_eq!(fav(0.8), VerdictState::Pass);
        assert_eq!(fav(2.0), VerdictState::Pass);
        assert_eq!(adv(1.26), VerdictState::Fail);
        assert_eq!(adv(1.25), VerdictState::Pass);
        assert_eq!(adv(0.1), VerdictState::Pass);
        assert_eq!(
            four_fifths(None, None, rules(Favorable::Positive)).0,
            VerdictState::Inconclusive
        );
    }

    #[test]
    fn crossing_without_significance_is_inconclusive() {
        let v = four_fifths(Some(0.5), Some(&test(0.2)), rules(Favorable::Positive));
        assert_eq!(v.0, VerdictState::Inconclusive);
        assert!(
            v.1
                .contains("not significant at 0.05: z = -3.00, p = 0.200 after Holm adjustment over 4 tests (unadjusted p = 0.200)"),
            "{}",
            v.1
        );
    }

    fn status_of(set: &AttributeSetResult) -> SetStatus {
        let m = checks::Measure::Selection;
        checks::check(set, m, Favorable::Positive, crate::spec::Basis::Raw).status
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
                four_fifths: Some(*state),
                smd: None,
                four_fifths_adjusted: None,
                adjusted_gap: None,
                adjusted_reason: None,
                reason: String::new(),
                fpr_parity: None,
                tpr_parity: None,
                error_rate_reason: None,
                adjusted_measures_disagree: false,
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
            status_of(&set_with(&[Pass, Fail, Inconclusive], largest)),
            SetStatus::ActionNeeded
        );
        assert_eq!(
            status_of(&set_with(&[Pass, Inconclusive, Excluded], largest)),
            SetStatus::Review
        );
        assert_eq!(
            status_of(&set_with(&[Pass, Excluded], largest)),
            SetStatus::Ok
        );
        // Every group excluded: nothing could be compared, which needs a look.
        assert_eq!(
            status_of(&set_with(&[Excluded], ReferenceUsed::None)),
            SetStatus::Review
        );
    }

    #[test]
    fn a_gap_remains_within_a_proxy_when_it_still_breaks_the_rule() {
        use crate::spec::{Favorable, OutcomeKind};
        let remains =
            |kind, favorable, within, raw| gap_remains_within(kind, favorable, 0.8, (within, raw));
        // A favourable decision: within the proxy's values 0.75 still crosses 0.8; 0.85 does not.
        assert!(remains(
            OutcomeKind::Binary,
            Favorable::Positive,
            Some(0.75),
            Some(0.5)
        ));
        assert!(!remains(
            OutcomeKind::Binary,
            Favorable::Positive,
            Some(0.85),
            Some(0.5)
        ));
        // An adverse one: above 1/0.8 = 1.25.
        assert!(remains(
            OutcomeKind::Binary,
            Favorable::Negative,
            Some(1.3),
            Some(1.6)
        ));
        assert!(!remains(
            OutcomeKind::Binary,
            Favorable::Negative,
            None,
            Some(1.6)
        ));
        // A numeric outcome: half of the raw distance from 1 (0.2 of 0.4) is enough.
        assert!(remains(
            OutcomeKind::Continuous,
            Favorable::Negative,
            Some(1.2),
            Some(1.4)
        ));
        assert!(!remains(
            OutcomeKind::Continuous,
            Favorable::Negative,
            Some(1.1),
            Some(1.4)
        ));
        assert!(!remains(
            OutcomeKind::Continuous,
            Favorable::Negative,
            Some(1.2),
            None
        ));
    }
}
