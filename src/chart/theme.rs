//! The look shared by every chart: the embedded font, sizes, colours, number
//! formats, and rendering one chart to SVG or PNG bytes.
//!
//! The font is DejaVu Sans, compiled into the binary and registered with
//! plotters' ab_glyph backend, so PNGs carry text on machines with no fonts.

use super::ChartError;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::sync::OnceLock;

/// DejaVu Sans (see assets/fonts/LICENSE-DejaVu.txt).
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Chart size in pixels: legible with 50 reps.
pub const SIZE: (u32, u32) = (1200, 800);

/// The family name charts ask for (the embedded font is registered under it).
pub const FAMILY: &str = "sans-serif";

/// Title size.
pub const TITLE: f64 = 30.0;
/// Subtitle and note size.
pub const NOTE: f64 = 16.0;
/// Axis description size.
pub const AXIS: f64 = 19.0;
/// Tick label size.
pub const LABEL: f64 = 15.0;

/// Text colour.
pub const INK: RGBColor = RGBColor(33, 37, 41);
/// Secondary text and reference lines.
pub const MUTED: RGBColor = RGBColor(100, 106, 112);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(226, 229, 233);
/// The main series.
pub const BLUE_: RGBColor = RGBColor(0, 114, 178);
/// The second series.
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
/// Good / at or above quota.
pub const GREEN_: RGBColor = RGBColor(0, 158, 115);
/// Warnings, the 100% line, cuts.
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);

/// Colours of stacked parts (Tableau 10, distinct for colour-blind readers in most pairs).
pub const PARTS: [RGBColor; 10] = [
    RGBColor(78, 121, 167),
    RGBColor(242, 142, 43),
    RGBColor(89, 161, 79),
    RGBColor(237, 201, 72),
    RGBColor(176, 122, 161),
    RGBColor(118, 183, 178),
    RGBColor(255, 157, 167),
    RGBColor(156, 117, 95),
    RGBColor(186, 176, 172),
    RGBColor(225, 87, 89),
];

/// Registers the embedded font once; later calls return the first outcome.
pub fn font() -> Result<(), ChartError> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok {
        Ok(())
    } else {
        Err(ChartError::Font)
    }
}

/// A text style of the chart family.
pub fn text(size: f64, color: RGBColor) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&color)
}

/// Money for an axis tick: `0`, `950`, `1.5k`, `90k`, `1.2M`, `3B`.
pub fn money_tick(v: f64) -> String {
    let a = v.abs();
    let sign = if v < 0.0 { "-" } else { "" };
    let (x, unit) = if a >= 1e9 {
        (a / 1e9, "B")
    } else if a >= 1e6 {
        (a / 1e6, "M")
    } else if a >= 1e3 {
        (a / 1e3, "k")
    } else {
        return format!("{sign}{a:.0}");
    };
    let s = if x >= 100.0 || (x - x.round()).abs() < 0.05 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    };
    format!("{sign}{s}{unit}")
}

/// A fraction as a whole percentage for ticks and labels: `0.85` → `85%`.
pub fn pct(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

/// A round upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten, at least `v`.
pub fn nice_max(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if m * p >= v {
            return m * p;
        }
    }
    10.0 * p
}

/// Cuts text to `max` characters with an ellipsis.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Draws the title and an optional subtitle at the top; returns the area below them.
pub fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: Option<&str>,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    let height = if subtitle.is_some() { 78 } else { 52 };
    let (top, rest) = root.split_vertically(height);
    top.draw(&Text::new(title.to_string(), (24, 14), text(TITLE, INK)))?;
    if let Some(s) = subtitle {
        top.draw(&Text::new(s.to_string(), (26, 52), text(NOTE, MUTED)))?;
    }
    Ok(rest)
}

/// Draws a note line at the bottom-left of `area`.
pub fn footnote<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, note: &str) -> Result<(), ChartError> {
    let (_, h) = area.dim_in_pixel();
    area.draw(&Text::new(
        note.to_string(),
        (24, h as i32 - 24),
        text(NOTE - 1.0, MUTED),
    ))?;
    Ok(())
}

/// A chart whose categorical axis is plain numbers: category k spans [k, k + 1].
/// (plotters' segmented axes misplace a one-category axis, so categories are drawn by hand.)
pub type Grid<'a, 'b, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws row names left of the plot; `names[0]` is the top row (row i spans [n − 1 − i, n − i]).
pub fn row_labels<DB: DrawingBackend>(
    chart: &mut Grid<'_, '_, DB>,
    names: &[String],
    size: f64,
) -> Result<(), ChartError> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let style = text(size, INK).pos(Pos::new(HPos::Right, VPos::Center));
    let x = chart.x_range().start;
    let n = names.len() as f64;
    chart.draw_series(names.iter().enumerate().map(|(i, name)| {
        EmptyElement::at((x, n - i as f64 - 0.5)) + Text::new(name.clone(), (-10, 0), style.clone())
    }))?;
    Ok(())
}

/// Draws column names under the plot; column k spans [k, k + 1].
pub fn column_labels<DB: DrawingBackend>(
    chart: &mut Grid<'_, '_, DB>,
    names: &[String],
    size: f64,
) -> Result<(), ChartError> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let style = text(size, INK).pos(Pos::new(HPos::Center, VPos::Top));
    let y = chart.y_range().start;
    let chars = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let every = label_stride(chart.plotting_area().dim_in_pixel().0, names.len(), chars, size);
    chart.draw_series(
        names
            .iter()
            .enumerate()
            .filter(|(k, _)| k % every == 0)
            .map(|(k, name)| EmptyElement::at((k as f64 + 0.5, y)) + Text::new(name.clone(), (0, 10), style.clone())),
    )?;
    Ok(())
}

/// Every how many columns a label of `chars` characters at font `size` fits
/// when `n` columns share `width` pixels (1: every column; 53 weeks take every
/// second or third).
pub fn label_stride(width: u32, n: usize, chars: usize, size: f64) -> usize {
    let need = (chars as f64 * size * 0.6 + size * 0.6).max(1.0);
    let band = f64::from(width) / n.max(1) as f64;
    ((need / band).ceil() as usize).max(1)
}

/// The house style of axes and grid: tick and axis text, horizontal grid lines only in light grey.
pub fn house_mesh<
    'a,
    'b,
    'm,
    X: plotters::coord::ranged1d::Ranged,
    Y: plotters::coord::ranged1d::Ranged,
    DB: DrawingBackend,
>(
    mesh: &'m mut plotters::chart::MeshStyle<'a, 'b, X, Y, DB>,
) -> &'m mut plotters::chart::MeshStyle<'a, 'b, X, Y, DB> {
    mesh.label_style(text(LABEL, INK))
        .axis_desc_style(text(AXIS, INK))
        .light_line_style(GRID.mix(0.0))
        .bold_line_style(GRID)
        .axis_style(MUTED)
}

/// Draws the legend in the house style (small text on a near-white box) at `pos`.
pub fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    pos: SeriesLabelPosition,
) -> Result<(), ChartError> {
    chart
        .configure_series_labels()
        .position(pos)
        .margin(16)
        .label_font(text(NOTE, INK))
        .background_style(WHITE.mix(0.92))
        .border_style(GRID)
        .draw()?;
    Ok(())
}

/// Something that draws itself on a plotters area of any backend.
pub trait Draw {
    /// The chart's title (also the SVG `<title>`).
    fn title(&self) -> String;
    /// Draws the chart on `root` (already filled white).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>;
}

/// Renders a chart as SVG text: deterministic, with a `<title>` for screen readers.
pub fn svg(chart: &impl Draw) -> Result<String, ChartError> {
    font()?;
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        chart.draw(&root)?;
        root.present()?;
    }
    let title = format!("<title>{}</title>\n", crate::output::html::escape(&chart.title()));
    match s.find(">\n") {
        Some(i) => s.insert_str(i + 2, &title),
        None => return Err(ChartError::Draw("the SVG backend wrote no root element".into())),
    }
    Ok(s)
}

/// Renders a chart as PNG bytes (RGB, 8 bits).
pub fn png(chart: &impl Draw) -> Result<Vec<u8>, ChartError> {
    font()?;
    let (w, h) = SIZE;
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        chart.draw(&root)?;
        root.present()?;
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut wr = enc.write_header().map_err(|e| ChartError::Png(e.to_string()))?;
        wr.write_image_data(&buf).map_err(|e| ChartError::Png(e.to_string()))?;
        wr.finish().map_err(|e| ChartError::Png(e.to_string()))?;
    }
    Ok(out)
}

/// Axes of a payout curve: attainment from 0 to `x_max` (ticks every 25%)
/// against money from 0 to `y_max` (`y_desc`), the house mesh drawn, and the
/// 100% attainment line dashed.
pub fn attainment_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x_max: f64,
    y_max: f64,
    y_desc: String,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>, ChartError> {
    let mut chart = ChartBuilder::on(area)
        .margin_left(20)
        .margin_right(40)
        .margin_top(10)
        .x_label_area_size(60)
        .y_label_area_size(95)
        .build_cartesian_2d(0f64..x_max, 0f64..y_max)?;
    house_mesh(
        chart
            .configure_mesh()
            .x_desc("Attainment (credit ÷ quota)")
            .y_desc(y_desc)
            .x_label_formatter(&|v| pct(*v))
            .y_label_formatter(&|v| money_tick(*v))
            .x_labels(((x_max / 0.25).round() as usize + 1).min(21))
            .y_labels(11),
    )
    .draw()?;
    chart.draw_series(DashedLineSeries::new(
        vec![(1.0, 0.0), (1.0, y_max)],
        6,
        6,
        MUTED.stroke_width(1),
    ))?;
    Ok(chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_ticks_are_short() {
        assert_eq!(money_tick(0.0), "0");
        assert_eq!(money_tick(950.0), "950");
        assert_eq!(money_tick(1500.0), "1.5k");
        assert_eq!(money_tick(90_000.0), "90k");
        assert_eq!(money_tick(1_200_000.0), "1.2M");
        assert_eq!(money_tick(-25_000.0), "-25k");
    }

    #[test]
    fn nice_max_rounds_up() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(7.0), 8.0);
        assert_eq!(nice_max(101.0), 120.0);
        assert_eq!(nice_max(2_300_000.0), 2_500_000.0);
    }

    #[test]
    fn clip_adds_an_ellipsis() {
        assert_eq!(clip("Ana", 5), "Ana");
        assert_eq!(clip("Bartholomew", 5), "Bart…");
    }
}
