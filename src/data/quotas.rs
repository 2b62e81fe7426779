//! `quotas.csv` (optional): explicit quotas per rep and period.

use super::reps::Roster;
use super::table::{Col, Problems, Table};
use crate::calendar::Calendar;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::Read;

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
        name: "quota",
        required: true,
    },
];

/// Explicit quotas by (rep index, period index).
pub type Quotas = BTreeMap<(usize, usize), Decimal>;

/// Reads quotas.csv.
pub fn read<R: Read>(file: &str, input: R, roster: &Roster, cal: &Calendar, problems: &mut Problems) -> (Quotas, u64) {
    let mut out = Quotas::new();
    let Some(mut t) = Table::open(file, "quotas", input, COLS, None, problems) else {
        return (out, 0);
    };
    let mut lines: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    while t.next_row(problems) {
        let rep = super::rep_cell(&t, 0, roster, problems);
        let period = t
            .req_text(1, problems)
            .and_then(|p| super::period_cell(&t, 1, p, cal, problems));
        let quota = t.money(2, problems);
        if let (Some(r), Some(p), Some(q)) = (rep, period, quota) {
            if let Some(first) = lines.get(&(r, p)) {
                problems.row_error(t.err_as(
                    "duplicate-quota",
                    Some(1),
                    format!(
                        "a second quota for rep {:?} in {} (first at line {first})",
                        roster.reps[r].id,
                        cal.label(p)
                    ),
                ));
                continue;
            }
            lines.insert((r, p), t.line);
            out.insert((r, p), q);
        }
    }
    (out, t.rows)
}
