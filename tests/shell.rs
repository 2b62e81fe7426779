//! `fuerza init`, `fuerza completions` and `fuerza man`.
#![allow(clippy::unwrap_used)] // a test harness: failing to run the binary should panic

use assert_cmd::Command;

fn fuerza() -> Command {
    Command::cargo_bin("fuerza").unwrap()
}

fn stdout(args: &[&str]) -> String {
    let out = fuerza().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_cover_every_subcommand_in_every_shell() {
    let bash = stdout(&["completions", "bash"]);
    for sub in ["check", "evaluate", "simulate", "compare", "init", "man"] {
        assert!(bash.contains(sub), "bash completion lacks {sub}");
    }
    assert!(bash.contains("--statements"), "bash completion lacks evaluate's flags");
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let s = stdout(&["completions", shell]);
        assert!(s.contains("evaluate") && s.contains("fuerza"), "{shell}: {s}");
    }
    let bad = fuerza().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn man_pages_come_from_the_same_definitions() {
    let top = stdout(&["man"]);
    assert!(top.contains(".TH fuerza 1"), "{top}");
    assert!(top.contains("evaluate") && top.contains("simulate"), "{top}");
    let ev = stdout(&["man", "evaluate"]);
    assert!(ev.contains(".TH fuerza-evaluate 1"), "{ev}");
    assert!(ev.contains("statements"), "{ev}");
    let bad = fuerza().args(["man", "evaluat"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("no subcommand \"evaluat\"") && err.contains("evaluate"),
        "{err}"
    );
}

#[test]
fn init_writes_a_plan_that_check_and_evaluate_accept() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("year");
    fuerza().arg("init").arg(&d).assert().success();
    let plan = std::fs::read_to_string(d.join("plan.toml")).unwrap();
    assert!(plan.contains("[[schemes.components]]") && plan.contains("# "), "{plan}");
    let reps = std::fs::read_to_string(d.join("data/reps.csv")).unwrap();
    assert_eq!(reps, "rep_id,name,scheme,territory,manager_id,hire_date,end_date\n");
    let deals = std::fs::read_to_string(d.join("data/deals.csv")).unwrap();
    let readme = std::fs::read_to_string(d.join("README.md")).unwrap();
    assert!(
        readme.contains(deals.trim_end()),
        "README names the deals.csv header: {readme}"
    );
    let check = fuerza().arg("check").arg(d.join("plan.toml")).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    assert!(String::from_utf8_lossy(&check.stdout).contains("data is valid"));
    fuerza()
        .arg("evaluate")
        .arg(d.join("plan.toml"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .success();
    // A filled-in row pays under the starter plan.
    std::fs::write(d.join("data/reps.csv"), format!("{reps}A1,Ana,ae,,,,\n")).unwrap();
    let year = plan.split("year_start = ").nth(1).unwrap()[..4].to_string();
    std::fs::write(
        d.join("data/deals.csv"),
        format!("{deals}D1,A1,C1,,new,{year}-02-10,100000.00,,won,\n"),
    )
    .unwrap();
    let out = fuerza()
        .arg("explain")
        .arg(d.join("plan.toml"))
        .args(["--rep", "A1", "--period", "Q1"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // 8% of 100,000 (below the 250,000 quarterly quota).
    assert!(out.status.success() && text.contains("8,000.00"), "{text}");
}

#[test]
fn init_never_writes_over_a_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.toml"), "mine").unwrap();
    let out = fuerza().arg("init").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("plan.toml"));
    assert_eq!(std::fs::read_to_string(dir.path().join("plan.toml")).unwrap(), "mine");
    assert!(!dir.path().join("data").exists(), "nothing else written");
}
