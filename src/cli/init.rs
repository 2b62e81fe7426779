//! `fuerza init [DIR]`: a commented starter plan, header-only data files and a
//! short README that `fuerza check` accepts at once. Never writes over a file.

use super::Failure;
use crate::data::deals::MEASURED;
use crate::diag::Diagnostic;
use crate::plan::load::FILE_COLUMNS;
use chrono::{Datelike, NaiveDate};
use std::path::{Path, PathBuf};

/// The data files `init` writes, header only: the fuerza columns of each
/// (deals.csv without the optional measure columns).
const DATA_FILES: [&str; 3] = ["reps", "deals", "opportunities"];

/// Writes the starter files into `dir` (created when missing); the plan year
/// starts on the coming 1 January (this year's during January).
pub fn run(dir: &Path) -> Result<(), Failure> {
    // Today (UTC), from the clock: days since 1970-01-01 (day 719,163 of the CE count).
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    let today = i32::try_from(days)
        .ok()
        .and_then(|d| NaiveDate::from_num_days_from_ce_opt(719_163 + d))
        .unwrap_or_default();
    let year = if today.month() == 1 {
        today.year()
    } else {
        today.year() + 1
    };
    let files = starter(year);
    let taken: Vec<String> = files
        .iter()
        .map(|(rel, _)| dir.join(rel))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !taken.is_empty() {
        return Err(Diagnostic::error(format!(
            "{} already holds {}: init writes nothing over a file",
            dir.display(),
            taken.join(", ")
        ))
        .with_help("run `fuerza init` on a new or empty folder (e.g. `fuerza init my-plan`)")
        .into());
    }
    let mut done = Vec::new();
    for (rel, text) in &files {
        let path = dir.join(rel);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, text));
        if let Err(e) = written {
            // All or nothing: take back the files this run wrote.
            for p in &done {
                let _ = std::fs::remove_file(p);
            }
            return Err(Diagnostic::error(format!("cannot write {}: {e}", path.display()))
                .with_help("check the folder exists and is writable")
                .into());
        }
        done.push(path);
    }
    println!(
        "wrote {} in {}; next: fuerza check {}",
        files
            .iter()
            .map(|(r, _)| r.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        dir.display(),
        dir.join("plan.toml").display()
    );
    Ok(())
}

/// The starter files (path relative to the folder, contents) for a plan year from `year`-01-01.
pub fn starter(year: i32) -> Vec<(PathBuf, String)> {
    let headers: Vec<String> = DATA_FILES
        .iter()
        .map(|name| {
            let cols = FILE_COLUMNS
                .iter()
                .find(|(f, _)| f == name)
                .map(|(_, c)| *c)
                .unwrap_or_default();
            let header: Vec<&str> = cols.iter().copied().filter(|c| !MEASURED.contains(c)).collect();
            header.join(",")
        })
        .collect();
    let mut readme = README.to_string();
    for (name, header) in DATA_FILES.iter().zip(&headers) {
        readme = readme.replace(&format!("{{{name}}}"), header);
    }
    let mut files = vec![
        (PathBuf::from("plan.toml"), PLAN.replace("{YEAR}", &year.to_string())),
        (PathBuf::from("README.md"), readme),
    ];
    for (name, header) in DATA_FILES.iter().zip(headers) {
        files.push((PathBuf::from("data").join(format!("{name}.csv")), format!("{header}\n")));
    }
    files
}

const PLAN: &str = r#"# A starter plan year written by `fuerza init`. Edit it, then run
#   fuerza check plan.toml      (every mistake, located, with a fix)
#   fuerza evaluate plan.toml   (payouts.csv, statements.csv, report.html in out/plan)
# The README of fuerza lists every key; these are the ones most plans need.

[plan]
name = "My plan {YEAR}"
currency = "USD"
year_start = {YEAR}-01-01     # the plan year is 12 months from here
period = "quarter"            # week | month | quarter | half | year: how attainment is measured and paid
rounding = "half_up"          # or "half_even"
data = "data"                 # the data folder, relative to this file

# [goal]
# annual = 10_000_000         # company goal (for `fuerza quota`)
# seasonality = [0.2, 0.25, 0.25, 0.3]   # share of the annual quota per period

# One scheme per role. A rep's scheme is the `scheme` column of data/reps.csv.
[[schemes]]
id = "ae"
name = "Account executive"
base_salary = 80_000          # annual
target_incentive = 80_000     # annual incentive at 100% attainment (OTE = base + target)
quota = 1_000_000             # annual; data/quotas.csv may set it per rep and period
# ramp = [0.25, 0.5, 0.75]    # quota factor by month of tenure for new hires
# clawback = { window_days = 90 }   # a deal cancelled within 90 days of close is recovered

[[schemes.components]]
kind = "commission"
name = "Commission"
basis = "attainment"          # tier bounds are attainment (credit ÷ quota)
method = "marginal"           # each slice of credit at its own tier's rate
tiers = [ { from = 0.0, rate = "8%" }, { from = 1.0, rate = "12%" } ]

# [[schemes.components]]
# kind = "bonus"
# name = "Quota bonus"
# target = 10_000             # annual; paid per period × f(attainment)
# curve = [[0.8, 0.5], [1.0, 1.0], [1.5, 2.0]]
"#;

const README: &str = "# A fuerza plan year

Written by `fuerza init`:

- `plan.toml` — the plan: the year, its periods, one scheme per role and the
  components that pay it (commented; uncomment what you need).
- `data/reps.csv` — one row per rep: `{reps}`
  (dates as YYYY-MM-DD; empty hire and end dates mean the whole year).
- `data/deals.csv` — one row per deal (or per rep's share of a split deal):
  `{deals}`;
  `deal_type` is new, expansion or renewal; `status` won, lost or cancelled.
- `data/opportunities.csv` — the pipeline, for `fuerza fractures`:
  `{opportunities}`.

Fill the data files from your CRM export (or map its column names in the
plan's `[data]` table), then:

    fuerza check plan.toml
    fuerza evaluate plan.toml
    fuerza explain plan.toml --rep REP_ID
";
