//! `report.md`: what was audited, on which data, and every attribute set's groups, rates,
//! comparisons and verdicts, with the formula and direction beside the headline numbers.

use crate::error::Result;
use crate::render::kinds;
use crate::render::sections;
use crate::render::sections::controls;
use crate::render::sections::headline::{decision_sheet, headlines, status_label};
use crate::render::text::{code, group_label, md, thousands};
use crate::render::words::{capitalized, Words};
use crate::render::{OutputFile, Renderer, RunContext};
use crate::results::{AuditResults, ReferenceUsed, SetStatus, TallyEngineUsed, VerdictState};
use crate::spec::{Basis, OutcomeKind};
use crate::stats::power::POWER;
use std::fmt::Write;

/// Renders `report.md`.
pub struct Markdown;

impl Renderer for Markdown {
    fn render(&self, results: &AuditResults, ctx: &RunContext) -> Result<Vec<OutputFile>> {
        Ok(vec![OutputFile {
            name: "report.md".into(),
            bytes: report(results, ctx).into_bytes(),
        }])
    }
}

fn report(r: &AuditResults, ctx: &RunContext) -> String {
    let mut s = String::new();
    let w = Words::new(r, ctx);
    let _ = writeln!(s, "# Fairness audit of {}\n", code(&w.decision_column()));
    let _ = writeln!(
        s,
        "This report checks whether the automated {} {} treated groups of people differently, how sure we \
         can be, and what to do next: {} {}{}, grouped by {}. The executive summary says what was concluded and \
         what to do; the findings give the numbers behind it; *Scope and method* says which data and rules were \
         used.\n",
        kinds::layout(r).noun(),
        code(&w.decision_column()),
        ctx.people(r.input.rows_used as f64),
        md(w.people()),
        ctx.period
            .as_deref()
            .map_or(String::new(), |p| format!(", {}", md(p))),
        r.attribute_sets
            .iter()
            .map(|set| md(&w.set(set)))
            .collect::<Vec<_>>()
            .join("; ")
    );
    executive_summary(&mut s, &w, ctx);
    let _ = writeln!(s, "## Findings\n");
    let kind = sections::of(r.audit.outcome_kind());
    for (i, set) in r.attribute_sets.iter().enumerate() {
        kind.findings(&mut s, r, ctx, (i, set));
    }
    crate::render::sections::score::section(&mut s, &w);
    crate::render::sections::changes::section(&mut s, &w, ctx);
    crate::render::sections::trend::section(&mut s, &w);
    crate::render::sections::explain::section(&mut s, &w, ctx);
    crate::render::sections::remedies::section(&mut s, &w);
    scope(&mut s, r, ctx);
    follow_up(&mut s, r, ctx);
    left_out(&mut s, r, ctx);
    limitations(&mut s, r);
    glossary(&mut s, r);
    appendix(&mut s, r, ctx);
    s
}

fn executive_summary(s: &mut String, w: &Words, ctx: &RunContext) {
    let _ = writeln!(s, "## Executive summary\n");
    let (overall, findings) = decision_sheet(w, &ctx.follow_up, ctx.cadence);
    let _ = writeln!(s, "**Decision sheet.** {}\n", md(&overall));
    if !findings.is_empty() {
        let _ = writeln!(
            s,
            "The groups concerned: those that need action first, then review, then explained; within each, the most \
             people affected first{}:\n",
            if w.r.audit.basis() == Basis::Adjusted {
                format!(" (counted at equal {} where the check was compared within it)", w.controls())
            } else {
                String::new()
            }
        );
    }
    for f in &findings {
        let _ = writeln!(
            s,
            "- **{}** — {}: {} *Next step:* {}.",
            md(&f.label),
            md(&f.check),
            md(&f.text),
            f.next_step
        );
    }
    if !findings.is_empty() {
        let _ = writeln!(s);
    }
    if let Some(c) = &ctx.baseline {
        let _ = writeln!(s, "{}\n", crate::render::sections::changes::headline(c));
    }
    let _ = writeln!(
        s,
        "Every check, by its largest gap{}:\n",
        if findings.is_empty() {
            ""
        } else {
            " (the groups above give the details and next steps)"
        }
    );
    for h in headlines(w) {
        let next = match h.status {
            SetStatus::Ok => format!(" *Next step:* {}.", h.next_step(ctx.cadence)),
            _ => String::new(),
        };
        let _ = writeln!(
            s,
            "- **{}** — {} by {}{}: {}{next}",
            md(&h.label()),
            h.check,
            md(&h.attributes),
            h.raw_status.map_or(String::new(), |r| format!(
                " (by the raw rates alone: {})",
                status_label(r)
            )),
            md(&h.short),
        );
    }
    let rule = match w.r.audit.smd_threshold {
        Some(t) => format!("a standardized mean difference of {t}"),
        None => "the four-fifths rule".to_string(),
    };
    let explained = if w.r.audit.basis() == Basis::Adjusted {
        let (one, many) = (
            "a legitimate factor: confirm that it is one",
            "legitimate factors: confirm that they are",
        );
        format!(
            " ✔ EXPLAINED: a gap beyond the rule in the raw rates that is within it at equal {}, which the audit \
             declares {} for this decision. Once legitimate factors are declared, every status follows the gaps at \
             equal factors, the raw status beside it.",
            w.controls(),
            if w.r.audit.controls.len() > 1 { many } else { one }
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "\n✖ ACTION NEEDED: a group is treated differently beyond {rule} and the gap is statistically \
         significant. ▲ REVIEW: a gap beyond the rule that the data cannot confirm.{explained} ✔ OK: every group \
         within the rule.\n"
    );
}

/// One section for every group left out and every unknown value, per attribute set: the table
/// NYC Local Law 144 summaries ask for.
fn left_out(s: &mut String, r: &AuditResults, ctx: &RunContext) {
    let _ = writeln!(s, "## Groups left out and unknown values\n");
    let _ = writeln!(
        s,
        "Excluded groups get no ratios, tests or verdicts and are left out of the between-groups summaries. \
         Unknown values are rows with no value for an attribute: together they form the `(missing)` group.\n"
    );
    let _ = writeln!(
        s,
        "The last column is the smallest gap in the judged rate a group of that size could have shown against the \
         reference, had it been compared ({:.0}% power, two-sided test at the {} level before adjustment): a smaller \
         gap there would go unseen.\n",
        POWER * 100.0,
        r.audit.alpha
    );
    let _ = writeln!(
        s,
        "| attribute set | group | n | reason | smallest gap it could show |\n|---|---|---:|---|---|"
    );
    let layout = kinds::layout(r);
    for set in &r.attribute_sets {
        for g in set
            .groups
            .iter()
            .filter(|g| g.state() == VerdictState::Excluded)
        {
            let m = &g.measures;
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                md(&Words::new(r, ctx).set(set)),
                md(&group_label(m)),
                ctx.people_of(m.counts.n),
                md(m.excluded.as_deref().unwrap_or("")),
                layout
                    .detectable_text(r, m, false)
                    .unwrap_or_else(|| "none: too few rows".to_string())
            );
        }
        let _ = writeln!(
            s,
            "| {} | unknown values | {} | no value for {} | |",
            md(&Words::new(r, ctx).set(set)),
            ctx.people(set.missing),
            md(&Words::new(r, ctx).set(set))
        );
    }
    let _ = writeln!(s);
}

fn follow_up(s: &mut String, r: &AuditResults, ctx: &RunContext) {
    if ctx.follow_up.is_empty() {
        return;
    }
    let _ = writeln!(s, "## Actions on earlier findings\n");
    let remedies = ctx.follow_up.iter().any(|f| f.remedy.is_some());
    let _ = writeln!(
        s,
        "| finding | owner | action | due | status |{}\n|---|---|---|---|---|{}",
        if remedies {
            " option adopted | the group in this audit |"
        } else {
            ""
        },
        if remedies { "---|---|" } else { "" }
    );
    for f in &ctx.follow_up {
        let adopted = match (&f.remedy, remedies) {
            (Some(remedy), _) => format!(" {} | {} |", md(remedy), md(&gap_now(r, f))),
            (None, true) => " | |".to_string(),
            (None, false) => String::new(),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |{adopted}",
            md(&f.finding),
            md(&f.owner),
            md(&f.action),
            md(&f.due),
            md(&f.status)
        );
    }
    let _ = writeln!(s);
}

/// Where a finding's group stands in this audit, once an option was adopted: whether its gap
/// has closed (the four-fifths verdict and the ratio to the reference).
fn gap_now(r: &AuditResults, f: &crate::render::context::FollowUp) -> String {
    let found = r
        .attribute_sets
        .iter()
        .filter(|set| set.segment.is_none())
        .find_map(|set| {
            set.groups
                .iter()
                .find(|g| f.concerns(&set.attributes, &g.measures.values))
        });
    let Some(g) = found else {
        return "the group is not in this audit".into();
    };
    let ratio =
        crate::render::text::ratio(g.measures.vs(crate::metric::Versus::DisparateImpactRatio));
    match g.verdict.as_ref().and_then(|v| v.four_fifths) {
        Some(VerdictState::Pass) => format!("gap closed: ratio {ratio}, passes four-fifths"),
        Some(VerdictState::Fail) => format!("gap still open: ratio {ratio}, fails four-fifths"),
        _ => format!("not settled: ratio {ratio}, inconclusive"),
    }
}

fn limitations(s: &mut String, r: &AuditResults) {
    let _ = writeln!(s, "## Limitations of this audit\n");
    let _ = writeln!(s, "- It measures differences in outcomes between groups; it does not by itself show why they exist or whether a difference is justified by legitimate factors.");
    let _ = writeln!(s, "- Groups smaller than {} rows are excluded and get no verdict; small groups that remain have wide intervals, so a gap there is often *inconclusive* rather than *pass* or *fail*.", r.audit.min_group_size);
    let rule = sections::of(r.audit.outcome_kind()).rule_name(&r.audit);
    let _ = writeln!(
        s,
        "- {} is a screening rule, not a legal finding; significance tests assume the decisions are independent.",
        capitalized(&rule)
    );
    if let Some(why) = &r.audit.explain_left_out {
        let _ = writeln!(s, "- Why the gaps exist was not worked out although inputs were named (`--features`): {why}.");
    }
    if r.explain.is_some() && r.audit.outcome_kind() == OutcomeKind::Continuous {
        let _ = writeln!(s, "- No other decision rule was searched for (\"What could be done instead\"): that search covers yes/no decisions and scores; for a number such as a price, the drivers and proxies above show where a change of rule would start.");
    }
    if r.audit.label.is_none() {
        let _ = writeln!(s, "- No true outcome (label) was given, so error rates (who was wrongly flagged or wrongly refused) could not be checked.");
    }
    if r.attribute_sets
        .iter()
        .any(|s| s.reference_strategy == ReferenceUsed::Overall)
    {
        let _ = writeln!(s, "- Against the whole population, intervals of ratios treat the group and the population as independent, which they are not; the tests compare each group with everyone else.");
    }
    let _ = writeln!(s, "- The between-groups summaries (highest − lowest) are biased upwards in resamples when some groups are small: their bootstrap intervals are bias-corrected, and widened to include the estimate when every resample lies on one side of it, so they are wide.");
    if r.audit.controls.is_empty() {
        let _ = writeln!(s, "- No legitimate factors were declared (`--control`), so a gap flagged here may still have a legitimate explanation (product, region, risk tier, channel).\n");
    } else {
        let _ = writeln!(s, "- Only the declared controls are accounted for, as the scope says; a control that is itself a proxy for the attribute (an area that stands for ethnicity) would hide a real gap, so whether each control is legitimate is a judgement the audit cannot make.\n");
    }
}

fn glossary(s: &mut String, r: &AuditResults) {
    let _ = writeln!(s, "## Glossary\n");
    sections::of(r.audit.outcome_kind()).glossary(s);
    if !r.audit.controls.is_empty() {
        controls::glossary(s, sections::of(r.audit.outcome_kind()).controls_terms());
    }
    for (term, meaning) in [
        ("selection rate", "the share of a group that received the positive decision"),
        ("n, pp, pn", "the number of people in a group, of positive decisions and of negative decisions (tp, fp, tn, fn split them by the true outcome)"),
        ("pts", "percentage points: the difference between two percentages (45% against 40% is +5 pts)"),
        ("reference group", "the group every other group is compared with"),
        ("disparate impact ratio", "a group's selection rate divided by the reference group's; 1 means equal treatment"),
        ("four-fifths rule", "a screening rule from US employment practice: a ratio below 0.8 (or above 1.25 for an adverse decision) is treated as evidence of adverse impact"),
        ("statistical parity difference", "a group's selection rate minus the reference group's, in percentage points"),
        ("confidence interval", "the range of values compatible with the data; a wide interval means little data"),
        ("bootstrap interval", "an interval found by redrawing every group many times from its own observed shares and recomputing the summary; bias-corrected (Efron's BC) so that it contains the summary's estimate"),
        ("significant", "unlikely to be a chance result: the p-value, adjusted for the number of comparisons, is below the significance level"),
        ("z", "how many standard errors apart the two rates are"),
        ("true / false positive rate (tpr / fpr)", "among people whose true outcome was positive / negative, the share who received the positive decision"),
        ("inconclusive", "the gap crosses the threshold but the data cannot confirm it, or the ratio cannot be computed"),
        ("excluded", "too small, too rare or missing to be judged"),
        ("share", "the group's share of all the people in the attribute set"),
        ("base rate", "the share of a group whose true outcome was positive"),
        ("fnr", "false negative rate: among people whose true outcome was positive, the share who received the negative decision"),
        ("ppv", "positive predictive value: among people who received the positive decision, the share whose true outcome was positive"),
        ("npv, fdr, for", "the same among the negative decisions (npv), and the complements of ppv (fdr) and npv (for)"),
        ("equal opportunity difference", "a group's tpr minus the reference group's"),
        ("average odds difference", "the mean of a group's tpr difference and fpr difference from the reference"),
        ("demographic parity difference / ratio", "highest − lowest (and lowest / highest) selection rate over the groups"),
        ("equalized odds difference / ratio", "the larger of the tpr and fpr spreads over the groups (and the smaller of their ratios)"),
        ("Holm", "a way of adjusting p-values for the number of tests, so that the chance of any false alarm among them stays at the significance level"),
        ("Wilson, Katz, Newcombe", "the methods behind the confidence intervals of a rate, a ratio of rates and a difference of rates"),
        ("shortfall", "how many more people of a group would have fared well at the reference group's rate (fewer favourable decisions received, or more adverse ones)"),
    ] {
        let _ = writeln!(s, "- **{term}**: {meaning}.");
    }
    let _ = writeln!(s);
}

fn appendix(s: &mut String, r: &AuditResults, ctx: &RunContext) {
    let _ = writeln!(s, "## Appendix\n");
    let _ = writeln!(
        s,
        "- Tool: {} {}; run at {}.",
        r.tool.name, r.tool.version, ctx.timestamp
    );
    for input in &ctx.inputs {
        let _ = writeln!(
            s,
            "- Input ({}): {}, {} bytes, SHA-256 `{}`.",
            input.role,
            code(&input.path),
            input.size_bytes,
            input.sha256
        );
    }
    let _ = writeln!(
        s,
        "- Every output file is listed with its SHA-256 in `manifest.json`; `fairaudit verify DIR` checks them."
    );
    let _ = writeln!(
        s,
        "- Counts below {} are shown as <{} in this report and its tables.",
        ctx.privacy.min_cell, ctx.privacy.min_cell
    );
    let fence = "`".repeat(3);
    let config = serde_json::to_string_pretty(&ctx.configuration)
        .unwrap_or_default()
        .replace(&fence, "` ` `");
    let _ = writeln!(
        s,
        "\nThe full configuration:\n\n{fence}json\n{config}\n{fence}\n"
    );
    let _ = writeln!(
        s,
        "Undefined values (a zero denominator) are shown as n/a, never as 0."
    );
}

fn scope(s: &mut String, r: &AuditResults, ctx: &RunContext) {
    let a = &r.audit;
    let _ = writeln!(s, "## Scope and method\n");
    let _ = writeln!(
        s,
        "- **Decision system:** {}",
        ctx.system
            .as_deref()
            .map_or("not named (use --system)".to_string(), md)
    );
    // Without --period, a dated log's periods say which range it covers.
    let found = match (r.periods.first(), r.periods.last()) {
        (Some(first), Some(last)) => Some(format!(
            "{} to {}, {} periods found in the log's dates",
            first.period,
            last.period,
            r.periods.len()
        )),
        _ => None,
    };
    let _ = writeln!(
        s,
        "- **Period:** {}",
        ctx.period
            .as_deref()
            .map(md)
            .or(found)
            .unwrap_or_else(|| "not stated (use --period)".to_string())
    );
    let _ = writeln!(
        s,
        "- **Who it affects:** {} people in the log, grouped by {}",
        ctx.people(r.input.rows_used as f64),
        r.attribute_sets
            .iter()
            .map(|set| md(&Words::new(r, ctx).set(set)))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let format = r.input.format.name();
    match r.input.engine {
        TallyEngineUsed::Cells => {
            let _ = writeln!(
                s,
                "- **Tallies:** computed where the log lives, by the query `fairaudit sql` writes; this audit read only \
                 their cell table, {} ({format}, {} bytes), SHA-256 `{}`",
                code(&r.input.path),
                r.input.size_bytes,
                r.input.sha256
            );
        }
        TallyEngineUsed::Spark => {
            let _ = writeln!(
                s,
                "- **Decision log:** {}, tallied on Apache Spark where it lives; only the cell table came back \
                 ({} bytes, SHA-256 `{}`)",
                code(&r.input.path),
                r.input.size_bytes,
                r.input.sha256
            );
        }
        _ if r.input.files.is_empty() => {
            let _ = writeln!(
                s,
                "- **Decision log:** {} ({format}, {} bytes), SHA-256 `{}`",
                code(&r.input.path),
                r.input.size_bytes,
                r.input.sha256
            );
        }
        _ => {
            let _ = writeln!(
            s,
            "- **Decision log:** {}: {} {format} files read as one log ({} to {}, {} bytes in all; each file's \
             SHA-256 in the appendix), SHA-256 of their listing `{}`",
            code(&r.input.path),
            r.input.files.len(),
            code(&r.input.files[0].path),
            code(&r.input.files[r.input.files.len() - 1].path),
            r.input.size_bytes,
            r.input.sha256
        );
        }
    }
    let excluded: Vec<String> = r
        .input
        .rows_excluded
        .iter()
        .map(|(why, n)| {
            let article = if why.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            if why.starts_with("outside") {
                format!("{} {why}", thousands(*n as f64))
            } else {
                format!("{} with {article} {why}", thousands(*n as f64))
            }
        })
        .collect();
    for (column, values) in &r.audit.selection {
        let _ = writeln!(
            s,
            "- **Rows audited:** only those where {} is {}",
            code(column),
            values
                .iter()
                .map(|v| md(v))
                .collect::<Vec<_>>()
                .join(" or ")
        );
    }
    let _ = writeln!(
        s,
        "- **Rows:** {} read, {} used, excluded: {}",
        thousands(r.input.rows_read as f64),
        thousands(r.input.rows_used as f64),
        excluded.join(", ")
    );
    let kind = sections::of(a.outcome_kind());
    kind.scope_lines(s, r, ctx);
    controls::scope_line(s, r, &Words::new(r, ctx), &kind.controls_method(a));
    let _ = writeln!(
        s,
        "- **Groups left out:** fewer than {} rows{}{}; bootstrap: {} replicates, seed {}.",
        a.min_group_size,
        if a.min_group_share > 0.0 {
            format!(", or under {}% of the rows", a.min_group_share * 100.0)
        } else {
            String::new()
        },
        if a.exclude_missing {
            ", or a missing value"
        } else {
            ""
        },
        a.bootstrap,
        a.seed
    );
    if let Some(w) = &a.weight {
        let _ = writeln!(
            s,
            "- **Weights:** column {}; counts are weighted sums, intervals and tests use Kish's effective sample size.",
            code(w)
        );
    }
    if !a.membership.is_empty() {
        // race_est's correction is told with its estimate, below.
        let listed: Vec<String> = a
            .blur_corrected
            .iter()
            .filter(|m| {
                a.race_estimate.is_none() || m.as_str() != crate::spec::RaceEstimate::ATTRIBUTE
            })
            .map(|m| code(m))
            .collect();
        let corrected = match listed.is_empty() {
            true => String::new(),
            false => format!(
                "; the groups of {} are corrected for the blur this causes{}, which holds if the probabilities are each person's chances and the decision depends on what they are estimated from only through the attribute",
                listed.join(", "),
                uncorrected(
                    a.uncorrected_groups
                        .iter()
                        .filter(|(m, _)| listed.contains(&code(m)))
                        .map(|(_, n)| n)
                        .sum()
                )
            ),
        };
        let _ = writeln!(
            s,
            "- **Estimated attributes:** {} (each row counts toward each group with its probability{corrected}).",
            a.membership.iter().map(|m| code(m)).collect::<Vec<_>>().join(", ")
        );
    }
    if let Some(race) = &a.race_estimate {
        let race_est = crate::spec::RaceEstimate::ATTRIBUTE;
        let left = a.uncorrected_groups.get(race_est).copied().unwrap_or(0);
        race_estimate_lines(s, race, left);
    }
    let _ = writeln!(s);
}

/// Groups a correction for blur leaves uncorrected, as the scope says them (nothing for none).
fn uncorrected(groups: u64) -> String {
    match groups {
        0 => String::new(),
        n => format!(
            " (but for {n} group{} among people too alike in their probabilities to tell the groups apart, shown uncorrected)",
            if n == 1 { "" } else { "s" }
        ),
    }
}

/// What the scope says of race and ethnicity estimated from names and places: the method, how
/// the names and places were found, what the estimate is known to get wrong, and that no one's
/// estimate is shown or used.
fn race_estimate_lines(
    s: &mut String,
    race: &crate::results::RaceEstimateInfo,
    uncorrected_groups: u64,
) {
    let c = &race.coverage;
    let share = |n: u64, of: u64| format!("{:.1}%", 100.0 * n as f64 / of.max(1) as f64);
    let names = match &race.first_name {
        Some(first) => format!(
            "surname ({}) and first name ({})",
            code(&race.surname),
            code(first)
        ),
        None => format!("surname ({})", code(&race.surname)),
    };
    let place = match (&race.zcta, &race.tract) {
        (Some(z), _) => format!(" and ZIP Code Tabulation Area ({})", code(z)),
        (None, Some(t)) => format!(" and census tract ({})", code(t)),
        (None, None) => String::new(),
    };
    let method = match race.first_name {
        Some(_) => "BIFSG (Bayesian Improved First name and Surname Geocoding)",
        None => "BISG (Bayesian Improved Surname Geocoding)",
    };
    let rows = c.surname.rows();
    let mut found = format!(
        "{} of people had a surname not in the Census 2010 list and {} none usable (both given the list's row for all other names)",
        share(c.surname.unlisted, rows),
        share(c.surname.unusable, rows)
    );
    if let Some(first) = &c.first_name {
        found.push_str(&format!(
            "; {} a first name not in the first-name list",
            share(first.unlisted + first.unusable, rows)
        ));
    }
    for (what, place) in [("ZCTA", &c.zcta), ("tract", &c.tract)] {
        if let Some(place) = place {
            found.push_str(&format!(
                "; {} a {what} not found or not valid, and {} a {what} where none of their likely groups live (these estimated from the names alone)",
                share(place.unlisted + place.unusable, rows),
                share(c.no_overlap, rows)
            ));
        }
    }
    let uncorrected = uncorrected(uncorrected_groups);
    let _ = writeln!(
        s,
        "- **Race and ethnicity estimated, not recorded:** `{}` is each person's probability of being White, Black, Asian or Pacific Islander, American Indian or Alaska Native, of two or more races, or Hispanic, from their {names}{place}, by {method}, the method the CFPB publishes (Census 2010 surname list; Tzioumis 2018 first names; Census 2010 populations by ZCTA and tract). Each person counts toward each group with their probability, which blurs the groups into each other (a gap shows smaller than it is, and partly in other groups); the group figures are corrected for that blur{uncorrected}, which holds if the decision depends on names and places only through race and ethnicity, and the intervals widen by what the correction costs. {found}. What the estimate is known to get wrong: published evaluations find that, uncorrected, it under-states disparities affecting Black people, and that it is weaker for American Indian or Alaska Native and multiracial people; it is a method for US names and places. No person's estimate is shown, stored or used for a decision: only group totals enter this audit.",
        crate::spec::RaceEstimate::ATTRIBUTE
    );
}
