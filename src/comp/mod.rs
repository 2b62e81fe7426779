//! The pay engine: components, caps, clawbacks and draws → every rep's pay, line by line.
//!
//! `evaluate` walks each rep's periods in order (caps per year, clawbacks
//! and draw balances depend on earlier periods). It reads nothing but its
//! arguments and never prints.

pub mod components;
pub mod contest;
pub mod exact;
pub mod lines;
pub mod program;
pub mod settle;

pub use lines::{Line, LineKind, PeriodPay};

use crate::calendar::Calendar;
use crate::credit::{sum, Ledger, TooLarge, TreeSums};
use crate::data::quotas::Quotas;
use crate::data::Roster;
use crate::diag::Diagnostic;
use crate::plan::{ComponentKind, CreditScope, Plan, Scope};
use crate::units::fmt_money_human;
use components::PeriodFacts;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Per (scheme, filtered commission): each rep's credit through the filter
/// per period, and its sums over the reporting tree per period.
type Filtered = HashMap<(usize, usize), (Vec<Vec<Decimal>>, Vec<TreeSums>)>;

/// A column of payouts: its name and how to read it.
type Column = (&'static str, fn(&PeriodPay) -> Decimal);

/// SPIFF hits by (rep, period, component): (deal id, split, amount).
type SpiffIndex = std::collections::BTreeMap<(usize, usize, usize), Vec<(String, Decimal, Decimal)>>;
/// Per-deal commission rows by (segment, period, component): (deal id, credit).
type DealIndex = std::collections::BTreeMap<(usize, usize, usize), Vec<(String, Decimal)>>;

/// What carries from one period to the next, in cents.
#[derive(Debug, Default)]
struct Year {
    /// Per scheme: the earned total of the earlier periods under it (for its year cap).
    earned_so_far: Vec<i128>,
    /// What the rep owes (draws recoverable, carried deficits), across assignments.
    balance: i128,
    /// Per segment of the rep (in its order), per earlier period: (commission after component caps, credit).
    /// (and the average rate its cumulative commissions have paid to date, for a
    /// deal cancelled when the group is no longer paid).
    commission_rate: Vec<Vec<(Decimal, Decimal, Decimal)>>,
    /// Per (segment, cumulative component): the year to date so far.
    cumulative: HashMap<(usize, usize), ToDate>,
}

/// A cumulative component's year to date: quota, credit, credit through its
/// filter and the bonus target's share, summed over the periods so far, and
/// what those periods paid under it.
#[derive(Debug, Default, Clone, Copy)]
struct ToDate {
    quota: Decimal,
    credit: Decimal,
    filtered: Decimal,
    share: Decimal,
    paid: i128,
}

/// One rep's year.
#[derive(Debug, Clone)]
pub struct RepPay {
    /// Rep index in the roster.
    pub rep: usize,
    /// One entry per period.
    pub periods: Vec<PeriodPay>,
}

impl RepPay {
    /// Sum of a field over the year.
    pub fn total(&self, f: impl Fn(&PeriodPay) -> Decimal) -> Decimal {
        self.periods.iter().map(f).sum()
    }

    /// The balance left at the end of the year.
    pub fn final_balance(&self) -> Decimal {
        self.periods.last().map(|p| p.balance).unwrap_or_default()
    }
}

/// The whole evaluation.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// Every rep, in roster order.
    pub reps: Vec<RepPay>,
    /// Warnings (quota 0, balances left, ...).
    pub warnings: Vec<Diagnostic>,
}

/// Pays every rep of the roster for the plan year.
///
/// Never panics. Should an amount be beyond the range of exact decimals
/// ([`try_evaluate`] names it), every rep is paid nothing and the errors come
/// first among the warnings; a caller that can stop uses [`try_evaluate`].
pub fn evaluate(plan: &Plan, roster: &Roster, cal: &Calendar, ledger: &Ledger, explicit: &Quotas) -> Evaluation {
    try_evaluate(plan, roster, cal, ledger, explicit).unwrap_or_else(|errors| Evaluation {
        reps: (0..roster.reps.len())
            .map(|rep| RepPay {
                rep,
                periods: vec![PeriodPay::default(); cal.periods()],
            })
            .collect(),
        warnings: errors,
    })
}

/// What keeps a rep's pay from being computed: the period and the operation
/// beyond the range of exact decimals, described.
type Unpayable = (Option<usize>, String);

/// Pays every rep of the roster for the plan year, or says which amounts
/// cannot be represented.
///
/// Every amount is an exact decimal of at most 28 significant digits, below
/// about 7.9 × 10^28 in absolute value. With amounts below 10^15 and weights,
/// multipliers and rates at most 100, a rep's pay stays far inside that range
/// unless tens of millions of deal rows are credited to one rep; the error,
/// located at the rep's row of reps.csv, names the operation that would leave
/// the range. So that no total of the evaluation can overflow either, the
/// absolute values of each column of payouts summed over every rep and
/// period must be in the range too.
#[allow(clippy::needless_range_loop)] // `p` indexes several per-period tables at once
pub fn try_evaluate(
    plan: &Plan,
    roster: &Roster,
    cal: &Calendar,
    ledger: &Ledger,
    explicit: &Quotas,
) -> Result<Evaluation, Vec<Diagnostic>> {
    let n = cal.periods();
    let nr = roster.reps.len();
    let too_large = |r: usize, (p, what): Unpayable| {
        let when = p.map_or_else(
            || "the year before the plan year".to_string(),
            |p| cal.label(p).to_string(),
        );
        let id = roster.reps.get(r).map_or("?", |x| x.id.as_str());
        roster.at_rep(
            r,
            Diagnostic::error(format!(
                "the pay of rep {id} in {when} cannot be computed: {what} is beyond the range of exact amounts"
            ))
            .with_help(
                "amounts are exact decimals of at most 28 digits (below 7.9 × 10^28); \
                 this needs credit of tens of millions of deal rows at the largest amounts, weights and rates: check the data and the plan's rates",
            )
            .with_code("pay.out-of-range"),
        )
    };
    if let Some((r, p)) = ledger.overflow() {
        return Err(vec![too_large(r, (p, "the sum of its credit".into()))]);
    }
    // Own credit per period and segment (a rep's assignment; without
    // assignments.csv segment r is rep r): team credit and overrides sum these.
    let ns = roster.segs.len();
    let dated = roster.dated();
    let mut own: Vec<Vec<Decimal>> = vec![Vec::with_capacity(ns); n];
    for (p, col) in own.iter_mut().enumerate() {
        for s in 0..ns {
            col.push(ledger.try_credit(s, p).map_err(|e| {
                vec![too_large(
                    roster.segs[s].rep,
                    (Some(p), format!("its credit ({})", e.0)),
                )]
            })?);
        }
    }
    let order = roster.bottom_up();
    let trees = |values: &[Vec<Decimal>], what: &str| -> Result<Vec<TreeSums>, Vec<Diagnostic>> {
        values
            .iter()
            .enumerate()
            .map(|(p, v)| TreeSums::new(roster, &order, v).map_err(|r| vec![too_large(r, (Some(p), what.into()))]))
            .collect()
    };
    let on_team = |s: usize| plan.schemes[s].credit != CreditScope::Own;
    // One tree for the year (no assignments): team sums over it; with
    // assignments the ledger booked each deal up the tree of its close date.
    let team_tree = !dated
        && roster.reps.iter().any(|rep| {
            let s = &plan.schemes[rep.scheme];
            s.credit == CreditScope::Team
                || s.components
                    .iter()
                    .any(|c| matches!(c.kind, ComponentKind::Override { scope: Scope::All, .. }))
        });
    let own_tree = if team_tree {
        trees(&own, "the sum of its team's credit")?
    } else {
        Vec::new()
    };
    // Per (scheme on team credit, filtered commission): each rep's credit
    // through the filter per period, and its sums over the tree.
    let mut filtered: Filtered = HashMap::new();
    for rep in roster.reps.iter().filter(|_| !dated) {
        let (si, s) = (rep.scheme, &plan.schemes[rep.scheme]);
        if !on_team(si) {
            continue;
        }
        for (ci, c) in s.components.iter().enumerate() {
            let ComponentKind::Commission { filter, .. } = &c.kind else {
                continue;
            };
            if filter.is_all() || filtered.contains_key(&(si, ci)) {
                continue;
            }
            let mut values = vec![Vec::with_capacity(nr); n];
            for (p, col) in values.iter_mut().enumerate() {
                for x in 0..nr {
                    col.push(
                        ledger
                            .try_credit_where(x, p, |t, pr| filter.passes(t, pr))
                            .map_err(|e| vec![too_large(x, (Some(p), format!("its credit ({})", e.0)))])?,
                    );
                }
            }
            let t = if s.credit == CreditScope::Team {
                trees(&values, "the sum of its team's credit")?
            } else {
                Vec::new()
            };
            filtered.insert((si, ci), (values, t));
        }
    }
    // Segment s's credit over its scheme's credit set through `keep` (None:
    // every deal), in period p; `values`/`tree`: the one-tree sums when
    // there are no assignments.
    let set_credit = |segs: &[usize],
                      p: usize,
                      scope: CreditScope,
                      keep: Option<&crate::plan::DealFilter>,
                      values: &[Decimal],
                      tree: Option<&TreeSums>|
     -> Result<Decimal, TooLarge> {
        let pass = |t: crate::units::DealType, pr: Option<&str>| keep.is_none_or(|f| f.passes(t, pr));
        if dated {
            let mut total = Decimal::ZERO;
            for &s in segs {
                let mine = ledger.try_credit_where(s, p, pass)?;
                let below = match scope {
                    CreditScope::Own => Decimal::ZERO,
                    CreditScope::DirectTeam => ledger.try_below_where(s, p, false, pass)?,
                    CreditScope::Team => ledger.try_below_where(s, p, true, pass)?,
                };
                total = crate::credit::add(total, crate::credit::add(mine, below)?)?;
            }
            return Ok(total);
        }
        // One tree for the year: a rep is one segment.
        let r = segs.first().copied().unwrap_or_default();
        match scope {
            CreditScope::Own => sum([values[r]]),
            CreditScope::DirectTeam => sum(std::iter::once(r)
                .chain(roster.reports[r].iter().copied())
                .map(|x| values[x])),
            CreditScope::Team => match tree {
                Some(t) => t.team(roster, r, values),
                None => sum(std::iter::once(r).chain(roster.descendants(r)).map(|x| values[x])),
            },
        }
    };
    let mut spiffs: SpiffIndex = Default::default();
    for h in &ledger.spiffs {
        spiffs
            .entry((h.seg, h.period, h.component))
            .or_default()
            .push((h.deal_id.clone(), h.split, h.amount));
    }
    let placings = contest::placings(plan, &ledger.contests, plan.rounding, |s, r, day| {
        roster.segs[roster.seg_at(r, day)].scheme == s
    });
    let mut deal_rows: DealIndex = Default::default();
    for h in &ledger.deals {
        deal_rows
            .entry((h.seg, h.period, h.component))
            .or_default()
            .push((h.deal_id.clone(), h.credit));
    }
    // Scored objectives by (rep, period): (weight, score).
    let mut objectives: std::collections::BTreeMap<(usize, usize), Vec<(Decimal, Decimal)>> = Default::default();
    for o in &ledger.objectives {
        objectives
            .entry((o.rep, o.period))
            .or_default()
            .push((o.weight, o.score));
    }
    // Manual adjustments by (rep, period), in file order.
    let mut adjustments: std::collections::BTreeMap<(usize, usize), Vec<&crate::data::adjustments::Adjustment>> =
        Default::default();
    for a in &ledger.adjustments {
        adjustments.entry((a.rep, a.period)).or_default().push(a);
    }
    let program = program::compile(plan, roster, cal, explicit);
    let rounding = plan.rounding;
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let mut reps = Vec::with_capacity(nr);
    for (r, rep) in roster.reps.iter().enumerate() {
        let segs = &roster.rep_segs[r];
        // A segment's place among the rep's (its own first).
        let local = |sg: usize| segs.iter().position(|&x| x == sg).unwrap_or(0);
        // Consecutive assignments on the same terms (scheme, quota, base salary)
        // are paid as one, under the first: a transfer to another manager or
        // territory changes where team credit goes, not how the rep is paid.
        let mut heads: Vec<usize> = Vec::with_capacity(segs.len());
        for (k, &x) in segs.iter().enumerate() {
            let same = k > 0 && {
                let (a, b) = (&roster.segs[segs[k - 1]], &roster.segs[x]);
                a.scheme == b.scheme && a.quota == b.quota && a.base_salary == b.base_salary
            };
            let h = if same { heads.last().copied().unwrap_or(x) } else { x };
            heads.push(h);
        }
        let head = |x: usize| heads[local(x)];
        // A pay group's terms in a period: its assignments' terms summed.
        let combined = |members: &[usize], p: usize| -> program::PeriodTerms {
            let mut t = program.reps[members[0]].periods[p].clone();
            for &x in &members[1..] {
                let u = &program.reps[x].periods[p];
                t.quota += u.quota;
                t.num += u.num;
                t.base = t.base.saturating_add(u.base);
                t.ote = t.ote.saturating_add(u.ote);
                t.guarantee = match (t.guarantee, u.guarantee) {
                    (Some((a, _)), Some((b, rec))) => Some((a.saturating_add(b), rec)),
                    (a, None) => a,
                    (None, b) => b,
                };
            }
            t
        };
        let mut periods: Vec<PeriodPay> = Vec::with_capacity(n);
        let mut year = Year {
            earned_so_far: vec![0; plan.schemes.len()],
            commission_rate: vec![Vec::with_capacity(n); segs.len()],
            ..Year::default()
        };
        let mut pay_period = |p: usize, warnings: &mut Vec<Diagnostic>| -> Result<PeriodPay, Unpayable> {
            fn at(p: usize, what: &str) -> impl Fn(TooLarge) -> Unpayable + '_ {
                move |e| (Some(p), format!("{what} ({})", e.0))
            }
            let beyond = |what: &str| (Some(p), what.to_string());
            // An amount an exact decimal cannot hold: the error shows it in full.
            let dec = |c: i128, what: &str| {
                settle::cents_decimal(c).ok_or_else(|| beyond(&format!("{what} ({})", settle::cents_text(c))))
            };
            // The assignments paid in this period: those in force in it or credited
            // in it (or the one of its last day, when none is), in date order.
            let mut inn: Vec<usize> = segs
                .iter()
                .copied()
                .filter(|&s| segs.len() == 1 || !program.reps[s].periods[p].num.is_zero() || ledger.has_credit(s, p))
                .collect();
            if inn.is_empty() {
                inn.push(roster.seg_at(r, cal.period_end(p)));
            }
            let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
            for &x in &inn {
                let h = head(x);
                match groups.last_mut() {
                    Some((g, m)) if *g == h => m.push(x),
                    _ => groups.push((h, vec![x])),
                }
            }
            let multi = groups.len() > 1;
            let mut contests_paid: Vec<(usize, usize)> = Vec::new();
            let mut lines = Vec::new();
            let (mut earned, mut quota, mut credit, mut own_credit) =
                (0i128, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
            let (mut base, mut guarantee) = (0i128, None::<(i128, bool)>);
            for (sg, members) in &groups {
                let (sg, members) = (*sg, members.as_slice());
                let seg = &roster.segs[sg];
                let scheme = &plan.schemes[seg.scheme];
                let st = &program.schemes[seg.scheme];
                let t = &combined(members, p);
                let q = t.quota;
                let credit_s = set_credit(members, p, scheme.credit, None, &own[p], own_tree.get(p))
                    .map_err(at(p, "its credit"))?;
                if q.is_zero() && (t.num > Decimal::ZERO || !credit_s.is_zero()) {
                    warnings.push(
                        Diagnostic::warning(format!(
                            "rep {} has quota 0 in {}: attainment is not defined and attainment-based components pay nothing",
                            rep.id,
                            cal.label(p)
                        ))
                        .with_code("pay.quota-zero"),
                    );
                }
                // With two assignments in the period, each line says which scheme it is paid under.
                let label = |c: &str| {
                    if multi {
                        format!("{}: {c}", scheme.id)
                    } else {
                        c.to_string()
                    }
                };
                // The group's credit through component k's filter (its credit when k has none).
                let credit_of = |k: usize| -> Result<Decimal, TooLarge> {
                    match scheme.components.get(k).map(|x| &x.kind) {
                        Some(ComponentKind::Commission { filter, .. }) if !filter.is_all() => {
                            match filtered.get(&(seg.scheme, k)) {
                                Some((values, t)) => {
                                    set_credit(members, p, scheme.credit, Some(filter), &values[p], t.get(p))
                                }
                                None if dated => set_credit(members, p, scheme.credit, Some(filter), &own[p], None),
                                None => ledger.try_credit_where(sg, p, |t, pr| filter.passes(t, pr)),
                            }
                        }
                        _ => Ok(credit_s),
                    }
                };
                let mut commission = 0i128;
                let mut earned_s = 0i128;
                for (ci, c) in scheme.components.iter().enumerate() {
                    let component = format!("component {:?}", c.name);
                    let filtered_credit = credit_of(ci).map_err(at(p, &format!("the credit of {component}")))?;
                    let override_credit = match &c.kind {
                        ComponentKind::Override { scope, .. } if dated => {
                            members.iter().try_fold(Decimal::ZERO, |acc, &x| {
                                crate::credit::add(
                                    acc,
                                    ledger.try_below_where(x, p, *scope == Scope::All, |_, _| true)?,
                                )
                            })
                        }
                        ComponentKind::Override {
                            scope: Scope::Direct, ..
                        } => sum(roster.reports[r].iter().map(|&x| own[p][x])),
                        ComponentKind::Override { scope: Scope::All, .. } => match own_tree.get(p) {
                            Some(t) => t.below(roster, r, &own[p]),
                            None => sum(roster.descendants(r).into_iter().map(|x| own[p][x])),
                        },
                        _ => Ok(Decimal::ZERO),
                    }
                    .map_err(at(p, &format!("the credit of {component}")))?;
                    let hits: Vec<(String, Decimal, Decimal)> = members
                        .iter()
                        .flat_map(|&x| spiffs.get(&(x, p, ci)).into_iter().flatten().cloned())
                        .collect();
                    let deals: Vec<(String, Decimal)> = members
                        .iter()
                        .flat_map(|&x| deal_rows.get(&(x, p, ci)).into_iter().flatten().cloned())
                        .collect();
                    let mut facts = PeriodFacts {
                        quota: q,
                        credit: credit_s,
                        filtered_credit,
                        prorate_num: t.num,
                        prorate_den: t.year_den,
                        override_credit,
                        spiff_hits: &hits,
                        deals: &deals,
                        // A contest pays in the period its window ends, under the first assignment on its scheme.
                        placing: match &c.kind {
                            ComponentKind::Contest { to, .. }
                                if cal.period_of(*to) == Some(p) && !contests_paid.contains(&(seg.scheme, ci)) =>
                            {
                                contests_paid.push((seg.scheme, ci));
                                placings.get(&(seg.scheme, ci, r))
                            }
                            _ => None,
                        },
                        // A rep's objectives go to the assignment it ends the period under.
                        objectives: if Some(&sg) == groups.last().map(|g| &g.0) {
                            objectives.get(&(r, p)).map(Vec::as_slice).unwrap_or(&[])
                        } else {
                            &[]
                        },
                        rounding,
                    };
                    // Cumulative: the rule on the year to date, less what earlier periods paid under it.
                    let to_date = if st.cumulative[ci] {
                        // A deal clawed back this period leaves the year to date (the
                        // true-up recovers it; no clawback line counts this component).
                        let (mut gone, mut gone_filtered) = (Decimal::ZERO, Decimal::ZERO);
                        for h in ledger
                            .clawbacks
                            .iter()
                            .filter(|h| h.rep == r && head(h.seg) == sg && h.cancel_period == p)
                        {
                            let x = crate::credit::mul(h.credit, h.share).map_err(at(p, &component))?;
                            gone = crate::credit::add(gone, x).map_err(at(p, &component))?;
                            let passes = match &c.kind {
                                ComponentKind::Commission { filter, .. } => ledger.key_passes(h.key, filter),
                                _ => true,
                            };
                            if passes {
                                gone_filtered = crate::credit::add(gone_filtered, x).map_err(at(p, &component))?;
                            }
                        }
                        let td = year.cumulative.entry((sg, ci)).or_default();
                        let add = |a: Decimal, b: Decimal| crate::credit::add(a, b).map_err(at(p, &component));
                        td.quota = add(td.quota, q)?;
                        td.credit = add(td.credit, credit_s - gone)?;
                        td.filtered = add(td.filtered, filtered_credit - gone_filtered)?;
                        if !t.year_den.is_zero() {
                            td.share = add(td.share, t.num / t.year_den)?;
                        }
                        facts.quota = td.quota;
                        facts.credit = td.credit;
                        facts.filtered_credit = td.filtered;
                        facts.prorate_num = td.share;
                        facts.prorate_den = Decimal::ONE;
                        Some(td.paid)
                    } else {
                        None
                    };
                    let mut cl = components::lines(c, &facts).map_err(at(p, &component))?;
                    // A gate: nothing is paid while the attainment it names is below its bound
                    // (nor, for a cumulative component, taken back: its true-up waits).
                    let mut gated_out = false;
                    if let Some(g) = &c.gate {
                        let of = g.component.and_then(|k| scheme.components.get(k));
                        let gated_credit = match g.component {
                            Some(k) => credit_of(k).map_err(at(p, &component))?,
                            None => credit_s,
                        };
                        let att = if q.is_zero() {
                            None
                        } else {
                            Some(crate::credit::div(gated_credit, q).map_err(at(p, &component))?)
                        };
                        if att.is_none_or(|a| a < g.min_attainment) {
                            gated_out = true;
                        }
                        // The line says so when the gate held back an amount.
                        if gated_out && cl.iter().any(|l| !l.amount.is_zero()) {
                            let whose = of.map_or_else(|| "the scheme's".to_string(), |x| format!("{:?}", x.name));
                            let shown = att.map_or_else(
                                || "undefined (quota 0)".to_string(),
                                |a| {
                                    a.round_dp_with_strategy(8, rust_decimal::RoundingStrategy::ToZero)
                                        .normalize()
                                        .to_string()
                                },
                            );
                            cl = vec![Line {
                                component: c.name.clone(),
                                label: format!(
                                    "not paid: {whose} attainment {shown} is below the gate {}",
                                    g.min_attainment.normalize()
                                ),
                                basis: None,
                                rate: None,
                                amount: Decimal::ZERO,
                                kind: LineKind::Earned,
                            }];
                        } else if gated_out {
                            cl.clear();
                        }
                    }
                    if let Some(before) = to_date.filter(|_| !gated_out) {
                        for l in &mut cl {
                            l.label = format!("year to date: {}", l.label);
                        }
                        if before != 0 {
                            cl.push(Line {
                                component: c.name.clone(),
                                label: "paid in earlier periods".into(),
                                basis: None,
                                rate: None,
                                amount: dec(-before, &component)?,
                                kind: LineKind::Earned,
                            });
                        }
                    }
                    let raw = cl.iter().try_fold(0i128, |acc, l| {
                        settle::decimal_cents(l.amount).and_then(|x| acc.checked_add(x))
                    });
                    let raw = raw.ok_or_else(|| beyond(&component))?;
                    let amount = settle::cap(raw, st.caps[ci].map(i128::from));
                    if to_date.is_some() && !gated_out {
                        if let Some(td) = year.cumulative.get_mut(&(sg, ci)) {
                            td.paid = td.paid.checked_add(amount).ok_or_else(|| beyond(&component))?;
                        }
                    }
                    if amount != raw {
                        cl.push(Line {
                            component: c.name.clone(),
                            label: format!("cap {}", fmt_money_human(dec(amount, &component)?)),
                            basis: Some(dec(raw, &component)?),
                            rate: None,
                            amount: dec(amount - raw, &component)?,
                            kind: LineKind::Earned,
                        });
                    }
                    // The rate clawbacks recover at: commissions paid on the period's own
                    // credit (a cumulative one recovers through its true-up).
                    if matches!(c.kind, ComponentKind::Commission { .. }) && !st.cumulative[ci] {
                        commission = commission.checked_add(amount).ok_or_else(|| beyond("its commission"))?;
                    }
                    earned_s = earned_s
                        .checked_add(amount)
                        .ok_or_else(|| beyond("its earned incentive"))?;
                    for mut l in cl {
                        l.component = label(&l.component);
                        lines.push(l);
                    }
                }
                let what = "its earned incentive";
                // A year cap applies to what was earned under its scheme.
                let capped = settle::scheme_caps(
                    earned_s,
                    st.cap_period.map(i128::from),
                    st.cap_year.map(i128::from),
                    &mut year.earned_so_far[seg.scheme],
                )
                .ok_or_else(|| beyond(what))?;
                let mut cut = |text: String, from: i128, to: i128| -> Result<(), Unpayable> {
                    lines.push(Line {
                        component: label("scheme cap"),
                        label: text,
                        basis: Some(dec(from, what)?),
                        rate: None,
                        amount: dec(to - from, what)?,
                        kind: LineKind::Earned,
                    });
                    Ok(())
                };
                if let (Some(from), Some(c)) = (capped.period_cut, st.cap_period) {
                    cut(
                        format!("period cap {}", fmt_money_human(dec(c.into(), what)?)),
                        from,
                        c.into(),
                    )?;
                }
                if let (Some((from, so_far)), Some(c)) = (capped.year_cut, st.cap_year) {
                    let text = format!(
                        "year cap {} ({} earned before)",
                        fmt_money_human(dec(c.into(), what)?),
                        fmt_money_human(dec(so_far, what)?)
                    );
                    cut(text, from, capped.earned)?;
                }
                // A cumulative commission's average rate to date: what a deal cancelled
                // after the group stops being paid is recovered at (no true-up will).
                let mut cum_rate = Decimal::ZERO;
                for (ci, c) in scheme.components.iter().enumerate() {
                    if !(st.cumulative[ci] && matches!(c.kind, ComponentKind::Commission { .. })) {
                        continue;
                    }
                    if let Some(td) = year
                        .cumulative
                        .get(&(sg, ci))
                        .filter(|td| td.credit > Decimal::ZERO && td.paid > 0)
                    {
                        let r = crate::credit::div(dec(td.paid, "its commission")?, td.credit)
                            .map_err(at(p, "its commission"))?;
                        cum_rate = crate::credit::add(cum_rate, r).map_err(at(p, "its commission"))?;
                    }
                }
                year.commission_rate[local(sg)].push((dec(commission, "its commission")?, credit_s, cum_rate));
                earned = earned.checked_add(capped.earned).ok_or_else(|| beyond(what))?;
                quota += q;
                credit = crate::credit::add(credit, credit_s).map_err(at(p, "its credit"))?;
                for &x in members {
                    own_credit = crate::credit::add(own_credit, own[p][x]).map_err(at(p, "its credit"))?;
                }
                base = base.checked_add(t.base.into()).ok_or_else(|| beyond("its base pay"))?;
                if let Some((d, rec)) = t.guarantee {
                    let before = guarantee.map_or(0, |g| g.0);
                    guarantee = Some((before + i128::from(d), rec));
                }
            }
            // The pay groups not paid this period keep their per-period history aligned
            // (a group's history is kept under its first assignment).
            for (k, x) in segs.iter().enumerate() {
                if heads[k] == *x && !groups.iter().any(|g| g.0 == *x) {
                    year.commission_rate[k].push((Decimal::ZERO, Decimal::ZERO, Decimal::ZERO));
                }
            }
            let attainment = if quota.is_zero() {
                None
            } else {
                Some(crate::credit::div(credit, quota).map_err(at(p, "its attainment"))?)
            };
            let mut clawback = 0i128;
            for h in ledger.clawbacks.iter().filter(|h| h.rep == r && h.cancel_period == p) {
                // Recovered at the rate of the assignment that paid the deal.
                let (cm, cr, cum_rate) = year.commission_rate[local(head(h.seg))]
                    .get(h.close_period)
                    .copied()
                    .unwrap_or_default();
                // Its group's cumulative commissions recover it through their true-up when
                // the group is paid this period; else at their average rate to date.
                let cm = if groups.iter().any(|g| g.0 == head(h.seg)) || cum_rate.is_zero() {
                    cm
                } else {
                    crate::credit::add(cm, crate::credit::mul(cum_rate, cr).map_err(at(p, "a clawback"))?)
                        .map_err(at(p, "a clawback"))?
                };
                // A graded clawback recovers its share of the deal's credit.
                let basis = if h.share == Decimal::ONE {
                    h.credit
                } else {
                    crate::credit::mul(h.credit, h.share).map_err(at(p, "a clawback"))?
                };
                let Some(x) = settle::clawback(basis, cm, cr, rounding).map_err(at(p, "a clawback"))? else {
                    continue;
                };
                clawback = clawback.checked_add(x).ok_or_else(|| beyond("its clawbacks"))?;
                let graded = if h.share == Decimal::ONE {
                    String::new()
                } else {
                    format!(" ({}% recovered)", (h.share * Decimal::ONE_HUNDRED).normalize())
                };
                lines.push(Line {
                    component: "clawback".into(),
                    label: format!("deal {} cancelled {}{graded}", h.deal_id, h.cancel_date),
                    basis: Some(basis),
                    rate: Some(crate::credit::div(cm, cr).map_err(at(p, "a clawback"))?),
                    amount: dec(x, "a clawback")?,
                    kind: LineKind::Clawback,
                });
            }
            let what = "its draw and balance";
            let net = earned.checked_add(clawback).ok_or_else(|| beyond(what))?;
            let (d, recoverable) = guarantee.unwrap_or((0, false));
            // The recovery cap of the last assignment in force whose scheme has a draw.
            let recovery_cap = inn
                .iter()
                .rev()
                .map(|&sg| roster.segs[sg].scheme)
                .find(|&s| plan.schemes[s].draw.is_some())
                .and_then(|s| program.schemes[s].recovery_cap);
            let s = settle::settle(net, d, recoverable, recovery_cap, &mut year.balance).ok_or_else(|| beyond(what))?;
            let mut push = |label: &str, basis: Option<i128>, amount: i128, kind: LineKind| -> Result<(), Unpayable> {
                if amount != 0 {
                    lines.push(Line {
                        component: "draw".into(),
                        label: label.into(),
                        basis: basis.map(|b| dec(b, what)).transpose()?,
                        rate: None,
                        amount: dec(amount, what)?,
                        kind,
                    });
                }
                Ok(())
            };
            push(
                "recovery of earlier balance",
                Some(s.balance_before),
                -s.recovered,
                LineKind::Recovered,
            )?;
            let label = if recoverable {
                "draw top-up (recoverable)"
            } else {
                "draw top-up (non-recoverable)"
            };
            push(label, Some(d), s.topup, LineKind::DrawTopup)?;
            push("deficit carried forward", None, s.deficit, LineKind::Deficit)?;
            // Adjustments come last: never capped, outside the draw balance.
            let mut adjusted = 0i128;
            for a in adjustments.get(&(r, p)).map(Vec::as_slice).unwrap_or(&[]) {
                let x = settle::decimal_cents(a.amount).ok_or_else(|| beyond("an adjustment"))?;
                adjusted = adjusted.checked_add(x).ok_or_else(|| beyond("its adjustments"))?;
                lines.push(Line {
                    component: "adjustment".into(),
                    label: a.label(),
                    basis: None,
                    rate: None,
                    amount: a.amount,
                    kind: LineKind::Adjustment,
                });
            }
            let paid = s
                .paid
                .checked_add(adjusted)
                .ok_or_else(|| beyond("its incentive paid"))?;
            let total = base.checked_add(paid).ok_or_else(|| beyond("its total pay"))?;
            let mut schemes: Vec<usize> = inn.iter().map(|&sg| roster.segs[sg].scheme).collect();
            schemes.dedup();
            Ok(PeriodPay {
                quota,
                credit,
                own_credit,
                attainment,
                base_pay: dec(base, "its base pay")?,
                earned: dec(earned, "its earned incentive")?,
                clawback: dec(clawback, "its clawbacks")?,
                draw_topup: dec(s.topup, what)?,
                recovered: dec(s.recovered, what)?,
                deficit: dec(s.deficit, what)?,
                adjustments: dec(adjusted, "its adjustments")?,
                incentive_paid: dec(paid, "its incentive paid")?,
                total_pay: dec(total, "its total pay")?,
                balance: dec(year.balance, what)?,
                schemes,
                lines,
            })
        };
        let mut failed = None;
        for p in 0..n {
            match pay_period(p, &mut warnings) {
                Ok(pay) => periods.push(pay),
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        if let Some(e) = failed {
            errors.push(too_large(r, e));
            continue;
        }
        if year.balance != 0 {
            let owed = settle::cents_decimal(year.balance).unwrap_or_default();
            warnings.push(
                Diagnostic::warning(format!(
                    "rep {} ends the year owing {} (reported, not charged to base pay)",
                    rep.id,
                    crate::units::fmt_money(owed)
                ))
                .with_code("pay.owing-at-year-end"),
            );
        }
        reps.push(RepPay { rep: r, periods });
    }
    if errors.is_empty() {
        if let Some((what, r, p, acc, x)) = totals_overflow(&reps) {
            let id = &roster.reps[r].id;
            errors.push(
                roster.at_rep(
                    r,
                    Diagnostic::error(format!(
                        "the team's {what} summed over every rep and period is beyond the range of exact amounts: \
                         {acc} before rep {id}'s {x} in {}",
                        cal.label(p),
                        acc = acc.normalize(),
                        x = x.normalize(),
                    ))
                    .with_help(
                        "amounts are exact decimals of at most 28 digits (below 7.9 × 10^28), and so are the \
                         team's totals; check the data and the plan's rates",
                    )
                    .with_code("pay.total-out-of-range"),
                ),
            );
        }
    }
    if errors.is_empty() {
        Ok(Evaluation { reps, warnings })
    } else {
        Err(errors)
    }
}

/// The first column of payouts whose absolute values, summed over every rep
/// and period, overflow (so any total a report makes of it fits): its name,
/// the rep and period where the sum leaves the range, the sum before it and
/// the value added.
fn totals_overflow(reps: &[RepPay]) -> Option<(&'static str, usize, usize, Decimal, Decimal)> {
    let columns: [Column; 13] = [
        ("quota", |p| p.quota),
        ("credit", |p| p.credit),
        ("own credit", |p| p.own_credit),
        ("attainment", |p| p.attainment.unwrap_or_default()),
        ("base pay", |p| p.base_pay),
        ("earned incentive", |p| p.earned),
        ("clawbacks", |p| p.clawback),
        ("draw top-ups", |p| p.draw_topup),
        ("recoveries", |p| p.recovered),
        ("deficits", |p| p.deficit),
        ("adjustments", |p| p.adjustments),
        ("incentive paid", |p| p.incentive_paid),
        ("total pay", |p| p.total_pay),
    ];
    columns.into_iter().find_map(|(name, f)| {
        let mut acc = Decimal::ZERO;
        for rp in reps {
            for (p, pay) in rp.periods.iter().enumerate() {
                let x = f(pay).abs();
                match acc.checked_add(x) {
                    Some(s) => acc = s,
                    None => return Some((name, rp.rep, p, acc, x)),
                }
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Rep;
    use crate::units::DealType;
    use rust_decimal_macros::dec;

    const PLAN: &str = r#"[plan]
name = "Huge"
currency = "USD"
year_start = 2026-01-01
period = "quarter"

[[schemes]]
id = "ae"
name = "AE"
quota = 400_000

[[schemes.components]]
kind = "commission"
name = "Commission"
tiers = [ { from = 0, rate = 100 } ]
"#;

    fn case(credit: Decimal) -> (Plan, Roster, Calendar, Ledger) {
        let plan = crate::plan::load(PLAN, "plan.toml")
            .map(|l| l.plan)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let mut roster = Roster::from_reps(vec![Rep {
            id: "A1".into(),
            name: "Ana".into(),
            scheme: 0,
            territory: None,
            manager: None,
            hire: None,
            end: None,
            line: 2,
        }]);
        roster.file = "data/reps.csv".into();
        let cal = Calendar::new(plan.year_start, plan.period).unwrap_or_else(|| panic!("calendar"));
        let mut ledger = Ledger::new(&plan, &roster, &cal, false);
        ledger.add_credit(0, 1, DealType::New, None, credit);
        (plan, roster, cal, ledger)
    }

    #[test]
    fn pay_beyond_the_range_of_exact_amounts_is_a_located_error() {
        // 10^27 of credit (beyond what deals.csv can hold) at 10,000%: 10^29.
        let (plan, roster, cal, ledger) = case(dec!(1_000_000_000_000_000_000_000_000_000));
        let errors = try_evaluate(&plan, &roster, &cal, &ledger, &Quotas::new())
            .err()
            .unwrap_or_default();
        assert_eq!(errors.len(), 1, "{errors:?}");
        let e = &errors[0];
        assert!(e.is_error());
        assert_eq!(
            (e.file.as_deref(), e.line, e.column),
            (Some("data/reps.csv"), Some(2), Some(1))
        );
        assert_eq!(e.value.as_deref(), Some("A1"));
        assert!(
            e.message.contains("rep A1 in Q2") && e.message.contains("\"Commission\""),
            "{}",
            e.message
        );
        assert!(
            e.message.contains("1000000000000000000000000000 × 100"),
            "{}",
            e.message
        );
        // `evaluate` never panics: nothing is paid and the error leads the warnings.
        let ev = evaluate(&plan, &roster, &cal, &ledger, &Quotas::new());
        assert!(ev.warnings[0].is_error());
        assert!(ev.reps[0].periods.iter().all(|p| p.total_pay.is_zero()));
    }

    #[test]
    fn the_largest_representable_pay_is_paid() {
        // 7 × 10^26 at 10,000% = 7 × 10^28, just inside the range: paid to the cent.
        let (plan, roster, cal, ledger) = case(dec!(700_000_000_000_000_000_000_000_000));
        let ev = try_evaluate(&plan, &roster, &cal, &ledger, &Quotas::new()).unwrap_or_else(|e| panic!("{e:?}"));
        let q2 = &ev.reps[0].periods[1];
        assert_eq!(q2.incentive_paid, dec!(70_000_000_000_000_000_000_000_000_000));
        assert_eq!(q2.attainment, Some(dec!(7_000_000_000_000_000_000_000)));
    }
}
