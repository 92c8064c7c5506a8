//! The heatmap of the selection rate for the intersections of two attributes, on a colour scale
//! from 0 to a round rate above the highest (never stretched to the range, which would make small
//! gaps look large), with failing and inconclusive cells marked by their border and in words.

use super::super::text::pct;
use super::groups::Cells;
use super::key::{shade, Key};
use super::{n_text, short, verdict_colour, Plot, GREY, INK, LIGHT_GREY, VERMILLION};
use crate::metric::Metric;
use crate::results::{AttributeSetResult, Count, GroupResult, VerdictState};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The top of the colour scale: the highest shown rate rounded up to a tenth (at least 10%).
fn top(set: &AttributeSetResult) -> f64 {
    let highest = set
        .groups
        .iter()
        .filter(|g| g.measures.excluded.is_none())
        .filter_map(|g| g.measures.rate(Metric::SelectionRate))
        .fold(0.0f64, f64::max);
    ((highest * 10.0 - 1e-9).ceil() / 10.0).clamp(0.1, 1.0)
}

/// Key of the heatmap.
pub fn key(set: &AttributeSetResult) -> Vec<Key> {
    let mut key = vec![Key::Scale(top(set))];
    let states: Vec<VerdictState> = set.groups.iter().map(GroupResult::state).collect();
    if states.contains(&VerdictState::Fail) {
        key.push(Key::Border(VERMILLION, "fails".to_string()));
    }
    if states.contains(&VerdictState::Inconclusive) {
        key.push(Key::Border(GREY, "inconclusive".to_string()));
    }
    if states.contains(&VerdictState::Excluded) {
        key.push(Key::Fill(LIGHT_GREY, "left out (too small)".to_string()));
    }
    key
}

/// The distinct values of attribute `a`, in the report's order.
fn distinct(set: &AttributeSetResult, a: &str) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for g in &set.groups {
        if let Some(x) = g.measures.values.get(a) {
            if !v.contains(x) {
                v.push(x.clone());
            }
        }
    }
    v
}

/// A cell's two lines: the rate, then n and the verdict when it needs attention.
fn cell_text(g: &GroupResult) -> [String; 2] {
    let rate = pct(g.measures.rate(Metric::SelectionRate));
    let verdict = match g.state() {
        _ if g.measures.is_reference => " · reference",
        VerdictState::Fail => " · fails",
        VerdictState::Inconclusive => " · inconclusive",
        VerdictState::Excluded => " · left out",
        VerdictState::Pass => "",
    };
    match g.measures.counts.n {
        Count::Suppressed => ["not shown:".to_string(), "too few people".to_string()],
        Count::Value(_) => [rate, format!("n{}{verdict}", n_text(g))],
    }
}

pub fn chart<DB: DrawingBackend>(
    set: &AttributeSetResult,
    name: &str,
    root: &DrawingArea<DB, Shift>,
) -> Plot {
    let (xs, ys) = (
        distinct(set, &set.attributes[0]),
        distinct(set, &set.attributes[1]),
    );
    let longest = ys.iter().map(|l| short(l).chars().count()).max();
    let mut chart = ChartBuilder::on(root)
        .caption(format!("Selection rate by {name}"), ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(60)
        .y_label_area_size(longest.unwrap_or(0) as u32 * 7 + 40)
        .build_cartesian_2d(Cells(xs.len()), Cells(ys.len()))
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(xs.len())
        .y_labels(ys.len())
        .x_label_formatter(&|v| {
            xs.get(v.floor() as usize)
                .map_or(String::new(), |v| short(v))
        })
        .y_label_formatter(&|v| {
            ys.get(v.floor() as usize)
                .map_or(String::new(), |v| short(v))
        })
        .x_desc(short(&set.attributes[0]))
        .y_desc(short(&set.attributes[1]))
        .draw()
        .map_err(|e| e.to_string())?;
    let top = top(set);
    let font = |colour: &RGBColor| {
        ("sans-serif", 14)
            .into_font()
            .color(colour)
            .pos(Pos::new(HPos::Center, VPos::Center))
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
        let (x, y) = (x as f64, y as f64);
        let rate = g.measures.rate(Metric::SelectionRate);
        let depth = rate.map_or(0.0, |r| r / top);
        let fill = match (g.measures.excluded.is_some(), rate) {
            (true, _) | (_, None) => LIGHT_GREY,
            (false, Some(_)) => shade(depth),
        };
        chart
            .draw_series([Rectangle::new([(x, y), (x + 1.0, y + 1.0)], fill.filled())])
            .map_err(|e| e.to_string())?;
        let border = match g.state() {
            VerdictState::Fail | VerdictState::Inconclusive => {
                verdict_colour(g.state()).stroke_width(5)
            }
            _ => WHITE.stroke_width(2),
        };
        chart
            .draw_series([Rectangle::new([(x, y), (x + 1.0, y + 1.0)], border)])
            .map_err(|e| e.to_string())?;
        let ink = if fill == LIGHT_GREY || depth < 0.55 {
            INK
        } else {
            WHITE
        };
        let [first, second] = cell_text(g);
        chart
            .draw_series([EmptyElement::at((x + 0.5, y + 0.5))
                + Text::new(first, (0, -10), font(&ink))
                + Text::new(second, (0, 10), font(&ink))])
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}
