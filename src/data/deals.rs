//! `deals.csv`, streamed: each good row is handed to a visitor, then dropped.
//!
//! Memory does not grow with the rows except for the split check, which keeps
//! one small entry per deal id (a 64-bit hash, the split sum in millionths and
//! the first line), and the id text only for deals that are split.

use super::reps::Roster;
use super::table::{Col, Problems, Recorded, Table};
use crate::diag::Diagnostic;
use crate::units::DealType;
use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::Read;

/// One good deal row, borrowed from the reader's buffer.
#[derive(Debug, Clone, Copy)]
pub struct DealRow<'a> {
    /// Deal id (shared by the rows of a split deal).
    pub deal_id: &'a str,
    /// Rep index.
    pub rep: usize,
    /// Customer id, if any.
    pub customer: Option<&'a str>,
    /// Product, if any.
    pub product: Option<&'a str>,
    /// Deal type.
    pub deal_type: DealType,
    /// Close date.
    pub close: NaiveDate,
    /// Deal value before split.
    pub amount: Decimal,
    /// This rep's share.
    pub split: Decimal,
    /// Cancellation date, when cancelled.
    pub cancelled: Option<NaiveDate>,
    /// Line in deals.csv.
    pub line: usize,
}

const COLS: &[Col] = &[
    Col {
        name: "deal_id",
        required: true,
    },
    Col {
        name: "rep_id",
        required: true,
    },
    Col {
        name: "customer_id",
        required: false,
    },
    Col {
        name: "product",
        required: false,
    },
    Col {
        name: "deal_type",
        required: false,
    },
    Col {
        name: "close_date",
        required: true,
    },
    Col {
        name: "amount",
        required: true,
    },
    Col {
        name: "split",
        required: false,
    },
    Col {
        name: "status",
        required: false,
    },
    Col {
        name: "cancel_date",
        required: false,
    },
];
const DEAL: usize = 0;
const REP: usize = 1;
const CUSTOMER: usize = 2;
const PRODUCT: usize = 3;
const TYPE: usize = 4;
const CLOSE: usize = 5;
const AMOUNT: usize = 6;
const SPLIT: usize = 7;
const STATUS: usize = 8;
const CANCEL: usize = 9;

/// The hash a deal id is tracked by in the split check.
pub fn deal_key(id: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// The reason given for the rows of a deal whose splits do not sum to 1.
pub const SPLIT_REASON: &str = "the splits of this deal do not sum to 1";

#[derive(Clone, Copy)]
struct SplitSum {
    ppm: u32,
    rows: u32,
    first_line: u32,
}

/// What streaming the file found besides the rows.
#[derive(Debug, Default)]
pub struct DealScan {
    /// Data rows read.
    pub rows: u64,
    /// Rows skipped by the mapping's filter.
    pub filtered: u64,
    /// Deal ids whose splits do not sum to 1 (by `deal_key`).
    pub bad_splits: HashSet<u64>,
}

/// Streams deals.csv, calling `visit` on every good row not in `exclude`.
#[allow(clippy::too_many_arguments)] // one streaming pass needs all of these
pub fn stream<R: Read>(
    file: &str,
    input: R,
    map: Option<&crate::plan::FileMap>,
    roster: &Roster,
    exclude: &HashSet<u64>,
    problems: &mut Problems,
    mut visit: impl FnMut(&DealRow),
) -> DealScan {
    let mut scan = DealScan::default();
    let Some(mut t) = Table::open(file, input, COLS, map, problems) else {
        return scan;
    };
    let split_col = if t.has(SPLIT) { t.column_number(SPLIT) } else { t.column_number(DEAL) };
    let mut sums: HashMap<u64, SplitSum> = HashMap::new();
    let mut split_ids: HashMap<u64, String> = HashMap::new();
    while t.next_row(problems) {
        let n_err = problems.errors.len() + problems.rejects.len() + problems.more_errors;
        let deal_id = t.id(DEAL, problems);
        let rep = t.req_text(REP, problems).and_then(|id| match roster.find(id) {
            Some(r) => Some(r),
            None => {
                problems.row_error(
                    t.err(Some(REP), format!("rep_id {id:?} is not in reps.csv"))
                        .with_help("add the rep to reps.csv, or correct the id"),
                );
                None
            }
        });
        let customer = t.opt_text(CUSTOMER, problems).unwrap_or(None);
        let product = t.opt_text(PRODUCT, problems).unwrap_or(None);
        let deal_type = match t.opt_text(TYPE, problems) {
            Ok(None) => Some(DealType::New),
            Ok(Some(s)) => match DealType::parse(s) {
                Some(d) => Some(d),
                None => {
                    problems.row_error(
                        t.err(Some(TYPE), format!("unknown deal_type {s:?}"))
                            .with_help("use new, expansion or renewal (empty means new)"),
                    );
                    None
                }
            },
            Err(Recorded) => None,
        };
        let close = t.date(CLOSE, problems);
        let amount = t.money(AMOUNT, problems);
        let split = match t.opt_text(SPLIT, problems) {
            Ok(None) => Some(Decimal::ONE),
            Ok(Some(s)) => match crate::units::parse_decimal(s) {
                Ok(d) if d > Decimal::ZERO && d <= Decimal::ONE => Some(d),
                Ok(_) => {
                    problems.row_error(t.err(Some(SPLIT), "split must be above 0 and at most 1"));
                    None
                }
                Err(e) => {
                    problems.row_error(t.err(Some(SPLIT), e));
                    None
                }
            },
            Err(Recorded) => None,
        };
        let cancelled_status = match t.opt_text(STATUS, problems) {
            Ok(None) | Ok(Some("won")) => Some(false),
            Ok(Some("cancelled")) => Some(true),
            Ok(Some(s)) => {
                problems.row_error(
                    t.err(Some(STATUS), format!("unknown status {s:?}"))
                        .with_help("use won or cancelled (empty means won)"),
                );
                None
            }
            Err(Recorded) => None,
        };
        let cancel_date = t.opt_date(CANCEL, problems);
        let cancelled = match (cancelled_status, cancel_date) {
            (Some(true), Ok(Some(c))) => {
                if close.is_some_and(|cl| c < cl) {
                    problems.row_error(t.err(Some(CANCEL), format!("cancel_date {c} is before close_date")));
                }
                Some(Some(c))
            }
            (Some(true), Ok(None)) => {
                problems.row_error(t.err(Some(CANCEL), "a cancelled deal needs its cancel_date"));
                None
            }
            (Some(false), Ok(Some(_))) => {
                problems.row_error(
                    t.err(Some(CANCEL), "cancel_date is set but status is not cancelled")
                        .with_help("set status to cancelled, or clear cancel_date"),
                );
                None
            }
            (Some(false), Ok(None)) => Some(None),
            _ => None,
        };
        if problems.errors.len() + problems.rejects.len() + problems.more_errors > n_err {
            continue;
        }
        let (Some(deal_id), Some(rep), Some(deal_type), Some(close), Some(amount), Some(split), Some(cancelled)) =
            (deal_id, rep, deal_type, close, amount, split, cancelled)
        else {
            continue;
        };
        let key = deal_key(deal_id);
        if exclude.contains(&key) {
            problems.row_error(t.err(Some(SPLIT), format!("{SPLIT_REASON} (deal {deal_id:?})")));
            continue;
        }
        let ppm = (split * Decimal::from(1_000_000)).round().to_u32().unwrap_or(0);
        let e = sums.entry(key).or_insert(SplitSum {
            ppm: 0,
            rows: 0,
            first_line: t.line as u32,
        });
        e.ppm = e.ppm.saturating_add(ppm);
        e.rows += 1;
        if (e.rows > 1 || ppm != 1_000_000) && !split_ids.contains_key(&key) {
            split_ids.insert(key, deal_id.to_string());
        }
        visit(&DealRow {
            deal_id,
            rep,
            customer,
            product,
            deal_type,
            close,
            amount,
            split,
            cancelled,
            line: t.line,
        });
    }
    scan.rows = t.rows;
    scan.filtered = t.filtered;
    if t.filtered > 0 {
        problems.notes.push(format!(
            "{file}: {} row(s) read, {} skipped by the filter {}",
            t.rows,
            t.filtered,
            t.filter_text()
        ));
    }
    let mut bad: Vec<(u32, u64, SplitSum)> = sums
        .into_iter()
        .filter(|(_, s)| s.ppm.abs_diff(1_000_000) > 100)
        .map(|(k, s)| (s.first_line, k, s))
        .collect();
    bad.sort_unstable_by_key(|b| b.0);
    for (line, key, s) in bad {
        let id = split_ids.get(&key).cloned().unwrap_or_default();
        let sum = Decimal::from(s.ppm) / Decimal::from(1_000_000);
        let d = Diagnostic::error(format!(
            "the splits of deal {id:?} sum to {} over {} row(s), not 1",
            sum.normalize(),
            s.rows
        ))
        .in_file(file)
        .at(line as usize, split_col)
        .column_named("split")
        .with_value(format!("sum {}", sum.normalize()))
        .with_help("rows sharing a deal_id are one split deal; their splits must sum to 1 (±0.0001)");
        if problems.lenient {
            scan.bad_splits.insert(key);
        } else {
            problems.fatal(d);
        }
    }
    scan
}
