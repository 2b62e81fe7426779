//! Settling a period, in whole cents: component caps, scheme caps, clawbacks
//! and draws. The one implementation of these rules: `evaluate` runs them on
//! 128-bit cents (every amount an exact decimal can hold), `simulate` on
//! 64-bit cents; each step says what it did, so a statement can show it.

use crate::credit::{div, mul, TooLarge};
use crate::units::Rounding;
use rust_decimal::Decimal;

/// Whole cents: `i64` in the simulation, `i128` in `evaluate`; every
/// operation checked (`None`: beyond the type).
pub trait Cents: Copy + Ord + Default + std::fmt::Debug {
    /// No money.
    const ZERO: Self;
    /// `self + o`.
    fn plus(self, o: Self) -> Option<Self>;
    /// `self - o`.
    fn minus(self, o: Self) -> Option<Self>;
    /// ⌊self × num ÷ den⌋ (`den` > 0).
    fn share_floor(self, num: i64, den: i64) -> Option<Self>;
}

macro_rules! cents_int {
    ($t:ty) => {
        impl Cents for $t {
            const ZERO: Self = 0;
            #[inline(always)]
            fn plus(self, o: Self) -> Option<Self> {
                self.checked_add(o)
            }
            #[inline(always)]
            fn minus(self, o: Self) -> Option<Self> {
                self.checked_sub(o)
            }
            #[inline(always)]
            fn share_floor(self, num: i64, den: i64) -> Option<Self> {
                let x = i128::from(self)
                    .checked_mul(i128::from(num))?
                    .div_euclid(i128::from(den));
                Self::try_from(x).ok()
            }
        }
    };
}
cents_int!(i64);
cents_int!(i128);

/// A cap in whole cents: fractions of a cent are dropped, so a cut line stays
/// in cents and the amount never exceeds the cap as written. Caps are money
/// (below 10^15), so they fit 64 bits.
pub fn cap_cents(cap: Decimal) -> i64 {
    let c = cap.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero);
    decimal_cents(c).and_then(|c| i64::try_from(c).ok()).unwrap_or(i64::MAX)
}

/// A decimal already rounded to cents, as cents (`None`: more than two
/// decimals, or beyond 128 bits).
pub fn decimal_cents(d: Decimal) -> Option<i128> {
    let n = d.normalize();
    let s = n.scale();
    if s > 2 {
        return None;
    }
    n.mantissa().checked_mul(10i128.pow(2 - s))
}

/// Cents as an exact decimal (`None`: beyond the range of exact decimals).
/// Beyond 2^96 cents the decimal keeps fewer decimals: one, or none, when
/// the amount has no more.
pub fn cents_decimal(c: i128) -> Option<Decimal> {
    (0..=2u32).rev().find_map(|scale| {
        let d = 10i128.pow(2 - scale);
        (c % d == 0)
            .then(|| Decimal::try_from_i128_with_scale(c / d, scale).ok())
            .flatten()
    })
}

/// Cents written as money with two decimals, at any size.
pub fn cents_text(c: i128) -> String {
    let sign = if c < 0 { "-" } else { "" };
    let a = c.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// A component's amount under its cap.
#[inline(always)]
pub fn cap<T: Cents>(amount: T, cap: Option<T>) -> T {
    match cap {
        Some(c) if amount > c => c,
        _ => amount,
    }
}

/// What the scheme's caps did to a period's earned incentive.
#[derive(Debug, Clone, Copy, Default)]
pub struct Capped<T> {
    /// Earned after the caps.
    pub earned: T,
    /// The period cap cut the amount: what it was before.
    pub period_cut: Option<T>,
    /// The year cap cut the amount: what it was before, and what the year had earned before.
    pub year_cut: Option<(T, T)>,
}

/// Applies the period cap, then the year cap against what earlier periods
/// earned (`earned_so_far`, which then counts this period).
#[inline(always)]
pub fn scheme_caps<T: Cents>(e: T, period: Option<T>, year: Option<T>, earned_so_far: &mut T) -> Option<Capped<T>> {
    let mut out = Capped {
        earned: e,
        ..Capped::default()
    };
    if let Some(c) = period {
        if out.earned > c {
            out.period_cut = Some(out.earned);
            out.earned = c;
        }
    }
    if let Some(c) = year {
        let room = c.minus(*earned_so_far)?.max(T::ZERO);
        if out.earned > room {
            out.year_cut = Some((out.earned, *earned_so_far));
            out.earned = room;
        }
    }
    *earned_so_far = earned_so_far.plus(out.earned)?;
    Some(out)
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

/// The clawback of a row of credit `h` cancelled after closing in a period
/// that paid `commission` (after component caps) on `credit`: the recovered
/// amount in cents, negative; `None` when that period paid no commission or
/// had no credit (nothing to recover at).
pub fn clawback(
    h: Decimal,
    commission: Decimal,
    credit: Decimal,
    rounding: Rounding,
) -> Result<Option<i128>, TooLarge> {
    if credit.is_zero() || commission.is_zero() {
        return Ok(None);
    }
    let x = rounding.money(clawback_amount(h, commission, credit)?);
    Ok(Some(
        -decimal_cents(x).ok_or_else(|| TooLarge(format!("{h} × {commission} ÷ {credit}")))?,
    ))
}

/// How a period's net earnings met the draw guarantee.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settled<T> {
    /// Incentive paid.
    pub paid: T,
    /// Recovered from the balance (≥ 0).
    pub recovered: T,
    /// Draw top-up paid.
    pub topup: T,
    /// Negative net carried forward (≥ 0).
    pub deficit: T,
    /// The balance before this period.
    pub balance_before: T,
}

/// Settles a period's net earnings `net` (earned plus clawbacks) under a draw
/// guaranteeing `d` (0: none): the guarantee when earnings fall short (the
/// top-up, when recoverable, and any negative earnings carried in `balance`),
/// else the earnings less what the balance recovers.
#[inline(always)]
///
/// `recovery_cap` (num, den): at most ⌊net × num ÷ den⌋ of the period's
/// earnings recovers the balance (the draw's `recovery_cap`).
pub fn settle<T: Cents>(
    net: T,
    d: T,
    recoverable: bool,
    recovery_cap: Option<(i64, i64)>,
    balance: &mut T,
) -> Option<Settled<T>> {
    let before = *balance;
    if net >= d {
        // 0 ≤ net - d ≤ net (a guarantee is never negative), 0 ≤ recovered ≤ balance.
        let mut recovered = before.min(net.minus(d)?).max(T::ZERO);
        if let Some((num, den)) = recovery_cap {
            recovered = recovered.min(net.share_floor(num, den)?.max(T::ZERO));
        }
        *balance = before.minus(recovered)?;
        Some(Settled {
            paid: net.minus(recovered)?,
            recovered,
            topup: T::ZERO,
            deficit: T::ZERO,
            balance_before: before,
        })
    } else {
        let topup = d.minus(net.max(T::ZERO))?;
        let deficit = T::ZERO.minus(net)?.max(T::ZERO);
        *balance = balance.plus(deficit)?;
        if recoverable {
            *balance = balance.plus(topup)?;
        }
        Some(Settled {
            paid: d,
            recovered: T::ZERO,
            topup,
            deficit,
            balance_before: before,
        })
    }
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
        // 1,000 of credit at 50 commission on 2,000: 25.00 recovered; nothing without commission.
        assert_eq!(
            clawback(dec!(1000), dec!(50), dec!(2000), Rounding::HalfUp),
            Ok(Some(-2500))
        );
        assert_eq!(clawback(dec!(1000), dec!(0), dec!(2000), Rounding::HalfUp), Ok(None));
    }

    #[test]
    fn draws_top_up_carry_and_recover() {
        // Earnings 100 under a recoverable guarantee of 300: 300 paid, 200 owed.
        let mut balance = 0i64;
        let s = settle(100, 300, true, None, &mut balance).unwrap();
        assert_eq!((s.paid, s.topup, s.deficit, balance), (300, 200, 0, 200));
        // Negative earnings -10 without a draw: 0 paid, 10 carried.
        let mut balance = 0i64;
        let s = settle(-10, 0, false, None, &mut balance).unwrap();
        assert_eq!((s.paid, s.topup, s.deficit, balance), (0, 0, 10, 10));
        // Then 500 earned against a 300 guarantee recovers 200 of the 310 owed.
        let mut balance = 310i64;
        let s = settle(500, 300, true, None, &mut balance).unwrap();
        assert_eq!((s.paid, s.recovered, balance, s.balance_before), (300, 200, 110, 310));
        // A balance beyond 64 bits is None, not a wrap.
        let mut balance = i64::MAX - 5;
        assert!(settle(-10, 0, false, None, &mut balance).is_none());
    }

    #[test]
    fn a_recovery_cap_limits_what_a_period_repays() {
        // 3,500.00 earned over a 3,000.00 guarantee, 10,000.00 owed, cap ½: min(10,000, 500, 1,750) = 500.
        let mut balance = 1_000_000i64;
        let s = settle(350_000, 300_000, true, Some((1, 2)), &mut balance).unwrap();
        assert_eq!((s.recovered, s.paid, balance), (50_000, 300_000, 950_000));
        // No guarantee: 10,000.00 earned, 15,500.00 owed, cap ½: 5,000.00 recovered.
        let mut balance = 1_550_000i64;
        let s = settle(1_000_000, 0, true, Some((1, 2)), &mut balance).unwrap();
        assert_eq!((s.recovered, s.paid, balance), (500_000, 500_000, 1_050_000));
        // ⌊0.3333 × 1.01⌋ = 0.33: rounded down to the cent, in i128 too.
        let mut balance = 100i128;
        let s = settle(101i128, 0, true, Some((3333, 10_000)), &mut balance).unwrap();
        assert_eq!((s.recovered, s.paid), (33, 68));
    }

    #[test]
    fn caps_cut_the_period_then_the_year() {
        let mut so_far = 90i64;
        let c = scheme_caps(50, Some(40), Some(100), &mut so_far).unwrap();
        assert_eq!(
            (c.earned, c.period_cut, c.year_cut, so_far),
            (10, Some(50), Some((40, 90)), 100)
        );
        assert_eq!(cap(7i64, Some(5)), 5);
        assert_eq!(cap(7i64, None), 7);
        assert_eq!(cap_cents(dec!(10.129)), 1012);
        assert_eq!(
            cents_decimal(7 * 10i128.pow(30)),
            Some(dec!(70_000_000_000_000_000_000_000_000_000))
        );
        assert_eq!(
            cents_decimal(8 * 10i128.pow(28) + 50),
            Some(dec!(800_000_000_000_000_000_000_000_000.5))
        );
        assert_eq!(cents_decimal(i128::MAX), None);
        assert_eq!(cents_text(-123_456), "-1234.56");
        assert_eq!(decimal_cents(dec!(1.5)), Some(150));
        assert_eq!(decimal_cents(dec!(1.555)), None);
    }
}
