//! Charts (plotters), each as SVG and as PNG drawn with the bundled DejaVu Sans font, so no
//! system font is needed: selection rates with their intervals and the four-fifths line; ratios
//! to the reference on a log scale with the failing side shaded; the judged error rate with its
//! interval beside the other one; and a heatmap of the selection rate for intersections of two
//! attributes, on a fixed colour scale. Every chart has a title, axes with units, n per group and
//! a key below the plot (so it covers no data). One colour meaning throughout, colour-blind safe
//! (Okabe–Ito): blue passes, vermillion fails, grey is inconclusive, light grey left out.

mod bitmap;
mod groups;
mod heatmap;
mod key;
mod remedies;
mod score;
mod trend;

use super::kinds::{self, Chart as Kind};
use super::text::{file_safe, group_label, thousands};
use super::words::Words;
use super::{OutputFile, Renderer, RunContext};
use crate::error::{AuditError, Result};
use crate::results::{AttributeSetResult, AuditResults, Count, GroupResult, VerdictState};
use crate::value::visible;
use key::Key;
use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;

/// Renders every chart of every attribute set under `charts/`.
pub struct Charts;

impl Kind {
    /// The chart's size for `set` (the plot, without the key below it).
    fn size(self, set: &AttributeSetResult) -> (u32, u32) {
        match self {
            Kind::Distribution | Kind::Selection => size(set, 34),
            Kind::Adjusted => size(set, 40),
            Kind::Ratio => size(set, 30),
            Kind::ErrorRates => size(set, 44),
            Kind::Heatmap => (960, 600),
            Kind::Roc | Kind::Reliability | Kind::ThresholdSweep | Kind::Frontier => (960, 560),
            Kind::TrendRate | Kind::TrendRatio => (960, 520),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Distribution => "distribution",
            Kind::Adjusted => "adjusted_gap",
            Kind::Selection => "selection_rate",
            Kind::Ratio => "ratio",
            Kind::ErrorRates => "error_rates",
            Kind::Heatmap => "heatmap",
            Kind::TrendRate => "trend_rate",
            Kind::TrendRatio => "trend_ratio",
            Kind::Roc => "roc",
            Kind::Reliability => "reliability",
            Kind::ThresholdSweep => "threshold_sweep",
            Kind::Frontier => "remedies",
        }
    }

    /// The chart's key, drawn below it.
    fn key(self, r: &AuditResults, set: &AttributeSetResult) -> Vec<Key> {
        match self {
            Kind::Distribution => groups::distribution_key(r, set),
            Kind::Adjusted => groups::adjusted_key(r, set),
            Kind::Selection => groups::selection_key(r, set),
            Kind::Ratio => groups::ratio_key(r, set),
            Kind::ErrorRates => groups::error_rate_key(r, set),
            Kind::Heatmap => heatmap::key(set),
            Kind::TrendRate => trend::rate_key(r, set),
            Kind::TrendRatio => trend::ratio_key(r, set),
            Kind::Roc => score::roc_key(set),
            Kind::Reliability => score::reliability_key(r, set),
            Kind::ThresholdSweep => score::sweep_key(r, set),
            Kind::Frontier => remedies::key(r),
        }
    }
}

/// Draws one chart on any backend: the key in a strip at the bottom, the plot above it.
fn draw<DB: DrawingBackend>(
    kind: Kind,
    r: &AuditResults,
    shown: &Shown,
    root: &DrawingArea<DB, Shift>,
) -> Plot {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (name, set) = (shown.name.as_str(), &shown.set);
    let (width, height) = root.dim_in_pixel();
    let rows = key::rows(kind.key(r, set), width);
    let (plot, strip) = root.split_vertically(height - key::height(&rows));
    key::draw(&strip, &rows)?;
    match kind {
        Kind::Distribution => groups::distribution_chart(set, (&shown.outcome, name), &plot),
        Kind::Adjusted => groups::adjusted_chart(r, set, (&shown.outcome, name), &plot),
        Kind::Selection => groups::selection_chart(r, set, name, &plot),
        Kind::Ratio => groups::ratio_chart(r, set, name, &plot),
        Kind::ErrorRates => groups::error_rate_chart(r, set, name, &plot),
        Kind::Heatmap => heatmap::chart(set, name, &plot),
        Kind::TrendRate => trend::rate_chart(r, set, name, &plot),
        Kind::TrendRatio => trend::ratio_chart(r, set, name, &plot),
        Kind::Roc => score::roc_chart(set, name, &plot),
        Kind::Reliability => score::reliability_chart(set, (name, &shown.label), &plot),
        Kind::ThresholdSweep => score::sweep_chart(r, set, name, &plot),
        Kind::Frontier => remedies::chart(r, set, name, &plot),
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
    /// A numeric outcome's plain name (`quoted price`).
    outcome: String,
    /// What the label's positive means, for the reliability diagram.
    label: String,
}

impl Shown {
    fn of(set: &AttributeSetResult, words: &Words) -> Shown {
        let mut shown = set.clone();
        let mut name = short(&words.set(set));
        if set.groups.len() > MAX_CHART_GROUPS {
            let mut by_size: Vec<usize> = (0..set.groups.len()).collect();
            by_size.sort_by(|&a, &b| {
                let n = |i: usize| set.groups[i].measures.counts.n.get();
                n(b).total_cmp(&n(a)).then(a.cmp(&b))
            });
            let mut keep = by_size[..MAX_CHART_GROUPS].to_vec();
            keep.sort();
            shown.groups = keep.iter().map(|&i| set.groups[i].clone()).collect();
            // The sweep's rates are aligned with the groups: kept alike.
            if let Some(sweep) = &mut shown.score_audit {
                let pick = |v: &[Option<f64>]| keep.iter().map(|&i| v[i]).collect();
                for row in &mut sweep.thresholds {
                    row.selection_rate = pick(&row.selection_rate);
                    row.tpr = pick(&row.tpr);
                    row.fpr = pick(&row.fpr);
                    row.impact_ratio = pick(&row.impact_ratio);
                }
            }
            name = format!(
                "{name} (the {MAX_CHART_GROUPS} largest of {} groups)",
                set.groups.len()
            );
        }
        Shown {
            set: shown,
            name,
            outcome: words.outcome(),
            label: words.label_positive(),
        }
    }
}

/// What drawing returns; plotters' errors become text.
pub type Plot = std::result::Result<(), String>;

impl Renderer for Charts {
    fn render(&self, results: &AuditResults, ctx: &RunContext) -> Result<Vec<OutputFile>> {
        drawn(results, ctx, |_| true)
    }
}

/// The trend charts alone (`fairaudit history`).
pub fn trend_files(results: &AuditResults, ctx: &RunContext) -> Result<Vec<OutputFile>> {
    drawn(results, ctx, is_trend)
}

/// Every chart of every attribute set whose kind `keep` accepts, as SVG and PNG.
fn drawn(
    results: &AuditResults,
    ctx: &RunContext,
    keep: impl Fn(Kind) -> bool,
) -> Result<Vec<OutputFile>> {
    register_font();
    let words = Words::new(results, ctx);
    let shown: Vec<Shown> = results
        .attribute_sets
        .iter()
        .map(|set| Shown::of(set, &words))
        .collect();
    let jobs: Vec<(usize, Kind, (u32, u32))> = shown
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            charts_of(results, &s.set)
                .into_iter()
                .filter(|(kind, _)| keep(*kind))
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

/// `charts/<kind>_<n>_<attributes>` with attribute names sanitised (no path traversal).
fn chart_stem(kind: &str, index: usize, set: &AttributeSetResult) -> String {
    format!(
        "charts/{kind}_{}_{}",
        index + 1,
        file_safe(&set.attributes.join("_x_"))
    )
}

/// The first chart's path inside the output directory (the report embeds it): the selection
/// rates, or for a numeric outcome the distributions.
pub fn chart_file(results: &AuditResults, index: usize, set: &AttributeSetResult) -> String {
    let kind = charts_of(results, set)[0].0;
    format!("{}.svg", chart_stem(kind.name(), index, set))
}

/// The charts of an attribute set with their sizes (the plot and the key below it).
fn charts_of(results: &AuditResults, set: &AttributeSetResult) -> Vec<(Kind, (u32, u32))> {
    let mut charts = kinds::layout(results).charts(results, set);
    if !results.periods.is_empty() && set.segment.is_none() {
        charts.extend([Kind::TrendRate, Kind::TrendRatio]);
    }
    if results.remedies_of(set).is_some() {
        charts.push(Kind::Frontier);
    }
    if set.score_audit.is_some() {
        charts.push(Kind::ThresholdSweep);
        if results.audit.label.is_some() {
            charts.extend([Kind::Roc, Kind::Reliability]);
        }
    }
    charts
        .into_iter()
        .map(|kind| {
            let (w, h) = kind.size(set);
            let rows = key::rows(kind.key(results, set), w);
            (kind, (w, h + key::height(&rows)))
        })
        .collect()
}

/// Every chart of the set after the selection-rate chart, as (title, path) for the report's
/// findings (the trend charts go in its Trend section).
pub fn more_charts(
    results: &AuditResults,
    index: usize,
    set: &AttributeSetResult,
) -> Vec<(&'static str, String)> {
    titled(results, index, set, |kind| {
        !is_trend(kind) && !is_score(kind) && kind != Kind::Frontier
    })
    .into_iter()
    .skip(1)
    .collect()
}

/// The set's score charts, as (title, path), with a score audit.
pub fn score_charts(
    results: &AuditResults,
    index: usize,
    set: &AttributeSetResult,
) -> Vec<(&'static str, String)> {
    titled(results, index, set, is_score)
}

/// The set's options chart, as (title, path), when remedies were searched for it.
pub fn remedy_charts(
    results: &AuditResults,
    index: usize,
    set: &AttributeSetResult,
) -> Vec<(&'static str, String)> {
    titled(results, index, set, |kind| kind == Kind::Frontier)
}

/// Whether a chart shows the score itself.
fn is_score(kind: Kind) -> bool {
    matches!(kind, Kind::Roc | Kind::Reliability | Kind::ThresholdSweep)
}

/// The set's trend charts, as (title, path), with `--date`.
pub fn trend_charts(
    results: &AuditResults,
    index: usize,
    set: &AttributeSetResult,
) -> Vec<(&'static str, String)> {
    titled(results, index, set, is_trend)
}

/// Whether a chart follows the periods.
fn is_trend(kind: Kind) -> bool {
    matches!(kind, Kind::TrendRate | Kind::TrendRatio)
}

/// The charts of the set that `keep` accepts, with their titles and paths.
fn titled(
    results: &AuditResults,
    index: usize,
    set: &AttributeSetResult,
    keep: fn(Kind) -> bool,
) -> Vec<(&'static str, String)> {
    charts_of(results, set)
        .into_iter()
        .filter(|(kind, _)| keep(*kind))
        .map(|(kind, _)| {
            let title = match kind {
                Kind::Distribution => "Distribution per group",
                Kind::Adjusted => "Gap to the reference, raw and at equal controls",
                Kind::Selection => "Selection rate per group",
                Kind::Ratio => "Ratio to the reference (log scale)",
                Kind::ErrorRates => "Error rates per group",
                Kind::Heatmap => "Selection rate by intersection",
                Kind::TrendRate => "Each group's rate per period",
                Kind::TrendRatio => "Each group against the reference, per period",
                Kind::Roc => "ROC curve per group",
                Kind::Reliability => "Reliability diagram: observed rate at each score",
                Kind::ThresholdSweep => "Impact ratio at every threshold",
                Kind::Frontier => "What each option costs and gains",
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
    (longest * 7 + 660, per_group * set.groups.len() as u32 + 140)
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
        let root = bitmap::Bitmap::new(&mut pixels, dims, FONT).into_drawing_area();
        draw(kind, results, set, &root).map_err(chart_error)?;
        root.present().map_err(|e| chart_error(e.to_string()))?;
    }
    bitmap::encode_png(&pixels, dims).map_err(|e| AuditError::render("charts", e))
}

// Okabe–Ito colour-blind-safe palette, one meaning each.
/// Passes.
const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Fails.
const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// Inconclusive.
const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);
/// Left out (too small to judge).
const LIGHT_GREY: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
/// The side of the four-fifths bound that fails.
const FAILING_SIDE: RGBColor = RGBColor(0xFB, 0xE3, 0xD0);

/// The key of the shaded side of the four-fifths bound: "below 0.80 (four-fifths rule…)", with
/// `rule` said in the brackets.
fn failing_side_key(a: &crate::results::AuditInfo, rule: &str) -> key::Key {
    key::Key::Fill(
        FAILING_SIDE,
        format!(
            "{} {} ({rule})",
            a.favorable.failing_side(),
            a.favorable.bound_text(a.di_threshold)
        ),
    )
}
/// Lines, intervals, outlines and text.
const INK: RGBColor = RGBColor(0x33, 0x33, 0x33);

/// A group's row label: `Caucasian (reference, n=2,454)`.
fn label(g: &GroupResult) -> String {
    let reference = match g.state() {
        _ if g.measures.is_reference => "reference, ",
        VerdictState::Excluded => "left out, ",
        _ => "",
    };
    format!(
        "{} ({reference}n{})",
        short(&group_label(&g.measures)),
        n_text(g)
    )
}

/// `=3,696` or, for a group too small to show, ` not shown`.
fn n_text(g: &GroupResult) -> String {
    match g.measures.counts.n {
        Count::Value(n) => format!("={}", thousands(n.round())),
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

/// The verdicts present among `states`, each once, as filled boxes of the key prefixed by `what`
/// (`false positive rate: `).
fn verdict_keys(states: impl Iterator<Item = VerdictState>, what: &str) -> Vec<Key> {
    let states: Vec<VerdictState> = states.collect();
    [
        (VerdictState::Pass, "passes"),
        (VerdictState::Fail, "fails"),
        (VerdictState::Inconclusive, "inconclusive"),
        (VerdictState::Excluded, "left out (too small)"),
    ]
    .into_iter()
    .filter(|(s, _)| states.contains(s))
    .map(|(s, words)| Key::Fill(verdict_colour(s), format!("{what}{words}")))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svg_of(kind: Kind, r: &AuditResults, set: usize) -> String {
        register_font();
        let ctx = RunContext::default();
        let shown = Shown::of(&r.attribute_sets[set], &Words::new(r, &ctx));
        let dims = charts_of(r, &shown.set)
            .into_iter()
            .find(|(k, _)| k.name() == kind.name())
            .unwrap()
            .1;
        String::from_utf8(svg(r, &shown, kind, dims).unwrap()).unwrap()
    }

    /// The x positions (or y) of every `<text>` holding `needle`.
    fn text_positions(svg: &str, needle: &str) -> Vec<(f64, f64)> {
        svg.split("<text")
            .skip(1)
            .filter(|t| {
                t.split('>')
                    .nth(1)
                    .is_some_and(|body| body.contains(needle))
            })
            .map(|t| {
                let attr = |name: &str| -> f64 {
                    let start = t.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                    t[start..].split('"').next().unwrap().parse().unwrap()
                };
                (attr("x"), attr("y"))
            })
            .collect()
    }

    fn compas() -> AuditResults {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/reports/examples/compas/results.json"
        ))
        .unwrap();
        AuditResults::from_json(&text).unwrap()
    }

    /// The key sits below the plot: every entry's text is lower than every group's row label.
    #[test]
    fn the_key_covers_no_data() {
        let r = compas();
        for kind in [Kind::Selection, Kind::Ratio, Kind::ErrorRates] {
            let svg = svg_of(kind, &r, 0);
            let lowest_row = text_positions(&svg, "(n=")
                .into_iter()
                .chain(text_positions(&svg, "(reference, n="))
                .map(|p| p.1)
                .fold(0.0, f64::max);
            let key = text_positions(&svg, "passes");
            assert!(!key.is_empty(), "{kind:?} has no key");
            assert!(key.iter().all(|p| p.1 > lowest_row + 20.0), "{kind:?}");
        }
    }

    /// A group whose rate is undefined gets no bar (drawing 0% would say no one was selected)
    /// and says "n/a".
    #[test]
    fn an_undefined_rate_is_not_drawn_as_zero() {
        let mut r = compas();
        let set = &mut r.attribute_sets[0];
        set.groups[1]
            .measures
            .rates
            .insert("selection_rate".into(), None);
        set.groups[1]
            .measures
            .ci
            .insert("selection_rate".into(), None);
        let with_rate = svg_of(Kind::Selection, &compas(), 0);
        let without = svg_of(Kind::Selection, &r, 0);
        let bars = |s: &str| s.matches("<rect").count();
        assert_eq!(bars(&without), bars(&with_rate) - 1);
        assert_eq!(text_positions(&without, "n/a").len(), 1);
        assert!(text_positions(&with_rate, "n/a").is_empty());
    }

    /// Only the failing side of the bound is shaded: below 0.8 for a favourable decision,
    /// above 1.25 for an adverse one (COMPAS's high-risk flag).
    #[test]
    fn the_ratio_chart_shades_the_failing_side_only() {
        let mut r = compas();
        let shaded = |r: &AuditResults| {
            let svg = svg_of(Kind::Ratio, r, 0);
            let fill = "fill=\"#FBE3D0\"";
            let num = |rect: &str, name: &str| -> f64 {
                let start = rect.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                rect[start..].split('"').next().unwrap().parse().unwrap()
            };
            // The widest shaded rectangle (the other one is the key's box).
            let (x, w) = svg
                .split("<rect")
                .filter(|t| t.contains(fill))
                .map(|t| (num(t, "x"), num(t, "width")))
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .expect("a shaded side");
            (svg.matches(fill).count(), x, w)
        };
        let (count, adverse_x, _) = shaded(&r);
        r.audit.favorable = crate::spec::Favorable::Positive;
        let (_, favourable_x, favourable_w) = shaded(&r);
        // One shaded rectangle plus the key's box; the adverse side starts right of the
        // favourable one's end.
        assert_eq!(count, 2);
        assert!(adverse_x > favourable_x + favourable_w);
    }
}
