//! `fuerza simulate`: a Monte Carlo forecast of the plan year's pay.
//!
//! Loads the plan and data (deals of every year feed the history), fits the
//! model, runs the trials on a rayon pool of `--threads` threads with a
//! progress bar on a terminal, and writes forecast.csv, reps_forecast.csv,
//! model.csv, charts and manifest.json atomically.

use super::inputs::{self, DealSink, Inputs};
use super::{print_notes, print_warnings, Failure};
use crate::data::DealRow;
use crate::diag::Diagnostic;
use crate::output::manifest::{InputStamp, Manifest};
use crate::output::{forecast, text, OutFile};
use crate::sim::{self, summary, History, Model, Outcome, Pricer};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Arguments of `simulate`.
pub struct Args {
    /// Plan file.
    pub plan: PathBuf,
    /// Data folder.
    pub data: Option<PathBuf>,
    /// Trials.
    pub trials: u64,
    /// Seed.
    pub seed: u64,
    /// Worker threads (default: one per core).
    pub threads: Option<usize>,
    /// Output folder.
    pub out: Option<PathBuf>,
    /// Pay every trial through the traced pay program, as evaluate pays (slower; same cents).
    pub generic: bool,
    /// The command line, for the manifest.
    pub argv: Vec<String>,
}

impl DealSink for History {
    fn deal(&mut self, row: &DealRow, run: &crate::data::deals::Run) {
        // The forecast pays every rep under its reps.csv scheme: its history is measured by it.
        let scheme = &run.plan.schemes[run.roster.reps[row.rep].scheme];
        // Column multipliers vary by row, not by the history's product × type keys: in the value.
        let value = crate::credit::rows::measured(row, scheme.measure) * scheme.column_multiplier(row.attrs);
        self.add(row, value);
    }
    fn restart(&mut self) {
        self.clear();
    }
}

/// A loaded run with its history and fitted model.
pub struct Prepared {
    /// The inputs.
    pub inputs: Inputs,
    /// The model.
    pub model: Model,
}

/// Loads a plan and its data, keeping every deal row as history, and fits the model.
pub fn prepare(plan: &Path, data: Option<&Path>) -> Result<(Prepared, Vec<Diagnostic>), Failure> {
    let plan = inputs::load_plan(plan)?;
    let dir = inputs::data_dir(data, &plan);
    let warnings = plan.warnings.clone();
    let mut history = History::new(0);
    let mut inp = inputs::load_with(plan, &dir, false, &mut history)?;
    super::quirks::forecast_roster(&mut inp);
    history.fit_roster(inp.roster.reps.len());
    let model = sim::fit(&inp.plan.plan, &inp.roster, &inp.plan.cal, &history, &inp.opps);
    Ok((Prepared { inputs: inp, model }, warnings))
}

/// The most worker threads `--threads` may ask for.
pub const MAX_THREADS: usize = 256;

/// Checks `--threads`: 1 to [`MAX_THREADS`].
pub fn check_threads(threads: Option<usize>) -> Result<(), Failure> {
    match threads {
        Some(0) => Err(Diagnostic::error("--threads must be at least 1")
            .with_value("0")
            .with_code("args.threads")
            .into()),
        Some(t) if t > MAX_THREADS => {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            Err(Diagnostic::error(format!("--threads {t} is above the maximum of {MAX_THREADS}"))
                .with_code("args.threads")
                .with_value(t.to_string())
                .with_help(format!(
                    "the output does not depend on the number of threads; this machine has {cores} core(s): leave --threads out to use them all"
                ))
                .into())
        }
        _ => Ok(()),
    }
}

/// Checks `--trials` against the documented maximum, before anything is read.
pub fn check_trials(trials: u64) -> Result<(), Failure> {
    sim::run::check_trials(trials, 0, 0, 1).map_err(Failure::from)
}

/// A rayon pool of `threads` threads (default: one per core).
pub fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Failure> {
    check_threads(threads)?;
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        b = b.num_threads(t);
    }
    b.build()
        .map_err(|e| Diagnostic::error(format!("cannot start the worker threads: {e}")).into())
}

/// Runs the trials with a progress bar on stderr when it is a terminal; a
/// trial whose pay cannot be counted is the run's error.
pub fn run_trials(
    model: &Model,
    pricers: &[Pricer],
    seed: u64,
    trials: u64,
    extras: bool,
    pool: &rayon::ThreadPool,
) -> Result<Vec<Outcome>, Failure> {
    let reps = pricers.first().map_or(0, |p| p.roster().reps.len());
    sim::run::check_trials(trials, reps, model.periods, pricers.len())?;
    let bar = if std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(trials);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} trials ({eta})") {
            b.set_style(style.progress_chars("=> "));
        }
        b.set_message("simulating");
        Some(b)
    } else {
        None
    };
    let tick = |k: u64| {
        if let Some(b) = &bar {
            b.inc(k);
        }
    };
    let out = pool.install(|| sim::run(model, pricers, seed, trials, extras, &tick));
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(o) = out.iter().find_map(|o| o.overflow.as_ref()) {
        return Err(o.diagnostic().into());
    }
    Ok(out)
}

/// The command line without `--threads` (the outputs do not depend on it).
pub fn recorded_command(argv: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip = false;
    for a in argv.iter().skip(1) {
        if skip {
            skip = false;
            continue;
        }
        if a == "--threads" {
            skip = true;
            continue;
        }
        if a.starts_with("--threads=") {
            continue;
        }
        out.push(a.clone());
    }
    out
}

/// Adds manifest.json (stamping the others) and replaces `out_dir` with the
/// files, all or nothing; `run` names the command, `stamps` every file it read.
pub fn write(
    run: &str,
    out_dir: &Path,
    out_files: Vec<OutFile>,
    inp: &Inputs,
    stamps: Vec<InputStamp>,
    argv: &[String],
) -> Result<(), Failure> {
    let o = &inp.ledger.outside;
    let manifest = Manifest {
        deals_outside_year: o.before + o.after,
        ..Manifest::new(run, recorded_command(argv), stamps)
    };
    let guard = super::guard(&manifest.inputs, Some(&inp.data_dir));
    super::publish(out_dir, out_files, manifest, &guard)
}

/// The fit check: median coefficient of variation of period bookings, in
/// history and in the model, over reps fitted on their own history.
pub fn fit_check(model: &Model) -> Option<(usize, f64, f64)> {
    let mut hist = Vec::new();
    let mut fitted = Vec::new();
    for m in model.reps.iter().filter(|m| m.source == sim::model::Source::Own) {
        let n = m.obs.len() as f64;
        let mean = m.obs.iter().sum::<f64>() / n;
        if mean <= 0.0 || m.obs.len() < 2 {
            continue;
        }
        let var = m.obs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
        hist.push(var.sqrt() / mean);
        let p = 1.0 - m.dist.p_zero;
        let (e1, e2) = match m.dist.body {
            sim::model::Body::LogNormal { mu, sigma } => {
                ((mu + sigma * sigma / 2.0).exp(), (2.0 * mu + 2.0 * sigma * sigma).exp())
            }
            sim::model::Body::Point(v) => (v, v * v),
        };
        let (m1, m2) = (p * e1, p * e2);
        fitted.push(if m1 > 0.0 {
            (m2 - m1 * m1).max(0.0).sqrt() / m1
        } else {
            0.0
        });
    }
    if hist.is_empty() {
        return None;
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let k = v.len();
        if k % 2 == 1 {
            v[k / 2]
        } else {
            (v[k / 2 - 1] + v[k / 2]) / 2.0
        }
    };
    Some((hist.len(), median(&mut hist), median(&mut fitted)))
}

/// Runs `simulate`.
pub fn run(args: &Args) -> Result<(), Failure> {
    check_trials(args.trials)?;
    check_threads(args.threads)?;
    let (prep, mut warnings) = prepare(&args.plan, args.data.as_deref())?;
    let inp = &prep.inputs;
    // model.csv and the notes show the model as fitted; the trials run on it
    // with the keys the plan does not tell apart merged.
    let model = &prep.model;
    let mut merged = prep.model.clone();
    merged.merge_keys(&[(&inp.plan.plan, &inp.roster)]);
    let (p, cal, roster) = (&inp.plan.plan, &inp.plan.cal, &inp.roster);
    let pricer =
        Pricer::new(p, roster, cal, &inp.quotas, &merged, args.generic).with_objectives(&inp.ledger.objectives);
    let pool = pool(args.threads)?;
    let outcomes = run_trials(
        &merged,
        std::slice::from_ref(&pricer),
        args.seed,
        args.trials,
        false,
        &pool,
    )?;
    let Some(o) = outcomes.first() else {
        return Err(Diagnostic::error("the simulation produced nothing").into());
    };
    let labels: Vec<String> = (0..cal.periods()).map(|i| cal.label(i).to_string()).collect();
    let rows = summary::forecast(o, &labels, p.rounding);
    let rep_rows = summary::reps(o, p.rounding);
    let at_quota = summary::share_at_quota(o);

    let mut out_files = vec![
        OutFile {
            name: "forecast.csv".into(),
            bytes: forecast::forecast(&rows, p.rounding).finish(),
        },
        OutFile {
            name: "reps_forecast.csv".into(),
            bytes: forecast::reps(roster, &rep_rows, p.rounding).finish(),
        },
        OutFile {
            name: "model.csv".into(),
            bytes: forecast::model(roster, model).finish(),
        },
    ];
    out_files.extend(super::sim_charts::forecast(p, roster, o, &rows, &rep_rows)?);
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| super::default_out(&args.plan, "-forecast"));
    write("simulate", &out_dir, out_files, inp, inp.stamps.clone(), &args.argv)?;

    println!(
        "{} — forecast of {} reps, {} trials, seed {} ({})",
        p.name,
        roster.reps.len(),
        args.trials,
        args.seed,
        out_dir.display()
    );
    print!(
        "{}",
        text::table(
            &forecast::FORECAST_HEADER,
            &forecast::forecast_cells(&rows, p.rounding),
            1
        )
    );
    if let Some(s) = at_quota {
        println!(
            "expected share of reps at or above quota: {:.1}% (of {} reps with a quota)",
            s * 100.0,
            o.with_quota
        );
        let (lo, hi) = summary::HEALTHY_AT_QUOTA;
        if s < lo || s > hi {
            warnings.push(
                Diagnostic::warning(format!(
                    "the expected share of reps at quota is {:.1}%, outside the healthy {:.0}–{:.0}%",
                    s * 100.0,
                    lo * 100.0,
                    hi * 100.0
                ))
                .with_help(if s < lo {
                    "quotas look too high for this history (or the team is under capacity)"
                } else {
                    "quotas look too low for this history: the plan will pay above target"
                }),
            );
        }
    }
    let mut notes = inp.problems.notes.clone();
    notes.extend(model.notes.iter().cloned());
    notes.extend(super::quirks::adjustments_note(inp));
    if let Some((k, h, m)) = fit_check(model) {
        notes.push(format!(
            "fit: over {k} reps with their own history, the median coefficient of variation of period bookings is {h:.3} in history and {m:.3} in the model"
        ));
    }
    if !pricer.is_fast() {
        notes.push("every trial is paid by the traced pay program, as evaluate pays (slower, same cents)".into());
    }
    warnings.extend(inp.problems.warnings.iter().cloned());
    print_notes(&notes);
    print_warnings(&warnings);
    Ok(())
}
