//! What `evaluate` writes for people: charts, scorecard.csv, report.html and,
//! on request, one statement file per rep. Everything is built in memory and
//! returned as output files, so `evaluate` writes it atomically with the rest.

use super::inputs::Inputs;
use super::Failure;
use crate::chart::{self, ChartData};
use crate::comp::Evaluation;
use crate::diag::Diagnostic;
use crate::funnel::Fracture;
use crate::output::html::{self, Figure};
use crate::output::{names, OutFile};
use crate::report::series::{self, PayoutCurve, RepDot};

/// One run's results, as `evaluate` computed them.
pub struct Run<'a> {
    /// The loaded inputs.
    pub inputs: &'a Inputs,
    /// Pay.
    pub ev: &'a Evaluation,
    /// Flagged fractures.
    pub fractures: &'a [Fracture],
    /// Also write PNG charts.
    pub png: bool,
    /// Also write statements/<rep>.html.
    pub statements: bool,
    /// Every warning of the run, as stderr shows them (report.html lists them too).
    pub warnings: &'a [Diagnostic],
    /// The schemes whose payout curves are drawn (`series::busiest_schemes`).
    pub curve_schemes: &'a [usize],
}

fn chart_failed(e: chart::ChartError) -> Failure {
    Diagnostic::error(format!("cannot draw the charts: {e}")).into()
}

/// The curve of `curve`'s scheme with only one rep's dot.
fn own_curve(curve: &PayoutCurve, dot: RepDot) -> PayoutCurve {
    PayoutCurve {
        reps: vec![dot],
        ..curve.clone()
    }
}

/// Builds charts/, scorecard.csv, report.html and (with `statements`) statements/.
pub fn outputs(run: &Run) -> Result<Vec<OutFile>, Failure> {
    let inp = run.inputs;
    let (plan, cal, roster) = (&inp.plan.plan, &inp.plan.cal, &inp.roster);
    let ev = run.ev;
    let data = ChartData::build(plan, cal, roster, &inp.ledger, ev, &inp.opps, run.curve_schemes);
    let rendered = chart::render_kinds(&data, &chart::ALL, run.png).map_err(chart_failed)?;
    let mut out = super::chart::chart_files(&rendered);

    let scorecard = crate::report::scorecard(plan, roster, ev, &inp.ledger.relationship, run.fractures);
    out.push(OutFile {
        name: "scorecard.csv".into(),
        bytes: crate::output::scorecard::scorecard(plan, roster, &scorecard).finish(),
    });

    let ids: Vec<&str> = roster.reps.iter().map(|r| r.id.as_str()).collect();
    let stems = names::file_stems(&ids);
    let figures: Vec<Figure> = rendered
        .iter()
        .map(|r| Figure {
            title: r.title.clone(),
            caption: r.caption.clone(),
            svg: r.svg.clone(),
        })
        .collect();
    let summary = crate::report::summary(plan, roster, cal, ev);
    let report = html::Report {
        plan,
        cal,
        roster,
        ev,
        summary: &summary,
        scorecard: &scorecard,
        fractures: run.fractures,
        figures: &figures,
        stems: &stems,
        warnings: run.warnings,
    };
    out.push(OutFile {
        name: "report.html".into(),
        bytes: html::report(&report).into_bytes(),
    });

    if run.statements {
        for rp in &ev.reps {
            let rep = &roster.reps[rp.rep];
            let scheme_id = &plan.schemes[rep.scheme].id;
            let curve = match (
                data.curves.iter().find(|c| &c.scheme_id == scheme_id),
                series::year_attainment(rp),
            ) {
                (Some(c), Some(a)) => {
                    let mine = own_curve(
                        c,
                        RepDot {
                            name: rep.name.clone(),
                            attainment: a,
                            incentive: rp.total(|p| p.incentive_paid),
                            total: rp.total(|p| p.total_pay),
                        },
                    );
                    let r = chart::render_curve(&mine).map_err(chart_failed)?;
                    Some(Figure {
                        title: format!("Where you are on your plan: {}", c.scheme_name),
                        caption: "The line is what your scheme pays over the year at each attainment; the dots are your own year.".into(),
                        svg: r.svg,
                    })
                }
                _ => None,
            };
            out.push(OutFile {
                name: format!("statements/{}.html", stems[rp.rep]),
                bytes: html::statement_page(&report, rp.rep, curve.as_ref()).into_bytes(),
            });
        }
    }
    Ok(out)
}
