//! Loading a run's inputs from disk: the plan, then the data files, hashed as they stream.

use crate::calendar::Calendar;
use crate::credit::Ledger;
use crate::data::{self, quotas::Quotas, Opp, Problems, Roster};
use crate::diag::Diagnostic;
use crate::output::manifest::InputStamp;
use crate::plan::{self, Plan};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A reader that hashes what passes through it.
pub struct Hashing<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

impl<R: Read> Hashing<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
        }
    }

    /// Reads what is left (so the hash covers the whole file) and returns the hex digest.
    fn finish(mut self) -> String {
        let _ = std::io::copy(&mut self, &mut std::io::sink());
        crate::output::files::hex(&self.hasher.finalize())
    }
}

/// A loaded plan and where it came from.
pub struct PlanInput {
    /// The validated plan.
    pub plan: Plan,
    /// Its calendar.
    pub cal: Calendar,
    /// The plan file as given.
    pub path: PathBuf,
    /// Its stamp.
    pub stamp: InputStamp,
    /// Warnings.
    pub warnings: Vec<Diagnostic>,
}

/// Reads and validates the plan file.
pub fn load_plan(path: &Path) -> Result<PlanInput, Vec<Diagnostic>> {
    let shown = path.display().to_string();
    let mut bytes = Vec::new();
    open_regular(path)
        .and_then(|f| {
            f.take(MAX_PLAN_BYTES + 1).read_to_end(&mut bytes).map_err(|e| {
                Diagnostic::error(format!("cannot read the plan: {e}"))
                    .with_code("input.unreadable")
                    .in_file(shown.clone())
            })
        })
        .map_err(|d| vec![d])?;
    if bytes.len() as u64 > MAX_PLAN_BYTES {
        return Err(vec![Diagnostic::error(format!(
            "the plan is larger than {} MiB: is this the plan file?",
            MAX_PLAN_BYTES >> 20
        ))
        .in_file(shown)
        .with_code("input.too-large")]);
    }
    let src = String::from_utf8(bytes.clone()).map_err(|e| {
        let (line, col, _) = crate::diag::line_col(&String::from_utf8_lossy(&bytes), e.utf8_error().valid_up_to());
        vec![Diagnostic::error("the plan is not valid UTF-8")
            .with_code("plan.not-utf8")
            .in_file(shown.clone())
            .at(line, col)
            .with_help("save the plan as UTF-8")]
    })?;
    let loaded = plan::load(&src, &shown)?;
    let cal = Calendar::new(loaded.plan.year_start, loaded.plan.period).ok_or_else(|| {
        let line = src
            .lines()
            .position(|l| l.trim_start().starts_with("year_start"))
            .map_or(1, |i| i + 1);
        vec![Diagnostic::error("year_start is out of the supported date range")
            .with_code("plan.plan")
            .in_file(shown.clone())
            .at(line, 1)]
    })?;
    Ok(PlanInput {
        stamp: InputStamp {
            file: shown,
            sha256: crate::output::files::sha256_hex(&bytes),
            rows: src.lines().count() as u64,
        },
        plan: loaded.plan,
        cal,
        path: path.to_path_buf(),
        warnings: loaded.warnings,
    })
}

/// The data folder: `--data`, else the plan's `plan.data` (relative to the plan file), else `data/`.
pub fn data_dir(given: Option<&Path>, plan: &PlanInput) -> PathBuf {
    if let Some(d) = given {
        return d.to_path_buf();
    }
    match &plan.plan.data {
        Some(d) => plan.path.parent().unwrap_or(Path::new("")).join(d),
        None => PathBuf::from("data"),
    }
}

/// Everything a run reads, validated.
pub struct Inputs {
    /// The plan.
    pub plan: PlanInput,
    /// Reps.
    pub roster: Roster,
    /// Credit sums from deals.csv.
    pub ledger: Ledger,
    /// quotas.csv, if any.
    pub quotas: Quotas,
    /// opportunities.csv, if any.
    pub opps: Vec<Opp>,
    /// Stamps of every input, plan first.
    pub stamps: Vec<InputStamp>,
    /// Warnings and rejects.
    pub problems: Problems,
    /// The data folder the files were read from.
    pub data_dir: PathBuf,
}

/// The longest plan file read (a plan is a few kilobytes).
pub const MAX_PLAN_BYTES: u64 = 16 << 20;

/// Opens an input for reading; only a regular file is read (a FIFO would hang
/// the run, a device such as /dev/zero never ends).
pub fn open_regular(path: &Path) -> Result<File, Diagnostic> {
    let shown = path.display().to_string();
    let unreadable = |e: std::io::Error| {
        Diagnostic::error(format!("cannot open: {e}"))
            .in_file(shown.clone())
            .with_code("input.unreadable")
    };
    // Looked at before it is opened: opening a FIFO blocks until someone writes to it.
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => File::open(path).map_err(unreadable),
        Ok(m) => Err(Diagnostic::error(format!(
            "is not a regular file ({}): fuerza reads inputs from files only",
            if m.is_dir() {
                "a folder"
            } else {
                "a pipe, socket or device"
            }
        ))
        .in_file(shown)
        .with_code("input.not-a-file")
        .with_help("save the data to a file and name that")),
        Err(e) => Err(unreadable(e)),
    }
}

fn open(path: &Path) -> Result<Hashing<std::io::BufReader<File>>, Diagnostic> {
    open_regular(path).map(|f| Hashing::new(std::io::BufReader::with_capacity(1 << 16, f)))
}

pub use crate::data::deals::DealSink;

/// The hash of a file read through `r`: the rest of it is read only when the
/// run can still succeed (a failed run stamps nothing, and a huge file that
/// failed at its first line is not read to its end).
fn stamp<R: Read>(r: Hashing<R>, problems: &Problems) -> String {
    if problems.failed() {
        String::new()
    } else {
        r.finish()
    }
}

/// Loads the data files of `dir` against the plan. Errors of every file are returned together.
pub fn load(plan: PlanInput, dir: &Path, lenient: bool) -> Result<Inputs, Vec<Diagnostic>> {
    load_with(plan, dir, lenient, &mut ())
}

/// [`load`], also handing every good deal row to `sink`.
pub fn load_with(
    plan: PlanInput,
    dir: &Path,
    lenient: bool,
    sink: &mut dyn DealSink,
) -> Result<Inputs, Vec<Diagnostic>> {
    let mut problems = Problems::new(lenient);
    let mut stamps = vec![plan.stamp.clone()];
    if !dir.is_dir() {
        return Err(vec![Diagnostic::error(format!(
            "the data folder {} does not exist",
            dir.display()
        ))
        .with_help("pass --data DIR, or set `data` in the plan's [plan] table")]);
    }
    let maps = &plan.plan.data_map;
    // The file each role is read from: the mapping's `file`, else the canonical name.
    let file_of = |m: Option<&crate::plan::FileMap>, canonical: &str| -> (PathBuf, String) {
        let f = m.and_then(|m| m.file.clone()).unwrap_or_else(|| canonical.to_string());
        let p = dir.join(f);
        let shown = p.display().to_string();
        (p, shown)
    };

    let (path, shown) = file_of(maps.reps.as_ref(), "reps.csv");
    let mut roster = Roster::default();
    match open(&path) {
        Ok(mut r) => {
            roster = data::reps::read(&shown, &mut r, &plan.plan, &mut problems);
            let rows = roster.reps.len() as u64;
            stamps.push(InputStamp {
                file: shown,
                sha256: stamp(r, &problems),
                rows,
            });
        }
        Err(d) => problems.fatal(d),
    }
    let (path, shown) = file_of(maps.assignments.as_ref(), data::assignments::FILE);
    if (path.exists() || maps.assignments.is_some()) && !problems.failed() {
        match open(&path) {
            Ok(mut r) => {
                let rows = data::assignments::read(&shown, &mut r, &plan.plan, &plan.cal, &mut roster, &mut problems);
                stamps.push(InputStamp {
                    file: shown,
                    sha256: stamp(r, &problems),
                    rows,
                });
            }
            Err(d) => problems.fatal(d),
        }
    }
    let mut ledger = Ledger::new(&plan.plan, &roster, &plan.cal, true);
    let (path, shown) = file_of(maps.deals.as_ref(), "deals.csv");
    match open(&path) {
        Ok(mut r) => {
            let run = data::deals::Run {
                plan: &plan.plan,
                roster: &roster,
                cal: &plan.cal,
            };
            let book = |row: &data::DealRow, ledger: &mut Ledger, sink: &mut dyn DealSink| {
                sink.deal(row, &run);
                ledger.add(row, &plan.plan, &roster, &plan.cal)
            };
            let scan = data::deals::stream(
                &shown,
                &mut r,
                maps.deals.as_ref(),
                &roster,
                &plan.plan.schemes,
                &HashSet::new(),
                &mut problems,
                |row| book(row, &mut ledger, &mut *sink),
            );
            stamps.push(InputStamp {
                file: shown.clone(),
                sha256: stamp(r, &problems),
                rows: scan.rows,
            });
            if !scan.bad_splits.is_empty() {
                // Lenient: book again without the deals whose splits do not add up;
                // their rows become rejects (the other rejects were recorded by the first pass).
                ledger = Ledger::new(&plan.plan, &roster, &plan.cal, true);
                sink.restart();
                let mut again = open(&path).map_err(|d| vec![d])?;
                let mut second = Problems::new(true);
                data::deals::stream(
                    &shown,
                    &mut again,
                    maps.deals.as_ref(),
                    &roster,
                    &plan.plan.schemes,
                    &scan.bad_splits,
                    &mut second,
                    |row| book(row, &mut ledger, &mut *sink),
                );
                problems.rejects.extend(
                    second
                        .rejects
                        .into_iter()
                        .filter(|r| r.reason.contains(data::deals::SPLIT_REASON)),
                );
            }
        }
        Err(d) => problems.fatal(d),
    }
    let mut quotas = Quotas::new();
    let (path, shown) = file_of(None, "quotas.csv");
    if path.exists() {
        match open(&path) {
            Ok(mut r) => {
                let (q, rows) = data::quotas::read(&shown, &mut r, &roster, &plan.cal, &mut problems);
                quotas = q;
                super::quirks::quotas_note(&shown, &quotas, &mut problems);
                stamps.push(InputStamp {
                    file: shown,
                    sha256: stamp(r, &problems),
                    rows,
                });
            }
            Err(d) => problems.fatal(d),
        }
    }
    let (path, shown) = file_of(None, data::adjustments::FILE);
    if path.exists() {
        match open(&path) {
            Ok(mut r) => {
                let (a, rows) = data::adjustments::read(&shown, &mut r, &roster, &plan.cal, &mut problems);
                ledger.adjustments = a;
                stamps.push(InputStamp {
                    file: shown,
                    sha256: stamp(r, &problems),
                    rows,
                });
            }
            Err(d) => problems.fatal(d),
        }
    }
    let (path, shown) = file_of(None, data::objectives::FILE);
    if path.exists() {
        match open(&path) {
            Ok(mut r) => {
                let (o, rows) = data::objectives::read(&shown, &mut r, &roster, &plan.cal, &mut problems);
                ledger.objectives = o;
                stamps.push(InputStamp {
                    file: shown,
                    sha256: stamp(r, &problems),
                    rows,
                });
            }
            Err(d) => problems.fatal(d),
        }
    }
    let mut opps = Vec::new();
    let (path, shown) = file_of(maps.opportunities.as_ref(), "opportunities.csv");
    if path.exists() || maps.opportunities.is_some() {
        match open(&path) {
            Ok(mut r) => {
                let (o, rows) = data::opps::read(
                    &shown,
                    &mut r,
                    maps.opportunities.as_ref(),
                    &roster,
                    &plan.plan.process,
                    &mut problems,
                );
                opps = o;
                stamps.push(InputStamp {
                    file: shown,
                    sha256: stamp(r, &problems),
                    rows,
                });
            }
            Err(d) => problems.fatal(d),
        }
    }
    if !problems.failed() {
        super::quirks::report(&plan.plan, &roster, &ledger, &opps, &mut problems);
        let read: Vec<PathBuf> = stamps
            .iter()
            .skip(1)
            .filter_map(|s| Path::new(&s.file).canonicalize().ok())
            .collect();
        problems.notes.extend(unread_csv(dir, &read));
    }
    if problems.failed() {
        return Err(problems.take_errors());
    }
    Ok(Inputs {
        plan,
        roster,
        ledger,
        quotas,
        opps,
        stamps,
        problems,
        data_dir: dir.to_path_buf(),
    })
}

/// The data files fuerza reads when they are there (besides mapped names);
/// `candidates.csv` is the one `recruit --candidates` is usually given.
pub const KNOWN_FILES: [&str; 8] = [
    "reps.csv",
    data::assignments::FILE,
    "deals.csv",
    "quotas.csv",
    "opportunities.csv",
    data::adjustments::FILE,
    data::objectives::FILE,
    "candidates.csv",
];

/// A note for every CSV file of the data folder that the run did not read
/// (`read`: the paths it read, resolved), so that nothing there is ignored
/// silently: a misspelt `adjustment.csv` is named, not skipped.
fn unread_csv(dir: &Path, read: &[PathBuf]) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut unread: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv"))
                && p.is_file()
                && !p.canonicalize().is_ok_and(|c| read.contains(&c))
                && p.file_name().is_none_or(|f| f != "candidates.csv")
        })
        .filter_map(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
        .collect();
    unread.sort();
    unread
        .into_iter()
        .map(|f| {
            format!(
                "{} is not a file fuerza reads: it was ignored (the data files are {})",
                dir.join(&f).display(),
                KNOWN_FILES.join(", ")
            )
        })
        .collect()
}
