//! The report's "Why the gaps exist" (with `--features`): the cause of each gap in a sentence,
//! what drives the decision (both models' importance, the odds ratios), the decision as rules,
//! and the inputs that stand for a protected attribute.

use crate::render::context::RunContext;
use crate::render::text::{code, md, pct, share_of_gap, thousands};
use crate::render::words::{capitalized, Words};
use crate::results::explain::{Cause, Explanation};
use crate::results::AuditResults;
use std::fmt::Write;

/// The cause of a group's gap in one sentence, with the numbers behind it. `reference` names
/// the reference group's people.
pub fn cause_text(w: &Words, cause: &Cause, reference: &str) -> String {
    match cause.case.as_str() {
        "direct" => {
            let attribute = w.attribute(cause.feature.as_deref().unwrap_or_default());
            format!(
                "The decisions depend on {attribute} itself, one of the inputs: it carries {:.0}% of the decision \
                 model's importance (how much its accuracy drops when the input is shuffled), and setting it alone to the value of {reference} would turn {} of their decisions \
                 favourable.",
                cause.driver_share.unwrap_or(0.0) * 100.0,
                pct(cause.flipped_share)
            )
        }
        "legitimate" => format!(
            "Explained by the declared legitimate factors ({}){}.",
            w.controls(),
            cause.explained_share.map_or(String::new(), |e| format!(
                ": {}",
                share_of_gap(e, "their mix", &w.controls())
            ))
        ),
        "proxy" => {
            let feature = w.attribute(cause.feature.as_deref().unwrap_or_default());
            // A number is compared within its quintile bins.
            let numeric = w.r.explain.as_ref().is_some_and(|e| {
                e.encoded
                    .iter()
                    .any(|c| Some(c.feature.as_str()) == cause.feature.as_deref() && c.kind == "number")
            });
            let partly = cause.remains_within;
            let mut text = format!(
                "{} by a likely proxy: {feature}. It carries {:.0}% of the decision model's importance (how much its \
                 accuracy drops when the input is shuffled) and alone tells {} from {reference} with balanced accuracy \
                 {:.2}",
                if partly { "Partly carried" } else { "Carried" },
                cause.driver_share.unwrap_or(0.0) * 100.0,
                w.group(&cause.group),
                cause.balanced_accuracy.unwrap_or(0.0)
            );
            if let Some(within) = cause.ratio_within {
                let interval = cause.ratio_within_ci.map_or(String::new(), |[lo, hi]| {
                    format!(", {:.0}% interval {lo:.2} to {hi:.2}", w.r.audit.confidence * 100.0)
                });
                let each = if numeric { "fifth of the values" } else { "value" };
                let raw = cause.ratio_raw.map_or("n/a".to_string(), |r| format!("{r:.2}"));
                let _ = write!(
                    text,
                    "; within each {each} of {feature}, {}",
                    super::of(w.r.audit.outcome_kind()).within_proxy(w, reference, within, &raw, &interval)
                );
            }
            text + "."
        }
        _ => format!(
            "No single input given ({}{}) passes the proxy test (drives the decision and alone tells the group \
             apart), and {}; the inputs may still carry the gap together (see “What drives the decision”).",
            w.r.explain
                .as_ref()
                .map(|e| e.features.iter().map(|f| w.attribute(f)).collect::<Vec<_>>().join(", "))
                .unwrap_or_default(),
            if w.r.audit.controls.is_empty() {
                String::new()
            } else {
                format!("; declared legitimate factors: {}", w.controls())
            },
            if w.r.audit.controls.is_empty() {
                "no legitimate factor was declared (--control)".to_string()
            } else {
                "the declared legitimate factors do not account for it".to_string()
            }
        ),
    }
}

/// The cause found for a group of a pooled attribute set, if any.
pub fn cause_of<'a>(
    r: &'a AuditResults,
    attributes: &[String],
    group: &indexmap::IndexMap<String, String>,
) -> Option<&'a Cause> {
    r.explain
        .as_ref()?
        .causes
        .iter()
        .find(|c| c.attributes == attributes && &c.group == group)
}

/// The section, when the audit has an explanation. Counts of people below the minimum cell
/// size show as `<N`, with no share.
pub fn section(s: &mut String, w: &Words, ctx: &RunContext) {
    let Some(e) = &w.r.explain else { return };
    let _ = writeln!(s, "## Why the gaps exist\n");
    let features: Vec<String> = e.features.iter().map(|f| code(f)).collect();
    let _ = writeln!(
        s,
        "Two models a person can read were trained to reproduce the decision from the inputs {} on {} sampled rows \
         ({} to fit them, {} to test them; seed {}). They show what the decisions depend on and which inputs stand \
         for a protected group; they describe the decisions, not anyone's intent, and only the inputs given.\n",
        features.join(", "),
        thousands(e.sample.rows as f64),
        thousands(e.sample.training as f64),
        thousands(e.sample.holdout as f64),
        e.sample.seed
    );
    causes(s, w, e);
    drivers(s, w, e);
    rules(s, w, ctx, e);
    proxies(s, w, e);
    changes(s, w, ctx, e);
    what_if(s, w, e);
}

/// The what-if thresholds, labelled as an option.
fn what_if(s: &mut String, w: &Words, e: &Explanation) {
    if e.what_if_thresholds.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "### Thresholds that would close the gaps: an option for the committee\n"
    );
    let _ = writeln!(
        s,
        "The decision is a score against a threshold. These per-group thresholds, computed on the sample, would bring \
         each group's rate in line with the reference group's, which keeps the audit's threshold. They are an option \
         to weigh, not a recommendation: a threshold that depends on a protected attribute uses that attribute in \
         the decision, which the law may not allow, and they leave the causes above untouched.\n"
    );
    for option in &e.what_if_thresholds {
        let goal = match option.target.as_str() {
            "true_positive_rate" => format!(
                "the same true positive rate as the reference, {}",
                md(&option.reference)
            ),
            _ => format!(
                "a selection rate within the four-fifths rule of the reference's, {}",
                md(&option.reference)
            ),
        };
        let _ = writeln!(
            s,
            "**{} — {goal}:**\n",
            md(&capitalized(&w.attribute(&option.attribute)))
        );
        let _ = writeln!(s, "| group | threshold | rate now | rate with it |");
        let _ = writeln!(s, "|---|---:|---:|---:|");
        for g in &option.groups {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                md(&g.group),
                (g.threshold * 1e4).round() / 1e4,
                pct(g.rate_before),
                pct(g.rate_after)
            );
        }
        let accuracy = match (option.accuracy_before, option.accuracy_after) {
            (Some(before), Some(after)) => format!(
                "; decisions matching the true outcome: {} now, {} with them",
                pct(Some(before)),
                pct(Some(after))
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            s,
            "\nOverall selection rate: {} now, {} with these thresholds{accuracy}.\n",
            pct(Some(option.selection_rate_before)),
            pct(Some(option.selection_rate_after))
        );
    }
}

/// A share of a group's people, or `n/a` for a group below the minimum cell size.
fn shown(small: bool, share: Option<f64>) -> String {
    if small {
        "n/a".to_string()
    } else {
        pct(share)
    }
}

/// The counterfactual flips and the recourse, when there are any.
fn changes(s: &mut String, w: &Words, ctx: &RunContext, e: &Explanation) {
    if e.counterfactual.is_empty() && e.recourse.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "### What would change the decision
"
    );
    if !e.counterfactual.is_empty() {
        let _ = writeln!(
            s,
            "A protected attribute is among the inputs: the logistic model's decisions of each group with only that \
             attribute set to another value (a decision the attribute itself changes is direct discrimination by the \
             model).
"
        );
        let _ = writeln!(s, "| attribute | group | set to | rows | decisions that change | of which to the favourable one |");
        let _ = writeln!(s, "|---|---|---|---:|---:|---:|");
        for f in &e.counterfactual {
            let small = (f.rows as f64) < ctx.privacy.min_cell;
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                md(&w.attribute(&f.attribute)),
                md(&f.group),
                md(&f.to),
                ctx.people(f.rows as f64),
                shown(small, Some(f.changed_share)),
                shown(small, Some(f.to_favourable_share))
            );
        }
        let _ = writeln!(s);
    }
    for r in &e.recourse {
        let feature = w.attribute(&r.feature);
        let bound = if r.horizon_given {
            "the horizon given"
        } else {
            "its interquartile range in the sample, the default horizon"
        };
        let _ = writeln!(
            s,
            "**{} by {}**: of each group's unfavourable decisions that the model also makes, the share it would turn \
             with an {} of {feature} alone of at most {} ({bound}; and within the values seen), the median {} it \
             takes, and the share that would turn only with a larger change (no feasible change); the rest would not \
             turn by {feature} alone within the values seen.\n",
            md(&capitalized(&feature)),
            md(&w.attribute(&r.attribute)),
            r.direction,
            horizon_text(r),
            r.direction
        );
        let _ = writeln!(
            s,
            "| group | unfavourable decisions | could turn | median {} | only beyond {} |",
            r.direction,
            horizon_text(r)
        );
        let _ = writeln!(s, "|---|---:|---:|---:|---:|");
        for g in &r.groups {
            let small = (g.unfavourable as f64) < ctx.privacy.min_cell;
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                md(&g.group),
                ctx.people(g.unfavourable as f64),
                shown(small, Some(g.changeable_share)),
                match g.median_change {
                    Some(c) if !small => format!("{c:.1}"),
                    None if !small && g.unfavourable > 0 => "no feasible change".to_string(),
                    _ => "n/a".to_string(),
                },
                shown(small, Some(g.beyond_horizon_share))
            );
        }
        if let Some(sentence) = most_to_change(w, r) {
            let _ = writeln!(s, "\n{}", md(&sentence));
        }
        let _ = writeln!(s);
    }
}

/// A recourse's horizon as the report writes it: `12`, `33.5`.
fn horizon_text(r: &crate::results::explain::Recourse) -> String {
    if r.horizon.fract() == 0.0 {
        format!("{:.0}", r.horizon)
    } else {
        format!("{:.1}", r.horizon)
    }
}

/// The groups that must change the feature most for the same decision, against the reference
/// group of the attribute's set: the largest median change when it is at least 10% above the
/// reference's, and the smallest share that could turn when it is at least 10 points below.
fn most_to_change(w: &Words, r: &crate::results::explain::Recourse) -> Option<String> {
    let set =
        w.r.attribute_sets
            .iter()
            .find(|s| s.segment.is_none() && s.attributes == [r.attribute.clone()])?;
    let reference = set.reference.as_ref()?.get(&r.attribute)?;
    let base = r.groups.iter().find(|g| &g.group == reference)?;
    let name = |group: &str| {
        w.group(
            &[(r.attribute.clone(), group.to_string())]
                .into_iter()
                .collect(),
        )
    };
    let feature = w.attribute(&r.feature);
    let mut sentences = Vec::new();
    let most = r
        .groups
        .iter()
        .filter_map(|g| Some((g, g.median_change?)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let (Some((g, change)), Some(b)) = (most, base.median_change) {
        if change >= 1.1 * b && g.group != *reference {
            sentences.push(format!(
                "{} need the largest change for the same decision: a median {} of {change:.1} in {feature}, against \
                 {b:.1} for {}.",
                capitalized(&name(&g.group)),
                r.direction,
                name(reference)
            ));
        }
    }
    let fewest = r
        .groups
        .iter()
        .filter(|g| g.unfavourable > 0)
        .min_by(|a, b| a.changeable_share.total_cmp(&b.changeable_share));
    if let Some(g) = fewest {
        if g.changeable_share <= base.changeable_share - 0.1 && g.group != *reference {
            sentences.push(format!(
                "Only {} of the unfavourable decisions of {} could turn by a feasible {} of {feature} alone (at most \
                 {}), against {} for {}.",
                pct(Some(g.changeable_share)),
                name(&g.group),
                r.direction,
                horizon_text(r),
                pct(Some(base.changeable_share)),
                name(reference)
            ));
        }
    }
    let most_feasible = r
        .groups
        .iter()
        .filter(|g| g.unfavourable > 0)
        .map(|g| g.changeable_share)
        .fold(0.0, f64::max);
    if most_feasible < 0.05 {
        sentences.push(format!(
            "No group has much feasible recourse: a change of {feature} alone of at most {} turns at most {} of any \
             group's unfavourable decisions.",
            horizon_text(r),
            pct(Some(most_feasible))
        ));
    }
    (!sentences.is_empty()).then(|| sentences.join(" "))
}

fn causes(s: &mut String, w: &Words, e: &Explanation) {
    if e.causes.is_empty() {
        return;
    }
    let _ = writeln!(s, "### The cause of each gap\n");
    for cause in &e.causes {
        let set =
            w.r.attribute_sets
                .iter()
                .find(|set| set.segment.is_none() && set.attributes == cause.attributes);
        let reference = set.map_or_else(|| w.people().to_string(), |set| w.reference(set));
        let verdict = match cause.verdict.as_str() {
            "fail" => "action needed",
            _ => "review",
        };
        let _ = writeln!(
            s,
            "- **{}** ({verdict}): {}",
            md(&capitalized(&w.group(&cause.group))),
            md(&cause_text(w, cause, &reference))
        );
    }
    let _ = writeln!(
        s,
        "\nA likely proxy is an input that carries at least {:.0}% of the {} model's permutation importance \
         and, alone, tells the group's members from the others with a balanced accuracy of at least {:.2} (both \
         settable: `--proxy-importance`, `--proxy-accuracy`).\n",
        e.thresholds.importance * 100.0,
        if e.linear.is_some() { "linear" } else { "logistic" },
        e.thresholds.balanced_accuracy
    );
}

fn drivers(s: &mut String, w: &Words, e: &Explanation) {
    let _ = writeln!(s, "### What drives the {}\n", what(w));
    match (&e.logistic, &e.tree, &e.linear, &e.regression_tree) {
        (Some(l), Some(t), _, _) => {
            let _ = writeln!(
                s,
                "On the rows held out, the logistic model ranks the decisions with an AUC of {:.2} (0.5 is a guess, 1 \
                 is perfect) and predicts {} of them (always predicting the most frequent decision gets {}); the tree \
                 reproduces them with balanced accuracy {:.2} (0.5 is a guess). Each input's importance is how much \
                 the model's hold-out performance drops when that input's values are shuffled.\n",
                l.auc,
                pct(Some(l.accuracy)),
                pct(Some(l.baseline_accuracy)),
                t.fidelity
            );
        }
        (_, _, Some(l), Some(t)) => {
            let _ = writeln!(
                s,
                "On the rows held out, the linear model predicts {:.0}% of the spread of {} around its mean (R² {:.2}), \
                 the tree {:.0}% (R² {:.2}). Each input's importance is how much the model's hold-out R² drops when \
                 that input's values are shuffled.\n",
                l.r2 * 100.0,
                w.outcome(),
                l.r2,
                t.r2 * 100.0,
                t.r2
            );
        }
        _ => {}
    }
    let model = if e.linear.is_some() {
        "linear"
    } else {
        "logistic"
    };
    let _ = writeln!(
        s,
        "| input | share of the {model} model's importance | share of the tree's importance |"
    );
    let _ = writeln!(s, "|---|---:|---:|");
    let mut ranked: Vec<_> = e.importance.iter().collect();
    ranked.sort_by(|a, b| b.logistic_share.total_cmp(&a.logistic_share));
    for i in ranked {
        let _ = writeln!(
            s,
            "| {} | {:.0}% | {:.0}% |",
            md(&w.attribute(&i.feature)),
            i.logistic_share * 100.0,
            i.tree_share * 100.0
        );
    }
    let (coefficients, heading) = match (&e.logistic, &e.linear) {
        (Some(l), _) => (
            &l.coefficients,
            format!(
                "Odds ratios of the logistic model (a number: per standard deviation; a category: against its most \
                 frequent value; above 1 makes the positive decision more likely), with {:.0}% intervals from {} \
                 bootstrap resamples:",
                w.r.audit.confidence * 100.0,
                l.bootstrap_replicates
            ),
        ),
        (_, Some(l)) => (
            &l.coefficients,
            format!(
                "Coefficients of the linear model: the change of {} (a number: per standard deviation; a category: \
                 against its most frequent value), with {:.0}% intervals from heteroskedasticity-robust (HC1) \
                 errors:",
                w.outcome(),
                w.r.audit.confidence * 100.0
            ),
        ),
        _ => return,
    };
    let _ = writeln!(s, "\n{heading}\n");
    let column = if e.logistic.is_some() {
        "odds ratio"
    } else {
        "change"
    };
    let _ = writeln!(s, "| input | value | {column} | interval |");
    let _ = writeln!(s, "|---|---|---:|---:|");
    for c in coefficients {
        let value = match c.kind.as_str() {
            "number" => "per standard deviation".to_string(),
            "missing" => "missing".to_string(),
            _ => c.level.clone().unwrap_or_default(),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {:.2} | {:.2} to {:.2} |",
            md(&w.attribute(&c.feature)),
            md(&value),
            c.odds_ratio.unwrap_or(c.coefficient),
            c.ci[0],
            c.ci[1]
        );
    }
    let _ = writeln!(s);
}

/// `decision`, or a numeric outcome's name.
fn what(w: &Words) -> String {
    super::of(w.r.audit.outcome_kind()).subject(w)
}

/// A rule's conditions: `If a and b`, or `For everyone`.
fn when(conditions: &[String]) -> String {
    if conditions.is_empty() {
        "For everyone".to_string()
    } else {
        format!(
            "If {}",
            conditions
                .iter()
                .map(|c| code(c))
                .collect::<Vec<_>>()
                .join(" and ")
        )
    }
}

fn rules(s: &mut String, w: &Words, ctx: &RunContext, e: &Explanation) {
    let _ = writeln!(s, "### The {} as rules\n", what(w));
    if let Some(tree) = &e.tree {
        let _ = writeln!(
            s,
            "A decision tree of at most {} questions, fitted with both decisions weighted equally, approximates the \
             decision rule (rows and rates are the training rows'):\n",
            tree.depth
        );
        for rule in &tree.rules {
            let _ = writeln!(
                s,
                "- {}: {} of {} {} {} ({} the sample's {}).",
                when(&rule.conditions),
                pct(Some(rule.decision_rate)),
                ctx.people(rule.rows as f64),
                w.people(),
                w.decision(),
                if rule.predicts_positive {
                    "above"
                } else {
                    "at or below"
                },
                pct(e.sample.decision_rate)
            );
        }
    }
    if let Some(tree) = &e.regression_tree {
        let _ = writeln!(
            s,
            "A regression tree of at most {} questions approximates how {} is set (rows and means are the training \
             rows'):\n",
            tree.depth,
            w.outcome()
        );
        for rule in &tree.rules {
            let _ = writeln!(
                s,
                "- {}: mean {} {} over {} {} (the sample's mean: {}).",
                when(&rule.conditions),
                w.outcome(),
                w.amount(Some(rule.mean)),
                ctx.people(rule.rows as f64),
                w.people(),
                w.amount(e.sample.outcome_mean)
            );
        }
    }
    let _ = writeln!(s);
}

fn proxies(s: &mut String, w: &Words, e: &Explanation) {
    let _ = writeln!(s, "### Inputs that stand for a protected attribute\n");
    for p in &e.proxies {
        let _ = writeln!(
            s,
            "**{}**: all the inputs together predict it with balanced accuracy {:.2} (guessing scores {:.2}) and AUC \
             {:.2}{}.\n",
            md(&capitalized(&w.attribute(&p.attribute))),
            p.balanced_accuracy,
            p.baseline_balanced_accuracy,
            p.auc,
            if p.rows_missing > 0 {
                format!("; {} sampled rows without it are left out of this model", thousands(p.rows_missing as f64))
            } else {
                String::new()
            }
        );
        let _ = writeln!(
            s,
            "| input | likely proxy | association (Cramér's V or correlation ratio) | mutual information (bits) | group it tells apart best | balanced accuracy alone (that group against everyone else) | share of the decision model's importance |"
        );
        let _ = writeln!(s, "|---|---|---:|---:|---|---:|---:|");
        for f in &p.features {
            let association = match (f.cramers_v, f.correlation_ratio) {
                (Some(v), _) => format!("V {v:.2}"),
                (None, Some(eta)) => format!("η {eta:.2}"),
                _ => "n/a".to_string(),
            };
            let _ = writeln!(
                s,
                "| {} | {} | {association} | {:.3} | {} | {:.2} | {:.0}% |",
                md(&w.attribute(&f.feature)),
                if f.likely_proxy { "**yes**" } else { "no" },
                f.mutual_information,
                md(&f.group),
                f.balanced_accuracy,
                f.driver_share * 100.0
            );
        }
        let _ = writeln!(s);
    }
}
