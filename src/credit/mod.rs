//! Credit, quotas and attainment: pure functions over the plan and the data.

pub mod ledger;
pub mod quota;

pub use ledger::{ClawHit, Ledger, Outside, SpiffHit};
pub use quota::Tenure;

use crate::data::Roster;
use crate::plan::{CreditScope, Plan};

/// The reps whose own credit counts toward `rep`'s credit (the rep first).
pub fn credit_set(plan: &Plan, roster: &Roster, rep: usize) -> Vec<usize> {
    let mut set = vec![rep];
    match plan.schemes[roster.reps[rep].scheme].credit {
        CreditScope::Own => {}
        CreditScope::DirectTeam => set.extend(&roster.reports[rep]),
        CreditScope::Team => set.extend(roster.descendants(rep)),
    }
    set
}
