//! The score's charts (a score audit): each group's ROC curve with the chance diagonal; the
//! reliability diagram, each group's observed rate against its mean score per bin with its
//! interval; and each group's impact ratio at every threshold, with the four-fifths rule's failing
//! side shaded and the threshold in use marked. One colour per group, as in the trend charts.

use super::key::Key;
use super::trend::{lines, name, thick_line, LINES, LINE_WIDTH};
use super::{failing_side_key, Plot, FAILING_SIDE, INK};
use crate::results::{AttributeSetResult, AuditResults, GroupResult};
use crate::spec::Favorable;
use indexmap::IndexMap;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

/// The groups drawn with their colours: the largest, as in the trend charts.
fn drawn<'a>(set: &'a AttributeSetResult) -> Vec<(RGBColor, &'a GroupResult)> {
    lines(set)
        .into_iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let g = set.groups.iter().find(|g| &g.measures.values == v)?;
            Some((LINES[i], g))
        })
        .collect()
}

/// A group's name in a key, `(reference)` after the reference's.
fn named(set: &AttributeSetResult, values: &IndexMap<String, String>) -> String {
    let reference = set.reference.as_ref() == Some(values);
    name(values) + if reference { " (reference)" } else { "" }
}

/// Plain axes: x and y ranges with their descriptions.
fn axes<'a, DB: DrawingBackend + 'a>(
    root: &'a DrawingArea<DB, Shift>,
    title: String,
    (x, y): (std::ops::Range<f64>, std::ops::Range<f64>),
    (x_desc, y_desc): (&str, &str),
) -> std::result::Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>, String>
{
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d(x, y)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&|v| format!("{v:.2}"))
        .y_label_formatter(&|v| format!("{v:.2}"))
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(chart)
}

/// A dashed line between two points, in ink.
fn dashed<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    from: (f64, f64),
    to: (f64, f64),
) -> Plot {
    let dashes = 40;
    let segments = (0..dashes).step_by(2).map(|i| {
        let at = |k: f64| {
            (
                from.0 + (to.0 - from.0) * k / dashes as f64,
                from.1 + (to.1 - from.1) * k / dashes as f64,
            )
        };
        PathElement::new(vec![at(i as f64), at(i as f64 + 1.0)], INK.stroke_width(1))
    });
    chart.draw_series(segments).map_err(|e| e.to_string())?;
    Ok(())
}

/// Key of the ROC chart: each group's colour with its area.
pub fn roc_key(set: &AttributeSetResult) -> Vec<Key> {
    let mut key: Vec<Key> = drawn(set)
        .into_iter()
        .filter_map(|(colour, g)| {
            let auc = g.measures.score_audit.as_ref()?.auc?;
            Some(Key::Fill(
                colour,
                format!("{}: area {auc:.3}", named(set, &g.measures.values)),
            ))
        })
        .collect();
    key.push(Key::Line(
        "diagonal: a score that ranks no better than chance".into(),
    ));
    key
}

/// Each group's ROC curve.
pub fn roc_chart<DB: DrawingBackend>(
    set: &AttributeSetResult,
    name: &str,
    root: &DrawingArea<DB, Shift>,
) -> Plot {
    let mut chart = axes(
        root,
        format!("How well the score ranks each group, by {name}"),
        (0.0..1.0, 0.0..1.0),
        (
            "false positive rate (negatives at or above the threshold)",
            "true positive rate",
        ),
    )?;
    dashed(&mut chart, (0.0, 0.0), (1.0, 1.0))?;
    for (colour, g) in drawn(set) {
        let Some(audit) = &g.measures.score_audit else {
            continue;
        };
        let points: Vec<(f64, f64)> = audit.roc.iter().map(|p| (p[0], p[1])).collect();
        thick_line(&mut chart, &points, colour, LINE_WIDTH)?;
    }
    Ok(())
}

/// Key of the reliability diagram.
pub fn reliability_key(r: &AuditResults, set: &AttributeSetResult) -> Vec<Key> {
    let mut key: Vec<Key> = drawn(set)
        .into_iter()
        .filter(|(_, g)| calibration_of(g).is_some())
        .map(|(colour, g)| Key::Fill(colour, named(set, &g.measures.values)))
        .collect();
    key.push(Key::Whisker(format!(
        "{:.0}% confidence interval of the observed rate",
        r.audit.confidence * 100.0
    )));
    if probabilities(set) {
        key.push(Key::Line(
            "diagonal: a calibrated score (observed rate = score)".into(),
        ));
    }
    key
}

fn calibration_of(g: &GroupResult) -> Option<&crate::results::score::Calibration> {
    g.measures.score_audit.as_ref()?.calibration.as_ref()
}

fn probabilities(set: &AttributeSetResult) -> bool {
    set.score_audit.as_ref().is_some_and(|s| s.probabilities)
}

/// Each group's observed rate of the label against its mean score, per bin, with intervals.
pub fn reliability_chart<DB: DrawingBackend>(
    set: &AttributeSetResult,
    (name, label): (&str, &str),
    root: &DrawingArea<DB, Shift>,
) -> Plot {
    let groups = drawn(set);
    let points = |g: &GroupResult| -> Vec<(f64, f64, [f64; 2])> {
        calibration_of(g).map_or(Vec::new(), |c| {
            c.bins
                .iter()
                .filter_map(|b| Some((b.mean_score?, b.observed?, b.observed_ci?)))
                .collect()
        })
    };
    let all: Vec<(f64, f64, [f64; 2])> = groups.iter().flat_map(|(_, g)| points(g)).collect();
    let (x, y) = match probabilities(set) {
        true => (0.0..1.0, 0.0..1.0),
        false => {
            let lo = all.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
            let hi = all.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
            let pad = ((hi - lo) * 0.05).max(0.5);
            let top = all.iter().map(|p| p.2[1]).fold(0.0, f64::max).min(1.0);
            ((lo - pad)..(hi + pad), 0.0..(top * 1.05).max(0.05))
        }
    };
    let width = x.end - x.start;
    let mut chart = axes(
        root,
        format!("Does a score mean the same in each group? By {name}"),
        (x, y),
        ("mean score in the bin", &format!("observed share: {label}")),
    )?;
    if probabilities(set) {
        dashed(&mut chart, (0.0, 0.0), (1.0, 1.0))?;
    }
    let offset = |i: usize| (i as f64 - (groups.len() as f64 - 1.0) / 2.0) * width * 0.004;
    for (i, (colour, g)) in groups.iter().enumerate() {
        let p = points(g);
        let line: Vec<(f64, f64)> = p.iter().map(|q| (q.0, q.1)).collect();
        thick_line(&mut chart, &line, *colour, LINE_WIDTH)?;
        chart
            .draw_series(p.iter().map(|q| {
                let x = q.0 + offset(i);
                PathElement::new(vec![(x, q.2[0]), (x, q.2[1])], colour.stroke_width(2))
            }))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(
                p.iter()
                    .map(|q| Circle::new((q.0, q.1), 4, colour.filled())),
            )
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Key of the threshold sweep.
pub fn sweep_key(r: &AuditResults, set: &AttributeSetResult) -> Vec<Key> {
    let mut key: Vec<Key> = drawn(set)
        .into_iter()
        .filter(|(_, g)| !g.measures.is_reference)
        .map(|(colour, g)| Key::Fill(colour, name(&g.measures.values)))
        .collect();
    key.push(failing_side_key(&r.audit, "four-fifths rule"));
    if let Some(s) = &set.score_audit {
        key.push(Key::Line(format!(
            "vertical line: the threshold in use, {}",
            s.threshold_used
        )));
    }
    key
}

/// Each group's impact ratio at every threshold of the sweep.
pub fn sweep_chart<DB: DrawingBackend>(
    r: &AuditResults,
    set: &AttributeSetResult,
    name: &str,
    root: &DrawingArea<DB, Shift>,
) -> Plot {
    let Some(sweep) = &set.score_audit else {
        return Ok(());
    };
    let rows = &sweep.thresholds;
    let (lo, hi) = rows
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), t| {
            (a.min(t.threshold), b.max(t.threshold))
        });
    let hi = hi.max(sweep.threshold_used);
    let lo = lo.min(sweep.threshold_used);
    let pad = ((hi - lo) * 0.02).max(1e-9);
    let top = 3.0;
    let groups: Vec<(RGBColor, usize)> = drawn(set)
        .into_iter()
        .filter(|(_, g)| !g.measures.is_reference)
        .filter_map(|(c, g)| {
            let i = set
                .groups
                .iter()
                .position(|x| x.measures.values == g.measures.values)?;
            Some((c, i))
        })
        .collect();
    let mut chart = axes(
        root,
        format!("Each group's impact ratio at every threshold, by {name}"),
        ((lo - pad)..(hi + pad), 0.0..top),
        (
            "threshold (decision positive at or above it)",
            &format!("{} over the reference's", r.audit.favorable.rate_words()),
        ),
    )?;
    let t = r.audit.di_threshold;
    let shaded = match r.audit.favorable {
        Favorable::Positive => (0.0, t),
        Favorable::Negative => (1.0 / t, top),
    };
    chart
        .draw_series([Rectangle::new(
            [(lo - pad, shaded.0), (hi + pad, shaded.1)],
            FAILING_SIDE.filled(),
        )])
        .map_err(|e| e.to_string())?;
    chart
        .draw_series([PathElement::new(
            vec![(lo - pad, 1.0), (hi + pad, 1.0)],
            INK.stroke_width(1),
        )])
        .map_err(|e| e.to_string())?;
    dashed(
        &mut chart,
        (sweep.threshold_used, 0.0),
        (sweep.threshold_used, top),
    )?;
    for (colour, i) in groups {
        let mut run: Vec<(f64, f64)> = Vec::new();
        for row in rows {
            match row.impact_ratio.get(i).copied().flatten() {
                Some(v) => run.push((row.threshold, v.min(top))),
                None if !run.is_empty() => {
                    thick_line(&mut chart, &std::mem::take(&mut run), colour, LINE_WIDTH)?
                }
                None => {}
            }
        }
        thick_line(&mut chart, &run, colour, LINE_WIDTH)?;
    }
    Ok(())
}
