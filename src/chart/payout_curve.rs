//! The payout curve of a scheme: annual incentive and total pay against
//! attainment, with threshold, target and cap marked and every rep as a dot.

use super::theme::{self, Draw, BLUE_, INK, ORANGE, VERMILLION};
use super::ChartError;
use crate::report::series::{CurvePoint, PayoutCurve};
use plotters::coord::Shift;
use plotters::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// At most this many reps are drawn as dots on one payout curve.
pub const MAX_DOTS: usize = 2000;

/// The chart of one scheme's curve.
pub struct PayoutCurveChart<'a>(pub &'a PayoutCurve);

fn f(x: Decimal) -> f64 {
    x.to_f64().unwrap_or(0.0)
}

fn xy(p: &CurvePoint) -> (f64, f64) {
    (f(p.attainment), f(p.incentive))
}

impl Draw for PayoutCurveChart<'_> {
    fn title(&self) -> String {
        format!("Payout curve — {}", self.0.scheme_name)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let c = self.0;
        let cur = &c.currency;
        let subtitle = format!(
            "Annual pay if every period ends at the same attainment. OTE {} {cur} = base {} + target incentive {}.",
            crate::units::fmt_money_human(c.base_salary + c.target_incentive).trim_end_matches(".00"),
            crate::units::fmt_money_human(c.base_salary).trim_end_matches(".00"),
            crate::units::fmt_money_human(c.target_incentive).trim_end_matches(".00"),
        );
        let area = theme::header(root, &self.title(), Some(&subtitle))?;
        let (plot, foot) = area.split_vertically(area.dim_in_pixel().1 - 40);
        let n = c.reps.len();
        // A chart stays a picture, not a file of megabytes: past MAX_DOTS reps, every k-th is drawn.
        let step = n.div_ceil(MAX_DOTS).max(1);
        let mut note = format!(
            "Dots: {n} rep{} at year attainment (year credit ÷ year quota){}.",
            if n == 1 { "" } else { "s" },
            if step > 1 {
                format!(", every {step}th drawn")
            } else {
                String::new()
            }
        );
        if !c.not_on_curve.is_empty() {
            note.push_str(&format!(
                " Not on the curve (paid per deal or on the team): {}.",
                c.not_on_curve.join(", ")
            ));
        }
        theme::footnote(&foot, &note)?;

        let x_max = c.points.last().map(|p| f(p.attainment)).unwrap_or(2.0);
        let y_top = c
            .points
            .iter()
            .map(|p| f(p.total))
            .chain(c.reps.iter().map(|r| f(r.total)))
            .fold(0.0, f64::max);
        let y_max = theme::nice_max(y_top * 1.05);
        let mut chart = theme::attainment_axes(&plot, x_max, y_max, format!("Annual pay ({cur})"))?;
        chart
            .draw_series(LineSeries::new(
                c.points.iter().map(|p| (f(p.attainment), f(p.total))),
                ORANGE.stroke_width(3),
            ))?
            .label("Total pay (base + incentive), plan rules")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], ORANGE.stroke_width(3)));
        chart
            .draw_series(LineSeries::new(c.points.iter().map(xy), BLUE_.stroke_width(3)))?
            .label("Incentive, plan rules")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], BLUE_.stroke_width(3)));
        chart
            .draw_series(
                c.reps
                    .iter()
                    .step_by(step)
                    .map(|r| Circle::new((f(r.attainment), f(r.total)), 5, ORANGE.stroke_width(2))),
            )?
            .label("A rep's total pay")
            .legend(|(x, y)| Circle::new((x + 12, y), 5, ORANGE.stroke_width(2)));
        chart
            .draw_series(
                c.reps
                    .iter()
                    .step_by(step)
                    .map(|r| Circle::new((f(r.attainment), f(r.incentive)), 5, BLUE_.mix(0.75).filled())),
            )?
            .label("A rep's incentive paid")
            .legend(|(x, y)| Circle::new((x + 12, y), 5, BLUE_.mix(0.75).filled()));

        let money = |x: Decimal| {
            crate::units::fmt_money_human(x.round())
                .trim_end_matches(".00")
                .to_string()
        };
        let mut marks: Vec<(CurvePoint, String)> = Vec::new();
        if let Some(t) = &c.threshold {
            marks.push((*t, format!("Threshold {}", theme::pct(f(t.attainment)))));
        }
        marks.push((
            c.target,
            format!(
                "Target 100%: incentive {}, total {}",
                money(c.target.incentive),
                money(c.target.total)
            ),
        ));
        if let Some(k) = &c.cap {
            marks.push((
                *k,
                format!(
                    "A cap first cuts pay at {}: incentive {}",
                    theme::pct(f(k.attainment)),
                    money(k.incentive)
                ),
            ));
        }
        for (p, label) in &marks {
            let at = xy(p);
            let right = at.0 < x_max * 0.6;
            let font = theme::text(theme::NOTE, INK);
            let (w, h) = font
                .font
                .box_size(label)
                .map(|(w, h)| (w as i32, h as i32))
                .unwrap_or((0, 0));
            // The label sits on a white card above the point, to its right (or left near the edge).
            let x0 = if right { 12 } else { -12 - w - 8 };
            let card = Rectangle::new([(x0, -h - 18), (x0 + w + 8, -6)], WHITE.mix(0.9).filled());
            chart.draw_series(std::iter::once(
                EmptyElement::at(at)
                    + card
                    + Circle::new((0, 0), 8, VERMILLION.stroke_width(3))
                    + Text::new(label.clone(), (x0 + 4, -h - 14), font.clone()),
            ))?;
        }
        theme::legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        Ok(())
    }
}
