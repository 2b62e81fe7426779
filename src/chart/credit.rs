//! Credit against quota by period: bars of credit, the quota as a line, the
//! company goal dashed when the plan sets one, and attainment above each bar.
//! The regional version draws one panel per region on a shared scale.

use super::theme::{self, Draw, BLUE_, GRID, INK, MUTED, ORANGE, VERMILLION};
use super::ChartError;
use crate::report::series::{CreditPanel, CreditVsQuota};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// Credit against quota, for the team or per region.
pub struct CreditChart<'a> {
    data: &'a CreditVsQuota,
    by_region: bool,
}

impl<'a> CreditChart<'a> {
    /// The team's chart.
    pub fn team(data: &'a CreditVsQuota) -> Self {
        Self { data, by_region: false }
    }

    /// One panel per region.
    pub fn regions(data: &'a CreditVsQuota) -> Self {
        Self { data, by_region: true }
    }
}

fn f(x: Decimal) -> f64 {
    x.to_f64().unwrap_or(0.0)
}

/// Draws one panel; `y_max` is shared across panels.
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: &CreditPanel,
    goal: Option<&[Decimal]>,
    currency: &str,
    y_max: f64,
    small: bool,
) -> Result<(), ChartError> {
    let n = p.periods.len().max(1);
    let labels: Vec<String> = p.periods.iter().map(|x| x.0.clone()).collect();
    let (label, axis) = if small {
        (theme::LABEL - 2.0, theme::LABEL)
    } else {
        (theme::LABEL, theme::AXIS)
    };
    let mut builder = ChartBuilder::on(area);
    builder
        .margin_left(16)
        .margin_right(24)
        .margin_top(if small { 34 } else { 10 })
        .x_label_area_size(if small { 36 } else { 56 })
        .y_label_area_size(if small { 70 } else { 95 });
    if small {
        builder.caption(p.name.clone(), theme::text(theme::AXIS, INK));
    }
    let mut chart = builder.build_cartesian_2d(0f64..n as f64, 0f64..y_max)?;
    let y_fmt = |v: &f64| theme::money_tick(*v);
    let mut mesh = chart.configure_mesh();
    mesh.x_label_formatter(&|_| String::new())
        .y_label_formatter(&y_fmt)
        .x_labels(1)
        .y_labels(if small { 6 } else { 11 })
        .disable_x_mesh()
        .label_style(theme::text(label, INK))
        .axis_desc_style(theme::text(axis, INK))
        .light_line_style(GRID.mix(0.0))
        .bold_line_style(GRID)
        .axis_style(MUTED);
    if !small {
        mesh.x_desc("Period").y_desc(format!("Credit and quota ({currency})"));
    } else {
        mesh.y_desc(currency.to_string());
    }
    mesh.draw()?;
    theme::column_labels(&mut chart, &labels, label)?;
    let (w, _) = area.dim_in_pixel();
    let band = w as f64 / n as f64;
    let margin = ((band - (band * 0.6).min(160.0)) / 2.0) as u32;
    chart
        .draw_series(p.periods.iter().enumerate().map(|(i, (_, credit, _))| {
            let x = i as f64;
            let mut r = Rectangle::new([(x, 0.0), (x + 1.0, f(*credit))], BLUE_.filled());
            r.set_margin(0, 0, margin, margin);
            r
        }))?
        .label("Credit (own deals of every rep)")
        .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], BLUE_.filled()));
    let quota_pts: Vec<(f64, f64)> = p
        .periods
        .iter()
        .enumerate()
        .map(|(i, (_, _, q))| (i as f64 + 0.5, f(*q)))
        .collect();
    chart
        .draw_series(LineSeries::new(quota_pts.clone(), ORANGE.stroke_width(3)))?
        .label("Quota (reps credited on their own deals)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], ORANGE.stroke_width(3)));
    chart.draw_series(quota_pts.iter().map(|pt| Circle::new(*pt, 5, ORANGE.filled())))?;
    if let Some(g) = goal {
        let pts: Vec<(f64, f64)> = g.iter().enumerate().map(|(i, v)| (i as f64 + 0.5, f(*v))).collect();
        chart
            .draw_series(DashedLineSeries::new(pts, 8, 6, VERMILLION.stroke_width(2)))?
            .label("Company goal")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], VERMILLION.stroke_width(2)));
    }
    // Attainment sits inside the top of a tall bar (clear of the lines), above
    // a short one; left out when the bars are too narrow for it (53 weeks).
    if !attainment_fits(chart.plotting_area().dim_in_pixel().0, n, label) {
        if !small {
            theme::legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        }
        return Ok(());
    }
    let above = theme::text(label, INK).pos(Pos::new(HPos::Center, VPos::Bottom));
    let inside = theme::text(label, RGBColor(255, 255, 255)).pos(Pos::new(HPos::Center, VPos::Top));
    chart.draw_series(
        p.periods
            .iter()
            .enumerate()
            .filter(|(_, (_, _, q))| *q > Decimal::ZERO)
            .map(|(i, (_, credit, q))| {
                let top = f(*credit);
                let (y, style) = if top > y_max * 0.12 {
                    (top - y_max * 0.012, inside.clone())
                } else {
                    (top + y_max * 0.012, above.clone())
                };
                Text::new(theme::pct(f(*credit / *q)), (i as f64 + 0.5, y), style)
            }),
    )?;
    if !small {
        theme::legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    }
    Ok(())
}

/// Whether an attainment label ("100%") fits over each of `n` bars in `width` pixels.
fn attainment_fits(width: u32, n: usize, size: f64) -> bool {
    theme::label_stride(width, n, 4, size) == 1
}

fn panel_max(p: &CreditPanel) -> f64 {
    p.periods.iter().map(|(_, c, q)| f(*c).max(f(*q))).fold(0.0, f64::max)
}

impl Draw for CreditChart<'_> {
    fn title(&self) -> String {
        if self.by_region {
            "Credit against quota by period, per region".into()
        } else {
            "Credit against quota by period".into()
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let d = self.data;
        let n = d.team.periods.len();
        let k = d.regions.len().max(1);
        let cols = (k as f64).sqrt().ceil() as usize;
        // The plotting width: the chart's (or a panel's) less its axis area and margins.
        let (w, size) = match self.by_region {
            false => (root.dim_in_pixel().0.saturating_sub(140), theme::LABEL),
            true => (
                (root.dim_in_pixel().0 / cols as u32).saturating_sub(110),
                theme::LABEL - 2.0,
            ),
        };
        let sub = if attainment_fits(w, n, size) {
            "Bars: credit; line: quota; the label above each bar is attainment (credit ÷ quota)."
        } else {
            "Bars: credit; line: quota (attainment per period: payouts.csv and the scorecard)."
        };
        let area = theme::header(root, &self.title(), Some(sub))?;
        if !self.by_region {
            let goal_max = d.goal.iter().flatten().map(|g| f(*g)).fold(0.0, f64::max);
            let y_max = theme::nice_max(panel_max(&d.team).max(goal_max) * 1.1);
            return panel(&area, &d.team, d.goal.as_deref(), &d.currency, y_max, false);
        }
        let rows = k.div_ceil(cols);
        let (grid, foot) = area.split_vertically(area.dim_in_pixel().1 - 40);
        theme::footnote(
            &foot,
            &format!(
                "Same {} scale in every panel. Blue bars: credit; orange line: quota.",
                d.currency
            ),
        )?;
        let y_max = theme::nice_max(d.regions.iter().map(panel_max).fold(0.0, f64::max) * 1.12);
        for (cell, p) in grid.split_evenly((rows, cols)).iter().zip(&d.regions) {
            panel(cell, p, None, &d.currency, y_max, true)?;
        }
        Ok(())
    }
}
