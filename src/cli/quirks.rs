//! Noticing what a real export gets wrong, and saying so (never fixing it silently).

use super::inputs::{Inputs, PlanInput};
use super::Failure;
use crate::comp::Evaluation;
use crate::credit::Ledger;
use crate::data::{quotas::Quotas, Opp, Problems, Roster};
use crate::diag::Diagnostic;
use crate::plan::{ComponentKind, Plan};
use std::collections::BTreeSet;
use std::path::Path;

/// Fails a run that pays or reports the plan year when deals.csv has deal rows
/// and none closes inside the plan year (a wrong `year_start`, say 2027 for
/// 2026 data, would otherwise pay everyone 0.00): the error names the plan
/// year and the dates the data cover. `evaluate` and `check` call it after
/// loading; the commands that read deals as history (`simulate`, `compare`,
/// `quota`'s history allocation, `capacity`) do not, since a data set wholly
/// before the plan year is how one plans or forecasts the next year.
pub fn require_plan_year(inp: &Inputs) -> Result<(), Failure> {
    match outside_plan_year(&inp.plan, deals_file(inp).unwrap_or("deals.csv"), &inp.ledger) {
        Some(d) => Err(d.into()),
        None => Ok(()),
    }
}

/// The error of [`require_plan_year`], if there is one.
fn outside_plan_year(plan: &PlanInput, deals_file: &str, ledger: &Ledger) -> Option<Diagnostic> {
    let c = &ledger.closes;
    let (first, last) = (c.first?, c.last?);
    if c.in_year(&ledger.outside) > 0 {
        return None;
    }
    let (start, end) = (plan.cal.start(), plan.cal.end());
    let covers = if first == last {
        format!("on {first}")
    } else {
        format!("from {first} to {last}")
    };
    Some(
        Diagnostic::error(format!(
            "no deal closes inside the plan year {start} to {end}: the {} deal row(s) close {covers}",
            c.rows
        ))
        .with_code("deals.none-in-plan-year")
        .in_file(deals_file)
        .at(1, 1)
        .with_help(format!(
            "is year_start right? {} starts the plan year on {start}",
            plan.path.display()
        )),
    )
}

/// A note that quotas.csv replaces the plan's scheme quotas, saying for how many (rep, period)s.
pub fn quotas_note(file: &str, quotas: &Quotas, problems: &mut Problems) {
    if quotas.is_empty() {
        return;
    }
    let reps: BTreeSet<usize> = quotas.keys().map(|(r, _)| *r).collect();
    problems.notes.push(format!(
        "{file}: {} quota(s) for {} rep(s) replace the plan's scheme quotas (as given: no ramp, seasonality or proration)",
        quotas.len(),
        reps.len()
    ));
}

/// Every warning of an `evaluate` run, once, in the order stderr shows them:
/// the plan's, the deals outside the plan year, the cancellations not clawed
/// back, the rows skipped (`rejects` is where they are listed, with
/// `--lenient`), the data's, then the engine's. stderr, report.html and
/// `--format json` all render this one list.
pub fn run_warnings(
    plan_warnings: &[Diagnostic],
    inp: &Inputs,
    ev: &Evaluation,
    rejects: Option<&Path>,
) -> Vec<Diagnostic> {
    let mut warnings = plan_warnings.to_vec();
    let o = &inp.ledger.outside;
    let in_deals = |d: Diagnostic| match deals_file(inp) {
        Some(f) => d.in_file(f),
        None => d,
    };
    if o.before + o.after > 0 {
        warnings.push(in_deals(Diagnostic::warning(format!(
            "{} deal row(s) closed outside the plan year ({} before, {} after): counted, not paid on",
            o.before + o.after,
            o.before,
            o.after
        ))));
    }
    if o.cancel_after_year + o.cancel_past_window > 0 {
        warnings.push(in_deals(Diagnostic::warning(format!(
            "{} cancelled deal row(s) not clawed back ({} past the window, {} cancelled after the plan year)",
            o.cancel_after_year + o.cancel_past_window,
            o.cancel_past_window,
            o.cancel_after_year
        ))));
    }
    if let Some(path) = rejects.filter(|_| !inp.problems.rejects.is_empty()) {
        warnings.push(Diagnostic::warning(format!(
            "{} bad row(s) skipped: see {}",
            inp.problems.rejects.len(),
            path.display()
        )));
    }
    warnings.extend(inp.problems.warnings.iter().cloned());
    warnings.extend(ev.warnings.iter().cloned());
    summarise_warnings(warnings)
}

/// Warnings of one code shown in full; the rest are one summary line.
pub const SHOWN_WARNINGS_PER_CODE: usize = 5;

/// One warning repeated for many reps is shown for the first few, then counted
/// once (a year-end balance for 4,000 reps is one finding, not 4,000 lines).
pub fn summarise_warnings(warnings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    let mut out = Vec::with_capacity(warnings.len().min(256));
    for w in warnings {
        let Some(code) = w.code.clone() else {
            out.push(w);
            continue;
        };
        let n = seen.entry(code).or_default();
        *n += 1;
        if *n <= SHOWN_WARNINGS_PER_CODE {
            out.push(w);
        }
    }
    for (code, n) in seen {
        if n > SHOWN_WARNINGS_PER_CODE {
            out.push(
                Diagnostic::warning(format!(
                    "... and {} more warning(s) like the {SHOWN_WARNINGS_PER_CODE} above ({n} in all)",
                    n - SHOWN_WARNINGS_PER_CODE
                ))
                .with_code(code),
            );
        }
    }
    out
}

/// The deals file as the run named it: the first input stamp after the plan
/// with the deals mapping's file name (deals.csv unless `[data.deals] file`).
fn deals_file(inp: &Inputs) -> Option<&str> {
    let name = inp
        .plan
        .plan
        .data_map
        .deals
        .as_ref()
        .and_then(|m| m.file.as_deref())
        .unwrap_or("deals.csv");
    let name = Path::new(name).file_name()?;
    inp.stamps
        .iter()
        .skip(1)
        .map(|s| s.file.as_str())
        .find(|f| Path::new(f).file_name() == Some(name))
}

/// Warnings as JSON: `message`, `file`, `line`, `column` and `help` (null when not known).
pub fn warnings_json(warnings: &[Diagnostic]) -> serde_json::Value {
    warnings
        .iter()
        .map(|w| {
            serde_json::json!({
                "message": w.message,
                "file": w.file,
                "line": w.line,
                "column": w.column,
                "help": w.help,
            })
        })
        .collect()
}

/// Adds warnings for products the plan names that no deal has (with the closest
/// product that does), and for reps without any opportunity when a pipeline was given.
pub fn report(plan: &Plan, roster: &Roster, ledger: &Ledger, opps: &[Opp], problems: &mut Problems) {
    let seen: BTreeSet<&str> = ledger.products().collect();
    let mut named: BTreeSet<&str> = BTreeSet::new();
    for s in &plan.schemes {
        named.extend(s.products.keys().map(String::as_str));
        for c in &s.components {
            let filter = match &c.kind {
                ComponentKind::Commission { filter, .. } | ComponentKind::Spiff { filter, .. } => filter,
                _ => continue,
            };
            named.extend(filter.products.iter().flatten().map(String::as_str));
        }
    }
    if !seen.is_empty() {
        for p in named.into_iter().filter(|p| !seen.contains(p)) {
            let near = seen.iter().find(|s| squash(s) == squash(p));
            let help = match near {
                Some(s) => format!(
                    "the deals call it {s:?}: the export spells this product two ways; correct the plan or the data"
                ),
                None => format!(
                    "products in the deals: {}",
                    crate::diag::some_of(&seen.iter().copied().collect::<Vec<_>>(), 20)
                ),
            };
            problems
                .warn(Diagnostic::warning(format!("the plan names product {p:?}, which no deal has")).with_help(help));
        }
    }
    if !opps.is_empty() {
        let mut with: Vec<bool> = vec![false; roster.reps.len()];
        for o in opps {
            with[o.rep] = true;
        }
        let idle: Vec<&str> = roster
            .reps
            .iter()
            .zip(&with)
            .filter(|(r, w)| !**w && roster.reports[roster.find(&r.id).unwrap_or(0)].is_empty())
            .map(|(r, _)| r.id.as_str())
            .collect();
        if !idle.is_empty() {
            problems.warn(Diagnostic::warning(format!(
                "{} rep(s) have no opportunities: {}",
                idle.len(),
                crate::diag::some_of(&idle, 20)
            )));
        }
    }
}

/// A product name without spaces, dashes or case, to spot the same product spelt two ways.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The note a forecast gives when the data holds manual adjustments: they are
/// the actual year's pay, not part of what is forecast.
pub fn adjustments_note(inp: &super::inputs::Inputs) -> Option<String> {
    let n = inp.ledger.adjustments.len();
    (n > 0).then(|| {
        format!(
            "{n} adjustment(s) of {} are actual pay of the year, not forecast: the trials leave them out",
            crate::data::adjustments::FILE
        )
    })
}

/// A forecast pays every rep under one assignment: with assignments.csv, the
/// roster is its reps.csv rows, and a note says so.
pub fn forecast_roster(inp: &mut super::inputs::Inputs) {
    if inp.roster.dated() {
        let changed = inp.roster.segs.len() - inp.roster.reps.len();
        inp.roster = inp.roster.undated();
        inp.problems.notes.push(format!(
            "{} holds {changed} assignment change(s): the forecast pays every rep under its reps.csv row all year (evaluate pays them as dated)",
            crate::data::assignments::FILE
        ));
    }
}
