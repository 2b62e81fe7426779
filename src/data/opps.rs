//! `opportunities.csv`: the pipeline, one row per opportunity.

use super::reps::Roster;
use super::table::{Col, Problems, Table};
use crate::plan::Process;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::io::Read;

/// Where an opportunity stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OppStatus {
    /// Still being worked.
    Open,
    /// Won.
    Won,
    /// Lost.
    Lost,
}

/// One opportunity.
#[derive(Debug, Clone)]
pub struct Opp {
    /// Unique id.
    pub id: String,
    /// Owner (rep index).
    pub rep: usize,
    /// Created (absent only where the plan's `[data]` mapping allows it).
    pub created: Option<NaiveDate>,
    /// Index of the furthest stage reached.
    pub stage: usize,
    /// Status.
    pub status: OppStatus,
    /// Expected or final value.
    pub amount: Option<Decimal>,
    /// Closed (won or lost).
    pub closed: Option<NaiveDate>,
}

const COLS: &[Col] = &[
    Col {
        name: "opp_id",
        required: true,
    },
    Col {
        name: "rep_id",
        required: true,
    },
    Col {
        name: "created_date",
        required: true,
    },
    Col {
        name: "stage",
        required: true,
    },
    Col {
        name: "status",
        required: true,
    },
    Col {
        name: "amount",
        required: false,
    },
    Col {
        name: "closed_date",
        required: false,
    },
];

/// Reads opportunities.csv.
pub fn read<R: Read>(
    file: &str,
    input: R,
    map: Option<&crate::plan::FileMap>,
    roster: &Roster,
    process: &Process,
    problems: &mut Problems,
) -> (Vec<Opp>, u64) {
    let mut out = Vec::new();
    let Some(mut t) = Table::open(file, "opportunities", input, COLS, map, problems) else {
        return (out, 0);
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut blank_created = 0u64;
    while t.next_row(problems) {
        let n_err = problems.count();
        let id = t.id(0, problems);
        if let Some(id) = id {
            // The first row of an id counts even when it is itself rejected.
            match seen.get(id) {
                Some(first) => problems.row_error(t.err_as(
                    "duplicate-id",
                    Some(0),
                    format!("duplicate opp_id {id:?} (first at line {first})"),
                )),
                None => {
                    seen.insert(id.to_string(), t.line);
                }
            }
        }
        let rep = t.req_text(1, problems).and_then(|r| match roster.find(r) {
            Some(i) => Some(i),
            None => {
                roster.unknown_rep(&t, 1, r, problems);
                None
            }
        });
        let created = if t.is_optional(2) {
            match t.opt_date(2, problems) {
                Ok(d) => {
                    blank_created += u64::from(d.is_none());
                    Some(d)
                }
                Err(_) => None,
            }
        } else {
            t.date(2, problems).map(Some)
        };
        let stage = t
            .req_text(3, problems)
            .and_then(|s| match process.stages.iter().position(|x| x == s) {
                Some(i) => Some(i),
                None => {
                    problems.row_error(
                        t.err_as("unknown-stage", Some(3), format!("unknown stage {s:?}"))
                            .with_help(format!("the plan's stages: {}", process.stages.join(", "))),
                    );
                    None
                }
            });
        let status = t.req_text(4, problems).and_then(|s| match s {
            "open" => Some(OppStatus::Open),
            "won" => Some(OppStatus::Won),
            "lost" => Some(OppStatus::Lost),
            _ => {
                problems.row_error(
                    t.err_as("unknown-status", Some(4), format!("unknown status {s:?}"))
                        .with_help("use open, won or lost"),
                );
                None
            }
        });
        let amount = t.opt_money(5, problems).unwrap_or(None);
        let closed = t.opt_date(6, problems).unwrap_or(None);
        match (status, closed) {
            (Some(OppStatus::Won | OppStatus::Lost), None) => problems.row_error(t.err_as(
                "missing-closed-date",
                Some(6),
                "a won or lost opportunity needs its closed_date",
            )),
            (Some(OppStatus::Open), Some(_)) => problems.row_error(
                t.err_as("closed-date-open", Some(6), "an open opportunity has a closed_date")
                    .with_help("clear closed_date, or set status to won or lost"),
            ),
            _ => {}
        }
        if let (Some(Some(c)), Some(cl)) = (created, closed) {
            if cl < c {
                problems.row_error(t.err_as(
                    "closed-before-created",
                    Some(6),
                    format!("closed_date {cl} is before created_date {c}"),
                ));
            }
        }
        if let (Some(OppStatus::Won), Some(s)) = (status, stage) {
            if s < process.won_at {
                problems.row_error(t.err_as(
                    "won-before-won-at",
                    Some(3),
                    format!(
                        "a won opportunity must have reached {:?} (won_at)",
                        process.stages[process.won_at]
                    ),
                ));
            }
        }
        if problems.count() > n_err {
            continue;
        }
        let (Some(id), Some(rep), Some(created), Some(stage), Some(status)) = (id, rep, created, stage, status) else {
            continue;
        };
        out.push(Opp {
            id: id.to_string(),
            rep,
            created,
            stage,
            status,
            amount,
            closed,
        });
    }
    if blank_created > 0 {
        problems.notes.push(format!("{file}: {blank_created} opportunit(ies) have a blank created_date (allowed by the plan's [data] optional list); they count in the funnel but not in days to close"));
    }
    if t.filtered > 0 {
        problems.notes.push(format!(
            "{file}: {} row(s) read, {} skipped by the filter {}",
            t.rows,
            t.filtered,
            t.filter_text()
        ));
    }
    (out, t.rows)
}
