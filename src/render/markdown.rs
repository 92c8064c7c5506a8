//! `report.md`: what was audited, on which data, and every attribute set's groups, rates,
//! comparisons and verdicts, with the formula and direction beside the headline numbers.

use super::charts::chart_file;
use super::text::{code, group_label, md, pct, points, ratio, set_label};
use super::{OutputFile, Renderer};
use crate::error::Result;
use crate::metrics::rate;
use crate::results::{AttributeSetResult, AuditResults, VerdictState};
use crate::spec::Favorable;
use std::fmt::Write;

/// Renders `report.md`.
pub struct Markdown;

impl Renderer for Markdown {
    fn render(&self, results: &AuditResults) -> Result<Vec<OutputFile>> {
        Ok(vec![OutputFile {
            name: "report.md".into(),
            bytes: report(results).into_bytes(),
        }])
    }
}

fn report(r: &AuditResults) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Fairness audit of {}\n", code(&decision_text(r)));
    scope(&mut s, r);
    for (i, set) in r.attribute_sets.iter().enumerate() {
        attribute_set(&mut s, r, i, set);
    }
    let _ = writeln!(
        s,
        "---\nProduced by {} {}. Undefined values (a zero denominator) are shown as n/a, never as 0.",
        r.tool.name, r.tool.version
    );
    s
}

/// The decision in words: `decile_score >= 5` or `offer in {yes}`.
fn decision_text(r: &AuditResults) -> String {
    match (&r.audit.score, &r.audit.outcome) {
        (Some(score), _) => format!("{} >= {}", score.column, score.threshold),
        (None, Some(outcome)) => match &r.audit.positive {
            Some(p) => format!("{outcome} in {{{}}}", p.join(", ")),
            None => outcome.clone(),
        },
        (None, None) => String::new(),
    }
}

fn direction_text(f: Favorable) -> &'static str {
    match f {
        Favorable::Positive => "favourable to the customer (an offer, an approval): a lower rate is the disadvantage",
        Favorable::Negative => "adverse to the customer (a flag, a denial): a higher rate is the disadvantage",
    }
}

fn scope(s: &mut String, r: &AuditResults) {
    let a = &r.audit;
    let _ = writeln!(s, "## What was audited\n");
    let _ = writeln!(
        s,
        "- **Decision log:** {} ({}, {} bytes), SHA-256 `{}`",
        code(&r.input.path),
        serde_json::to_value(r.input.format).map(|v| v.as_str().unwrap_or("").to_string()).unwrap_or_default(),
        r.input.size_bytes,
        r.input.sha256
    );
    let excluded: Vec<String> = r
        .input
        .rows_excluded
        .iter()
        .map(|(why, n)| format!("{n} with a {why}"))
        .collect();
    let _ = writeln!(
        s,
        "- **Rows:** {} read, {} used, excluded: {}",
        r.input.rows_read,
        r.input.rows_used,
        excluded.join(", ")
    );
    let positive = match (&a.score, &a.outcome, &a.positive) {
        (Some(sc), _, _) => format!("score {} at or above {}", code(&sc.column), sc.threshold),
        (None, Some(o), Some(p)) => format!(
            "{} is one of: {}",
            code(o),
            p.iter().map(|v| md(v)).collect::<Vec<_>>().join(", ")
        ),
        (None, Some(o), None) => format!("{} is 1, true or yes", code(o)),
        (None, None, _) => String::new(),
    };
    let _ = writeln!(s, "- **Positive decision:** {positive}");
    if let Some(neg) = &a.negative_values {
        let _ = writeln!(s, "- **Counted as negative decisions:** {}", value_counts(neg));
    }
    let _ = writeln!(s, "- **Direction:** the positive decision is {}.", direction_text(a.favorable));
    match &a.label {
        Some(label) => {
            let _ = writeln!(
                s,
                "- **True outcome (label):** {}{}; error-rate metrics are computed.",
                code(label),
                a.label_positive
                    .as_ref()
                    .map(|p| format!(", positive when one of: {}", p.iter().map(|v| md(v)).collect::<Vec<_>>().join(", ")))
                    .unwrap_or_default()
            );
            if let Some(neg) = &a.label_negative_values {
                let _ = writeln!(s, "- **Label values counted as negative:** {}", value_counts(neg));
            }
        }
        None => {
            let _ = writeln!(s, "- **True outcome (label):** none given; only selection-rate metrics exist.");
        }
    }
    let rule = match a.favorable {
        Favorable::Positive => format!("a group fails when its disparate impact ratio is below {}", a.di_threshold),
        Favorable::Negative => format!(
            "a group fails when its disparate impact ratio is above 1/{} = {:.2}",
            a.di_threshold,
            1.0 / a.di_threshold
        ),
    };
    let _ = writeln!(
        s,
        "- **Four-fifths rule:** {rule}, and the difference is statistically significant (two-proportion z-test, \
         Fisher's exact test for small counts; {} tests adjusted together with {}; significance level {}); \
         crossed but not significant is *inconclusive*.",
        a.tests_in_family,
        match a.p_adjust {
            crate::stats::adjust::PAdjust::Holm => "Holm's method",
            crate::stats::adjust::PAdjust::Bh => "Benjamini-Hochberg",
            crate::stats::adjust::PAdjust::None => "no adjustment",
        },
        a.alpha
    );
    let _ = writeln!(
        s,
        "- **Groups left out:** fewer than {} rows{}{}; bootstrap: {} replicates, seed {}.",
        a.min_group_size,
        if a.min_group_share > 0.0 { format!(", or under {}% of the rows", a.min_group_share * 100.0) } else { String::new() },
        if a.exclude_missing { ", or a missing value" } else { "" },
        a.bootstrap,
        a.seed
    );
    if let Some(w) = &a.weight {
        let _ = writeln!(s, "- **Weights:** column {}; counts are weighted sums, intervals and tests use Kish's effective sample size.", code(w));
    }
    if !a.membership.is_empty() {
        let _ = writeln!(
            s,
            "- **Estimated attributes:** {} (each row counts toward each group with its probability).",
            a.membership.iter().map(|m| code(m)).collect::<Vec<_>>().join(", ")
        );
    }
    let _ = writeln!(s);
}

fn value_counts(values: &[crate::tally::ValueCount]) -> String {
    values
        .iter()
        .map(|v| format!("{} ({})", md(&v.value), v.count))
        .collect::<Vec<_>>()
        .join(", ")
}

fn reference_text(set: &AttributeSetResult) -> String {
    let how = match set.reference_strategy.as_str() {
        "explicit" => "chosen explicitly",
        "largest" => "the largest group",
        "highest" => "the group with the most favourable selection rate",
        _ => "",
    };
    match &set.reference {
        Some(values) => {
            let name: Vec<String> = values.iter().map(|(k, v)| format!("{} = {}", md(k), md(v))).collect();
            format!("{} ({how})", name.join(", "))
        }
        None => "the whole population of the attribute set (every group compared with everyone)".into(),
    }
}

fn verdict_text(v: VerdictState) -> &'static str {
    match v {
        VerdictState::Pass => "pass",
        VerdictState::Inconclusive => "inconclusive",
        VerdictState::Fail => "**FAIL**",
        VerdictState::Excluded => "excluded",
    }
}

/// A rate with its interval: `58.8% (57.2–60.4%)`.
fn pct_ci(v: Option<f64>, ci: Option<[f64; 2]>) -> String {
    match ci {
        Some([lo, hi]) if v.is_some() => format!("{} ({:.1}–{:.1}%)", pct(v), lo * 100.0, hi * 100.0),
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

/// A count for people: whole numbers without decimals, weighted sums with one.
fn count_text(x: f64) -> String {
    if x.fract() == 0.0 { format!("{x:.0}") } else { format!("{x:.1}") }
}

fn attribute_set(s: &mut String, r: &AuditResults, index: usize, set: &AttributeSetResult) {
    let confidence = r.audit.confidence * 100.0;
    let _ = writeln!(s, "## {}\n", md(&set_label(set)));
    let _ = writeln!(s, "Reference group: {}.\n", reference_text(set));
    let _ = writeln!(
        s,
        "Headline: **disparate impact ratio** = selection rate of the group / selection rate of the reference \
         (selection rate = {}); **statistical parity difference** = selection rate of the group − that of the reference. \
         The positive decision is {}. Brackets give {confidence}% confidence intervals (Wilson for rates, Katz for ratios, \
         Newcombe for differences).\n",
        rate("selection_rate").map_or("", |r| r.formula),
        direction_text(r.audit.favorable)
    );
    let _ = writeln!(s, "| group | n | share | selection rate | disparate impact ratio | statistical parity difference | verdict |");
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---|");
    for g in &set.groups {
        let m = &g.measures;
        let ci = |name: &str| m.vs_reference.ci.get(name).copied().flatten();
        let _ = writeln!(
            s,
            "| {}{} | {} | {} | {} | {} | {} | {} |",
            md(&group_label(m)),
            if m.is_reference { " (reference)" } else { "" },
            count_text(m.count("n")),
            pct(m.rate("group_share")),
            pct_ci(m.rate("selection_rate"), m.interval("selection_rate")),
            ratio_ci(m.vs("disparate_impact_ratio"), ci("disparate_impact_ratio")),
            points(m.vs("statistical_parity_difference")),
            verdict_text(g.verdict.four_fifths)
        );
    }
    let _ = writeln!(s);
    if r.audit.label.is_some() {
        let _ = writeln!(
            s,
            "Error rates (tpr = {}, fpr = {}, fnr = {}, ppv = {}); ratios are group / reference.\n",
            rate("tpr").map_or("", |r| r.formula),
            rate("fpr").map_or("", |r| r.formula),
            rate("fnr").map_or("", |r| r.formula),
            rate("ppv").map_or("", |r| r.formula)
        );
        let _ = writeln!(s, "| group | base rate | tpr | fpr | fnr | ppv | fpr ratio | fnr ratio | equal opportunity difference | average odds difference |");
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for g in &set.groups {
            let m = &g.measures;
            let ci = |name: &str| m.vs_reference.ci.get(name).copied().flatten();
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                md(&group_label(m)),
                pct(m.rate("base_rate")),
                pct_ci(m.rate("tpr"), m.interval("tpr")),
                pct_ci(m.rate("fpr"), m.interval("fpr")),
                pct(m.rate("fnr")),
                pct(m.rate("ppv")),
                ratio_ci(m.vs("fpr_ratio"), ci("fpr_ratio")),
                ratio(m.vs("fnr_ratio")),
                points(m.vs("equal_opportunity_difference")),
                points(m.vs("average_odds_difference"))
            );
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "Verdicts (how sure we are: the selection-rate test of each group against the reference):\n");
    for g in set.groups.iter().filter(|g| g.verdict.four_fifths != VerdictState::Excluded) {
        let _ = writeln!(
            s,
            "- {}: {} — {}",
            md(&group_label(&g.measures)),
            verdict_text(g.verdict.four_fifths),
            g.verdict.reason
        );
    }
    let excluded: Vec<_> = set.groups.iter().filter(|g| g.verdict.four_fifths == VerdictState::Excluded).collect();
    if !excluded.is_empty() {
        let _ = writeln!(s, "\nExcluded groups (no ratios, tests or verdicts; left out of the summaries):\n");
        let _ = writeln!(s, "| group | n | selection rate | reason |\n|---|---:|---:|---|");
        for g in excluded {
            let m = &g.measures;
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                md(&group_label(m)),
                count_text(m.count("n")),
                pct(m.rate("selection_rate")),
                m.excluded.as_deref().unwrap_or("")
            );
        }
    }
    let _ = writeln!(
        s,
        "\nMissing values: {} rows have no value for {} (the `(missing)` group).",
        count_text(set.missing),
        md(&set_label(set))
    );
    let _ = writeln!(s, "\nBetween groups (over the groups not excluded whose rate is defined; {confidence}% bootstrap intervals):\n");
    for (name, value) in &set.summary.values {
        let ci = set.summary.ci.get(name).copied().flatten();
        let (shown, formula) = match name.as_str() {
            "demographic_parity_difference" => (pct_ci(*value, ci), "highest − lowest selection rate"),
            "demographic_parity_ratio" => (ratio_ci(*value, ci), "lowest / highest selection rate"),
            "equalized_odds_difference" => (pct_ci(*value, ci), "the larger of the tpr and fpr spreads (highest − lowest)"),
            "equalized_odds_ratio" => (ratio_ci(*value, ci), "the smaller of lowest / highest tpr and lowest / highest fpr"),
            _ => (ratio(*value), ""),
        };
        let _ = writeln!(s, "- {}: {} ({})", name.replace('_', " "), shown, formula);
    }
    let _ = writeln!(
        s,
        "\n![Selection rate per group, {}]({})\n",
        md(&set_label(set)),
        chart_file(index, set)
    );
}
