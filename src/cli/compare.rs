//! `fuerza compare`: several plans on the same data and the same simulated
//! scenarios, side by side, with every rep's change in pay.

use super::simulate::{pool, prepare, run_trials, write};
use super::{inputs, print_notes, print_warnings, Failure};
use crate::diag::Diagnostic;
use crate::output::{forecast, text, OutFile};
use crate::sim::{summary, Pricer};
use crate::units::{fmt_money, fmt_money_human};
use rust_decimal::Decimal;
use std::path::PathBuf;

/// Arguments of `compare`.
pub struct Args {
    /// Plan files (two or more); the first is the baseline.
    pub plans: Vec<PathBuf>,
    /// Data folder (default: the first plan's).
    pub data: Option<PathBuf>,
    /// Trials.
    pub trials: u64,
    /// Seed.
    pub seed: u64,
    /// Worker threads.
    pub threads: Option<usize>,
    /// Output folder.
    pub out: Option<PathBuf>,
    /// Replay the actual year's deals under each plan instead of simulating.
    pub actual: bool,
    /// The command line, for the manifest.
    pub argv: Vec<String>,
}

/// Short, distinct names for the plans: their file stems.
pub fn plan_names(plans: &[PathBuf]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        let stem = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| format!("plan{}", i + 1));
        let name = if names.contains(&stem) {
            format!("{stem}-{}", i + 1)
        } else {
            stem
        };
        names.push(name);
    }
    names
}

/// Runs `compare`.
pub fn run(args: &Args) -> Result<(), Failure> {
    if args.plans.len() < 2 {
        return Err(Diagnostic::error("compare needs at least two plans").into());
    }
    let names = plan_names(&args.plans);
    if args.actual {
        return run_actual(args, &names);
    }
    super::simulate::check_trials(args.trials)?;
    super::simulate::check_threads(args.threads)?;
    let (base, mut warnings) = prepare(&args.plans[0], args.data.as_deref())?;
    let dir = inputs::data_dir(args.data.as_deref(), &base.inputs.plan);
    let mut others = load_others(args, &base.inputs, &dir, &mut warnings)?;
    for (path, other) in args.plans[1..].iter().zip(&others) {
        same_history(&base.inputs, other, &args.plans[0], path)?;
    }
    others.iter_mut().for_each(super::quirks::forecast_roster);
    let all: Vec<&inputs::Inputs> = std::iter::once(&base.inputs).chain(others.iter()).collect();
    // One cell per kind of credit any of the plans tells apart.
    let mut merged = base.model.clone();
    let seen: Vec<_> = all.iter().map(|i| (&i.plan.plan, &i.roster)).collect();
    merged.merge_keys(&seen);
    let model = &merged;
    let pricers: Vec<Pricer> = all
        .iter()
        .map(|i| {
            Pricer::new(&i.plan.plan, &i.roster, &i.plan.cal, &i.quotas, model, false)
                .with_objectives(&i.ledger.objectives)
        })
        .collect();
    let pool = pool(args.threads)?;
    let outcomes = run_trials(model, &pricers, args.seed, args.trials, true, &pool)?;
    let rounding = base.inputs.plan.plan.rounding;
    let sums: Vec<summary::PlanSummary> = outcomes.iter().map(|o| summary::plan_summary(o, rounding)).collect();
    let cells: Vec<Vec<String>> = sums
        .iter()
        .zip(&pricers)
        .map(|(s, p)| forecast::compare_cells(s, p.is_fast(), rounding))
        .collect();
    let pays: Vec<Vec<Decimal>> = outcomes
        .iter()
        .map(|o| summary::reps(o, rounding).into_iter().map(|r| r.expected_pay).collect())
        .collect();
    let (plan0, roster) = (&base.inputs.plan.plan, &base.inputs.roster);
    let mut out_files = vec![
        OutFile {
            name: "compare.csv".into(),
            bytes: forecast::compare_table(&names, &forecast::COMPARE_METRICS, &cells).finish(),
        },
        OutFile {
            name: "compare_reps.csv".into(),
            bytes: forecast::compare_reps(plan0, roster, &names, &pays, "expected_pay").finish(),
        },
    ];
    let plans: Vec<&crate::plan::Plan> = all.iter().map(|i| &i.plan.plan).collect();
    out_files.extend(super::sim_charts::compare(
        &plans,
        &all[0].plan.cal,
        roster,
        &names,
        &pays,
        false,
    )?);
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(format!("compare-{}", names.join("-vs-"))));
    // Every plan compared is an input; the data files are the baseline's.
    let mut stamps = base.inputs.stamps.clone();
    stamps.extend(others.iter().map(|i| i.plan.stamp.clone()));
    write("compare", &out_dir, out_files, &base.inputs, stamps, &args.argv)?;

    println!(
        "{} plans on the same {} scenarios of {} reps (seed {}; {})",
        names.len(),
        args.trials,
        roster.reps.len(),
        args.seed,
        out_dir.display()
    );
    print_metrics(&names, &forecast::COMPARE_METRICS, &cells);
    print_changes(
        &names,
        plan0,
        roster,
        &pays,
        &sums.iter().map(|s| s.incentive).collect::<Vec<_>>(),
        "expect",
    );
    let mut notes = base.inputs.problems.notes.clone();
    notes.extend(model.notes.iter().cloned());
    notes.extend(super::quirks::adjustments_note(&base.inputs));
    warnings.extend(base.inputs.problems.warnings.iter().cloned());
    print_notes(&notes);
    print_warnings(&warnings);
    Ok(())
}

/// Loads every plan after the first on the same data folder; each must read the baseline's roster.
fn load_others(
    args: &Args,
    base: &inputs::Inputs,
    dir: &std::path::Path,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<inputs::Inputs>, Failure> {
    let mut others = Vec::new();
    for path in &args.plans[1..] {
        let plan = inputs::load_plan(path)?;
        warnings.extend(plan.warnings.iter().cloned());
        let inp = inputs::load(plan, dir, false)?;
        let same = inp.roster.reps.len() == base.roster.reps.len()
            && inp.roster.reps.iter().zip(&base.roster.reps).all(|(a, b)| a.id == b.id);
        if !same {
            return Err(Diagnostic::error(format!(
                "{} reads a different roster than {}: plans are compared on the same data",
                path.display(),
                args.plans[0].display()
            ))
            .into());
        }
        others.push(inp);
    }
    Ok(others)
}

/// The simulation learns one history, measured as the first plan credits each
/// rep's rows (its measure and column multipliers, which vary by row); a plan
/// that credits some rep's rows otherwise cannot be priced on it.
fn same_history(
    base: &inputs::Inputs,
    other: &inputs::Inputs,
    base_path: &std::path::Path,
    path: &std::path::Path,
) -> Result<(), Failure> {
    fn how(i: &inputs::Inputs, r: usize) -> (crate::plan::Measure, Vec<ColumnKey<'_>>) {
        let s = &i.plan.plan.schemes[i.roster.reps[r].scheme];
        let cols = s
            .multipliers
            .iter()
            .map(|m| (&m.column, &m.values, m.default))
            .collect();
        (s.measure, cols)
    }
    type ColumnKey<'a> = (
        &'a String,
        &'a std::collections::BTreeMap<String, Decimal>,
        Option<Decimal>,
    );
    match (0..base.roster.reps.len()).find(|&r| how(base, r) != how(other, r)) {
        None => Ok(()),
        Some(r) => Err(Diagnostic::error(format!(
            "{} credits rep {}'s deals by another measure or other column multipliers than {}: the simulation learns one history, measured as the first plan credits it",
            path.display(),
            base.roster.reps[r].id,
            base_path.display()
        ))
        .with_code("compare.history")
        .with_help("compare these plans on the actual year with --actual, or give them the same `measure` and `multipliers`")
        .into()),
    }
}

/// Per plan after the first: how many reps gain and lose against the first,
/// the incentive before and after, and the five biggest gains and losses.
/// `verb`: "expect" (simulated) or "earn" (the actual year).
fn print_changes(
    names: &[String],
    plan0: &crate::plan::Plan,
    roster: &crate::data::Roster,
    pays: &[Vec<Decimal>],
    incentives: &[Decimal],
    verb: &str,
) {
    for (k, name) in names.iter().enumerate().skip(1) {
        let mut deltas: Vec<(Decimal, usize)> = (0..roster.reps.len()).map(|r| (pays[k][r] - pays[0][r], r)).collect();
        deltas.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let winners = deltas.iter().filter(|d| d.0 > Decimal::ZERO).count();
        let losers = deltas.iter().filter(|d| d.0 < Decimal::ZERO).count();
        let what = if verb == "expect" {
            "expected incentive"
        } else {
            "incentive"
        };
        println!();
        println!(
            "{name} vs {}: {winners} rep(s) {verb} more, {losers} less; {what} {} → {}",
            names[0],
            fmt_money_human(incentives[0]),
            fmt_money_human(incentives[k])
        );
        let show = |d: &(Decimal, usize)| {
            let rep = &roster.reps[d.1];
            vec![
                rep.id.clone(),
                plan0.schemes[rep.scheme].id.clone(),
                fmt_money(pays[0][d.1]),
                fmt_money(pays[k][d.1]),
                fmt_money(d.0),
            ]
        };
        let mut top: Vec<Vec<String>> = deltas
            .iter()
            .take(5)
            .filter(|d| d.0 > Decimal::ZERO)
            .map(show)
            .collect();
        top.extend(deltas.iter().rev().take(5).filter(|d| d.0 < Decimal::ZERO).map(show));
        if !top.is_empty() {
            let h0 = format!("pay_{}", names[0]);
            let h1 = format!("pay_{name}");
            print!("{}", text::table(&["rep_id", "scheme", &h0, &h1, "change"], &top, 2));
        }
    }
}

/// `compare --actual`: every plan evaluated on the actual year's data, the
/// same metrics where they apply and the same per-rep table.
fn run_actual(args: &Args, names: &[String]) -> Result<(), Failure> {
    let plan = inputs::load_plan(&args.plans[0])?;
    let dir = inputs::data_dir(args.data.as_deref(), &plan);
    let mut warnings = plan.warnings.clone();
    let base = inputs::load(plan, &dir, false)?;
    super::quirks::require_plan_year(&base)?;
    let others = load_others(args, &base, &dir, &mut warnings)?;
    for o in &others {
        super::quirks::require_plan_year(o)?;
    }
    let all: Vec<&inputs::Inputs> = std::iter::once(&base).chain(others.iter()).collect();
    let mut cells = Vec::new();
    let mut pays = Vec::new();
    let mut incentives = Vec::new();
    for i in &all {
        let (p, roster, cal) = (&i.plan.plan, &i.roster, &i.plan.cal);
        let ev = crate::comp::try_evaluate(p, roster, cal, &i.ledger, &i.quotas)?;
        let program = crate::comp::program::compile(p, roster, cal, &i.quotas);
        let ote: Vec<i64> = program
            .reps
            .iter()
            .map(|r| r.periods.iter().map(|t| t.ote).sum())
            .collect();
        let a = crate::report::compare::actual(p, roster, cal, &ev, &ote);
        cells.push(forecast::actual_cells(&a, p.rounding));
        pays.push(ev.reps.iter().map(|r| r.total(|x| x.total_pay)).collect::<Vec<_>>());
        incentives.push(a.incentive);
    }
    let (plan0, roster) = (&base.plan.plan, &base.roster);
    let mut out_files = vec![
        OutFile {
            name: "compare.csv".into(),
            bytes: forecast::compare_table(names, &forecast::ACTUAL_METRICS, &cells).finish(),
        },
        OutFile {
            name: "compare_reps.csv".into(),
            bytes: forecast::compare_reps(plan0, roster, names, &pays, "pay").finish(),
        },
    ];
    let plans: Vec<&crate::plan::Plan> = all.iter().map(|i| &i.plan.plan).collect();
    out_files.extend(super::sim_charts::compare(
        &plans,
        &all[0].plan.cal,
        roster,
        names,
        &pays,
        true,
    )?);
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(format!("compare-{}-actual", names.join("-vs-"))));
    let mut stamps = base.stamps.clone();
    stamps.extend(others.iter().map(|i| i.plan.stamp.clone()));
    write("compare", &out_dir, out_files, &base, stamps, &args.argv)?;
    println!(
        "{} plans on the actual year of {} reps ({})",
        names.len(),
        roster.reps.len(),
        out_dir.display()
    );
    print_metrics(names, &forecast::ACTUAL_METRICS, &cells);
    print_changes(names, plan0, roster, &pays, &incentives, "earn");
    print_notes(&base.problems.notes);
    warnings.extend(base.problems.warnings.iter().cloned());
    print_warnings(&warnings);
    Ok(())
}

/// The metric × plan table on stdout.
fn print_metrics(names: &[String], metrics: &[&str], cells: &[Vec<String>]) {
    let mut header: Vec<&str> = vec!["metric"];
    header.extend(names.iter().map(String::as_str));
    let rows: Vec<Vec<String>> = metrics
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut r = vec![m.to_string()];
            r.extend(cells.iter().map(|c| c[i].clone()));
            r
        })
        .collect();
    print!("{}", text::table(&header, &rows, 1));
}
