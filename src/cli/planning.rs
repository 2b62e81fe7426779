//! `fuerza quota`, `fuerza capacity` and `fuerza recruit`: planning the year.

use super::{inputs, print_notes, print_warnings, Failure};
use crate::diag::Diagnostic;
use crate::output::csv::{Cell, CsvDoc};
use crate::output::text::table;
use crate::output::{files, OutFile};
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
    let target = out.unwrap_or_else(|| super::evaluate::default_out(plan_path).join("quotas.csv"));
    let (dir_out, name) = split_target(&target)?;
    let mut out_files = vec![OutFile {
        name,
        bytes: doc.finish(),
    }];
    if !p.territories.is_empty() {
        let (bal, _) = balance::balance(p, roster);
        let svg = crate::chart::theme::svg(&crate::chart::planning::BalanceChart(&bal))
            .map_err(|e| Diagnostic::error(e.to_string()))?;
        out_files.push(OutFile {
            name: "charts/territory-balance.svg".into(),
            bytes: svg.into_bytes(),
        });
    }
    files::write_all(&dir_out, &out_files).map_err(|e| {
        Diagnostic::error(format!("cannot write quotas.csv: {e}")).in_file(target.display().to_string())
    })?;

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

/// The folder and file name of an output path.
fn split_target(target: &Path) -> Result<(PathBuf, String), Failure> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Diagnostic::error(format!("--out {} is not a file path", target.display())))?;
    Ok((target.parent().map(Path::to_path_buf).unwrap_or_default(), name))
}

/// Runs `capacity`: the month-by-month cohort model and the hires to start;
/// writes `charts/capacity.svg` under `out` (default out/<plan file stem>).
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
    let out_dir = out.unwrap_or_else(|| super::evaluate::default_out(plan_path));
    let chart = crate::chart::planning::CapacityChart {
        plan: &cp,
        currency: &p.currency,
    };
    let svg = crate::chart::theme::svg(&chart).map_err(|e| Diagnostic::error(e.to_string()))?;
    files::write_all(
        &out_dir,
        &[OutFile {
            name: "charts/capacity.svg".into(),
            bytes: svg.into_bytes(),
        }],
    )
    .map_err(|e| Diagnostic::error(format!("cannot write the chart: {e}")).in_file(out_dir.display().to_string()))?;
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
    let f = std::fs::File::open(candidates)
        .map_err(|e| Diagnostic::error(format!("cannot open: {e}")).in_file(shown.clone()))?;
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
