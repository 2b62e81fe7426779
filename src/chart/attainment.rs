//! The attainment distribution: a histogram of year attainment in 10-point
//! bins, the 100% line, and the share of reps at or above quota.

use super::theme::{self, Draw, BLUE_, GREEN_, GRID, INK, MUTED, ORANGE, VERMILLION};
use super::ChartError;
use crate::report::series::AttainmentDistribution;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// The attainment histogram.
pub struct AttainmentChart<'a>(pub &'a AttainmentDistribution);

impl Draw for AttainmentChart<'_> {
    fn title(&self) -> String {
        "Attainment distribution".into()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let d = self.0;
        let share = if d.with_quota > 0 {
            format!(
                "{} of {} reps ({}) at or above quota",
                d.at_or_above,
                d.with_quota,
                theme::pct(d.at_or_above as f64 / d.with_quota as f64)
            )
        } else {
            "no rep has a quota".into()
        };
        let median = d
            .median
            .map(|m| format!("; median attainment {}", theme::pct(m.to_f64().unwrap_or(0.0))))
            .unwrap_or_default();
        let area = theme::header(
            root,
            &self.title(),
            Some(&format!(
                "Year attainment (credit ÷ quota) of every rep with a quota: {share}{median}."
            )),
        )?;
        let width = crate::report::series::BIN_WIDTH.to_f64().unwrap_or(0.1);
        let x_max = d
            .bins
            .last()
            .map(|b| b.from.to_f64().unwrap_or(2.0) + width)
            .unwrap_or(2.1);
        let top = d.bins.iter().map(|b| b.count).max().unwrap_or(0);
        let y_max = (top as f64 * 1.15).ceil().max(top as f64 + 1.0);
        let mut chart = ChartBuilder::on(&area)
            .margin_left(20)
            .margin_right(40)
            .margin_top(10)
            .x_label_area_size(60)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..x_max, 0f64..y_max)?;
        let last_from = d.bins.last().map(|b| b.from.to_f64().unwrap_or(2.0)).unwrap_or(2.0);
        chart
            .configure_mesh()
            .x_desc("Year attainment (10-point bins; the last bin holds 200% and above)")
            .y_desc("Reps")
            .x_label_formatter(&|v| {
                if (*v - last_from).abs() < 1e-9 {
                    "200%+".into()
                } else {
                    theme::pct(*v)
                }
            })
            .y_label_formatter(&|v| format!("{v:.0}"))
            .x_labels(12)
            .y_labels((y_max as usize + 1).min(11))
            .disable_x_mesh()
            .label_style(theme::text(theme::LABEL, INK))
            .axis_desc_style(theme::text(theme::AXIS, INK))
            .light_line_style(GRID.mix(0.0))
            .bold_line_style(GRID)
            .axis_style(MUTED)
            .draw()?;
        let bar = |b: &crate::report::series::Bin, c: RGBColor| {
            let x0 = b.from.to_f64().unwrap_or(0.0);
            let mut r = Rectangle::new([(x0, 0.0), (x0 + width, b.count as f64)], c.filled());
            r.set_margin(0, 0, 2, 2);
            r
        };
        let below: Vec<_> = d.bins.iter().filter(|b| b.count > 0 && b.from < Decimal::ONE).collect();
        let above: Vec<_> = d
            .bins
            .iter()
            .filter(|b| b.count > 0 && b.from >= Decimal::ONE)
            .collect();
        chart
            .draw_series(below.iter().map(|b| bar(b, ORANGE)))?
            .label("Below quota")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], ORANGE.filled()));
        chart
            .draw_series(above.iter().map(|b| bar(b, GREEN_)))?
            .label("At or above quota")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], GREEN_.filled()));
        let count_style = theme::text(theme::LABEL, INK).pos(Pos::new(HPos::Center, VPos::Bottom));
        chart.draw_series(d.bins.iter().filter(|b| b.count > 0).map(|b| {
            let x = b.from.to_f64().unwrap_or(0.0) + width / 2.0;
            Text::new(
                b.count.to_string(),
                (x, b.count as f64 + y_max * 0.01),
                count_style.clone(),
            )
        }))?;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(1.0, 0.0), (1.0, y_max)],
                8,
                5,
                VERMILLION.stroke_width(3),
            ))?
            .label("Quota (100%)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], VERMILLION.stroke_width(3)));
        if let Some(m) = d.median {
            let m = m.to_f64().unwrap_or(0.0).min(x_max);
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(m, 0.0), (m, y_max)],
                    3,
                    4,
                    BLUE_.stroke_width(2),
                ))?
                .label("Median attainment")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], BLUE_.stroke_width(2)));
        }
        theme::legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    }
}
