//! `fuerza check`: validate a plan and its data, print a one-screen summary.

use super::{inputs, print_notes, print_warnings, Failure};
use crate::diag::Diagnostic;
use crate::plan::Plan;
use crate::report::target::{self, OnTarget};
use crate::units::{fmt_money_human, fmt_pct};
use rust_decimal::Decimal;
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
    let src = std::fs::read_to_string(&inp.plan.path).unwrap_or_default();
    let shown = inp.plan.path.display().to_string();
    for t in target::on_target(p, &inp.plan.cal).iter().filter(|t| t.off()) {
        warnings.push(off_target(p, t, &src, &shown));
    }
    print_notes(&inp.problems.notes);
    print_warnings(&warnings);
    Ok(())
}

/// The warning for a scheme whose pay at 100% is off its target incentive,
/// located at the scheme's `target_incentive` in the plan file.
fn off_target(plan: &Plan, t: &OnTarget, src: &str, file: &str) -> Diagnostic {
    let s = &plan.schemes[t.scheme];
    let side = if t.gap < Decimal::ZERO { "below" } else { "above" };
    let mut help = format!(
        "at exactly 100% attainment in every period the components pay {} a year: set target_incentive to that, or change the rates so that on-target pay is the target",
        fmt_money_human(t.pay)
    );
    let at_least = if t.not_counted.is_empty() {
        ""
    } else {
        help.push_str(&format!(
            "; {} would add to it (not counted: they do not follow the rep's own attainment)",
            t.not_counted.join(", ")
        ));
        "at least "
    };
    let d = Diagnostic::warning(format!(
        "scheme {} pays {at_least}{} at 100% attainment against a target_incentive of {}: {} {side} target",
        s.id,
        fmt_money_human(t.pay),
        fmt_money_human(t.target),
        fmt_pct(t.gap.abs().round_dp(3))
    ))
    .in_file(file)
    .with_help(help);
    match target_line(src, t.scheme) {
        Some((line, col, text)) => d.at(line, col).with_source(text),
        None => d,
    }
}

/// Where `target_incentive` of the plan's `i`-th `[[schemes]]` table is written.
fn target_line(src: &str, i: usize) -> Option<(usize, usize, String)> {
    let (doc, _) = toml::de::DeTable::parse_recoverable(src);
    let toml::de::DeValue::Array(schemes) = doc.get_ref().get("schemes")?.get_ref() else {
        return None;
    };
    let toml::de::DeValue::Table(t) = schemes.get(i)?.get_ref() else {
        return None;
    };
    let (key, _) = t.get_key_value("target_incentive")?;
    Some(crate::diag::line_col(src, key.span().start))
}
