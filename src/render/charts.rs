//! Charts (plotters, SVG): the selection rate of every group of an attribute set, coloured by
//! verdict, with the four-fifths line drawn from the reference's rate.

use super::text::{file_safe, group_label, set_label};
use super::{OutputFile, Renderer, RunContext};
use crate::error::{AuditError, Result};
use crate::results::{AttributeSetResult, AuditResults, VerdictState};
use crate::spec::Favorable;
use plotters::prelude::*;

/// Renders one SVG chart per attribute set under `charts/`.
pub struct Charts;

impl Renderer for Charts {
    fn render(&self, results: &AuditResults, _ctx: &RunContext) -> Result<Vec<OutputFile>> {
        results
            .attribute_sets
            .iter()
            .enumerate()
            .map(|(i, set)| {
                Ok(OutputFile {
                    name: chart_file(i, set),
                    bytes: selection_chart(results, set)?.into_bytes(),
                })
            })
            .collect()
    }
}

/// The chart's path inside the output directory; built only from sanitised attribute names.
pub fn chart_file(index: usize, set: &AttributeSetResult) -> String {
    format!("charts/selection_rate_{}_{}.svg", index + 1, file_safe(&set.attributes.join("_x_")))
}

// Okabe–Ito colour-blind-safe palette.
const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);
const LIGHT_GREY: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
const BLACK_LINE: RGBColor = RGBColor(0x33, 0x33, 0x33);

/// The rate a group must not fall below (favourable) or rise above (adverse) to pass.
fn threshold_line(results: &AuditResults, set: &AttributeSetResult) -> Option<f64> {
    let reference = match &set.reference {
        Some(_) => set.groups.iter().find(|g| g.measures.is_reference)?.measures.rate("selection_rate")?,
        None => {
            let included = set.groups.iter().filter(|g| g.measures.excluded.is_none());
            let (pp, n) = included.fold((0.0, 0.0), |(pp, n), g| (pp + g.measures.count("pp"), n + g.measures.count("n")));
            crate::metrics::ratio_of_counts(pp, n)?
        }
    };
    let t = results.audit.di_threshold;
    Some(match results.audit.favorable {
        Favorable::Positive => reference * t,
        Favorable::Negative => reference / t,
    })
}

fn selection_chart(results: &AuditResults, set: &AttributeSetResult) -> Result<String> {
    let chart_err = |e: &dyn std::fmt::Display| AuditError::output(std::path::Path::new("charts"), e);
    let k = set.groups.len();
    let line = threshold_line(results, set);
    let top = set
        .groups
        .iter()
        .filter_map(|g| g.measures.rate("selection_rate"))
        .chain(line)
        .fold(0.0f64, f64::max);
    let x_max = (top * 1.15).clamp(0.05, 1.0);
    // Groups run top to bottom in the report's order; plotters counts segments from the bottom.
    let row = |i: usize| k - 1 - i;
    let labels: Vec<String> = set
        .groups
        .iter()
        .map(|g| {
            let reference = match g.verdict.four_fifths {
                _ if g.measures.is_reference => "reference, ",
                VerdictState::Excluded => "excluded, ",
                _ => "",
            };
            format!("{} ({reference}n={})", group_label(&g.measures), g.measures.count("n").round())
        })
        .collect();
    let label_width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u32 * 7 + 20;
    let height = 34 * k as u32 + 150;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (label_width + 620, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| chart_err(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("Selection rate by {}", set_label(set)), ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(label_width)
            .build_cartesian_2d(0.0..x_max, (0..k - 1).into_segmented())
            .map_err(|e| chart_err(&e))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(k)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels.get(k - 1 - *i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .x_desc(format!(
                "selection rate (% of the group with a positive decision), with its {:.0}% interval; orange: fails, grey: inconclusive",
                results.audit.confidence * 100.0
            ))
            .x_label_formatter(&|v| format!("{:.0}%", v * 100.0))
            .draw()
            .map_err(|e| chart_err(&e))?;
        chart
            .draw_series(set.groups.iter().enumerate().map(|(i, g)| {
                let colour = match g.verdict.four_fifths {
                    VerdictState::Pass => BLUE,
                    VerdictState::Fail => VERMILLION,
                    VerdictState::Inconclusive => GREY,
                    VerdictState::Excluded => LIGHT_GREY,
                };
                let rate = g.measures.rate("selection_rate").unwrap_or(0.0);
                let mut bar = Rectangle::new(
                    [(0.0, SegmentValue::Exact(row(i))), (rate, SegmentValue::Exact(row(i) + 1))],
                    colour.filled(),
                );
                bar.set_margin(6, 6, 0, 0);
                bar
            }))
            .map_err(|e| chart_err(&e))?;
        chart
            .draw_series(set.groups.iter().enumerate().filter_map(|(i, g)| {
                let [lo, hi] = g.measures.interval("selection_rate")?;
                let y = SegmentValue::CenterOf(row(i));
                Some(PathElement::new([(lo, y.clone()), (hi, y)], BLACK_LINE.stroke_width(2)))
            }))
            .map_err(|e| chart_err(&e))?;
        if let Some(x) = line {
            let label = match results.audit.favorable {
                Favorable::Positive => format!("four-fifths line: {} × reference rate", results.audit.di_threshold),
                Favorable::Negative => format!("four-fifths line: reference rate / {}", results.audit.di_threshold),
            };
            chart
                .draw_series(LineSeries::new(
                    [(x, SegmentValue::Exact(0)), (x, SegmentValue::Last)],
                    BLACK_LINE.stroke_width(2),
                ))
                .map_err(|e| chart_err(&e))?
                .label(label)
                .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLACK_LINE.stroke_width(2)));
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .position(SeriesLabelPosition::LowerRight)
                .draw()
                .map_err(|e| chart_err(&e))?;
        }
        root.present().map_err(|e| chart_err(&e))?;
    }
    Ok(svg)
}
