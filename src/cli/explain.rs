//! `fuerza explain`: one rep's statement, line by line.

use super::{inputs, Failure};
use crate::diag::Diagnostic;
use std::path::Path;

/// Runs `explain`; with `deals`, each period lists the deal rows behind its credit.
pub fn run(
    plan_path: &Path,
    rep_id: &str,
    period: Option<&str>,
    data: Option<&Path>,
    deals: bool,
) -> Result<(), Failure> {
    let plan = inputs::load_plan(plan_path)?;
    let dir = inputs::data_dir(data, &plan);
    let mut credits = crate::output::credits::Credits::keeping(rep_id);
    let inp = if deals {
        inputs::load_with(plan, &dir, false, &mut credits)?
    } else {
        inputs::load(plan, &dir, false)?
    };
    super::quirks::require_plan_year(&inp)?;
    let (p, cal, roster) = (&inp.plan.plan, &inp.plan.cal, &inp.roster);
    let Some(r) = roster.find(rep_id) else {
        let mut ids: Vec<&str> = roster.reps.iter().map(|r| r.id.as_str()).collect();
        ids.truncate(20);
        return Err(Diagnostic::error(format!("no rep with id {rep_id:?} in reps.csv"))
            .with_help(format!("some rep ids: {}", ids.join(", ")))
            .into());
    };
    let only = match period {
        None => None,
        Some(label) => Some(cal.period_index(label).ok_or_else(|| {
            let labels: Vec<&str> = (0..cal.periods()).map(|i| cal.label(i)).collect();
            Diagnostic::error(format!("unknown period {label:?}"))
                .with_help(format!("this plan's periods: {}", labels.join(", ")))
        })?),
    };
    let ev = crate::comp::try_evaluate(p, roster, cal, &inp.ledger, &inp.quotas)?;
    print!(
        "{}",
        crate::output::text::explain(
            p,
            cal,
            &roster.reps[r],
            &ev.reps[r],
            only,
            deals
                .then_some(crate::output::text::DealsShown {
                    rows: credits.kept(),
                    reps: &roster.reps,
                })
                .as_ref()
        )
    );
    super::print_notes(&inp.problems.notes);
    Ok(())
}
