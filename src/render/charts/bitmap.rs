//! The PNG side of the charts: plotters' bitmap backend with text drawn at each glyph's own
//! position, and the PNG encoder.
//!
//! plotters 0.3 draws each glyph of a bitmap text at the pen position without its left side
//! bearing, so a narrow glyph such as the digit 1 (whose outline starts well inside its advance)
//! is drawn too far left and leaves a gap after it ("n=81 47"). [`Bitmap`] delegates every drawing
//! call to the bitmap backend except text, which it places as the font says.

use ab_glyph::{point, Font, FontRef, ScaleFont};
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

/// A bitmap backend whose text keeps the font's spacing.
pub struct Bitmap<'a> {
    inner: BitMapBackend<'a>,
    font: FontRef<'static>,
}

impl<'a> Bitmap<'a> {
    /// Draws on an RGB buffer of `size` pixels with `font` (a TrueType file).
    pub fn new(buffer: &'a mut [u8], size: (u32, u32), font: &'static [u8]) -> Self {
        Bitmap {
            inner: BitMapBackend::with_buffer(buffer, size),
            font: FontRef::try_from_slice(font).expect("the bundled font is a valid TrueType file"),
        }
    }
}

type Drawn<E> = Result<(), DrawingErrorKind<E>>;

impl DrawingBackend for Bitmap<'_> {
    type ErrorType = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Drawn<Self::ErrorType> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Drawn<Self::ErrorType> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Drawn<Self::ErrorType> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Drawn<Self::ErrorType> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Drawn<Self::ErrorType> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Drawn<Self::ErrorType> {
        self.inner.blit_bitmap(pos, size, src)
    }

    /// As plotters' default (same box, anchor and rotation), with each glyph's outline placed at
    /// the pen position plus its side bearing.
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Drawn<Self::ErrorType> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let ((min_x, min_y), (max_x, max_y)) = style
            .layout_box(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let (width, height) = (max_x - min_x, max_y - min_y);
        let anchor = style.anchor();
        let dx = match anchor.h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match anchor.v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let transform = style.transform();
        let (w, h) = self.get_size();
        let size = style.size() as f32;
        let font = self.font.as_scaled(size);
        let mut pen = 0f32;
        let mut previous = None;
        let mut pixels = Vec::new();
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = previous {
                pen += font.kern(p, id);
            }
            previous = Some(id);
            let glyph = id.with_scale_and_position(size, point(pen, 0.0));
            if let Some(outline) = font.outline_glyph(glyph) {
                let bounds = outline.px_bounds();
                let (left, top) = (bounds.min.x as i32, (size / 2.0 + bounds.min.y) as i32);
                outline.draw(|x, y, coverage| {
                    pixels.push((left + x as i32, top + y as i32, coverage));
                });
            }
            pen += font.h_advance(id);
        }
        for (x, y, coverage) in pixels {
            let (x, y) = transform.transform(x + dx - min_x, y + dy - min_y);
            let (x, y) = (pos.0 + x, pos.1 + y);
            if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                let shade = BackendColor {
                    alpha: color.alpha * f64::from(coverage),
                    rgb: color.rgb,
                };
                self.draw_pixel((x, y), shade)?;
            }
        }
        Ok(())
    }
}

/// An RGB buffer as PNG, at a compression level and with a row filter that cost little (charts
/// are flat colours: the Paeth filter and fast deflate keep them small).
pub fn encode_png(pixels: &[u8], size: (u32, u32)) -> Result<Vec<u8>, png::EncodingError> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, size.0, size.1);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::FilterType::Paeth);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::NonAdaptive);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(pixels)?;
    writer.finish()?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::{register_font, FONT};

    /// Left and right ends of each run of inked columns.
    fn inked_runs(pixels: &[u8], (w, h): (u32, u32)) -> Vec<(u32, u32)> {
        let inked = |x: u32| (0..h).any(|y| pixels[((y * w + x) * 3) as usize] < 160);
        let mut runs: Vec<(u32, u32)> = Vec::new();
        for x in 0..w {
            if inked(x) {
                match runs.last_mut() {
                    Some(run) if run.1 + 1 == x => run.1 = x,
                    _ => runs.push((x, x)),
                }
            }
        }
        runs
    }

    /// DejaVu Sans has tabular figures: every digit has the same advance and its outline is
    /// centred in it, so the centres of "8181" must be evenly spaced. plotters' own text drawing
    /// puts each 1 about 2 pixels too far left at this size.
    #[test]
    fn digits_are_evenly_spaced() {
        register_font();
        let size = (200, 60);
        let mut pixels = vec![255u8; (size.0 * size.1 * 3) as usize];
        {
            let root = Bitmap::new(&mut pixels, size, FONT).into_drawing_area();
            root.draw(&Text::new(
                "8181",
                (10, 10),
                ("sans-serif", 30).into_font().color(&BLACK),
            ))
            .unwrap();
            root.present().unwrap();
        }
        let runs = inked_runs(&pixels, size);
        assert_eq!(runs.len(), 4, "{runs:?}");
        let centres: Vec<f64> = runs.iter().map(|(a, b)| f64::from(a + b) / 2.0).collect();
        let gaps: Vec<f64> = centres.windows(2).map(|c| c[1] - c[0]).collect();
        let advance = FontRef::try_from_slice(FONT)
            .unwrap()
            .as_scaled(30.0)
            .h_advance(FontRef::try_from_slice(FONT).unwrap().glyph_id('8'));
        for gap in gaps {
            assert!((gap - f64::from(advance)).abs() <= 1.0, "{centres:?}");
        }
    }
}
