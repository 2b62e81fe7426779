//! Contests: the reps of a scheme ranked by their score over a window, each
//! place winning its prize; reps tied on a score share equally the prizes of
//! the places they hold together.

use crate::plan::{ComponentKind, Plan};
use crate::units::Rounding;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One rep's result in a contest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placing {
    /// The statement line: `place 2`, or `tie for places 2–3 (2 reps)`.
    pub label: String,
    /// The rep's score (credit, or won rows).
    pub score: Decimal,
    /// The prize, rounded to cents.
    pub prize: Decimal,
}

/// Every contest's winners by (scheme, component, rep), from the scores by
/// the same key. Reps with a score of 0 or less place nowhere, nor do reps
/// not on the contest's scheme on its last day (`on(scheme, rep, day)`): a
/// rep who moved to another scheme leaves the contest, the others move up.
pub fn placings(
    plan: &Plan,
    scores: &BTreeMap<(usize, usize, usize), Decimal>,
    rounding: Rounding,
    on: impl Fn(usize, usize, chrono::NaiveDate) -> bool,
) -> BTreeMap<(usize, usize, usize), Placing> {
    let mut out = BTreeMap::new();
    let mut by_contest: BTreeMap<(usize, usize), Vec<(usize, Decimal)>> = BTreeMap::new();
    for (&(s, c, r), &x) in scores {
        if x > Decimal::ZERO {
            by_contest.entry((s, c)).or_default().push((r, x));
        }
    }
    for ((s, c), mut ranked) in by_contest {
        let Some(ComponentKind::Contest { prizes, to, .. }) =
            plan.schemes.get(s).and_then(|x| x.components.get(c)).map(|x| &x.kind)
        else {
            continue;
        };
        ranked.retain(|&(r, _)| on(s, r, *to));
        // Highest score first; reps in roster order within a tie (the prize is the same).
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let n = prizes.len();
        let mut pos = 0;
        for tie in ranked.chunk_by(|a, b| a.1 == b.1) {
            if pos >= n {
                break;
            }
            let m = tie.len();
            let won: Decimal = prizes[pos..(pos + m).min(n)].iter().sum();
            let prize = rounding.money(won / Decimal::from(m as u64));
            let label = if m == 1 {
                format!("place {}", pos + 1)
            } else {
                format!("tie for places {}–{} ({m} reps)", pos + 1, pos + m)
            };
            for &(r, score) in tie {
                out.insert(
                    (s, c, r),
                    Placing {
                        label: label.clone(),
                        score,
                        prize,
                    },
                );
            }
            pos += m;
        }
    }
    out
}
