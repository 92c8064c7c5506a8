//! The per-group charts: one row per group, top to bottom in the report's order, labelled with
//! its n: the selection rate, the ratio to the reference, and the error rates.

use super::super::words::capitalized;
use super::key::Key;
use super::{failing_side_key, label, verdict_colour, verdict_keys, Plot, FAILING_SIDE, INK};
use crate::metric::{Metric, Versus};
use crate::results::{AttributeSetResult, AuditResults, GroupResult, VerdictState};
use crate::spec::Favorable;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A chart with a value along x and one row per group along y.
type Rows<X> = Cartesian2d<X, Cells>;

/// An axis of `n` cells of width 1 (cell `i` spans `i..i + 1`, counted from the bottom or the
/// left), labelled at their centres.
pub struct Cells(pub usize);

impl Ranged for Cells {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let share = value / self.0.max(1) as f64;
        limit.0 + (share * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        (0..self.0).map(|i| i as f64 + 0.5).collect()
    }

    fn range(&self) -> std::ops::Range<f64> {
        0.0..self.0 as f64
    }
}

/// Bottom of a group's row: groups run top to bottom in the report's order.
fn row(set: &AttributeSetResult, i: usize) -> f64 {
    (set.groups.len() - 1 - i) as f64
}

/// The rate a group must not fall below (favourable) or rise above (adverse) to pass.
fn threshold_line(results: &AuditResults, set: &AttributeSetResult) -> Option<f64> {
    let a = &results.audit;
    Some(a.favorable.bound_rate(set.reference_rate?, a.di_threshold))
}

fn interval_key(r: &AuditResults) -> Key {
    Key::Whisker(format!(
        "{:.0}% confidence interval",
        r.audit.confidence * 100.0
    ))
}

/// Key of the selection-rate chart.
pub fn selection_key(r: &AuditResults, set: &AttributeSetResult) -> Vec<Key> {
    let mut key = verdict_keys(set.groups.iter().map(GroupResult::state), "");
    key.push(interval_key(r));
    if set.reference_rate.is_some() {
        key.push(Key::Line(format!(
            "four-fifths line: {}",
            r.audit.favorable.bound_rate_text(r.audit.di_threshold)
        )));
    }
    key
}

pub fn selection_chart<DB: DrawingBackend>(
    results: &AuditResults,
    set: &AttributeSetResult,
    name: &str,
    root: &DrawingArea<DB, Shift>,
) -> Plot {
    let line = threshold_line(results, set);
    let top = set
        .groups
        .iter()
        .filter_map(|g| g.measures.interval(Metric::SelectionRate).map(|ci| ci[1]))
        .chain(line)
        .fold(0.0f64, f64::max);
    let mut chart = groups_chart(
        root,
        format!("Selection rate by {name}"),
        RangedCoordf64::from(0.0..(top * 1.1).clamp(0.05, 1.0)),
        set,
        "selection rate (% of the group given the decision)",
        &|v| format!("{:.0}%", v * 100.0),
    )?;
    let rate = |g: &GroupResult| g.measures.rate(Metric::SelectionRate);
    bars(&mut chart, set, rate, (0.15, 0.85), &|g| {
        verdict_colour(g.state()).filled()
    })?;
    whiskers(
        &mut chart,
        set,
        |g| g.measures.interval(Metric::SelectionRate),
        0.5,
    )?;
    if let Some(x) = line {
        vertical(&mut chart, set, x, 2)?;
    }
    Ok(())
}

/// Key of the ratio chart.
pub fn ratio_key(r: &AuditResults, set: &AttributeSetResult) -> Vec<Key> {
    let a = &r.audit;
    let mut key = verdict_keys(set.groups.iter().map(GroupResult::state), "");
    key.push(interval_key(r));
    key.push(failing_side_key(
        a,
        "four-fifths rule: fails where significant",
    ));
    key.push(Key::Line("1 = the reference's rate".to_string()));
    key
}

pub fn ratio_chart<DB: DrawingBackend>(
    results: &AuditResults,
    set: &AttributeSetResult,
    name: &str,
    root: &DrawingArea<DB, Shift>,
) -> Plot {
    let t = results.audit.di_threshold;
    let ci = |g: &GroupResult| g.measures.vs_interval(Versus::DisparateImpactRatio);
    let ratio = |g: &GroupResult| {
        g.measures
            .vs(Versus::DisparateImpactRatio)
            .filter(|v| *v > 0.0)
    };
    let values: Vec<f64> = set
        .groups
        .iter()
        .flat_map(|g| ratio(g).into_iter().chain(ci(g).into_iter().flatten()))
        .filter(|v| *v > 0.0)
        .chain([t * 0.9, 1.1 / t])
        .collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min) * 0.9;
    let hi = values.iter().copied().fold(0.0, f64::max) * 1.1;
    let ticks: Vec<f64> = [
        0.1,
        0.2,
        0.25,
        1.0 / 3.0,
        0.5,
        2.0 / 3.0,
        t,
        1.0,
        1.0 / t,
        1.5,
        2.0,
        3.0,
        4.0,
        5.0,
        10.0,
    ]
    .into_iter()
    .filter(|v| (lo..=hi).contains(v))
    .collect();
    let mut chart = groups_chart(
        root,
        format!("Disparate impact ratio by {name} (log scale)"),
        (lo..hi).log_scale().with_key_points(ticks),
        set,
        "selection rate of the group ÷ selection rate of the reference",
        &|v| format!("{v:.2}"),
    )?;
    let failing = match results.audit.favorable {
        Favorable::Positive => (lo, t),
        Favorable::Negative => (1.0 / t, hi),
    };
    let k = set.groups.len() as f64;
    chart
        .draw_series([Rectangle::new(
            [(failing.0, 0.0), (failing.1, k)],
            FAILING_SIDE.filled(),
        )])
        .map_err(|e| e.to_string())?;
    vertical(&mut chart, set, 1.0, 2)?;
    whiskers(&mut chart, set, ci, 0.5)?;
    chart
        .draw_series(set.groups.iter().enumerate().filter_map(|(i, g)| {
            Some(Circle::new(
                (ratio(g)?, row(set, i) + 0.5),
                6,
                verdict_colour(g.state()).filled(),
            ))
        }))
        .map_err(|e| e.to_string())?;
    not_available(&mut chart, set, lo, |g| ratio(g))
}

/// The rate judged with a label and the other one: (judged, other), each as (metric, words).
fn error_rates(f: Favorable) -> [(Metric, &'static str); 2] {
    let tpr = (Metric::Tpr, Metric::Tpr.words());
    let fpr = (Metric::Fpr, Metric::Fpr.words());
    match f {
        Favorable::Negative => [fpr, tpr],
        Favorable::Positive => [tpr, fpr],
    }
}

/// A group's error-rate verdict; a group without one (no label verdict) counts as left out.
fn error_state(g: &GroupResult) -> VerdictState {
    g.error_state().unwrap_or(VerdictState::Excluded)
}

/// Key of the error-rate chart.
pub fn error_rate_key(r: &AuditResults, set: &AttributeSetResult) -> Vec<Key> {
    let [(_, judged), (_, other)] = error_rates(r.audit.favorable);
    let mut key = verdict_keys(set.groups.iter().map(error_state), &format!("{judged}: "));
    key.push(Key::Outline(format!("{other} (not judged)")));
    key.push(interval_key(r));
    key
}

pub fn error_rate_chart<DB: DrawingBackend>(
    results: &AuditResults,
    set: &AttributeSetResult,
    name: &str,
    root: &DrawingArea<DB, Shift>,
) -> Plot {
    let [(judged, judged_words), (other, other_words)] = error_rates(results.audit.favorable);
    let mut chart = groups_chart(
        root,
        format!("Error rates by {name}"),
        RangedCoordf64::from(0.0..1.0),
        set,
        &format!("{judged_words} (top bar) and {other_words} (bottom bar), %"),
        &|v| format!("{:.0}%", v * 100.0),
    )?;
    bars(
        &mut chart,
        set,
        |g| g.measures.rate(judged),
        (0.08, 0.5),
        &|g| verdict_colour(error_state(g)).filled(),
    )?;
    whiskers(&mut chart, set, |g| g.measures.interval(judged), 0.71)?;
    bars(
        &mut chart,
        set,
        |g| g.measures.rate(other),
        (0.5, 0.92),
        &|_| INK.stroke_width(1),
    )?;
    whiskers(&mut chart, set, |g| g.measures.interval(other), 0.29)?;
    Ok(())
}

/// Axes shared by the per-group charts: one row per group (top to bottom, labelled with n) and
/// a rate or ratio along x.
fn groups_chart<'a, DB: DrawingBackend + 'a, X>(
    root: &'a DrawingArea<DB, Shift>,
    title: String,
    x: X,
    set: &AttributeSetResult,
    x_desc: &str,
    x_format: &dyn Fn(&f64) -> String,
) -> std::result::Result<ChartContext<'a, DB, Rows<X>>, String>
where
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let k = set.groups.len();
    let labels: Vec<String> = set.groups.iter().map(label).collect();
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(50)
        .y_label_area_size(
            labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u32 * 7 + 20,
        )
        .build_cartesian_2d(x, Cells(k))
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .y_labels(k)
        .y_label_formatter(&|v| {
            let from_top = k as f64 - 1.0 - v.floor();
            labels.get(from_top as usize).cloned().unwrap_or_default()
        })
        .x_desc(x_desc)
        .x_label_formatter(x_format)
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(chart)
}

/// A bar per group from 0 to `value`, spanning `span` (bottom, top, as shares of the row from
/// its top); a group whose value is undefined gets no bar but `n/a`.
fn bars<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Rows<RangedCoordf64>>,
    set: &AttributeSetResult,
    value: impl Fn(&GroupResult) -> Option<f64>,
    span: (f64, f64),
    style: &dyn Fn(&GroupResult) -> ShapeStyle,
) -> Plot {
    chart
        .draw_series(set.groups.iter().enumerate().filter_map(|(i, g)| {
            let top = row(set, i) + 1.0;
            Some(Rectangle::new(
                [(0.0, top - span.0), (value(g)?, top - span.1)],
                style(g),
            ))
        }))
        .map_err(|e| e.to_string())?;
    not_available(chart, set, 0.0, value)
}

/// `n/a` at `x` in the row of each group whose value is undefined.
fn not_available<DB: DrawingBackend, X: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, DB, Rows<X>>,
    set: &AttributeSetResult,
    x: f64,
    value: impl Fn(&GroupResult) -> Option<f64>,
) -> Plot {
    let font = ("sans-serif", 13)
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    chart
        .draw_series(set.groups.iter().enumerate().filter_map(|(i, g)| {
            value(g).is_none().then(|| {
                EmptyElement::at((x, row(set, i) + 0.5))
                    + Text::new("n/a".to_string(), (6, 0), font.clone())
            })
        }))
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Interval whiskers with end ticks, at `height` (a share of the row, from its bottom).
fn whiskers<DB: DrawingBackend, X: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, DB, Rows<X>>,
    set: &AttributeSetResult,
    ci: impl Fn(&GroupResult) -> Option<[f64; 2]>,
    height: f64,
) -> Plot {
    let style = INK.stroke_width(2);
    let tick = || PathElement::new([(0, -5), (0, 5)], style);
    for (i, g) in set.groups.iter().enumerate() {
        let Some([lo, hi]) = ci(g) else { continue };
        let y = row(set, i) + height;
        chart
            .draw_series([PathElement::new([(lo, y), (hi, y)], style)])
            .map_err(|e| e.to_string())?;
        chart
            .draw_series([
                EmptyElement::at((lo, y)) + tick(),
                EmptyElement::at((hi, y)) + tick(),
            ])
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// A vertical line across every row at `x`.
fn vertical<DB: DrawingBackend, X: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, DB, Rows<X>>,
    set: &AttributeSetResult,
    x: f64,
    width: u32,
) -> Plot {
    chart
        .draw_series([PathElement::new(
            [(x, 0.0), (x, set.groups.len() as f64)],
            INK.stroke_width(width),
        )])
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Key of the distribution chart of a numeric outcome.
pub fn distribution_key(r: &AuditResults, set: &AttributeSetResult) -> Vec<Key> {
    let mut key = verdict_keys(
        set.groups.iter().map(GroupResult::state),
        "middle half (p25–p75): ",
    );
    key.push(Key::Whisker("p10 to p90".to_string()));
    key.push(Key::Line(format!(
        "reference's mean{}",
        if r.audit.favorable == Favorable::Negative {
            " (higher is adverse)"
        } else {
            " (higher is favourable)"
        }
    )));
    key.push(Key::Outline("dot: the group's mean".to_string()));
    key
}

/// Each group's distribution of a numeric outcome: p10–p90 as a line, the middle half as a box
/// in the verdict's colour, the median as a tick, the mean as a dot, and the reference's mean as
/// a vertical line.
pub fn distribution_chart<DB: DrawingBackend>(
    set: &AttributeSetResult,
    (outcome, name): (&str, &str),
    root: &DrawingArea<DB, Shift>,
) -> Plot {
    let rate = |g: &GroupResult, q: Metric| g.measures.rate(q);
    let values: Vec<f64> = set
        .groups
        .iter()
        .flat_map(|g| [Metric::P10, Metric::P90, Metric::Mean].map(|q| rate(g, q)))
        .flatten()
        .collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo.is_finite() && hi > lo {
        let pad = (hi - lo) * 0.05;
        (lo - pad, hi + pad)
    } else {
        (0.0, 1.0)
    };
    let mut chart = groups_chart(
        root,
        format!("{} by {name}", capitalized(outcome)),
        RangedCoordf64::from(lo..hi),
        set,
        &format!("{outcome} (per group: p10–p90, middle half, median, mean)"),
        &|v| format!("{v:.2}"),
    )?;
    whiskers(
        &mut chart,
        set,
        |g| Some([rate(g, Metric::P10)?, rate(g, Metric::P90)?]),
        0.5,
    )?;
    chart
        .draw_series(set.groups.iter().enumerate().filter_map(|(i, g)| {
            let y = row(set, i);
            Some(Rectangle::new(
                [
                    (rate(g, Metric::P25)?, y + 0.2),
                    (rate(g, Metric::P75)?, y + 0.8),
                ],
                verdict_colour(g.state()).filled(),
            ))
        }))
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(set.groups.iter().enumerate().filter_map(|(i, g)| {
            let y = row(set, i);
            let median = rate(g, Metric::Median)?;
            Some(PathElement::new(
                [(median, y + 0.15), (median, y + 0.85)],
                INK.stroke_width(3),
            ))
        }))
        .map_err(|e| e.to_string())?;
    hollow_dots(&mut chart, set, |g| rate(g, Metric::Mean), (0.5, 5))?;
    if let Some(reference) = set
        .groups
        .iter()
        .find(|g| g.measures.is_reference)
        .and_then(|g| rate(g, Metric::Mean))
    {
        vertical(&mut chart, set, reference, 1)?;
    }
    not_available(&mut chart, set, lo, |g| rate(g, Metric::Mean))
}

/// Key of the raw-versus-adjusted chart.
pub fn adjusted_key(r: &AuditResults, set: &AttributeSetResult) -> Vec<Key> {
    let states = set
        .groups
        .iter()
        .filter_map(|g| g.verdict.as_ref()?.adjusted_gap);
    let mut key = verdict_keys(states, "at equal controls: ");
    key.push(Key::Outline("raw difference of means".to_string()));
    key.push(interval_key(r));
    key.push(Key::Line("0 = the reference's mean".to_string()));
    if let Some((side, t)) = adjusted_threshold(r, set) {
        key.push(Key::Fill(
            FAILING_SIDE,
            format!(
                "beyond the rule at equal controls: {}{:.2} ({} residual SD)",
                if side > 0.0 { "above +" } else { "below −" },
                side.abs(),
                t
            ),
        ));
    }
    key
}

/// The gap at equal controls at which the rule's threshold lies, on the people's disadvantaged
/// side (signed), with the threshold in residual SDs: one regression per set, so one residual SD.
fn adjusted_threshold(r: &AuditResults, set: &AttributeSetResult) -> Option<(f64, f64)> {
    let t = r.audit.smd_threshold?;
    let sd = set
        .groups
        .iter()
        .find_map(|g| g.measures.vs_reference.adjusted_gap)?
        .residual_sd;
    let side = match r.audit.favorable {
        Favorable::Positive => -1.0,
        Favorable::Negative => 1.0,
    };
    (sd > 0.0).then_some((side * t * sd, t))
}

/// Each compared group's gap to the reference in the outcome's unit: the raw difference of means
/// (outlined, with Welch's interval) above the gap at equal controls (filled in its verdict's
/// colour, with its HC1 interval).
pub fn adjusted_chart<DB: DrawingBackend>(
    r: &AuditResults,
    set: &AttributeSetResult,
    (outcome, name): (&str, &str),
    root: &DrawingArea<DB, Shift>,
) -> Plot {
    let threshold = adjusted_threshold(r, set).map(|(side, _)| side);
    let raw = |g: &GroupResult| g.measures.vs_interval(Versus::Difference(Metric::Mean));
    let adjusted = |g: &GroupResult| g.measures.vs_reference.adjusted_gap.map(|a| a.ci);
    let bounds: Vec<f64> = set
        .groups
        .iter()
        .flat_map(|g| raw(g).into_iter().chain(adjusted(g)).flatten())
        .chain([0.0])
        .chain(threshold)
        .collect();
    let lo = bounds.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = bounds.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.08).max(1e-9);
    let mut chart = groups_chart(
        root,
        format!("Gap in {outcome} by {name}, raw and at equal controls"),
        RangedCoordf64::from((lo - pad)..(hi + pad)),
        set,
        &format!("{outcome}: group − reference"),
        &|v| format!("{v:.2}"),
    )?;
    // The failing side of the rule at equal controls, shaded from its threshold outwards.
    if let Some(side) = threshold {
        let end = if side > 0.0 { hi + pad } else { lo - pad };
        chart
            .draw_series([Rectangle::new(
                [(side, 0.0), (end, set.groups.len() as f64)],
                FAILING_SIDE.filled(),
            )])
            .map_err(|e| e.to_string())?;
    }
    vertical(&mut chart, set, 0.0, 1)?;
    whiskers(&mut chart, set, raw, 0.72)?;
    whiskers(&mut chart, set, adjusted, 0.28)?;
    hollow_dots(
        &mut chart,
        set,
        |g| g.measures.vs(Versus::Difference(Metric::Mean)),
        (0.72, 6),
    )?;
    chart
        .draw_series(set.groups.iter().enumerate().filter_map(|(i, g)| {
            let gap = g.measures.vs_reference.adjusted_gap?;
            let state = g.verdict.as_ref()?.adjusted_gap?;
            Some(Circle::new(
                (gap.estimate, row(set, i) + 0.28),
                6,
                verdict_colour(state).filled(),
            ))
        }))
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// An open dot per group at `value`, at `height` in its row (a share of it) with `radius`.
fn hollow_dots<DB: DrawingBackend, X: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, DB, Rows<X>>,
    set: &AttributeSetResult,
    value: impl Fn(&GroupResult) -> Option<f64>,
    (height, radius): (f64, u32),
) -> Plot {
    for style in [WHITE.filled(), INK.stroke_width(2)] {
        chart
            .draw_series(set.groups.iter().enumerate().filter_map(|(i, g)| {
                Some(Circle::new(
                    (value(g)?, row(set, i) + height),
                    radius,
                    style,
                ))
            }))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}
