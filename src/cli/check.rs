//! `fuerza check`: validate a plan and its data, print a one-screen summary.

use super::{inputs, print_notes, print_warnings, Failure};
use std::path::Path;

/// Runs `check`.
pub fn run(plan_path: &Path, data: Option<&Path>) -> Result<(), Failure> {
    let plan = inputs::load_plan(plan_path)?;
    let dir = inputs::data_dir(data, &plan);
    let mut warnings = plan.warnings.clone();
    let inp = inputs::load(plan, &dir, false)?;
    super::quirks::require_plan_year(&inp)?;
    warnings.extend(inp.problems.warnings.iter().cloned());
    let p = &inp.plan.plan;
    println!(
        "plan {:?} is valid: {} scheme(s), {} period(s) from {}, currency {}",
        p.name,
        p.schemes.len(),
        inp.plan.cal.periods(),
        p.year_start,
        p.currency
    );
    for s in &p.schemes {
        let n = inp
            .roster
            .reps
            .iter()
            .filter(|r| p.schemes[r.scheme].id == s.id)
            .count();
        let kinds: Vec<&str> = s.components.iter().map(|c| c.kind.kind_name()).collect();
        println!(
            "  scheme {:<12} {:>4} rep(s)  quota {:>16}  OTE {:>14}  components: {}",
            s.id,
            n,
            crate::units::fmt_money_human(s.quota),
            crate::units::fmt_money_human(s.ote()),
            kinds.join(", ")
        );
    }
    for st in &inp.stamps[1..] {
        println!("  {:<40} {:>9} row(s)", st.file, st.rows);
    }
    let o = &inp.ledger.outside;
    if o.before + o.after > 0 {
        println!(
            "  deals outside the plan year: {} before, {} after (counted, not paid on)",
            o.before, o.after
        );
    }
    println!("data is valid");
    print_notes(&inp.problems.notes);
    print_warnings(&warnings);
    Ok(())
}
