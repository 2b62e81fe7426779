//! Every rep's funnel against the benchmark: a grid of reps × stage
//! transitions, each cell the rep's conversion, coloured by how far it lies
//! from the benchmark, small samples faded, fractures outlined.

use super::theme::{self, Draw, INK, MUTED};
use super::ChartError;
use crate::report::series::{FunnelCell, FunnelGrid};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rust_decimal::prelude::ToPrimitive;

/// The funnel grid chart.
pub struct FunnelChart<'a>(pub &'a FunnelGrid);

/// Rows drawn at most; the rest are summarised in the subtitle.
pub const MAX_ROWS: usize = 60;

const WORSE: RGBColor = RGBColor(213, 94, 0);
const BETTER: RGBColor = RGBColor(0, 114, 178);
const EVEN: RGBColor = RGBColor(236, 238, 241);

/// Blends `EVEN` toward `to` by `t` in 0..1.
fn blend(to: RGBColor, t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
    RGBColor(mix(EVEN.0, to.0), mix(EVEN.1, to.1), mix(EVEN.2, to.2))
}

/// How far a cell is from its benchmark, in fractions (negative: worse).
fn diff(c: &FunnelCell) -> f64 {
    c.benchmark.map(|b| (c.rate - b).to_f64().unwrap_or(0.0)).unwrap_or(0.0)
}

/// Whether a cell's fill is dark enough to need white text.
fn dark(c: &FunnelCell, min: u64) -> bool {
    c.resolved >= min && diff(c).abs() / 0.25 > 0.6
}

/// The fill of a cell: 25 points from the benchmark is full colour.
fn fill(c: &FunnelCell, min: u64) -> RGBAColor {
    let diff = diff(c);
    let color = if diff < 0.0 {
        blend(WORSE, -diff / 0.25)
    } else {
        blend(BETTER, diff / 0.25)
    };
    color.mix(if c.resolved < min { 0.35 } else { 1.0 })
}

impl Draw for FunnelChart<'_> {
    fn title(&self) -> String {
        "Funnel conversion against benchmark, by rep".into()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let g = self.0;
        let shown = &g.rows[..g.rows.len().min(MAX_ROWS)];
        let mut sub = "Each cell: the rep's conversion into the next stage; orange below the benchmark, blue above; outlined: a fracture (credibly and materially worse).".to_string();
        if g.rows.len() > shown.len() {
            sub = format!(
                "{} reps with the most fractures shown of {}. {sub}",
                shown.len(),
                g.rows.len()
            );
        }
        let area = theme::header(root, &self.title(), Some(&sub))?;
        let (plot, foot) = area.split_vertically(area.dim_in_pixel().1 - 40);
        theme::footnote(
            &foot,
            &format!(
                "Faded: fewer than {} resolved opportunities (never flagged). Empty: nothing resolved.",
                g.min_opportunities
            ),
        )?;
        let rows = shown.len().max(1);
        let cols = g.transitions.len().max(1);
        let label = (560.0 / rows as f64).clamp(10.0, theme::LABEL);
        let names: Vec<String> = shown.iter().map(|r| theme::clip(&r.name, 24)).collect();
        let mut chart = ChartBuilder::on(&plot)
            .margin_left(20)
            .margin_right(30)
            .margin_top(6)
            .x_label_area_size(56)
            .y_label_area_size(200)
            .build_cartesian_2d(0f64..cols as f64, 0f64..rows as f64)?;
        // Row 0 is at the bottom: the first row of the grid goes on top.
        chart
            .configure_mesh()
            .x_desc("Stage transition")
            .y_desc("Rep")
            .x_label_formatter(&|_| String::new())
            .x_labels(1)
            .y_labels(1)
            .y_label_formatter(&|_| String::new())
            .disable_mesh()
            .label_style(theme::text(theme::LABEL, INK))
            .axis_desc_style(theme::text(theme::AXIS, INK))
            .axis_style(MUTED)
            .draw()?;
        theme::row_labels(&mut chart, &names, label)?;
        theme::column_labels(&mut chart, &g.transitions, theme::LABEL)?;
        let at = |i: usize| (shown.len() - 1 - i) as f64;
        let cell_rect = |k: usize, i: usize| [(k as f64, at(i)), (k as f64 + 1.0, at(i) + 1.0)];
        let (pw, ph) = chart.plotting_area().dim_in_pixel();
        let cell_px = ((pw as usize / cols) as i32, (ph as usize / rows) as i32);
        let mut fills = Vec::new();
        let mut outlines = Vec::new();
        let mut texts = Vec::new();
        let pos = Pos::new(HPos::Center, VPos::Center);
        let text = theme::text(label.min(13.0), INK).pos(pos);
        let light = theme::text(label.min(13.0), RGBColor(255, 255, 255)).pos(pos);
        for (i, row) in shown.iter().enumerate() {
            for (k, cell) in row.cells.iter().enumerate() {
                let Some(c) = cell else { continue };
                let mut r = Rectangle::new(cell_rect(k, i), fill(c, g.min_opportunities).filled());
                r.set_margin(1, 1, 1, 1);
                fills.push(r);
                if c.fractured {
                    // A path, not a rectangle: SVG rectangles drop the stroke width.
                    let (w, h) = (cell_px.0 - 4, cell_px.1 - 3);
                    outlines.push(
                        EmptyElement::at((k as f64, at(i) + 1.0))
                            + PathElement::new(vec![(3, 2), (w, 2), (w, h), (3, h), (3, 2)], INK.stroke_width(3)),
                    );
                }
                let pct = theme::pct(c.rate.to_f64().unwrap_or(0.0));
                let s = match c.benchmark {
                    Some(b) => format!("{pct} vs {}", theme::pct(b.to_f64().unwrap_or(0.0))),
                    None => pct,
                };
                texts.push(Text::new(
                    s,
                    (k as f64 + 0.5, at(i) + 0.5),
                    if dark(c, g.min_opportunities) {
                        light.clone()
                    } else {
                        text.clone()
                    },
                ));
            }
        }
        chart.draw_series(fills)?;
        chart.draw_series(outlines)?;
        chart.draw_series(texts)?;
        Ok(())
    }
}
