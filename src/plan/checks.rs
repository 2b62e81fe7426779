//! Semantic checks of a plan: small named functions in one list.
//!
//! Each check reads the draft (model + spans) and records located errors; a
//! new rule is one more function in `CHECKS`.

use super::doc::{Ctx, Span};
use super::load::Draft;
use super::model::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One named check.
pub type Check = fn(&mut Draft, &mut Ctx);

/// Every check, in the order they run, with the code of the errors it records.
pub const CHECKS: &[(&str, Check)] = &[
    ("plan.duplicate-id", duplicate_ids),
    ("plan.unknown-region", territory_regions),
    ("plan.seasonality", seasonality),
    ("plan.blend-weights", blend),
    ("plan.tiers-order", tiers),
    ("plan.curve-order", curves),
    ("plan.spiff-window", spiff_windows),
    ("plan.duplicate-component", component_names),
    ("plan.process-stages", process),
    ("plan.unknown-scheme", capacity_scheme),
    ("plan.per-deal-team", per_deal_team),
];

/// Runs every check.
pub fn run(draft: &mut Draft, ctx: &mut Ctx) {
    for (code, check) in CHECKS {
        ctx.code = code;
        check(draft, ctx);
    }
    ctx.code = "plan.invalid";
}

fn dups<'a>(ctx: &mut Ctx, what: &str, items: impl Iterator<Item = (&'a str, &'a Span)>) {
    let mut seen: BTreeMap<&str, &Span> = BTreeMap::new();
    for (id, span) in items {
        if let Some(first) = seen.get(id) {
            ctx.error_help(
                span,
                format!("duplicate {what} id {id:?}"),
                format!(
                    "ids must be unique; {id:?} is already used on line {}",
                    ctx.line_of(first)
                ),
            );
        } else {
            seen.insert(id, span);
        }
    }
}

fn duplicate_ids(d: &mut Draft, ctx: &mut Ctx) {
    let p = &d.plan;
    dups(
        ctx,
        "scheme",
        p.schemes.iter().map(|s| s.id.as_str()).zip(d.spans.schemes.iter()),
    );
    dups(
        ctx,
        "region",
        p.regions.iter().map(|s| s.id.as_str()).zip(d.spans.regions.iter()),
    );
    dups(
        ctx,
        "territory",
        p.territories
            .iter()
            .map(|s| s.id.as_str())
            .zip(d.spans.territories.iter().map(|t| &t.0)),
    );
    dups(
        ctx,
        "stage",
        p.process.stages.iter().map(String::as_str).zip(d.spans.stages.iter()),
    );
}

fn territory_regions(d: &mut Draft, ctx: &mut Ctx) {
    for (t, (_, rspan)) in d.plan.territories.iter().zip(&d.spans.territories) {
        if let (Some(r), Some(span)) = (&t.region, rspan) {
            if !d.plan.regions.iter().any(|x| &x.id == r) {
                let known: Vec<&str> = d.plan.regions.iter().map(|x| x.id.as_str()).collect();
                ctx.error_help(
                    span,
                    format!("territory {:?} names unknown region {r:?}", t.id),
                    format!(
                        "known regions: {}",
                        if known.is_empty() {
                            "none (add [[regions]])".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                );
            }
        }
    }
}

fn seasonality(d: &mut Draft, ctx: &mut Ctx) {
    let n = d.plan.period.count();
    let Some(span) = d.spans.seasonality.clone() else {
        return;
    };
    let Some(s) = &d.plan.goal.seasonality else { return };
    if s.len() != n {
        ctx.error_help(
            &span,
            format!("`seasonality` has {} shares but the plan has {n} periods", s.len()),
            format!("give one share per {} ({n} in all), summing to 1", d.plan.period.name()),
        );
        d.plan.goal.seasonality = None;
        return;
    }
    let sum: Decimal = s.iter().sum();
    if (sum - Decimal::ONE).abs() > Decimal::new(1, 4) {
        ctx.error_help(
            &span,
            format!("`seasonality` shares sum to {sum}, not 1"),
            "the shares are fractions of the annual quota and must sum to 1 (±0.0001)",
        );
    }
}

fn blend(d: &mut Draft, ctx: &mut Ctx) {
    let g = &d.plan.goal;
    if g.allocation == Allocation::Blend && g.blend.is_none() && d.spans.blend.is_none() {
        let span = d.spans.seasonality.clone().unwrap_or(0..0);
        ctx.error_help(
            &span,
            "`allocation = \"blend\"` needs `blend = { potential = ..., history = ... }`",
            "add the blend weights to [goal]",
        );
    }
    if let (Some((p, h)), Some(span)) = (g.blend, &d.spans.blend) {
        if (p + h - Decimal::ONE).abs() > Decimal::new(1, 4) {
            ctx.error(span, format!("blend weights sum to {}, not 1", p + h));
        }
    }
}

fn tiers(d: &mut Draft, ctx: &mut Ctx) {
    for (s, spans) in d.plan.schemes.iter().zip(&d.spans.components) {
        for (c, cs) in s.components.iter().zip(spans) {
            let ComponentKind::Commission {
                tiers, above, basis, ..
            } = &c.kind
            else {
                continue;
            };
            if *basis == Basis::Attainment {
                // bound × quota must stay exact: quotas are below 10^15.
                let limit = Decimal::ONE_THOUSAND;
                let too_big = tiers
                    .iter()
                    .zip(&cs.points)
                    .find(|(t, _)| t.from > limit)
                    .map(|(_, sp)| sp.clone());
                let above_big = above.filter(|a| *a > limit).and(cs.above.clone());
                if let Some(span) = above_big.or(too_big) {
                    ctx.error_help(
                        &span,
                        "an attainment bound above 1000 (100,000% of quota) is implausible",
                        "attainment bounds are fractions of quota: 1.0 is 100%; use basis = \"amount\" for bounds in money",
                    );
                }
            }
            let start = above.unwrap_or(Decimal::ZERO);
            if let (Some(first), Some(span)) = (tiers.first(), cs.points.first()) {
                if first.from != start {
                    let msg = match above {
                        Some(a) => format!("the first tier must start at `above` = {a}, not {}", first.from),
                        None => format!("the first tier must start at 0, not {}", first.from),
                    };
                    ctx.error_help(
                        span,
                        msg,
                        "tiers cover the credit from their start upward; begin with { from = 0, rate = ... }",
                    );
                }
            }
            for (k, w) in tiers.windows(2).enumerate() {
                if w[1].from <= w[0].from {
                    if let Some(span) = cs.points.get(k + 1) {
                        ctx.error_help(
                            span,
                            format!(
                                "tier `from` values must strictly increase ({} after {})",
                                w[1].from, w[0].from
                            ),
                            "list tiers from the lowest bound to the highest",
                        );
                    }
                }
            }
        }
    }
}

fn curves(d: &mut Draft, ctx: &mut Ctx) {
    for (s, spans) in d.plan.schemes.iter().zip(&d.spans.components) {
        for (c, cs) in s.components.iter().zip(spans) {
            let ComponentKind::Bonus { curve, .. } = &c.kind else {
                continue;
            };
            for (k, w) in curve.windows(2).enumerate() {
                let Some(span) = cs.points.get(k + 1) else { continue };
                if w[1].0 <= w[0].0 {
                    ctx.error_help(
                        span,
                        format!("curve attainment must strictly increase ({} after {})", w[1].0, w[0].0),
                        "list the points from the lowest attainment to the highest",
                    );
                } else if w[1].1 < w[0].1 {
                    ctx.error_help(
                        span,
                        format!("curve payout must not decrease ({} after {})", w[1].1, w[0].1),
                        "a payout curve never pays less for more attainment",
                    );
                }
            }
        }
    }
}

fn spiff_windows(d: &mut Draft, ctx: &mut Ctx) {
    for (s, spans) in d.plan.schemes.iter().zip(&d.spans.components) {
        for (c, cs) in s.components.iter().zip(spans) {
            let span = cs.window.clone().unwrap_or(cs.table.clone());
            match &c.kind {
                ComponentKind::Spiff { from, to, .. } if to < from => {
                    ctx.error(&span, format!("spiff window ends ({to}) before it starts ({from})"));
                }
                ComponentKind::Contest { from, to, .. } => {
                    let start = d.plan.year_start;
                    let end = start.checked_add_months(chrono::Months::new(12)).unwrap_or(start);
                    if to < from {
                        ctx.error(&span, format!("contest window ends ({to}) before it starts ({from})"));
                    } else if *to < start || *to >= end {
                        ctx.error_help(
                            &span,
                            format!("contest window ends on {to}, outside the plan year"),
                            format!(
                                "a contest pays in the period its window ends: end it between {start} and {}",
                                end.pred_opt().unwrap_or(end)
                            ),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

/// A per-deal rule pays the rep's own deal rows: a scheme on team credit cannot have one.
fn per_deal_team(d: &mut Draft, ctx: &mut Ctx) {
    for (s, spans) in d.plan.schemes.iter().zip(&d.spans.components) {
        if s.credit == CreditScope::Own {
            continue;
        }
        for (c, cs) in s.components.iter().zip(spans) {
            if c.per_deal() {
                let span = cs.deal_limits.clone().unwrap_or(cs.table.clone());
                ctx.error_help(
                    &span,
                    format!(
                        "component {:?} pays deal by deal (`basis = \"deal\"` or `deal_limits`), but scheme {:?} is paid on team credit",
                        c.name, s.id
                    ),
                    "per-deal rules apply to a rep's own deals: use them in a scheme with credit = \"own\"",
                );
            }
        }
    }
}

fn component_names(d: &mut Draft, ctx: &mut Ctx) {
    for (s, spans) in d.plan.schemes.iter().zip(&d.spans.components) {
        let mut seen = BTreeMap::new();
        for (c, cs) in s.components.iter().zip(spans) {
            if seen.insert(c.name.as_str(), ()).is_some() {
                ctx.error_help(
                    &cs.name,
                    format!("scheme {:?} has two components named {:?}", s.id, c.name),
                    "statements show components by name; give each its own",
                );
            }
        }
    }
}

fn process(d: &mut Draft, ctx: &mut Ctx) {
    let p = &mut d.plan.process;
    if let Some((w, span)) = &d.spans.won_at {
        match p.stages.iter().position(|s| s == w) {
            Some(i) => p.won_at = i,
            None => ctx.error_help(
                span,
                format!("`won_at` names unknown stage {w:?}"),
                format!("stages: {}", p.stages.join(", ")),
            ),
        }
    } else if d.spans.stages.is_empty() {
        p.won_at = 5;
    } else {
        match p.stages.iter().position(|s| s == "close") {
            Some(i) => p.won_at = i,
            None => {
                let span = d.spans.stages[0].clone();
                ctx.error_help(
                    &span,
                    "the stages have no \"close\" stage, so `won_at` must be given",
                    "add won_at = \"<stage>\" to [process]",
                );
            }
        }
    }
    if let Some(span) = &d.spans.z {
        if p.z <= Decimal::ZERO || p.z > Decimal::TEN {
            ctx.error(span, "`z` must be above 0 (1.645 is one-sided 95%)");
        }
    }
    if let Some(span) = &d.spans.tolerance {
        if p.tolerance.is_sign_negative() || p.tolerance >= Decimal::ONE {
            ctx.error(span, "`tolerance` must be at least 0 and below 1");
        }
    }
    for (stage, span, v) in &d.spans.benchmarks {
        match p.stages.iter().position(|s| s == stage) {
            Some(0) => ctx.error(span, format!("no conversion leads into the first stage {stage:?}; a benchmark is the conversion into a later stage")),
            Some(i) => {
                p.benchmarks.insert(i, *v);
            }
            None => ctx.error_help(span, format!("benchmark for unknown stage {stage:?}"), format!("stages: {}", p.stages.join(", "))),
        }
    }
}

fn capacity_scheme(d: &mut Draft, ctx: &mut Ctx) {
    let Some(c) = &d.plan.capacity else { return };
    if let Some(s) = &c.scheme {
        if d.plan.scheme(s).is_none() {
            let span = d.spans.capacity_scheme.clone().unwrap_or(0..0);
            ctx.error(&span, format!("[capacity] names unknown scheme {s:?}"));
        }
    }
}
