//! Float functions written out in basic arithmetic, so that they give the
//! same bits for the same inputs on every platform, whichever libm it ships.
//! The generator draws its lognormal amounts with them, and the simulation
//! its lognormal bookings. (The simulation's fit and the rare tail of its
//! normal draws still use the standard library's `ln` and `exp`.)
//!
//! [`exp`] is also written so that a batch of lognormal draws compiles to
//! straight-line arithmetic (no call into libm per draw, no branches).
//!
//! exp(x) = 2^k × e^r with k = round(x / ln 2) and |r| ≤ ln 2 / 2; e^r by its
//! Taylor series to r^12 (truncation below 2 × 10^-16 relative, summed by
//! Estrin's scheme), 2^k by building the float's exponent bits. Inputs are
//! clamped to [-708, 709], inside the range where e^x is a normal, finite
//! double.

/// 1 / ln 2.
const LOG2_E: f64 = std::f64::consts::LOG2_E;
/// ln 2 split in two, so that k × LN2_HI is exact for |k| < 2^11.
/// (fdlibm's constants, as bits: the high part ends in 32 zero bits.)
const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);
/// 1.5 × 2^52: adding it rounds a double of magnitude below 2^51 to an integer
/// held in the low bits of the sum.
const ROUNDER: f64 = 6_755_399_441_055_744.0;
/// 1 / k! for k = 0..=12.
const C: [f64; 13] = [
    1.0,
    1.0,
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5_040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
];

/// e^x, within a few units in the last place, for x in [-708, 709]; outside,
/// e^-708 (about 3.3 × 10^-308, not 0) or e^709 (finite). NaN gives NaN.
#[inline]
pub fn exp(x: f64) -> f64 {
    let x = x.clamp(-708.0, 709.0);
    let shifted = x * LOG2_E + ROUNDER;
    let k = shifted - ROUNDER;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // Σ r^i / i! by Estrin's scheme: a short chain of dependent operations.
    let (r2, r4) = (r * r, r * r * (r * r));
    let r8 = r4 * r4;
    let q0 = (C[0] + C[1] * r) + (C[2] + C[3] * r) * r2;
    let q1 = (C[4] + C[5] * r) + (C[6] + C[7] * r) * r2;
    let q2 = (C[8] + C[9] * r) + (C[10] + C[11] * r) * r2;
    let p = (q0 + q1 * r4) + (q2 + C[12] * r4) * r8;
    // 2^k from its exponent bits: k sits in the low bits of `shifted`.
    let two_k = f64::from_bits(shifted.to_bits().wrapping_add(1023) << 52);
    p * two_k
}

#[cfg(test)]
mod tests {
    use super::exp;

    /// Relative error against the platform's `f64::exp`.
    fn rel(x: f64) -> f64 {
        let (a, b) = (exp(x), x.exp());
        ((a - b) / b).abs()
    }

    #[test]
    fn agrees_with_libm_over_the_draw_range() {
        let mut worst = 0.0f64;
        let mut x = -40.0;
        while x <= 45.0 {
            worst = worst.max(rel(x));
            x += 0.000_731;
        }
        assert!(worst < 1e-15, "worst relative error {worst:e}");
    }

    #[test]
    fn exact_points_and_the_ends() {
        assert_eq!(exp(0.0), 1.0);
        assert!((exp(1.0) - std::f64::consts::E).abs() <= f64::EPSILON * 2.0);
        assert!(rel(-700.0) < 1e-14 && rel(700.0) < 1e-14);
        assert_eq!(exp(-1e9), exp(-708.0));
        assert!(exp(-708.0) > 0.0 && exp(-708.0) < 1e-300);
        assert!(exp(1e9).is_finite() && exp(1e9) > 8e307);
        assert!(exp(f64::NAN).is_nan());
        assert_eq!(exp(f64::NEG_INFINITY), exp(-708.0));
    }
}
