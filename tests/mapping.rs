#![allow(clippy::unwrap_used)] // test code
//! The `[data]` mapping layer reads exports as they are, and locates its errors
//! like any other: file, line, column and value.

use assert_cmd::Command;
use std::path::Path;

const PLAN: &str = r#"
[plan]
name = "Mapped"
year_start = 2026-01-01
[process]
stages = ["prospecting", "engaging", "won"]
won_at = "won"
[[schemes]]
id = "rep"
quota = 100_000
[[schemes.components]]
kind = "commission"
name = "Commission"
tiers = [ { from = 0, rate = "5%" } ]
[data.reps]
file = "team.csv"
columns = { rep_id = "agent", name = "agent", manager_id = "boss" }
defaults = { scheme = "rep" }
[data.deals]
file = "pipeline.csv"
filter = { stage = "Won" }
columns = { deal_id = "id", rep_id = "agent", close_date = "closed", amount = "value" }
date_format = "%m/%d/%Y"
[data.opportunities]
file = "pipeline.csv"
columns = { opp_id = "id", rep_id = "agent", created_date = "opened", stage = "stage", status = "stage", amount = "value", closed_date = "closed" }
values.stage = { Prospecting = "prospecting", Engaging = "engaging", Won = "won", Lost = "engaging" }
values.status = { Prospecting = "open", Engaging = "open", Won = "won", Lost = "lost" }
date_format = "%m/%d/%Y"
"#;

const TEAM: &str = "agent,boss\nAna,\nBo,Ana\n";
const PIPELINE: &str = "id,agent,stage,opened,closed,value\nP1,Bo,Won,01/05/2026,02/10/2026,1000\nP2,Bo,Lost,01/06/2026,02/11/2026,0\nP3,Ana,Engaging,01/07/2026,,\n";

fn run(dir: &Path, plan: &str, pipeline: &str) -> (i32, String, String) {
    std::fs::write(dir.join("plan.toml"), plan).unwrap();
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/team.csv"), TEAM).unwrap();
    std::fs::write(dir.join("data/pipeline.csv"), pipeline).unwrap();
    let out = Command::cargo_bin("fuerza")
        .unwrap()
        .current_dir(dir)
        .args(["evaluate", "plan.toml", "--data", "data", "--out", "out"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_mapped_export_is_read_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(dir.path(), PLAN, PIPELINE);
    assert_eq!(code, 0, "{err}");
    let payouts = std::fs::read_to_string(dir.path().join("out/payouts.csv")).unwrap();
    // Bo's one won deal of 1,000 closed 10 Feb → Q1 credit 1,000, commission 50.
    assert!(
        payouts.contains("Bo,Bo,rep,Q1,25000.00,1000.00,0.0400,0.00,50.00,"),
        "{payouts}"
    );
    assert!(err.contains("2 skipped by the filter stage ∈ {Won}"), "{err}");
}

#[test]
fn an_unknown_column_is_reported_with_the_file_and_header() {
    let dir = tempfile::tempdir().unwrap();
    let plan = PLAN.replace("created_date = \"opened\"", "created_date = \"engaged\"");
    let (code, _, err) = run(dir.path(), &plan, PIPELINE);
    assert_eq!(code, 1);
    assert!(
        err.contains("pipeline.csv:1:1: column `engaged` (mapped to `created_date`"),
        "{err}"
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn an_unmapped_stage_value_is_reported_with_line_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let pipeline = format!("{PIPELINE}P4,Ana,Negotiating,01/08/2026,,\n");
    let (code, _, err) = run(dir.path(), PLAN, &pipeline);
    assert_eq!(code, 1);
    assert!(
        err.contains("pipeline.csv:5:3: value \"Negotiating\" has no mapping for `stage`"),
        "{err}"
    );
    assert!(err.contains("column `stage`, value \"Negotiating\""), "{err}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn an_unparseable_date_is_reported_with_line_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let pipeline = PIPELINE.replace("01/06/2026", "2026-01-06");
    let (code, _, err) = run(dir.path(), PLAN, &pipeline);
    assert_eq!(code, 1);
    assert!(
        err.contains("pipeline.csv:3:4: not a date in the format \"%m/%d/%Y\""),
        "{err}"
    );
    assert!(err.contains("value \"2026-01-06\""), "{err}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_mapping_naming_a_column_fuerza_does_not_have_is_a_plan_error() {
    let dir = tempfile::tempdir().unwrap();
    let plan = PLAN.replace(
        "columns = { rep_id = \"agent\", name",
        "columns = { rep = \"agent\", name",
    );
    let (code, _, err) = run(dir.path(), &plan, PIPELINE);
    assert_eq!(code, 1);
    assert!(
        err.contains("plan.toml:17:13: `rep` is not a column of reps.csv"),
        "{err}"
    );
}
