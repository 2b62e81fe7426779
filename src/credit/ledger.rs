//! The credit ledger: one streaming pass over deal rows into per-rep, per-period sums.
//!
//! Credit is kept by (deal type, product) so that any component's filter can be
//! summed later without a second pass. Only SPIFF hits and clawback candidates
//! are kept row by row, as the rules need them.

use crate::calendar::Calendar;
use crate::data::{DealRow, Roster};
use crate::plan::{ComponentKind, Plan};
use crate::units::{DealType, Rounding};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A deal row that earns a SPIFF.
#[derive(Debug, Clone)]
pub struct SpiffHit {
    /// Rep index.
    pub rep: usize,
    /// Close period.
    pub period: usize,
    /// Component index in the rep's scheme.
    pub component: usize,
    /// Deal id.
    pub deal_id: String,
    /// The rep's split.
    pub split: Decimal,
    /// per_deal × split, rounded.
    pub amount: Decimal,
}

/// A cancelled deal row to claw back.
#[derive(Debug, Clone)]
pub struct ClawHit {
    /// Rep index.
    pub rep: usize,
    /// Close period.
    pub close_period: usize,
    /// Cancel period.
    pub cancel_period: usize,
    /// Deal id.
    pub deal_id: String,
    /// Cancel date.
    pub cancel_date: NaiveDate,
    /// The row's credit.
    pub credit: Decimal,
}

/// Rows counted but not paid on, by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outside {
    /// Closed before the plan year.
    pub before: u64,
    /// Closed after the plan year.
    pub after: u64,
    /// Cancelled within the window but after the plan year: not recovered.
    pub cancel_after_year: u64,
    /// Cancelled after the clawback window: not recovered.
    pub cancel_past_window: u64,
    /// Cancelled in a scheme without clawback: not recovered.
    pub cancel_no_clawback: u64,
}

/// Relationship facts for the scorecard, per rep (own deals in the plan year).
#[derive(Debug, Clone, Default)]
pub struct Relationship {
    /// Credit by deal type.
    pub credit_by_type: [Decimal; 3],
    /// Deal rows per customer.
    pub customers: BTreeMap<String, (u32, BTreeSet<String>)>,
}

/// Credit sums and the rows the rules keep.
#[derive(Debug, Clone)]
pub struct Ledger {
    periods: usize,
    products: HashMap<String, u32>,
    /// Product names by id (id 0 = no product).
    names: Vec<String>,
    /// Per rep × period: (key, credit) with key = product id × 3 + deal type.
    cells: Vec<Vec<(u32, Decimal)>>,
    /// SPIFF hits.
    pub spiffs: Vec<SpiffHit>,
    /// Clawback candidates.
    pub clawbacks: Vec<ClawHit>,
    /// Rows outside the rules.
    pub outside: Outside,
    /// Relationship facts per rep.
    pub relationship: Vec<Relationship>,
    /// Per rep: credit of the won deals closed in the 12 months before the plan year.
    pub prior_year: Vec<Decimal>,
    /// Per scheme: indices of its spiff components.
    spiff_components: Vec<Vec<usize>>,
    /// Whether to keep relationship facts (costs memory per customer).
    keep_relationship: bool,
}

impl Ledger {
    /// An empty ledger for the roster.
    pub fn new(plan: &Plan, roster: &Roster, cal: &Calendar, keep_relationship: bool) -> Self {
        let spiff_components = plan
            .schemes
            .iter()
            .map(|s| {
                s.components
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| matches!(c.kind, ComponentKind::Spiff { .. }))
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();
        Self {
            periods: cal.periods(),
            products: HashMap::new(),
            names: vec![String::new()],
            cells: vec![Vec::new(); roster.reps.len() * cal.periods()],
            spiffs: Vec::new(),
            clawbacks: Vec::new(),
            outside: Outside::default(),
            relationship: vec![Relationship::default(); roster.reps.len()],
            prior_year: vec![Decimal::ZERO; roster.reps.len()],
            spiff_components,
            keep_relationship,
        }
    }

    fn product_id(&mut self, product: Option<&str>) -> u32 {
        match product {
            None => 0,
            Some(p) => {
                if let Some(&id) = self.products.get(p) {
                    return id;
                }
                let id = self.names.len() as u32;
                self.products.insert(p.to_string(), id);
                self.names.push(p.to_string());
                id
            }
        }
    }

    /// Adds credit directly (for simulation and tests).
    pub fn add_credit(
        &mut self,
        rep: usize,
        period: usize,
        deal_type: DealType,
        product: Option<&str>,
        credit: Decimal,
    ) {
        let key = self.product_id(product) * 3 + deal_type.index() as u32;
        let cell = &mut self.cells[rep * self.periods + period];
        match cell.iter_mut().find(|(k, _)| *k == key) {
            Some((_, c)) => *c += credit,
            None => cell.push((key, credit)),
        }
    }

    /// Books one deal row.
    pub fn add(&mut self, row: &DealRow, plan: &Plan, roster: &Roster, cal: &Calendar) {
        let Some(period) = cal.period_of(row.close) else {
            if row.close < cal.start() {
                self.outside.before += 1;
                if row.close >= cal.prior_start() && row.cancelled.is_none() {
                    let scheme = &plan.schemes[roster.reps[row.rep].scheme];
                    self.prior_year[row.rep] +=
                        row.amount * row.split * scheme.weights[row.deal_type.index()] * scheme.multiplier(row.product);
                }
            } else {
                self.outside.after += 1;
            }
            return;
        };
        let scheme = &plan.schemes[roster.reps[row.rep].scheme];
        let credit = row.amount * row.split * scheme.weights[row.deal_type.index()] * scheme.multiplier(row.product);
        self.add_credit(row.rep, period, row.deal_type, row.product, credit);
        if self.keep_relationship {
            let rel = &mut self.relationship[row.rep];
            rel.credit_by_type[row.deal_type.index()] += credit;
            if let Some(c) = row.customer {
                let e = rel.customers.entry(c.to_string()).or_default();
                e.0 += 1;
                if let Some(p) = row.product {
                    e.1.insert(p.to_string());
                }
            }
        }
        match row.cancelled {
            None => {
                for &ci in &self.spiff_components[roster.reps[row.rep].scheme] {
                    if let ComponentKind::Spiff {
                        filter,
                        from,
                        to,
                        per_deal,
                        min_amount,
                    } = &scheme.components[ci].kind
                    {
                        if row.close >= *from
                            && row.close <= *to
                            && filter.passes(row.deal_type, row.product)
                            && row.amount >= *min_amount
                        {
                            self.spiffs.push(SpiffHit {
                                rep: row.rep,
                                period,
                                component: ci,
                                deal_id: row.deal_id.to_string(),
                                split: row.split,
                                amount: plan.rounding.money(*per_deal * row.split),
                            });
                        }
                    }
                }
            }
            Some(cancel) => match scheme.clawback_days {
                None => self.outside.cancel_no_clawback += 1,
                Some(w) if (cancel - row.close).num_days() > w => self.outside.cancel_past_window += 1,
                Some(_) => match cal.period_of(cancel) {
                    None => self.outside.cancel_after_year += 1,
                    Some(cp) => self.clawbacks.push(ClawHit {
                        rep: row.rep,
                        close_period: period,
                        cancel_period: cp,
                        deal_id: row.deal_id.to_string(),
                        cancel_date: cancel,
                        credit,
                    }),
                },
            },
        }
    }

    /// The product names seen in the plan year's deals.
    pub fn products(&self) -> impl Iterator<Item = &str> {
        self.names.iter().skip(1).map(String::as_str)
    }

    /// Credit of `rep` in `period` from deals passing `keep(deal_type, product)`.
    pub fn credit_where(&self, rep: usize, period: usize, keep: impl Fn(DealType, Option<&str>) -> bool) -> Decimal {
        let cell = &self.cells[rep * self.periods + period];
        if cell.is_empty() {
            return Decimal::ZERO;
        }
        let names = &self.names;
        cell.iter()
            .filter(|(k, _)| {
                let dt = DealType::ALL[(*k % 3) as usize];
                let pid = (*k / 3) as usize;
                keep(dt, if pid == 0 { None } else { Some(names[pid].as_str()) })
            })
            .map(|(_, c)| *c)
            .sum()
    }

    /// All credit of `rep` in `period`.
    pub fn credit(&self, rep: usize, period: usize) -> Decimal {
        self.cells[rep * self.periods + period].iter().map(|(_, c)| *c).sum()
    }

    /// The rounding the ledger's SPIFF amounts used.
    pub fn rounding(plan: &Plan) -> Rounding {
        plan.rounding
    }
}
