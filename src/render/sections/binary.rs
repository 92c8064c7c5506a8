//! The report's parts for a yes/no decision: the scope's lines on the decision, its direction
//! and the rule behind the verdicts, and per attribute set each group's selection rate, its
//! comparison with the reference, the error rates with a label, the between-groups summaries,
//! and the verdicts.

use crate::measure::metrics::rate;
use crate::metric::{Between, Metric, Versus};
use crate::render::charts::{chart_file, more_charts};
use crate::render::sections::{controls, verdicts};
use crate::render::text::{
    adjustment_name, code, group_label, how_often, md, pct, points, points_ci, ratio,
    reference_text, verdict_text,
};
use crate::render::words::Words;
use crate::render::RunContext;
use crate::results::{AttributeSetResult, AuditInfo, AuditResults};
use crate::spec::Favorable;
use std::fmt::Write;

/// A yes/no decision's parts of the report.
pub struct Binary;

impl super::KindSections for Binary {
    fn scope_lines(&self, s: &mut String, r: &AuditResults, ctx: &RunContext) {
        decision_lines(s, r, ctx);
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

    fn glossary(&self, _: &mut String) {}

    fn controls_method(&self, a: &AuditInfo) -> String {
        format!(
        "each group's selection rate in every stratum (combination of the controls' values) weighted by the \
         reference group's mix of strata, and its ratio to the reference's judged by the four-fifths rule with \
         the Cochran–Mantel–Haenszel test (the {} tests adjusted together); the Mantel–Haenszel common risk \
         ratio, and the share of the raw gap the different mix accounts for (Kitagawa) are given",
        a.test_families.get("cmh").copied().unwrap_or(0)
    )
    }

    fn controls_terms(&self) -> &'static [(&'static str, &'static str)] {
        &[
        ("at equal controls", "the group's selection rate in every combination of the controls' values, weighted as the reference group's people are spread over them, divided by the reference's rate"),
        ("Mantel–Haenszel ratio", "a common ratio of the selection rates across the combinations of the controls' values"),
        ("CMH", "the Cochran–Mantel–Haenszel test: whether the group and the reference differ within the combinations of the controls' values"),
        ("explained by controls", "the share of the raw gap that comes from the groups' different mix of controls (Kitagawa's decomposition); 100% means none is left"),
    ]
    }

    fn judged_words(&self, _: &Words) -> String {
        "selection rate".to_string()
    }

    fn subject(&self, _: &Words) -> String {
        "decision".to_string()
    }
    fn rule_name(&self, _: &AuditInfo) -> String {
        "the four-fifths rule".to_string()
    }
    fn within_proxy(
        &self,
        w: &Words,
        reference: &str,
        within: f64,
        raw: &str,
        interval: &str,
    ) -> String {
        format!(
            "they {} {} {reference} (ratio {within:.2} at the reference's mix{interval}, against {raw} in the \
             sample as a whole)",
            w.decision(),
            how_often(Some(within), w.r.audit.favorable)
        )
    }
}

fn direction_text(f: Favorable) -> &'static str {
    match f {
        Favorable::Positive => {
            "favourable to the people it concerns (an offer, an approval): a lower rate is the disadvantage"
        }
        Favorable::Negative => {
            "adverse to the people it concerns (a flag, a denial): a higher rate is the disadvantage"
        }
    }
}

/// The scope's lines on a yes/no decision: what counts as positive, the direction, the label,
/// and the rules behind the verdicts.
fn decision_lines(s: &mut String, r: &AuditResults, ctx: &RunContext) {
    let a = &r.audit;
    let positive = match (&a.score, &a.outcome, &a.positive) {
        (Some(sc), _, _) if a.score_rate.is_some() => format!(
            "score {} strictly above the log's median score, {} (the scoring rate of a NYC Local Law 144 bias \
             audit; impact ratios against the group with the highest rate)",
            code(&sc.column),
            sc.threshold
        ),
        (Some(sc), _, _) => format!("score {} at or above {}", code(&sc.column), sc.threshold),
        (None, Some(o), Some(p)) => {
            format!(
                "{} is one of: {}",
                code(o),
                p.iter().map(|v| md(v)).collect::<Vec<_>>().join(", ")
            )
        }
        (None, Some(o), None) => format!("{} is 1, true or yes", code(o)),
        (None, None, _) => String::new(),
    };
    let _ = writeln!(s, "- **Positive decision:** {positive}");
    if let Some(neg) = &a.negative_values {
        let _ = writeln!(
            s,
            "- **Counted as negative decisions:** {}",
            value_counts(neg)
        );
    }
    let _ = writeln!(
        s,
        "- **Direction:** the positive decision is {}.",
        direction_text(a.favorable)
    );
    match &a.label {
        Some(label) => {
            let _ = writeln!(
                s,
                "- **True outcome (label):** {}{}{}",
                code(label),
                a.label_positive
                    .as_ref()
                    .map(|p| format!(
                        ", positive when one of: {}",
                        p.iter().map(|v| md(v)).collect::<Vec<_>>().join(", ")
                    ))
                    .unwrap_or_default(),
                ctx.label_means.as_deref().map_or(
                    "; error-rate metrics are computed. What it is was not described (use --label-means): \
                     error rates only mean something if the label is a genuine ground truth, not a \
                     consequence of the decision."
                        .to_string(),
                    |means| format!(": {}; error-rate metrics are computed against it.", md(means))
                )
            );
            if let Some(neg) = &a.label_negative_values {
                let _ = writeln!(
                    s,
                    "- **Label values counted as negative:** {}",
                    value_counts(neg)
                );
            }
        }
        None => {
            let _ = writeln!(
                s,
                "- **True outcome (label):** none given; only selection-rate metrics exist."
            );
        }
    }
    let rule = format!(
        "a group fails when its disparate impact ratio is {} {}",
        a.favorable.failing_side(),
        a.favorable.bound_text(a.di_threshold)
    );
    let _ = writeln!(
        s,
        "- **Four-fifths rule:** {rule}, and the difference is statistically significant (two-proportion z-test, \
         Fisher's exact test for small counts; the {} selection-rate tests, one per compared group, adjusted together \
         with {}; significance level {}); crossed but not significant is *inconclusive*. Tests of other rates, which \
         no verdict uses, are adjusted in families of their own.",
        a.tests_in_family,
        adjustment_name(a.p_adjust),
        a.alpha
    );
    if let (Some(_), Some(n)) = (
        &a.label,
        a.test_families.get(a.favorable.error_rate().0.name()),
    ) {
        let _ = writeln!(
            s,
            "- **Error-rate parity:** with a true outcome, each group's {} is judged by the same rule against the \
             reference's: it fails when its ratio is {} {} and the difference is significant (the {n} tests of that \
             rate adjusted together with the same method).",
            a.favorable.error_rate().1,
            a.favorable.failing_side(),
            a.favorable.bound_text(a.di_threshold)
        );
    }
}

fn value_counts(values: &[crate::value::ValueCount]) -> String {
    values
        .iter()
        .map(|v| format!("{} ({})", md(&v.value), v.count))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A rate with its interval: `58.8% (57.2–60.4%)`.
fn pct_ci(v: Option<f64>, ci: Option<[f64; 2]>) -> String {
    match ci {
        Some([lo, hi]) if v.is_some() => {
            format!("{} ({:.1}–{:.1}%)", pct(v), lo * 100.0, hi * 100.0)
        }
        _ => pct(v),
    }
}

/// A ratio with its interval: `1.69 (1.59–1.80)`.
fn ratio_ci(v: Option<f64>, ci: Option<[f64; 2]>) -> String {
    match ci {
        Some([lo, hi]) if v.is_some() => format!("{} ({lo:.2}–{hi:.2})", ratio(v)),
        _ => ratio(v),
    }
}

/// One attribute set's findings for a yes/no decision.
fn attribute_set(
    s: &mut String,
    r: &AuditResults,
    ctx: &RunContext,
    index: usize,
    set: &AttributeSetResult,
) {
    let confidence = r.audit.confidence * 100.0;
    let w = Words::new(r, ctx);
    let _ = writeln!(s, "### {}\n", md(&w.set(set)));
    let _ = writeln!(s, "Reference group: {}.\n", reference_text(set));
    let _ = writeln!(
        s,
        "Headline: **disparate impact ratio** = selection rate of the group / selection rate of the reference \
         (selection rate = {}); **statistical parity difference** = selection rate of the group − that of the reference. \
         The positive decision is {}. Brackets give {confidence}% confidence intervals (Wilson for rates, Katz for ratios, \
         Newcombe for differences).\n",
        rate(Metric::SelectionRate).map_or("", |r| r.formula),
        direction_text(r.audit.favorable)
    );
    let _ = writeln!(
        s,
        "| group | verdict | n | share | selection rate | disparate impact ratio | statistical parity difference |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|");
    for g in &set.groups {
        let m = &g.measures;
        let _ = writeln!(
            s,
            "| {}{} | {} | {} | {} | {} | {} | {} |",
            md(&group_label(m)),
            if m.is_reference { " (reference)" } else { "" },
            verdict_text(g.state()),
            ctx.people_of(m.counts.n),
            pct(m.rate(Metric::GroupShare)),
            pct_ci(
                m.rate(Metric::SelectionRate),
                m.interval(Metric::SelectionRate)
            ),
            ratio_ci(
                m.vs(Versus::DisparateImpactRatio),
                m.vs_interval(Versus::DisparateImpactRatio)
            ),
            points(m.vs(Versus::StatisticalParityDifference))
        );
    }
    let _ = writeln!(s);
    if !r.audit.controls.is_empty() {
        controls::decision_table(s, &Words::new(r, ctx), set);
    }
    if r.audit.label.is_some() {
        let _ = writeln!(
            s,
            "Error rates (tpr = {}, fpr = {}, fnr = {}, ppv = {}); ratios are group / reference.\n",
            rate(Metric::Tpr).map_or("", |r| r.formula),
            rate(Metric::Fpr).map_or("", |r| r.formula),
            rate(Metric::Fnr).map_or("", |r| r.formula),
            rate(Metric::Ppv).map_or("", |r| r.formula)
        );
        let _ = writeln!(s, "| group | base rate | tpr | fpr | fnr | ppv | fpr ratio | fnr ratio | equal opportunity difference | average odds difference |");
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for g in &set.groups {
            let m = &g.measures;
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                md(&group_label(m)),
                pct(m.rate(Metric::BaseRate)),
                pct_ci(m.rate(Metric::Tpr), m.interval(Metric::Tpr)),
                pct_ci(m.rate(Metric::Fpr), m.interval(Metric::Fpr)),
                pct(m.rate(Metric::Fnr)),
                pct(m.rate(Metric::Ppv)),
                ratio_ci(
                    m.vs(Versus::Ratio(Metric::Fpr)),
                    m.vs_interval(Versus::Ratio(Metric::Fpr))
                ),
                ratio(m.vs(Versus::Ratio(Metric::Fnr))),
                points(m.vs(Versus::EqualOpportunityDifference)),
                points(m.vs(Versus::AverageOddsDifference))
            );
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "Verdicts (how sure we are: the selection-rate test of each group against the reference):\n");
    verdicts::verdict_list(s, r, set);
    let _ = writeln!(
        s,
        "\nBetween groups (over the groups not excluded whose rate is defined; {confidence}% bias-corrected bootstrap intervals):\n"
    );
    for (name, value) in &set.summary.values {
        let ci = set.summary.ci.get(name).copied().flatten();
        let (shown, formula) = match Between::from_name(name) {
            Some(b) if b.is_ratio() => (ratio_ci(*value, ci), b.formula()),
            Some(b) => (points_ci(*value, ci), b.formula()),
            None => (ratio(*value), ""),
        };
        let driver = set.summary.driven_by.get(name).map_or(String::new(), |d| {
            let without = match Between::from_name(name) {
                Some(b) if b.is_ratio() => ratio(d.without),
                _ => points_ci(d.without, None),
            };
            format!(
                "; **it stands on one small group**: {} ({} {}), without which it is {without}",
                md(&w.group(&d.group)),
                ctx.people(d.n),
                md(w.people())
            )
        });
        let _ = writeln!(
            s,
            "- {}: {} ({}){driver}",
            name.replace('_', " "),
            shown,
            formula
        );
    }
    let _ = writeln!(
        s,
        "\n![Selection rate per group, {}]({})\n",
        md(&Words::new(r, ctx).set(set)),
        chart_file(r, index, set)
    );
    for (title, path) in more_charts(r, index, set) {
        let _ = writeln!(
            s,
            "![{title}, {}]({path})\n",
            md(&Words::new(r, ctx).set(set))
        );
    }
}
