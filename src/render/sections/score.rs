//! The report's "The score across thresholds" (a score audit): per attribute set, whether the
//! score ranks each group as well as the reference (ROC areas, DeLong's test, ABROCA), whether a
//! score means the same in each group (at equal score, the groups' observed rates; with
//! probabilities, the calibration error and slope), and what every other threshold would do
//! (the range over which every group passes four-fifths). The verdicts stay at the threshold in
//! use.

use crate::render::charts;
use crate::render::text::{md, p_value, ratio, thousands};
use crate::render::words::{capitalized, Words};
use crate::results::score::{CalibrationVerdict, GroupScoreAudit, SetScoreAudit};
use crate::results::{AttributeSetResult, GroupResult, SetStatus};
use crate::stats::calibration::LOGIT_CLIP;
use std::fmt::Write;

/// Most rows of the report's table of thresholds (the CSV holds every one).
const SHOWN_THRESHOLDS: usize = 12;
/// Areas under the ROC curve further apart than this are not called "about as well" even when
/// the test finds no significant difference.
const AREA_APART: f64 = 0.05;
/// A ratio at equal score whose whole interval lies in this range shows that a score means the
/// same for both groups (the four-fifths band); a wider interval is only no evidence of a
/// difference.
const ALIKE: [f64; 2] = [0.8, 1.25];

/// A number with three decimals, or `n/a`.
fn three(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| format!("{v:.3}"))
}

/// An interval with three decimals: `0.675–0.709`.
fn interval(ci: Option<[f64; 2]>) -> String {
    ci.map_or("n/a".into(), |[lo, hi]| format!("{lo:.3}–{hi:.3}"))
}

/// A threshold as written: `5`, `0.25`.
fn threshold(t: f64) -> String {
    let s = format!("{t:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The section, when the audit has a score audit.
pub fn section(s: &mut String, w: &Words) {
    let r = w.r;
    let sets: Vec<(usize, &AttributeSetResult)> = r
        .attribute_sets
        .iter()
        .enumerate()
        .filter(|(_, set)| set.segment.is_none() && set.score_audit.is_some())
        .collect();
    let Some((_, first)) = sets.first() else {
        return;
    };
    let Some(sweep) = &first.score_audit else {
        return;
    };
    let label = r.audit.label.is_some();
    let _ = writeln!(s, "## The score across thresholds\n");
    let _ = writeln!(
        s,
        "The decisions above are the score {} at or above {}. This section audits the score itself, from the same \
         tally: {}at every other threshold, how each group would fare. The verdicts above stay those at {}; the \
         p-values here are adjusted over each set's groups ({}).\n",
        crate::render::text::code(r.audit.score.as_ref().map_or("", |s| s.column.as_str())),
        threshold(sweep.threshold_used),
        if label {
            "whether it ranks the people of every group equally well (the area under the ROC curve: the chance that \
             someone with a positive outcome scores above someone without, 0.5 being chance), whether a score means \
             the same in every group (at equal score, how often each group's outcome was positive), and "
        } else {
            "without a label (`--label`), only "
        },
        threshold(sweep.threshold_used),
        crate::render::text::adjustment_name(r.audit.p_adjust)
    );
    notes(s, sweep);
    for (index, set) in sets {
        let _ = writeln!(s, "### {}\n", md(&capitalized(&w.set(set))));
        if label {
            ranking(s, w, set);
            calibration(s, w, set);
        }
        thresholds(s, w, set);
        for (title, path) in charts::score_charts(r, index, set) {
            let _ = writeln!(s, "![{title}]({path})\n");
        }
    }
}

/// How the score was keyed, and what its scale allows.
fn notes(s: &mut String, sweep: &SetScoreAudit) {
    if sweep.binned {
        let _ = writeln!(
            s,
            "The score takes more than 1,000 distinct values: it was cut into 1,000 bins of equal rows by rank (each \
             split where it spans a tenth of 0 to 1), and scores within a bin count as tied; no group's area moves by more than {} through it.\n",
            sweep
                .auc_bin_error
                .map_or("n/a".into(), |e| format!("{e:.4}"))
        );
    }
    if !sweep.probabilities {
        let _ = writeln!(
            s,
            "The scores are not probabilities (some lie outside 0 to 1): each score's observed rate still says what \
             it means per group, but the calibration error, the calibration in the large and the recalibration \
             slope need probabilities and are left out.\n"
        );
    } else {
        let _ = writeln!(
            s,
            "The scores are probabilities: the calibration slope is that of a logistic regression of the outcome on \
             the logit of the score (1 and an intercept of 0 when calibrated; scores of 0 or 1 taken as {LOGIT_CLIP:e} \
             and 1 − {LOGIT_CLIP:e}).\n"
        );
    }
}

fn audit(g: &GroupResult) -> Option<&GroupScoreAudit> {
    g.measures.score_audit.as_ref()
}

/// The groups compared with the reference, with their audits.
fn compared(set: &AttributeSetResult) -> impl Iterator<Item = (&GroupResult, &GroupScoreAudit)> {
    set.groups
        .iter()
        .filter(|g| !g.measures.is_reference)
        .filter_map(|g| Some((g, audit(g)?)))
}

/// The reference group's area under the ROC curve.
fn reference_area(set: &AttributeSetResult) -> Option<f64> {
    set.groups
        .iter()
        .find(|g| g.measures.is_reference)
        .and_then(audit)
        .and_then(|a| a.auc)
}

/// How well the score ranks each group, against the reference.
fn ranking(s: &mut String, w: &Words, set: &AttributeSetResult) {
    let reference = md(&w.reference(set));
    let alpha = w.r.audit.alpha;
    for (g, a) in compared(set) {
        let who = md(&w.group(&g.measures.values));
        let line = match (a.auc, a.auc_test) {
            (None, _) => format!(
                "- The score's ranking of {who} cannot be measured: all of them had the same outcome."
            ),
            (Some(auc), Some(test)) => format!(
                "- The score ranks {who} {} {reference}: area {auc:.3} ({:.0}% CI {}) against {}, {}; the area \
                 between their ROC curves is {}.",
                if test.p_adjusted >= alpha {
                    match reference_area(set) {
                        Some(r) if (auc - r).abs() > AREA_APART => "not significantly differently from",
                        _ => "about as well as",
                    }
                } else if test.z > 0.0 {
                    "better than"
                } else {
                    "less well than"
                },
                w.r.audit.confidence * 100.0,
                interval(a.auc_ci),
                three(reference_area(set)),
                p_value(test.p_adjusted),
                three(a.abroca)
            ),
            (Some(auc), None) => format!(
                "- The score ranks {who} with an area of {auc:.3} ({:.0}% CI {}); no test against {reference}, \
                 whose area is undefined.",
                w.r.audit.confidence * 100.0,
                interval(a.auc_ci)
            ),
        };
        let _ = writeln!(s, "{line}");
    }
    let _ = writeln!(s);
}

/// Whether a score means the same in each group as in the reference.
fn calibration(s: &mut String, w: &Words, set: &AttributeSetResult) {
    let reference = md(&w.reference(set));
    let outcome = md(&w.label_positive());
    let mut alike = true;
    for (g, a) in compared(set) {
        let Some(at) = a.calibration.as_ref().and_then(|c| c.vs_reference.as_ref()) else {
            continue;
        };
        let who = md(&w.group(&g.measures.values));
        let how = match at.ratio {
            Some(v) if (0.95..=1.05).contains(&v) => "about as often as".to_string(),
            Some(v) => format!("{v:.2} times as often as"),
            None => "as often as".to_string(),
        };
        let evidence = format!(
            "ratio {}, {:.0}% CI {}, {}",
            ratio(at.ratio),
            w.r.audit.confidence * 100.0,
            at.ci
                .map_or("n/a".into(), |[lo, hi]| format!("{lo:.2}–{hi:.2}")),
            at.p_adjusted.map_or("no test".into(), p_value)
        );
        let line = match at.verdict {
            CalibrationVerdict::Alike if at.ci.is_some_and(|[lo, hi]| lo >= ALIKE[0] && hi <= ALIKE[1]) => format!(
                "- At equal scores, {who} {outcome} {how} {reference} ({evidence}): the score means the same for both."
            ),
            CalibrationVerdict::Alike => format!(
                "- At equal scores, {who} {outcome} {how} {reference} ({evidence}): no significant difference, but \
                 too few people to show that the score means the same for both."
            ),
            CalibrationVerdict::OverStates => format!(
                "- At equal scores, {who} {outcome} only {how} {reference} ({evidence}): **the score over-states \
                 their chance**; the same score means less for them."
            ),
            CalibrationVerdict::UnderStates => format!(
                "- At equal scores, {who} {outcome} {how} {reference} ({evidence}): **the score under-states their \
                 chance**; the same score means more for them."
            ),
            CalibrationVerdict::Untested => format!(
                "- {who} and {reference} share too few scores to compare their outcomes at equal score."
            ),
        };
        alike &= at.verdict == CalibrationVerdict::Alike;
        let _ = writeln!(s, "{line}");
    }
    let _ = writeln!(s);
    if alike && set.error_rate_status == Some(SetStatus::ActionNeeded) {
        let _ = writeln!(
            s,
            "No group's outcomes differ significantly at equal score from the reference's, yet the error-rate check \
             above needs action: this is the two \
             halves of the COMPAS debate. When groups' outcomes differ in frequency, a score calibrated for every \
             group cannot also flag each group's people wrongly equally often (Kleinberg, Mullainathan and Raghavan \
             2016; Chouldechova 2017); which one the decision must meet is a choice the committee makes.\n"
        );
    }
    calibration_table(s, w, set);
}

/// Each group's area, calibration at equal score and, with probabilities, its calibration
/// error and slope.
fn calibration_table(s: &mut String, w: &Words, set: &AttributeSetResult) {
    let probabilities = set.score_audit.as_ref().is_some_and(|a| a.probabilities);
    let mut header = "| Group | n | Area (CI) | At equal score: ratio (CI) |".to_string();
    let mut rule = "|---|---|---|---|".to_string();
    if probabilities {
        header += " Observed − mean score | Calibration error | Slope (CI) |";
        rule += "---|---|---|";
    }
    let _ = writeln!(s, "{header}\n{rule}");
    for g in &set.groups {
        let Some(a) = audit(g) else { continue };
        let c = a.calibration.as_ref();
        let at = c.and_then(|c| c.vs_reference.as_ref());
        let mut row = format!(
            "| {}{} | {} | {} ({}) | {} |",
            md(&crate::render::text::group_label(&g.measures)),
            if g.measures.is_reference {
                " (reference)"
            } else {
                ""
            },
            thousands(g.measures.counts.n.get()),
            three(a.auc),
            interval(a.auc_ci),
            at.map_or("—".into(), |e| format!(
                "{} ({})",
                ratio(e.ratio),
                e.ci.map_or("n/a".into(), |[lo, hi]| format!("{lo:.2}–{hi:.2}"))
            ))
        );
        if probabilities {
            let _ = write!(
                row,
                " {} | {} | {} ({}) |",
                c.and_then(|c| c.in_the_large)
                    .map_or("n/a".into(), |v| format!("{:+.1} pts", v * 100.0)),
                three(c.and_then(|c| c.ece)),
                ratio(c.and_then(|c| c.slope)),
                c.and_then(|c| c.slope_ci)
                    .map_or("n/a".into(), |[lo, hi]| format!("{lo:.2}–{hi:.2}"))
            );
        }
        let _ = writeln!(s, "{row}");
    }
    let _ = writeln!(
        s,
        "\n*Area*: the area under the group's ROC curve with DeLong's interval{}. *At equal score*: the group's share \
         who {} over the reference's, within the same score bins (Mantel–Haenszel; 1 when a score means the same). \
         Each group's observed rate per score bin is in `tables/*_reliability.csv`.\n",
        if w.r.audit.weight.is_some() {
            " (each row counted as its weight's number of people)"
        } else {
            ""
        },
        md(&w.label_positive())
    );
}

/// What every other threshold would do.
fn thresholds(s: &mut String, w: &Words, set: &AttributeSetResult) {
    let Some(sweep) = &set.score_audit else {
        return;
    };
    let rows = &sweep.thresholds;
    let ranges: Vec<String> = sweep
        .passing
        .iter()
        .map(|[lo, hi]| match lo == hi {
            true => threshold(*lo),
            false => format!("{} to {}", threshold(*lo), threshold(*hi)),
        })
        .collect();
    // The threshold in use, or the first score of the grid at or above it.
    let in_use = rows
        .iter()
        .position(|t| t.threshold >= sweep.threshold_used);
    let used = in_use.is_some_and(|k| rows[k].all_pass);
    let _ = writeln!(
        s,
        "Of {} thresholds tried, from {} to {}, every group passes the four-fifths rule at {}; at the threshold in use, \
         {}, {}.\n",
        rows.len(),
        rows.first().map_or("n/a".into(), |t| threshold(t.threshold)),
        rows.last().map_or("n/a".into(), |t| threshold(t.threshold)),
        match ranges.is_empty() {
            true => "none".to_string(),
            false => ranges.join(", "),
        },
        threshold(sweep.threshold_used),
        if used {
            "every group passes"
        } else {
            "some group does not"
        }
    );
    // A few thresholds, evenly through the grid, and the one in use.
    let step = rows.len().div_ceil(SHOWN_THRESHOLDS).max(1);
    let groups: Vec<(usize, &GroupResult)> = set
        .groups
        .iter()
        .enumerate()
        .filter(|(i, g)| {
            !g.measures.is_reference && rows.first().is_some_and(|t| t.impact_ratio[*i].is_some())
        })
        .collect();
    let names: Vec<String> = groups
        .iter()
        .map(|(_, g)| md(&crate::render::text::group_label(&g.measures)))
        .collect();
    let _ = writeln!(
        s,
        "| Threshold | {} | Every group passes |\n|---|{}---|",
        names.join(" | "),
        "---|".repeat(names.len())
    );
    for (k, t) in rows.iter().enumerate() {
        if k % step != 0 && in_use != Some(k) {
            continue;
        }
        let ratios: Vec<String> = groups
            .iter()
            .map(|(i, _)| ratio(t.impact_ratio[*i]))
            .collect();
        let _ = writeln!(
            s,
            "| {}{} | {} | {} |",
            threshold(t.threshold),
            match in_use == Some(k) {
                false => String::new(),
                true if t.threshold == sweep.threshold_used => " (in use)".to_string(),
                true => format!(
                    " (the lowest score at or above {}, in use)",
                    threshold(sweep.threshold_used)
                ),
            },
            ratios.join(" | "),
            if t.all_pass { "yes" } else { "no" }
        );
    }
    let _ = writeln!(
        s,
        "\nEach cell: the group's {} at that threshold over the reference's ({}). Every threshold is in \
         `tables/*_thresholds.csv`.\n",
        w.r.audit.favorable.rate_words(),
        md(&w.reference(set))
    );
}

/// With a score audit and periods: each group's area and its ratio at equal score, period by
/// period (after the Trend's table of verdicts). `groups` are the compared groups with their
/// names, `sets` the set in each period.
pub fn by_period(
    s: &mut String,
    w: &Words,
    (groups, names): (&[&GroupResult], &[String]),
    sets: &[Option<&AttributeSetResult>],
) {
    if !sets.iter().flatten().any(|p| p.score_audit.is_some()) || w.r.audit.label.is_none() {
        return;
    }
    let _ = writeln!(
        s,
        "The score, period by period: each group's area under the ROC curve, then its ratio at equal score to the \
         reference's (1 when a score means the same; † where the score over- or under-states the group's chance \
         in that period).\n"
    );
    let _ = writeln!(s, "| period | {} |", names.join(" | "));
    let _ = writeln!(s, "|---|{}", "---|".repeat(names.len()));
    for (p, set) in w.r.periods.iter().zip(sets) {
        let cells: Vec<String> = groups
            .iter()
            .map(|g| {
                let found = set.and_then(|set| {
                    set.groups
                        .iter()
                        .find(|x| x.measures.values == g.measures.values)
                        .and_then(audit)
                });
                let Some(a) = found else {
                    return "absent".to_string();
                };
                let at = a.calibration.as_ref().and_then(|c| c.vs_reference.as_ref());
                let flag = match at.map(|e| e.verdict) {
                    Some(CalibrationVerdict::OverStates | CalibrationVerdict::UnderStates) => " †",
                    _ => "",
                };
                format!(
                    "{} · {}{flag}",
                    three(a.auc),
                    ratio(at.and_then(|e| e.ratio))
                )
            })
            .collect();
        let _ = writeln!(s, "| {} | {} |", p.period, cells.join(" | "));
    }
    let _ = writeln!(s);
}
