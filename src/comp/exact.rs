//! The bonus curve and milestone rules in exact integer fractions, for the
//! simulation's integer credit: used only where they provably give the cents
//! of the decimal rule (`components::curve_at`, `components::lines`), which
//! decides otherwise; the two are tested against each other.

/// 10^k.
fn pow10(k: u32) -> i128 {
    10i128.pow(k)
}

/// Whether exact integers give the engine's cents for attainment `points`
/// (units of 10^-k) against quota `q` (credit units) and, for a bonus,
/// target × share `sn / sd`. The engine rounds attainment and its products to
/// 28 significant digits: that cannot move attainment across a point while
/// q × 10^k × (largest point + 2) stays below 10^27, nor a bonus by 10^-11 of
/// a cent (far inside the 2^-33 margin around a cent's half of [`bonus_exact`]) while
/// 100 × target × share × (steepest slope + largest payout) × (largest point
/// + 2) stays below 10^15.
pub fn exact_ok(points: &[(i128, i128)], k: u32, q: i128, share: Option<(i128, i128)>) -> bool {
    let Some(amax) = points.iter().map(|x| x.0).max() else {
        return false;
    };
    let reach = amax / pow10(k) + 2;
    let compares = q
        .checked_mul(pow10(k))
        .and_then(|v| v.checked_mul(reach))
        .is_some_and(|v| v < pow10(27));
    let Some((sn, sd)) = share else {
        return compares;
    };
    let unit = 10f64.powi(k as i32);
    let fmax = points.iter().map(|x| x.1).max().unwrap_or(0) as f64 / unit;
    let slope = points
        .windows(2)
        .map(|w| ((w[1].1 - w[0].1) as f64 / (w[1].0 - w[0].0) as f64).abs())
        .fold(0.0, f64::max);
    let bound = 100.0 * (sn as f64 / sd as f64).abs() * (slope + fmax) * (reach as f64);
    compares && bound.is_finite() && bound < 1e15
}

/// target × num / den as an exact fraction of integers (`None`: too large, or den ≤ 0).
pub fn share(
    target: rust_decimal::Decimal,
    num: rust_decimal::Decimal,
    den: rust_decimal::Decimal,
) -> Option<(i128, i128)> {
    let tn = target.checked_mul(num)?.normalize();
    let den = den.normalize();
    if den.mantissa() <= 0 {
        return None;
    }
    let sn = tn.mantissa().checked_mul(pow10(den.scale()))?;
    let sd = pow10(tn.scale()).checked_mul(den.mantissa())?;
    Some((sn, sd))
}

/// Whether attainment c / q reaches `at` × 10^-k (q > 0), when the products fit.
pub fn reached(c: i128, q: i128, k: u32, at: i128) -> Option<bool> {
    Some(c.checked_mul(pow10(k))? >= at.checked_mul(q)?)
}

/// A bonus in cents from the exact fraction target × share × f(c / q), where
/// the curve `points` are in units of 10^-k and target × share = sn / sd;
/// `None` when a product does not fit, the fraction is negative, or it lies
/// within 2^-33 of a cent's half (where the engine's rounding of its
/// intermediate results could decide the cent).
pub fn bonus_exact(points: &[(i128, i128)], k: u32, sn: i128, sd: i128, c: i128, q: i128) -> Option<i64> {
    let ck = c.checked_mul(pow10(k))?;
    let &(a0, _) = points.first()?;
    if ck < a0.checked_mul(q)? {
        return Some(0);
    }
    // f(a) = num / den: 0 below the first point, linear between, flat after the last.
    let mut f = None;
    for w in points.windows(2) {
        let ((a0, f0), (a1, f1)) = (w[0], w[1]);
        if ck < a1.checked_mul(q)? {
            let (da, df) = (a1 - a0, f1 - f0);
            let num = f0
                .checked_mul(q)?
                .checked_mul(da)?
                .checked_add(ck.checked_sub(a0.checked_mul(q)?)?.checked_mul(df)?)?;
            f = Some((num, pow10(k).checked_mul(q)?.checked_mul(da)?));
            break;
        }
    }
    let (num, den) = match f {
        Some(f) => f,
        None => (points.last()?.1, pow10(k)),
    };
    if num == 0 {
        return Some(0);
    }
    round_ratio(num.checked_mul(sn)?.checked_mul(100)?, den.checked_mul(sd)?)
}

/// `n ÷ d` rounded to a whole number (`None`: negative, or within 2^-32 of a half).
fn round_ratio(n: i128, d: i128) -> Option<i64> {
    if n < 0 || d <= 0 {
        return None;
    }
    let (whole, rem) = (n / d, n % d);
    let twice = rem.checked_mul(2)?;
    if (twice - d).abs() <= d >> 32 {
        return None;
    }
    i64::try_from(whole + i128::from(twice > d)).ok()
}

/// A bonus of one rep and period compiled for many credits: [`bonus_exact`]
/// with the products that do not depend on the credit worked out once, and
/// the last division in floating point where its error (below 5 × 10^-16 of
/// the amount) provably cannot decide the cent; [`bonus_exact`] itself
/// otherwise. The cents `bonus_exact` gives wherever it gives them; where it
/// gives none only because a product leaves 128 bits, the exact rational's
/// cents, which are the decimal rule's within the bounds of [`exact_ok`]
/// (the only bonuses compiled this way).
#[derive(Debug, Clone)]
pub struct BonusLine {
    points: Vec<(i128, i128)>,
    k: u32,
    sn: i128,
    sd: i128,
    q: i128,
    /// Per point: its attainment × quota (compared with credit × 10^k).
    at: Vec<i128>,
    /// Per segment: f0 × q × da, the slope's numerator df, and 100 × sn ÷ (10^k × q × da × sd).
    segs: Vec<(i128, i128, f64)>,
    /// Past the last point: the amount (`None`: the exact rule decides).
    tail: Option<i64>,
}

impl BonusLine {
    /// The bonus on `points` (units of 10^-k) against quota `q` with target ×
    /// share `sn ÷ sd` (`None`: a product beyond 128 bits).
    pub fn new(points: &[(i128, i128)], k: u32, sn: i128, sd: i128, q: i128) -> Option<Self> {
        let pk = pow10(k);
        let at = points.iter().map(|p| p.0.checked_mul(q)).collect::<Option<Vec<_>>>()?;
        let segs = points
            .windows(2)
            .map(|w| {
                let ((a0, f0), (a1, f1)) = (w[0], w[1]);
                let da = a1 - a0;
                let base = f0.checked_mul(q)?.checked_mul(da)?;
                let d = pk.checked_mul(q)?.checked_mul(da)?.checked_mul(sd)?;
                let n = sn.checked_mul(100)?;
                Some((base, f1 - f0, n as f64 / d as f64))
            })
            .collect::<Option<Vec<_>>>()?;
        let tail = points
            .last()
            .and_then(|&(_, f)| round_ratio(f.checked_mul(sn)?.checked_mul(100)?, pk.checked_mul(sd)?));
        Some(Self {
            points: points.to_vec(),
            k,
            sn,
            sd,
            q,
            at,
            segs,
            tail,
        })
    }

    /// The bonus in cents at credit `c` (`None`: the decimal rule decides).
    #[inline]
    pub fn cents(&self, c: i128) -> Option<i64> {
        let exact = || bonus_exact(&self.points, self.k, self.sn, self.sd, c, self.q);
        let ck = c.checked_mul(pow10(self.k))?;
        match self.at.first() {
            None => return exact(),
            Some(&a) if ck < a => return Some(0),
            Some(_) => {}
        }
        let Some(i) = (0..self.segs.len()).find(|&i| ck < self.at[i + 1]) else {
            return self.tail.or_else(exact);
        };
        let (base, df, r) = self.segs[i];
        let Some(num) = (ck - self.at[i]).checked_mul(df).and_then(|x| x.checked_add(base)) else {
            return exact();
        };
        if num > 0 && num < 1 << 53 {
            let x = num as f64 * r;
            if x < 1e9 {
                let whole = x.floor();
                let frac = x - whole;
                if (frac - 0.5).abs() > 1e-6 {
                    return Some(whole as i64 + i64::from(frac > 0.5));
                }
            }
        }
        exact()
    }
}

/// The clawback rule (`settle::clawback`) in exact integers, for the row's
/// credit `h` and the close period's `credit` in the same units and its
/// `commission` in cents: `-round(h × commission ÷ credit)` in cents (0 when
/// the period paid no commission or had no credit). `None` where the decimal
/// rule decides: a product beyond 128 bits, a result of 10^15 cents or more
/// (where the decimal quotient's 28 digits no longer reach 2^-32 of a cent),
/// or one within 2^-32 of a cent's half; and where `h × commission`, in units
/// of 10^-`scale` of the currency times cents, is 7 × 10^28 or more in the
/// currency squared, where the decimal rule divides first and keeps only 28
/// digits of the rate.
pub fn clawback_exact(h: i128, commission: i128, credit: i128, scale: u32) -> Option<i128> {
    if credit == 0 || commission == 0 {
        return Some(0);
    }
    let n = h.checked_mul(commission)?;
    if let Some(limit) = 10i128.checked_pow(28 + scale + 2).and_then(|x| x.checked_mul(7)) {
        if n.unsigned_abs() >= limit.unsigned_abs() {
            return None;
        }
    }
    let negative = (n < 0) != (credit < 0);
    let (a, d) = (n.unsigned_abs(), credit.unsigned_abs());
    let (q, r) = (a / d, a % d);
    if q >= 10u128.pow(15) {
        return None;
    }
    let twice = 2 * r; // r < d < 2^127
    if twice.abs_diff(d) <= d >> 32 {
        return None;
    }
    let amount = i128::try_from(q + u128::from(twice > d)).ok()?;
    Some(if negative { amount } else { -amount })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pseudo-random numbers below a bound (xorshift), from a seed.
    fn numbers(mut x: u64) -> impl FnMut(u64) -> i128 {
        move |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % m) as i128
        }
    }

    #[test]
    fn a_compiled_bonus_pays_the_exact_rule() {
        let mut next = numbers(0x9E37_79B9_7F4A_7C15);
        let curves: [&[(i128, i128)]; 4] = [
            &[(60, 30), (100, 100), (140, 180)],
            &[(50, 25), (100, 100), (150, 175)],
            &[(0, 100)],
            &[(7000, 3000), (10000, 10000), (13000, 16000)],
        ];
        let mut fast = 0;
        for (ci, curve) in curves.iter().enumerate() {
            let k = if ci == 3 { 4 } else { 2 };
            for _ in 0..20_000 {
                let q = next(10_000_000_000) + 1;
                let (sn, sd) = (next(10_000_000) + 1, next(400) + 1);
                let line = BonusLine::new(curve, k, sn, sd, q).unwrap();
                let c = next((2 * q) as u64);
                let want = bonus_exact(curve, k, sn, sd, c, q);
                let got = line.cents(c);
                if want.is_some() {
                    assert_eq!(got, want, "{curve:?} k {k} sn {sn} sd {sd} q {q} c {c}");
                }
                fast += usize::from(got.is_some());
            }
        }
        assert!(fast > 70_000, "{fast}");
    }

    #[test]
    fn an_exact_clawback_is_the_decimal_rule() {
        use crate::comp::settle::clawback;
        use crate::units::Rounding;
        use rust_decimal::Decimal;
        let mut next = numbers(0x2545_F491_4F6C_DD1D);
        for _ in 0..20_000 {
            // Units of 10^-4: a row, its period's credit, the commission in cents.
            let cr = next(10_000_000_000) + 1;
            let h = next(cr as u64) + 1;
            let cm = next(100_000_000) + 1;
            for rounding in [Rounding::HalfUp, Rounding::HalfEven] {
                let want = clawback(
                    Decimal::from_i128_with_scale(h, 4),
                    Decimal::from_i128_with_scale(cm, 2),
                    Decimal::from_i128_with_scale(cr, 4),
                    rounding,
                )
                .unwrap()
                .unwrap_or(0);
                if let Some(got) = clawback_exact(h, cm, cr, 4) {
                    assert_eq!(got, want, "{h} {cm} {cr}");
                }
            }
        }
        // Exactly half a cent: the decimal rule decides.
        assert_eq!(clawback_exact(1, 1, 2, 2), None);
        assert_eq!(clawback_exact(5, 0, 7, 2), Some(0));
        assert_eq!(clawback_exact(2, 300, 4, 2), Some(-150));
        // A row of 10^19 at scale 2 (10^21 units) on 10^10 of commission (10^12 cents):
        // 10^29 in the currency squared, where the decimal rule divides first: it decides.
        assert_eq!(clawback_exact(10i128.pow(21), 10i128.pow(12), 10i128.pow(25), 2), None);
        // A tenth of that row is multiplied first by the decimal rule: exact integers.
        assert_eq!(
            clawback_exact(10i128.pow(20), 10i128.pow(12), 10i128.pow(25), 2),
            Some(-10_000_000)
        );
    }

    #[test]
    fn exact_integers_only_where_the_engine_rounding_cannot_decide_a_cent() {
        // A milestone at 1.1 on a 1,000,000.00 quota: exact.
        assert!(exact_ok(&[(11, 0)], 1, 100_000_000, None));
        // At 1.00999999999000000001 on 10,000,000.01: the engine's 28-digit
        // attainment could round onto the point, so the engine decides.
        let at = 100_999_999_999_000_000_001i128;
        assert!(!exact_ok(&[(at, 0)], 20, 1_000_000_001, None));
        // A bonus of 12,000 a year at a quarter's share on a gentle curve: exact.
        let curve = [(60, 30), (100, 100), (140, 180)];
        assert!(exact_ok(&curve, 2, 25_000_000_000, Some((12_000, 4))));
        // A 10^15 target on a curve that climbs 0 to 100 between 1.0 and 1.0001: the engine.
        let steep = [(10_000, 0), (10_001, 1_000_000)];
        assert!(!exact_ok(&steep, 4, 296_658_900_156, Some((1_000_000_000_000_000, 1))));
    }

    #[test]
    fn a_bonus_as_an_exact_fraction() {
        // Curve [[0.6, 0.3], [1.0, 1.0], [1.4, 1.8]], target × share = 3,000.
        let curve = [(60, 30), (100, 100), (140, 180)];
        let q = 10_000_000; // 100,000.00 in cents
                            // Below the first point: nothing.
        assert_eq!(bonus_exact(&curve, 2, 3_000, 1, 5_999_999, q), Some(0));
        // On the first point: 0.3 × 3,000 = 900.00.
        assert_eq!(bonus_exact(&curve, 2, 3_000, 1, 6_000_000, q), Some(90_000));
        // At 80%: 0.3 + 0.2 × 0.7 / 0.4 = 0.65 → 1,950.00.
        assert_eq!(bonus_exact(&curve, 2, 3_000, 1, 8_000_000, q), Some(195_000));
        // Above the last point: flat at 1.8 → 5,400.00.
        assert_eq!(bonus_exact(&curve, 2, 3_000, 1, 90_000_000, q), Some(540_000));
        // A one-point curve (flat at 1.0): 1/6 of a unit is 16.67 cents, so 17;
        // 1/200 is exactly half a cent, which the engine decides.
        assert_eq!(bonus_exact(&[(0, 100)], 2, 1, 6, 1, 1), Some(17));
        assert_eq!(bonus_exact(&[(0, 100)], 2, 1, 200, 1, 1), None);
    }
}
