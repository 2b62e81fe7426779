//! Territory balance and span of control.
//!
//! A balanced design gives every rep a similar opportunity: potential and
//! accounts per rep are compared with the mean over territories (index 100 =
//! average) and territories more than 20% away are flagged.

use crate::data::Roster;
use crate::diag::Diagnostic;
use crate::plan::Plan;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// One territory's balance.
#[derive(Debug, Clone)]
pub struct Balance {
    /// Territory id.
    pub id: String,
    /// Reps in the territory (as in reps.csv).
    pub reps: usize,
    /// Market potential per rep.
    pub potential_per_rep: Option<Decimal>,
    /// Accounts per rep.
    pub accounts_per_rep: Option<Decimal>,
    /// Potential per rep against the mean over territories (100 = average).
    pub potential_index: Option<Decimal>,
    /// Accounts per rep against the mean (100 = average).
    pub accounts_index: Option<Decimal>,
    /// Whether either index is more than 20% off the mean.
    pub off: bool,
}

/// The balance of every territory and the coefficient of variation of potential per rep.
pub fn balance(plan: &Plan, roster: &Roster) -> (Vec<Balance>, Option<f64>) {
    let mut rows: Vec<Balance> = plan
        .territories
        .iter()
        .map(|t| {
            let reps = roster
                .reps
                .iter()
                .filter(|r| r.territory.as_deref() == Some(t.id.as_str()))
                .count();
            let per = |x: Option<Decimal>| x.filter(|_| reps > 0).map(|v| v / Decimal::from(reps as u64));
            Balance {
                id: t.id.clone(),
                reps,
                potential_per_rep: per(t.potential),
                accounts_per_rep: per(t.accounts.map(Decimal::from)),
                potential_index: None,
                accounts_index: None,
                off: false,
            }
        })
        .collect();
    let mean = |v: Vec<Decimal>| (!v.is_empty()).then(|| v.iter().sum::<Decimal>() / Decimal::from(v.len() as u64));
    let pm = mean(rows.iter().filter_map(|b| b.potential_per_rep).collect());
    let am = mean(rows.iter().filter_map(|b| b.accounts_per_rep).collect());
    let twenty = Decimal::from(20);
    for b in &mut rows {
        let index = |x: Option<Decimal>, m: Option<Decimal>| match (x, m) {
            (Some(x), Some(m)) if !m.is_zero() => Some((x / m * Decimal::ONE_HUNDRED).round_dp(1)),
            _ => None,
        };
        b.potential_index = index(b.potential_per_rep, pm);
        b.accounts_index = index(b.accounts_per_rep, am);
        b.off = [b.potential_index, b.accounts_index]
            .iter()
            .flatten()
            .any(|i| (*i - Decimal::ONE_HUNDRED).abs() > twenty);
    }
    let per: Vec<f64> = rows
        .iter()
        .filter_map(|b| b.potential_per_rep.and_then(|d| d.to_f64()))
        .collect();
    let cv = (per.len() > 1).then(|| {
        let n = per.len() as f64;
        let m = per.iter().sum::<f64>() / n;
        let var = per.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n;
        if m == 0.0 {
            0.0
        } else {
            var.sqrt() / m
        }
    });
    (rows, cv)
}

/// Warnings for managers with more direct reports than `structure.max_span`.
pub fn span_of_control(plan: &Plan, roster: &Roster) -> Vec<Diagnostic> {
    let Some(max) = plan.structure.as_ref().and_then(|s| s.max_span) else {
        return Vec::new();
    };
    roster
        .reps
        .iter()
        .zip(&roster.reports)
        .filter(|(_, r)| r.len() as u64 > max)
        .map(|(m, r)| {
            Diagnostic::warning(format!(
                "{} ({}) has {} direct reports, above the span of control of {max}",
                m.name,
                m.id,
                r.len()
            ))
        })
        .collect()
}
