//! The report's "What could be done instead" (with `--features`, after "Why the gaps exist"):
//! per attribute set whose four-fifths verdict fails, the best alternative rule in a sentence
//! (or why none is proposed), and every candidate with its cost and its disparity.

use crate::render::charts;
use crate::render::text::{cell, pct, ratio, thousands};
use crate::render::words::{capitalized, Words};
use crate::results::remedies::{Candidate, Remedies};
use std::fmt::Write;

/// The section, when the explanation searched for remedies.
pub fn section(s: &mut String, w: &Words) {
    let Some(e) = &w.r.explain else { return };
    if e.remedies.is_empty() {
        return;
    }
    let _ = writeln!(s, "## What could be done instead\n");
    let _ = writeln!(
        s,
        "For each check that needs action, other decision rules the business could adopt were fitted on the same \
         {} sampled rows as the models above and judged on the {} rows held out: the rule without each likely \
         proxy, with a proxy's values most linked to the group merged into its most common value, with one \
         threshold for everyone moved to select more {people}, and refitted with a penalty on the gap in selection \
         rates (Bechavod and Ligett, 2017). Unless stated, each selects as many {people} as today. What each costs \
         is how often it agrees with today's decisions; what it gains is each group's impact ratio. Thresholds that \
         differ by group are not proposed: a rule that sets a group's threshold by its protected attribute treats \
         people differently because of it, which anti-discrimination law usually forbids as a remedy.\n",
        thousands(e.sample.training as f64),
        thousands(e.sample.holdout as f64),
        people = w.people()
    );
    for set in &e.remedies {
        remedies(s, w, set);
    }
}

/// One attribute set's remedies.
fn remedies(s: &mut String, w: &Words, set: &Remedies) {
    let name: Vec<String> = set.attributes.iter().map(|a| w.attribute(a)).collect();
    let _ = writeln!(s, "### By {}\n", name.join(" × "));
    let failing: Vec<String> = set.failing.iter().map(|g| w.group(g)).collect();
    match set.status.as_str() {
        "direct" => {
            let _ = writeln!(
                s,
                "The rule uses {} itself. No alternative without it exists among the inputs given: the rule itself \
                 must change, and be audited again once it no longer uses the attribute.\n",
                name.join(" and ")
            );
            return;
        }
        "legitimate" => {
            let _ = writeln!(
                s,
                "The gaps of {} are explained by the declared legitimate factors ({}): no remedy is proposed.\n",
                failing.join(", "),
                w.controls()
            );
            return;
        }
        _ => {}
    }
    let current = set.candidates.iter().find(|c| c.kind == "current");
    let best = set
        .best
        .as_ref()
        .and_then(|b| set.candidates.iter().find(|c| &c.name == b));
    if current.is_some_and(|c| c.passes) {
        let _ = writeln!(
            s,
            "*Read with care:* on the held-out rows the current rule as the models reproduce it already passes \
             the four-fifths rule, though the audit finds the gap in the log: the models do not reproduce the gap \
             well enough for the options to be told apart by it.\n"
        );
    }
    match best {
        Some(best) => {
            let _ = writeln!(
                s,
                "**The best option:** {}\n",
                sentence(w, set, best, current)
            );
        }
        None => {
            let closest = set
                .candidates
                .iter()
                .filter(|c| c.kind != "current")
                .max_by(|a, b| {
                    a.worst_ratio
                        .unwrap_or(0.0)
                        .total_cmp(&b.worst_ratio.unwrap_or(0.0))
                });
            let _ = writeln!(
                s,
                "**No option passes the four-fifths rule for every group.**{}\n",
                closest.map_or(String::new(), |c| format!(
                    " The closest, {}, brings the lowest impact ratio to {} and agrees with today's decisions for {} of {}.",
                    what(w, c),
                    ratio(c.worst_ratio),
                    pct(Some(c.agreement)),
                    w.people()
                ))
            );
        }
    }
    table(s, w, set);
    let pooled =
        w.r.attribute_sets
            .iter()
            .enumerate()
            .find(|(_, a)| a.segment.is_none() && a.attributes == set.attributes);
    if let Some((index, pooled)) = pooled {
        for (title, path) in charts::remedy_charts(w.r, index, pooled) {
            let _ = writeln!(s, "![{title}]({path})\n");
        }
    }
}

/// The best option in one sentence: what it is, that every group passes, what it costs, and
/// whose decisions change.
fn sentence(w: &Words, set: &Remedies, best: &Candidate, current: Option<&Candidate>) -> String {
    let changes: Vec<String> = best
        .groups
        .iter()
        .filter(|g| g.is_reference || set.failing.contains(&g.group))
        .map(|g| {
            let net = g.gains_in_log - g.losses_in_log;
            let more = if net >= 0.0 { "more" } else { "fewer" };
            format!(
                "about {} {more} {}",
                thousands(net.abs().round()),
                w.group(&g.group)
            )
        })
        .collect();
    format!(
        "{}: every group within four-fifths; the rule agrees with today's decisions for {} of {} (the current rule \
         as modelled: {}). Against the current rule, {} would have {} (the hold-out rows scaled to the log).",
        capitalized(&what(w, best)),
        pct(Some(best.agreement)),
        w.people(),
        pct(current.map(|c| c.agreement)),
        list(&changes),
        w.decision()
    )
}

/// A group's values, as a table names it: `Black × Female`.
fn values(group: &indexmap::IndexMap<String, String>) -> String {
    group.values().cloned().collect::<Vec<_>>().join(" × ")
}

/// Items joined as a sentence: `a, b and c`.
fn list(items: &[String]) -> String {
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// A candidate in words, after a verb (`dropping postcode area from the rule`).
pub fn what(w: &Words, c: &Candidate) -> String {
    let feature = || {
        let names: Vec<String> = c.changed.iter().map(|f| w.attribute(f)).collect();
        list(&names)
    };
    match c.kind.as_str() {
        "current" => "the current rule, as the models reproduce it".into(),
        "drop" | "drop_all" => format!("dropping {} from the rule", feature()),
        "coarsen" => format!(
            "merging the {} values {} into its most common one",
            feature(),
            c.merged.join(" and ")
        ),
        "threshold" => format!(
            "one threshold for everyone, selecting {:.0}% more {}",
            (c.setting.unwrap_or(1.0) - 1.0) * 100.0,
            w.people()
        ),
        _ => format!(
            "refitting the rule with a penalty on the gap in selection rates (weight {})",
            c.setting.unwrap_or(0.0)
        ),
    }
}

/// Every candidate: its cost, its selection, its worst ratio and verdict, and the failing
/// groups' ratios.
fn table(s: &mut String, w: &Words, set: &Remedies) {
    let failing: Vec<String> = set.failing.iter().map(values).collect();
    let _ = writeln!(
        s,
        "| Option | Agrees with today | Selected | {} | Lowest ratio | Four-fifths | On the frontier |",
        failing
            .iter()
            .map(|f| format!("Ratio, {}", cell(f)))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(
        s,
        "|---|---:|---:|{}---:|---|---|",
        "---:|".repeat(failing.len())
    );
    for c in &set.candidates {
        let ratios: Vec<String> = set
            .failing
            .iter()
            .map(|f| {
                let g = c.groups.iter().find(|g| &g.group == f);
                g.map_or("n/a".into(), |g| ratio(g.impact_ratio))
            })
            .collect();
        let marked = if set.best.as_ref() == Some(&c.name) {
            format!("**{}**", capitalized(&what(w, c)))
        } else {
            capitalized(&what(w, c))
        };
        let _ = writeln!(
            s,
            "| {marked} | {} | {} | {} | {} | {} | {} |",
            pct(Some(c.agreement)),
            pct(Some(c.selection_rate)),
            ratios.join(" | "),
            match &c.worst_group {
                Some(g) => format!("{} ({})", ratio(c.worst_ratio), cell(&values(g))),
                None => ratio(c.worst_ratio),
            },
            if c.passes { "passes" } else { "fails" },
            if c.frontier { "yes" } else { "" }
        );
    }
    let _ = writeln!(
        s,
        "\nOn the frontier: no other option agrees more with today's decisions and has a higher lowest ratio. The \
         ratios are among the {} hold-out rows; a small group whose ratio is uncertain does not count against an \
         option unless the audit found its gap.\n",
        thousands(set.holdout_rows as f64)
    );
}
