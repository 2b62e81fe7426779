//! A small run whose numbers can be checked by hand, with hostile names: shared
//! by the report, chart and browser tests. [`cli`] is the end-to-end harness
//! (a case folder, runs of the binary, what they print and write).
#![allow(dead_code)] // each test file uses a different part

pub mod cli;

use std::path::{Path, PathBuf};

/// The plan: two regions, an AE scheme (tiers, bonus, year cap) and an SDR
/// scheme (a bonus with a threshold at 50% and a per-quarter cap).
pub const PLAN: &str = r#"
[plan]
name = "Fixture & Co <Test>"
currency = "EUR"
year_start = 2026-01-01
period = "quarter"

[goal]
annual = 4_000_000

[process]
stages = ["lead", "qualify", "close"]
won_at = "close"
benchmarks = { qualify = 0.6 }

[[regions]]
id = "north"
name = "North"

[[regions]]
id = "south"
name = "South"

[[territories]]
id = "N1"
name = "North one"
region = "north"

[[territories]]
id = "S1"
name = "South one"
region = "south"

[[schemes]]
id = "ae"
name = "Account Executive"
base_salary = 80_000
target_incentive = 80_000
quota = 1_000_000
weights = { renewal = 0.5 }
cap = { year = 200_000 }

[[schemes.components]]
kind = "commission"
name = "Commission"
tiers = [ { from = 0.0, rate = "8%" }, { from = 1.0, rate = "12%" } ]

[[schemes.components]]
kind = "bonus"
name = "Quota bonus"
target = 8_000
curve = [[0.8, 0.5], [1.0, 1.0], [1.5, 2.0]]

[[schemes]]
id = "sdr"
name = "Sales Development"
base_salary = 50_000
target_incentive = 20_000
quota = 400_000

[[schemes.components]]
kind = "bonus"
name = "Pipeline bonus"
target = 20_000
curve = [[0.5, 0.25], [1.0, 1.0], [2.0, 3.0]]
cap = 7_500
"#;

/// The hostile rep's name and id.
pub const HOSTILE_NAME: &str = "<script>alert(\"x\")</script>";
/// An id that tries to leave the statements folder.
pub const HOSTILE_ID: &str = "../evil";

/// reps.csv: A2 outsells everyone in one quarter; A4 sells nothing.
pub fn reps() -> String {
    format!(
        "rep_id,name,scheme,territory,manager_id\n\
         A1,Ana Lima,ae,N1,\n\
         A2,Bo Chen,ae,N1,\n\
         {HOSTILE_ID},\"{}\",ae,S1,\n\
         a4,Dee O'Neil,ae,S1,\n\
         S1,=Eve Cmd,sdr,,\n",
        HOSTILE_NAME.replace('"', "\"\"")
    )
}

/// deals.csv: A1 800k credit (a half-weighted renewal), A2 1.2M in Q1, the hostile rep 500k, S1 200k.
pub const DEALS: &str = "deal_id,rep_id,customer_id,product,deal_type,close_date,amount\n\
D1,A1,C1,P,new,2026-02-10,300000\n\
D2,A1,C1,Q,renewal,2026-05-10,200000\n\
D3,A1,C2,P,new,2026-08-10,400000\n\
D4,A2,C3,P,new,2026-03-01,1200000\n\
D5,../evil,C4,P,new,2026-05-01,500000\n\
D6,S1,C5,P,new,2026-02-01,200000\n";

/// opportunities.csv: A1 loses 18 of 20 leads before qualifying (a fracture against the 60% benchmark).
pub fn opportunities() -> String {
    let mut s = String::from("opp_id,rep_id,created_date,stage,status,amount,closed_date\n");
    for i in 0..20 {
        let stage = if i < 2 { "qualify" } else { "lead" };
        s.push_str(&format!("O{i},A1,2026-01-05,{stage},lost,1000,2026-02-01\n"));
    }
    s
}

/// A fresh folder with plan.toml and data/.
pub struct Fixture {
    /// Keeps the folder alive.
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// Writes the plan and data.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("plan.toml"), PLAN).unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::write(data.join("reps.csv"), reps()).unwrap();
        std::fs::write(data.join("deals.csv"), DEALS).unwrap();
        std::fs::write(data.join("opportunities.csv"), opportunities()).unwrap();
        Self { dir }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `fuerza evaluate` with extra arguments into `out` (under the folder); returns the out path.
    pub fn evaluate(&self, out: &str, extra: &[&str]) -> PathBuf {
        let mut args = vec!["evaluate", "plan.toml", "--data", "data", "--out", out];
        args.extend(extra);
        cli::run_in(self.path(), &args).ok();
        self.path().join(out)
    }
}

/// Reads a file as text.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
