//! Credit, quotas and attainment: pure functions over the plan and the data.

pub mod ledger;
pub mod quota;
pub mod rows;

pub use ledger::{ClawHit, DealHit, Ledger, Outside, SpiffHit};
pub use quota::Tenure;

use crate::data::Roster;
use crate::plan::{CreditScope, Plan};
use rust_decimal::Decimal;

/// The reps whose own credit counts toward `rep`'s credit (the rep first).
///
/// For a team scheme this lists the whole subtree: summing it for every rep
/// costs the square of the tree's depth. [`TreeSums`] gives the same sums in
/// one pass.
pub fn credit_set(plan: &Plan, roster: &Roster, rep: usize) -> Vec<usize> {
    let mut set = vec![rep];
    match plan.schemes[roster.reps[rep].scheme].credit {
        CreditScope::Own => {}
        CreditScope::DirectTeam => set.extend(&roster.reports[rep]),
        CreditScope::Team => set.extend(roster.descendants(rep)),
    }
    set
}

/// A sum beyond the range of exact decimals (about ±7.9 × 10^28): the
/// operation that would overflow, written out with its operands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLarge(pub String);

/// `a + b`, or the overflow.
pub fn add(a: Decimal, b: Decimal) -> Result<Decimal, TooLarge> {
    a.checked_add(b).ok_or_else(|| TooLarge(format!("{a} + {b}")))
}

/// `a × b`, or the overflow.
pub fn mul(a: Decimal, b: Decimal) -> Result<Decimal, TooLarge> {
    a.checked_mul(b).ok_or_else(|| TooLarge(format!("{a} × {b}")))
}

/// `a ÷ b` (b ≠ 0), or the overflow.
pub fn div(a: Decimal, b: Decimal) -> Result<Decimal, TooLarge> {
    a.checked_div(b).ok_or_else(|| TooLarge(format!("{a} ÷ {b}")))
}

/// Σ of the values in order (from zero, as `Iterator::sum` adds them), or the overflow.
pub fn sum(values: impl IntoIterator<Item = Decimal>) -> Result<Decimal, TooLarge> {
    values.into_iter().try_fold(Decimal::ZERO, add)
}

/// `a + b` and whether it is exact (no digit rounded away: the sum keeps the
/// finer of the two scales), or `None` on overflow.
fn add_exact(a: Decimal, b: Decimal) -> Option<(Decimal, bool)> {
    let s = a.checked_add(b)?;
    Some((s, s.scale() >= a.scale().max(b.scale())))
}

/// Sums of one value per rep over the reporting tree, built bottom-up in one
/// pass (time and memory linear in the roster, whatever its depth): for each
/// rep, the rep's value plus everyone's below it (`team`), and everyone's
/// below it (`below`).
///
/// The engine has always summed a team in the order [`credit_set`] lists it
/// (the rep, then its subtree depth first, from zero). Decimal addition is
/// exact, hence independent of the order, while no sum rounds a digit away;
/// so where every value of a subtree is non-negative and every partial sum of
/// the bottom-up pass is exact, the sum is the very number (value and scale)
/// the old order gave. Anywhere else (negative values, or sums so large and
/// fine that Decimal's 28 digits round) [`TreeSums::team`] and
/// [`TreeSums::below`] repeat the old order for that rep, so every result is
/// identical to it.
#[derive(Debug, Clone)]
pub struct TreeSums {
    team: Vec<Decimal>,
    below: Vec<Decimal>,
    /// Per rep: the bottom-up sums are exact over non-negative values.
    exact: Vec<bool>,
}

impl TreeSums {
    /// The sums of `value[r]` for every rep `r`, visiting reps in `order`
    /// ([`Roster::bottom_up`]); `Err(rep)` names a rep whose sum overflows.
    pub fn new(roster: &Roster, order: &[usize], value: &[Decimal]) -> Result<Self, usize> {
        let n = roster.reps.len();
        let mut t = Self {
            team: vec![Decimal::ZERO; n],
            below: vec![Decimal::ZERO; n],
            exact: vec![false; n],
        };
        for &x in order {
            let (mut below, mut exact) = (Decimal::ZERO, true);
            for &c in &roster.reports[x] {
                let (s, e) = add_exact(below, t.team[c]).ok_or(x)?;
                below = s;
                exact &= e && t.exact[c];
            }
            let (team, e) = add_exact(value[x], below).ok_or(x)?;
            t.team[x] = team;
            t.below[x] = below;
            t.exact[x] = exact && e && !value[x].is_sign_negative();
        }
        Ok(t)
    }

    /// `value` of `r` and of everyone below it, summed as `[r, descendants...]`.
    pub fn team(&self, roster: &Roster, r: usize, value: &[Decimal]) -> Result<Decimal, TooLarge> {
        if self.exact[r] {
            return Ok(self.team[r]);
        }
        sum(std::iter::once(r).chain(roster.descendants(r)).map(|x| value[x]))
    }

    /// `value` of everyone below `r`, summed as `descendants(r)`.
    pub fn below(&self, roster: &Roster, r: usize, value: &[Decimal]) -> Result<Decimal, TooLarge> {
        if self.exact[r] {
            return Ok(self.below[r]);
        }
        sum(roster.descendants(r).into_iter().map(|x| value[x]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Rep;

    fn roster(managers: &[Option<usize>]) -> Roster {
        Roster::from_reps(
            managers
                .iter()
                .enumerate()
                .map(|(i, m)| Rep {
                    id: format!("R{i}"),
                    name: format!("Rep {i}"),
                    scheme: 0,
                    territory: None,
                    manager: *m,
                    hire: None,
                    end: None,
                    line: i + 2,
                })
                .collect(),
        )
    }

    /// The old order: the rep, then its subtree depth first.
    fn old(roster: &Roster, r: usize, v: &[Decimal]) -> (Decimal, Decimal) {
        let team: Decimal = std::iter::once(r).chain(roster.descendants(r)).map(|x| v[x]).sum();
        let below: Decimal = roster.descendants(r).into_iter().map(|x| v[x]).sum();
        (team, below)
    }

    fn check(roster: &Roster, v: &[Decimal]) {
        let t = TreeSums::new(roster, &roster.bottom_up(), v).unwrap();
        for r in 0..roster.reps.len() {
            let (team, below) = old(roster, r, v);
            let (a, b) = (t.team(roster, r, v).unwrap(), t.below(roster, r, v).unwrap());
            // Same value and same scale: the very same decimal.
            assert_eq!((a, a.scale()), (team, team.scale()), "team of R{r}");
            assert_eq!((b, b.scale()), (below, below.scale()), "below R{r}");
        }
    }

    #[test]
    fn tree_sums_equal_the_old_order_bit_for_bit() {
        // R0 ─ R1 ─ R3, R4; R0 ─ R2; R5 ─ R6 (two trees, reports listed out of order).
        let r = roster(&[None, Some(0), Some(0), Some(1), Some(1), None, Some(5)]);
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        check(&r, &["1.5", "0", "2.25", "10.000", "7", "3.1", "0.01"].map(d));
        // A negative value, and values whose sum rounds at 28 digits: the old order is repeated.
        check(
            &r,
            &[
                "-4",
                "79228162514264337593543950",
                "0.0000000000001",
                "1.1",
                "0.3333333333333333333333333333",
                "5",
                "6",
            ]
            .map(d),
        );
    }

    #[test]
    fn a_deep_chain_is_summed_in_linear_time() {
        // 200,000 reps in one chain: the old order would add 2 × 10^10 values.
        let n: usize = 200_000;
        let r = roster(&(0..n).map(|i| i.checked_sub(1)).collect::<Vec<_>>());
        let v: Vec<Decimal> = (0..n).map(|i| Decimal::new(i as i64 % 1000, 2)).collect();
        let t = TreeSums::new(&r, &r.bottom_up(), &v).unwrap();
        let total: Decimal = v.iter().sum();
        assert_eq!(t.team(&r, 0, &v).unwrap(), total);
        assert_eq!(t.below(&r, 0, &v).unwrap(), total - v[0]);
        assert_eq!(t.team(&r, n - 1, &v).unwrap(), v[n - 1]);
    }

    #[test]
    fn an_overflowing_team_names_the_rep() {
        let r = roster(&[None, Some(0), Some(1)]);
        let v = [Decimal::MAX, Decimal::ONE, Decimal::MAX];
        assert_eq!(TreeSums::new(&r, &r.bottom_up(), &v).err(), Some(1));
        assert!(add(Decimal::MAX, Decimal::ONE).is_err());
        assert_eq!(mul(Decimal::TWO, Decimal::TEN), Ok(Decimal::new(20, 0)));
        assert!(div(Decimal::MAX, Decimal::new(1, 2)).is_err());
    }
}
