//! The charts of `fuerza simulate` and `fuerza compare`: the distribution of
//! the year's incentive cost with P10/P50/P90 marked, each rep's chance of
//! reaching quota, the payout curves of several plans overlaid, and each
//! rep's change in expected pay between two plans.
//!
//! The series are plain numbers built by `cli::sim_charts` from the
//! simulation's summaries; nothing here evaluates a pay rule.

use super::theme::{self, Draw, BLUE_, GREEN_, GRID, INK, MUTED, ORANGE, PARTS, VERMILLION};
use super::ChartError;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The year's incentive cost over all trials.
#[derive(Debug, Clone)]
pub struct CostDistribution {
    /// Plan name.
    pub plan: String,
    /// Currency.
    pub currency: String,
    /// Trials.
    pub trials: u64,
    /// Histogram bins: (from, to, trials).
    pub bins: Vec<(f64, f64, u64)>,
    /// Mean, P10, P50, P90.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

impl CostDistribution {
    /// Bins sorted values (cents) into about 40 equal bins, in currency units.
    pub fn from_cents(plan: &str, currency: &str, cents: &[i64], marks: [f64; 4]) -> Self {
        let mut bins = Vec::new();
        if let (Some(&lo), Some(&hi)) = (cents.iter().min(), cents.iter().max()) {
            let (lo, hi) = (lo as f64 / 100.0, hi as f64 / 100.0);
            let k = 40usize;
            let width = if hi > lo { (hi - lo) / k as f64 } else { 1.0 };
            let mut counts = vec![0u64; k];
            for &c in cents {
                let i = (((c as f64 / 100.0) - lo) / width) as usize;
                counts[i.min(k - 1)] += 1;
            }
            bins = counts
                .iter()
                .enumerate()
                .map(|(i, &n)| (lo + width * i as f64, lo + width * (i + 1) as f64, n))
                .collect();
        }
        Self {
            plan: plan.to_string(),
            currency: currency.to_string(),
            trials: cents.len() as u64,
            bins,
            mean: marks[0],
            p10: marks[1],
            p50: marks[2],
            p90: marks[3],
        }
    }
}

/// Histogram of the year's incentive cost.
pub struct CostChart<'a>(pub &'a CostDistribution);

impl Draw for CostChart<'_> {
    fn title(&self) -> String {
        format!("Forecast incentive cost — {}", self.0.plan)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let d = self.0;
        let money = |x: f64| crate::units::fmt_money_human(rust_decimal::Decimal::from(x.round() as i64));
        let money = |x: f64| money(x).trim_end_matches(".00").to_string();
        let area = theme::header(
            root,
            &self.title(),
            Some(&format!(
                "Incentive paid over the plan year in {} simulated years: P10 {}, median {}, P90 {} {}.",
                d.trials,
                money(d.p10),
                money(d.p50),
                money(d.p90),
                d.currency
            )),
        )?;
        let x0 = d.bins.first().map(|b| b.0).unwrap_or(0.0);
        let x1 = d.bins.last().map(|b| b.1).unwrap_or(1.0).max(x0 + 1.0);
        let pad = (x1 - x0) * 0.04;
        let top = d.bins.iter().map(|b| b.2).max().unwrap_or(1) as f64;
        let y_max = (top * 1.18).ceil().max(1.0);
        let mut chart = ChartBuilder::on(&area)
            .margin_left(20)
            .margin_right(40)
            .margin_top(10)
            .x_label_area_size(60)
            .y_label_area_size(80)
            .build_cartesian_2d((x0 - pad)..(x1 + pad), 0f64..y_max)?;
        theme::house_mesh(
            chart
                .configure_mesh()
                .x_desc(format!("Incentive cost of the plan year ({})", d.currency))
                .y_desc("Simulated years (trials)")
                .x_label_formatter(&|v| theme::money_tick(*v))
                .y_label_formatter(&|v| format!("{v:.0}"))
                .x_labels(10)
                .y_labels(8)
                .disable_x_mesh(),
        )
        .draw()?;
        chart
            .draw_series(d.bins.iter().filter(|b| b.2 > 0).map(|b| {
                let mut r = Rectangle::new([(b.0, 0.0), (b.1, b.2 as f64)], BLUE_.mix(0.8).filled());
                r.set_margin(0, 0, 1, 1);
                r
            }))?
            .label("Trials per cost bin")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], BLUE_.mix(0.8).filled()));
        for (v, name, color) in [
            (d.p10, "P10", ORANGE),
            (d.p50, "P50 (median)", VERMILLION),
            (d.p90, "P90", ORANGE),
        ] {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(v, 0.0), (v, y_max)],
                    8,
                    5,
                    color.stroke_width(3),
                ))?
                .label(format!("{name}: {}", money(v)))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3)));
            chart.draw_series(std::iter::once(Text::new(
                name.split(' ').next().unwrap_or(name).to_string(),
                (v, y_max * 0.97),
                theme::text(theme::NOTE, INK).pos(Pos::new(HPos::Center, VPos::Top)),
            )))?;
        }
        theme::legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    }
}

/// One horizontal bar per rep.
#[derive(Debug, Clone)]
pub struct RepBars {
    /// Title.
    pub title: String,
    /// Subtitle.
    pub subtitle: String,
    /// x axis description.
    pub x_desc: String,
    /// (label, value), in drawing order (top first).
    pub bars: Vec<(String, f64)>,
    /// Values are fractions (0..1) shown as percentages; else money.
    pub fraction: bool,
    /// A reference line (value, label).
    pub reference: Option<(f64, String)>,
}

/// Each rep's chance of reaching quota, or each rep's change in pay.
pub struct RepBarsChart<'a>(pub &'a RepBars);

impl Draw for RepBarsChart<'_> {
    fn title(&self) -> String {
        self.0.title.clone()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let d = self.0;
        let n = d.bars.len().max(1);
        let area = theme::header(root, &self.title(), Some(&d.subtitle))?;
        let (lo, hi) = d
            .bars
            .iter()
            .fold((0.0f64, 0.0f64), |(lo, hi), b| (lo.min(b.1), hi.max(b.1)));
        let (x_min, x_max) = if d.fraction {
            (0.0, 1.0)
        } else {
            let m = theme::nice_max(hi.abs().max(lo.abs()).max(1.0) * 1.1);
            (if lo < 0.0 { -m } else { 0.0 }, if hi > 0.0 { m } else { m * 0.1 })
        };
        let label = (560.0 / n as f64).clamp(8.0, theme::LABEL);
        let names: Vec<String> = d.bars.iter().map(|b| theme::clip(&b.0, 24)).collect();
        let mut chart = ChartBuilder::on(&area)
            .margin_left(20)
            .margin_right(40)
            .margin_bottom(10)
            .x_label_area_size(60)
            .y_label_area_size(200)
            .build_cartesian_2d(x_min..x_max, (0..n as i32 - 1).into_segmented())?;
        let row = |y: &SegmentValue<i32>| -> Option<usize> {
            match y {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) if *i >= 0 && (*i as usize) < d.bars.len() => {
                    Some(d.bars.len() - 1 - *i as usize)
                }
                _ => None,
            }
        };
        let fraction = d.fraction;
        chart
            .configure_mesh()
            .x_desc(d.x_desc.clone())
            .y_desc("Rep")
            .x_label_formatter(&|v| {
                if fraction {
                    theme::pct(*v)
                } else {
                    theme::money_tick(*v)
                }
            })
            .y_label_formatter(&|v| row(v).map(|i| names[i].clone()).unwrap_or_default())
            .x_labels(11)
            .y_labels(n)
            .disable_y_mesh()
            .label_style(theme::text(theme::LABEL, INK))
            .y_label_style(theme::text(label, INK))
            .axis_desc_style(theme::text(theme::AXIS, INK))
            .light_line_style(GRID.mix(0.0))
            .bold_line_style(GRID)
            .axis_style(MUTED)
            .draw()?;
        let band = chart.plotting_area().dim_in_pixel().1 as f64 / n as f64;
        let margin = (band * if n < 12 { 0.22 } else { 0.12 }).max(1.0) as u32;
        let at = |i: usize| (d.bars.len() - 1 - i) as i32;
        let color = |v: f64| if v >= 0.0 { GREEN_ } else { VERMILLION };
        chart.draw_series(d.bars.iter().enumerate().map(|(i, b)| {
            let c = if fraction {
                if b.1 >= 0.5 {
                    GREEN_
                } else {
                    ORANGE
                }
            } else {
                color(b.1)
            };
            let mut r = Rectangle::new(
                [(0.0, SegmentValue::Exact(at(i))), (b.1, SegmentValue::Exact(at(i) + 1))],
                c.filled(),
            );
            r.set_margin(margin, margin, 0, 0);
            r
        }))?;
        let tag = theme::text(label, INK).pos(Pos::new(HPos::Left, VPos::Center));
        let tag_neg = theme::text(label, INK).pos(Pos::new(HPos::Right, VPos::Center));
        let span = x_max - x_min;
        chart.draw_series(d.bars.iter().enumerate().map(|(i, b)| {
            let y = SegmentValue::CenterOf(at(i));
            let text = if fraction {
                theme::pct(b.1)
            } else {
                theme::money_tick(b.1)
            };
            if b.1 < 0.0 {
                Text::new(text, (b.1 - span * 0.006, y), tag_neg.clone())
            } else {
                Text::new(text, (b.1 + span * 0.006, y), tag.clone())
            }
        }))?;
        if let Some((v, name)) = &d.reference {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(*v, SegmentValue::Exact(0)), (*v, SegmentValue::Last)],
                    8,
                    5,
                    BLUE_.stroke_width(2),
                ))?
                .label(name.clone())
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], BLUE_.stroke_width(2)));
            theme::legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        }
        if x_min < 0.0 {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(0.0, SegmentValue::Exact(0)), (0.0, SegmentValue::Last)],
                INK.stroke_width(1),
            )))?;
        }
        Ok(())
    }
}

/// One scheme's payout curve under several plans.
#[derive(Debug, Clone)]
pub struct CurveOverlay {
    /// Scheme name.
    pub scheme: String,
    /// Currency.
    pub currency: String,
    /// Per plan: its name and the points (attainment, annual incentive).
    pub plans: Vec<(String, Vec<(f64, f64)>)>,
}

/// The overlay chart.
pub struct CurveOverlayChart<'a>(pub &'a CurveOverlay);

impl Draw for CurveOverlayChart<'_> {
    fn title(&self) -> String {
        format!("Payout curves compared — {}", self.0.scheme)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let d = self.0;
        let area = theme::header(
            root,
            &self.title(),
            Some("Annual incentive if every period ends at the same attainment, under each plan's rules."),
        )?;
        let x_max = d
            .plans
            .iter()
            .flat_map(|p| p.1.iter().map(|q| q.0))
            .fold(0.0, f64::max)
            .max(1.0);
        let y_top = d.plans.iter().flat_map(|p| p.1.iter().map(|q| q.1)).fold(0.0, f64::max);
        let y_max = theme::nice_max(y_top * 1.08);
        let mut chart = theme::attainment_axes(&area, x_max, y_max, format!("Annual incentive ({})", d.currency))?;
        for (i, (name, pts)) in d.plans.iter().enumerate() {
            let c = [BLUE_, VERMILLION, GREEN_, ORANGE]
                .get(i)
                .copied()
                .unwrap_or(PARTS[i % PARTS.len()]);
            let dash = i % 2 == 1;
            if dash {
                chart
                    .draw_series(DashedLineSeries::new(pts.iter().copied(), 10, 6, c.stroke_width(3)))?
                    .label(name.clone())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(3)));
            } else {
                chart
                    .draw_series(LineSeries::new(pts.iter().copied(), c.stroke_width(3)))?
                    .label(name.clone())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(3)));
            }
        }
        theme::legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        Ok(())
    }
}
