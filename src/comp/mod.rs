//! The pay engine: components, caps, clawbacks and draws → every rep's pay, line by line.
//!
//! `evaluate` walks each rep's periods in order (caps per year, clawbacks
//! and draw balances depend on earlier periods). It reads nothing but its
//! arguments and never prints.

pub mod components;
pub mod lines;
pub mod settle;

pub use lines::{Line, LineKind, PeriodPay};

use crate::calendar::Calendar;
use crate::credit::{credit_set, quota, Ledger, Tenure};
use crate::data::quotas::Quotas;
use crate::data::Roster;
use crate::diag::Diagnostic;
use crate::plan::{ComponentKind, Plan, Scope};
use components::PeriodFacts;
use rust_decimal::Decimal;

/// SPIFF hits by (rep, period, component): (deal id, split, amount).
type SpiffIndex = std::collections::BTreeMap<(usize, usize, usize), Vec<(String, Decimal, Decimal)>>;

/// One rep's year.
#[derive(Debug, Clone)]
pub struct RepPay {
    /// Rep index in the roster.
    pub rep: usize,
    /// One entry per period.
    pub periods: Vec<PeriodPay>,
}

impl RepPay {
    /// Sum of a field over the year.
    pub fn total(&self, f: impl Fn(&PeriodPay) -> Decimal) -> Decimal {
        self.periods.iter().map(f).sum()
    }

    /// The balance left at the end of the year.
    pub fn final_balance(&self) -> Decimal {
        self.periods.last().map(|p| p.balance).unwrap_or_default()
    }
}

/// The whole evaluation.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// Every rep, in roster order.
    pub reps: Vec<RepPay>,
    /// Warnings (quota 0, balances left, ...).
    pub warnings: Vec<Diagnostic>,
}

/// Pays every rep of the roster for the plan year.
#[allow(clippy::needless_range_loop)] // `p` indexes several per-period tables at once
pub fn evaluate(plan: &Plan, roster: &Roster, cal: &Calendar, ledger: &Ledger, explicit: &Quotas) -> Evaluation {
    let n = cal.periods();
    let mut warnings = Vec::new();
    // Own credit per rep and period (overrides and team credit sum these).
    let own: Vec<Vec<Decimal>> = (0..roster.reps.len())
        .map(|r| (0..n).map(|p| ledger.credit(r, p)).collect())
        .collect();
    let mut spiffs: SpiffIndex = Default::default();
    for h in &ledger.spiffs {
        spiffs
            .entry((h.rep, h.period, h.component))
            .or_default()
            .push((h.deal_id.clone(), h.split, h.amount));
    }
    let mut reps = Vec::with_capacity(roster.reps.len());
    for (r, rep) in roster.reps.iter().enumerate() {
        let scheme = &plan.schemes[rep.scheme];
        let tenure = Tenure::of(rep, cal);
        let set = credit_set(plan, roster, r);
        let override_set = |scope: Scope| match scope {
            Scope::Direct => roster.reports[r].clone(),
            Scope::All => roster.descendants(r),
        };
        let mut periods: Vec<PeriodPay> = Vec::with_capacity(n);
        let mut year = settle::YearState::default();
        for p in 0..n {
            let q = quota::quota(plan, scheme, &tenure, cal, explicit, r, p);
            let credit: Decimal = set.iter().map(|&x| own[x][p]).sum();
            let attainment = (!q.is_zero()).then(|| credit / q);
            if q.is_zero() && (tenure.active(cal, p).0 > Decimal::ZERO || !credit.is_zero()) {
                warnings.push(Diagnostic::warning(format!(
                    "rep {} has quota 0 in {}: attainment is not defined and attainment-based components pay nothing",
                    rep.id,
                    cal.label(p)
                )));
            }
            let (num, den) = tenure.active(cal, p);
            let mut lines = Vec::new();
            let mut commission = Decimal::ZERO;
            for (ci, c) in scheme.components.iter().enumerate() {
                let filtered_credit = match &c.kind {
                    ComponentKind::Commission { filter, .. } if !filter.is_all() => set
                        .iter()
                        .map(|&x| ledger.credit_where(x, p, |t, pr| filter.passes(t, pr)))
                        .sum(),
                    _ => credit,
                };
                let override_credit = match &c.kind {
                    ComponentKind::Override { scope, .. } => override_set(*scope).iter().map(|&x| own[x][p]).sum(),
                    _ => Decimal::ZERO,
                };
                let hits = spiffs.get(&(r, p, ci)).map(Vec::as_slice).unwrap_or(&[]);
                let facts = PeriodFacts {
                    quota: q,
                    credit,
                    filtered_credit,
                    prorate_num: num,
                    prorate_den: den * Decimal::from(n as u64),
                    override_credit,
                    spiff_hits: hits,
                    rounding: plan.rounding,
                };
                let mut cl = components::lines(c, &facts);
                let amount = settle::cap_component(c, &mut cl);
                if matches!(c.kind, ComponentKind::Commission { .. }) {
                    commission += amount;
                }
                lines.extend(cl);
            }
            let mut pay = PeriodPay {
                quota: q,
                credit,
                own_credit: own[r][p],
                attainment,
                lines,
                ..PeriodPay::default()
            };
            settle::scheme_caps(scheme, &mut pay, &mut year);
            year.commission_rate.push((commission, credit));
            settle::clawbacks(ledger, r, p, &mut pay, &year, plan.rounding);
            let guarantee = match &scheme.draw {
                Some(d) if tenure.draw_active(cal, p, d.months) => {
                    Some((plan.rounding.money(d.amount * num / den), d.recoverable))
                }
                _ => None,
            };
            settle::draw(&mut pay, guarantee, &mut year);
            pay.base_pay = plan
                .rounding
                .money(scheme.base_salary * num / (den * Decimal::from(n as u64)));
            pay.total_pay = pay.base_pay + pay.incentive_paid;
            periods.push(pay);
        }
        if !year.balance.is_zero() {
            warnings.push(Diagnostic::warning(format!(
                "rep {} ends the year owing {} (reported, not charged to base pay)",
                rep.id,
                crate::units::fmt_money(year.balance)
            )));
        }
        reps.push(RepPay { rep: r, periods });
    }
    Evaluation { reps, warnings }
}
