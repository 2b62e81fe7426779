//! `fuerza fractures`: pipeline-fracture diagnostics only.

use super::{inputs, print_notes, print_warnings, Failure};
use crate::output::manifest::Manifest;
use crate::output::{tables, text, OutFile};
use std::path::{Path, PathBuf};

/// Runs `fractures`: writes fractures.csv and funnel.csv, prints one line per fracture.
pub fn run(plan_path: &Path, data: Option<&Path>, out: Option<PathBuf>) -> Result<(), Failure> {
    let plan = inputs::load_plan(plan_path)?;
    let dir = inputs::data_dir(data, &plan);
    let warnings = plan.warnings.clone();
    let inp = inputs::load(plan, &dir, false)?;
    let (p, roster) = (&inp.plan.plan, &inp.roster);
    let (found, funnels, team) = crate::funnel::find(&inp.opps, roster.reps.len(), &p.process);
    let out_files = vec![
        OutFile {
            name: "fractures.csv".into(),
            bytes: tables::fractures(p, roster, &found).finish(),
        },
        OutFile {
            name: "funnel.csv".into(),
            bytes: tables::funnel(p, roster, &funnels, &team).finish(),
        },
    ];
    let out_dir = out.unwrap_or_else(|| super::default_out(plan_path, "-fractures"));
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let manifest = Manifest::new("fractures", argv, inp.stamps.clone());
    super::publish(&out_dir, out_files, manifest, &super::guard(&inp.stamps, Some(&dir)))?;
    print!("{}", text::fractures(p, &roster.reps, &found, true));
    print_notes(&inp.problems.notes);
    print_warnings(&warnings);
    Ok(())
}
