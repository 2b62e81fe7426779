//! `assignments.csv` (optional): what changes for a rep during the year —
//! a promotion to another scheme, a transfer to another manager or
//! territory, a new quota or base salary — effective from a date.
//!
//! A row changes what it names from `effective_from` on; the rep's reps.csv
//! row is its assignment from hire. Each rep's assignments become segments
//! of the roster ([`Roster::segs`]), which the ledger credits by close date
//! and the pay program pays one by one.

use super::reps::{Roster, Seg};
use super::table::{Col, Problems, Table};
use crate::calendar::Calendar;
use crate::diag::Diagnostic;
use crate::plan::Plan;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::Read;

/// The file's name in the data folder.
pub const FILE: &str = "assignments.csv";

/// The columns, as `[data.assignments]` maps them.
pub const COLUMNS: [&str; 7] = [
    "rep_id",
    "effective_from",
    "scheme",
    "manager_id",
    "territory",
    "quota",
    "base_salary",
];

const COLS: &[Col] = &[
    Col {
        name: COLUMNS[0],
        required: true,
    },
    Col {
        name: COLUMNS[1],
        required: true,
    },
    Col {
        name: COLUMNS[2],
        required: false,
    },
    Col {
        name: COLUMNS[3],
        required: false,
    },
    Col {
        name: COLUMNS[4],
        required: false,
    },
    Col {
        name: COLUMNS[5],
        required: false,
    },
    Col {
        name: COLUMNS[6],
        required: false,
    },
];

/// One row: what changes for `rep` from `from`.
#[derive(Debug, Clone)]
struct Change {
    rep: usize,
    from: NaiveDate,
    scheme: Option<usize>,
    manager: Option<usize>,
    territory: Option<String>,
    quota: Option<Decimal>,
    base_salary: Option<Decimal>,
    line: usize,
}

/// Reads assignments.csv and adds its assignments to the roster as segments;
/// returns the rows read. Every bad row is a located error; a cycle in the
/// reporting tree on any date is one error at the row that makes it.
pub fn read<R: Read>(
    file: &str,
    input: R,
    plan: &Plan,
    cal: &Calendar,
    roster: &mut Roster,
    problems: &mut Problems,
) -> u64 {
    let map = plan.data_map.assignments.as_ref();
    let Some(mut t) = Table::open(file, "assignments", input, COLS, map, problems) else {
        return 0;
    };
    let (first, last) = (cal.start(), cal.end());
    let mut changes: Vec<Change> = Vec::new();
    let mut seen: BTreeMap<(usize, NaiveDate), usize> = BTreeMap::new();
    let mcol = t.column_number(3);
    while t.next_row(problems) {
        let before = problems.count();
        let rep = super::rep_cell(&t, 0, roster, problems);
        let from = t.date(1, problems);
        if let (Some(r), Some(d)) = (rep, from) {
            let who = &roster.reps[r];
            let why = if d < first || d > last {
                Some(format!("{d} is outside the plan year ({first} to {last})"))
            } else if who.hire.is_some_and(|h| d < h) {
                Some(format!(
                    "{d} is before rep {}'s hire_date {}",
                    who.id,
                    who.hire.unwrap_or(d)
                ))
            } else if who.end.is_some_and(|e| d > e) {
                Some(format!(
                    "{d} is after rep {}'s end_date {}",
                    who.id,
                    who.end.unwrap_or(d)
                ))
            } else {
                None
            };
            if let Some(why) = why {
                problems.row_error(
                    t.err_as("bad-date", Some(1), why)
                        .with_help("an assignment takes effect on a day of the plan year the rep works"),
                );
            } else if let Some(line) = seen.get(&(r, d)) {
                problems.row_error(t.err_as(
                    "duplicate",
                    Some(1),
                    format!("a second assignment of rep {} on {d} (first at line {line})", who.id),
                ));
            } else {
                seen.insert((r, d), t.line);
            }
        }
        let scheme = match t.opt_text(2, problems) {
            Ok(Some(s)) => match plan.scheme(s) {
                Some(i) => Some(i),
                None => {
                    let known: Vec<&str> = plan.schemes.iter().map(|s| s.id.as_str()).collect();
                    problems.row_error(
                        t.err_as("unknown-scheme", Some(2), format!("unknown scheme {s:?}"))
                            .with_help(format!("schemes in the plan: {}", known.join(", "))),
                    );
                    None
                }
            },
            _ => None,
        };
        let manager = match t.opt_text(3, problems) {
            Ok(Some(m)) => match roster.find(m) {
                Some(j) if Some(j) == rep => {
                    problems.row_error(
                        t.err_as("cycle", Some(3), format!("rep {m:?} would be its own manager"))
                            .with_help("a rep cannot manage, directly or indirectly, their own manager"),
                    );
                    None
                }
                Some(j) => Some(j),
                None => {
                    roster.unknown_rep(&t, 3, m, problems);
                    None
                }
            },
            _ => None,
        };
        let territory = match t.opt_text(4, problems) {
            Ok(Some(ter)) => {
                if !plan.territories.is_empty() && !plan.territories.iter().any(|x| x.id == ter) {
                    problems.row_error(
                        t.err_as("unknown-territory", Some(4), format!("unknown territory {ter:?}"))
                            .with_help("territories are declared in the plan's [[territories]]"),
                    );
                }
                Some(ter.to_string())
            }
            _ => None,
        };
        let quota = t.opt_money(5, problems).ok().flatten();
        let base_salary = t.opt_money(6, problems).ok().flatten();
        if problems.count() > before {
            continue;
        }
        if let (Some(rep), Some(from)) = (rep, from) {
            changes.push(Change {
                rep,
                from,
                scheme,
                manager,
                territory,
                quota,
                base_salary,
                line: t.line,
            });
        }
    }
    let rows = t.rows;
    if problems.failed() {
        return rows;
    }
    apply(roster, changes);
    check_cycles(file, mcol, cal.start(), roster, problems);
    rows
}

/// Adds each rep's changes, in date order, as segments after the reps.csv ones.
fn apply(roster: &mut Roster, mut changes: Vec<Change>) {
    changes.sort_by_key(|c| (c.rep, c.from));
    for c in changes {
        let last = *roster.rep_segs[c.rep].last().unwrap_or(&c.rep);
        let prev = roster.segs[last].clone();
        roster.segs[last].to = c.from.pred_opt();
        // A new scheme brings its own quota and base salary unless the row names them.
        let same_scheme = c.scheme.is_none_or(|s| s == prev.scheme);
        let seg = Seg {
            rep: c.rep,
            from: Some(c.from),
            to: None,
            scheme: c.scheme.unwrap_or(prev.scheme),
            manager: c.manager.or(prev.manager),
            territory: c.territory.or(prev.territory),
            quota: c.quota.or(if same_scheme { prev.quota } else { None }),
            base_salary: c.base_salary.or(if same_scheme { prev.base_salary } else { None }),
            line: c.line,
        };
        roster.rep_segs[c.rep].push(roster.segs.len());
        roster.segs.push(seg);
    }
}

/// On every day an assignment takes effect, the reporting tree in force
/// ([`Roster::seg_on`]) must have no cycle; the first found is an error at a
/// row of assignments.csv that makes it. Each day is one walk over the reps
/// (each visited once).
fn check_cycles(file: &str, mcol: usize, year_start: NaiveDate, roster: &Roster, problems: &mut Problems) {
    let mut days: Vec<NaiveDate> = roster.segs.iter().filter_map(|s| s.from).collect();
    days.push(year_start);
    days.sort();
    days.dedup();
    let n = roster.reps.len();
    for day in days {
        let boss: Vec<Option<usize>> = (0..n).map(|r| roster.segs[roster.seg_on(r, day)].manager).collect();
        // 0: not seen, 1: on the current walk, 2: done (leads to a root).
        let mut state = vec![0u8; n];
        for start in 0..n {
            let mut path = Vec::new();
            let mut x = Some(start);
            while let Some(c) = x {
                match state[c] {
                    2 => break,
                    1 => {
                        // The loop is the walk from the first visit of `c` on.
                        let at = path.iter().position(|&p| p == c).unwrap_or(0);
                        let on_loop = &path[at..];
                        let segs: Vec<&crate::data::reps::Seg> =
                            on_loop.iter().map(|&r| &roster.segs[roster.seg_on(r, day)]).collect();
                        let seg = segs
                            .iter()
                            .find(|s| s.from == Some(day) && s.line > 0 && s.manager.is_some())
                            .or_else(|| segs.iter().find(|s| s.line > 0 && s.manager.is_some()))
                            .copied();
                        let ids: Vec<&str> = on_loop.iter().map(|&r| roster.reps[r].id.as_str()).collect();
                        let mut d = Diagnostic::error(format!(
                            "on {day} the reporting tree has a cycle: {} -> {}",
                            ids.join(" -> "),
                            ids[0]
                        ))
                        .with_code("assignments.cycle")
                        .in_file(file)
                        .with_help("a rep cannot manage, directly or indirectly, their own manager, on any date");
                        if let Some(s) = seg {
                            d = d.at(s.line, mcol.max(1)).column_named("manager_id");
                            if let Some(m) = s.manager {
                                d = d.with_value(roster.reps[m].id.clone());
                            }
                        }
                        problems.fatal(d);
                        return;
                    }
                    _ => {
                        state[c] = 1;
                        path.push(c);
                        x = boss[c];
                    }
                }
            }
            for p in path {
                state[p] = 2;
            }
        }
    }
}
