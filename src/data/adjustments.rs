//! `adjustments.csv` (optional): one-off payments and recoveries, entered by hand.
//!
//! An adjustment is input, not a result: it is paid after caps, clawbacks and
//! draws, never capped, and survives every recalculation because it is read
//! again each run.

use super::reps::Roster;
use super::table::{Col, Problems, Table};
use crate::calendar::Calendar;
use rust_decimal::Decimal;
use std::io::Read;

/// The file's name in the data folder.
pub const FILE: &str = "adjustments.csv";

const COLS: &[Col] = &[
    Col {
        name: "rep_id",
        required: true,
    },
    Col {
        name: "period",
        required: true,
    },
    Col {
        name: "amount",
        required: true,
    },
    Col {
        name: "reason",
        required: true,
    },
    Col {
        name: "reference",
        required: false,
    },
];

/// One adjustment row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustment {
    /// Rep index.
    pub rep: usize,
    /// Period index.
    pub period: usize,
    /// Amount in money (2 decimals at most; negative: a recovery).
    pub amount: Decimal,
    /// Why (never empty).
    pub reason: String,
    /// A reference (ticket, approval), if given.
    pub reference: Option<String>,
}

impl Adjustment {
    /// The statement line's text: `REASON (REFERENCE)`, or the reason alone.
    pub fn label(&self) -> String {
        match &self.reference {
            Some(r) => format!("{} ({r})", self.reason),
            None => self.reason.clone(),
        }
    }
}

/// Reads adjustments.csv: the rows in file order, and the rows read.
pub fn read<R: Read>(
    file: &str,
    input: R,
    roster: &Roster,
    cal: &Calendar,
    problems: &mut Problems,
) -> (Vec<Adjustment>, u64) {
    let mut out = Vec::new();
    let Some(mut t) = Table::open(file, "adjustments", input, COLS, None, problems) else {
        return (out, 0);
    };
    let mut seen: std::collections::HashMap<(usize, usize, Decimal, String, Option<String>), usize> =
        std::collections::HashMap::new();
    while t.next_row(problems) {
        let rep = super::rep_cell(&t, 0, roster, problems);
        let period = t
            .req_text(1, problems)
            .and_then(|p| super::period_cell(&t, 1, p, cal, problems));
        let amount = t
            .req_text(2, problems)
            .and_then(|s| match crate::units::parse_money(s) {
                Ok(d) if d.scale() > 2 && d.normalize().scale() > 2 => {
                    problems.row_error(
                        t.err_as(
                            "bad-money",
                            Some(2),
                            "an adjustment is paid as written: at most 2 decimals",
                        )
                        .with_help("round the amount to cents"),
                    );
                    None
                }
                Ok(d) => Some(d),
                Err(e) => {
                    problems.row_error(
                        t.err_as("bad-money", Some(2), e)
                            .with_help("an adjustment is a plain decimal such as 1500.00, or -250.00 for a recovery"),
                    );
                    None
                }
            });
        let reason = t.req_text(3, problems).map(str::to_string);
        let reference = match t.opt_text(4, problems) {
            Ok(r) => Some(r.map(str::to_string)),
            Err(_) => None,
        };
        if let (Some(rep), Some(period), Some(amount), Some(reason), Some(reference)) =
            (rep, period, amount, reason, reference)
        {
            let key = (rep, period, amount.normalize(), reason.clone(), reference.clone());
            match seen.get(&key) {
                // Paid as written, twice: a row entered twice is worth a look.
                Some(first) => {
                    let mut w = t.err_as(
                        "duplicate",
                        None,
                        format!("the same adjustment as line {first}: both are paid"),
                    );
                    w.severity = crate::diag::Severity::Warning;
                    problems.warn(w.with_help(
                        "remove one of them if it was entered twice; give each its own reference otherwise",
                    ));
                }
                None => {
                    seen.insert(key, t.line);
                }
            }
            out.push(Adjustment {
                rep,
                period,
                amount,
                reason,
                reference,
            });
        }
    }
    (out, t.rows)
}
