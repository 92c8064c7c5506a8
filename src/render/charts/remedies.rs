//! The options' chart (remedies): each candidate rule's agreement with today's decisions
//! against its lowest impact ratio, the four-fifths rule's failing side shaded, the frontier
//! joined, the current rule and the best option named; blue passes, vermillion fails, as in every chart.

use super::key::Key;
use super::trend::{thick_line, LINE_WIDTH};
use super::{failing_side_key, Plot, BLUE, FAILING_SIDE, INK, VERMILLION};
use crate::results::remedies::Candidate;
use crate::results::{AttributeSetResult, AuditResults};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Key of the options' chart.
pub fn key(r: &AuditResults) -> Vec<Key> {
    vec![
        Key::Fill(BLUE, "passes the four-fifths rule".into()),
        Key::Fill(VERMILLION, "fails it".into()),
        Key::Outline("the current rule, as the models reproduce it".into()),
        Key::Line("the frontier: options no other beats on both axes".into()),
        failing_side_key(&r.audit, "four-fifths rule"),
    ]
}

/// The options of a set.
pub fn chart<DB: DrawingBackend>(
    r: &AuditResults,
    set: &AttributeSetResult,
    name: &str,
    root: &DrawingArea<DB, Shift>,
) -> Plot {
    let Some(remedies) = r.remedies_of(set) else {
        return Ok(());
    };
    let points: Vec<(&Candidate, (f64, f64))> = remedies
        .candidates
        .iter()
        .filter_map(|c| Some((c, (c.agreement, c.worst_ratio?))))
        .collect();
    let (mut x_low, mut x_high, mut y_high) = (1.0f64, 0.0f64, 1.0f64);
    for (_, (x, y)) in &points {
        x_low = x_low.min(*x);
        x_high = x_high.max(*x);
        y_high = y_high.max(*y);
    }
    let (x_low, x_high) = ((x_low - 0.02).max(0.0), (x_high + 0.02).min(1.0));
    let y_high = y_high * 1.05;
    let mut chart = ChartBuilder::on(root)
        .caption(
            format!("What each option costs and gains, by {name}"),
            ("sans-serif", 20),
        )
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d(x_low..x_high, 0.0..y_high)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .x_desc("share of decisions that agree with today's")
        .y_desc(format!(
            "lowest impact ratio (four-fifths: {:.2})",
            r.audit.di_threshold
        ))
        .x_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .y_label_formatter(&|v| format!("{v:.2}"))
        .draw()
        .map_err(|e| e.to_string())?;
    chart
        .draw_series([Rectangle::new(
            [(x_low, 0.0), (x_high, r.audit.di_threshold)],
            FAILING_SIDE.filled(),
        )])
        .map_err(|e| e.to_string())?;
    let mut frontier: Vec<(f64, f64)> = points
        .iter()
        .filter(|(c, _)| c.frontier)
        .map(|(_, p)| *p)
        .collect();
    frontier.sort_by(|a, b| a.0.total_cmp(&b.0));
    thick_line(&mut chart, &frontier, INK, LINE_WIDTH / 2.0)?;
    for (c, p) in &points {
        let colour = if c.passes { BLUE } else { VERMILLION };
        chart
            .draw_series([Circle::new(*p, 7, colour.filled())])
            .map_err(|e| e.to_string())?;
        if c.kind == "current" {
            chart
                .draw_series([Circle::new(*p, 12, INK.stroke_width(2))])
                .map_err(|e| e.to_string())?;
        }
        let named = c.kind == "current" || remedies.best.as_ref() == Some(&c.name);
        if !named {
            continue;
        }
        // Above the point and clear of the current rule's ring; toward the middle of the plot,
        // so that a label near an edge is not cut off.
        let (side, dx) = if p.0 > (x_low + x_high) / 2.0 {
            (HPos::Right, -LABEL_OFFSET)
        } else {
            (HPos::Left, LABEL_OFFSET)
        };
        chart
            .draw_series([EmptyElement::at(*p)
                + Text::new(
                    short_name(c),
                    (dx, -LABEL_OFFSET),
                    ("sans-serif", 13)
                        .into_font()
                        .color(&INK)
                        .pos(Pos::new(side, VPos::Bottom)),
                )])
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Pixels between a named point and its label: past the current rule's ring.
const LABEL_OFFSET: i32 = 12;

/// A point's label: `current rule`, `best: drop postcode_area`.
fn short_name(c: &Candidate) -> String {
    match c.kind.as_str() {
        "current" => "current rule".into(),
        _ => format!("best: {}", c.name),
    }
}
