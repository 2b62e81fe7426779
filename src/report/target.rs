//! On-target pay: what each scheme pays at exactly 100% attainment in every
//! period, against the `target_incentive` it states.
//!
//! The pay comes from the engine on a synthetic rep (`series::pay_at`), the
//! same way the payout curve is drawn, so no pay rule is restated here.

use super::series;
use crate::calendar::Calendar;
use crate::plan::{ComponentKind, Plan};
use rust_decimal::Decimal;

/// How far pay at 100% may be from the target before `fuerza check` warns: 1%.
pub const TOLERANCE: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// One scheme's incentive at 100% attainment against its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnTarget {
    /// Scheme index.
    pub scheme: usize,
    /// Incentive paid over the year at 100% attainment in every period.
    pub pay: Decimal,
    /// The scheme's `target_incentive`.
    pub target: Decimal,
    /// (pay − target) ÷ target: negative when the scheme pays less.
    pub gap: Decimal,
    /// Components whose pay does not follow the rep's own attainment (SPIFFs,
    /// overrides), by name: not in `pay`.
    pub not_counted: Vec<String>,
}

impl OnTarget {
    /// Whether pay is more than [`TOLERANCE`] away from the target. With
    /// components not counted, `pay` is only a floor (they add, never take
    /// away): then only pay above the target is known to be off.
    pub fn off(&self) -> bool {
        if self.not_counted.is_empty() {
            self.gap.abs() > TOLERANCE
        } else {
            self.gap > TOLERANCE
        }
    }
}

/// Every scheme with a quota and a target incentive above 0, paid at 100%.
pub fn on_target(plan: &Plan, cal: &Calendar) -> Vec<OnTarget> {
    plan.schemes
        .iter()
        .enumerate()
        .filter(|(_, s)| s.quota > Decimal::ZERO && s.target_incentive > Decimal::ZERO)
        .map(|(i, s)| {
            let pay = series::pay_at(plan, cal, i, Decimal::ONE).incentive;
            OnTarget {
                scheme: i,
                pay,
                target: s.target_incentive,
                // A tiny target can make the ratio unrepresentable: then it is "huge".
                gap: (pay - s.target_incentive).checked_div(s.target_incentive).unwrap_or(
                    if pay > s.target_incentive {
                        Decimal::MAX
                    } else {
                        Decimal::MIN
                    },
                ),
                not_counted: s
                    .components
                    .iter()
                    .filter(|c| {
                        matches!(
                            c.kind,
                            ComponentKind::Spiff { .. } | ComponentKind::Override { .. } | ComponentKind::Mbo { .. }
                        )
                    })
                    .map(|c| c.name.clone())
                    .collect(),
            }
        })
        .collect()
}
