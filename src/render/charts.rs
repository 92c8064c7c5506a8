//! Charts (plotters), each as SVG and as PNG drawn with the bundled DejaVu Sans font, so no
//! system font is needed: selection rates with their intervals and the four-fifths line; ratios
//! to the reference on a log scale with the 0.8–1.25 band; true and false positive rates; and a
//! heatmap of the selection rate for intersections of two attributes. Colour-blind-safe
//! (Okabe–Ito) colours, titles, axis labels with units, and n per group.

use super::text::{file_safe, group_label, set_label};
use super::{OutputFile, Renderer, RunContext};
use crate::error::{AuditError, Result};
use crate::results::{AttributeSetResult, AuditResults, Count, GroupResult, VerdictState};
use crate::spec::Favorable;
use crate::value::visible;
use plotters::coord::ranged1d::{SegmentedCoord, ValueFormatter};
use plotters::coord::types::{RangedCoordf64, RangedCoordusize};
use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;

/// Renders every chart of every attribute set under `charts/`.
pub struct Charts;

/// The kinds of chart.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Selection,
    Ratio,
    ErrorRates,
    Heatmap,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Selection => "selection_rate",
            Kind::Ratio => "ratio",
            Kind::ErrorRates => "error_rates",
            Kind::Heatmap => "heatmap",
        }
    }
}

/// Draws one chart on any backend.
fn draw<DB: DrawingBackend>(
    kind: Kind,
    r: &AuditResults,
    set: &Shown,
    root: &DrawingArea<DB, Shift>,
) -> Plot {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (name, set) = (set.name.as_str(), &set.set);
    match kind {
        Kind::Selection => selection_chart(r, set, name, root),
        Kind::Ratio => ratio_chart(r, set, name, root),
        Kind::ErrorRates => error_rate_chart(r, set, name, root),
        Kind::Heatmap => heatmap_chart(r, set, name, root),
    }
}

/// Most groups a chart draws; above it, the largest are drawn and the title says so.
const MAX_CHART_GROUPS: usize = 60;

/// Most characters of a name in a chart (the tables keep the whole name).
const MAX_LABEL_CHARS: usize = 60;

/// A name for a chart: hidden characters visible, cut to [`MAX_LABEL_CHARS`].
fn short(s: &str) -> String {
    let s = visible(s);
    if s.chars().count() <= MAX_LABEL_CHARS {
        return s.into_owned();
    }
    let mut cut: String = s.chars().take(MAX_LABEL_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// The groups a chart shows and the name of the set in its titles.
struct Shown {
    /// The set with at most [`MAX_CHART_GROUPS`] groups: the largest, in the report's order.
    set: AttributeSetResult,
    /// `race × sex`, and `(the 60 largest of 900 groups)` when groups were left out.
    name: String,
}

impl Shown {
    fn of(set: &AttributeSetResult) -> Shown {
        let mut shown = set.clone();
        let mut name = short(&set_label(set));
        if set.groups.len() > MAX_CHART_GROUPS {
            let mut by_size: Vec<usize> = (0..set.groups.len()).collect();
            by_size.sort_by(|&a, &b| {
                let n = |i: usize| set.groups[i].measures.counts.n.get();
                n(b).total_cmp(&n(a)).then(a.cmp(&b))
            });
            let mut keep = by_size[..MAX_CHART_GROUPS].to_vec();
            keep.sort();
            shown.groups = keep.into_iter().map(|i| set.groups[i].clone()).collect();
            name = format!(
                "{name} (the {MAX_CHART_GROUPS} largest of {} groups)",
                set.groups.len()
            );
        }
        Shown { set: shown, name }
    }
}

/// What drawing returns; plotters' errors become text.
type Plot = std::result::Result<(), String>;

impl Renderer for Charts {
    fn render(&self, results: &AuditResults, _ctx: &RunContext) -> Result<Vec<OutputFile>> {
        register_font();
        let shown: Vec<Shown> = results.attribute_sets.iter().map(Shown::of).collect();
        let jobs: Vec<(usize, Kind, (u32, u32))> = shown
            .iter()
            .enumerate()
            .flat_map(|(i, s)| {
                charts_of(results, &s.set)
                    .into_iter()
                    .map(move |(kind, dims)| (i, kind, dims))
            })
            .collect();
        // Every chart is drawn on its own thread; the files keep the report's order.
        let drawn: Vec<Result<[OutputFile; 2]>> = jobs
            .par_iter()
            .map(|&(i, kind, dims)| {
                let stem = chart_stem(kind.name(), i, &results.attribute_sets[i]);
                Ok([
                    OutputFile {
                        name: format!("{stem}.svg"),
                        bytes: svg(results, &shown[i], kind, dims)?,
                    },
                    OutputFile {
                        name: format!("{stem}.png"),
                        bytes: png(results, &shown[i], kind, dims)?,
                    },
                ])
            })
            .collect();
        let mut files = Vec::with_capacity(2 * drawn.len());
        for pair in drawn {
            files.extend(pair?);
        }
        Ok(files)
    }
}

/// `charts/<kind>_<n>_<attributes>` with attribute names sanitised (no path traversal).
fn chart_stem(kind: &str, index: usize, set: &AttributeSetResult) -> String {
    format!(
        "charts/{kind}_{}_{}",
        index + 1,
        file_safe(&set.attributes.join("_x_"))
    )
}

/// The selection-rate chart's path inside the output directory (the report embeds it).
pub fn chart_file(index: usize, set: &AttributeSetResult) -> String {
    format!("{}.svg", chart_stem("selection_rate", index, set))
}

/// The charts of an attribute set with their sizes.
fn charts_of(results: &AuditResults, set: &AttributeSetResult) -> Vec<(Kind, (u32, u32))> {
    let mut charts = vec![
        (Kind::Selection, size(set, 34)),
        (Kind::Ratio, size(set, 30)),
    ];
    if results.audit.label.is_some() {
        charts.push((Kind::ErrorRates, size(set, 44)));
    }
    if set.attributes.len() == 2 {
        charts.push((Kind::Heatmap, (960, 600)));
    }
    charts
}

/// Every chart of the set after the selection-rate chart, as (title, path) for the report.
pub fn more_charts(
    results: &AuditResults,
    index: usize,
    set: &AttributeSetResult,
) -> Vec<(&'static str, String)> {
    charts_of(results, set)
        .into_iter()
        .skip(1)
        .map(|(kind, _)| {
            let title = match kind {
                Kind::Selection => "Selection rate per group",
                Kind::Ratio => "Ratio to the reference (log scale)",
                Kind::ErrorRates => "True and false positive rates",
                Kind::Heatmap => "Selection rate by intersection",
            };
            (
                title,
                format!("{}.svg", chart_stem(kind.name(), index, set)),
            )
        })
        .collect()
}

static FONT: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");

fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The bundled font is valid; a failure would only leave plotters without text.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

fn size(set: &AttributeSetResult, per_group: u32) -> (u32, u32) {
    let longest = set
        .groups
        .iter()
        .map(|g| label(g).chars().count())
        .max()
        .unwrap_or(0) as u32;
    (longest * 7 + 660, per_group * set.groups.len() as u32 + 160)
}

fn chart_error(e: String) -> AuditError {
    AuditError::render("charts", e)
}

fn svg(results: &AuditResults, set: &Shown, kind: Kind, dims: (u32, u32)) -> Result<Vec<u8>> {
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, dims).into_drawing_area();
        draw(kind, results, set, &root).map_err(chart_error)?;
        root.present().map_err(|e| chart_error(e.to_string()))?;
    }
    Ok(text.into_bytes())
}

fn png(results: &AuditResults, set: &Shown, kind: Kind, dims: (u32, u32)) -> Result<Vec<u8>> {
    let mut pixels = vec![255u8; (dims.0 * dims.1 * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, dims).into_drawing_area();
        draw(kind, results, set, &root).map_err(chart_error)?;
        root.present().map_err(|e| chart_error(e.to_string()))?;
    }
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, dims.0, dims.1);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Default);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    let err = |e: png::EncodingError| AuditError::render("charts", e);
    let mut writer = encoder.write_header().map_err(err)?;
    writer.write_image_data(&pixels).map_err(err)?;
    writer.finish().map_err(err)?;
    Ok(bytes)
}

// Okabe–Ito colour-blind-safe palette.
const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);
const LIGHT_GREY: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
const BAND: RGBColor = RGBColor(0xE8, 0xF1, 0xF8);
const INK: RGBColor = RGBColor(0x33, 0x33, 0x33);

fn label(g: &GroupResult) -> String {
    let reference = match g.state() {
        _ if g.measures.is_reference => "reference, ",
        VerdictState::Excluded => "excluded, ",
        _ => "",
    };
    format!(
        "{} ({reference}n{})",
        short(&group_label(&g.measures)),
        n_text(g)
    )
}

/// `=81` or, for a group too small to show, ` not shown`.
fn n_text(g: &GroupResult) -> String {
    match g.measures.counts.n {
        Count::Value(n) => format!("={}", n.round()),
        Count::Suppressed => " not shown".to_string(),
    }
}

fn verdict_colour(v: VerdictState) -> RGBColor {
    match v {
        VerdictState::Pass => BLUE,
        VerdictState::Fail => VERMILLION,
        VerdictState::Inconclusive => GREY,
        VerdictState::Excluded => LIGHT_GREY,
    }
}

/// The rate a group must not fall below (favourable) or rise above (adverse) to pass.
fn threshold_line(results: &AuditResults, set: &AttributeSetResult) -> Option<f64> {
    let a = &results.audit;
    Some(a.favorable.bound_rate(set.reference_rate?, a.di_threshold))
}

/// Groups run top to bottom in the report's order; plotters counts segments from the bottom.
fn row(set: &AttributeSetResult, i: usize) -> usize {
    set.groups.len() - 1 - i
}

fn selection_chart<DB: DrawingBackend>(
    results: &AuditResults,
    set: &AttributeSetResult,
    name: &str,
    root: &DrawingArea<DB, Shift>,
) -> Plot {
    let line = threshold_line(results, set);
    let top = set
        .groups
        .iter()
        .filter_map(|g| g.measures.interval("selection_rate").map(|ci| ci[1]))
        .chain(line)
        .fold(0.0f64, f64::max);
    let mut chart = groups_chart(
        root,
        format!("Selection rate by {name}"),
        RangedCoordf64::from(0.0..(top * 1.1).clamp(0.05, 1.0)),
        set,
        format!(
            "selection rate (% of the group with a positive decision), with its {:.0}% interval; orange: fails, grey: inconclusive",
            results.audit.confidence * 100.0
        ),
        &|v| format!("{:.0}%", v * 100.0),
    )?;
    chart
        .draw_series(set.groups.iter().enumerate().map(|(i, g)| {
            let rate = g.measures.rate("selection_rate").unwrap_or(0.0);
            let mut bar = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(row(set, i))),
                    (rate, SegmentValue::Exact(row(set, i) + 1)),
                ],
                verdict_colour(g.state()).filled(),
            );
            bar.set_margin(6, 6, 0, 0);
            bar
        }))
        .map_err(|e| e.to_string())?;
    whiskers(&mut chart, set, |g| g.measures.interval("selection_rate"))?;
    if let Some(x) = line {
        let text = format!(
            "four-fifths line: {}",
            results
                .audit
                .favorable
                .bound_rate_text(results.audit.di_threshold)
        );
        chart
            .draw_series(LineSeries::new(
                [(x, SegmentValue::Exact(0)), (x, SegmentValue::Last)],
                INK.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label(text)
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], INK.stroke_width(2)));
        legend(&mut chart)?;
    }
    Ok(())
}

/// Axes shared by the per-group charts: one row per group (top to bottom, labelled with n) and
/// a rate or ratio along x.
fn groups_chart<'a, DB: DrawingBackend + 'a, X>(
    root: &'a DrawingArea<DB, Shift>,
    title: String,
    x: X,
    set: &AttributeSetResult,
    x_desc: String,
    x_format: &dyn Fn(&f64) -> String,
) -> std::result::Result<
    ChartContext<'a, DB, Cartesian2d<X, SegmentedCoord<RangedCoordusize>>>,
    String,
>
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
        .build_cartesian_2d(x, (0..k - 1).into_segmented())
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(k)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => labels.get(k - 1 - *i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .x_desc(x_desc)
        .x_label_formatter(x_format)
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(chart)
}

/// Interval whiskers at the centre of each group's row.
fn whiskers<DB: DrawingBackend, X: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, SegmentedCoord<RangedCoordusize>>>,
    set: &AttributeSetResult,
    ci: impl Fn(&GroupResult) -> Option<[f64; 2]>,
) -> Plot {
    chart
        .draw_series(set.groups.iter().enumerate().filter_map(|(i, g)| {
            let [lo, hi] = ci(g)?;
            let y = SegmentValue::CenterOf(row(set, i));
            Some(PathElement::new(
                [(lo, y.clone()), (hi, y)],
                INK.stroke_width(2),
            ))
        }))
        .map_err(|e| e.to_string())?;
    Ok(())
}

fn legend<'a, DB: DrawingBackend + 'a, X: Ranged, Y: Ranged>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
) -> Plot {
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .draw()
        .map_err(|e| e.to_string())
}

fn ratio_chart<DB: DrawingBackend>(
    results: &AuditResults,
    set: &AttributeSetResult,
    name: &str,
    root: &DrawingArea<DB, Shift>,
) -> Plot {
    let t = results.audit.di_threshold;
    let ci = |g: &GroupResult| g.measures.vs_interval("disparate_impact_ratio");
    let values: Vec<f64> = set
        .groups
        .iter()
        .flat_map(|g| {
            g.measures
                .vs("disparate_impact_ratio")
                .into_iter()
                .chain(ci(g).into_iter().flatten())
        })
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
        format!(
            "selection rate of the group / of the reference, with its {:.0}% interval; shaded: {t} to {:.2} (four-fifths rule)",
            results.audit.confidence * 100.0,
            1.0 / t
        ),
        &|v| format!("{v:.2}"),
    )?;
    chart
        .draw_series([Rectangle::new(
            [(t, SegmentValue::Exact(0)), (1.0 / t, SegmentValue::Last)],
            BAND.filled(),
        )])
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(LineSeries::new(
            [(1.0, SegmentValue::Exact(0)), (1.0, SegmentValue::Last)],
            INK.stroke_width(1),
        ))
        .map_err(|e| e.to_string())?;
    whiskers(&mut chart, set, ci)?;
    chart
        .draw_series(set.groups.iter().enumerate().filter_map(|(i, g)| {
            let di = g
                .measures
                .vs("disparate_impact_ratio")
                .filter(|v| *v > 0.0)?;
            Some(Circle::new(
                (di, SegmentValue::CenterOf(row(set, i))),
                6,
                verdict_colour(g.state()).filled(),
            ))
        }))
        .map_err(|e| e.to_string())?;
    Ok(())
}

fn error_rate_chart<DB: DrawingBackend>(
    results: &AuditResults,
    set: &AttributeSetResult,
    name: &str,
    root: &DrawingArea<DB, Shift>,
) -> Plot {
    let mut chart = groups_chart(
        root,
        format!("True and false positive rates by {name}"),
        RangedCoordf64::from(0.0..1.0),
        set,
        format!(
            "rate (%): tpr = share of the true positives with a positive decision; fpr = the same among the true negatives{}",
            if results.audit.favorable == Favorable::Negative { " (wrongly flagged)" } else { "" }
        ),
        &|v| format!("{:.0}%", v * 100.0),
    )?;
    for (metric, colour, top) in [("tpr", BLUE, true), ("fpr", ORANGE, false)] {
        chart
            .draw_series(set.groups.iter().enumerate().filter_map(|(i, g)| {
                let rate = g.measures.rate(metric)?;
                let mut bar = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(row(set, i))),
                        (rate, SegmentValue::Exact(row(set, i) + 1)),
                    ],
                    colour.filled(),
                );
                if top {
                    bar.set_margin(4, 22, 0, 0);
                } else {
                    bar.set_margin(22, 4, 0, 0);
                }
                Some(bar)
            }))
            .map_err(|e| e.to_string())?
            .label(metric)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 15, y + 5)], colour.filled()));
    }
    legend(&mut chart)
}

fn heatmap_chart<DB: DrawingBackend>(
    _results: &AuditResults,
    set: &AttributeSetResult,
    name: &str,
    root: &DrawingArea<DB, Shift>,
) -> Plot {
    let distinct = |a: &str| {
        let mut v: Vec<String> = Vec::new();
        for g in &set.groups {
            if let Some(x) = g.measures.values.get(a) {
                if !v.contains(x) {
                    v.push(x.clone());
                }
            }
        }
        v
    };
    let (xs, ys) = (distinct(&set.attributes[0]), distinct(&set.attributes[1]));
    let mut chart = ChartBuilder::on(root)
        .caption(format!("Selection rate by {name}"), ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(60)
        .y_label_area_size(
            ys.iter()
                .map(|l| short(l).chars().count())
                .max()
                .unwrap_or(0) as u32
                * 7
                + 20,
        )
        .build_cartesian_2d(
            (0..xs.len() - 1).into_segmented(),
            (0..ys.len() - 1).into_segmented(),
        )
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(xs.len())
        .y_labels(ys.len())
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => xs.get(*i).map_or(String::new(), |v| short(v)),
            _ => String::new(),
        })
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => ys.get(*i).map_or(String::new(), |v| short(v)),
            _ => String::new(),
        })
        .x_desc(format!(
            "{} (cells: selection rate and n; darker is higher; grey: excluded; blank: no one)",
            short(&set.attributes[0])
        ))
        .y_desc(short(&set.attributes[1]))
        .draw()
        .map_err(|e| e.to_string())?;
    let rates = set
        .groups
        .iter()
        .filter(|g| g.measures.excluded.is_none())
        .filter_map(|g| g.measures.rate("selection_rate"));
    let (min, max) = rates.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
        (lo.min(r), hi.max(r))
    });
    // Shade from light (lowest rate) to full blue (highest); a single rate gets full blue.
    let depth = |rate: f64| {
        if max > min {
            0.15 + 0.85 * (rate - min) / (max - min)
        } else {
            1.0
        }
    };
    for g in &set.groups {
        let (Some(x), Some(y)) = (
            xs.iter()
                .position(|v| Some(v) == g.measures.values.get(&set.attributes[0])),
            ys.iter()
                .position(|v| Some(v) == g.measures.values.get(&set.attributes[1])),
        ) else {
            continue;
        };
        let rate = g.measures.rate("selection_rate").unwrap_or(0.0);
        let shade =
            |c: u8| (255.0 - (255.0 - c as f64) * depth(rate).clamp(0.0, 1.0)).round() as u8;
        let fill = if g.measures.excluded.is_some() {
            LIGHT_GREY
        } else {
            RGBColor(shade(0x00), shade(0x72), shade(0xB2))
        };
        chart
            .draw_series([Rectangle::new(
                [
                    (SegmentValue::Exact(x), SegmentValue::Exact(y)),
                    (SegmentValue::Exact(x + 1), SegmentValue::Exact(y + 1)),
                ],
                fill.filled(),
            )])
            .map_err(|e| e.to_string())?;
        let ink = if depth(rate) > 0.6 && g.measures.excluded.is_none() {
            WHITE
        } else {
            BLACK
        };
        chart
            .draw_series([Text::new(
                match g.measures.rate("selection_rate") {
                    Some(rate) => format!("{:.1}% (n{})", rate * 100.0, n_text(g)),
                    None => format!("n/a (n{})", n_text(g)),
                },
                (SegmentValue::CenterOf(x), SegmentValue::CenterOf(y)),
                ("sans-serif", 13).into_font().color(&ink).pos(
                    plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Center,
                        plotters::style::text_anchor::VPos::Center,
                    ),
                ),
            )])
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}
