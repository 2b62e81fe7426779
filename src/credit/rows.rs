//! One deal row's credit, and the reps it is credited to: the rule behind the
//! ledger's sums and behind credits.csv and `explain --deals`, written once.

use crate::data::{DealRow, Roster};
use crate::plan::{CreditScope, Plan};
use rust_decimal::Decimal;

/// How a deal row counts toward a rep's credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The rep's own deal row.
    Own,
    /// A deal row of someone below the rep, counted by a team scheme.
    Team,
}

impl Role {
    /// The name written in credits.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Own => "own",
            Role::Team => "team",
        }
    }
}

/// A deal row's credit: the weight of its deal type and the multiplier of its
/// product and column values in its own rep's scheme, and amount × split ×
/// weight × multiplier (unrounded). With an amount below 10^15, a split ≤ 1,
/// a weight and a product multiplier ≤ 100 and the column multipliers together
/// ≤ 100 (the loader's bounds) the product stays far inside exact decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowCredit {
    /// The measured value before split: amount, margin or quantity.
    pub value: Decimal,
    /// Weight of the deal type.
    pub weight: Decimal,
    /// Multiplier of the product × the scheme's column multipliers of the row.
    pub multiplier: Decimal,
    /// The credit.
    pub credit: Decimal,
}

/// The credit of `row` under the scheme of its rep's assignment on the close date.
pub fn row_credit(row: &DealRow, plan: &Plan, roster: &Roster) -> RowCredit {
    let scheme = &plan.schemes[roster.segs[roster.seg_at(row.rep, row.close)].scheme];
    let weight = scheme.weights[row.deal_type.index()];
    let multiplier = scheme.multiplier(row.product) * scheme.column_multiplier(row.attrs);
    let value = measured(row, scheme.measure);
    RowCredit {
        value,
        weight,
        multiplier,
        credit: value * row.split * weight * multiplier,
    }
}

/// What a row's credit measures under `measure`: its amount, margin or
/// quantity, before split (a missing margin or quantity is refused when the
/// file is read; 0 here).
pub fn measured(row: &DealRow, measure: crate::plan::Measure) -> Decimal {
    match measure {
        crate::plan::Measure::Amount => row.amount,
        crate::plan::Measure::Margin => row.margin.unwrap_or_default(),
        crate::plan::Measure::Units => row.quantity.unwrap_or_default(),
    }
}

/// Every rep a deal row of `rep` closed on `day` is credited to, with how:
/// `rep` itself, then up the reporting line in force on that day each manager
/// whose assignment's scheme counts it (a `team` scheme at any level above, a
/// `direct_team` scheme for the direct manager).
pub fn credited<'a>(
    plan: &'a Plan,
    roster: &'a Roster,
    rep: usize,
    day: chrono::NaiveDate,
) -> impl Iterator<Item = (usize, Role)> + 'a {
    let mut above = roster.segs[roster.seg_at(rep, day)].manager;
    let mut first = true;
    let mut seen = 0usize;
    std::iter::once((rep, Role::Own)).chain(std::iter::from_fn(move || {
        while let Some(m) = above {
            // A cycle is refused when the roster is read; the bound keeps this finite regardless.
            seen += 1;
            if seen > roster.reps.len() {
                return None;
            }
            let direct = std::mem::replace(&mut first, false);
            let seg = &roster.segs[roster.seg_on(m, day)];
            above = seg.manager;
            match plan.schemes[seg.scheme].credit {
                CreditScope::Team => return Some((m, Role::Team)),
                CreditScope::DirectTeam if direct => return Some((m, Role::Team)),
                _ => {}
            }
        }
        None
    }))
}
