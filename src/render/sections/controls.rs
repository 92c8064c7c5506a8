//! The report's parts on the legitimate factors (`--control`): the scope's line saying how gaps
//! are estimated at equal controls, per attribute set the table of raw against adjusted gaps,
//! and each group's adjusted verdict.

use crate::measure::adjusted::MIN_RAW_MEAN_GAP;
use crate::metric::{Metric, Tested, Versus};
use crate::render::text::{amount, amount_ci, code, group_label, md, pct, ratio, verdict_text};
use crate::render::words::Words;
use crate::results::{AttributeSetResult, AuditResults, VerdictState};
use crate::stats::strata::MIN_RAW_RATIO_GAP;
use std::fmt::Write;

/// The scope's line on the controls, when there are any; `how` says how the kind of outcome
/// estimates a gap at equal controls.
pub fn scope_line(s: &mut String, r: &AuditResults, w: &Words, how: &str) {
    let a = &r.audit;
    if a.controls.is_empty() {
        return;
    }
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
    let small = set.groups.iter().any(|g| {
        g.verdict
            .as_ref()
            .is_some_and(|v| v.four_fifths_adjusted.is_some())
            && !g.measures.is_reference
            && g.measures.vs(Versus::ExplainedShare).is_none()
    });
    if small {
        let _ = writeln!(
            s,
            "\nn/a under *explained by controls*: the raw gap is too small (a ratio within {:.2} to {:.2}) for a share \
             of it to mean anything.",
            1.0 - MIN_RAW_RATIO_GAP,
            1.0 + MIN_RAW_RATIO_GAP
        );
    }
    let _ = writeln!(s);
}

/// The numeric outcome's table at equal controls: raw and adjusted gaps side by side.
pub fn numeric_table(s: &mut String, w: &Words, set: &AttributeSetResult) {
    let _ = writeln!(
        s,
        "\nAt equal {}: the raw mean difference, the gap that remains (with its {:.0}% interval){}, that gap as a \
         share of the reference's mean, over the residual standard deviation (the spread among people alike in the \
         controls), and the share of the raw gap the controls account for.\n",
        md(&w.controls()),
        w.r.audit.confidence * 100.0,
        md(&w.in_unit())
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
    let small = set.groups.iter().any(|g| {
        g.measures
            .vs_reference
            .adjusted_gap
            .as_ref()
            .is_some_and(|gap| gap.explained_share.is_none())
    });
    if small {
        let _ = writeln!(
            s,
            "\nn/a under *explained by controls*: the raw gap is too small (under {:.0}% of the reference's mean) for a \
             share of it to mean anything.",
            MIN_RAW_MEAN_GAP * 100.0
        );
    }
}

/// The terms of the tables at equal controls, as the kind of outcome gives them.
pub fn glossary(s: &mut String, terms: &[(&str, &str)]) {
    for (term, meaning) in terms {
        let _ = writeln!(s, "- **{term}**: {meaning}.");
    }
}
