//! Largest-remainder rounding: split an amount into cents that add up exactly.

use rust_decimal::Decimal;

/// Splits `total` (rounded to cents first) in proportion to `weights` so the
/// parts are whole cents summing exactly to the rounded total. Each part is
/// first rounded down; the cents left go to the largest remainders, ties to
/// the earlier part. All-zero weights give all-zero parts.
pub fn largest_remainder(total: Decimal, weights: &[Decimal], rounding: crate::units::Rounding) -> Vec<Decimal> {
    let total = rounding.money(total);
    let sum: Decimal = weights.iter().sum();
    if sum <= Decimal::ZERO || weights.is_empty() {
        return vec![Decimal::ZERO; weights.len()];
    }
    let cent = Decimal::new(1, 2);
    let raw: Vec<Decimal> = weights.iter().map(|w| total * *w / sum).collect();
    let mut parts: Vec<Decimal> = raw.iter().map(|r| (r / cent).floor() * cent).collect();
    let given: Decimal = parts.iter().sum();
    let mut left = ((total - given) / cent).round();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| (raw[b] - parts[b]).cmp(&(raw[a] - parts[a])).then(a.cmp(&b)));
    for &i in order.iter().cycle() {
        if left <= Decimal::ZERO {
            break;
        }
        parts[i] += cent;
        left -= Decimal::ONE;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Rounding;
    use rust_decimal_macros::dec;

    #[test]
    fn thirds_add_up_to_the_cent() {
        let p = largest_remainder(dec!(100), &[dec!(1), dec!(1), dec!(1)], Rounding::HalfUp);
        assert_eq!(p, vec![dec!(33.34), dec!(33.33), dec!(33.33)]);
        assert_eq!(p.iter().sum::<Decimal>(), dec!(100));
    }

    #[test]
    fn largest_remainder_gets_the_cent() {
        let p = largest_remainder(dec!(1.00), &[dec!(0.333), dec!(0.667)], Rounding::HalfUp);
        assert_eq!(p, vec![dec!(0.33), dec!(0.67)]);
    }

    #[test]
    fn zero_weights_give_zero() {
        assert_eq!(
            largest_remainder(dec!(5), &[dec!(0), dec!(0)], Rounding::HalfUp),
            vec![dec!(0), dec!(0)]
        );
    }
}
