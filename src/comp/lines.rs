//! Statement lines and the results of one rep's period.

use rust_decimal::Decimal;

/// One line of a statement: how one amount was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The component (or "scheme cap", "clawback", "draw") the line belongs to.
    pub component: String,
    /// What the line is ("tier 2 (50%–100%)", "deal D1", "cap").
    pub label: String,
    /// The amount the rate applies to, when there is one.
    pub basis: Option<Decimal>,
    /// The rate or factor applied, when there is one.
    pub rate: Option<Decimal>,
    /// The line's amount, rounded to cents.
    pub amount: Decimal,
    /// Which total the line counts in.
    pub kind: LineKind,
}

/// Which payouts.csv column a line adds to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Earned incentive (components and caps).
    Earned,
    /// Clawback.
    Clawback,
    /// Draw top-up.
    DrawTopup,
    /// Carried deficit.
    Deficit,
    /// Recovery of an earlier balance (negative).
    Recovered,
    /// A manual adjustment (adjustments.csv), after caps, clawbacks and draws.
    Adjustment,
}

/// One rep's results for one period (a row of payouts.csv).
#[derive(Debug, Clone, Default)]
pub struct PeriodPay {
    /// Quota, rounded to cents.
    pub quota: Decimal,
    /// Credit (own or team), unrounded.
    pub credit: Decimal,
    /// The rep's own credit (without reports'), for totals that must not count twice.
    pub own_credit: Decimal,
    /// Credit ÷ quota; `None` when the quota is 0.
    pub attainment: Option<Decimal>,
    /// Base pay.
    pub base_pay: Decimal,
    /// Earned incentive after caps.
    pub earned: Decimal,
    /// Clawbacks (≤ 0).
    pub clawback: Decimal,
    /// Draw top-up.
    pub draw_topup: Decimal,
    /// Recovered from the balance.
    pub recovered: Decimal,
    /// Negative net carried forward.
    pub deficit: Decimal,
    /// Manual adjustments (positive payments, negative recoveries).
    pub adjustments: Decimal,
    /// Paid incentive (adjustments included).
    pub incentive_paid: Decimal,
    /// Base pay + paid incentive.
    pub total_pay: Decimal,
    /// What the rep owes after this period.
    pub balance: Decimal,
    /// The schemes paid in the period, in date order (one unless the rep
    /// changed assignment in it; empty: the rep's reps.csv scheme).
    pub schemes: Vec<usize>,
    /// Every line behind the amounts.
    pub lines: Vec<Line>,
}

impl PeriodPay {
    /// Sum of the lines of one kind.
    pub fn sum(&self, kind: LineKind) -> Decimal {
        self.lines.iter().filter(|l| l.kind == kind).map(|l| l.amount).sum()
    }
}
