//! Reading the plan document into a draft: the model plus the spans the checks need.
//!
//! Each section has its own reader; type errors and unknown keys are recorded
//! as they are met. Semantic checks run afterwards (`plan::checks`).

use super::doc::{
    self, as_array, as_bool, as_count, as_date, as_decimal, as_money, as_rate, as_str, as_str_list, as_table, Ctx,
    RawRate, Span, Table, Value,
};
use super::model::*;
use crate::calendar::PeriodKind;
use crate::units::{DealType, Rounding};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use toml::de::DeValue;

/// The plan as read, with the spans of what the checks look at.
pub struct Draft {
    /// The model (valid only when no error was recorded).
    pub plan: Plan,
    /// Spans for the checks.
    pub spans: Spans,
}

/// Where things are in the plan file.
#[derive(Default)]
pub struct Spans {
    /// `[[schemes]]` ids.
    pub schemes: Vec<Span>,
    /// `[[regions]]` ids.
    pub regions: Vec<Span>,
    /// `[[territories]]` ids and their `region` values.
    pub territories: Vec<(Span, Option<Span>)>,
    /// `goal.seasonality`.
    pub seasonality: Option<Span>,
    /// `goal.blend`.
    pub blend: Option<Span>,
    /// Per scheme, per component: name span, tier / curve point spans.
    pub components: Vec<Vec<ComponentSpans>>,
    /// `process.stages` items.
    pub stages: Vec<Span>,
    /// `process.won_at`, `process.z`, `process.tolerance`.
    pub won_at: Option<(String, Span)>,
    /// `process.z`.
    pub z: Option<Span>,
    /// `process.tolerance`.
    pub tolerance: Option<Span>,
    /// `capacity.scheme`.
    pub capacity_scheme: Option<Span>,
    /// `process.benchmarks`: stage name, span of the key.
    pub benchmarks: Vec<(String, Span, Decimal)>,
}

/// The spans of one component.
#[derive(Default, Clone)]
pub struct ComponentSpans {
    /// The component's table.
    pub table: Span,
    /// Its `name`.
    pub name: Span,
    /// Each tier or curve point.
    pub points: Vec<Span>,
    /// `above`.
    pub above: Option<Span>,
    /// `from`..`to` of a spiff.
    pub window: Option<Span>,
    /// `deal_limits` of a commission.
    pub deal_limits: Option<Span>,
    /// The component a `gate` names, and where.
    pub gates: Vec<(String, Span)>,
}

/// Reads the whole document.
pub fn read(ctx: &mut Ctx, src: &str) -> Draft {
    let doc = doc::parse(ctx, src);
    let mut root = Table::new(doc.get_ref(), doc.span(), "the plan file");
    let mut spans = Spans::default();

    let mut plan = Plan {
        name: String::new(),
        currency: "USD".into(),
        year_start: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
        period: PeriodKind::Quarter,
        rounding: Rounding::HalfUp,
        data: None,
        goal: Goal::default(),
        structure: None,
        regions: Vec::new(),
        territories: Vec::new(),
        process: Process::default(),
        schemes: Vec::new(),
        data_map: DataMap::default(),
        capacity: None,
        recruiting: None,
    };

    ctx.code = "plan.plan";
    if let Some(v) = root.require(ctx, "plan") {
        if let Some(t) = as_table(ctx, v, "plan", "[plan]") {
            read_plan(ctx, t, &mut plan);
        }
    }
    ctx.code = "plan.goal";
    if let Some(v) = root.get("goal") {
        if let Some(t) = as_table(ctx, v, "goal", "[goal]") {
            plan.goal = read_goal(ctx, t, &mut spans);
        }
    }
    ctx.code = "plan.structure";
    if let Some(v) = root.get("structure") {
        if let Some(t) = as_table(ctx, v, "structure", "[structure]") {
            plan.structure = read_structure(ctx, t);
        }
    }
    ctx.code = "plan.region";
    for (i, t) in tables(ctx, root.get("regions"), "regions") {
        if let Some(r) = read_region(ctx, t, i, &mut spans) {
            plan.regions.push(r);
        }
    }
    ctx.code = "plan.territory";
    for (i, t) in tables(ctx, root.get("territories"), "territories") {
        if let Some(r) = read_territory(ctx, t, i, &mut spans) {
            plan.territories.push(r);
        }
    }
    ctx.code = "plan.process";
    if let Some(v) = root.get("process") {
        if let Some(t) = as_table(ctx, v, "process", "[process]") {
            plan.process = read_process(ctx, t, &mut spans);
        }
    }
    ctx.code = "plan.scheme";
    let scheme_tables = tables(ctx, root.get("schemes"), "schemes");
    if scheme_tables.is_empty() && !root.has("schemes") {
        let span = root.span();
        ctx.error_help(
            &(span.start..span.start),
            "the plan has no [[schemes]]",
            "add at least one [[schemes]] table with an id, a quota and components",
        );
    }
    for (i, t) in scheme_tables {
        if let Some(s) = read_scheme(ctx, t, i, &mut spans) {
            plan.schemes.push(s);
        }
    }
    let attrs = attr_columns(&plan.schemes);
    for m in plan.schemes.iter_mut().flat_map(|s| s.multipliers.iter_mut()) {
        m.attr = attrs.iter().position(|c| *c == m.column).unwrap_or_default();
    }
    ctx.code = "plan.capacity";
    if let Some(v) = root.get("capacity") {
        if let Some(t) = as_table(ctx, v, "capacity", "[capacity]") {
            spans.capacity_scheme = t.peek_span("scheme");
            plan.capacity = read_capacity(ctx, t);
        }
    }
    ctx.code = "plan.recruiting";
    if let Some(v) = root.get("recruiting") {
        if let Some(t) = as_table(ctx, v, "recruiting", "[recruiting]") {
            plan.recruiting = read_recruiting(ctx, t);
        }
    }
    ctx.code = "plan.data-map";
    if let Some(v) = root.get("data") {
        if let Some(t) = as_table(ctx, v, "data", "[data]") {
            plan.data_map = read_data_map(ctx, t, &attrs);
        }
    }
    ctx.code = "plan.invalid";
    root.finish(ctx, &[]);
    Draft { plan, spans }
}

/// The tables of an array of tables (`[[name]]`).
fn tables<'a, 'i>(ctx: &mut Ctx, v: Option<&'a Value<'i>>, key: &str) -> Vec<(usize, Table<'a, 'i>)> {
    let Some(v) = v else { return Vec::new() };
    let Some(items) = as_array(ctx, v, key) else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, it)| as_table(ctx, it, key, format!("[[{key}]] #{}", i + 1)).map(|t| (i, t)))
        .collect()
}

fn read_plan(ctx: &mut Ctx, mut t: Table, plan: &mut Plan) {
    if let Some(v) = t.require(ctx, "name") {
        plan.name = as_str(ctx, v, "name").unwrap_or_default();
    }
    if let Some(v) = t.get("currency") {
        if let Some(c) = as_str(ctx, v, "currency") {
            if c.is_empty() || c.len() > 8 || !c.chars().all(|ch| ch.is_ascii_alphanumeric()) {
                ctx.error_help(
                    &v.span(),
                    format!("`currency` {c:?} is not a currency code"),
                    "write a code such as \"USD\" or \"EUR\"",
                );
            } else {
                plan.currency = c;
            }
        }
    }
    if let Some(v) = t.require(ctx, "year_start") {
        if let Some(d) = as_date(ctx, v, "year_start") {
            plan.year_start = d;
        }
    }
    if let Some(v) = t.get("period") {
        if let Some(s) = as_str(ctx, v, "period") {
            match PeriodKind::parse(&s) {
                Some(k) => plan.period = k,
                None => ctx.error_help(
                    &v.span(),
                    format!("unknown period {s:?}"),
                    "use \"week\", \"month\", \"quarter\", \"half\" or \"year\"",
                ),
            }
        }
    }
    if let Some(v) = t.get("rounding") {
        if let Some(s) = as_str(ctx, v, "rounding") {
            match s.as_str() {
                "half_up" => plan.rounding = Rounding::HalfUp,
                "half_even" => plan.rounding = Rounding::HalfEven,
                _ => ctx.error_help(
                    &v.span(),
                    format!("unknown rounding {s:?}"),
                    "use \"half_up\" or \"half_even\"",
                ),
            }
        }
    }
    if let Some(v) = t.get("data") {
        plan.data = as_str(ctx, v, "data");
    }
    t.finish(ctx, &[]);
}

fn read_goal(ctx: &mut Ctx, mut t: Table, spans: &mut Spans) -> Goal {
    let mut g = Goal::default();
    if let Some(v) = t.get("annual") {
        g.annual = as_money(ctx, v, "annual");
    }
    if let Some(v) = t.get("seasonality") {
        spans.seasonality = Some(v.span());
        if let Some(items) = as_array(ctx, v, "seasonality") {
            let shares: Vec<Option<Decimal>> = items
                .iter()
                .map(|it| {
                    let d = as_decimal(ctx, it, "seasonality")?;
                    if d.is_sign_negative() && !d.is_zero() {
                        ctx.error(&it.span(), "a seasonality share must not be negative");
                        return None;
                    }
                    Some(d)
                })
                .collect();
            if shares.iter().all(Option::is_some) {
                g.seasonality = Some(shares.into_iter().flatten().collect());
            }
        }
    }
    if let Some(v) = t.get("allocation") {
        if let Some(s) = as_str(ctx, v, "allocation") {
            g.allocation = match s.as_str() {
                "equal" => Allocation::Equal,
                "potential" => Allocation::Potential,
                "history" => Allocation::History,
                "blend" => Allocation::Blend,
                _ => {
                    ctx.error_help(
                        &v.span(),
                        format!("unknown allocation {s:?}"),
                        "use \"equal\", \"potential\", \"history\" or \"blend\"",
                    );
                    Allocation::Equal
                }
            };
        }
    }
    if let Some(v) = t.get("blend") {
        spans.blend = Some(v.span());
        if let Some(mut b) = as_table(ctx, v, "blend", "goal.blend") {
            let p = b
                .require(ctx, "potential")
                .and_then(|v| as_decimal(ctx, v, "potential"));
            let h = b.require(ctx, "history").and_then(|v| as_decimal(ctx, v, "history"));
            b.finish(ctx, &[]);
            if let (Some(p), Some(h)) = (p, h) {
                g.blend = Some((p, h));
            }
        }
    }
    if let Some(v) = t.get("over_assign") {
        if let Some(d) = as_decimal(ctx, v, "over_assign") {
            if d.is_sign_negative() || d > Decimal::ONE {
                ctx.error_help(
                    &v.span(),
                    "`over_assign` must be between 0 and 1",
                    "0.10 means rep quotas sum to 110% of the goal",
                );
            } else {
                g.over_assign = d;
            }
        }
    }
    t.finish(ctx, &[]);
    g
}

fn read_structure(ctx: &mut Ctx, mut t: Table) -> Option<Structure> {
    let kind = match t.get("kind") {
        Some(v) => {
            let s = as_str(ctx, v, "kind")?;
            if !["geographic", "product", "market", "key_account"].contains(&s.as_str()) {
                ctx.error_help(
                    &v.span(),
                    format!("unknown structure kind {s:?}"),
                    "use \"geographic\", \"product\", \"market\" or \"key_account\"",
                );
            }
            s
        }
        None => "geographic".into(),
    };
    let max_span = t.get("max_span").and_then(|v| as_count(ctx, v, "max_span"));
    t.finish(ctx, &[]);
    Some(Structure { kind, max_span })
}

fn read_id(ctx: &mut Ctx, t: &mut Table) -> Option<(String, Span)> {
    let v = t.require(ctx, "id")?;
    let s = as_str(ctx, v, "id")?;
    if let Err(e) = crate::units::check_id(&s) {
        ctx.error(&v.span(), e);
        return None;
    }
    Some((s, v.span()))
}

fn read_region(ctx: &mut Ctx, mut t: Table, _i: usize, spans: &mut Spans) -> Option<Region> {
    let id = read_id(ctx, &mut t);
    let name = t.get("name").and_then(|v| as_str(ctx, v, "name"));
    t.finish(ctx, &[]);
    let (id, span) = id?;
    spans.regions.push(span);
    Some(Region {
        name: name.unwrap_or_else(|| id.clone()),
        id,
    })
}

fn read_territory(ctx: &mut Ctx, mut t: Table, _i: usize, spans: &mut Spans) -> Option<Territory> {
    let id = read_id(ctx, &mut t);
    let name = t.get("name").and_then(|v| as_str(ctx, v, "name"));
    let region = t
        .get("region")
        .and_then(|v| as_str(ctx, v, "region").map(|s| (s, v.span())));
    let potential = t.get("potential").and_then(|v| as_money(ctx, v, "potential"));
    let accounts = t.get("accounts").and_then(|v| as_count(ctx, v, "accounts"));
    t.finish(ctx, &[]);
    let (id, span) = id?;
    spans.territories.push((span, region.as_ref().map(|r| r.1.clone())));
    Some(Territory {
        name: name.unwrap_or_else(|| id.clone()),
        id,
        region: region.map(|r| r.0),
        potential,
        accounts,
    })
}

fn read_process(ctx: &mut Ctx, mut t: Table, spans: &mut Spans) -> Process {
    let mut p = Process::default();
    if let Some(v) = t.get("stages") {
        if let Some(list) = as_str_list(ctx, v, "stages") {
            if list.len() < 2 {
                ctx.error(&v.span(), "`stages` needs at least two stages");
            } else {
                spans.stages = list.iter().map(|(_, s)| s.clone()).collect();
                p.stages = list.into_iter().map(|(s, _)| s).collect();
            }
        }
    }
    if let Some(v) = t.get("won_at") {
        if let Some(s) = as_str(ctx, v, "won_at") {
            spans.won_at = Some((s, v.span()));
        }
    }
    if let Some(v) = t.get("min_opportunities") {
        if let Some(n) = as_count(ctx, v, "min_opportunities") {
            p.min_opportunities = n;
        }
    }
    if let Some(v) = t.get("z") {
        spans.z = Some(v.span());
        if let Some(d) = as_decimal(ctx, v, "z") {
            p.z = d;
        }
    }
    if let Some(v) = t.get("tolerance") {
        spans.tolerance = Some(v.span());
        if let Some(d) = as_decimal(ctx, v, "tolerance") {
            p.tolerance = d;
        }
    }
    if let Some(v) = t.get("benchmarks") {
        if let DeValue::Table(tbl) = v.get_ref() {
            for (k, bv) in tbl.iter() {
                if let Some(d) = as_decimal(ctx, bv, k.get_ref()) {
                    if d.is_sign_negative() || d > Decimal::ONE {
                        ctx.error(&bv.span(), "a benchmark is a conversion rate between 0 and 1");
                    } else {
                        spans.benchmarks.push((k.get_ref().to_string(), k.span(), d));
                    }
                }
            }
        } else {
            as_table(ctx, v, "benchmarks", "process.benchmarks");
        }
    }
    t.finish(ctx, &[]);
    p
}

/// The largest commission rate per unit (`measure = "units"`): money per unit.
const PER_UNIT_MAX: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// What a scheme's rates are resolved against.
struct RateBase {
    bcr: Option<Decimal>,
    /// Rates are money per unit (`measure = "units"`): the bound of 100 on a rate does not apply.
    per_unit: bool,
}

impl RateBase {
    /// Resolves a written rate; `"1.5x"` needs a quota and a target incentive.
    fn resolve(&self, ctx: &mut Ctx, r: RawRate, span: &Span) -> Option<Decimal> {
        match r {
            RawRate::Fixed(d) => Some(d),
            RawRate::Bcr(m) => match self.bcr {
                Some(b) => match m.checked_mul(b).filter(|r| *r <= Decimal::ONE_HUNDRED) {
                    Some(r) => Some(r),
                    None => {
                        ctx.error_help(
                            span,
                            format!("{m}× the base commission rate ({}) is implausibly large", b.round_dp(6)),
                            "BCR = target_incentive / quota; a rate above 100 (10,000%) is rejected",
                        );
                        None
                    }
                },
                None => {
                    ctx.error_help(
                        span,
                        "a rate written as a multiple of the base commission rate needs the scheme's `quota` and `target_incentive`",
                        "BCR = target_incentive / quota; set both (quota > 0) or write the rate as a percentage",
                    );
                    None
                }
            },
        }
    }
}

fn read_scheme(ctx: &mut Ctx, mut t: Table, _i: usize, spans: &mut Spans) -> Option<Scheme> {
    let id = read_id(ctx, &mut t);
    let name = t.get("name").and_then(|v| as_str(ctx, v, "name"));
    let base_salary = t.get("base_salary").and_then(|v| as_money(ctx, v, "base_salary"));
    let target_incentive = t
        .get("target_incentive")
        .and_then(|v| as_money(ctx, v, "target_incentive"));
    let quota = t.get("quota").and_then(|v| as_money(ctx, v, "quota"));
    let measure = match t.get("measure") {
        Some(v) => match as_str(ctx, v, "measure").as_deref() {
            Some("amount") => Measure::Amount,
            Some("margin") => Measure::Margin,
            Some("units") => Measure::Units,
            Some(s) => {
                ctx.error_help(
                    &v.span(),
                    format!("unknown measure {s:?}"),
                    "use \"amount\", \"margin\" (deals.csv column margin) or \"units\" (column quantity)",
                );
                Measure::Amount
            }
            None => Measure::Amount,
        },
        None => Measure::Amount,
    };
    let credit = match t.get("credit") {
        Some(v) => match as_str(ctx, v, "credit").as_deref() {
            Some("own") => CreditScope::Own,
            Some("team") => CreditScope::Team,
            Some("direct_team") => CreditScope::DirectTeam,
            Some(s) => {
                ctx.error_help(
                    &v.span(),
                    format!("unknown credit scope {s:?}"),
                    "use \"own\", \"team\" or \"direct_team\"",
                );
                CreditScope::Own
            }
            None => CreditScope::Own,
        },
        None => CreditScope::Own,
    };
    let mut weights = [Decimal::ONE; 3];
    if let Some(v) = t.get("weights") {
        if let Some(mut wt) = as_table(ctx, v, "weights", "weights") {
            for dt in DealType::ALL {
                if let Some(wv) = wt.get(dt.as_str()) {
                    if let Some(d) = factor(ctx, wv, dt.as_str()) {
                        weights[dt.index()] = d;
                    }
                }
            }
            wt.finish(ctx, &[]);
        }
    }
    let mut products = BTreeMap::new();
    if let Some(v) = t.get("products") {
        if let DeValue::Table(tbl) = v.get_ref() {
            for (k, pv) in tbl.iter() {
                if let Some(d) = factor(ctx, pv, k.get_ref()) {
                    products.insert(k.get_ref().to_string(), d);
                }
            }
        } else {
            as_table(ctx, v, "products", "products");
        }
    }
    let multipliers = read_multipliers(ctx, t.get("multipliers"));
    let mut ramp = Vec::new();
    if let Some(v) = t.get("ramp") {
        if let Some(items) = as_array(ctx, v, "ramp") {
            for it in items {
                if let Some(d) = factor(ctx, it, "ramp") {
                    ramp.push(d);
                }
            }
        }
    }
    let (mut cap_period, mut cap_year) = (None, None);
    if let Some(v) = t.get("cap") {
        if let Some(mut ct) = as_table(ctx, v, "cap", "the scheme's cap") {
            cap_period = ct.get("period").and_then(|v| as_money(ctx, v, "period"));
            cap_year = ct.get("year").and_then(|v| as_money(ctx, v, "year"));
            ct.finish(ctx, &[]);
        }
    }
    let draw = t.get("draw").and_then(|v| {
        let mut dt = as_table(ctx, v, "draw", "the scheme's draw")?;
        // One amount, or one per tenure month (the last repeating).
        let mut by_month = Vec::new();
        let amount = dt.require(ctx, "amount").and_then(|v| match v.get_ref() {
            DeValue::Array(items) => {
                if items.is_empty() {
                    ctx.error(&v.span(), "`amount` lists no amount: give one, or one per tenure month");
                    return None;
                }
                for it in items.iter() {
                    by_month.push(as_money(ctx, it, "amount")?);
                }
                by_month.first().copied()
            }
            _ => as_money(ctx, v, "amount"),
        });
        let recovery_cap = dt.get("recovery_cap").and_then(|v| {
            let d = as_decimal(ctx, v, "recovery_cap")?;
            if d <= Decimal::ZERO || d > Decimal::ONE || d.normalize().scale() > 4 {
                ctx.error(
                    &v.span(),
                    "`recovery_cap` is a share of the period's earnings: above 0, at most 1, at most 4 decimals",
                );
                return None;
            }
            Some(d)
        });
        let recoverable = dt
            .get("recoverable")
            .and_then(|v| as_bool(ctx, v, "recoverable"))
            .unwrap_or(false);
        let months = dt.get("months").and_then(|v| {
            let n = as_count(ctx, v, "months")?;
            if n > 600 {
                ctx.error(&v.span(), "`months` of a draw is at most 600");
                return None;
            }
            Some(n)
        });
        dt.finish(ctx, &[]);
        Some(Draw {
            amount: amount?,
            recoverable,
            months,
            by_month,
            recovery_cap,
        })
    });
    let mut clawback_schedule = Vec::new();
    let clawback_days = t.get("clawback").and_then(|v| {
        let mut ct = as_table(ctx, v, "clawback", "the scheme's clawback")?;
        let days = ct
            .require(ctx, "window_days")
            .and_then(|v| as_count(ctx, v, "window_days"));
        for (_, st) in tables(ctx, ct.get("schedule"), "clawback.schedule") {
            let mut st = st;
            let span = st.span();
            let within = st
                .require(ctx, "within_days")
                .and_then(|v| as_count(ctx, v, "within_days"))
                .map(|d| d.min(100_000) as i64);
            let share = st.require(ctx, "share").and_then(|v| {
                let d = as_decimal(ctx, v, "share")?;
                if d.is_sign_negative() || d > Decimal::ONE {
                    ctx.error(&v.span(), "a clawback `share` is between 0 and 1");
                    return None;
                }
                Some(d)
            });
            st.finish(ctx, &[]);
            if let (Some(w), Some(sh)) = (within, share) {
                if clawback_schedule
                    .last()
                    .is_some_and(|&(prev, _): &(i64, Decimal)| prev >= w)
                {
                    ctx.error(&span, "the schedule's `within_days` must increase from entry to entry");
                }
                clawback_schedule.push((w, sh));
            }
        }
        ct.finish(ctx, &[]);
        days.map(|d| d.min(100_000) as i64)
    });

    let bcr = match (target_incentive, quota) {
        (Some(ti), Some(q)) if !q.is_zero() => ti.checked_div(q),
        _ => None,
    };
    let base = RateBase {
        bcr,
        per_unit: measure == Measure::Units,
    };
    let mut components = Vec::new();
    let mut comp_spans = Vec::new();
    for (ci, ct) in tables(ctx, t.get("components"), "schemes.components") {
        let mut cs = ComponentSpans::default();
        ctx.code = "plan.component";
        if let Some(c) = read_component(ctx, ct, ci, &base, &mut cs) {
            components.push(c);
            comp_spans.push(cs);
        }
        ctx.code = "plan.scheme";
    }
    // Gates name a component of the same scheme.
    let names: Vec<String> = components.iter().map(|c: &Component| c.name.clone()).collect();
    for (c, cs) in components.iter_mut().zip(&comp_spans) {
        if let (Some(g), Some((n, sp))) = (c.gate.as_mut(), cs.gates.last()) {
            match names.iter().position(|x| x == n) {
                Some(i) => g.component = Some(i),
                None => ctx.error_help(
                    sp,
                    format!("the gate names no component of this scheme: {n:?}"),
                    format!("components of the scheme: {}", names.join(", ")),
                ),
            }
        }
    }
    t.finish(ctx, &[]);
    let (id, span) = id?;
    spans.schemes.push(span);
    spans.components.push(comp_spans);
    Some(Scheme {
        name: name.unwrap_or_else(|| id.clone()),
        id,
        base_salary: base_salary.unwrap_or_default(),
        target_incentive: target_incentive.unwrap_or_default(),
        quota: quota.unwrap_or_default(),
        credit,
        measure,
        weights,
        products,
        multipliers,
        ramp,
        cap_period,
        cap_year,
        draw,
        clawback_days,
        clawback_schedule,
        components,
    })
}

/// `multipliers`: one table, or an array of them, each `{ column, values, default }`.
fn read_multipliers(ctx: &mut Ctx, v: Option<&Value>) -> Vec<ColumnMultiplier> {
    let Some(v) = v else { return Vec::new() };
    let items: Vec<Table> = match v.get_ref() {
        DeValue::Array(_) => tables(ctx, Some(v), "schemes.multipliers")
            .into_iter()
            .map(|(_, t)| t)
            .collect(),
        _ => as_table(ctx, v, "multipliers", "the scheme's multipliers")
            .into_iter()
            .collect(),
    };
    let mut out: Vec<ColumnMultiplier> = Vec::new();
    for mut mt in items {
        let span = mt.span();
        let column = mt.require(ctx, "column").and_then(|v| {
            let c = as_str(ctx, v, "column")?;
            if c.trim().is_empty() || c.trim() != c {
                ctx.error(&v.span(), format!("`column` {c:?} must name a deals.csv column"));
                return None;
            }
            Some(c)
        });
        let mut values = BTreeMap::new();
        if let Some(v) = mt.require(ctx, "values") {
            if let DeValue::Table(tbl) = v.get_ref() {
                for (k, fv) in tbl.iter() {
                    if let Some(d) = factor(ctx, fv, k.get_ref()) {
                        let key = k.get_ref().trim().to_string();
                        if values.insert(key.clone(), d).is_some() {
                            ctx.error_help(
                                &fv.span(),
                                format!("the value {key:?} is listed twice (cells are compared trimmed)"),
                                "list each value once",
                            );
                        }
                    }
                }
                if tbl.is_empty() && mt.get("default").is_none() {
                    ctx.error_help(
                        &v.span(),
                        "`values` lists no value and there is no `default`: every deal row would be refused",
                        "list the column's values with their multipliers, e.g. values = { \"12\" = 1.0, \"24\" = 1.1 }",
                    );
                }
            } else {
                as_table(ctx, v, "values", "values");
            }
        }
        let default = mt.get("default").and_then(|v| factor(ctx, v, "default"));
        mt.finish(ctx, &[]);
        let Some(column) = column else { continue };
        if out.iter().any(|m| m.column == column) {
            ctx.error_help(
                &span,
                format!("two multipliers of this scheme read the column `{column}`"),
                "list every value of the column in one `values` table",
            );
            continue;
        }
        out.push(ColumnMultiplier {
            column,
            attr: 0,
            values,
            default,
        });
    }
    // The column multipliers of a row multiply: at their largest, together at
    // most 100 (as one factor), so credit stays exact.
    let most: Option<Decimal> = out.iter().try_fold(Decimal::ONE, |acc, m| {
        let top = m
            .values
            .values()
            .copied()
            .chain(m.default)
            .max()
            .unwrap_or(Decimal::ONE);
        acc.checked_mul(top)
    });
    if most.is_none_or(|x| x > Decimal::ONE_HUNDRED) {
        ctx.error_help(
            &v.span(),
            "the scheme's column multipliers at their largest multiply to more than 100",
            "a deal row's column multipliers together must stay at most 100: lower the largest values",
        );
    }
    out
}

/// A non-negative multiplier (weights, product multipliers, ramp factors), at most 100.
fn factor(ctx: &mut Ctx, v: &Value, key: &str) -> Option<Decimal> {
    let d = as_decimal(ctx, v, key)?;
    if d.is_sign_negative() && !d.is_zero() {
        ctx.error(&v.span(), format!("`{key}` must not be negative"));
        return None;
    }
    if d > Decimal::ONE_HUNDRED {
        ctx.error(&v.span(), format!("`{key}` is implausibly large ({d}); at most 100"));
        return None;
    }
    Some(d)
}

/// The keys each component kind accepts (besides `kind`, `name`, `cap`).
fn component_keys(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "commission" => &[
            "basis",
            "method",
            "tiers",
            "deal_types",
            "products",
            "above",
            "deal_limits",
        ],
        "bonus" => &["target", "curve"],
        "milestone" => &["at", "amount"],
        "spiff" => &[
            "products",
            "deal_types",
            "from",
            "to",
            "per_deal",
            "min_amount",
            "split",
        ],
        "contest" => &["products", "deal_types", "from", "to", "prizes", "by"],
        "override" => &["rate", "scope"],
        "mbo" => &["target", "max_score"],
        _ => return None,
    })
}

fn read_filter(ctx: &mut Ctx, t: &mut Table) -> DealFilter {
    let deal_types = t.get("deal_types").and_then(|v| {
        let list = as_str_list(ctx, v, "deal_types")?;
        let mut out = Vec::new();
        for (s, sp) in list {
            match DealType::parse(&s) {
                Some(d) => out.push(d),
                None => ctx.error_help(
                    &sp,
                    format!("unknown deal type {s:?}"),
                    "use \"new\", \"expansion\" or \"renewal\"",
                ),
            }
        }
        Some(out)
    });
    let products = t
        .get("products")
        .and_then(|v| as_str_list(ctx, v, "products"))
        .map(|l| l.into_iter().map(|(s, _)| s).collect());
    DealFilter { deal_types, products }
}

fn read_component(
    ctx: &mut Ctx,
    mut t: Table,
    _i: usize,
    base: &RateBase,
    cs: &mut ComponentSpans,
) -> Option<Component> {
    cs.table = t.span();
    let kind_v = t.require(ctx, "kind")?;
    let kind = as_str(ctx, kind_v, "kind")?;
    let Some(keys) = component_keys(&kind) else {
        ctx.error_help(
            &kind_v.span(),
            format!("unknown component kind {kind:?}"),
            "use \"commission\", \"bonus\", \"milestone\", \"spiff\", \"contest\", \"override\" or \"mbo\"",
        );
        return None;
    };
    let name = match t.require(ctx, "name") {
        Some(v) => {
            cs.name = v.span();
            as_str(ctx, v, "name")
        }
        None => None,
    };
    let cap = t.get("cap").and_then(|v| as_money(ctx, v, "cap"));
    let kind = match kind.as_str() {
        "commission" => read_commission(ctx, &mut t, base, cs),
        "bonus" => read_bonus(ctx, &mut t, cs),
        "milestone" => {
            let at = t.require(ctx, "at").and_then(|v| as_money(ctx, v, "at"));
            let amount = t.require(ctx, "amount").and_then(|v| as_money(ctx, v, "amount"));
            Some(ComponentKind::Milestone {
                at: at?,
                amount: amount?,
            })
        }
        "mbo" => {
            let target = t.require(ctx, "target").and_then(|v| as_money(ctx, v, "target"));
            let max_score = match t.get("max_score") {
                Some(v) => as_money(ctx, v, "max_score"),
                None => Some(Decimal::ONE),
            };
            Some(ComponentKind::Mbo {
                target: target?,
                max_score: max_score?,
            })
        }
        "contest" => {
            let filter = read_filter(ctx, &mut t);
            let from = t.require(ctx, "from").and_then(|v| as_date(ctx, v, "from"));
            let to_v = t.require(ctx, "to");
            let to = to_v.and_then(|v| as_date(ctx, v, "to"));
            cs.window = to_v.map(|v| v.span());
            let prizes = t.require(ctx, "prizes").and_then(|v| {
                let items = as_array(ctx, v, "prizes")?;
                if items.is_empty() {
                    ctx.error_help(
                        &v.span(),
                        "`prizes` lists no prize",
                        "write e.g. prizes = [5000, 3000, 1000]",
                    );
                    return None;
                }
                let prizes: Vec<Option<Decimal>> = items.iter().map(|x| as_money(ctx, x, "prizes")).collect();
                prizes.into_iter().collect::<Option<Vec<_>>>()
            });
            let by = match t.get("by") {
                Some(v) => match as_str(ctx, v, "by").as_deref() {
                    Some("credit") => Some(ContestScore::Credit),
                    Some("deals") => Some(ContestScore::Deals),
                    Some(s) => {
                        ctx.error_help(
                            &v.span(),
                            format!("unknown contest score {s:?}"),
                            "use \"credit\" (the default) or \"deals\"",
                        );
                        None
                    }
                    None => None,
                },
                None => Some(ContestScore::Credit),
            };
            Some(ComponentKind::Contest {
                filter,
                from: from?,
                to: to?,
                prizes: prizes?,
                by: by?,
            })
        }
        "spiff" => {
            let filter = read_filter(ctx, &mut t);
            let from = t.require(ctx, "from").and_then(|v| as_date(ctx, v, "from"));
            let to_v = t.require(ctx, "to");
            let to = to_v.and_then(|v| as_date(ctx, v, "to"));
            cs.window = to_v.map(|v| v.span());
            let per_deal = t.require(ctx, "per_deal").and_then(|v| as_money(ctx, v, "per_deal"));
            let min_amount = match t.get("min_amount") {
                Some(v) => as_money(ctx, v, "min_amount"),
                None => Some(Decimal::ZERO),
            };
            let split = t.get("split").map_or(Some(true), |v| as_bool(ctx, v, "split"));
            Some(ComponentKind::Spiff {
                filter,
                from: from?,
                to: to?,
                per_deal: per_deal?,
                min_amount: min_amount?,
                split: split?,
            })
        }
        _ => {
            let rate = t
                .require(ctx, "rate")
                .and_then(|v| as_rate(ctx, v, "rate").map(|r| (r, v.span())));
            let rate = rate.and_then(|(r, sp)| base.resolve(ctx, r, &sp));
            let scope = match t.get("scope") {
                Some(v) => match as_str(ctx, v, "scope").as_deref() {
                    Some("direct") => Scope::Direct,
                    Some("all") => Scope::All,
                    Some(s) => {
                        ctx.error_help(
                            &v.span(),
                            format!("unknown override scope {s:?}"),
                            "use \"direct\" or \"all\"",
                        );
                        Scope::Direct
                    }
                    None => Scope::Direct,
                },
                None => Scope::Direct,
            };
            Some(ComponentKind::Override { rate: rate?, scope })
        }
    };
    let cumulative = match t.get("cumulative") {
        Some(v) => {
            let on = as_bool(ctx, v, "cumulative");
            if on == Some(true)
                && !matches!(
                    kind,
                    Some(ComponentKind::Commission { .. } | ComponentKind::Bonus { .. })
                )
            {
                ctx.error_help(
                    &v.span(),
                    "`cumulative` applies to commissions and bonuses",
                    "year-to-date attainment pays tiers or a curve; remove the key here",
                );
            }
            let per_deal = matches!(
                kind,
                Some(
                    ComponentKind::Commission { basis: Basis::Deal, .. }
                        | ComponentKind::Commission {
                            deal_limits: Some(_),
                            ..
                        }
                )
            );
            if on == Some(true) && per_deal {
                ctx.error_help(
                    &v.span(),
                    "`cumulative` cannot be combined with `basis = \"deal\"` or `deal_limits`",
                    "a per-deal rule pays each deal once, in its close period; remove one of the two",
                );
            }
            on.unwrap_or(false)
        }
        None => false,
    };
    // A gate names its component by name; the index is resolved once the scheme's components are read.
    let gate = t.get("gate").and_then(|v| {
        let mut gt = as_table(ctx, v, "gate", "the component's gate")?;
        let named = gt
            .get("component")
            .and_then(|c| as_str(ctx, c, "component").map(|n| (n, c.span())));
        let min = gt
            .require(ctx, "min_attainment")
            .and_then(|m| as_money(ctx, m, "min_attainment"));
        gt.finish(ctx, &[]);
        if let Some((n, sp)) = named {
            cs.gates.push((n, sp));
        }
        min.map(|m| Gate {
            component: None,
            min_attainment: m,
        })
    });
    let mut allowed = keys.to_vec();
    allowed.extend(["kind", "name", "cap", "cumulative", "gate"]);
    t.finish(ctx, &allowed);
    Some(Component {
        name: name?,
        cap,
        cumulative,
        gate,
        kind: kind?,
    })
}

fn read_commission(ctx: &mut Ctx, t: &mut Table, base: &RateBase, cs: &mut ComponentSpans) -> Option<ComponentKind> {
    let basis = match t.get("basis") {
        Some(v) => match as_str(ctx, v, "basis")?.as_str() {
            "attainment" => Basis::Attainment,
            "amount" => Basis::Amount,
            "deal" => Basis::Deal,
            s => {
                ctx.error_help(
                    &v.span(),
                    format!("unknown basis {s:?}"),
                    "use \"attainment\", \"amount\" or \"deal\"",
                );
                return None;
            }
        },
        None => Basis::Attainment,
    };
    let method = match t.get("method") {
        Some(v) => match as_str(ctx, v, "method")?.as_str() {
            "marginal" => Method::Marginal,
            "retroactive" => Method::Retroactive,
            s => {
                ctx.error_help(
                    &v.span(),
                    format!("unknown method {s:?}"),
                    "use \"marginal\" or \"retroactive\"",
                );
                return None;
            }
        },
        None => Method::Marginal,
    };
    let filter = read_filter(ctx, t);
    let above = t.get("above").and_then(|v| {
        cs.above = Some(v.span());
        let d = as_money(ctx, v, "above")?;
        if d.is_sign_negative() {
            ctx.error(&v.span(), "`above` must not be negative");
            return None;
        }
        Some(d)
    });
    let deal_limits = match t.get("deal_limits") {
        Some(v) => {
            cs.deal_limits = Some(v.span());
            Some(read_deal_limits(ctx, v)?)
        }
        None => None,
    };
    let tiers_v = t.require(ctx, "tiers")?;
    let items = as_array(ctx, tiers_v, "tiers")?;
    if items.is_empty() {
        ctx.error(&tiers_v.span(), "`tiers` must list at least one tier");
        return None;
    }
    let mut tiers = Vec::new();
    let mut ok = true;
    for (k, it) in items.iter().enumerate() {
        cs.points.push(it.span());
        let Some(mut tt) = as_table(ctx, it, "tiers", format!("tier {}", k + 1)) else {
            ok = false;
            continue;
        };
        // Bounded like money (≥ 0, below 10^15) so that bound × quota stays exact.
        let from = tt.require(ctx, "from").and_then(|v| as_money(ctx, v, "from"));
        let rate = tt.require(ctx, "rate").and_then(|v| {
            let max = if base.per_unit {
                PER_UNIT_MAX
            } else {
                Decimal::ONE_HUNDRED
            };
            crate::plan::doc::as_rate_at_most(ctx, v, "rate", max).map(|r| (r, v.span()))
        });
        let rate = rate.and_then(|(r, sp)| base.resolve(ctx, r, &sp));
        tt.finish(ctx, &[]);
        // A tier with a bad rate still takes part in the checks (its bounds may be wrong
        // too); the plan is rejected anyway because an error was recorded.
        match (from, rate) {
            (Some(from), rate) => tiers.push(Tier {
                from,
                rate: rate.unwrap_or_default(),
            }),
            _ => ok = false,
        }
    }
    ok.then_some(ComponentKind::Commission {
        basis,
        method,
        tiers,
        filter,
        above,
        deal_limits,
    })
}

/// `deal_limits = { min = M, max = X }`: money, either optional, min ≤ max.
fn read_deal_limits(ctx: &mut Ctx, v: &Value) -> Option<DealLimits> {
    let mut t = as_table(ctx, v, "deal_limits", "the commission's deal limits")?;
    let min = t.get("min").map(|m| as_money(ctx, m, "min"));
    let max = t.get("max").map(|m| as_money(ctx, m, "max"));
    t.finish(ctx, &[]);
    let (min, max) = (
        min.map(|m| m.ok_or(())).transpose().ok()?,
        max.map(|m| m.ok_or(())).transpose().ok()?,
    );
    if min.is_none() && max.is_none() {
        ctx.error_help(
            &v.span(),
            "`deal_limits` sets neither `min` nor `max`",
            "write e.g. deal_limits = { max = 5000 } (or remove the key)",
        );
        return None;
    }
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            ctx.error_help(
                &v.span(),
                format!("`deal_limits` min {lo} is above its max {hi}"),
                "the least a deal earns must not exceed the most",
            );
            return None;
        }
    }
    Some(DealLimits { min, max })
}

fn read_bonus(ctx: &mut Ctx, t: &mut Table, cs: &mut ComponentSpans) -> Option<ComponentKind> {
    let target = t.require(ctx, "target").and_then(|v| as_money(ctx, v, "target"));
    let curve_v = t.require(ctx, "curve")?;
    let items = as_array(ctx, curve_v, "curve")?;
    if items.is_empty() {
        ctx.error(&curve_v.span(), "`curve` must list at least one point");
        return None;
    }
    let mut curve = Vec::new();
    for it in items {
        cs.points.push(it.span());
        let pair = as_array(ctx, it, "curve")?;
        if pair.len() != 2 {
            ctx.error_help(
                &it.span(),
                "a curve point is a pair [attainment, fraction of target]",
                "write e.g. [1.0, 1.0]",
            );
            return None;
        }
        let a = as_money(ctx, &pair[0], "curve attainment")?;
        let f = as_decimal(ctx, &pair[1], "curve payout")?;
        if a.is_sign_negative() || f.is_sign_negative() {
            ctx.error(&it.span(), "curve points must not be negative");
            return None;
        }
        if f > Decimal::ONE_HUNDRED {
            ctx.error(&it.span(), "a curve payout above 100× target is implausible");
            return None;
        }
        curve.push((a, f));
    }
    Some(ComponentKind::Bonus { target: target?, curve })
}

/// The fuerza columns of each data file, for checking mappings.
pub const FILE_COLUMNS: [(&str, &[&str]); 4] = [
    (
        "reps",
        &[
            "rep_id",
            "name",
            "scheme",
            "territory",
            "manager_id",
            "hire_date",
            "end_date",
        ],
    ),
    (
        "deals",
        &[
            "deal_id",
            "rep_id",
            "customer_id",
            "product",
            "deal_type",
            "close_date",
            "amount",
            "split",
            "status",
            "cancel_date",
            "margin",
            "quantity",
        ],
    ),
    (
        "opportunities",
        &[
            "opp_id",
            "rep_id",
            "created_date",
            "stage",
            "status",
            "amount",
            "closed_date",
        ],
    ),
    ("assignments", &crate::data::assignments::COLUMNS),
];

/// `[data]`; `attrs`: the deals.csv columns the schemes' multipliers read, mappable like fuerza's own.
fn read_data_map(ctx: &mut Ctx, mut t: Table, attrs: &[String]) -> DataMap {
    let mut m = DataMap::default();
    for (name, cols) in FILE_COLUMNS {
        let Some(v) = t.get(name) else { continue };
        let Some(ft) = as_table(ctx, v, name, format!("[data.{name}]")) else {
            continue;
        };
        let mut cols = cols.to_vec();
        if name == "deals" {
            for a in attrs {
                if !cols.contains(&a.as_str()) {
                    cols.push(a);
                }
            }
        }
        let fm = read_file_map(ctx, ft, name, &cols);
        match name {
            "reps" => m.reps = Some(fm),
            "deals" => m.deals = Some(fm),
            "opportunities" => m.opportunities = Some(fm),
            _ => m.assignments = Some(fm),
        }
    }
    t.finish(ctx, &[]);
    m
}

/// A table of fuerza column → string, every key a known column.
fn column_table(ctx: &mut Ctx, v: &Value, key: &str, file: &str, cols: &[&str]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let DeValue::Table(tbl) = v.get_ref() else {
        as_table(ctx, v, key, key);
        return out;
    };
    for (k, val) in tbl.iter() {
        let col = k.get_ref().to_string();
        if !cols.contains(&col.as_str()) {
            ctx.error_help(
                &k.span(),
                format!("`{col}` is not a column of {file}.csv"),
                format!("{file}.csv columns: {}", cols.join(", ")),
            );
            continue;
        }
        if let Some(s) = as_str(ctx, val, &col) {
            out.insert(col, s);
        }
    }
    out
}

fn read_file_map(ctx: &mut Ctx, mut t: Table, file: &str, cols: &[&str]) -> FileMap {
    let mut fm = FileMap {
        file: t.get("file").and_then(|v| as_str(ctx, v, "file")),
        ..FileMap::default()
    };
    if let Some(f) = &fm.file {
        if f.contains("..") || f.starts_with('/') || f.contains('\\') {
            let span = t.span();
            ctx.error(
                &span,
                format!("[data.{file}] file {f:?} must be a file name inside the data folder"),
            );
        }
    }
    if let Some(v) = t.get("columns") {
        fm.columns = column_table(ctx, v, "columns", file, cols);
    }
    if let Some(v) = t.get("defaults") {
        fm.defaults = column_table(ctx, v, "defaults", file, cols);
    }
    if let Some(v) = t.get("filter") {
        if let DeValue::Table(tbl) = v.get_ref() {
            for (k, val) in tbl.iter() {
                let allowed = match val.get_ref() {
                    DeValue::String(s) => Some(vec![s.to_string()]),
                    _ => as_str_list(ctx, val, k.get_ref()).map(|l| l.into_iter().map(|x| x.0).collect()),
                };
                if let Some(a) = allowed {
                    fm.filter.insert(k.get_ref().to_string(), a);
                }
            }
        } else {
            as_table(ctx, v, "filter", "filter");
        }
    }
    if let Some(v) = t.get("values") {
        if let DeValue::Table(tbl) = v.get_ref() {
            for (k, val) in tbl.iter() {
                let col = k.get_ref().to_string();
                if !cols.contains(&col.as_str()) {
                    ctx.error_help(
                        &k.span(),
                        format!("`{col}` is not a column of {file}.csv"),
                        format!("{file}.csv columns: {}", cols.join(", ")),
                    );
                    continue;
                }
                let mut map = BTreeMap::new();
                if let DeValue::Table(vt) = val.get_ref() {
                    for (from, to) in vt.iter() {
                        if let Some(s) = as_str(ctx, to, from.get_ref()) {
                            map.insert(from.get_ref().to_string(), s);
                        }
                    }
                } else {
                    as_table(ctx, val, &col, "values");
                }
                fm.values.insert(col, map);
            }
        } else {
            as_table(ctx, v, "values", "values");
        }
    }
    if let Some(v) = t.get("date_format") {
        if let Some(f) = as_str(ctx, v, "date_format") {
            let bad = chrono::format::StrftimeItems::new(&f).any(|i| matches!(i, chrono::format::Item::Error));
            if bad || f.is_empty() {
                ctx.error_help(
                    &v.span(),
                    format!("`date_format` {f:?} is not a valid date format"),
                    "use chrono/strftime codes, e.g. \"%m/%d/%Y\" or \"%d.%m.%Y\"",
                );
            } else {
                fm.date_format = Some(f);
            }
        }
    }
    if let Some(v) = t.get("optional") {
        if let Some(list) = as_str_list(ctx, v, "optional") {
            for (c, sp) in list {
                if cols.contains(&c.as_str()) {
                    fm.optional.push(c);
                } else {
                    ctx.error(&sp, format!("`{c}` is not a column of {file}.csv"));
                }
            }
        }
    }
    if file == "reps" {
        if let Some(v) = t.get("managers") {
            if let Some(mut mt) = as_table(ctx, v, "managers", "[data.reps] managers") {
                fm.managers_scheme = mt.require(ctx, "scheme").and_then(|v| as_str(ctx, v, "scheme"));
                mt.finish(ctx, &[]);
            }
        }
    }
    t.finish(ctx, &[]);
    fm
}

fn read_capacity(ctx: &mut Ctx, mut t: Table) -> Option<Capacity> {
    let productivity = t.require(ctx, "productivity").and_then(|v| match v.get_ref() {
        DeValue::String(s) if s.trim().ends_with('%') => match as_rate(ctx, v, "productivity") {
            Some(RawRate::Fixed(d)) if d > Decimal::ZERO => Some(Productivity::QuotaShare(d)),
            _ => {
                ctx.error(&v.span(), "`productivity` as a share of quota must be above 0%");
                None
            }
        },
        _ => {
            let d = as_money(ctx, v, "productivity")?;
            if d.is_zero() {
                ctx.error_help(
                    &v.span(),
                    "`productivity` must be above 0",
                    "the annual credit of a fully ramped rep, or a share of quota such as \"85%\"",
                );
                return None;
            }
            Some(Productivity::Amount(d))
        }
    });
    let attrition = match t.get("attrition") {
        Some(v) => as_decimal(ctx, v, "attrition").and_then(|d| {
            if d.is_sign_negative() || d >= Decimal::ONE {
                ctx.error_help(
                    &v.span(),
                    "`attrition` must be at least 0 and below 1",
                    "0.15 means 15% of reps leave in a year",
                );
                None
            } else {
                Some(d)
            }
        }),
        None => Some(Decimal::ZERO),
    };
    let hire_lead_months = match t.get("hire_lead_months") {
        Some(v) => as_count(ctx, v, "hire_lead_months").and_then(|n| {
            if n > 11 {
                ctx.error(
                    &v.span(),
                    "`hire_lead_months` must be below 12 (a hire must start within the plan year)",
                );
                None
            } else {
                Some(n)
            }
        }),
        None => Some(0),
    };
    let headcount = t.get("headcount").and_then(|v| as_count(ctx, v, "headcount"));
    let scheme = t.get("scheme").and_then(|v| as_str(ctx, v, "scheme"));
    t.finish(ctx, &[]);
    Some(Capacity {
        productivity: productivity?,
        attrition: attrition?,
        hire_lead_months: hire_lead_months?,
        headcount,
        scheme,
    })
}

fn read_recruiting(ctx: &mut Ctx, mut t: Table) -> Option<Recruiting> {
    let mut traits = Vec::new();
    let tv = t.require(ctx, "traits");
    if let Some(v) = tv {
        if let DeValue::Table(tbl) = v.get_ref() {
            for (k, wv) in tbl.iter() {
                let name = k.get_ref().to_string();
                if let Err(e) = crate::units::check_id(&name) {
                    ctx.error(&k.span(), e);
                    continue;
                }
                if let Some(w) = as_decimal(ctx, wv, &name) {
                    if w.is_sign_negative() {
                        ctx.error(&wv.span(), format!("the weight of `{name}` must not be negative"));
                    } else {
                        traits.push((name, w));
                    }
                }
            }
            let sum: Decimal = traits.iter().map(|(_, w)| *w).sum();
            if traits.is_empty() {
                ctx.error(&v.span(), "`traits` must name at least one trait with its weight");
            } else if (sum - Decimal::ONE).abs() > Decimal::new(1, 4) {
                ctx.error_help(
                    &v.span(),
                    format!("trait weights sum to {sum}, not 1"),
                    "weights are shares of the score and must sum to 1 (±0.0001)",
                );
            }
        } else {
            as_table(ctx, v, "traits", "[recruiting] traits");
        }
    }
    let min_score = t.get("min_score").and_then(|v| {
        let d = as_decimal(ctx, v, "min_score")?;
        if d < Decimal::ONE || d > Decimal::from(5) {
            ctx.error(&v.span(), "`min_score` is on the 1–5 scale");
            return None;
        }
        Some(d)
    });
    t.finish(ctx, &[]);
    tv?;
    Some(Recruiting { traits, min_score })
}
