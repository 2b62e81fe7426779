//! Component rules (SPEC 4): each turns a rep's period into rounded lines.

use super::lines::{Line, LineKind};
use super::program::tier_lines;
use crate::credit::{div, mul, TooLarge};
use crate::plan::{Basis, Component, ComponentKind, DealLimits, Method, Tier};
use crate::units::{fmt_money_human, fmt_pct, Rounding};
use rust_decimal::Decimal;

/// What a component sees of one rep's period.
pub struct PeriodFacts<'a> {
    /// Rounded quota.
    pub quota: Decimal,
    /// The rep's credit (own or team).
    pub credit: Decimal,
    /// Credit passing this component's filter.
    pub filtered_credit: Decimal,
    /// The prorated bonus target factor: target × active(p) ÷ periods = target × `prorate_num` ÷ `prorate_den`.
    pub prorate_num: Decimal,
    /// See `prorate_num`.
    pub prorate_den: Decimal,
    /// Summed own credit of the override's reps.
    pub override_credit: Decimal,
    /// SPIFF hits of this component in this period: (deal id, split, amount).
    pub spiff_hits: &'a [(String, Decimal, Decimal)],
    /// A per-deal commission's rows in this period: (deal id, credit through its filter).
    pub deals: &'a [(String, Decimal)],
    /// A contest's placing of the rep, in the period the contest pays.
    pub placing: Option<&'a super::contest::Placing>,
    /// The rep's scored objectives in this period: (weight, score).
    pub objectives: &'a [(Decimal, Decimal)],
    /// Rounding mode.
    pub rounding: Rounding,
}

fn line(c: &Component, label: String, basis: Option<Decimal>, rate: Option<Decimal>, amount: Decimal) -> Line {
    Line {
        component: c.name.clone(),
        label,
        basis,
        rate,
        amount,
        kind: LineKind::Earned,
    }
}

/// The payout curve f(A): 0 below the first point, linear between, flat after the last.
///
/// Never overflows: between two points `a` is below the upper one (curve
/// attainments are below 10^15, payouts at most 100), and past the last
/// point nothing is computed.
pub fn curve_at(curve: &[(Decimal, Decimal)], a: Decimal) -> Decimal {
    let Some(first) = curve.first() else {
        return Decimal::ZERO;
    };
    if a < first.0 {
        return Decimal::ZERO;
    }
    for w in curve.windows(2) {
        let ((a0, f0), (a1, f1)) = (w[0], w[1]);
        if a < a1 {
            return f0 + (a - a0) * (f1 - f0) / (a1 - a0);
        }
    }
    curve.last().map(|p| p.1).unwrap_or_default()
}

/// A bonus: the target × the active share of the year `num ÷ den` × the
/// curve's payout `fa`, rounded to cents. Below 10^15 × 366 × 100, no
/// product here overflows.
pub fn bonus_amount(target: Decimal, num: Decimal, den: Decimal, fa: Decimal, r: Rounding) -> Decimal {
    r.money(target * num * fa / den)
}

/// A tier bound in credit: at most 1000 × a quota, or an amount below 10^15.
fn bound(basis: Basis, from: Decimal, quota: Decimal) -> Result<Decimal, TooLarge> {
    match basis {
        Basis::Attainment => mul(from, quota),
        Basis::Amount | Basis::Deal => Ok(from),
    }
}

fn tier_label(basis: Basis, k: usize, tiers: &[Tier]) -> String {
    let show = |x: Decimal| match basis {
        Basis::Attainment => fmt_pct(x),
        Basis::Amount | Basis::Deal => fmt_money_human(x),
    };
    match tiers.get(k + 1) {
        Some(next) => format!("tier {} ({}–{})", k + 1, show(tiers[k].from), show(next.from)),
        None => format!("tier {} (from {})", k + 1, show(tiers[k].from)),
    }
}

/// The tier rule's lines for credit `cr` (labels after `prefix`), pushed to
/// `out`; returns the unrounded amount Σ slice × rate (what a deal's share of
/// the lines is taken of).
#[allow(clippy::too_many_arguments)]
fn tier_rule(
    c: &Component,
    basis: Basis,
    method: Method,
    tiers: &[Tier],
    lo: &[Decimal],
    above: Option<Decimal>,
    cr: Decimal,
    prefix: &str,
    r: Rounding,
    out: &mut Vec<Line>,
) -> Result<Decimal, TooLarge> {
    let mut failed = None;
    let mut total = Decimal::ZERO;
    tier_lines(method, cr, lo, above, |k, slice| {
        match mul(slice, tiers[k].rate).and_then(|x| crate::credit::add(total, x).map(|t| (x, t))) {
            Ok((x, t)) => {
                total = t;
                let label = match method {
                    Method::Marginal => format!("{prefix}{}", tier_label(basis, k, tiers)),
                    Method::Retroactive => format!("{prefix}{}, all credit", tier_label(basis, k, tiers)),
                };
                out.push(line(c, label, Some(slice), Some(tiers[k].rate), r.money(x)));
            }
            Err(e) => failed = Some(e),
        }
    });
    match failed {
        Some(e) => Err(e),
        None => Ok(total),
    }
}

/// The line that brings deal `deal`'s commission `raw` within `lim`, when a
/// bound binds and moves a cent: `amount` is what it adds (negative under a max).
fn limit_line(c: &Component, lim: &DealLimits, deal: &str, raw: Decimal, amount: Decimal) -> Option<Line> {
    let bounded = lim.clamp(raw);
    if bounded == raw || amount.is_zero() {
        return None;
    }
    let which = if bounded < raw { "max" } else { "min" };
    Some(Line {
        component: c.name.clone(),
        label: format!("deal {deal} ({which} {})", fmt_money_human(bounded)),
        basis: Some(raw),
        rate: None,
        amount,
        kind: LineKind::Earned,
    })
}

/// The lines of one component for one period (before its cap), or the
/// product that is beyond the range of exact decimals.
pub fn lines(c: &Component, f: &PeriodFacts) -> Result<Vec<Line>, TooLarge> {
    let r = f.rounding;
    let attainment = || -> Result<Option<Decimal>, TooLarge> {
        if f.quota.is_zero() {
            Ok(None)
        } else {
            div(f.credit, f.quota).map(Some)
        }
    };
    Ok(match &c.kind {
        ComponentKind::Commission {
            basis,
            method,
            tiers,
            above,
            deal_limits,
            ..
        } => {
            if *basis == Basis::Attainment && f.quota.is_zero() {
                return Ok(Vec::new());
            }
            let lo: Vec<Decimal> = tiers
                .iter()
                .map(|t| bound(*basis, t.from, f.quota))
                .collect::<Result<_, _>>()?;
            let above = above.map(|a| bound(*basis, a, f.quota)).transpose()?;
            let tiered = |cr: Decimal, prefix: &str, out: &mut Vec<Line>| -> Result<Decimal, TooLarge> {
                tier_rule(c, *basis, *method, tiers, &lo, above, cr, prefix, r, out)
            };
            let mut out = Vec::new();
            if *basis == Basis::Deal {
                // Each deal row's own credit through the tiers, bounded by the deal limits.
                // The bounds compare the deal's rounded tier lines, so a deal's pay never falls as it grows.
                for (deal, cr) in f.deals.iter().filter(|(_, cr)| *cr > Decimal::ZERO) {
                    let first = out.len();
                    tiered(*cr, &format!("deal {deal}, "), &mut out)?;
                    if let Some(lim) = deal_limits {
                        let earned: Decimal = out[first..].iter().map(|l| l.amount).sum();
                        if let Some(l) = limit_line(c, lim, deal, earned, r.money(lim.clamp(earned)) - earned) {
                            out.push(l);
                        }
                    }
                }
                return Ok(out);
            }
            let cr = f.filtered_credit;
            if cr <= Decimal::ZERO {
                return Ok(Vec::new());
            }
            let total = tiered(cr, "", &mut out)?;
            if let Some(lim) = deal_limits {
                // Each deal's share of the lines, total × its credit ÷ the credit, bounded.
                for (deal, d) in f.deals.iter().filter(|(_, d)| *d > Decimal::ZERO) {
                    let share = div(mul(total, *d)?, cr)?;
                    if let Some(l) = limit_line(c, lim, deal, share, r.money(lim.clamp(share) - share)) {
                        out.push(l);
                    }
                }
            }
            out
        }
        ComponentKind::Bonus { target, curve } => {
            let Some(a) = attainment()? else { return Ok(Vec::new()) };
            let fa = curve_at(curve, a);
            if fa.is_zero() {
                return Ok(Vec::new());
            }
            // Below 10^15 × 366 × 100: no product here overflows.
            let target_p = *target * f.prorate_num / f.prorate_den;
            let amount = bonus_amount(*target, f.prorate_num, f.prorate_den, fa, r);
            vec![line(
                c,
                format!("target × f({})", crate::units::fmt_dp(a, 4, r)),
                Some(target_p),
                Some(fa),
                amount,
            )]
        }
        ComponentKind::Milestone { at, amount } => match attainment()? {
            Some(a) if a >= *at => vec![line(
                c,
                format!("attainment ≥ {}", fmt_pct(*at)),
                None,
                None,
                r.money(*amount),
            )],
            _ => Vec::new(),
        },
        ComponentKind::Spiff { per_deal, split, .. } => f
            .spiff_hits
            .iter()
            .map(|(deal, share, amount)| {
                if *split {
                    line(c, format!("deal {deal}"), Some(*per_deal), Some(*share), *amount)
                } else {
                    line(c, format!("deal {deal} (paid whole)"), Some(*per_deal), None, *amount)
                }
            })
            .collect(),
        ComponentKind::Contest { .. } => match f.placing {
            Some(pl) if !pl.prize.is_zero() => vec![line(c, pl.label.clone(), Some(pl.score), None, pl.prize)],
            _ => Vec::new(),
        },
        ComponentKind::Mbo { target, max_score } => {
            if f.objectives.is_empty() {
                return Ok(Vec::new());
            }
            // Σ weight × min(score, max_score): weights ≤ 100, scores ≤ 100, a handful of rows.
            let score: Decimal = f.objectives.iter().map(|(w, s)| *w * (*s).min(*max_score)).sum();
            if score.is_zero() {
                return Ok(Vec::new());
            }
            let target_p = *target * f.prorate_num / f.prorate_den;
            let amount = bonus_amount(*target, f.prorate_num, f.prorate_den, score, r);
            vec![line(
                c,
                format!("target × Σ weight × score ({} objective(s))", f.objectives.len()),
                Some(target_p),
                Some(score),
                amount,
            )]
        }
        ComponentKind::Override { rate, .. } => {
            if f.override_credit.is_zero() {
                return Ok(Vec::new());
            }
            vec![line(
                c,
                "reports' credit".to_string(),
                Some(f.override_credit),
                Some(*rate),
                r.money(mul(f.override_credit, *rate)?),
            )]
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn curve_is_zero_below_linear_between_flat_after() {
        let c = [(dec!(0.8), dec!(0.5)), (dec!(1.0), dec!(1.0)), (dec!(1.5), dec!(2.0))];
        assert_eq!(curve_at(&c, dec!(0.79)), dec!(0));
        assert_eq!(curve_at(&c, dec!(0.8)), dec!(0.5));
        assert_eq!(curve_at(&c, dec!(0.9)), dec!(0.75));
        assert_eq!(curve_at(&c, dec!(1.2)), dec!(1.4));
        assert_eq!(curve_at(&c, dec!(3)), dec!(2.0));
    }
}
