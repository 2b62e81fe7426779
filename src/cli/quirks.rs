//! Noticing what a real export gets wrong, and saying so (never fixing it silently).

use crate::credit::Ledger;
use crate::data::{Opp, Problems, Roster};
use crate::diag::Diagnostic;
use crate::plan::{ComponentKind, Plan};
use std::collections::BTreeSet;

/// Adds warnings for products the plan names that no deal has (with the closest
/// product that does), and for reps without any opportunity when a pipeline was given.
pub fn report(plan: &Plan, roster: &Roster, ledger: &Ledger, opps: &[Opp], problems: &mut Problems) {
    let seen: BTreeSet<&str> = ledger.products().collect();
    let mut named: BTreeSet<&str> = BTreeSet::new();
    for s in &plan.schemes {
        named.extend(s.products.keys().map(String::as_str));
        for c in &s.components {
            let filter = match &c.kind {
                ComponentKind::Commission { filter, .. } | ComponentKind::Spiff { filter, .. } => filter,
                _ => continue,
            };
            named.extend(filter.products.iter().flatten().map(String::as_str));
        }
    }
    if !seen.is_empty() {
        for p in named.into_iter().filter(|p| !seen.contains(p)) {
            let near = seen.iter().find(|s| squash(s) == squash(p));
            let help = match near {
                Some(s) => format!(
                    "the deals call it {s:?}: the export spells this product two ways; correct the plan or the data"
                ),
                None => format!(
                    "products in the deals: {}",
                    seen.iter().copied().collect::<Vec<_>>().join(", ")
                ),
            };
            problems
                .warn(Diagnostic::warning(format!("the plan names product {p:?}, which no deal has")).with_help(help));
        }
    }
    if !opps.is_empty() {
        let mut with: Vec<bool> = vec![false; roster.reps.len()];
        for o in opps {
            with[o.rep] = true;
        }
        let idle: Vec<&str> = roster
            .reps
            .iter()
            .zip(&with)
            .filter(|(r, w)| !**w && roster.reports[roster.find(&r.id).unwrap_or(0)].is_empty())
            .map(|(r, _)| r.id.as_str())
            .collect();
        if !idle.is_empty() {
            problems.warn(Diagnostic::warning(format!(
                "{} rep(s) have no opportunities: {}",
                idle.len(),
                idle.join(", ")
            )));
        }
    }
}

/// A product name without spaces, dashes or case, to spot the same product spelt two ways.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}
