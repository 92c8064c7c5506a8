//! Trend charts (with `--date`): each group's rate period by period with its interval band, and
//! each group's ratio to the reference (a numeric outcome: its standardized mean difference)
//! with the rule's threshold. A group is drawn as a line of its own colour, broken where it has
//! no rows; a period whose verdict fails is ringed in vermillion.

use super::key::Key;
use super::{short, Plot, FAILING_SIDE, INK, VERMILLION};
use crate::metric::{Metric, Versus};
use crate::render::words::capitalized;
use crate::results::{AttributeSetResult, AuditResults, GroupResult, VerdictState};
use crate::spec::Favorable;
use indexmap::IndexMap;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Most groups a trend chart draws (the largest), so each line keeps a colour of its own.
pub const MAX_LINES: usize = 6;

/// Colour-blind-safe line colours (Okabe–Ito without the vermillion of failing verdicts).
pub(super) const LINES: [RGBColor; MAX_LINES] = [
    INK,
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x00, 0x72, 0xB2),
];

/// The groups drawn: the largest of the whole range, with their values.
pub(super) fn lines(set: &AttributeSetResult) -> Vec<&IndexMap<String, String>> {
    let mut groups: Vec<&GroupResult> = set
        .groups
        .iter()
        .filter(|g| g.measures.excluded.is_none())
        .collect();
    groups.sort_by(|a, b| {
        b.measures
            .counts
            .n
            .get()
            .total_cmp(&a.measures.counts.n.get())
    });
    groups.truncate(MAX_LINES);
    groups.sort_by_key(|g| {
        set.groups
            .iter()
            .position(|x| x.measures.values == g.measures.values)
    });
    groups.iter().map(|g| &g.measures.values).collect()
}

/// The set's group with `values` in each period (`None` where it has no rows).
fn history<'a>(
    r: &'a AuditResults,
    set: &AttributeSetResult,
    values: &IndexMap<String, String>,
) -> Vec<Option<&'a GroupResult>> {
    r.periods
        .iter()
        .map(|p| {
            p.attribute_sets
                .iter()
                .find(|s| s.segment.is_none() && s.attributes == set.attributes)?
                .groups
                .iter()
                .find(|g| &g.measures.values == values)
        })
        .collect()
}

/// The name of a group in the key.
pub(super) fn name(values: &IndexMap<String, String>) -> String {
    short(&values.values().cloned().collect::<Vec<_>>().join(", "))
}

/// The rate a trend chart follows: the selection rate, or a numeric outcome's mean.
fn rate_name(r: &AuditResults) -> Metric {
    r.audit.outcome_kind().judged_metric()
}

/// Key of the rate chart: a colour per group, the band and the failing ring.
pub fn rate_key(r: &AuditResults, set: &AttributeSetResult) -> Vec<Key> {
    let mut key: Vec<Key> = lines(set)
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let reference = set.reference.as_ref() == Some(*v);
            Key::Fill(
                LINES[i],
                name(v) + if reference { " (reference)" } else { "" },
            )
        })
        .collect();
    if lines(set).iter().any(|v| banded(&history(r, set, v))) {
        key.push(Key::Outline(format!(
            "band: {:.0}% confidence interval (groups failing in some period)",
            r.audit.confidence * 100.0
        )));
    }
    key.push(Key::Border(
        VERMILLION,
        "verdict fails in that period".into(),
    ));
    key
}

/// Key of the ratio chart: no swatch for the reference group, whose ratio is the parity line.
pub fn ratio_key(r: &AuditResults, set: &AttributeSetResult) -> Vec<Key> {
    let mut key: Vec<Key> = lines(set)
        .iter()
        .enumerate()
        .filter(|(_, v)| set.reference.as_ref() != Some(**v))
        .map(|(i, v)| Key::Fill(LINES[i], name(v)))
        .collect();
    let parity = if r.audit.smd_threshold.is_some() {
        "0"
    } else {
        "1.00"
    };
    key.push(Key::Line(match &set.reference {
        Some(reference) => format!("{parity}: the reference group, {}", name(reference)),
        None => format!("{parity}: parity"),
    }));
    key.push(Key::Border(
        VERMILLION,
        "verdict fails in that period".into(),
    ));
    key.push(match r.audit.smd_threshold {
        Some(t) => Key::Fill(
            FAILING_SIDE,
            match r.audit.favorable {
                Favorable::Positive => format!("below −{t} (the SMD rule)"),
                Favorable::Negative => format!("above +{t} (the SMD rule)"),
            },
        ),
        None => Key::Fill(
            FAILING_SIDE,
            format!(
                "{} {} (four-fifths rule)",
                r.audit.favorable.failing_side(),
                r.audit.favorable.bound_text(r.audit.di_threshold)
            ),
        ),
    });
    key
}

/// Axes over the periods: x the period's index, labelled with the period.
fn axes<'a, DB: DrawingBackend + 'a>(
    root: &'a DrawingArea<DB, Shift>,
    r: &AuditResults,
    title: String,
    y: std::ops::Range<f64>,
    y_desc: &str,
) -> std::result::Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>, String>
{
    let periods = r.periods.len();
    let labels: Vec<String> = r.periods.iter().map(|p| p.period.clone()).collect();
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.5..periods as f64 - 0.5, y)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .x_labels(periods.min(13))
        .x_label_formatter(&|v| {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .x_label_style(("sans-serif", 13))
        .y_label_formatter(&|v| {
            if v.abs() < 1e-9 {
                "0".to_string()
            } else {
                format!("{v:.2}")
            }
        })
        .y_desc(y_desc)
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(chart)
}

/// The width of a group's line, in pixels.
pub(super) const LINE_WIDTH: f64 = 2.5;

/// A line through `points` of `width` pixels, each segment a filled quadrilateral, so that steep
/// and flat segments are equally thick (a bitmap's wide strokes thin out on steep segments).
pub(super) fn thick_line<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    points: &[(f64, f64)],
    colour: RGBColor,
    width: f64,
) -> Plot {
    let (px, py) = chart.plotting_area().get_pixel_range();
    let (xs, ys) = (chart.x_range(), chart.y_range());
    // Data units per pixel on each axis.
    let sx = (xs.end - xs.start) / f64::from((px.end - px.start).max(1));
    let sy = (ys.end - ys.start) / f64::from((py.end - py.start).max(1));
    let quads: Vec<Polygon<(f64, f64)>> = points
        .windows(2)
        .filter_map(|w| {
            let (dx, dy) = ((w[1].0 - w[0].0) / sx, (w[1].1 - w[0].1) / sy);
            let length = (dx * dx + dy * dy).sqrt();
            (length > 0.0).then(|| {
                let (ox, oy) = (
                    -dy / length * width / 2.0 * sx,
                    dx / length * width / 2.0 * sy,
                );
                Polygon::new(
                    vec![
                        (w[0].0 + ox, w[0].1 + oy),
                        (w[1].0 + ox, w[1].1 + oy),
                        (w[1].0 - ox, w[1].1 - oy),
                        (w[0].0 - ox, w[0].1 - oy),
                    ],
                    colour.filled(),
                )
            })
        })
        .collect();
    chart.draw_series(quads).map_err(|e| e.to_string())?;
    Ok(())
}

/// Draws each group's value per period as a line broken where it is undefined, with a ring on
/// the periods where `failing`.
fn draw_lines<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    series: &[Vec<Option<(f64, bool)>>],
) -> Plot {
    for (i, points) in series.iter().enumerate() {
        let colour = LINES[i];
        let mut run: Vec<(f64, f64)> = Vec::new();
        let mut runs = Vec::new();
        for (x, p) in points.iter().enumerate() {
            match p {
                Some((y, _)) => run.push((x as f64, *y)),
                None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
                None => {}
            }
        }
        runs.push(run);
        for run in runs.into_iter().filter(|r| !r.is_empty()) {
            thick_line(chart, &run, colour, LINE_WIDTH)?;
        }
        chart
            .draw_series(points.iter().enumerate().filter_map(|(x, p)| {
                p.map(|(y, _)| Circle::new((x as f64, y), 4, colour.filled()))
            }))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(points.iter().enumerate().filter_map(|(x, p)| match p {
                Some((y, true)) => Some(Circle::new((x as f64, *y), 9, VERMILLION.stroke_width(3))),
                _ => None,
            }))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Whether a group's rate is drawn with its interval band: when its verdict fails in some period
/// (bands of every group would overlap beyond reading).
fn banded(history: &[Option<&GroupResult>]) -> bool {
    history
        .iter()
        .flatten()
        .any(|g| g.state() == VerdictState::Fail)
}

/// Each group's rate per period with its interval band where it fails in some period.
pub fn rate_chart<DB: DrawingBackend>(
    r: &AuditResults,
    set: &AttributeSetResult,
    name: &str,
    root: &DrawingArea<DB, Shift>,
) -> Plot {
    let rate = rate_name(r);
    let groups = lines(set);
    let histories: Vec<Vec<Option<&GroupResult>>> =
        groups.iter().map(|v| history(r, set, v)).collect();
    let values: Vec<f64> = histories
        .iter()
        .flatten()
        .flatten()
        .flat_map(|g| g.measures.interval(rate).into_iter().flatten())
        .collect();
    let hi = values.iter().copied().fold(0.0, f64::max) * 1.05;
    let lo = if rate.is_share() {
        0.0
    } else {
        values.iter().copied().fold(f64::INFINITY, f64::min).min(hi) * 0.95
    };
    let desc = rate.words().to_string();
    let title = format!("{} per period by {name}", capitalized(&desc));
    let mut chart = axes(root, r, title, lo..hi.max(lo + 1e-9), &desc)?;
    for (i, h) in histories.iter().enumerate().filter(|(_, h)| banded(h)) {
        let band: Vec<(f64, [f64; 2])> = h
            .iter()
            .enumerate()
            .filter_map(|(x, g)| Some((x as f64, g.and_then(|g| g.measures.interval(rate))?)))
            .collect();
        for pair in band.windows(2).filter(|w| w[1].0 - w[0].0 == 1.0) {
            let polygon = vec![
                (pair[0].0, pair[0].1[0]),
                (pair[1].0, pair[1].1[0]),
                (pair[1].0, pair[1].1[1]),
                (pair[0].0, pair[0].1[1]),
            ];
            chart
                .draw_series([Polygon::new(polygon, LINES[i].mix(0.15).filled())])
                .map_err(|e| e.to_string())?;
        }
    }
    let series: Vec<Vec<Option<(f64, bool)>>> = histories
        .iter()
        .map(|h| {
            h.iter()
                .map(|g| {
                    let g = (*g)?;
                    Some((g.measures.rate(rate)?, g.state() == VerdictState::Fail))
                })
                .collect()
        })
        .collect();
    draw_lines(&mut chart, &series)
}

/// Each group's ratio to the reference per period (a numeric outcome: its standardized mean
/// difference), with the rule's failing side shaded.
pub fn ratio_chart<DB: DrawingBackend>(
    r: &AuditResults,
    set: &AttributeSetResult,
    name: &str,
    root: &DrawingArea<DB, Shift>,
) -> Plot {
    let (measure, threshold) = match r.audit.smd_threshold {
        Some(t) => (Versus::StandardizedMeanDifference, t),
        None => (Versus::DisparateImpactRatio, r.audit.di_threshold),
    };
    let groups = lines(set);
    let series: Vec<Vec<Option<(f64, bool)>>> = groups
        .iter()
        .map(|v| {
            history(r, set, v)
                .into_iter()
                .map(|g| {
                    let g = g.filter(|g| !g.measures.is_reference)?;
                    Some((g.measures.vs(measure)?, g.state() == VerdictState::Fail))
                })
                .collect()
        })
        .collect();
    let values: Vec<f64> = series.iter().flatten().flatten().map(|(v, _)| *v).collect();
    let (lo, hi, failing, title, desc) = if r.audit.smd_threshold.is_some() {
        let top = values
            .iter()
            .fold(threshold * 1.5, |m, v| m.max(v.abs() * 1.1));
        (
            -top,
            top,
            match r.audit.favorable {
                Favorable::Positive => (-top, -threshold),
                Favorable::Negative => (threshold, top),
            },
            format!("Standardized mean difference per period by {name}"),
            "(group mean − reference mean) ÷ pooled SD",
        )
    } else {
        let top = values
            .iter()
            .fold(1.5f64.max(1.1 / threshold), |m, v| m.max(v * 1.1));
        let failing = match r.audit.favorable {
            Favorable::Positive => (0.0, threshold),
            Favorable::Negative => (1.0 / threshold, top),
        };
        (
            0.0,
            top,
            failing,
            format!("Disparate impact ratio per period by {name}"),
            "group's selection rate ÷ reference's",
        )
    };
    let mut chart = axes(root, r, title, lo..hi, desc)?;
    let periods = r.periods.len() as f64;
    chart
        .draw_series([Rectangle::new(
            [(-0.5, failing.0), (periods - 0.5, failing.1)],
            FAILING_SIDE.filled(),
        )])
        .map_err(|e| e.to_string())?;
    let parity = if r.audit.smd_threshold.is_some() {
        0.0
    } else {
        1.0
    };
    chart
        .draw_series([PathElement::new(
            [(-0.5, parity), (periods - 0.5, parity)],
            INK.stroke_width(1),
        )])
        .map_err(|e| e.to_string())?;
    draw_lines(&mut chart, &series)
}
