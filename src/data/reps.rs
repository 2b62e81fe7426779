//! `reps.csv`: the people paid or measured, and the reporting tree.

use super::table::{Col, Problems, Table};
use crate::diag::Diagnostic;
use crate::plan::Plan;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::io::Read;

/// One rep.
#[derive(Debug, Clone)]
pub struct Rep {
    /// Unique id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Index of the rep's scheme in the plan.
    pub scheme: usize,
    /// Territory id, if any.
    pub territory: Option<String>,
    /// Index of the manager, if any.
    pub manager: Option<usize>,
    /// Hire date (absent = hired before the plan year).
    pub hire: Option<NaiveDate>,
    /// Last day worked (absent = still employed).
    pub end: Option<NaiveDate>,
    /// Line in reps.csv.
    pub line: usize,
}

/// One assignment of a rep: what is in force over a stretch of its year (a
/// rep's reps.csv row is its assignment from hire; assignments.csv adds later ones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seg {
    /// The rep (index in `Roster::reps`).
    pub rep: usize,
    /// First day in force (`None`: from hire, or before the plan year).
    pub from: Option<NaiveDate>,
    /// Last day in force (`None`: to the rep's end).
    pub to: Option<NaiveDate>,
    /// Scheme (index in the plan).
    pub scheme: usize,
    /// Manager (a rep index), if any.
    pub manager: Option<usize>,
    /// Territory id, if any.
    pub territory: Option<String>,
    /// Annual quota instead of the scheme's, if given.
    pub quota: Option<rust_decimal::Decimal>,
    /// Annual base salary instead of the scheme's, if given.
    pub base_salary: Option<rust_decimal::Decimal>,
    /// Line of assignments.csv (0: the reps.csv row).
    pub line: usize,
}

impl Seg {
    /// The assignment a reps.csv row is, from hire.
    pub fn of(r: usize, rep: &Rep) -> Self {
        Self {
            rep: r,
            from: None,
            to: None,
            scheme: rep.scheme,
            manager: rep.manager,
            territory: rep.territory.clone(),
            quota: None,
            base_salary: None,
            line: 0,
        }
    }

    /// Whether `day` is in force.
    pub fn holds(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= day) && self.to.is_none_or(|t| day <= t)
    }
}

/// Every rep, with lookups and the reporting tree.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    /// Reps in file order.
    pub reps: Vec<Rep>,
    /// Index by id.
    pub by_id: HashMap<String, usize>,
    /// Direct reports of each rep.
    pub reports: Vec<Vec<usize>>,
    /// The file the reps were read from, as the user named it (empty when built in memory).
    pub file: String,
    /// The `rep_id` column's number in that file (1-based).
    pub id_column: usize,
    /// Ids of rows rejected by the reader, with their line: rows of other files
    /// that name them are consequences, not errors of their own.
    pub rejected: HashMap<String, usize>,
    /// Every assignment: first each rep's reps.csv row (segment `r` is rep
    /// `r`'s), then those of assignments.csv, so that without it segments are reps.
    pub segs: Vec<Seg>,
    /// Each rep's segments in date order (the first is the rep's own index).
    pub rep_segs: Vec<Vec<usize>>,
}

impl Roster {
    /// The index of a rep id.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The roster without assignments.csv: every rep under its reps.csv row all year.
    pub fn undated(&self) -> Self {
        let mut r = self.clone();
        r.segs.truncate(r.reps.len());
        for (i, s) in r.segs.iter_mut().enumerate() {
            *s = Seg::of(i, &r.reps[i]);
        }
        r.rep_segs = (0..r.reps.len()).map(|i| vec![i]).collect();
        r
    }

    /// Whether some rep changes assignment in the year (assignments.csv).
    pub fn dated(&self) -> bool {
        self.segs.len() > self.reps.len()
    }

    /// The segment of rep `r` in force on `day`; a day before the rep's hire
    /// date (or after its end date) counts as that date, so a deal closed before
    /// the hire is credited to the assignment the rep starts with.
    pub fn seg_at(&self, r: usize, day: NaiveDate) -> usize {
        if self.rep_segs[r].len() == 1 {
            return self.rep_segs[r][0];
        }
        let rep = &self.reps[r];
        let day = rep.hire.map_or(day, |h| day.max(h));
        let day = rep.end.map_or(day, |e| day.min(e));
        self.seg_on(r, day)
    }

    /// The segment of rep `r` in force on `day` as the reporting tree has it
    /// (no clamp to the hire date: before its first assignment a rep is its
    /// reps.csv row). Team credit climbs this tree.
    pub fn seg_on(&self, r: usize, day: NaiveDate) -> usize {
        let segs = &self.rep_segs[r];
        if segs.len() == 1 {
            return segs[0];
        }
        segs.iter()
            .rev()
            .copied()
            .find(|&s| self.segs[s].from.is_none_or(|f| f <= day))
            .unwrap_or(segs[0])
    }

    /// Every rep below `r` in the tree (depth first, in file order).
    pub fn descendants(&self, r: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self.reports[r].iter().rev().copied().collect();
        while let Some(x) = stack.pop() {
            out.push(x);
            stack.extend(self.reports[x].iter().rev().copied());
        }
        out
    }

    /// Every rep, each after all of its reports (children before managers),
    /// in one pass over the tree: the order in which sums over the tree are
    /// built bottom-up, in time linear in the roster.
    pub fn bottom_up(&self) -> Vec<usize> {
        let n = self.reps.len();
        let mut seen = vec![false; n];
        let mut pre = Vec::with_capacity(n);
        let roots = (0..n).filter(|&r| self.reps[r].manager.is_none());
        // Roots first, then anything a cycle kept from a root (the loader cuts cycles).
        for start in roots.chain(0..n) {
            if seen[start] {
                continue;
            }
            seen[start] = true;
            let mut stack = vec![start];
            while let Some(x) = stack.pop() {
                pre.push(x);
                for &c in self.reports[x].iter().rev() {
                    if !seen[c] {
                        seen[c] = true;
                        stack.push(c);
                    }
                }
            }
        }
        pre.reverse();
        pre
    }

    /// Records that the current row of `t` names `id` (in column `k`), which is
    /// not a rep: an error, unless the rep's own row was rejected, when the row is
    /// only a consequence of that error (skipped, not reported again).
    pub fn unknown_rep<R: Read>(&self, t: &Table<R>, k: usize, id: &str, problems: &mut Problems) {
        let shown = if self.file.is_empty() {
            "reps.csv"
        } else {
            self.file.as_str()
        };
        match self.rejected.get(id) {
            Some(line) => problems.consequence(t.err_as(
                "rep-rejected",
                Some(k),
                format!("rep_id {id:?} was rejected ({shown} line {line})"),
            )),
            None => problems.row_error(
                t.err_as("unknown-rep", Some(k), format!("rep_id {id:?} is not in reps.csv"))
                    .with_help(format!("add the rep to {shown}, or correct the id")),
            ),
        }
    }

    /// Locates `d` at rep `r`'s row of reps.csv (its `rep_id` cell).
    pub fn at_rep(&self, r: usize, d: Diagnostic) -> Diagnostic {
        let Some(rep) = self.reps.get(r) else { return d };
        let d = if self.file.is_empty() {
            d
        } else {
            d.in_file(self.file.clone()).at(rep.line, self.id_column.max(1))
        };
        d.column_named("rep_id").with_value(rep.id.clone())
    }

    /// Builds a roster from reps already checked (for tests and generators).
    pub fn from_reps(reps: Vec<Rep>) -> Self {
        let by_id = reps.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
        let mut reports = vec![Vec::new(); reps.len()];
        for (i, r) in reps.iter().enumerate() {
            if let Some(m) = r.manager {
                reports[m].push(i);
            }
        }
        let segs = reps.iter().enumerate().map(|(r, rep)| Seg::of(r, rep)).collect();
        let rep_segs = (0..reps.len()).map(|r| vec![r]).collect();
        Self {
            reps,
            by_id,
            reports,
            file: String::new(),
            id_column: 1,
            rejected: HashMap::new(),
            segs,
            rep_segs,
        }
    }
}

const COLS: &[Col] = &[
    Col {
        name: "rep_id",
        required: true,
    },
    Col {
        name: "name",
        required: true,
    },
    Col {
        name: "scheme",
        required: true,
    },
    Col {
        name: "territory",
        required: false,
    },
    Col {
        name: "manager_id",
        required: false,
    },
    Col {
        name: "hire_date",
        required: false,
    },
    Col {
        name: "end_date",
        required: false,
    },
];
const ID: usize = 0;
const NAME: usize = 1;
const SCHEME: usize = 2;
const TERRITORY: usize = 3;
const MANAGER: usize = 4;
const HIRE: usize = 5;
const END: usize = 6;

/// The most reps one run pays (memory grows with reps × periods; this keeps a
/// run within a few gigabytes).
pub const MAX_REPS: usize = 200_000;

/// Reads reps.csv; bad rows are recorded in `problems`.
pub fn read<R: Read>(file: &str, input: R, plan: &Plan, problems: &mut Problems) -> Roster {
    let map = plan.data_map.reps.as_ref();
    let Some(mut t) = Table::open(file, "reps", input, COLS, map, problems) else {
        return Roster::default();
    };
    t.set_key(ID);
    let mcol = t.column_number(MANAGER);
    let mut reps: Vec<Rep> = Vec::new();
    let mut managers: Vec<Option<(String, usize)>> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let mut rejected: HashMap<String, usize> = HashMap::new();
    while t.next_row(problems) {
        if t.rows > MAX_REPS as u64 {
            problems.fatal(
                t.err_as(
                    "too-many",
                    None,
                    format!("more than {MAX_REPS} reps: fuerza pays at most {MAX_REPS} in one run"),
                )
                .with_help("split the roster (one run per region or business unit)"),
            );
            break;
        }
        let before = problems.count();
        let id = t.id(ID, problems).map(str::to_string);
        let name = t.req_text(NAME, problems).map(str::to_string);
        let scheme = t.req_text(SCHEME, problems).and_then(|s| match plan.scheme(s) {
            Some(i) => Some(i),
            None => {
                let known: Vec<&str> = plan.schemes.iter().map(|s| s.id.as_str()).collect();
                problems.row_error(
                    t.err_as("unknown-scheme", Some(SCHEME), format!("unknown scheme {s:?}"))
                        .with_help(format!("schemes in the plan: {}", known.join(", "))),
                );
                None
            }
        });
        let territory = t.opt_text(TERRITORY, problems).ok().flatten().map(str::to_string);
        if let Some(ter) = &territory {
            if !plan.territories.is_empty() && !plan.territories.iter().any(|x| &x.id == ter) {
                problems.row_error(
                    t.err_as(
                        "unknown-territory",
                        Some(TERRITORY),
                        format!("unknown territory {ter:?}"),
                    )
                    .with_help("territories are declared in the plan's [[territories]]"),
                );
            }
        }
        let manager = t
            .opt_text(MANAGER, problems)
            .ok()
            .flatten()
            .map(|m| (m.to_string(), t.line));
        let hire = t.opt_date(HIRE, problems).unwrap_or(None);
        let end = t.opt_date(END, problems).unwrap_or(None);
        if let (Some(h), Some(e)) = (hire, end) {
            if e < h {
                problems.row_error(t.err_as(
                    "end-before-hire",
                    Some(END),
                    format!("end_date {e} is before hire_date {h}"),
                ));
            }
        }
        if let Some(id) = &id {
            // The first row of an id counts even when it is itself rejected.
            match first_line.get(id) {
                Some(first) => problems.row_error(t.err_as(
                    "duplicate-id",
                    Some(ID),
                    format!("duplicate rep_id {id:?} (first at line {first})"),
                )),
                None => {
                    first_line.insert(id.clone(), t.line);
                }
            }
        }
        if problems.count() > before {
            if let Some(id) = id {
                rejected.entry(id).or_insert(t.line);
            }
            continue;
        }
        let (Some(id), Some(name), Some(scheme)) = (id, name, scheme) else {
            continue;
        };
        by_id.insert(id.clone(), reps.len());
        reps.push(Rep {
            id,
            name,
            scheme,
            territory,
            manager: None,
            hire,
            end,
            line: t.line,
        });
        managers.push(manager);
    }
    for (id, line) in std::mem::take(&mut t.rejected_keys) {
        if !by_id.contains_key(&id) {
            rejected.entry(id).or_insert(line);
        }
    }
    if t.filtered > 0 {
        problems.notes.push(format!(
            "{file}: {} row(s) read, {} skipped by the filter {}",
            t.rows,
            t.filtered,
            t.filter_text()
        ));
    }
    if let Some(scheme_id) = map.and_then(|m| m.managers_scheme.as_ref()) {
        create_managers(file, mcol, plan, scheme_id, &mut reps, &managers, &mut by_id, problems);
        managers.resize(reps.len(), None);
    }
    // Resolve managers; an unknown manager makes the row bad.
    let mut keep = vec![true; reps.len()];
    for (i, m) in managers.iter().enumerate() {
        if let Some((mid, line)) = m {
            match by_id.get(mid) {
                Some(&j) if j == i => {
                    problems.row_error(
                        Diagnostic::error(format!("rep {:?} is its own manager", reps[i].id))
                            .with_code("reps.cycle")
                            .in_file(file)
                            .at(*line, mcol)
                            .column_named("manager_id")
                            .with_value(mid.clone()),
                    );
                    keep[i] = false;
                }
                Some(&j) => reps[i].manager = Some(j),
                None => {
                    let d = Diagnostic::error(format!("manager_id {mid:?} is not a rep_id in {file}"))
                        .in_file(file)
                        .at(*line, mcol)
                        .column_named("manager_id")
                        .with_value(mid.clone());
                    match rejected.get(mid) {
                        // The manager's own row was rejected: that error says it all.
                        Some(at) => problems.consequence(
                            d.with_code("reps.rep-rejected")
                                .with_help(format!("the manager's row (line {at}) was rejected")),
                        ),
                        None => problems.row_error(
                            d.with_code("reps.unknown-manager")
                                .with_help("every manager needs their own row in reps.csv"),
                        ),
                    }
                    keep[i] = false;
                }
            }
        }
    }
    // A rep whose manager is dropped goes too, as a consequence (not silently
    // kept without a manager): walk each chain up once, memoising (cycles are
    // left to `check_cycles`).
    let mut bad: Vec<Option<bool>> = keep.iter().map(|&k| (!k).then_some(true)).collect();
    let mut on_chain = vec![false; reps.len()];
    for start in 0..reps.len() {
        let mut chain = Vec::new();
        let mut x = start;
        let verdict = loop {
            if let Some(v) = bad[x] {
                break v;
            }
            if on_chain[x] {
                break false;
            }
            on_chain[x] = true;
            chain.push(x);
            match reps[x].manager {
                Some(m) => x = m,
                None => break false,
            }
        };
        for &c in &chain {
            bad[c] = Some(verdict);
            on_chain[c] = false;
        }
    }
    for i in 0..reps.len() {
        if keep[i] && bad[i] == Some(true) {
            keep[i] = false;
            let boss = reps[i].manager.map(|m| reps[m].id.clone()).unwrap_or_default();
            problems.consequence(
                Diagnostic::error(format!("manager_id {boss:?} was rejected"))
                    .with_code("reps.rep-rejected")
                    .in_file(file)
                    .at(reps[i].line, mcol)
                    .column_named("manager_id")
                    .with_value(boss),
            );
        }
    }
    for (r, _) in reps.iter().zip(&keep).filter(|(_, k)| !**k) {
        rejected.entry(r.id.clone()).or_insert(r.line);
    }
    if keep.iter().any(|k| !k) {
        // Drop bad rows and re-index (lenient mode only reaches here with work to do).
        let old: Vec<Rep> = std::mem::take(&mut reps);
        let mut remap = vec![None; old.len()];
        for (i, r) in old.into_iter().enumerate() {
            if keep[i] {
                remap[i] = Some(reps.len());
                reps.push(r);
            }
        }
        for r in &mut reps {
            r.manager = r.manager.and_then(|m| remap[m]);
        }
    }
    check_cycles(file, mcol, &mut reps, problems);
    let mut roster = Roster::from_reps(reps);
    roster.rejected = rejected;
    roster.file = file.to_string();
    roster.id_column = t.column_number(ID);
    roster
}

/// Creates a rep for every manager named in `manager_id` who has no row of their own
/// (the plan's `[data.reps] managers`), on the given scheme; their territory is their
/// reports' when they all share one.
#[allow(clippy::too_many_arguments)]
fn create_managers(
    file: &str,
    mcol: usize,
    plan: &Plan,
    scheme_id: &str,
    reps: &mut Vec<Rep>,
    managers: &[Option<(String, usize)>],
    by_id: &mut HashMap<String, usize>,
    problems: &mut Problems,
) {
    let Some(scheme) = plan.scheme(scheme_id) else {
        problems.fatal(
            Diagnostic::error(format!("[data.reps] managers: unknown scheme {scheme_id:?}"))
                .with_code("plan.data-map")
                .in_file(file),
        );
        return;
    };
    let n0 = reps.len();
    let mut created: Vec<String> = Vec::new();
    for (mid, line) in managers.iter().flatten() {
        if by_id.contains_key(mid) {
            continue;
        }
        if let Err(e) = crate::units::check_id(mid) {
            problems.row_error(
                Diagnostic::error(e)
                    .with_code("reps.bad-id")
                    .in_file(file)
                    .at(*line, mcol)
                    .column_named("manager_id")
                    .with_value(mid.clone()),
            );
            continue;
        }
        let territories: std::collections::BTreeSet<Option<&String>> = managers
            .iter()
            .zip(reps[..n0].iter())
            .filter(|(x, _)| x.as_ref().is_some_and(|(id, _)| id == mid))
            .map(|(_, r)| r.territory.as_ref())
            .collect();
        let territory = match territories.into_iter().collect::<Vec<_>>().as_slice() {
            [Some(t)] => Some((*t).clone()),
            _ => None,
        };
        by_id.insert(mid.clone(), reps.len());
        created.push(mid.clone());
        reps.push(Rep {
            id: mid.clone(),
            name: mid.clone(),
            scheme,
            territory,
            manager: None,
            hire: None,
            end: None,
            line: *line,
        });
    }
    if !created.is_empty() {
        problems.notes.push(format!(
            "{file}: created {} manager(s) from manager_id on scheme {scheme_id:?}: {}",
            created.len(),
            crate::diag::some_of(&created, 20)
        ));
    }
}

/// Reports every cycle in the reporting tree (and cuts it, so later steps terminate).
fn check_cycles(file: &str, mcol: usize, reps: &mut [Rep], problems: &mut Problems) {
    let n = reps.len();
    let mut state = vec![0u8; n]; // 0 unvisited, 1 on path, 2 done
    for start in 0..n {
        let mut path = Vec::new();
        let mut cur = Some(start);
        while let Some(c) = cur {
            match state[c] {
                2 => break,
                1 => {
                    let pos = path.iter().position(|&x| x == c).unwrap_or(0);
                    let cycle: Vec<&str> = path[pos..].iter().map(|&x: &usize| reps[x].id.as_str()).collect();
                    let line = reps[c].line;
                    let boss = reps[c].manager.map(|m| reps[m].id.clone()).unwrap_or_default();
                    problems.fatal(
                        Diagnostic::error(format!(
                            "the reporting tree has a cycle: {} -> {}",
                            cycle.join(" -> "),
                            reps[c].id
                        ))
                        .with_code("reps.cycle")
                        .in_file(file)
                        .at(line, mcol)
                        .column_named("manager_id")
                        .with_value(boss)
                        .with_help("a rep cannot manage, directly or indirectly, their own manager"),
                    );
                    reps[c].manager = None;
                    break;
                }
                _ => {
                    state[c] = 1;
                    path.push(c);
                    cur = reps[c].manager;
                }
            }
        }
        for p in path {
            state[p] = 2;
        }
    }
}
