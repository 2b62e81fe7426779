//! `fuerza evaluate`: the main job. Everything is computed in memory, then written atomically.

use super::{inputs, print_notes, print_warnings, Failure, Format};
use crate::output::manifest::Manifest;
use crate::output::{tables, text, OutFile};
use std::path::PathBuf;

/// Arguments of `evaluate`.
pub struct Args {
    /// Plan file.
    pub plan: PathBuf,
    /// Data folder.
    pub data: Option<PathBuf>,
    /// Output folder.
    pub out: Option<PathBuf>,
    /// Skip bad rows.
    pub lenient: bool,
    /// Stdout format.
    pub format: Format,
    /// The command line, for the manifest.
    pub argv: Vec<String>,
    /// Also write PNG charts.
    pub png: bool,
    /// Also write one statement file per rep.
    pub statements: bool,
    /// Write credits.csv.
    pub credits: bool,
}

/// Runs `evaluate`.
pub fn run(args: &Args) -> Result<(), Failure> {
    let plan = inputs::load_plan(&args.plan)?;
    let dir = inputs::data_dir(args.data.as_deref(), &plan);
    let plan_warnings = plan.warnings.clone();
    let mut credits = crate::output::credits::Credits::new();
    let inp = if args.credits {
        inputs::load_with(plan, &dir, args.lenient, &mut credits)?
    } else {
        inputs::load(plan, &dir, args.lenient)?
    };
    super::quirks::require_plan_year(&inp)?;
    let (p, cal, roster) = (&inp.plan.plan, &inp.plan.cal, &inp.roster);
    let ev = crate::comp::try_evaluate(p, roster, cal, &inp.ledger, &inp.quotas)?;
    let out_dir = args.out.clone().unwrap_or_else(|| super::default_out(&args.plan, ""));
    // The run's warnings, once: stderr, report.html and --format json show this list.
    let rejects = args.lenient.then(|| out_dir.join("rejects.csv"));
    let warnings = super::quirks::run_warnings(&plan_warnings, &inp, &ev, rejects.as_deref());

    let mut out_files = vec![
        OutFile {
            name: "payouts.csv".into(),
            bytes: tables::payouts(p, roster, cal, &ev).finish(),
        },
        OutFile {
            name: "statements.csv".into(),
            bytes: tables::statements(p, roster, cal, &ev).finish(),
        },
    ];
    if args.credits {
        out_files.push(OutFile {
            name: "credits.csv".into(),
            bytes: credits.finish(),
        });
    }
    let (found, funnels, team) = crate::funnel::find(&inp.opps, roster.reps.len(), &p.process);
    out_files.push(OutFile {
        name: "fractures.csv".into(),
        bytes: tables::fractures(p, roster, &found).finish(),
    });
    out_files.push(OutFile {
        name: "funnel.csv".into(),
        bytes: tables::funnel(p, roster, &funnels, &team).finish(),
    });
    if args.lenient {
        out_files.push(OutFile {
            name: "rejects.csv".into(),
            bytes: tables::rejects(&inp.problems.rejects).finish(),
        });
    }
    let (curve_schemes, left_out) = crate::report::series::busiest_schemes(p, roster, crate::chart::MAX_CURVES);
    out_files.extend(super::visuals::outputs(&super::visuals::Run {
        inputs: &inp,
        ev: &ev,
        fractures: &found,
        png: args.png,
        statements: args.statements,
        warnings: &warnings,
        curve_schemes: &curve_schemes,
    })?);
    let o = &inp.ledger.outside;
    let manifest = Manifest {
        rows_skipped: inp.problems.rejects.len() as u64,
        deals_outside_year: o.before + o.after,
        ..Manifest::new(
            "evaluate",
            args.argv.iter().skip(1).cloned().collect(),
            inp.stamps.clone(),
        )
    };
    super::publish(&out_dir, out_files, manifest, &super::guard(&inp.stamps, Some(&dir)))?;

    let summary = crate::report::summary(p, roster, cal, &ev);
    match args.format {
        Format::Table => {
            println!(
                "{} — {} reps, {} ({})",
                p.name,
                roster.reps.len(),
                p.currency,
                out_dir.display()
            );
            print!(
                "{}",
                text::table(&text::SUMMARY_HEADER, &text::summary_cells(&summary, true), 1)
            );
            if !inp.opps.is_empty() {
                println!();
                print!("{}", text::fractures(p, &roster.reps, &found, true));
            }
        }
        Format::Csv => {
            let mut doc = crate::output::csv::CsvDoc::new(&text::SUMMARY_HEADER);
            for row in text::summary_cells(&summary, false) {
                doc.row(
                    &row.iter()
                        .map(|c| crate::output::csv::Cell::Num(c.clone()))
                        .collect::<Vec<_>>(),
                );
            }
            print!("{}", String::from_utf8_lossy(&doc.finish()));
        }
        Format::Json => {
            let rows: Vec<serde_json::Value> = text::summary_cells(&summary, false)
                .into_iter()
                .map(|r| {
                    serde_json::Value::Object(
                        text::SUMMARY_HEADER
                            .iter()
                            .map(|h| h.to_string())
                            .zip(r.into_iter().map(serde_json::Value::String))
                            .collect(),
                    )
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "plan": p.name, "currency": p.currency, "out": out_dir.display().to_string(), "summary": rows, "warnings": super::quirks::warnings_json(&warnings) })).unwrap_or_default());
        }
    }
    print_notes(&inp.problems.notes);
    print_notes(&Vec::from_iter(crate::chart::curves_left_out(left_out)));
    print_warnings(&warnings);
    Ok(())
}
