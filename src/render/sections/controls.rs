//! The report's parts on the legitimate factors (`--control`): the scope's line saying how gaps
//! are estimated at equal controls, per attribute set the table of raw against adjusted gaps,
//! and each group's adjusted verdict.

use crate::metric::{Metric, Tested, Versus};
use crate::render::text::{amount, amount_ci, code, group_label, md, pct, ratio, verdict_text};
use crate::render::words::Words;
use crate::results::{AttributeSetResult, AuditResults, VerdictState};
use crate::spec::OutcomeKind;
use std::fmt::Write;

/// The scope's line on the controls, when there are any.
pub fn scope_line(s: &mut String, r: &AuditResults, w: &Words) {
    let a = &r.audit;
    if a.controls.is_empty() {
        return;
    }
    let how = if a.kind == Some(OutcomeKind::Continuous) {
        let numbers: Vec<String> = a.control_numbers.iter().map(|c| code(c)).collect();
        let taken = match numbers.as_slice() {
            [] => "(as categories)".to_string(),
            _ => format!(
                "({} as numbers, a missing value as its own indicator; the others as categories)",
                numbers.join(", ")
            ),
        };
        format!(
            "a least-squares regression of the outcome on the controls {taken} and an indicator per \
             group, with heteroskedasticity-robust (HC1) errors; the gap that remains is judged by the same rule on \
             its residual SMD (the {} tests adjusted together), and the share of the raw gap the groups' different \
             mix of controls accounts for is given (Oaxaca–Blinder)",
            a.test_families.get("adjusted_gap").copied().unwrap_or(0)
        )
    } else {
        format!(
            "each group's selection rate in every stratum (combination of the controls' values) weighted by the \
             reference group's mix of strata, and its ratio to the reference's judged by the four-fifths rule with \
             the Cochran–Mantel–Haenszel test (the {} tests adjusted together); the Mantel–Haenszel common risk \
             ratio, and the share of the raw gap the different mix accounts for (Kitagawa) are given",
            a.test_families.get("cmh").copied().unwrap_or(0)
        )
    };
    let binned: Vec<String> = a
        .control_bins
        .iter()
        .map(|(c, cuts)| {
            let cuts: Vec<String> = cuts.iter().map(f64::to_string).collect();
            format!("{} is cut into quintiles at {}", code(c), cuts.join(", "))
        })
        .collect();
    let binned = if binned.is_empty() {
        String::new()
    } else {
        format!(
            " ({}: a control of more than 10 numbers is read in five bins)",
            binned.join("; ")
        )
    };
    let _ = writeln!(
        s,
        "- **Legitimate factors (controls):** {}{binned}. Each gap is also estimated at equal {}: {how}.",
        a.controls.iter().map(|c| code(c)).collect::<Vec<_>>().join(", "),
        md(&w.controls())
    );
}

/// The yes/no decision's table at equal controls.
pub fn decision_table(s: &mut String, w: &Words, set: &AttributeSetResult) {
    let _ = writeln!(
        s,
        "At equal {}: the disparate impact ratio, the ratio at the reference's mix of the controls (with its \
         {:.0}% interval), the Mantel–Haenszel ratio, the Cochran–Mantel–Haenszel test, and the share of the raw \
         gap the mix accounts for.\n",
        md(&w.controls()),
        w.r.audit.confidence * 100.0
    );
    let _ = writeln!(
        s,
        "| group | disparate impact ratio | at equal controls | Mantel–Haenszel ratio | CMH p | explained by controls | verdict |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---|");
    for g in &set.groups {
        let (m, Some(v)) = (&g.measures, &g.verdict) else {
            continue;
        };
        let Some(state) = v.four_fifths_adjusted else {
            continue;
        };
        let with_ci = |versus: Versus| match m.vs_interval(versus) {
            Some([lo, hi]) => format!("{} ({lo:.2} to {hi:.2})", ratio(m.vs(versus))),
            None => ratio(m.vs(versus)),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            md(&group_label(m)),
            ratio(m.vs(Versus::DisparateImpactRatio)),
            with_ci(Versus::DisparateImpactRatioAdjusted),
            with_ci(Versus::MantelHaenszelRatio),
            m.test(Tested::Cmh)
                .map_or("n/a".to_string(), |t| format!("{:.3}", t.p_adjusted)),
            pct(m.vs(Versus::ExplainedShare)),
            verdict_text(state)
        );
    }
    let _ = writeln!(s);
}

/// The numeric outcome's table at equal controls: raw and adjusted gaps side by side.
pub fn numeric_table(s: &mut String, w: &Words, set: &AttributeSetResult) {
    let _ = writeln!(
        s,
        "\nAt equal {}: the raw mean difference, the gap that remains (with its {:.0}% interval), that gap as a \
         share of the reference's mean, over the residual standard deviation, and the share of the raw gap the \
         controls account for.\n",
        md(&w.controls()),
        w.r.audit.confidence * 100.0
    );
    let _ = writeln!(
        s,
        "| group | raw difference | gap at equal controls | % of reference mean | residual SMD | explained by controls | verdict |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---|");
    for g in &set.groups {
        let (Some(gap), Some(v)) = (&g.measures.vs_reference.adjusted_gap, &g.verdict) else {
            continue;
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {:+.2} | {} | {} |",
            md(&group_label(&g.measures)),
            amount(g.measures.vs(Versus::Difference(Metric::Mean))),
            amount_ci(Some(gap.estimate), Some(gap.ci)),
            gap.percent_of_reference
                .map_or("n/a".to_string(), |p| format!("{:+.1}%", p * 100.0)),
            gap.residual_smd,
            gap.explained_share
                .map_or("n/a".to_string(), |e| pct(Some(e))),
            verdict_text(v.adjusted_gap.unwrap_or(VerdictState::Inconclusive))
        );
    }
}

/// The terms of the tables at equal controls.
pub fn glossary(s: &mut String, r: &AuditResults) {
    let terms: &[(&str, &str)] = if r.audit.kind == Some(OutcomeKind::Continuous) {
        &[
            ("gap at equal controls", "the difference between a group and the reference among people with the same controls (a least-squares estimate)"),
            ("residual SMD", "the gap at equal controls divided by the spread that remains once the controls are accounted for"),
            ("explained by controls", "the share of the raw gap that comes from the groups' different mix of controls (Oaxaca–Blinder); 100% means none is left"),
            ("HC1", "standard errors that stay valid when the spread differs between groups (heteroskedasticity-robust)"),
        ]
    } else {
        &[
            ("at equal controls", "the group's selection rate in every combination of the controls' values, weighted as the reference group's people are spread over them, divided by the reference's rate"),
            ("Mantel–Haenszel ratio", "a common ratio of the selection rates across the combinations of the controls' values"),
            ("CMH", "the Cochran–Mantel–Haenszel test: whether the group and the reference differ within the combinations of the controls' values"),
            ("explained by controls", "the share of the raw gap that comes from the groups' different mix of controls (Kitagawa's decomposition); 100% means none is left"),
        ]
    };
    for (term, meaning) in terms {
        let _ = writeln!(s, "- **{term}**: {meaning}.");
    }
}
