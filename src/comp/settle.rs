//! Settling a period: component caps, scheme caps, clawbacks and draws.

use super::lines::{Line, LineKind, PeriodPay};
use crate::credit::{add, div, mul, sum, Ledger, TooLarge};
use crate::plan::{Component, Scheme};
use crate::units::{fmt_money_human, Rounding};
use rust_decimal::Decimal;

/// What carries from one period to the next.
#[derive(Debug, Default)]
pub struct YearState {
    /// Earned total of the earlier periods (for the year cap).
    pub earned_so_far: Decimal,
    /// What the rep owes (draws recoverable, carried deficits).
    pub balance: Decimal,
    /// Per earlier period: (commission after component caps, credit).
    pub commission_rate: Vec<(Decimal, Decimal)>,
}

/// A cap in whole cents: fractions of a cent are dropped, so a cut line stays in
/// cents and the amount never exceeds the cap as written.
fn cents_below(cap: Decimal) -> Decimal {
    cap.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero)
}

/// Σ of the lines of one kind, or the overflow.
pub fn lines_sum(pay: &PeriodPay, kind: LineKind) -> Result<Decimal, TooLarge> {
    sum(pay.lines.iter().filter(|l| l.kind == kind).map(|l| l.amount))
}

/// Applies a component's cap to its lines; returns the component's amount.
pub fn cap_component(c: &Component, lines: &mut Vec<Line>) -> Result<Decimal, TooLarge> {
    let amount = sum(lines.iter().map(|l| l.amount))?;
    Ok(match c.cap.map(cents_below) {
        Some(cap) if amount > cap => {
            lines.push(Line {
                component: c.name.clone(),
                label: format!("cap {}", fmt_money_human(cap)),
                basis: Some(amount),
                rate: None,
                amount: cap - amount,
                kind: LineKind::Earned,
            });
            cap
        }
        _ => amount,
    })
}

/// Applies the scheme's period and year caps (in whole cents) and sets `earned`.
pub fn scheme_caps(scheme: &Scheme, pay: &mut PeriodPay, year: &mut YearState) -> Result<(), TooLarge> {
    let mut e = lines_sum(pay, LineKind::Earned)?;
    let cut = |label: String, before: Decimal, to: Decimal, lines: &mut Vec<Line>| {
        lines.push(Line {
            component: "scheme cap".into(),
            label,
            basis: Some(before),
            rate: None,
            amount: to - before,
            kind: LineKind::Earned,
        });
    };
    if let Some(cap) = scheme.cap_period.map(cents_below) {
        if e > cap {
            cut(format!("period cap {}", fmt_money_human(cap)), e, cap, &mut pay.lines);
            e = cap;
        }
    }
    if let Some(cap) = scheme.cap_year.map(cents_below) {
        let room = (cap - year.earned_so_far).max(Decimal::ZERO);
        if e > room {
            cut(
                format!(
                    "year cap {} ({} earned before)",
                    fmt_money_human(cap),
                    fmt_money_human(year.earned_so_far)
                ),
                e,
                room,
                &mut pay.lines,
            );
            e = room;
        }
    }
    year.earned_so_far = add(year.earned_so_far, e)?;
    pay.earned = e;
    Ok(())
}

/// The commission a clawback recovers, unrounded: the cancelled row's credit
/// `h` at its close period's commission per unit of credit,
/// `h × commission ÷ credit`, multiplied first (the engine's order since the
/// start). Where that product is beyond the range of exact decimals although
/// the result is not (a deal near 10^15, or heavily weighted), it is
/// `h × (commission ÷ credit)`: the rate the statement line shows, times its
/// basis, to Decimal's 28 significant digits. Every product that fits gives
/// the same number as before.
pub fn clawback_amount(h: Decimal, commission: Decimal, credit: Decimal) -> Result<Decimal, TooLarge> {
    match h.checked_mul(commission).and_then(|x| x.checked_div(credit)) {
        Some(x) => Ok(x),
        None => mul(h, div(commission, credit)?),
    }
}

/// Adds the clawback lines of deals cancelled in period `p`.
pub fn clawbacks(
    ledger: &Ledger,
    rep: usize,
    p: usize,
    pay: &mut PeriodPay,
    year: &YearState,
    rounding: Rounding,
) -> Result<(), TooLarge> {
    for h in ledger.clawbacks.iter().filter(|h| h.rep == rep && h.cancel_period == p) {
        let (commission, credit) = year.commission_rate.get(h.close_period).copied().unwrap_or_default();
        if credit.is_zero() || commission.is_zero() {
            continue;
        }
        let amount = -rounding.money(clawback_amount(h.credit, commission, credit)?);
        pay.lines.push(Line {
            component: "clawback".into(),
            label: format!("deal {} cancelled {}", h.deal_id, h.cancel_date),
            basis: Some(h.credit),
            rate: Some(div(commission, credit)?),
            amount,
            kind: LineKind::Clawback,
        });
    }
    pay.clawback = lines_sum(pay, LineKind::Clawback)?;
    Ok(())
}

/// Applies the draw guarantee (amount, recoverable) and recovers or carries balances.
pub fn draw(pay: &mut PeriodPay, guarantee: Option<(Decimal, bool)>, year: &mut YearState) -> Result<(), TooLarge> {
    let net = add(pay.earned, pay.clawback)?;
    let (d, recoverable) = guarantee.unwrap_or((Decimal::ZERO, false));
    let push = |label: &str, basis: Option<Decimal>, amount: Decimal, kind: LineKind, lines: &mut Vec<Line>| {
        if !amount.is_zero() {
            lines.push(Line {
                component: "draw".into(),
                label: label.into(),
                basis,
                rate: None,
                amount,
                kind,
            });
        }
    };
    if net >= d {
        // 0 ≤ net - d ≤ net, 0 ≤ recovered ≤ balance: no difference here overflows.
        let recovered = year.balance.min(net - d).max(Decimal::ZERO);
        year.balance -= recovered;
        pay.recovered = recovered;
        pay.incentive_paid = net - recovered;
        push(
            "recovery of earlier balance",
            Some(year.balance + recovered),
            -recovered,
            LineKind::Recovered,
            &mut pay.lines,
        );
    } else {
        // net < d < 10^15 (a draw is money): topup ≤ d; deficit = -net.
        let topup = d - net.max(Decimal::ZERO);
        let deficit = (-net).max(Decimal::ZERO);
        year.balance = add(year.balance, deficit)?;
        if recoverable {
            year.balance = add(year.balance, topup)?;
        }
        pay.draw_topup = topup;
        pay.deficit = deficit;
        pay.incentive_paid = d;
        let label = if recoverable {
            "draw top-up (recoverable)"
        } else {
            "draw top-up (non-recoverable)"
        };
        push(label, Some(d), topup, LineKind::DrawTopup, &mut pay.lines);
        push(
            "deficit carried forward",
            None,
            deficit,
            LineKind::Deficit,
            &mut pay.lines,
        );
    }
    pay.balance = year.balance;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn a_clawback_too_large_to_multiply_first_is_still_paid() {
        // A deal of 9 × 10^12 at weight 100: credit 9 × 10^14, commission 10% of it.
        // credit × commission = 8.1 × 10^28 is beyond Decimal's range; the result is not.
        let (h, cm) = (dec!(900_000_000_000_000), dec!(90_000_000_000_000));
        assert!(h.checked_mul(cm).is_none());
        assert_eq!(clawback_amount(h, cm, h), Ok(dec!(90_000_000_000_000)));
        // 899,999,999,999,999 cancelled beside 100,000,000,000,000.01 won, 10% of the
        // quarter's credit: exactly 89,999,999,999,999.8991000000000000001090..., .90 in cents.
        let x = clawback_amount(
            dec!(899_999_999_999_999),
            dec!(99_999_999_999_999.90),
            dec!(999_999_999_999_999.01),
        )
        .unwrap();
        assert_eq!(Rounding::HalfUp.money(x), dec!(89_999_999_999_999.90));
        // Where the product fits, the order is the engine's own (multiply, then divide).
        let (h, cm, cr) = (dec!(1234.57), dec!(200.01), dec!(3333.33));
        assert_eq!(clawback_amount(h, cm, cr), Ok(h * cm / cr));
        // A result that cannot be represented is an error, not a panic.
        assert!(clawback_amount(Decimal::MAX, dec!(100), dec!(0.5)).is_err());
    }
}
