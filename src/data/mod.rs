//! Data files: CSV rows → typed records with their file and line.
//!
//! Readers take any `Read` (the CLI opens the files); strict by default, and
//! lenient readers record skipped rows as rejects.

pub mod adjustments;
pub mod assignments;
pub mod deals;
pub mod objectives;
pub mod opps;
pub mod quotas;
pub mod reps;
pub mod table;

pub use deals::DealRow;
pub use opps::{Opp, OppStatus};
pub use reps::{Rep, Roster};
pub use table::{Problems, Reject};

/// A `period` cell (`p`, column `k` of `t`) as a period index of the plan's
/// calendar; an unknown label is a located error listing the plan's periods.
pub fn period_cell<R: std::io::Read>(
    t: &table::Table<R>,
    k: usize,
    p: &str,
    cal: &crate::calendar::Calendar,
    problems: &mut Problems,
) -> Option<usize> {
    let found = cal.period_index(p);
    if found.is_none() {
        let labels: Vec<String> = (0..cal.periods()).map(|i| cal.label(i).to_string()).collect();
        problems.row_error(
            t.err_as("unknown-period", Some(k), format!("unknown period {p:?}"))
                .with_help(format!("this plan's periods: {}", labels.join(", "))),
        );
    }
    found
}

/// A required `rep_id` cell (column `k` of `t`) as a rep index; an unknown id
/// is a located error ([`Roster::unknown_rep`]).
pub fn rep_cell<R: std::io::Read>(
    t: &table::Table<R>,
    k: usize,
    roster: &Roster,
    problems: &mut Problems,
) -> Option<usize> {
    let id = t.req_text(k, problems)?;
    let found = roster.find(id);
    if found.is_none() {
        roster.unknown_rep(t, k, id, problems);
    }
    found
}
