//! What changed between two audits, in words and tables: `changes.md` of `fairaudit compare`,
//! and the audit report's "Since the last audit" section with `--baseline`.

use crate::error::{AuditError, Result};
use crate::metric::Metric;
use crate::render::text::{md, p_value, pct, verdict_text};
use crate::render::words::{capitalized, Words};
use crate::render::{OutputFile, RunContext};
use crate::results::changes::{AuditRef, Change, Changes, PopulationShift, VerdictChange};
use crate::results::{AuditResults, VerdictState};
use std::fmt::Write;

/// `changes.json`, `changes.md` and `changes.html` of `fairaudit compare` (`after` is the later
/// audit, whose names and settings the words follow).
pub fn files(changes: &Changes, after: &AuditResults) -> Result<Vec<OutputFile>> {
    let ctx = RunContext::default();
    let w = Words::new(after, &ctx);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# What changed in {} between two audits\n",
        md(&w.decision_column())
    );
    let _ = writeln!(s, "- **Before:** {}", audit_line(&changes.before));
    let _ = writeln!(s, "- **After:** {}\n", audit_line(&changes.after));
    body(&mut s, &w, changes, "##");
    let html = crate::render::formats::html::page(
        &s,
        &[],
        &format!("What changed in {}", w.decision_column()),
    );
    Ok(vec![
        json(changes)?,
        OutputFile {
            name: "changes.md".into(),
            bytes: s.into_bytes(),
        },
        OutputFile {
            name: "changes.html".into(),
            bytes: html.into_bytes(),
        },
    ])
}

/// `changes.json`.
pub fn json(changes: &Changes) -> Result<OutputFile> {
    let mut bytes =
        serde_json::to_vec_pretty(changes).map_err(|e| AuditError::render("changes.json", e))?;
    bytes.push(b'\n');
    Ok(OutputFile {
        name: "changes.json".into(),
        bytes,
    })
}

/// The report's "Since the last audit" section, with `--baseline`.
pub fn section(s: &mut String, w: &Words, ctx: &RunContext) {
    let Some(changes) = &ctx.baseline else { return };
    let _ = writeln!(s, "## Since the last audit\n");
    let _ = writeln!(
        s,
        "This audit is compared with the last one, {}.\n",
        audit_line(&changes.before)
    );
    body(s, w, changes, "###");
}

/// One sentence for the executive summary: how the verdicts and rates moved since the last audit.
pub fn headline(c: &Changes) -> String {
    format!(
        "**Since the last audit** ({}): {} verdict(s) became failing, {} stopped failing, {} still failing; {} \
         group rate(s) changed significantly. See \"Since the last audit\".",
        md(&c.before.period.clone().unwrap_or_else(|| c.before.dir.clone())),
        c.new,
        c.resolved,
        c.persisting,
        c.significant_changes
    )
}

/// An audit in words: its directory, period, log and rows.
pub fn audit_line(a: &AuditRef) -> String {
    format!(
        "`{}`{}: {} rows of `{}`",
        md(&a.dir),
        a.period
            .as_ref()
            .map_or(String::new(), |p| format!(" ({p})")),
        crate::render::text::thousands(a.rows_used as f64),
        md(&a.input)
    )
}

/// The summary sentences and tables, with headings at `level`.
fn body(s: &mut String, w: &Words, c: &Changes, level: &str) {
    let _ = writeln!(s, "{level} Summary\n");
    for (kind, how) in [
        (VerdictChange::New, "became a failing verdict"),
        (VerdictChange::Resolved, "was failing and no longer is"),
        (VerdictChange::Persisting, "is still failing"),
    ] {
        for x in c.changes.iter().filter(|x| x.verdict_change == kind) {
            let _ = writeln!(
                s,
                "- **{}**: {} of {} {how} ({} → {}).",
                kind_word(kind),
                metric_name(w, &x.metric),
                md(&w.group(&x.values)),
                state(x.verdict_before),
                state(x.verdict_after)
            );
        }
    }
    if c.new + c.resolved + c.persisting == 0 {
        let _ = writeln!(s, "- No verdict is failing in either audit.");
    }
    let family = format!(
        "{} over {} tests, α = {}",
        crate::render::text::adjustment_name(c.p_adjust),
        c.tests_in_family,
        c.alpha
    );
    let significant: Vec<&Change> = c.changes.iter().filter(|x| x.significant).collect();
    if significant.is_empty() {
        let _ = writeln!(
            s,
            "- No group's rate changed significantly ({family}): any movement is within what chance alone \
             produces."
        );
    }
    for x in &significant {
        let _ = writeln!(
            s,
            "- {} of {} changed from {} to {}: {} ({}% interval {}), {} after {family}.",
            capitalized(&metric_name(w, &x.metric)),
            md(&w.group(&x.values)),
            value(w, x.before),
            value(w, x.after),
            signed(w, x.difference),
            c.confidence * 100.0,
            x.ci.map_or("n/a".into(), |[lo, hi]| format!(
                "{} to {}",
                signed(w, Some(lo)),
                signed(w, Some(hi))
            )),
            p_text(x.p_adjusted)
        );
    }
    for p in &c.population {
        let _ = writeln!(
            s,
            "- {}",
            population_sentence(w, p, !significant.is_empty())
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "{level} Every group's change\n");
    let _ = writeln!(
        s,
        "Each change is the later audit's value minus the earlier one's, with its {}% interval and the test of \
         no change (two proportions: pooled z, or Fisher's exact test for small counts; Welch's t-test for means), \
         adjusted over every change tested ({family}).\n",
        c.confidence * 100.0
    );
    let _ = writeln!(s, "| group | measure | before | after | change (interval) | p adjusted | verdict before → after |");
    let _ = writeln!(s, "|---|---|---|---|---|---|---|");
    for x in &c.changes {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            md(&x
                .values
                .iter()
                .map(|(a, v)| format!("{} {v}", w.attribute(a)))
                .collect::<Vec<_>>()
                .join(", ")),
            metric_name(w, &x.metric),
            value(w, x.before),
            value(w, x.after),
            match x.ci {
                Some([lo, hi]) => format!(
                    "{} ({} to {})",
                    signed(w, x.difference),
                    signed(w, Some(lo)),
                    signed(w, Some(hi))
                ),
                None => signed(w, x.difference),
            },
            match x.p_adjusted {
                Some(_) if x.significant => format!("**{}**", p_text(x.p_adjusted)),
                _ => p_text(x.p_adjusted),
            },
            verdicts(x)
        );
    }
    let _ = writeln!(s);
    if c.population.is_empty() {
        return;
    }
    let _ = writeln!(s, "{level} Who was in the data\n");
    let _ = writeln!(
        s,
        "Each group's share of the people in the two audits, and Pearson's chi-square test of no change in the \
         mix (α = {}). A changed mix can move overall figures without any group being treated differently.\n",
        c.alpha
    );
    let _ = writeln!(
        s,
        "| attributes | shares before → after | χ² (df) | p | mix changed |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|");
    for p in &c.population {
        let shares: Vec<String> = p
            .shares_after
            .iter()
            .map(|(g, after)| {
                format!(
                    "{} {} → {}",
                    md(g),
                    pct(p.shares_before.get(g).copied()),
                    pct(Some(*after))
                )
            })
            .collect();
        let _ = writeln!(
            s,
            "| {} | {} | {:.2} ({}) | {} | {} |",
            md(&p.attributes.join(", ")),
            shares.join("; "),
            p.chi_square,
            p.df,
            p_text(Some(p.p)),
            if p.significant { "yes" } else { "no" }
        );
    }
    let _ = writeln!(s);
}

/// Whether the mix of people changed, and what that means for the rates.
fn population_sentence(w: &Words, p: &PopulationShift, rates_changed: bool) -> String {
    let by = p
        .attributes
        .iter()
        .map(|a| w.attribute(a))
        .collect::<Vec<_>>()
        .join(" and ");
    let test = format!(
        "χ² = {:.2}, {} df, {}",
        p.chi_square,
        p.df,
        p_text(Some(p.p))
    );
    match (p.significant, rates_changed) {
        (false, true) => format!(
            "The mix of {} by {} did not change significantly ({test}): the changes above are in how people were \
             treated, not in who was in the data.",
            w.people(),
            md(&by)
        ),
        (false, false) => format!("The mix of {} by {} did not change significantly ({test}).", w.people(), md(&by)),
        (true, _) => format!(
            "The mix of {} by {} changed ({test}): part of any change in overall figures comes from who was in the \
             data; each group's own rate above is not affected by the mix.",
            w.people(),
            md(&by)
        ),
    }
}

fn kind_word(k: VerdictChange) -> &'static str {
    match k {
        VerdictChange::New => "New",
        VerdictChange::Resolved => "Resolved",
        VerdictChange::Persisting => "Persisting",
        VerdictChange::Unchanged => "Unchanged",
    }
}

/// A verdict, or `absent` for a group the audit does not have.
fn state(v: Option<VerdictState>) -> &'static str {
    v.map_or("absent", verdict_text)
}

/// The verdicts before and after, or `no verdict` for a measure no rule judges.
fn verdicts(x: &Change) -> String {
    if x.verdict_before.is_none() && x.verdict_after.is_none() && x.before.or(x.after).is_some() {
        return "no verdict on this measure".into();
    }
    format!("{} → {}", state(x.verdict_before), state(x.verdict_after))
}

/// A metric's name in words: a rate's from the registry, a mean's with the outcome's name.
fn metric_name(w: &Words, metric: &str) -> String {
    match Metric::from_name(metric) {
        Some(Metric::Mean) | None => format!("the mean {}", w.outcome()),
        Some(m) => format!("the {}", m.words()),
    }
}

/// A value: a rate as a percentage, a mean as an amount.
fn value(w: &Words, v: Option<f64>) -> String {
    crate::render::kinds::layout(w.r).value_text(v)
}

/// A change: in percentage points for rates, as a signed amount for means.
fn signed(w: &Words, v: Option<f64>) -> String {
    crate::render::kinds::layout(w.r).change_text(v)
}

/// A p-value as reports print it, or `n/a` for a change not tested.
fn p_text(p: Option<f64>) -> String {
    p.map_or("n/a".into(), p_value)
}
