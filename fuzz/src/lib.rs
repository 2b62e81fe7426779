//! What the fuzz targets share: the fixed plan and roster the CSV readers read
//! against, and the rule every error must obey.
//!
//! Each target hands the fuzzer's bytes to one reader of the `fuerza` library,
//! called as `fuerza::cli::inputs` calls it (no file is written), and panics,
//! so that libFuzzer records a crash, when
//! - the reader panics, or
//! - an error is not located: the rule of `located` in tests/properties.rs,
//!   copied exactly (the file, and a line in 1..=lines+1; a column 0 only with
//!   a column name), with the one exception that test allows for data files:
//!   the unlocated "... and N more errors" summary; or
//! - a lenient reject is not a data line of the file with a reason.

use fuerza::calendar::Calendar;
use fuerza::credit::Ledger;
use fuerza::data::{self, Problems, Roster};
use fuerza::diag::Diagnostic;
use fuerza::plan::{self, Plan};
use std::collections::HashSet;
use std::sync::OnceLock;

/// A validated plan, its calendar and a roster read against it.
pub struct Fixture {
    /// The plan.
    pub plan: Plan,
    /// Its calendar.
    pub cal: Calendar,
    /// The reps the data files may name.
    pub roster: Roster,
}

impl Fixture {
    fn build(plan_src: &str, plan_file: &str, reps_src: &str, reps_file: &str) -> Self {
        let loaded = match plan::load(plan_src, plan_file) {
            Ok(l) => l,
            Err(d) => panic!("the fixture plan {plan_file} does not load: {}", render_all(&d)),
        };
        let plan = loaded.plan;
        let cal = Calendar::new(plan.year_start, plan.period).expect("the fixture plan's calendar");
        let mut problems = Problems::new(false);
        let roster = data::reps::read(reps_file, reps_src.as_bytes(), &plan, &mut problems);
        if problems.failed() {
            panic!(
                "the fixture roster {reps_file} does not load: {}",
                render_all(&problems.take_errors())
            );
        }
        Self { plan, cal, roster }
    }
}

/// plans/acme.toml (territories, a process, four schemes, no [data] mapping)
/// and data/acme/reps.csv plus every rep id the golden cases' data files use.
pub fn canonical() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        Fixture::build(
            include_str!("../fixtures/canonical/plan.toml"),
            "fixtures/canonical/plan.toml",
            include_str!("../fixtures/canonical/reps.csv"),
            "fixtures/canonical/reps.csv",
        )
    })
}

/// plans/maven.toml (a [data] mapping of columns and values, a filter, default
/// and manager schemes) and data/maven/sales_teams.csv read through it.
pub fn mapped() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        Fixture::build(
            include_str!("../fixtures/mapped/plan.toml"),
            "fixtures/mapped/plan.toml",
            include_str!("../fixtures/mapped/reps.csv"),
            "fixtures/mapped/sales_teams.csv",
        )
    })
}

fn render_all(diags: &[Diagnostic]) -> String {
    diags.iter().map(Diagnostic::render).collect()
}

/// tests/properties.rs `located`: every error names `file_suffix` and a line
/// within the text (line count + 1 for a problem at the very end).
pub fn located(diags: &[Diagnostic], file_suffix: &str, text: &[u8]) {
    let lines = text.split(|c| *c == b'\n').count() + 1;
    for d in diags.iter().filter(|d| d.is_error()) {
        let f = d.file.as_deref().unwrap_or("");
        assert!(
            f.ends_with(file_suffix),
            "an error without the file {}: {}",
            file_suffix,
            d.render()
        );
        let l = d.line.unwrap_or(0);
        assert!(
            (1..=lines).contains(&l),
            "an error without a line in 1..={}: {}",
            lines,
            d.render()
        );
        if let Some(c) = d.column {
            assert!(
                c >= 1 || d.column_name.is_some(),
                "a column 0 without a column name: {}",
                d.render()
            );
        }
    }
}

/// The plan target: `plan::load` then the calendar, as `cli::inputs::load_plan` does.
pub fn plan(bytes: &[u8]) {
    // load_plan reports a non-UTF-8 plan itself, before the plan reader.
    let Ok(src) = std::str::from_utf8(bytes) else {
        return;
    };
    match plan::load(src, "plan.toml") {
        Err(d) => {
            assert!(!d.is_empty(), "a plan rejected without an error");
            located(&d, "plan.toml", bytes);
        }
        Ok(loaded) => {
            for w in &loaded.warnings {
                let _ = w.render();
            }
            // load_plan's only error after plan::load has a file but no line.
            assert!(
                Calendar::new(loaded.plan.year_start, loaded.plan.period).is_some(),
                "an error without a line: plan.toml: year_start {} is out of the supported date range",
                loaded.plan.year_start
            );
        }
    }
}

/// The data-file rule of tests/properties.rs (`mutated_data_never_panics_and_errors_are_located`):
/// strict errors are located in this file, save the "... and N more errors" summary;
/// lenient rejects are data lines (≥ 2) of this file with a reason.
fn check(problems: &mut Problems, file: &str, text: &[u8]) {
    for w in &problems.warnings {
        let _ = w.render();
    }
    for r in &problems.rejects {
        assert!(r.file.ends_with(file), "a reject outside {file}: {r:?}");
        assert!(r.line >= 2, "a reject must be a data line: {r:?}");
        assert!(!r.reason.is_empty(), "a reject without a reason: {r:?}");
    }
    let errors = problems.take_errors();
    for e in errors.iter().filter(|e| e.is_error()) {
        let _ = e.render();
        let f = e.file.as_deref().unwrap_or("");
        if !f.ends_with(file) {
            // "... and N more errors" has no location; nothing else may lack one.
            assert!(
                e.message.contains("more errors"),
                "an error without a data file: {}",
                e.render()
            );
            continue;
        }
        located(std::slice::from_ref(e), file, text);
    }
}

/// reps.csv: `data::reps::read` against the fixture's plan, strict then lenient.
pub fn reps(fx: &Fixture, file: &str, bytes: &[u8]) {
    for lenient in [false, true] {
        let mut problems = Problems::new(lenient);
        let roster = data::reps::read(file, bytes, &fx.plan, &mut problems);
        let _ = roster.bottom_up();
        check(&mut problems, file, bytes);
    }
}

/// deals.csv: `data::deals::stream` booking every row into a ledger, strict then
/// lenient (with load_with's second pass without the deals whose splits do not add up).
pub fn deals(fx: &Fixture, file: &str, bytes: &[u8]) {
    let map = fx.plan.data_map.deals.as_ref();
    for lenient in [false, true] {
        let mut problems = Problems::new(lenient);
        let mut ledger = Ledger::new(&fx.plan, &fx.roster, &fx.cal, true);
        let scan = data::deals::stream(
            file,
            bytes,
            map,
            &fx.roster,
            &fx.plan.schemes,
            &HashSet::new(),
            &mut problems,
            |row| ledger.add(row, &fx.plan, &fx.roster, &fx.cal),
        );
        if !scan.bad_splits.is_empty() {
            let mut ledger = Ledger::new(&fx.plan, &fx.roster, &fx.cal, true);
            let mut second = Problems::new(true);
            data::deals::stream(
                file,
                bytes,
                map,
                &fx.roster,
                &fx.plan.schemes,
                &scan.bad_splits,
                &mut second,
                |row| ledger.add(row, &fx.plan, &fx.roster, &fx.cal),
            );
            check(&mut second, file, bytes);
        }
        check(&mut problems, file, bytes);
    }
}

/// opportunities.csv: `data::opps::read` with the fixture's process, strict then lenient.
pub fn opportunities(fx: &Fixture, file: &str, bytes: &[u8]) {
    let map = fx.plan.data_map.opportunities.as_ref();
    for lenient in [false, true] {
        let mut problems = Problems::new(lenient);
        let _ = data::opps::read(file, bytes, map, &fx.roster, &fx.plan.process, &mut problems);
        check(&mut problems, file, bytes);
    }
}

/// adjustments.csv: `data::adjustments::read` with the fixture's roster and calendar, strict then lenient.
pub fn adjustments(fx: &Fixture, file: &str, bytes: &[u8]) {
    for lenient in [false, true] {
        let mut problems = Problems::new(lenient);
        let _ = data::adjustments::read(file, bytes, &fx.roster, &fx.cal, &mut problems);
        check(&mut problems, file, bytes);
    }
}

/// assignments.csv: `data::assignments::read` onto a copy of the fixture's
/// roster, then (when it is accepted) the whole year paid on it with no
/// deals, strict then lenient.
pub fn assignments(fx: &Fixture, file: &str, bytes: &[u8]) {
    for lenient in [false, true] {
        let mut problems = Problems::new(lenient);
        let mut roster = fx.roster.clone();
        let _ = data::assignments::read(file, bytes, &fx.plan, &fx.cal, &mut roster, &mut problems);
        if !problems.failed() {
            let ledger = Ledger::new(&fx.plan, &roster, &fx.cal, false);
            let _ = fuerza::comp::try_evaluate(&fx.plan, &roster, &fx.cal, &ledger, &Default::default());
        }
        check(&mut problems, file, bytes);
    }
}

/// quotas.csv: `data::quotas::read` with the fixture's calendar, strict then lenient.
pub fn quotas(fx: &Fixture, file: &str, bytes: &[u8]) {
    for lenient in [false, true] {
        let mut problems = Problems::new(lenient);
        let _ = data::quotas::read(file, bytes, &fx.roster, &fx.cal, &mut problems);
        check(&mut problems, file, bytes);
    }
}
