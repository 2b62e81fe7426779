//! Incentive paid by rep: one horizontal bar per rep, stacked by component,
//! sorted from the highest paid, with each rep's year attainment at the bar's end.
//! Negative parts (caps, clawbacks, recoveries) stack left of zero.

use super::theme::{self, Draw, INK, PARTS};
use super::ChartError;
use crate::report::series::RepPayouts;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rust_decimal::prelude::ToPrimitive;

/// The payouts-by-rep chart.
pub struct PayoutsChart<'a>(pub &'a RepPayouts);

/// Bars drawn at most (the highest paid); more would not be legible at 1200×800.
pub const MAX_ROWS: usize = 60;

/// The colour of part `i` named `name`: reductions in fixed warm/grey tones.
fn color(i: usize, name: &str) -> RGBColor {
    match name {
        "Clawbacks" => RGBColor(200, 40, 40),
        "Recoveries" => RGBColor(120, 120, 120),
        "Draw top-ups" => RGBColor(170, 200, 230),
        "scheme cap" => RGBColor(90, 90, 90),
        _ => PARTS[i % PARTS.len()],
    }
}

impl Draw for PayoutsChart<'_> {
    fn title(&self) -> String {
        "Incentive paid by rep, by component".into()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let d = self.0;
        let reps = &d.reps[..d.reps.len().min(MAX_ROWS)];
        let n = reps.len().max(1);
        let mut sub =
            "Plan year, highest paid first; the label after each bar is the rep's year attainment (credit ÷ quota)."
                .to_string();
        if reps.len() < d.reps.len() {
            sub = format!("The {} highest paid of {} reps. {sub}", reps.len(), d.reps.len());
        }
        let area = theme::header(root, &self.title(), Some(&sub))?;
        let val = |x: rust_decimal::Decimal| x.to_f64().unwrap_or(0.0);
        let pos_sum = |i: usize| reps[i].parts.iter().map(|x| val(*x).max(0.0)).sum::<f64>();
        let neg_sum = |i: usize| reps[i].parts.iter().map(|x| val(*x).min(0.0)).sum::<f64>();
        let hi = (0..reps.len()).map(pos_sum).fold(0.0, f64::max);
        let lo = (0..reps.len()).map(neg_sum).fold(0.0, f64::min);
        let x_max = theme::nice_max(hi * 1.12);
        let x_min = if lo < 0.0 { -theme::nice_max(-lo * 1.1) } else { 0.0 };
        // Label size follows the row height so 50 names stay readable.
        let label = (560.0 / n as f64).clamp(10.0, theme::LABEL);
        let names: Vec<String> = reps.iter().map(|r| theme::clip(&r.name, 24)).collect();
        let mut chart = ChartBuilder::on(&area)
            .margin_left(20)
            .margin_right(30)
            .margin_bottom(10)
            .x_label_area_size(60)
            .y_label_area_size(200)
            .build_cartesian_2d(x_min..x_max, 0f64..n as f64)?;
        // Row 0 is at the bottom: the highest paid rep gets the top row.
        let at = |i: usize| (n - 1 - i) as f64;
        theme::house_mesh(
            chart
                .configure_mesh()
                .x_desc(format!("Incentive paid over the plan year ({})", d.currency))
                .y_desc("Rep")
                .x_label_formatter(&|v| theme::money_tick(*v))
                .x_labels(9)
                .y_labels(1)
                .y_label_formatter(&|_| String::new())
                .disable_y_mesh(),
        )
        .draw()?;
        theme::row_labels(&mut chart, &names, label)?;
        // Thin bars when there are few reps; a small gap when there are many.
        let band = chart.plotting_area().dim_in_pixel().1 as f64 / n as f64;
        let bar = (band * if n < 12 { 0.56 } else { 0.76 }).min(56.0);
        let band_margin = ((band - bar) / 2.0).max(1.0) as u32;
        for (k, name) in d.parts.iter().enumerate() {
            let c = color(k, name);
            let mut bars = Vec::new();
            for (i, r) in reps.iter().enumerate() {
                let y = at(i);
                let v = val(r.parts[k]);
                if v == 0.0 {
                    continue;
                }
                // Stack after the earlier parts of the same sign.
                let before: f64 = r.parts[..k]
                    .iter()
                    .map(|x| val(*x))
                    .filter(|x| (*x > 0.0) == (v > 0.0))
                    .sum();
                let mut bar = Rectangle::new([(before, y), (before + v, y + 1.0)], c.filled());
                bar.set_margin(band_margin, band_margin, 0, 0);
                bars.push(bar);
            }
            chart
                .draw_series(bars)?
                .label(name.clone())
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], c.filled()));
        }
        let tag = theme::text(label, INK).pos(Pos::new(HPos::Left, VPos::Center));
        chart.draw_series(reps.iter().enumerate().map(|(i, r)| {
            let y = at(i) + 0.5;
            let end = pos_sum(i);
            let text = r
                .attainment
                .map(|a| theme::pct(a.to_f64().unwrap_or(0.0)))
                .unwrap_or_else(|| "no quota".into());
            Text::new(text, (end + (x_max - x_min) * 0.006, y), tag.clone())
        }))?;
        if x_min < 0.0 {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, n as f64)],
                INK.stroke_width(1),
            )))?;
        }
        theme::legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    }
}
