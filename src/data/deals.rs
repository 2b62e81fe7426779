//! `deals.csv`, streamed: each good row is handed to a visitor, then dropped.
//!
//! Memory does not grow with the rows except for the split check, which keeps
//! 12 bytes per single-row deal (a 64-bit hash of its id and its line), a
//! Bloom filter of 2 bytes per deal, and a sum with the id text only for
//! deals that are split or repeated (see `SplitCheck`).

use super::reps::Roster;
use super::table::{Col, Problems, Recorded, Table};
use crate::diag::Diagnostic;
use crate::units::DealType;
use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::hash::Hasher;
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
    /// Gross margin before split (column `margin`), when given.
    pub margin: Option<Decimal>,
    /// Quantity before split (column `quantity`), when given.
    pub quantity: Option<Decimal>,
    /// Cancellation date, when cancelled.
    pub cancelled: Option<NaiveDate>,
    /// The values of the columns the schemes' multipliers read (`plan::attr_columns`), trimmed.
    pub attrs: &'a [&'a str],
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
    Col {
        name: "margin",
        required: false,
    },
    Col {
        name: "quantity",
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
const MARGIN: usize = 10;
const QUANTITY: usize = 11;

/// The columns a scheme's `measure` may credit instead of the amount.
pub const MEASURED: [&str; 2] = ["margin", "quantity"];

/// The 64-bit key a deal id (or customer id) is tracked by in the split
/// check and the customer books: a multiply-xorshift over 8-byte words with
/// the length mixed in, then MurmurHash3's finaliser. Fixed (the same on
/// every run and platform) and about four times cheaper than SipHash on
/// short ids; ids are not chosen by an adversary, and two distinct ids of
/// the same length differing in one word never collide.
pub fn deal_key(id: &str) -> u64 {
    let bytes = id.as_bytes();
    let mut h: u64 = 0x9E37_79B9_7F4A_7C15 ^ (bytes.len() as u64);
    for chunk in bytes.chunks(8) {
        let mut w = [0u8; 8];
        w[..chunk.len()].copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        h ^= h >> 31;
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

/// The reason given for the rows of a deal whose splits do not sum to 1.
pub const SPLIT_REASON: &str = "the splits of this deal do not sum to 1";

/// A hasher for keys that are already 64-bit hashes (`deal_key`): passes them through.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A map keyed by `deal_key` hashes.
pub type KeyMap<V> = HashMap<u64, V, std::hash::BuildHasherDefault<KeyHasher>>;

/// A deal seen more than once, or with a partial split: its running sum.
struct SplitSum {
    ppm: u32,
    rows: u32,
    first_line: u32,
    id: String,
}

/// Whether the splits of every deal id sum to 1, in little memory.
///
/// Most deals are one row with no split. Those keep only their key and line
/// (12 bytes) in two vectors; a Bloom filter over every key seen flags a row
/// whose id may have come before (while the ids arrive in order, comparing
/// with the previous id does that exactly), and only flagged rows and
/// partial splits go to a map with their sums and id text. At the end each
/// flagged deal takes in its first, unflagged row from the vectors. (A false
/// alarm of the filter only costs a map entry.)
struct SplitCheck {
    keys: Vec<u64>,
    lines: Vec<u32>,
    bloom: Vec<u64>,
    /// Keys the filter is sized for (16 bits each; a power of two, so the filter's
    /// word count is one too).
    capacity: usize,
    seen: usize,
    sums: KeyMap<SplitSum>,
    /// Whether the ids so far never decreased (exports sorted by id): then a
    /// repeat can only be the row before, and the filter is not needed until
    /// an id goes backwards.
    sorted: bool,
    last: String,
}

impl SplitCheck {
    fn new() -> Self {
        Self {
            keys: Vec::new(),
            lines: Vec::new(),
            bloom: Vec::new(),
            capacity: 1 << 16,
            seen: 0,
            sums: KeyMap::default(),
            sorted: true,
            last: String::new(),
        }
    }

    /// Marks `key` in the filter; whether it may have been marked before.
    /// The four probes fall in one 64-bit word (a blocked filter): one cache
    /// miss per row instead of four.
    fn mark(&mut self, key: u64) -> bool {
        let w = (key as usize) & (self.bloom.len() - 1);
        let bits = (1u64 << ((key >> 40) & 63))
            | (1u64 << ((key >> 46) & 63))
            | (1u64 << ((key >> 52) & 63))
            | (1u64 << ((key >> 58) & 63));
        let seen = self.bloom[w] & bits == bits;
        self.bloom[w] |= bits;
        seen
    }

    /// Sizes the filter for more keys than seen so far and marks every key again.
    fn rebuild(&mut self) {
        while self.capacity <= self.seen {
            self.capacity *= 4;
        }
        self.bloom = vec![0; self.capacity * 16 / 64];
        let keys: Vec<u64> = self.sums.keys().copied().collect();
        for i in 0..self.keys.len() {
            self.mark(self.keys[i]);
        }
        for k in keys {
            self.mark(k);
        }
    }

    fn add(&mut self, key: u64, id: &str, ppm: u32, line: u32) {
        let repeat = if self.sorted {
            match id.as_bytes().cmp(self.last.as_bytes()) {
                std::cmp::Ordering::Greater => {
                    self.last.clear();
                    self.last.push_str(id);
                    false
                }
                std::cmp::Ordering::Equal => true,
                std::cmp::Ordering::Less => {
                    self.sorted = false;
                    self.last = String::new();
                    self.rebuild();
                    self.mark(key)
                }
            }
        } else {
            if self.seen >= self.capacity {
                self.rebuild();
            }
            self.mark(key)
        };
        if !repeat {
            self.seen += 1;
        }
        if !repeat && ppm == 1_000_000 {
            self.keys.push(key);
            self.lines.push(line);
            return;
        }
        let e = self.sums.entry(key).or_insert_with(|| SplitSum {
            ppm: 0,
            rows: 0,
            first_line: line,
            id: id.to_string(),
        });
        e.ppm = e.ppm.saturating_add(ppm);
        e.rows += 1;
    }

    /// The deals whose splits do not sum to 1 (±0.0001), by first line.
    fn finish(mut self) -> Vec<(u64, SplitSum)> {
        if !self.sums.is_empty() {
            for (k, line) in self.keys.iter().zip(&self.lines) {
                if let Some(e) = self.sums.get_mut(k) {
                    e.ppm = e.ppm.saturating_add(1_000_000);
                    e.rows += 1;
                    e.first_line = e.first_line.min(*line);
                }
            }
        }
        let mut bad: Vec<(u64, SplitSum)> = self
            .sums
            .into_iter()
            .filter(|(_, s)| s.ppm.abs_diff(1_000_000) > 100)
            .collect();
        bad.sort_unstable_by_key(|(_, s)| s.first_line);
        bad
    }
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
    schemes: &[crate::plan::Scheme],
    exclude: &HashSet<u64>,
    problems: &mut Problems,
    mut visit: impl FnMut(&DealRow),
) -> DealScan {
    let mut scan = DealScan::default();
    let attr_cols = crate::plan::attr_columns(schemes);
    let Some(mut t) = Table::open_with(file, "deals", input, COLS, &attr_cols, map, problems) else {
        return scan;
    };
    let measures: Vec<crate::plan::Measure> = schemes.iter().map(|s| s.measure).collect();
    // A scheme that measures margin or units needs its column: one error, at the header.
    for (k, m) in [
        (MARGIN, crate::plan::Measure::Margin),
        (QUANTITY, crate::plan::Measure::Units),
    ] {
        if measures.contains(&m) && !t.has(k) {
            let col = m.column().unwrap_or_default();
            let mut d = t.err_as(
                "missing-column",
                None,
                format!(
                    "no `{col}` column: a scheme of the plan measures {col} (`measure = \"{}\"`)",
                    if k == MARGIN { "margin" } else { "units" }
                ),
            );
            d.line = Some(1);
            problems.fatal(d.with_help(format!(
                "add the column `{col}` to deals.csv, or map it through [data.deals] columns"
            )));
            return scan;
        }
    }
    let split_col = if t.has(SPLIT) {
        t.column_number(SPLIT)
    } else {
        t.column_number(DEAL)
    };
    let mut splits = SplitCheck::new();
    while t.next_row(problems) {
        let n_err = problems.count();
        let deal_id = t.id(DEAL, problems);
        let rep = t.req_text(REP, problems).and_then(|id| match roster.find(id) {
            Some(r) => Some(r),
            None => {
                roster.unknown_rep(&t, REP, id, problems);
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
                        t.err_as("unknown-deal-type", Some(TYPE), format!("unknown deal_type {s:?}"))
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
                    problems.row_error(t.err_as("bad-split", Some(SPLIT), "split must be above 0 and at most 1"));
                    None
                }
                Err(e) => {
                    problems.row_error(t.err_as("bad-split", Some(SPLIT), e));
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
                    t.err_as("unknown-status", Some(STATUS), format!("unknown status {s:?}"))
                        .with_help("use won or cancelled (empty means won)"),
                );
                None
            }
            Err(Recorded) => None,
        };
        // The measured columns: a margin may be negative (a loss-making deal), a quantity not.
        let measured = |k: usize, signed: bool, problems: &mut Problems| match t.opt_text(k, problems) {
            Ok(None) => Ok(None),
            Ok(Some(s)) => match crate::units::parse_money(s) {
                Ok(d) if !signed && d.is_sign_negative() && !d.is_zero() => {
                    problems.row_error(t.err_as("negative", Some(k), "must not be negative"));
                    Err(Recorded)
                }
                Ok(d) => Ok(Some(d)),
                Err(e) => {
                    problems.row_error(
                        t.err_as("bad-number", Some(k), e)
                            .with_help("a plain decimal such as 1250.50"),
                    );
                    Err(Recorded)
                }
            },
            Err(Recorded) => Err(Recorded),
        };
        let margin = measured(MARGIN, true, problems);
        let quantity = measured(QUANTITY, false, problems);
        // A rep whose scheme measures margin or units needs the value on each of its rows.
        if let (Some(r), Some(day), Ok(m), Ok(q)) = (rep, close, &margin, &quantity) {
            let scheme = roster.segs[roster.seg_at(r, day)].scheme;
            let need = measures.get(scheme).copied().unwrap_or_default();
            let missing = match need {
                crate::plan::Measure::Margin if m.is_none() => Some(MARGIN),
                crate::plan::Measure::Units if q.is_none() => Some(QUANTITY),
                _ => None,
            };
            if let Some(k) = missing {
                let col = if k == MARGIN { "margin" } else { "quantity" };
                problems.row_error(
                    t.err_as(
                        "required",
                        Some(k),
                        format!("`{col}` is required: rep {}'s scheme measures {col}", roster.reps[r].id),
                    )
                    .with_help(format!("fill in the deal's {col}, or set the scheme's `measure`")),
                );
            }
        }
        let attrs: Vec<&str> = (0..attr_cols.len())
            .map(|j| t.text(COLS.len() + j, problems).unwrap_or_default())
            .collect();
        // Every column multiplier of the rep's scheme prices the row's value.
        let scheme_at = |r: usize, day| schemes.get(roster.segs[roster.seg_at(r, day)].scheme);
        if let Some(scheme) = rep.zip(close).and_then(|(r, day)| scheme_at(r, day)) {
            for m in &scheme.multipliers {
                let v = attrs.get(m.attr).copied().unwrap_or_default();
                if m.factor(v).is_none() {
                    let listed: Vec<&str> = m.values.keys().map(String::as_str).collect();
                    problems.row_error(
                        t.err_as(
                            "unlisted-value",
                            Some(COLS.len() + m.attr),
                            format!(
                                "{v:?} is not a value of `{}` that scheme {}'s multipliers list",
                                m.column, scheme.id
                            ),
                        )
                        .with_help(format!(
                            "listed: {}; add the value to the scheme's `multipliers.values`, or give a `default`",
                            listed.join(", ")
                        )),
                    );
                }
            }
        }
        let cancel_date = t.opt_date(CANCEL, problems);
        let cancelled = match (cancelled_status, cancel_date) {
            (Some(true), Ok(Some(c))) => {
                if close.is_some_and(|cl| c < cl) {
                    problems.row_error(t.err_as(
                        "cancel-before-close",
                        Some(CANCEL),
                        format!("cancel_date {c} is before close_date"),
                    ));
                }
                Some(Some(c))
            }
            (Some(true), Ok(None)) => {
                problems.row_error(t.err_as(
                    "missing-cancel-date",
                    Some(CANCEL),
                    "a cancelled deal needs its cancel_date",
                ));
                None
            }
            (Some(false), Ok(Some(_))) => {
                problems.row_error(
                    t.err_as(
                        "cancel-date-not-cancelled",
                        Some(CANCEL),
                        "cancel_date is set but status is not cancelled",
                    )
                    .with_help("set status to cancelled, or clear cancel_date"),
                );
                None
            }
            (Some(false), Ok(None)) => Some(None),
            _ => None,
        };
        if problems.count() > n_err {
            continue;
        }
        let (
            Some(deal_id),
            Some(rep),
            Some(deal_type),
            Some(close),
            Some(amount),
            Some(split),
            Some(cancelled),
            Ok(margin),
            Ok(quantity),
        ) = (
            deal_id, rep, deal_type, close, amount, split, cancelled, margin, quantity,
        )
        else {
            continue;
        };
        let key = deal_key(deal_id);
        if exclude.contains(&key) {
            problems.row_error(t.err_as("split-sum", Some(SPLIT), format!("{SPLIT_REASON} (deal {deal_id:?})")));
            continue;
        }
        let ppm = (split * Decimal::from(1_000_000)).round().to_u32().unwrap_or(0);
        splits.add(key, deal_id, ppm, t.line as u32);
        visit(&DealRow {
            deal_id,
            rep,
            customer,
            product,
            deal_type,
            close,
            amount,
            split,
            margin,
            quantity,
            cancelled,
            attrs: &attrs,
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
    for (key, s) in splits.finish() {
        let (line, id) = (s.first_line, s.id);
        let sum = Decimal::from(s.ppm) / Decimal::from(1_000_000);
        let d = Diagnostic::error(format!(
            "the splits of deal {id:?} sum to {} over {} row(s), not 1",
            sum.normalize(),
            s.rows
        ))
        .with_code("deals.split-sum")
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

/// Something else fed by the streaming pass over deals.csv (the ledger keeps only the plan year).
pub trait DealSink {
    /// One good row, of any year, with the plan, roster and calendar it was read against.
    fn deal(&mut self, row: &DealRow, run: &Run);
    /// The rows so far are void: the file is read again (lenient mode, bad splits dropped).
    fn restart(&mut self);
}

/// What a [`DealSink`] may read beside the row.
pub struct Run<'a> {
    /// The plan.
    pub plan: &'a crate::plan::Plan,
    /// The reps.
    pub roster: &'a Roster,
    /// The plan's calendar.
    pub cal: &'a crate::calendar::Calendar,
}

impl DealSink for () {
    fn deal(&mut self, _: &DealRow, _: &Run) {}
    fn restart(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(rows: &[(&str, u32)]) -> Vec<(String, u32, u32, u32)> {
        let mut c = SplitCheck::new();
        for (line, (id, ppm)) in rows.iter().enumerate() {
            c.add(deal_key(id), id, *ppm, line as u32 + 2);
        }
        c.finish()
            .into_iter()
            .map(|(_, s)| (s.id, s.ppm, s.rows, s.first_line))
            .collect()
    }

    #[test]
    fn deal_keys_do_not_collide_on_typical_ids() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..300_000u32 {
            for id in [format!("D{i:07}"), format!("C{i}"), format!("opp-{i}-x"), i.to_string()] {
                assert!(seen.insert(deal_key(&id)), "collision at {id}");
            }
        }
        assert_ne!(deal_key("a"), deal_key("a\0"));
        assert_ne!(deal_key(""), deal_key("\0"));
    }

    #[test]
    fn single_rows_and_exact_splits_pass() {
        assert!(check(&[("D1", 1_000_000), ("D2", 600_000), ("D2", 400_000), ("D3", 1_000_000)]).is_empty());
        assert!(check(&[("D4", 333_300), ("D4", 333_300), ("D4", 333_300)]).is_empty());
    }

    #[test]
    fn a_repeated_single_row_is_caught_with_its_first_line_and_id() {
        let bad = check(&[("D1", 1_000_000), ("D2", 1_000_000), ("D1", 1_000_000)]);
        assert_eq!(bad, vec![("D1".to_string(), 2_000_000, 2, 2)]);
        let bad = check(&[("D3", 500_000), ("D9", 1_000_000), ("D3", 300_000)]);
        assert_eq!(bad, vec![("D3".to_string(), 800_000, 2, 2)]);
    }

    #[test]
    fn ids_in_order_then_one_going_back_are_checked_exactly() {
        let ids: Vec<String> = (0..200_000).map(|i| format!("D{i:07}")).collect();
        let mut rows: Vec<(&str, u32)> = ids.iter().map(|s| (s.as_str(), 1_000_000)).collect();
        rows.insert(6, ("D0000005", 1_000_000)); // an adjacent repeat while sorted
        assert_eq!(check(&rows), vec![("D0000005".to_string(), 2_000_000, 2, 7)]);
        rows.push(("D0000042", 250_000)); // far back: the filter takes over
        assert_eq!(
            check(&rows),
            vec![
                ("D0000005".to_string(), 2_000_000, 2, 7),
                ("D0000042".to_string(), 1_250_000, 2, 45)
            ]
        );
    }

    #[test]
    fn repeats_are_caught_across_filter_growth() {
        let ids: Vec<String> = (0..300_000).map(|i| format!("D{i}")).collect();
        let mut rows: Vec<(&str, u32)> = ids.iter().map(|s| (s.as_str(), 1_000_000)).collect();
        rows.push(("D17", 1_000_000));
        rows.push(("D250000", 500_000));
        let bad = check(&rows);
        assert_eq!(
            bad,
            vec![
                ("D17".to_string(), 2_000_000, 2, 19),
                ("D250000".to_string(), 1_500_000, 2, 250_002)
            ]
        );
    }
}
