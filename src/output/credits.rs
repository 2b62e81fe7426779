//! credits.csv: every deal row of the plan year and every rep it is credited
//! to, written as deals.csv streams past (no row is kept in memory but its line).

use super::csv::{push_decimal, push_text, CsvDoc};
use crate::credit::rows::{credited, row_credit, Role};
use crate::data::deals::{DealSink, Run};
use crate::data::DealRow;
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
    let mut b = Vec::new();
    push_decimal(&mut b, x, 2);
    String::from_utf8(b).unwrap_or_default()
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
///
/// Rows are written by hand into one buffer (cells as [`CsvDoc`] writes
/// them): a year of a million deal rows credited to three reps each is three
/// million rows, so nothing per row is allocated.
pub struct Credits {
    out: Vec<u8>,
    /// Each rep's id and each period's label as written, once.
    ids: Vec<Vec<u8>>,
    labels: Vec<Vec<u8>>,
    /// The row's first cell and its cells after the role, reused.
    deal: Vec<u8>,
    tail: Vec<u8>,
    /// The id of the rep whose credited rows are kept, and those rows.
    keep: Option<(String, Vec<DealCredit>)>,
    /// Whether credits.csv is written (else only the kept rows are).
    write: bool,
}

fn header() -> Vec<u8> {
    CsvDoc::new(&HEADER).finish()
}

impl Credits {
    /// An empty credits.csv.
    pub fn new() -> Self {
        Self {
            out: header(),
            ids: Vec::new(),
            labels: Vec::new(),
            deal: Vec::new(),
            tail: Vec::new(),
            keep: None,
            write: true,
        }
    }

    /// No credits.csv: only the rows credited to the rep of this id, kept.
    pub fn keeping(rep_id: &str) -> Self {
        Self {
            keep: Some((rep_id.to_string(), Vec::new())),
            write: false,
            ..Self::new()
        }
    }

    /// credits.csv's bytes.
    pub fn finish(self) -> Vec<u8> {
        self.out
    }

    /// The kept rep's credited rows, in deals.csv order.
    pub fn kept(&self) -> &[DealCredit] {
        self.keep.as_ref().map_or(&[], |k| k.1.as_slice())
    }
}

impl Default for Credits {
    fn default() -> Self {
        Self::new()
    }
}

impl DealSink for Credits {
    fn deal(&mut self, row: &DealRow, run: &Run) {
        let Some(period) = run.cal.period_of(row.close) else {
            return;
        };
        if self.ids.is_empty() {
            self.ids = run
                .roster
                .reps
                .iter()
                .map(|r| {
                    let mut b = Vec::new();
                    push_text(&mut b, &r.id);
                    b
                })
                .collect();
            self.labels = (0..run.cal.periods())
                .map(|p| {
                    let mut b = Vec::new();
                    push_text(&mut b, run.cal.label(p));
                    b
                })
                .collect();
        }
        let c = row_credit(row, run.plan, run.roster);
        let tail = &mut self.tail;
        tail.clear();
        for (x, min) in [
            (c.value, 2),
            (row.split, 0),
            (c.weight, 0),
            (c.multiplier, 0),
            (c.credit, 2),
        ] {
            tail.push(b',');
            push_decimal(tail, x, min);
        }
        tail.push(b'\n');
        let deal = &mut self.deal;
        deal.clear();
        push_text(deal, row.deal_id);
        for (rep, role) in credited(run.plan, run.roster, row.rep, row.close) {
            let out = &mut self.out;
            if self.write {
                out.extend_from_slice(deal);
                out.push(b',');
                out.extend_from_slice(&self.ids[rep]);
                out.push(b',');
                out.extend_from_slice(&self.labels[period]);
                out.push(b',');
                out.extend_from_slice(role.as_str().as_bytes());
                out.extend_from_slice(tail);
            }
            if let Some((keep, rows)) = &mut self.keep {
                if *keep == run.roster.reps[rep].id {
                    rows.push(DealCredit {
                        deal_id: row.deal_id.to_string(),
                        period,
                        role,
                        seller: row.rep,
                        amount: c.value,
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
        self.out = header();
        if let Some((_, rows)) = &mut self.keep {
            rows.clear();
        }
    }
}
