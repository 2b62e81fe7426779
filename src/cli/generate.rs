//! `fuerza generate`: write synthetic reps.csv, deals.csv and
//! opportunities.csv for a plan (or the built-in one), from a seed.
//!
//! The files are streamed to temporary names in the output folder and renamed
//! into place only when all three are complete.

use super::{inputs, Failure};
use crate::diag::Diagnostic;
use crate::gen::{self, Options, Setup};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// Arguments of `generate`.
pub struct Args {
    /// Output folder.
    pub out: PathBuf,
    /// Counts and seed.
    pub options: Options,
    /// The plan whose year, territories, schemes and process to follow.
    pub plan: Option<PathBuf>,
}

const FILES: [&str; 3] = ["reps.csv", "deals.csv", "opportunities.csv"];

fn io_error(path: &Path, what: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot {what}: {e}")).in_file(path.display().to_string())
}

/// Runs `generate`.
pub fn run(args: &Args) -> Result<(), Failure> {
    // Before anything is read or created.
    args.options.check()?;
    let setup = match &args.plan {
        Some(p) => {
            let plan = inputs::load_plan(p)?;
            Setup::from_plan(&plan.plan).map_err(|e| Diagnostic::error(e).in_file(p.display().to_string()))?
        }
        None => Setup::builtin(),
    };
    std::fs::create_dir_all(&args.out).map_err(|e| io_error(&args.out, "create the output folder", &e))?;
    let tmp: Vec<PathBuf> = FILES
        .iter()
        .map(|f| args.out.join(format!(".{f}.tmp-{}", std::process::id())))
        .collect();
    let result = write(&setup, &args.options, &tmp);
    let summary = match result {
        Ok(s) => s,
        Err(d) => {
            for t in &tmp {
                let _ = std::fs::remove_file(t);
            }
            return Err(d.into());
        }
    };
    for (i, (t, f)) in tmp.iter().zip(FILES).enumerate() {
        let target = args.out.join(f);
        if let Err(e) = std::fs::rename(t, &target) {
            // Leave no temporary file behind.
            for t in &tmp[i..] {
                let _ = std::fs::remove_file(t);
            }
            return Err(io_error(&target, "write", &e).into());
        }
    }
    let l = summary.layout;
    let d = &summary.deals;
    let o = &summary.opportunities;
    println!("wrote {} (seed {})", args.out.display(), args.options.seed);
    println!(
        "  reps.csv           {} people: {} VP, {} managers, {} AEs, {} SDRs; {} hired in the year, {} leaving",
        l.vp + l.managers + l.aes + l.sdrs,
        l.vp,
        l.managers,
        l.aes,
        l.sdrs,
        summary.hired_in_year,
        summary.leavers
    );
    println!(
        "  deals.csv          {} rows, {} deals ({} split, {} cancelled of which {} within 90 days), {} customers, {} rows before the plan year",
        d.rows, d.deals, d.split_deals, d.cancelled, d.cancelled_within_90, d.customers, d.before_year_rows
    );
    println!(
        "  opportunities.csv  {} rows: {} won, {} lost, {} open",
        o.rows, o.won, o.lost, o.open
    );
    Ok(())
}

fn create(path: &Path) -> Result<BufWriter<File>, Diagnostic> {
    File::create(path)
        .map(|f| BufWriter::with_capacity(1 << 16, f))
        .map_err(|e| io_error(path, "create", &e))
}

fn write(setup: &Setup, options: &Options, tmp: &[PathBuf]) -> Result<gen::Summary, Diagnostic> {
    let mut reps = create(&tmp[0])?;
    let mut deals = create(&tmp[1])?;
    let mut opps = create(&tmp[2])?;
    let summary = gen::generate(setup, options, &mut reps, &mut deals, &mut opps)
        .map_err(|e| io_error(&tmp[1], "write the generated data", &e))?;
    for (w, path) in [(reps, &tmp[0]), (deals, &tmp[1]), (opps, &tmp[2])] {
        let file = w.into_inner().map_err(|e| io_error(path, "write", e.error()))?;
        file.sync_all().map_err(|e| io_error(path, "write", &e))?;
    }
    Ok(summary)
}
