//! Money, rates, rounding and the small value types every layer shares.
//!
//! Money and rates are `rust_decimal::Decimal`: exact, never binary floats.
//! `Rounding::money` is the one place where money is rounded to cents.

use rust_decimal::{Decimal, RoundingStrategy};

/// Money values must stay below this in absolute value (SPEC 4.1).
pub const MONEY_LIMIT: Decimal = Decimal::from_parts(0xA4C6_8000, 0x38D7E, 0, false, 0); // 10^15

/// The plan's rounding mode for money (cents) and displayed fractions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rounding {
    /// Half away from zero (the default).
    #[default]
    HalfUp,
    /// Banker's rounding: half to even.
    HalfEven,
}

impl Rounding {
    fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
        }
    }

    /// Rounds a money amount to cents.
    pub fn money(self, x: Decimal) -> Decimal {
        x.round_dp_with_strategy(2, self.strategy())
    }

    /// Rounds to `dp` decimals (used for displayed fractions such as attainment).
    pub fn to_dp(self, x: Decimal, dp: u32) -> Decimal {
        x.round_dp_with_strategy(dp, self.strategy())
    }
}

/// Formats a value with exactly `dp` decimals, rounding with `rounding`.
pub fn fmt_dp(x: Decimal, dp: u32, rounding: Rounding) -> String {
    let mut r = rounding.to_dp(x, dp);
    if r.is_zero() {
        r = Decimal::ZERO; // never print "-0.00"
    }
    r.rescale(dp);
    r.to_string()
}

/// Formats money (already rounded or not) with 2 decimals.
pub fn fmt_money(x: Decimal) -> String {
    fmt_dp(x, 2, Rounding::HalfUp)
}

/// Formats money with thousands separators, for people (tables, explanations).
pub fn fmt_money_human(x: Decimal) -> String {
    let s = fmt_money(x);
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", s.as_str()),
    };
    let (int, frac) = rest.split_once('.').unwrap_or((rest, "00"));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}{grouped}.{frac}")
}

/// Formats a fraction as a percentage for people ("8%", "12.5%").
pub fn fmt_pct(x: Decimal) -> String {
    match x.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%", p.round_dp(4).normalize()),
        // Beyond 28 digits as a percentage: shown as a multiple instead of failing.
        None => format!("{}×", x.normalize()),
    }
}

/// Parses a plain decimal written by a person or a CSV export: optional sign,
/// digits, optional point and digits. No exponent, no thousands separators.
/// The digits are accumulated straight into the decimal's mantissa (this runs
/// once per money cell of deals.csv).
pub fn parse_decimal(s: &str) -> Result<Decimal, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("empty number".into());
    }
    let (negative, body) = match t.as_bytes()[0] {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let mut mantissa: i128 = 0;
    let mut digits = 0u32;
    let mut scale: Option<u32> = None;
    for &c in body.as_bytes() {
        match c {
            b'0'..=b'9' => {
                digits += 1;
                if digits > 28 {
                    return Err("too many digits".into());
                }
                mantissa = mantissa * 10 + i128::from(c - b'0');
                if let Some(sc) = scale.as_mut() {
                    *sc += 1;
                }
            }
            b'.' if scale.is_none() => scale = Some(0),
            b',' => return Err("thousands separators are not allowed; write 12345.67".into()),
            _ => return Err("not a plain decimal number (e.g. 12345.67)".into()),
        }
    }
    if digits == 0 {
        return Err("not a number".into());
    }
    let m = if negative { -mantissa } else { mantissa };
    Decimal::try_from_i128_with_scale(m, scale.unwrap_or(0)).map_err(|_| "number out of range".to_string())
}

/// Parses money: a plain decimal below 10^15 in absolute value.
pub fn parse_money(s: &str) -> Result<Decimal, String> {
    let d = parse_decimal(s)?;
    check_money(d)
}

/// Checks the money limit of SPEC 4.1.
pub fn check_money(d: Decimal) -> Result<Decimal, String> {
    if d.abs() >= MONEY_LIMIT {
        Err("money values must be below 10^15 in absolute value".into())
    } else {
        Ok(d)
    }
}

/// The kind of deal, which plans may weight differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DealType {
    /// A new customer or new business.
    New,
    /// More business from an existing customer.
    Expansion,
    /// A renewal of an existing contract.
    Renewal,
}

impl DealType {
    /// All deal types, in a fixed order.
    pub const ALL: [DealType; 3] = [DealType::New, DealType::Expansion, DealType::Renewal];

    /// Parses `new`, `expansion` or `renewal`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "new" => Some(Self::New),
            "expansion" => Some(Self::Expansion),
            "renewal" => Some(Self::Renewal),
            _ => None,
        }
    }

    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Expansion => "expansion",
            Self::Renewal => "renewal",
        }
    }

    /// Index 0..3, for dense arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Checks an id: 1–64 characters, no control characters (SPEC 4.1).
pub fn check_id(s: &str) -> Result<(), String> {
    let n = s.chars().count();
    if n == 0 {
        return Err("an id must not be empty".into());
    }
    if n > 64 {
        return Err(format!("an id has at most 64 characters (this one has {n})"));
    }
    if s.chars().any(char::is_control) {
        return Err("an id must not contain control characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn money_limit_is_ten_to_the_fifteen() {
        assert_eq!(MONEY_LIMIT, dec!(1_000_000_000_000_000));
    }

    #[test]
    fn rounding_modes_differ_on_halves() {
        assert_eq!(Rounding::HalfUp.money(dec!(2.345)), dec!(2.35));
        assert_eq!(Rounding::HalfEven.money(dec!(2.345)), dec!(2.34));
        assert_eq!(Rounding::HalfUp.money(dec!(-2.345)), dec!(-2.35));
    }

    #[test]
    fn formats_fixed_decimals_without_negative_zero() {
        assert_eq!(fmt_money(dec!(5)), "5.00");
        assert_eq!(fmt_money(dec!(-0.001)), "0.00");
        assert_eq!(fmt_dp(dec!(0.49999998), 4, Rounding::HalfUp), "0.5000");
        assert_eq!(fmt_money_human(dec!(-1234567.5)), "-1,234,567.50");
        assert_eq!(fmt_pct(dec!(0.075)), "7.5%");
    }

    #[test]
    fn parse_decimal_rejects_what_a_csv_should_not_hold() {
        assert_eq!(parse_decimal("12345.67"), Ok(dec!(12345.67)));
        assert!(parse_decimal("1,000").is_err());
        assert!(parse_decimal("1e5").is_err());
        assert!(parse_decimal(&"9".repeat(100)).is_err());
        assert!(parse_money("1000000000000000").is_err());
        assert!(parse_decimal("").is_err());
        assert!(parse_decimal(".").is_err());
    }

    #[test]
    fn ids_are_checked() {
        assert!(check_id("A1").is_ok());
        assert!(check_id("").is_err());
        assert!(check_id(&"x".repeat(65)).is_err());
        assert!(check_id("a\u{7}").is_err());
    }
}
