//! `fuerza quota`, `fuerza capacity` and `fuerza recruit`: planning the year.

use super::{inputs, print_notes, print_warnings, Failure};
use crate::diag::Diagnostic;
use crate::output::csv::{Cell, CsvDoc};
use crate::output::manifest::Manifest;
use crate::output::text::table;
use crate::output::OutFile;
use crate::planning::{balance, capacity, quota, recruit};
use crate::units::{fmt_money, fmt_money_human, fmt_pct};
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

/// Runs `quota`: allocates the goal, writes quotas.csv, prints the allocation and the balance.
pub fn run_quota(plan_path: &Path, data: Option<&Path>, out: Option<PathBuf>) -> Result<(), Failure> {
    let plan = inputs::load_plan(plan_path)?;
    let dir = inputs::data_dir(data, &plan);
    let mut warnings = plan.warnings.clone();
    let inp = inputs::load(plan, &dir, false)?;
    let (p, cal, roster) = (&inp.plan.plan, &inp.plan.cal, &inp.roster);
    let alloc = quota::allocate(p, roster, cal, &inp.ledger.prior_year)?;

    let mut doc = CsvDoc::new(&["rep_id", "period", "quota"]);
    for rq in &alloc.reps {
        for (k, q) in rq.periods.iter().enumerate() {
            doc.row(&[
                Cell::Text(&roster.reps[rq.rep].id),
                Cell::Text(cal.label(k)),
                Cell::Num(fmt_money(*q)),
            ]);
        }
    }
    let quotas = doc.finish();
    let guard = super::guard(&inp.stamps, Some(&dir));
    let out = out.unwrap_or_else(|| super::default_out(plan_path, "-quota"));
    // `--out FILE.csv` writes that one file; `--out FOLDER` a run folder.
    let file_mode = out.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let target = if file_mode { out.clone() } else { out.join("quotas.csv") };
    let mut out_files = vec![OutFile {
        name: "quotas.csv".into(),
        bytes: quotas,
    }];
    if !p.territories.is_empty() && !file_mode {
        let (bal, _) = balance::balance(p, roster);
        let svg = crate::chart::theme::svg(&crate::chart::planning::BalanceChart(&bal))
            .map_err(|e| Diagnostic::error(e.to_string()))?;
        out_files.push(OutFile {
            name: "charts/territory-balance.svg".into(),
            bytes: svg.into_bytes(),
        });
    }
    if file_mode {
        crate::output::folder::publish_file(&target, &out_files[0].bytes, &guard)?;
        if !p.territories.is_empty() {
            print_notes(&[format!(
                "the territory-balance chart is written only with --out FOLDER (this run wrote the one file {})",
                target.display()
            )]);
        }
    } else {
        let argv: Vec<String> = std::env::args().skip(1).collect();
        super::publish(
            &out,
            out_files,
            Manifest::new("quota", argv, inp.stamps.clone()),
            &guard,
        )?;
    }

    let goal = p.goal.annual.unwrap_or_default();
    println!(
        "{}: goal {} × (1 + over-assignment {}) = {} {} allocated by {} to {} rep(s); written to {}",
        p.name,
        fmt_money_human(goal),
        fmt_pct(p.goal.over_assign),
        fmt_money_human(alloc.total),
        p.currency,
        format!("{:?}", p.goal.allocation).to_lowercase(),
        alloc.reps.len(),
        target.display()
    );
    let rows: Vec<Vec<String>> = alloc
        .territories
        .iter()
        .map(|t| {
            vec![
                t.id.clone(),
                fmt_pct(t.share.round_dp(4)),
                t.reps.len().to_string(),
                format!("{:.2}", t.capacity.round_dp(2)),
                fmt_money_human(t.quota),
                if t.capacity.is_zero() {
                    String::new()
                } else {
                    fmt_money_human(p.rounding.money(t.quota / t.capacity))
                },
            ]
        })
        .collect();
    print!(
        "{}",
        table(
            &["territory", "share", "reps", "rep-years", "quota", "quota per rep-year"],
            &rows,
            1
        )
    );
    let sum: Decimal = alloc.reps.iter().flat_map(|r| r.periods.iter()).sum();
    println!(
        "rep quotas sum to {} (allocated total {})",
        fmt_money_human(sum),
        fmt_money_human(alloc.total)
    );

    if !p.territories.is_empty() {
        let (bal, cv) = balance::balance(p, roster);
        println!("\nTerritory balance (index 100 = the mean over territories; * = more than 20% off)");
        let rows: Vec<Vec<String>> = bal
            .iter()
            .map(|b| {
                let opt = |x: Option<Decimal>| x.map(fmt_money_human).unwrap_or_default();
                vec![
                    format!("{}{}", b.id, if b.off { " *" } else { "" }),
                    b.reps.to_string(),
                    opt(b.potential_per_rep),
                    b.potential_index.map(|i| i.to_string()).unwrap_or_default(),
                    b.accounts_per_rep
                        .map(|a| a.round_dp(1).to_string())
                        .unwrap_or_default(),
                    b.accounts_index.map(|i| i.to_string()).unwrap_or_default(),
                ]
            })
            .collect();
        print!(
            "{}",
            table(
                &["territory", "reps", "potential/rep", "index", "accounts/rep", "index"],
                &rows,
                1
            )
        );
        if let Some(cv) = cv {
            println!("coefficient of variation of potential per rep: {:.3}", cv);
        }
        for b in bal.iter().filter(|b| b.off) {
            warnings.push(Diagnostic::warning(format!(
                "territory {} is more than 20% away from the mean workload",
                b.id
            )));
        }
    }
    warnings.extend(balance::span_of_control(p, roster));
    warnings.extend(alloc.warnings);
    print_notes(&inp.problems.notes);
    print_warnings(&warnings);
    Ok(())
}

/// Runs `capacity`: the month-by-month cohort model and the hires to start;
/// writes `charts/capacity.svg` and manifest.json to the folder `out` (default out/<plan file stem>-capacity).
pub fn run_capacity(plan_path: &Path, data: Option<&Path>, out: Option<PathBuf>) -> Result<(), Failure> {
    let plan = inputs::load_plan(plan_path)?;
    let dir = inputs::data_dir(data, &plan);
    let inp = inputs::load(plan, &dir, false)?;
    let (p, cal, roster) = (&inp.plan.plan, &inp.plan.cal, &inp.roster);
    if p.capacity.is_none() {
        return Err(Diagnostic::error("the plan has no [capacity] section")
            .with_help("add [capacity] with productivity (annual credit of a ramped rep, or \"85%\" of quota), attrition and hire_lead_months")
            .into());
    }
    let Some(cp) = capacity::plan_capacity(p, roster, cal) else {
        return Err(
            Diagnostic::error("no scheme to plan capacity with: name one with [capacity] scheme = \"...\"").into(),
        );
    };
    let out_dir = out.unwrap_or_else(|| super::default_out(plan_path, "-capacity"));
    let chart = crate::chart::planning::CapacityChart {
        plan: &cp,
        currency: &p.currency,
    };
    let svg = crate::chart::theme::svg(&chart).map_err(|e| Diagnostic::error(e.to_string()))?;
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let files = vec![OutFile {
        name: "charts/capacity.svg".into(),
        bytes: svg.into_bytes(),
    }];
    let guard = super::guard(&inp.stamps, Some(&dir));
    super::publish(
        &out_dir,
        files,
        Manifest::new("capacity", argv, inp.stamps.clone()),
        &guard,
    )?;
    let money = |x: f64| fmt_money_human(Decimal::from_f64(x).unwrap_or_default().round_dp(0));
    println!(
        "{}: scheme {}, a ramped rep sells {} a year; monthly attrition {:.2}%",
        p.name,
        cp.scheme,
        money(cp.productivity),
        cp.monthly_attrition * 100.0
    );
    let rows: Vec<Vec<String>> = cp
        .months
        .iter()
        .map(|m| {
            vec![
                format!("M{:02} ({})", m.month + 1, cal_month_start(cal, m.month)),
                format!("{:.2}", m.headcount),
                format!("{:.2}", m.ramped),
                money(m.capacity),
                money(m.goal),
                if m.hires > 0 {
                    m.hires.to_string()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    print!(
        "{}",
        table(
            &["month", "headcount", "ramped", "capacity", "goal", "hires to start"],
            &rows,
            1
        )
    );
    println!(
        "annual capacity {} without hires, {} with {} hire(s) starting in M{:02}; goal {}",
        money(cp.base_capacity),
        money(cp.capacity),
        cp.hires,
        cp.first_hire_month + 1,
        money(cp.goal)
    );
    if cp.hires > 0 {
        println!("{} is the fewest: one hire fewer leaves capacity below the goal (hires start no earlier than M{:02}, the hiring lead time)", cp.hires, cp.first_hire_month + 1);
    }
    print_notes(&inp.problems.notes);
    print_warnings(&Vec::from_iter(cp.shortfall_warning()));
    Ok(())
}

fn cal_month_start(cal: &crate::calendar::Calendar, m: usize) -> String {
    let d = cal
        .start()
        .checked_add_months(chrono::Months::new(m as u32))
        .unwrap_or(cal.start());
    d.format("%b %Y").to_string()
}

/// Runs `recruit`: scores and ranks the candidates, explaining each score.
pub fn run_recruit(plan_path: &Path, candidates: &Path) -> Result<(), Failure> {
    let plan = inputs::load_plan(plan_path)?;
    let p = &plan.plan;
    let Some(profile) = &p.recruiting else {
        return Err(Diagnostic::error("the plan has no [recruiting] section")
            .with_help("add [recruiting] traits = { ego_strength = 0.25, confidence = 0.2, ... } (weights summing to 1) and min_score")
            .into());
    };
    let shown = candidates.display().to_string();
    let f = inputs::open_regular(candidates)?;
    let cands = recruit::score(&shown, std::io::BufReader::new(f), profile)?;
    let rows: Vec<Vec<String>> = cands
        .iter()
        .map(|c| {
            let mut row = vec![
                c.rank.to_string(),
                c.id.clone(),
                c.name.clone(),
                c.score.round_dp(2).to_string(),
            ];
            row.push(if c.below_min {
                "below minimum".into()
            } else {
                String::new()
            });
            row.push(
                c.parts
                    .iter()
                    .map(|(t, s, w, _)| format!("{t} {s}×{w}"))
                    .collect::<Vec<_>>()
                    .join(" + "),
            );
            row
        })
        .collect();
    println!(
        "{}: {} candidate(s) scored against {} trait(s){}",
        p.name,
        cands.len(),
        profile.traits.len(),
        profile.min_score.map(|m| format!("; minimum {m}")).unwrap_or_default()
    );
    print!(
        "{}",
        table(
            &[
                "rank",
                "candidate",
                "name",
                "score",
                "",
                "score = Σ trait score × weight"
            ],
            &rows,
            3
        )
    );
    for g in recruit::ties(&cands) {
        let who: Vec<String> = g.iter().map(|c| format!("{} ({})", c.name, c.id)).collect();
        println!(
            "tie at rank {}: {} all score {}; break it by interview",
            g[0].rank,
            who.join(", "),
            g[0].score.round_dp(2)
        );
    }
    Ok(())
}
