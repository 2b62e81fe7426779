//! `fuerza chart KIND PLAN`: render one kind of chart on demand into OUT/charts/.

use super::{inputs, print_warnings, Failure};
use crate::chart::{self, ChartData, Kind};
use crate::comp::Evaluation;
use crate::credit::Ledger;
use crate::data::Roster;
use crate::diag::Diagnostic;
use crate::output::manifest::Manifest;
use crate::output::OutFile;
use std::path::PathBuf;

/// Arguments of `chart`.
pub struct Args {
    /// What to draw.
    pub kind: Kind,
    /// Plan file.
    pub plan: PathBuf,
    /// Data folder.
    pub data: Option<PathBuf>,
    /// Output folder (charts go to its `charts/`).
    pub out: Option<PathBuf>,
    /// Also write PNGs.
    pub png: bool,
    /// Only this scheme's payout curve.
    pub scheme: Option<String>,
}

/// The chart files of rendered charts: SVG always, PNG when rendered.
pub fn chart_files(rendered: &[chart::Rendered]) -> Vec<OutFile> {
    let mut out = Vec::new();
    for r in rendered {
        out.push(OutFile {
            name: format!("charts/{}.svg", r.stem),
            bytes: r.svg.clone().into_bytes(),
        });
        if let Some(png) = &r.png {
            out.push(OutFile {
                name: format!("charts/{}.png", r.stem),
                bytes: png.clone(),
            });
        }
    }
    out
}

/// The schemes whose payout curves to draw: `--scheme`'s, else the busiest
/// `MAX_CURVES`; and how many were left out.
fn curve_schemes(plan: &crate::plan::Plan, roster: &Roster, only: Option<&str>) -> (Vec<usize>, usize) {
    match only.and_then(|id| plan.scheme(id)) {
        Some(s) => (vec![s], 0),
        None => crate::report::series::busiest_schemes(plan, roster, chart::MAX_CURVES),
    }
}

/// Runs `chart`. A payout curve needs only the plan: without a data folder it is drawn without reps.
pub fn run(args: &Args) -> Result<(), Failure> {
    let plan = inputs::load_plan(&args.plan)?;
    if let Some(id) = &args.scheme {
        if plan.plan.scheme(id).is_none() {
            return Err(Diagnostic::error(format!("the plan has no scheme {id:?}"))
                .in_file(args.plan.display().to_string())
                .with_help(format!(
                    "schemes: {}",
                    plan.plan
                        .schemes
                        .iter()
                        .map(|s| s.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .into());
        }
    }
    let dir = inputs::data_dir(args.data.as_deref(), &plan);
    let mut warnings = plan.warnings.clone();
    let mut stamps = vec![plan.stamp.clone()];
    let mut notes: Vec<String> = Vec::new();
    let data = if args.kind == Kind::PayoutCurve && !dir.is_dir() {
        warnings.push(Diagnostic::warning(format!(
            "no data folder {}: the payout curves show no reps",
            dir.display()
        )));
        let roster = Roster::default();
        let ledger = Ledger::new(&plan.plan, &roster, &plan.cal, false);
        let ev = Evaluation {
            reps: Vec::new(),
            warnings: Vec::new(),
        };
        let (schemes, left_out) = curve_schemes(&plan.plan, &roster, args.scheme.as_deref());
        notes.extend(crate::chart::curves_left_out(left_out));
        ChartData::build(&plan.plan, &plan.cal, &roster, &ledger, &ev, &[], &schemes)
    } else {
        let inp = inputs::load(plan, &dir, false)?;
        super::quirks::require_plan_year(&inp)?;
        stamps.clone_from(&inp.stamps);
        let (p, cal, roster) = (&inp.plan.plan, &inp.plan.cal, &inp.roster);
        let ev = crate::comp::try_evaluate(p, roster, cal, &inp.ledger, &inp.quotas)?;
        let (schemes, left_out) = curve_schemes(p, roster, args.scheme.as_deref());
        notes.extend(crate::chart::curves_left_out(left_out));
        ChartData::build(p, cal, roster, &inp.ledger, &ev, &inp.opps, &schemes)
    };
    let rendered = chart::render_kinds(&data, &[args.kind], args.png)
        .map_err(|e| Diagnostic::error(format!("cannot draw the chart: {e}")))?;
    if rendered.is_empty() {
        let why = match args.kind {
            Kind::Funnel => "no rep has a resolved opportunity, so there is no funnel",
            _ => "no scheme has a quota, so there is no payout curve",
        };
        return Err(Diagnostic::error(format!("nothing to draw: {why}")).into());
    }
    let out_files = chart_files(&rendered);
    let names: Vec<String> = out_files.iter().map(|f| f.name.clone()).collect();
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| super::default_out(&args.plan, "-charts"));
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let guard = super::guard(&stamps, Some(&dir));
    super::publish(&out_dir, out_files, Manifest::new("chart", argv, stamps), &guard)?;
    for f in &names {
        println!("{}", out_dir.join(f).display());
    }
    super::print_notes(&notes);
    print_warnings(&warnings);
    Ok(())
}
