#![allow(clippy::unwrap_used)] // a test harness: a failure to read its own fixtures should panic
//! Golden cases: every folder under tests/golden/ with a plan.toml is evaluated
//! and its outputs compared with expected/ cell by cell (rows matched by key),
//! as the conformance README prescribes (statements.csv too, rows matched by
//! rep, period, component and line, where a case gives it). `unspecified.txt` lists cells the SPEC
//! does not fix; `expect-output.txt` lists `value: X` lines the run must print.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Rows = BTreeMap<Vec<String>, BTreeMap<String, String>>;

fn read_keyed(path: &Path, key: &[&str]) -> (Vec<String>, Rows) {
    let mut rdr = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    let mut rows = Rows::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let m: BTreeMap<String, String> = header.iter().cloned().zip(rec.iter().map(str::to_string)).collect();
        let k: Vec<String> = key.iter().map(|c| m[*c].clone()).collect();
        assert!(
            rows.insert(k.clone(), m).is_none(),
            "{}: duplicate row {k:?}",
            path.display()
        );
    }
    (header, rows)
}

fn unspecified(case: &Path) -> BTreeSet<(String, String, String, String)> {
    let Ok(text) = std::fs::read_to_string(case.join("unspecified.txt")) else {
        return BTreeSet::new();
    };
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let p: Vec<&str> = l.split_whitespace().collect();
            (p[0].to_string(), p[1].to_string(), p[2].to_string(), p[3].to_string())
        })
        .collect()
}

fn compare(case: &Path, out: &Path, file: &str, key: &[&str], errors: &mut Vec<String>) {
    let expected = case.join("expected").join(file);
    if !expected.exists() {
        return;
    }
    let got = out.join(file);
    if !got.exists() {
        errors.push(format!("{file} was not written"));
        return;
    }
    let skip = unspecified(case);
    let (eh, erows) = read_keyed(&expected, key);
    let (gh, grows) = read_keyed(&got, key);
    if eh != gh {
        errors.push(format!("{file}: header {gh:?}, expected {eh:?}"));
        return;
    }
    for (k, er) in &erows {
        let Some(gr) = grows.get(k) else {
            errors.push(format!("{file}: missing row {k:?}"));
            continue;
        };
        for (col, ev) in er {
            let cell = (
                file.to_string(),
                k[0].clone(),
                k.get(1).cloned().unwrap_or_default(),
                col.clone(),
            );
            if skip.contains(&cell) {
                continue;
            }
            if &gr[col] != ev {
                errors.push(format!("{file} {k:?} {col}: got {:?}, expected {ev:?}", gr[col]));
            }
        }
    }
    for k in grows.keys() {
        if !erows.contains_key(k) {
            errors.push(format!("{file}: unexpected row {k:?}"));
        }
    }
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("plan.toml").exists())
        .collect();
    v.sort();
    v
}

#[test]
fn every_golden_case_reproduces_its_expected_outputs() {
    let cases = cases();
    assert!(cases.len() >= 12, "the conformance cases are missing");
    let mut failures = Vec::new();
    for case in &cases {
        let out = tempfile::tempdir().unwrap();
        let res = assert_cmd::Command::cargo_bin("fuerza")
            .unwrap()
            .arg("evaluate")
            .arg(case.join("plan.toml"))
            .arg("--data")
            .arg(case.join("data"))
            .arg("--out")
            .arg(out.path())
            .output()
            .unwrap();
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&res.stdout),
            String::from_utf8_lossy(&res.stderr)
        );
        if !res.status.success() {
            failures.push(format!("{name}: exit {:?}\n{printed}", res.status.code()));
            continue;
        }
        let mut errors = Vec::new();
        compare(case, out.path(), "payouts.csv", &["rep_id", "period"], &mut errors);
        compare(
            case,
            out.path(),
            "statements.csv",
            &["rep_id", "period", "component", "line"],
            &mut errors,
        );
        compare(
            case,
            out.path(),
            "fractures.csv",
            &["rep_id", "from_stage", "to_stage"],
            &mut errors,
        );
        if let Ok(text) = std::fs::read_to_string(case.join("expect-output.txt")) {
            for v in text.lines().filter_map(|l| l.strip_prefix("value: ")) {
                if !printed.contains(v.trim()) {
                    errors.push(format!("the run did not print {v:?}"));
                }
            }
        }
        failures.extend(errors.into_iter().map(|e| format!("{name}: {e}")));
    }
    assert!(
        failures.is_empty(),
        "{} golden mismatch(es):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
