//! The report's "Trend" (with `--date`): per attribute set, each group's ratio to the reference
//! period by period with its verdict, and for every group whose last period needs action, since
//! when it has (the failing streaks judge found), and the periods in which the reference group's
//! own value moved (every other group crossing the threshold the same way).

use crate::render::text::{md, period_words, verdict_text};
use crate::render::words::{capitalized, Words};
use crate::results::{AttributeSetResult, FailingStreak, GroupResult, ReferenceMove, VerdictState};
use std::fmt::Write;

/// The ratio a group is judged by: its selection rate's, or a numeric outcome's mean's.
fn ratio(w: &Words, g: &GroupResult) -> Option<f64> {
    g.measures.vs(w.r.audit.outcome_kind().judged_ratio())
}

/// A group's ratio and verdict in one period's set, when it has rows there.
fn in_period(
    w: &Words,
    set: Option<&AttributeSetResult>,
    group: &indexmap::IndexMap<String, String>,
) -> Option<(Option<f64>, VerdictState)> {
    let g = set?.groups.iter().find(|g| &g.measures.values == group)?;
    Some((ratio(w, g), g.state()))
}

/// The section, when the audit has periods.
pub fn section(s: &mut String, w: &Words) {
    let periods = &w.r.periods;
    let Some(last) = periods.last() else { return };
    let _ = writeln!(s, "## Trend\n");
    let _ = writeln!(
        s,
        "Every group is also measured and judged on each period's rows alone ({} periods, {} to {}; each period's \
         tests adjusted as a family of their own). Each cell is the group's {} over the reference group's, with \
         its verdict in that period; a group without rows in a period is absent there, not 0.\n",
        periods.len(),
        periods[0].period,
        last.period,
        super::of(w.r.audit.outcome_kind()).judged_words(w)
    );
    for (index, set) in
        w.r.attribute_sets
            .iter()
            .enumerate()
            .filter(|(_, s)| s.segment.is_none())
    {
        let sets = w.r.period_sets(set);
        let groups: Vec<&GroupResult> = set
            .groups
            .iter()
            .filter(|g| !g.measures.is_reference && g.measures.excluded.is_none())
            .collect();
        if groups.is_empty() {
            continue;
        }
        let _ = writeln!(s, "### {}\n", md(&capitalized(&w.set(set))));
        // Since when a group fails, then the periods in which the reference itself moved.
        let notes: Vec<String> =
            w.r.failing_streaks
                .iter()
                .filter(|f| f.attributes == set.attributes)
                .map(|f| since(w, set, f))
                .chain(
                    w.r.reference_moves
                        .iter()
                        .filter(|m| m.attributes == set.attributes)
                        .map(|m| reference_move(w, set, m)),
                )
                .collect();
        for note in &notes {
            let _ = writeln!(s, "- {}", md(note));
        }
        if !notes.is_empty() {
            let _ = writeln!(s);
        }
        for (title, path) in crate::render::charts::trend_charts(w.r, index, set) {
            let _ = writeln!(s, "![{title}]({path})\n");
        }
        if set.attributes.len() > 1 {
            continue;
        }
        let names: Vec<String> = groups
            .iter()
            .map(|g| {
                md(&g
                    .measures
                    .values
                    .values()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "))
            })
            .collect();
        let _ = writeln!(s, "\n| period | {} |", names.join(" | "));
        let _ = writeln!(s, "|---|{}", "---|".repeat(names.len()));
        for (p, period_set) in periods.iter().zip(&sets) {
            let cells: Vec<String> = groups
                .iter()
                .map(|g| match in_period(w, *period_set, &g.measures.values) {
                    Some((Some(r), state)) => format!("{r:.2} {}", verdict_text(state)),
                    Some((None, state)) => format!("n/a {}", verdict_text(state)),
                    None => "absent".to_string(),
                })
                .collect();
            let _ = writeln!(s, "| {} | {} |", p.period, cells.join(" | "));
        }
        let _ = writeln!(s);
        super::score::by_period(s, w, (&groups, &names), &sets);
    }
}

/// A period in which every compared group crossed the threshold the same way, in words: the
/// reference's own move.
fn reference_move(w: &Words, set: &AttributeSetResult, m: &ReferenceMove) -> String {
    let layout = crate::render::kinds::layout(w.r);
    let [low, high] = m.ratio_range;
    format!(
        "In {}, every one of the {} groups compared had a ratio of {low:.2} to {high:.2}, each beyond the threshold: \
         the reference group moved, not the others. The {} of {} was {} in that period, against {} over the whole \
         log.",
        period_words(&m.period),
        m.groups,
        super::of(w.r.audit.outcome_kind()).judged_words(w),
        w.reference(set),
        layout.value_text(m.reference_value),
        layout.value_text(m.reference_value_overall)
    )
}

/// A failing streak in words: since when, the ratios then, and on average before.
fn since(w: &Words, set: &AttributeSetResult, f: &FailingStreak) -> String {
    let range = f.ratio_range.map_or("n/a".to_string(), |[low, high]| {
        format!("{low:.2} to {high:.2}")
    });
    let earlier = match f.ratio_before {
        None => "; it has failed in every period measured".to_string(),
        Some(before) => format!("; {before:.2} on average in the periods before"),
    };
    format!(
        "{} compared with {}: failing since {}, ratio {range} in each period from {} to {}{earlier}.",
        capitalized(&w.group(&f.group)),
        w.reference(set),
        f.since,
        f.since,
        f.until
    )
}
