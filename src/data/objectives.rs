//! `objectives.csv` (optional): management objectives (MBOs) scored per rep and period.

use super::reps::Roster;
use super::table::{Col, Problems, Table};
use crate::calendar::Calendar;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::Read;

/// The file's name in the data folder.
pub const FILE: &str = "objectives.csv";

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
        name: "objective",
        required: true,
    },
    Col {
        name: "weight",
        required: true,
    },
    Col {
        name: "score",
        required: true,
    },
];

/// One scored objective.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Objective {
    /// Rep index.
    pub rep: usize,
    /// Period index.
    pub period: usize,
    /// Its name.
    pub name: String,
    /// Its weight (the weights of a rep and period sum to 1).
    pub weight: Decimal,
    /// Its score (1 = met; an `mbo` component caps it at its `max_score`).
    pub score: Decimal,
}

/// A decimal cell of `t` (column `k`) that must be ≥ 0.
fn share<R: Read>(t: &Table<R>, k: usize, problems: &mut Problems) -> Option<Decimal> {
    let s = t.req_text(k, problems)?;
    match crate::units::parse_decimal(s) {
        Ok(d) if d.is_sign_negative() && !d.is_zero() => {
            problems.row_error(t.err_as("negative", Some(k), "must not be negative"));
            None
        }
        Ok(d) if d > Decimal::ONE_HUNDRED => {
            problems.row_error(t.err_as("too-large", Some(k), "at most 100"));
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            problems.row_error(
                t.err_as("bad-number", Some(k), e)
                    .with_help("a plain decimal such as 0.25"),
            );
            None
        }
    }
}

/// Reads objectives.csv: the rows in file order, and the rows read. The
/// weights of each rep and period must sum to 1 (within 0.0001): otherwise a
/// located error at that rep and period's last row.
pub fn read<R: Read>(
    file: &str,
    input: R,
    roster: &Roster,
    cal: &Calendar,
    problems: &mut Problems,
) -> (Vec<Objective>, u64) {
    let mut out = Vec::new();
    let Some(mut t) = Table::open(file, "objectives", input, COLS, None, problems) else {
        return (out, 0);
    };
    // Per rep and period: the weights' sum and the last row (line, and its error at the weight cell).
    let mut sums: BTreeMap<(usize, usize), (Decimal, crate::diag::Diagnostic)> = BTreeMap::new();
    while t.next_row(problems) {
        let rep = super::rep_cell(&t, 0, roster, problems);
        let period = t
            .req_text(1, problems)
            .and_then(|p| super::period_cell(&t, 1, p, cal, problems));
        let name = t.req_text(2, problems).map(str::to_string);
        let weight = share(&t, 3, problems);
        let score = share(&t, 4, problems);
        if let (Some(rep), Some(period), Some(name), Some(weight), Some(score)) = (rep, period, name, weight, score) {
            let e = sums.entry((rep, period)).or_insert((Decimal::ZERO, t.err(Some(3), "")));
            e.0 += weight;
            e.1 = t.err_as("weights", Some(3), "");
            out.push(Objective {
                rep,
                period,
                name,
                weight,
                score,
            });
        }
    }
    let tolerance = Decimal::new(1, 4);
    for ((rep, period), (sum, mut d)) in sums {
        if (sum - Decimal::ONE).abs() > tolerance {
            d.message = format!(
                "the objectives of rep {} in {} weigh {} in all, not 1",
                roster.reps[rep].id,
                cal.label(period),
                sum.normalize()
            );
            problems.row_error(d.with_help("the weights of one rep and period sum to 1: 0.5 + 0.3 + 0.2"));
        }
    }
    (out, t.rows)
}
