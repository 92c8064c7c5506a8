//! The report's parts for a numeric outcome (a price, a waiting time): the scope's lines on the
//! outcome and the rule behind the verdicts, and per attribute set each group's distribution,
//! its comparison with the reference, and its verdict.

use super::controls;
use super::verdicts;
use crate::metric::{Metric, Versus};
use crate::render::charts::{chart_file, more_charts};
use crate::render::text::{
    adjustment_name, amount, amount_ci, code, group_label, md, p_value, pct, ratio, reference_text,
    verdict_text,
};
use crate::render::words::Words;
use crate::render::RunContext;
use crate::results::{AttributeSetResult, AuditInfo, AuditResults, VerdictState};
use crate::spec::Favorable;
use std::fmt::Write;

/// A numeric outcome's parts of the report.
pub struct Numeric;

impl super::KindSections for Numeric {
    fn scope_lines(&self, s: &mut String, r: &AuditResults, ctx: &RunContext) {
        scope_lines(s, r, ctx);
    }

    fn findings(
        &self,
        s: &mut String,
        r: &AuditResults,
        ctx: &RunContext,
        (index, set): (usize, &AttributeSetResult),
    ) {
        attribute_set(s, r, ctx, index, set);
    }

    fn glossary(&self, s: &mut String) {
        glossary(s);
    }

    fn controls_method(&self, a: &AuditInfo) -> String {
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
         mix of controls accounts for is given (Oaxaca–Blinder). The residual SMD divides the gap by the spread \
         among people alike in the controls (the regression's residual standard deviation), as effect sizes of \
         covariate-adjusted comparisons on the error scale do: a gap at equal legitimate factors is a gap between \
         like people, and the factors' own spread does not dilute it. The What Works Clearinghouse's convention \
         (Procedures and Standards Handbook, version 5.0) divides the adjusted difference by the unadjusted pooled \
         standard deviation instead, which keeps the raw and adjusted SMDs on one scale but can call a real premium \
         among like people small; each sentence gives the gap in the outcome's own unit and both scales",
        a.test_families.get("adjusted_gap").copied().unwrap_or(0)
    )
    }

    fn controls_terms(&self) -> &'static [(&'static str, &'static str)] {
        &[
        ("gap at equal controls", "the difference between a group and the reference among people with the same controls (a least-squares estimate)"),
        ("residual SMD", "the gap at equal controls divided by the spread that remains once the controls are accounted for (the regression's residual standard deviation): the gap in units of the spread among people alike in the controls"),
        ("explained by controls", "the share of the raw gap that comes from the groups' different mix of controls (Oaxaca–Blinder); 100% means none is left"),
        ("HC1", "standard errors that stay valid when the spread differs between groups (heteroskedasticity-robust)"),
    ]
    }

    fn judged_words(&self, w: &Words) -> String {
        format!("mean {}", w.outcome())
    }

    fn subject(&self, w: &Words) -> String {
        w.outcome()
    }
    fn rule_name(&self, a: &AuditInfo) -> String {
        format!(
            "the threshold of a standardized mean difference of {} (Cohen's small effect)",
            a.smd_threshold.unwrap_or_default()
        )
    }
    fn within_proxy(&self, w: &Words, reference: &str, within: f64, raw: &str, _: &str) -> String {
        format!(
            "their mean {} is {within:.2} times that of {reference} (at the reference's mix), against {raw} in the \
             sample as a whole",
            w.outcome()
        )
    }
}

/// The scope's lines on the outcome, its direction and the verdicts' rule.
fn scope_lines(s: &mut String, r: &AuditResults, ctx: &RunContext) {
    let a = &r.audit;
    let w = Words::new(r, ctx);
    let _ = writeln!(
        s,
        "- **Outcome:** {} ({}), a number per row; each group's distribution is compared with the reference's.",
        code(a.outcome.as_deref().unwrap_or_default()),
        md(&w.outcome())
    );
    let _ = writeln!(
        s,
        "- **Direction:** {}",
        match a.favorable {
            Favorable::Positive => "a higher value is favourable to the people (a discount): a lower mean is the disadvantage.",
            Favorable::Negative => "a higher value is adverse to the people (a price, a waiting time): a higher mean is the disadvantage.",
        }
    );
    let t = a.smd_threshold.unwrap_or(0.2);
    let _ = writeln!(
        s,
        "- **Rule:** a group fails when its standardized mean difference from the reference (difference of means \
         over the pooled standard deviation) is beyond {t} to its disadvantage ({} {t}) and the difference of means is \
         statistically significant (Welch's t-test; the {} tests, one per compared group, adjusted together with {}; \
         significance level {}); beyond but not significant is *inconclusive*. {t} is a small effect in Cohen's terms.",
        match a.favorable {
            Favorable::Positive => "below −",
            Favorable::Negative => "above",
        },
        a.tests_in_family,
        adjustment_name(a.p_adjust),
        a.alpha
    );
}

/// One attribute set's findings for a numeric outcome.
fn attribute_set(
    s: &mut String,
    r: &AuditResults,
    ctx: &RunContext,
    index: usize,
    set: &AttributeSetResult,
) {
    let w = Words::new(r, ctx);
    let confidence = r.audit.confidence * 100.0;
    let _ = writeln!(s, "### {}\n", md(&w.set(set)));
    let _ = writeln!(s, "Reference group: {}.\n", reference_text(set));
    let _ = writeln!(
        s,
        "The distribution of {}{} in each group: mean (with its {confidence}% interval), standard deviation and \
         quantiles (p10: a tenth of the group is below it; p25–p75 hold the middle half).\n",
        md(&w.outcome()),
        md(&w.in_unit())
    );
    let _ = writeln!(
        s,
        "| group | verdict | n | share | mean | sd | p10 | p25 | median | p75 | p90 |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for g in &set.groups {
        let m = &g.measures;
        let _ = writeln!(
            s,
            "| {}{} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            md(&group_label(m)),
            if m.is_reference { " (reference)" } else { "" },
            verdict_text(g.state()),
            ctx.people_of(m.counts.n),
            pct(m.rate(Metric::GroupShare)),
            amount_ci(m.rate(Metric::Mean), m.interval(Metric::Mean)),
            amount(m.rate(Metric::Std)),
            amount(m.rate(Metric::P10)),
            amount(m.rate(Metric::P25)),
            amount(m.rate(Metric::Median)),
            amount(m.rate(Metric::P75)),
            amount(m.rate(Metric::P90)),
        );
    }
    let _ = writeln!(
        s,
        "\nAgainst the reference: differences are group − reference{} (Welch's interval for the mean, a {} \
         replicate bias-corrected bootstrap interval for the median), ratios group / reference, the standardized mean \
         difference (SMD) and the Kolmogorov–Smirnov statistic (the largest gap between the two distributions' \
         cumulative shares, 0 to 1) with its p-value.\n",
        md(&w.in_unit()),
        r.audit.bootstrap
    );
    let _ = writeln!(
        s,
        "| group | mean difference | mean ratio | median difference | median ratio | SMD | KS (p) |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|");
    for g in set
        .groups
        .iter()
        .filter(|g| g.state() != VerdictState::Excluded && !g.measures.is_reference)
    {
        let m = &g.measures;
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            md(&group_label(m)),
            amount_ci(
                m.vs(Versus::Difference(Metric::Mean)),
                m.vs_interval(Versus::Difference(Metric::Mean))
            ),
            ratio(m.vs(Versus::Ratio(Metric::Mean))),
            amount_ci(
                m.vs(Versus::Difference(Metric::Median)),
                m.vs_interval(Versus::Difference(Metric::Median))
            ),
            ratio(m.vs(Versus::Ratio(Metric::Median))),
            m.vs(Versus::StandardizedMeanDifference)
                .map_or("n/a".to_string(), |v| format!("{v:+.2}")),
            match (m.vs(Versus::KsStatistic), m.vs(Versus::KsPValue)) {
                (Some(d), Some(p)) => format!("{d:.2} ({})", p_value(p)),
                _ => "n/a".to_string(),
            }
        );
    }
    if !r.audit.controls.is_empty() {
        controls::numeric_table(s, &w, set);
    }
    let _ = writeln!(s, "\nVerdicts:\n");
    verdicts::verdict_list(s, r, set);
    let _ = writeln!(
        s,
        "\n![Distribution per group, {}]({})\n",
        md(&w.set(set)),
        chart_file(r, index, set)
    );
    for (title, path) in more_charts(r, index, set) {
        let _ = writeln!(s, "![{title}, {}]({path})\n", md(&w.set(set)));
    }
}

/// The terms of a numeric outcome's tables and sentences.
fn glossary(s: &mut String) {
    for (term, meaning) in [
        ("mean", "the average value in a group"),
        ("sd", "standard deviation: how far values typically lie from the group's mean"),
        ("median, p10, p25, p75, p90", "the values below which half, a tenth, a quarter, three quarters and nine tenths of a group lie"),
        ("mean / median difference", "the group's mean (median) minus the reference group's, in the outcome's own unit"),
        ("mean / median ratio", "the group's mean (median) divided by the reference group's; 1.10 means 10% higher"),
        ("standardized mean difference (SMD)", "the difference of means divided by the pooled standard deviation of the two groups, so gaps in different units compare; 0.2 is a small effect, 0.5 medium, 0.8 large (Cohen)"),
        ("Welch's t-test", "a test of whether two means differ that does not assume the groups have the same spread; t is the difference in standard errors"),
        ("Kolmogorov–Smirnov statistic (KS)", "the largest gap, over all values, between the shares of the two groups at or below that value: 0 when the distributions are the same, 1 when they do not overlap"),
    ] {
        let _ = writeln!(s, "- **{term}**: {meaning}.");
    }
}
