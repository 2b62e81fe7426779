//! `fuerza diff OUT_A OUT_B`: what changed between two evaluate runs, and why.
//!
//! Reads each folder's manifest.json, payouts.csv and statements.csv (the
//! outputs of `evaluate`, never the inputs again): per rep and period the
//! change in credit, incentive paid and total pay, with the statement lines
//! whose amount changed (a line only in one run counts as 0 in the other),
//! and which inputs changed, from the manifests' hashes. Only what changed is
//! listed.

use super::{Failure, Format};
use crate::diag::Diagnostic;
use crate::output::csv::{Cell, CsvDoc};
use crate::output::manifest::{InputStamp, Manifest};
use crate::output::OutFile;
use crate::units::{fmt_money, fmt_money_human};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Arguments of `diff`.
pub struct Args {
    /// The earlier run's folder.
    pub before: PathBuf,
    /// The later run's folder.
    pub after: PathBuf,
    /// Where to write diff.csv (and a manifest), if anywhere.
    pub out: Option<PathBuf>,
    /// Stdout format.
    pub format: Format,
    /// The command line, for the manifest.
    pub argv: Vec<String>,
}

/// The diff.csv header.
pub const HEADER: [&str; 8] = [
    "rep_id",
    "period",
    "kind",
    "component",
    "line",
    "before",
    "after",
    "change",
];

/// The payouts.csv columns a diff reports, in its order.
const TOTALS: [&str; 3] = ["credit", "incentive_paid", "total_pay"];

/// One evaluate run folder, read.
struct RunFolder {
    /// (role, file, sha256) of each input: the plan, then data files by name.
    inputs: Vec<(String, String, String)>,
    /// payouts.csv by (rep, period): the totals of [`TOTALS`].
    totals: BTreeMap<(String, String), [Decimal; 3]>,
    /// statements.csv summed by (rep, period, component, line).
    lines: BTreeMap<(String, String, String, String), Decimal>,
    /// Order of the (rep, period) keys as payouts.csv lists them.
    order: Vec<(String, String)>,
    /// The stamps of the files read.
    stamps: Vec<InputStamp>,
}

fn bad(file: &Path, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(message)
        .in_file(file.display().to_string())
        .with_code("diff.bad-run")
        .with_help("diff compares two folders written by `fuerza evaluate --out DIR`")
}

fn read(dir: &Path, name: &str, stamps: &mut Vec<InputStamp>) -> Result<Vec<u8>, Diagnostic> {
    let path = dir.join(name);
    let bytes = std::fs::read(&path).map_err(|e| bad(&path, format!("cannot read: {e}")))?;
    stamps.push(InputStamp {
        file: path.display().to_string(),
        sha256: crate::output::files::sha256_hex(&bytes),
        rows: bytes.iter().filter(|&&b| b == b'\n').count().saturating_sub(1) as u64,
    });
    Ok(bytes)
}

/// A CSV row as column → text, with its line number.
type Row = (usize, BTreeMap<String, String>);

/// Rows of a CSV file fuerza wrote, as column → text, with their line numbers.
fn rows(path: &Path, bytes: &[u8], need: &[&str]) -> Result<Vec<Row>, Diagnostic> {
    let mut rdr = csv::Reader::from_reader(bytes);
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| bad(path, format!("not a CSV file: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    if let Some(missing) = need.iter().find(|c| !header.iter().any(|h| h == *c)) {
        return Err(bad(path, format!("has no `{missing}` column")).at(1, 1));
    }
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| bad(path, format!("unreadable row: {e}")).at(i + 2, 1))?;
        out.push((
            i + 2,
            header.iter().cloned().zip(rec.iter().map(str::to_string)).collect(),
        ));
    }
    Ok(out)
}

fn number(path: &Path, line: usize, col: &str, s: &str) -> Result<Decimal, Diagnostic> {
    // A formula-neutralised cell (`'-5.00`) is never a number fuerza wrote.
    Decimal::from_str(s).map_err(|_| {
        let mut d = bad(path, format!("`{col}` is not a number: {s:?}")).at(line, 1);
        d.value = Some(s.to_string());
        d
    })
}

/// The roles of a manifest's inputs: `plan` for the first, else the file
/// name, with ` (2)`, ` (3)`... for a name read again (one export read as
/// two files, or files of one name in two folders): inputs are matched by
/// role between the runs.
fn roles(files: &[&str]) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    files
        .iter()
        .enumerate()
        .map(|(i, file)| {
            if i == 0 {
                return "plan".into();
            }
            let name = Path::new(file)
                .file_name()
                .map_or_else(|| file.to_string(), |f| f.to_string_lossy().into_owned());
            let k = seen.entry(name.clone()).or_insert(0);
            *k += 1;
            if *k == 1 {
                name
            } else {
                format!("{name} ({k})")
            }
        })
        .collect()
}

impl RunFolder {
    fn load(dir: &Path) -> Result<Self, Diagnostic> {
        if !dir.is_dir() {
            return Err(bad(dir, "is not a folder"));
        }
        let mut stamps = Vec::new();
        let mpath = dir.join("manifest.json");
        let manifest: serde_json::Value = serde_json::from_slice(&read(dir, "manifest.json", &mut stamps)?)
            .map_err(|e| bad(&mpath, format!("not a fuerza manifest: {e}")))?;
        let run = manifest.get("run").and_then(|r| r.as_str()).unwrap_or_default();
        if run != "evaluate" {
            return Err(bad(
                &mpath,
                format!("this folder was written by `fuerza {run}`, not `fuerza evaluate`"),
            ));
        }
        let listed = manifest
            .get("inputs")
            .and_then(|i| i.as_array())
            .ok_or_else(|| bad(&mpath, "the manifest lists no inputs"))?;
        let files: Vec<&str> = listed
            .iter()
            .map(|x| x.get("file").and_then(|f| f.as_str()).unwrap_or_default())
            .collect();
        let inputs = roles(&files)
            .into_iter()
            .zip(listed)
            .map(|(role, x)| {
                let file = x.get("file").and_then(|f| f.as_str()).unwrap_or_default().to_string();
                let sha = x.get("sha256").and_then(|f| f.as_str()).unwrap_or_default().to_string();
                (role, file, sha)
            })
            .collect();
        let ppath = dir.join("payouts.csv");
        let pbytes = read(dir, "payouts.csv", &mut stamps)?;
        let mut totals = BTreeMap::new();
        let mut order = Vec::new();
        let mut need = vec!["rep_id", "period"];
        need.extend(TOTALS);
        for (line, r) in rows(&ppath, &pbytes, &need)? {
            let key = (r["rep_id"].clone(), r["period"].clone());
            let mut t = [Decimal::ZERO; 3];
            for (x, col) in t.iter_mut().zip(TOTALS) {
                *x = number(&ppath, line, col, &r[col])?;
            }
            if totals.insert(key.clone(), t).is_some() {
                return Err(bad(&ppath, format!("a second row for {} {}", key.0, key.1)).at(line, 1));
            }
            order.push(key);
        }
        let spath = dir.join("statements.csv");
        let sbytes = read(dir, "statements.csv", &mut stamps)?;
        let mut lines = BTreeMap::new();
        for (line, r) in rows(&spath, &sbytes, &["rep_id", "period", "component", "line", "amount"])? {
            let a = number(&spath, line, "amount", &r["amount"])?;
            let key = (
                r["rep_id"].clone(),
                r["period"].clone(),
                r["component"].clone(),
                r["line"].clone(),
            );
            let sum = lines.entry(key).or_insert(Decimal::ZERO);
            *sum = sum.checked_add(a).ok_or_else(|| {
                bad(
                    &spath,
                    "the lines of one rep, period and line add up beyond exact decimals",
                )
                .at(line, 1)
            })?;
        }
        Ok(Self {
            inputs,
            totals,
            lines,
            order,
            stamps,
        })
    }
}

/// A change of one amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What changed: `credit`, `incentive_paid`, `total_pay` or `line`.
    pub kind: String,
    /// The statement line's component (lines only).
    pub component: String,
    /// The statement line (lines only).
    pub line: String,
    /// Before (0 when the line or row was not there).
    pub before: Decimal,
    /// After (alike).
    pub after: Decimal,
    /// After − before.
    pub change: Decimal,
}

/// The changes of one rep and period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepChange {
    /// Rep id.
    pub rep: String,
    /// Period label.
    pub period: String,
    /// Whether the row is only in one run (`before`/`after`), or in both (`both`).
    pub presence: &'static str,
    /// The totals that changed, then the lines.
    pub changes: Vec<Change>,
}

/// An input whose hash changed, or that only one run read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputChange {
    /// `plan` or the data file's name.
    pub role: String,
    /// Its SHA-256 before and after (`None`: not read by that run).
    pub before: Option<String>,
    /// After.
    pub after: Option<String>,
}

/// Everything that changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// Inputs.
    pub inputs: Vec<InputChange>,
    /// Rep-periods, in the later run's order, then those only in the earlier.
    pub reps: Vec<RepChange>,
}

fn compare(a: &RunFolder, b: &RunFolder) -> Result<Diff, Diagnostic> {
    let mut diff = Diff::default();
    let hashes = |r: &RunFolder| -> BTreeMap<String, String> {
        r.inputs
            .iter()
            .map(|(role, _, sha)| (role.clone(), sha.clone()))
            .collect()
    };
    let (ha, hb) = (hashes(a), hashes(b));
    let mut roles: Vec<&String> = a.inputs.iter().map(|x| &x.0).collect();
    roles.extend(b.inputs.iter().map(|x| &x.0).filter(|r| !ha.contains_key(*r)));
    for role in roles {
        let (x, y) = (ha.get(role), hb.get(role));
        if x != y {
            diff.inputs.push(InputChange {
                role: role.clone(),
                before: x.cloned(),
                after: y.cloned(),
            });
        }
    }
    let mut keys: Vec<&(String, String)> = b.order.iter().collect();
    keys.extend(a.order.iter().filter(|k| !b.totals.contains_key(*k)));
    for key in keys {
        let (ta, tb) = (a.totals.get(key), b.totals.get(key));
        let zero = [Decimal::ZERO; 3];
        let mut changes: Vec<Change> = TOTALS
            .iter()
            .zip(ta.unwrap_or(&zero).iter().zip(tb.unwrap_or(&zero)))
            .filter(|(_, (x, y))| x != y)
            .map(|(col, (x, y))| Change {
                kind: col.to_string(),
                component: String::new(),
                line: String::new(),
                before: *x,
                after: *y,
                change: Decimal::ZERO,
            })
            .collect();
        let of = |m: &BTreeMap<(String, String, String, String), Decimal>| -> BTreeMap<(String, String), Decimal> {
            let lo = (key.0.clone(), key.1.clone(), String::new(), String::new());
            m.range(lo..)
                .take_while(|(k, _)| k.0 == key.0 && k.1 == key.1)
                .map(|(k, v)| ((k.2.clone(), k.3.clone()), *v))
                .collect()
        };
        let (la, lb) = (of(&a.lines), of(&b.lines));
        let mut names: Vec<&(String, String)> = lb.keys().collect();
        names.extend(la.keys().filter(|k| !lb.contains_key(*k)));
        names.sort();
        for name in names {
            let (x, y) = (
                la.get(name).copied().unwrap_or_default(),
                lb.get(name).copied().unwrap_or_default(),
            );
            if x != y || la.contains_key(name) != lb.contains_key(name) {
                changes.push(Change {
                    kind: "line".into(),
                    component: name.0.clone(),
                    line: name.1.clone(),
                    before: x,
                    after: y,
                    change: Decimal::ZERO,
                });
            }
        }
        for c in &mut changes {
            c.change = c.after.checked_sub(c.before).ok_or_else(|| {
                Diagnostic::error(format!(
                    "the change in {} of {} {} is beyond exact decimals ({} to {})",
                    c.kind, key.0, key.1, c.before, c.after
                ))
                .with_code("diff.bad-run")
                .with_help("diff compares two folders written by `fuerza evaluate --out DIR`")
            })?;
        }
        let presence = match (ta.is_some(), tb.is_some()) {
            (true, false) => "before",
            (false, true) => "after",
            _ => "both",
        };
        if !changes.is_empty() || presence != "both" {
            diff.reps.push(RepChange {
                rep: key.0.clone(),
                period: key.1.clone(),
                presence,
                changes,
            });
        }
    }
    Ok(diff)
}

fn diff_csv(d: &Diff) -> CsvDoc {
    let mut doc = CsvDoc::new(&HEADER);
    let hash = |h: &Option<String>| h.clone().unwrap_or_else(|| "(not read)".into());
    for i in &d.inputs {
        doc.row(&[
            Cell::Text(""),
            Cell::Text(""),
            Cell::Text("input"),
            Cell::Text(&i.role),
            Cell::Text(""),
            Cell::Text(&hash(&i.before)),
            Cell::Text(&hash(&i.after)),
            Cell::Text(""),
        ]);
    }
    for r in &d.reps {
        if r.presence != "both" {
            doc.row(&[
                Cell::Text(&r.rep),
                Cell::Text(&r.period),
                Cell::Text("row"),
                Cell::Text(""),
                Cell::Text(""),
                Cell::Text(if r.presence == "before" { "present" } else { "absent" }),
                Cell::Text(if r.presence == "before" { "absent" } else { "present" }),
                Cell::Text(""),
            ]);
        }
        for c in &r.changes {
            doc.row(&[
                Cell::Text(&r.rep),
                Cell::Text(&r.period),
                Cell::Text(&c.kind),
                Cell::Text(&c.component),
                Cell::Text(&c.line),
                Cell::Num(fmt_money(c.before)),
                Cell::Num(fmt_money(c.after)),
                Cell::Num(fmt_money(c.change)),
            ]);
        }
    }
    doc
}

fn diff_json(d: &Diff) -> serde_json::Value {
    use serde_json::json;
    let m = |x: Decimal| serde_json::Value::String(fmt_money(x));
    json!({
        "inputs": d.inputs.iter().map(|i| json!({"file": i.role, "before": i.before, "after": i.after})).collect::<Vec<_>>(),
        "changes": d.reps.iter().map(|r| {
            let totals: serde_json::Map<String, serde_json::Value> = r.changes.iter().filter(|c| c.kind != "line").map(|c| {
                (c.kind.clone(), json!({"before": m(c.before), "after": m(c.after), "change": m(c.change)}))
            }).collect();
            json!({
                "rep_id": r.rep,
                "period": r.period,
                "in": r.presence,
                "totals": totals,
                "lines": r.changes.iter().filter(|c| c.kind == "line").map(|c| json!({
                    "component": c.component, "line": c.line,
                    "before": m(c.before), "after": m(c.after), "change": m(c.change)
                })).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
    })
}

fn diff_text(d: &Diff, a: &Path, b: &Path) -> String {
    let mut out = format!("{} → {}\n", a.display(), b.display());
    if d.inputs.is_empty() && d.reps.is_empty() {
        out.push_str("no change: the same inputs and the same pay\n");
        return out;
    }
    if d.inputs.is_empty() {
        out.push_str("inputs: the same (the runs differ by fuerza's version or options)\n");
    } else {
        out.push_str("inputs changed:\n");
        for i in &d.inputs {
            let short = |h: &Option<String>| {
                h.as_ref()
                    .map_or("(not read)".to_string(), |h| h.chars().take(12).collect())
            };
            out.push_str(&format!("  {}: {} → {}\n", i.role, short(&i.before), short(&i.after)));
        }
    }
    let reps = d
        .reps
        .iter()
        .map(|r| &r.rep)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    out.push_str(&format!("{} rep-period(s) of {reps} rep(s) changed:\n", d.reps.len()));
    for r in &d.reps {
        let note = match r.presence {
            "before" => " (only in the earlier run)",
            "after" => " (only in the later run)",
            _ => "",
        };
        out.push_str(&format!("\n{} {}{note}\n", r.rep, r.period));
        for c in &r.changes {
            let what = if c.kind == "line" {
                format!("  {}: {}", c.component, c.line)
            } else {
                format!("  {}", c.kind)
            };
            let change = c.change;
            let sign = if change > Decimal::ZERO { "+" } else { "" };
            out.push_str(&format!(
                "{what}  {} → {} ({sign}{})\n",
                fmt_money_human(c.before),
                fmt_money_human(c.after),
                fmt_money_human(change)
            ));
        }
    }
    out
}

/// Runs `diff`.
pub fn run(args: &Args) -> Result<(), Failure> {
    let a = RunFolder::load(&args.before)?;
    let b = RunFolder::load(&args.after)?;
    let d = compare(&a, &b)?;
    if let Some(out) = &args.out {
        let mut stamps = a.stamps.clone();
        stamps.extend(b.stamps.iter().cloned());
        let files = vec![OutFile {
            name: "diff.csv".into(),
            bytes: diff_csv(&d).finish(),
        }];
        let manifest = Manifest::new("diff", args.argv.iter().skip(1).cloned().collect(), stamps.clone());
        super::publish(out, files, manifest, &super::guard(&stamps, None))?;
    }
    match args.format {
        Format::Table => print!("{}", diff_text(&d, &args.before, &args.after)),
        Format::Csv => print!("{}", String::from_utf8_lossy(&diff_csv(&d).finish())),
        Format::Json => println!("{}", serde_json::to_string_pretty(&diff_json(&d)).unwrap_or_default()),
    }
    Ok(())
}
