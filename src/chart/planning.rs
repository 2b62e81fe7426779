//! Planning charts: territory balance (`fuerza quota`) and the capacity plan
//! (`fuerza capacity`).

use super::theme::{self, Draw, BLUE_, GREEN_, INK, ORANGE, VERMILLION};
use super::ChartError;
use crate::planning::balance::Balance;
use crate::planning::capacity::CapacityPlan;
use plotters::coord::Shift;
use plotters::prelude::*;
use rust_decimal::prelude::ToPrimitive;

/// Potential and accounts per rep of each territory, as indexes against the mean.
pub struct BalanceChart<'a>(pub &'a [Balance]);

impl Draw for BalanceChart<'_> {
    fn title(&self) -> String {
        "Territory balance".into()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let rows = self.0;
        let area = theme::header(
            root,
            &self.title(),
            Some("Potential and accounts per rep, as an index against the mean over territories (100 = average); outside 80–120 is more than 20% off."),
        )?;
        let idx = |x: Option<rust_decimal::Decimal>| x.and_then(|d| d.to_f64()).unwrap_or(0.0);
        let top = rows
            .iter()
            .flat_map(|b| [idx(b.potential_index), idx(b.accounts_index)])
            .fold(140.0f64, f64::max);
        let n = rows.len().max(1) as f64;
        let mut chart = ChartBuilder::on(&area)
            .margin_left(20)
            .margin_right(40)
            .margin_top(10)
            .x_label_area_size(60)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..n, 0f64..theme::nice_max(top))?;
        theme::house_mesh(
            chart
                .configure_mesh()
                .x_desc("Territory")
                .y_desc("Index (100 = mean of territories)")
                .x_labels(0)
                .disable_x_mesh(),
        )
        .draw()?;
        let bars = |off: f64, pick: fn(&Balance) -> Option<rust_decimal::Decimal>, c: RGBColor| {
            rows.iter()
                .enumerate()
                .filter(move |(_, b)| pick(b).is_some())
                .map(move |(k, b)| {
                    let x0 = k as f64 + off;
                    Rectangle::new([(x0, 0.0), (x0 + 0.35, idx(pick(b)))], c.filled())
                })
        };
        chart
            .draw_series(bars(0.15, |b| b.potential_index, BLUE_))?
            .label("Potential per rep")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], BLUE_.filled()));
        chart
            .draw_series(bars(0.5, |b| b.accounts_index, ORANGE))?
            .label("Accounts per rep")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], ORANGE.filled()));
        for (y, label) in [(80.0, "80"), (100.0, "mean"), (120.0, "120")] {
            let style = if label == "mean" {
                INK.stroke_width(2)
            } else {
                VERMILLION.stroke_width(2)
            };
            chart.draw_series(DashedLineSeries::new(vec![(0.0, y), (n, y)], 8, 5, style))?;
        }
        let names: Vec<String> = rows
            .iter()
            .map(|b| format!("{}{}", theme::clip(&b.id, 10), if b.off { " *" } else { "" }))
            .collect();
        theme::column_labels(&mut chart, &names, theme::LABEL)?;
        theme::legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        theme::footnote(
            root,
            "* more than 20% away from the mean on potential or accounts per rep.",
        )?;
        Ok(())
    }
}

/// Monthly capacity against the goal, with the headcount and the hires to start.
pub struct CapacityChart<'a> {
    /// The plan.
    pub plan: &'a CapacityPlan,
    /// Currency code for the money axis.
    pub currency: &'a str,
}

impl Draw for CapacityChart<'_> {
    fn title(&self) -> String {
        "Selling capacity against the goal".into()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let cp = self.plan;
        let area = theme::header(
            root,
            &self.title(),
            Some(&format!(
                "Scheme {}: {} hire(s) starting in M{:02}; annual capacity {} against a goal of {} {}.",
                cp.scheme,
                cp.hires,
                cp.first_hire_month + 1,
                theme::money_tick(cp.capacity),
                theme::money_tick(cp.goal),
                self.currency
            )),
        )?;
        let top = cp
            .months
            .iter()
            .flat_map(|m| [m.capacity, m.goal])
            .fold(1.0f64, f64::max);
        let mut chart = ChartBuilder::on(&area)
            .margin_left(20)
            .margin_right(40)
            .margin_top(10)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(0f64..12.0, 0f64..theme::nice_max(top * 1.1))?;
        let currency = self.currency.to_string();
        theme::house_mesh(
            chart
                .configure_mesh()
                .x_desc("Month of the plan year")
                .y_desc(format!("Credit per month ({currency})"))
                .x_labels(0)
                .y_label_formatter(&|v| theme::money_tick(*v))
                .disable_x_mesh(),
        )
        .draw()?;
        chart
            .draw_series(cp.months.iter().map(|m| {
                let x = m.month as f64;
                Rectangle::new([(x + 0.15, 0.0), (x + 0.85, m.capacity)], BLUE_.mix(0.8).filled())
            }))?
            .label("Capacity (ramped reps × productivity)")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], BLUE_.filled()));
        chart
            .draw_series(LineSeries::new(
                cp.months.iter().map(|m| (m.month as f64 + 0.5, m.goal)),
                VERMILLION.stroke_width(3),
            ))?
            .label("Goal (seasonality share)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], VERMILLION.stroke_width(3)));
        let hires: Vec<_> = cp.months.iter().filter(|m| m.hires > 0).collect();
        chart.draw_series(hires.iter().map(|m| {
            Text::new(
                format!("+{} hires", m.hires),
                (m.month as f64 + 0.2, m.capacity * 1.04),
                theme::text(theme::LABEL, GREEN_),
            )
        }))?;
        let names: Vec<String> = cp
            .months
            .iter()
            .map(|m| format!("M{:02} ({:.0})", m.month + 1, m.headcount))
            .collect();
        theme::column_labels(&mut chart, &names, theme::LABEL)?;
        theme::legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        theme::footnote(
            root,
            "Under each month: the expected headcount after attrition, with the planned hires.",
        )?;
        Ok(())
    }
}
