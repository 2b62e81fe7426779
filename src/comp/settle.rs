//! Settling a period: component caps, scheme caps, clawbacks and draws.

use super::lines::{Line, LineKind, PeriodPay};
use crate::credit::Ledger;
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

/// Applies a component's cap to its lines; returns the component's amount.
pub fn cap_component(c: &Component, lines: &mut Vec<Line>) -> Decimal {
    let amount: Decimal = lines.iter().map(|l| l.amount).sum();
    match c.cap.map(cents_below) {
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
    }
}

/// Applies the scheme's period and year caps (in whole cents) and sets `earned`.
pub fn scheme_caps(scheme: &Scheme, pay: &mut PeriodPay, year: &mut YearState) {
    let mut e: Decimal = pay.sum(LineKind::Earned);
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
    year.earned_so_far += e;
    pay.earned = e;
}

/// Adds the clawback lines of deals cancelled in period `p`.
pub fn clawbacks(ledger: &Ledger, rep: usize, p: usize, pay: &mut PeriodPay, year: &YearState, rounding: Rounding) {
    for h in ledger.clawbacks.iter().filter(|h| h.rep == rep && h.cancel_period == p) {
        let (commission, credit) = year.commission_rate.get(h.close_period).copied().unwrap_or_default();
        if credit.is_zero() || commission.is_zero() {
            continue;
        }
        let amount = -rounding.money(h.credit * commission / credit);
        pay.lines.push(Line {
            component: "clawback".into(),
            label: format!("deal {} cancelled {}", h.deal_id, h.cancel_date),
            basis: Some(h.credit),
            rate: Some(commission / credit),
            amount,
            kind: LineKind::Clawback,
        });
    }
    pay.clawback = pay.sum(LineKind::Clawback);
}

/// Applies the draw guarantee (amount, recoverable) and recovers or carries balances.
pub fn draw(pay: &mut PeriodPay, guarantee: Option<(Decimal, bool)>, year: &mut YearState) {
    let net = pay.earned + pay.clawback;
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
        let topup = d - net.max(Decimal::ZERO);
        let deficit = (-net).max(Decimal::ZERO);
        year.balance += deficit;
        if recoverable {
            year.balance += topup;
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
}
