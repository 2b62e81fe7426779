//! credits.csv: every deal row of the plan year and every rep it is credited
//! to, written as deals.csv streams past (no row is kept in memory but its line).

use super::csv::{Cell, CsvDoc};
use crate::credit::rows::{credited, row_credit, Role};
use crate::data::deals::{DealSink, Run};
use crate::data::DealRow;
use crate::units::fmt_money;
use rust_decimal::Decimal;

/// The credits.csv header.
pub const HEADER: [&str; 9] = [
    "deal_id",
    "rep_id",
    "period",
    "role",
    "amount",
    "split",
    "weight",
    "multiplier",
    "credit",
];

/// Credit written unrounded (at least 2 decimals), so that a rep's rows sum
/// exactly to the credit payouts.csv rounds.
pub fn fmt_credit(x: Decimal) -> String {
    let mut n = x.normalize();
    if n.is_zero() {
        n = Decimal::ZERO;
    }
    if n.scale() < 2 {
        n.rescale(2);
    }
    n.to_string()
}

/// A factor (split, weight, multiplier) as written: no trailing zeros.
fn fmt_factor(x: Decimal) -> String {
    x.normalize().to_string()
}

/// One credited deal row, for a rep's statement (`explain --deals`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealCredit {
    /// Deal id.
    pub deal_id: String,
    /// Period index.
    pub period: usize,
    /// Own or team.
    pub role: Role,
    /// The deal row's rep (the seller).
    pub seller: usize,
    /// Amount before split.
    pub amount: Decimal,
    /// Split, weight, multiplier.
    pub split: Decimal,
    /// Weight of the deal type.
    pub weight: Decimal,
    /// Multiplier of the product.
    pub multiplier: Decimal,
    /// The credit.
    pub credit: Decimal,
    /// Cancelled (credited in its close period all the same).
    pub cancelled: bool,
}

/// What the streaming pass feeds: credits.csv, and optionally one rep's deal rows.
pub struct Credits {
    doc: CsvDoc,
    /// The id of the rep whose credited rows are kept, and those rows.
    keep: Option<(String, Vec<DealCredit>)>,
}

impl Credits {
    /// An empty credits.csv; `keep`: also keep the rows credited to the rep of this id.
    pub fn new(keep: Option<&str>) -> Self {
        Self {
            doc: CsvDoc::new(&HEADER),
            keep: keep.map(|r| (r.to_string(), Vec::new())),
        }
    }

    /// credits.csv's bytes.
    pub fn finish(self) -> Vec<u8> {
        self.doc.finish()
    }

    /// The kept rep's credited rows, in deals.csv order.
    pub fn kept(&self) -> &[DealCredit] {
        self.keep.as_ref().map_or(&[], |k| k.1.as_slice())
    }
}

impl DealSink for Credits {
    fn deal(&mut self, row: &DealRow, run: &Run) {
        let Some(period) = run.cal.period_of(row.close) else {
            return;
        };
        let c = row_credit(row, run.plan, run.roster);
        let (amount, split, weight, multiplier, credit) = (
            fmt_money(row.amount),
            fmt_factor(row.split),
            fmt_factor(c.weight),
            fmt_factor(c.multiplier),
            fmt_credit(c.credit),
        );
        for (rep, role) in credited(run.plan, run.roster, row.rep) {
            let id = &run.roster.reps[rep].id;
            self.doc.row(&[
                Cell::Text(row.deal_id),
                Cell::Text(id),
                Cell::Text(run.cal.label(period)),
                Cell::Text(role.as_str()),
                Cell::Num(amount.clone()),
                Cell::Num(split.clone()),
                Cell::Num(weight.clone()),
                Cell::Num(multiplier.clone()),
                Cell::Num(credit.clone()),
            ]);
            if let Some((keep, rows)) = &mut self.keep {
                if keep == id {
                    rows.push(DealCredit {
                        deal_id: row.deal_id.to_string(),
                        period,
                        role,
                        seller: row.rep,
                        amount: row.amount,
                        split: row.split,
                        weight: c.weight,
                        multiplier: c.multiplier,
                        credit: c.credit,
                        cancelled: row.cancelled.is_some(),
                    });
                }
            }
        }
    }

    fn restart(&mut self) {
        self.doc = CsvDoc::new(&HEADER);
        if let Some((_, rows)) = &mut self.keep {
            rows.clear();
        }
    }
}
