//! A chart's key, drawn in a strip below the plot so it never covers data, in rows that wrap to
//! the chart's width.

use super::{Plot, BLUE, INK, LIGHT_GREY};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One entry of a key.
pub enum Key {
    /// A filled box: a verdict's colour, or a shaded region.
    Fill(RGBColor, String),
    /// A box drawn in outline: a rate that is not judged.
    Outline(String),
    /// A box with a thick border of a colour: a heatmap cell's verdict.
    Border(RGBColor, String),
    /// A line: a threshold or parity.
    Line(String),
    /// A short line with end ticks: an interval.
    Whisker(String),
    /// The colour scale of a heatmap, from 0 to `top` (a rate).
    Scale(f64),
}

/// Height of a row of the key, in pixels.
const ROW: u32 = 26;
/// Room for a swatch and the space after it.
const SWATCH: u32 = 28;
/// Width of the colour scale.
const SCALE: u32 = 240;
/// Text size of the key.
const FONT: u32 = 14;

impl Key {
    fn text(&self) -> &str {
        match self {
            Key::Fill(_, t)
            | Key::Outline(t)
            | Key::Border(_, t)
            | Key::Line(t)
            | Key::Whisker(t) => t,
            Key::Scale(_) => "selection rate",
        }
    }

    /// Width taken in its row, from the font's average advance.
    fn width(&self) -> u32 {
        let text = self.text().chars().count() as u32 * FONT * 11 / 20;
        match self {
            Key::Scale(_) => text + SCALE + 12 + 24,
            _ => SWATCH + text + 24,
        }
    }
}

/// The entries laid out in rows no wider than `width`.
pub fn rows(entries: Vec<Key>, width: u32) -> Vec<Vec<Key>> {
    let room = width.saturating_sub(2 * 16);
    let mut rows: Vec<Vec<Key>> = Vec::new();
    let mut used = 0;
    for entry in entries {
        let w = entry.width();
        match rows.last_mut() {
            Some(row) if used + w <= room => row.push(entry),
            _ => {
                rows.push(vec![entry]);
                used = 0;
            }
        }
        used += w;
    }
    rows
}

/// Height of the strip holding `rows`.
pub fn height(rows: &[Vec<Key>]) -> u32 {
    if rows.is_empty() {
        0
    } else {
        rows.len() as u32 * ROW + 12
    }
}

/// Draws the key's rows in the strip.
pub fn draw<DB: DrawingBackend>(strip: &DrawingArea<DB, Shift>, rows: &[Vec<Key>]) -> Plot {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let font = ("sans-serif", FONT)
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (r, row) in rows.iter().enumerate() {
        let y = r as i32 * ROW as i32 + ROW as i32 / 2;
        let mut x = 16i32;
        for entry in row {
            let (x0, x1) = (x, x + SWATCH as i32 - 8);
            match entry {
                Key::Fill(colour, _) => strip
                    .draw(&Rectangle::new([(x0, y - 7), (x1, y + 7)], colour.filled()))
                    .map_err(err)?,
                Key::Outline(_) => strip
                    .draw(&Rectangle::new(
                        [(x0, y - 7), (x1, y + 7)],
                        INK.stroke_width(1),
                    ))
                    .map_err(err)?,
                Key::Border(colour, _) => strip
                    .draw(&Rectangle::new(
                        [(x0, y - 7), (x1, y + 7)],
                        colour.stroke_width(3),
                    ))
                    .map_err(err)?,
                Key::Line(_) => strip
                    .draw(&PathElement::new([(x0, y), (x1, y)], INK.stroke_width(2)))
                    .map_err(err)?,
                Key::Whisker(_) => {
                    for path in [
                        vec![(x0, y), (x1, y)],
                        vec![(x0, y - 5), (x0, y + 5)],
                        vec![(x1, y - 5), (x1, y + 5)],
                    ] {
                        strip
                            .draw(&PathElement::new(path, INK.stroke_width(2)))
                            .map_err(err)?;
                    }
                }
                Key::Scale(top) => {
                    let text_w = entry.text().chars().count() as i32 * FONT as i32 * 11 / 20;
                    strip
                        .draw(&Text::new(entry.text().to_string(), (x, y), font.clone()))
                        .map_err(err)?;
                    let left = x + text_w + 12;
                    scale(strip, left, y, *top).map_err(err)?;
                    x += entry.width() as i32;
                    continue;
                }
            }
            strip
                .draw(&Text::new(
                    entry.text().to_string(),
                    (x + SWATCH as i32, y),
                    font.clone(),
                ))
                .map_err(err)?;
            x += entry.width() as i32;
        }
    }
    Ok(())
}

/// The heatmap's colour at `depth` (0 = white, 1 = full blue).
pub fn shade(depth: f64) -> RGBColor {
    let mix = |c: u8| (255.0 - (255.0 - f64::from(c)) * depth.clamp(0.0, 1.0)).round() as u8;
    RGBColor(mix(BLUE.0), mix(BLUE.1), mix(BLUE.2))
}

/// A colour bar from 0 to `top` with ticks at 0, half and `top`.
fn scale<DB: DrawingBackend>(
    strip: &DrawingArea<DB, Shift>,
    left: i32,
    y: i32,
    top: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let steps = SCALE as i32;
    for i in 0..steps {
        let colour = shade(f64::from(i) / f64::from(steps - 1));
        strip.draw(&Rectangle::new(
            [(left + i, y - 9), (left + i + 1, y + 1)],
            colour.filled(),
        ))?;
    }
    strip.draw(&Rectangle::new(
        [(left, y - 9), (left + steps, y + 1)],
        LIGHT_GREY.stroke_width(1),
    ))?;
    let tick = ("sans-serif", 11)
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for (share, value) in [(0.0, 0.0), (0.5, top / 2.0), (1.0, top)] {
        let x = left + (share * f64::from(steps)) as i32;
        strip.draw(&Text::new(
            format!("{:.0}%", value * 100.0),
            (x, y + 2),
            tick.clone(),
        ))?;
    }
    Ok(())
}
