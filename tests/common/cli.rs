//! The end-to-end harness: a plan and its data in a temporary folder, `fuerza`
//! run there with relative paths (so messages name `plan.toml` and
//! `data/deals.csv`), and the checks every such test makes — never a panic,
//! a failed run writes nothing and leaves its inputs as they were — with the
//! readers of what it printed (`error[code]: FILE:LINE:COL: message`) and
//! wrote (CSV files).
//!
//! Shared by the errors, overflow, limits, sanity, scale and runs tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// `fuerza evaluate` of `plan.toml` on `data/` into `out/`.
pub const EVALUATE: &[&str] = &["evaluate", "plan.toml", "--data", "data", "--out", "out"];
/// `fuerza check` of `plan.toml` on `data/`.
pub const CHECK: &[&str] = &["check", "plan.toml", "--data", "data"];

/// The binary under test, without `RUST_BACKTRACE` (a panic's message stays one line).
pub fn fuerza() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fuerza"));
    c.env_remove("RUST_BACKTRACE");
    c
}

/// A path in the repository (`plans/acme.toml`, `data/acme`).
pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

// ---------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------

/// What one run of the binary did, and how long it took.
pub struct Run {
    /// The arguments it was given, for messages.
    pub args: Vec<String>,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

/// Runs `fuerza ARGS` in `dir`. Never a panic (status 101 or `panicked` on
/// stderr) and never killed by a signal, whatever the outcome.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let started = Instant::now();
    let out = fuerza().args(args).current_dir(dir).output().unwrap();
    let run = Run {
        args: args.iter().map(|a| a.to_string()).collect(),
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: started.elapsed(),
    };
    assert!(
        !run.stderr.contains("panicked") && run.code != Some(101),
        "fuerza panicked on {args:?}:\n{}",
        run.stderr
    );
    assert!(
        run.code.is_some(),
        "fuerza was killed by a signal on {args:?}:\n{}",
        run.stderr
    );
    run
}

impl Run {
    /// Asserts the run exited with `code`.
    pub fn exited(self, code: i32) -> Self {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit status {code} for {:?}\nstdout:\n{}\nstderr:\n{}",
            self.args,
            self.stdout,
            self.stderr
        );
        self
    }

    /// Asserts the run succeeded (status 0).
    pub fn ok(self) -> Self {
        self.exited(0)
    }

    /// Asserts the run failed (status 1).
    pub fn failed(self) -> Self {
        self.exited(1)
    }

    /// The `warning:` header lines of stderr.
    pub fn warnings(&self) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.starts_with("warning: ")).collect()
    }
}

// ---------------------------------------------------------------------------
// A case folder
// ---------------------------------------------------------------------------

/// A plan and its data in a temporary folder.
pub struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    /// An empty folder.
    pub fn empty() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// `plan.toml`, `data/reps.csv` and `data/deals.csv`.
    pub fn new(plan: &str, reps: &str, deals: &str) -> Self {
        let case = Self::empty();
        case.write("plan.toml", plan);
        case.write("data/reps.csv", reps);
        case.write("data/deals.csv", deals);
        case
    }

    /// A case holding a copy of `dir`'s plan.toml and data/ (a golden case, say).
    #[allow(dead_code)] // not every test file copies a case
    pub fn from_dir(dir: &Path) -> Self {
        let case = Self::empty();
        case.write("plan.toml", std::fs::read(dir.join("plan.toml")).unwrap());
        for e in std::fs::read_dir(dir.join("data")).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            case.write(&format!("data/{name}"), std::fs::read(e.path()).unwrap());
        }
        case
    }

    /// A case holding plans/acme.toml without its `data` line (the data is the case's own).
    #[allow(dead_code)] // not every test file uses the Acme plan
    pub fn acme_plan() -> Self {
        let case = Self::empty();
        let plan = std::fs::read_to_string(repo("plans/acme.toml")).unwrap();
        let plan: Vec<&str> = plan.lines().filter(|l| !l.starts_with("data =")).collect();
        case.write("plan.toml", plan.join("\n"));
        case
    }

    /// `fuerza generate` for `plan.toml` into `data/`: `reps` reps, `deals` deal rows, `seed`.
    #[allow(dead_code)] // not every test file generates data
    pub fn generate_seeded(&self, reps: usize, deals: usize, seed: &str) -> Run {
        let (reps, deals) = (reps.to_string(), deals.to_string());
        self.ok(&[
            "generate",
            "--plan",
            "plan.toml",
            "--out",
            "data",
            "--reps",
            &reps,
            "--deals",
            &deals,
            "--seed",
            seed,
        ])
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes (or replaces) a file under the case folder, making its folders.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    /// A file under the case folder as text.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Every file under the case folder with its bytes.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        files(self.path())
    }

    /// Runs `fuerza ARGS` in the case folder; see [`run_in`].
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }

    /// Runs a command that must succeed.
    pub fn ok(&self, args: &[&str]) -> Run {
        self.run(args).ok()
    }

    /// Runs a command that must fail with status 1, create no `out/`, change,
    /// add or remove no file under the case folder and print as many errors as
    /// its `N error(s); nothing was written` line counts; returns what it printed.
    pub fn fails_with(&self, args: &[&str]) -> Vec<Diag> {
        let before = self.snapshot();
        let run = self.run(args).failed();
        assert!(
            !self.path().join("out").exists(),
            "a failed run created the output folder"
        );
        assert_eq!(
            self.snapshot(),
            before,
            "a failed run changed, added or removed a file under the case folder"
        );
        let diags = parse_diags(&run.stderr);
        let n = error_count(&diags);
        assert!(n > 0, "no error printed:\n{}", run.stderr);
        assert!(
            run.stderr.contains(&format!("{n} error(s); nothing was written")),
            "the error count line does not match the {n} errors printed:\n{}",
            run.stderr
        );
        diags
    }

    /// [`EVALUATE`], which must fail as [`Case::fails_with`] says.
    pub fn evaluate_fails(&self) -> Vec<Diag> {
        self.fails_with(EVALUATE)
    }

    /// [`CHECK`], which must fail as [`Case::fails_with`] says.
    pub fn check_fails(&self) -> Vec<Diag> {
        self.fails_with(CHECK)
    }

    /// [`EVALUATE`] with `extra` arguments, which must succeed.
    pub fn evaluate_ok(&self, extra: &[&str]) -> Run {
        let mut args = EVALUATE.to_vec();
        args.extend(extra);
        self.ok(&args)
    }

    /// `fuerza generate` of `reps` reps, `deals` deals and `opportunities`
    /// opportunities for `plan.toml` into `data/`, which must succeed.
    pub fn generate_data(&self, reps: usize, deals: usize, opportunities: usize) -> Run {
        let (reps, deals, opportunities) = (reps.to_string(), deals.to_string(), opportunities.to_string());
        self.ok(&[
            "generate",
            "--plan",
            "plan.toml",
            "--out",
            "data",
            "--reps",
            &reps,
            "--deals",
            &deals,
            "--opportunities",
            &opportunities,
        ])
    }

    /// A CSV file under the case folder as rows of column → value.
    pub fn csv(&self, rel: &str) -> Vec<BTreeMap<String, String>> {
        read_csv(&self.read(rel))
    }

    /// `out/payouts.csv`'s `col` for `rep` in `period`.
    pub fn payout(&self, rep: &str, period: &str, col: &str) -> String {
        payout(&self.csv("out/payouts.csv"), rep, period, col)
    }
}

// ---------------------------------------------------------------------------
// Folders
// ---------------------------------------------------------------------------

/// Every path under `root` (hidden ones included) relative to it, sorted, and whether it is a folder.
fn entries(root: &Path) -> Vec<(String, PathBuf, bool)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let is_dir = p.is_dir();
            if is_dir {
                stack.push(p.clone());
            }
            out.push((rel, p, is_dir));
        }
    }
    out.sort();
    out
}

/// Every path under `dir`, folders and hidden files included, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    entries(dir).into_iter().map(|(rel, _, _)| rel).collect()
}

/// Every file under `dir` (relative path → bytes).
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    entries(dir)
        .into_iter()
        .filter(|(_, _, is_dir)| !is_dir)
        .map(|(rel, p, _)| (rel, std::fs::read(&p).unwrap()))
        .collect()
}

// ---------------------------------------------------------------------------
// What fuerza printed
// ---------------------------------------------------------------------------

/// One diagnostic as rendered on stderr: `error[code]: FILE:LINE:COL: message` and its indented lines.
#[derive(Debug)]
pub struct Diag {
    /// `error` (else `warning`).
    pub error: bool,
    /// The code in `error[code]:`.
    pub code: Option<String>,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub col: Option<usize>,
    pub message: String,
    /// The lines under the header (value, source line, caret, help).
    pub body: String,
}

impl Diag {
    pub fn is_error(&self) -> bool {
        self.error
    }

    pub fn text(&self) -> &str {
        &self.message
    }
}

/// Splits stderr into diagnostics.
pub fn parse_diags(stderr: &str) -> Vec<Diag> {
    let mut out: Vec<Diag> = Vec::new();
    for l in stderr.lines() {
        // `error[code]: ...` or `error: ...`
        let head = ["error", "warning"].into_iter().find_map(|sev| {
            let rest = l.strip_prefix(sev)?;
            if let Some(h) = rest.strip_prefix(": ") {
                return Some((sev, None, h));
            }
            let (code, h) = rest.strip_prefix('[')?.split_once("]: ")?;
            Some((sev, Some(code.to_string()), h))
        });
        match head {
            Some((sev, code, h)) => {
                let (file, line, col, msg) = split_location(h);
                out.push(Diag {
                    error: sev == "error",
                    code,
                    file,
                    line,
                    col,
                    message: msg,
                    body: String::new(),
                });
            }
            None => {
                if let Some(d) = out.last_mut() {
                    d.body.push_str(l);
                    d.body.push('\n');
                }
            }
        }
    }
    out
}

/// `FILE:LINE:COL: message` (line and column optional) → parts.
fn split_location(h: &str) -> (Option<String>, Option<usize>, Option<usize>, String) {
    if let Some((loc, msg)) = h.split_once(": ") {
        let parts: Vec<&str> = loc.split(':').collect();
        let nums: Vec<Option<usize>> = parts.iter().skip(1).map(|p| p.parse().ok()).collect();
        if !parts[0].is_empty() && !parts[0].contains(' ') && nums.iter().all(Option::is_some) {
            return (
                Some(parts[0].to_string()),
                nums.first().copied().flatten(),
                nums.get(1).copied().flatten(),
                msg.to_string(),
            );
        }
    }
    (None, None, None, h.to_string())
}

/// The diagnostics, one `FILE:LINE:COL: message` and its body each, for a failure message.
pub fn show(diags: &[Diag]) -> String {
    diags
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}: {}\n{}",
                d.file.as_deref().unwrap_or("-"),
                d.line.map(|l| l.to_string()).unwrap_or_default(),
                d.col.map(|c| c.to_string()).unwrap_or_default(),
                d.text(),
                d.body
            )
        })
        .collect()
}

/// The error at FILE:LINE whose message contains `fragment`.
pub fn error_at<'a>(diags: &'a [Diag], file: &str, line: usize, fragment: &str) -> &'a Diag {
    diags
        .iter()
        .find(|d| {
            d.is_error() && d.file.as_deref() == Some(file) && d.line == Some(line) && d.text().contains(fragment)
        })
        .unwrap_or_else(|| {
            panic!(
                "no error at {file}:{line} containing {fragment:?}; got:\n{}",
                show(diags)
            )
        })
}

/// How many of the diagnostics are errors.
pub fn error_count(diags: &[Diag]) -> usize {
    diags.iter().filter(|d| d.is_error()).count()
}

/// 1-based line and the 1-based column range of the first occurrence of `needle` in `src`.
pub fn locate(src: &str, needle: &str) -> (usize, std::ops::Range<usize>) {
    let at = src.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the plan"));
    let line = src[..at].matches('\n').count() + 1;
    let start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    let col = src[start..at].chars().count() + 1;
    (line, col..col + needle.chars().count())
}

/// Asserts a plan error points into `needle` (line, a column inside it, the source line shown)
/// and says `fragment`.
pub fn plan_error<'a>(diags: &'a [Diag], plan: &str, needle: &str, fragment: &str) -> &'a Diag {
    let (line, cols) = locate(plan, needle);
    let d = error_at(diags, "plan.toml", line, fragment);
    let col = d.col.unwrap_or_else(|| panic!("no column in {d:?}"));
    assert!(
        cols.contains(&col),
        "column {col} is not within {needle:?} (columns {cols:?}) in {d:?}"
    );
    let src_line = plan.lines().nth(line - 1).unwrap();
    assert!(
        d.body.contains(&format!("{line} | {src_line}")),
        "the offending line is not shown in {d:?}"
    );
    d
}

/// Asserts a CSV error at FILE:LINE:COL names the value.
pub fn csv_error<'a>(diags: &'a [Diag], file: &str, line: usize, col: usize, value: &str, fragment: &str) -> &'a Diag {
    let d = error_at(diags, file, line, fragment);
    assert_eq!(d.col, Some(col), "wrong column in {d:?}");
    assert!(
        d.body.contains(&format!("value \"{value}\"")),
        "the value {value:?} is not named in {d:?}"
    );
    d
}

/// The first error of stderr without its `error:` or `error[code]:` (so
/// `FILE:LINE:COL: message`), and the indented lines under it.
pub fn first_error(stderr: &str) -> (String, String) {
    let mut lines = stderr.lines().skip_while(|l| !l.starts_with("error"));
    let head = lines.next().unwrap_or_else(|| panic!("no error printed:\n{stderr}"));
    let head = head.split_once(": ").map_or(head, |(_, rest)| rest).to_string();
    let body: Vec<&str> = lines.take_while(|l| l.starts_with(' ') || l.is_empty()).collect();
    (head, body.join("\n"))
}

// ---------------------------------------------------------------------------
// What fuerza wrote
// ---------------------------------------------------------------------------

/// A CSV written by fuerza as rows of (header → cell).
pub fn read_csv(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    rdr.records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// The payouts.csv cell of a rep, period and column.
pub fn payout(rows: &[BTreeMap<String, String>], rep: &str, period: &str, col: &str) -> String {
    rows.iter()
        .find(|r| r["rep_id"] == rep && r["period"] == period)
        .unwrap_or_else(|| panic!("no payouts row for {rep} {period}"))[col]
        .clone()
}
