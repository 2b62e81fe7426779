//! The credit ledger: one streaming pass over deal rows into per-rep, per-period sums.
//!
//! Credit is kept by (deal type, product) so that any component's filter can be
//! summed later without a second pass. Only SPIFF hits and clawback candidates
//! are kept row by row, as the rules need them.

use crate::calendar::Calendar;
use crate::data::{DealRow, Roster};
use crate::plan::{ComponentKind, ContestScore, Plan};
use crate::units::{DealType, Rounding};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, OnceLock};

/// A deal row that earns a SPIFF.
#[derive(Debug, Clone)]
pub struct SpiffHit {
    /// Rep index.
    pub rep: usize,
    /// The rep's assignment (segment) in force on the close date.
    pub seg: usize,
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

/// A deal row a per-deal commission pays (`basis = "deal"` or `deal_limits`).
#[derive(Debug, Clone)]
pub struct DealHit {
    /// Rep index.
    pub rep: usize,
    /// The rep's assignment (segment) in force on the close date.
    pub seg: usize,
    /// Close period.
    pub period: usize,
    /// Component index in the rep's scheme.
    pub component: usize,
    /// Deal id.
    pub deal_id: String,
    /// The row's credit (it passes the component's filter).
    pub credit: Decimal,
}

/// A cancelled deal row to claw back.
#[derive(Debug, Clone)]
pub struct ClawHit {
    /// Rep index.
    pub rep: usize,
    /// The assignment (segment) that was paid for the deal: the one in force on its close date.
    pub seg: usize,
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
    /// The share of it recovered (the scheme's clawback schedule by days from close to cancel; 1 without one).
    pub share: Decimal,
    /// Its deal type and product, as the ledger keys them (product id × 3 + deal type).
    pub key: u32,
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

/// The close dates of every deal row booked, in the plan year or not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Closes {
    /// Deal rows booked.
    pub rows: u64,
    /// The earliest close date.
    pub first: Option<NaiveDate>,
    /// The latest close date.
    pub last: Option<NaiveDate>,
}

impl Closes {
    fn see(&mut self, close: NaiveDate) {
        self.rows += 1;
        self.first = Some(self.first.map_or(close, |f| f.min(close)));
        self.last = Some(self.last.map_or(close, |l| l.max(close)));
    }

    /// Rows that closed inside the plan year (all rows less those outside it).
    pub fn in_year(&self, outside: &Outside) -> u64 {
        self.rows.saturating_sub(outside.before + outside.after)
    }
}

/// Relationship facts for the scorecard, per rep (own deals in the plan year).
#[derive(Debug, Clone, Default)]
pub struct Relationship {
    /// Credit by deal type.
    pub credit_by_type: [Decimal; 3],
    /// Deal rows and distinct products per customer.
    pub customers: CustomerBook,
}

/// The distinct products a customer bought, as ledger product ids: a bit
/// mask for the first 64 ids, a set for the rest (plans rarely have more).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductSet {
    mask: u64,
    // Boxed so an entry stays 16 bytes: a book holds one per customer.
    #[allow(clippy::box_collection)]
    more: Option<Box<BTreeSet<u32>>>,
}

impl ProductSet {
    /// Adds a product id; whether it was new.
    pub fn insert(&mut self, id: u32) -> bool {
        if id < 64 {
            let bit = 1u64 << id;
            let new = self.mask & bit == 0;
            self.mask |= bit;
            new
        } else {
            self.more.get_or_insert_with(Default::default).insert(id)
        }
    }

    /// Whether the set holds the product id.
    pub fn contains(&self, id: u32) -> bool {
        if id < 64 {
            self.mask & (1u64 << id) != 0
        } else {
            self.more.as_ref().is_some_and(|m| m.contains(&id))
        }
    }

    /// The number of distinct products.
    pub fn len(&self) -> usize {
        self.mask.count_ones() as usize + self.more.as_ref().map_or(0, |m| m.len())
    }

    /// Whether no product was recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One rep's customers: deal rows and distinct products per customer.
///
/// Keyed by a 64-bit hash of the customer id rather than the text and kept
/// sorted, so a book of hundreds of thousands of customers costs 32 bytes
/// each (two ids colliding is as unlikely as in the split check, which keys
/// deals the same way).
#[derive(Debug, Clone, Default)]
pub struct CustomerBook {
    entries: Vec<(u64, (u32, ProductSet))>,
}

impl CustomerBook {
    /// The number of customers.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the book is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// (deal rows, products) of every customer, in no particular order.
    pub fn values(&self) -> impl Iterator<Item = &(u32, ProductSet)> {
        self.entries.iter().map(|(_, v)| v)
    }

    fn slot(&mut self, key: u64) -> &mut (u32, ProductSet) {
        let at = match self.entries.binary_search_by_key(&key, |e| e.0) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, Default::default()));
                i
            }
        };
        &mut self.entries[at].1
    }

    /// Records one deal row for `customer`, with the ledger's product id.
    pub fn record(&mut self, customer: &str, product: Option<u32>) {
        let e = self.slot(crate::data::deals::deal_key(customer));
        e.0 += 1;
        if let Some(p) = product {
            e.1.insert(p);
        }
    }

    /// Sets a customer's row count and products by name (for books built by
    /// hand; the names get ids in their sorted order).
    pub fn insert(&mut self, customer: String, (rows, products): (u32, BTreeSet<String>)) {
        let mut set = ProductSet::default();
        for (i, _) in products.iter().enumerate() {
            set.insert(i as u32);
        }
        *self.slot(crate::data::deals::deal_key(&customer)) = (rows, set);
    }

    /// Merges touches of this book, sorted by customer key, in one pass.
    fn merge(&mut self, touches: &[Touch]) {
        let old = std::mem::take(&mut self.entries);
        let mut out: Vec<(u64, (u32, ProductSet))> = Vec::with_capacity(old.len() + touches.len().min(1 << 12));
        let mut old = old.into_iter().peekable();
        for t in touches {
            while let Some(e) = old.next_if(|e| e.0 < t.key) {
                out.push(e);
            }
            if out.last().is_none_or(|e| e.0 != t.key) {
                out.push(old.next_if(|e| e.0 == t.key).unwrap_or((t.key, Default::default())));
            }
            if let Some(e) = out.last_mut() {
                e.1 .0 += 1;
                if t.product != NO_PRODUCT {
                    e.1 .1.insert(t.product);
                }
            }
        }
        out.extend(old);
        out.shrink_to_fit();
        self.entries = out;
    }
}

/// One deal row for a customer book, waiting to be merged.
#[derive(Debug, Clone, Copy)]
struct Touch {
    rep: u32,
    product: u32,
    key: u64,
}

const NO_PRODUCT: u32 = u32::MAX;

/// Touches gathered before a merge: about 4 MiB.
const BATCH: usize = 1 << 18;

/// Every rep's relationship facts, read as a slice (`&ledger.relationship[r]`).
///
/// Customer books are the one part of the ledger that grows with the data,
/// and updating a hash map per row is a cache miss per row. Rows are instead
/// appended to a batch that is sorted and merged into the (sorted) books when
/// full; the last batch is merged the first time the facts are read, which
/// is why reading goes through `Deref` and the books sit behind a lock.
#[derive(Debug, Default)]
pub struct Relationships {
    merged: Mutex<Vec<Relationship>>,
    pending: Mutex<Vec<Touch>>,
    view: OnceLock<Vec<Relationship>>,
}

impl Clone for Relationships {
    fn clone(&self) -> Self {
        let lock = |m: &Mutex<Vec<Relationship>>| m.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let pending = self.pending.lock().unwrap_or_else(|e| e.into_inner()).clone();
        Self {
            merged: Mutex::new(lock(&self.merged)),
            pending: Mutex::new(pending),
            view: self.view.clone(),
        }
    }
}

impl Relationships {
    /// Empty facts for `n` reps.
    pub fn new(n: usize) -> Self {
        Self {
            merged: Mutex::new(vec![Relationship::default(); n]),
            ..Self::default()
        }
    }

    /// The books for writing (undoing a read view, if any).
    fn books(&mut self) -> &mut Vec<Relationship> {
        if let Some(v) = self.view.take() {
            *self.merged.get_mut().unwrap_or_else(|e| e.into_inner()) = v;
        }
        self.merged.get_mut().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds credit of a deal type to a rep; false when the sum overflows.
    fn add_credit(&mut self, rep: usize, deal_type: DealType, credit: Decimal) -> bool {
        if let Some(r) = self.books().get_mut(rep) {
            let c = &mut r.credit_by_type[deal_type.index()];
            match c.checked_add(credit) {
                Some(s) => *c = s,
                None => return false,
            }
        }
        true
    }

    /// Queues one deal row for a rep's customer book.
    fn touch(&mut self, rep: usize, customer: &str, product: Option<u32>) {
        let t = Touch {
            rep: rep as u32,
            product: product.unwrap_or(NO_PRODUCT),
            key: crate::data::deals::deal_key(customer),
        };
        let pending = self.pending.get_mut().unwrap_or_else(|e| e.into_inner());
        pending.push(t);
        if pending.len() >= BATCH {
            let mut batch = std::mem::take(pending);
            let books = self.books();
            merge(books, &mut batch);
            batch.clear();
            *self.pending.get_mut().unwrap_or_else(|e| e.into_inner()) = batch;
        }
    }
}

fn merge(books: &mut [Relationship], touches: &mut [Touch]) {
    touches.sort_unstable_by_key(|t| (t.rep, t.key));
    for group in touches.chunk_by(|a, b| a.rep == b.rep) {
        if let Some(r) = books.get_mut(group[0].rep as usize) {
            r.customers.merge(group);
        }
    }
}

impl std::ops::Deref for Relationships {
    type Target = [Relationship];

    fn deref(&self) -> &[Relationship] {
        self.view.get_or_init(|| {
            let mut books = std::mem::take(&mut *self.merged.lock().unwrap_or_else(|e| e.into_inner()));
            let mut pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
            merge(&mut books, &mut pending);
            books
        })
    }
}

/// Credit sums and the rows the rules keep.
#[derive(Debug, Clone)]
pub struct Ledger {
    periods: usize,
    products: HashMap<String, u32>,
    /// Product names by id (id 0 = no product).
    names: Vec<String>,
    /// Per segment × period (a segment is a rep's assignment; without
    /// assignments.csv, segment r is rep r): (key, credit) with key = product
    /// id × 3 + deal type.
    cells: Vec<Vec<(u32, Decimal)>>,
    /// With assignments.csv: per segment × period, alike, the own credit of
    /// everyone below it in the tree in force on each deal's close date, and
    /// of its direct reports then (empty otherwise: the tree is one for the year).
    below: Vec<Vec<(u32, Decimal)>>,
    direct: Vec<Vec<(u32, Decimal)>>,
    /// SPIFF hits.
    pub spiffs: Vec<SpiffHit>,
    /// The rows of per-deal commissions.
    pub deals: Vec<DealHit>,
    /// Contest scores by (scheme, component, rep): the credit (or count) of
    /// the won rows in the window.
    pub contests: std::collections::BTreeMap<(usize, usize, usize), Decimal>,
    /// Clawback candidates.
    pub clawbacks: Vec<ClawHit>,
    /// Manual adjustments (adjustments.csv), paid after caps, clawbacks and draws.
    pub adjustments: Vec<crate::data::adjustments::Adjustment>,
    /// Scored management objectives (objectives.csv), for `mbo` components.
    pub objectives: Vec<crate::data::objectives::Objective>,
    /// Rows outside the rules.
    pub outside: Outside,
    /// Close dates of every row booked.
    pub closes: Closes,
    /// Relationship facts per rep.
    pub relationship: Relationships,
    /// Per rep: credit of the won deals closed in the 12 months before the plan year.
    pub prior_year: Vec<Decimal>,
    /// Per scheme: indices of its spiff components.
    spiff_components: Vec<Vec<usize>>,
    /// Per scheme: indices of its per-deal commissions.
    deal_components: Vec<Vec<usize>>,
    /// Per scheme: indices of its contests.
    contest_components: Vec<Vec<usize>>,
    /// Whether to keep relationship facts (costs memory per customer).
    keep_relationship: bool,
    /// The first (rep, period) whose credit overflowed the range of exact
    /// decimals (about 7.9 × 10^28: some 8 × 10^9 deal rows at the largest
    /// amount and weights), if any; the engine then reports it.
    overflow: Option<(usize, Option<usize>)>,
}

impl Ledger {
    /// An empty ledger for the roster.
    pub fn new(plan: &Plan, roster: &Roster, cal: &Calendar, keep_relationship: bool) -> Self {
        // Per scheme: the indices of its components that pass `keep`.
        let which = |keep: fn(&crate::plan::Component) -> bool| -> Vec<Vec<usize>> {
            plan.schemes
                .iter()
                .map(|s| (0..s.components.len()).filter(|&i| keep(&s.components[i])).collect())
                .collect()
        };
        let spiff_components = which(|c| matches!(c.kind, ComponentKind::Spiff { .. }));
        let deal_components = which(crate::plan::Component::per_deal);
        let contest_components = which(|c| matches!(c.kind, ComponentKind::Contest { .. }));
        Self {
            periods: cal.periods(),
            products: HashMap::new(),
            names: vec![String::new()],
            cells: vec![Vec::new(); roster.segs.len() * cal.periods()],
            below: if roster.dated() {
                vec![Vec::new(); roster.segs.len() * cal.periods()]
            } else {
                Vec::new()
            },
            direct: if roster.dated() {
                vec![Vec::new(); roster.segs.len() * cal.periods()]
            } else {
                Vec::new()
            },
            spiffs: Vec::new(),
            deals: Vec::new(),
            contests: Default::default(),
            clawbacks: Vec::new(),
            adjustments: Vec::new(),
            objectives: Vec::new(),
            outside: Outside::default(),
            closes: Closes::default(),
            relationship: Relationships::new(roster.reps.len()),
            prior_year: vec![Decimal::ZERO; roster.reps.len()],
            spiff_components,
            deal_components,
            contest_components,
            keep_relationship,
            overflow: None,
        }
    }

    /// The first rep and period (`None`: the year before the plan year) whose
    /// credit could not be summed, if any.
    pub fn overflow(&self) -> Option<(usize, Option<usize>)> {
        self.overflow
    }

    fn overflowed(&mut self, rep: usize, period: Option<usize>) {
        self.overflow.get_or_insert((rep, period));
    }

    fn product_id(&mut self, product: Option<&str>) -> u32 {
        match product {
            None => 0,
            Some(p) => {
                // A plan sells a handful of products: a scan beats hashing the name.
                if self.names.len() <= 16 {
                    if let Some(id) = self.names.iter().skip(1).position(|n| n == p) {
                        return id as u32 + 1;
                    }
                } else if let Some(&id) = self.products.get(p) {
                    return id;
                }
                let id = self.names.len() as u32;
                self.products.insert(p.to_string(), id);
                self.names.push(p.to_string());
                id
            }
        }
    }

    /// Adds `x` to rep `rep`'s score in contest `ci` of scheme `scheme`;
    /// false when the sum is beyond the range of exact decimals.
    pub fn contest_add(&mut self, scheme: usize, ci: usize, rep: usize, x: Decimal) -> bool {
        let score = self.contests.entry((scheme, ci, rep)).or_default();
        match score.checked_add(x) {
            Some(s) => {
                *score = s;
                true
            }
            None => false,
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
        let pid = self.product_id(product);
        self.add_credit_id(rep, rep, period, deal_type, pid, credit);
    }

    /// Adds credit to segment `seg`'s cell (an overflow is rep `rep`'s).
    fn add_credit_id(&mut self, seg: usize, rep: usize, period: usize, deal_type: DealType, pid: u32, credit: Decimal) {
        let key = pid * 3 + deal_type.index() as u32;
        if !bump(&mut self.cells[seg * self.periods + period], key, credit) {
            self.overflowed(rep, Some(period));
        }
    }

    /// With assignments: books a deal row's credit to the segments above its
    /// seller's on its close date (`direct` for the first manager).
    fn add_above(&mut self, row: &DealRow, roster: &Roster, period: usize, key: u32, credit: Decimal) {
        let mut seg = roster.seg_at(row.rep, row.close);
        let mut first = true;
        let mut steps = 0;
        while let Some(m) = roster.segs[seg].manager {
            steps += 1;
            if steps > roster.reps.len() {
                break; // a cycle is refused when assignments.csv is read
            }
            seg = roster.seg_on(m, row.close);
            let at = seg * self.periods + period;
            let ok = bump(&mut self.below[at], key, credit) && (!first || bump(&mut self.direct[at], key, credit));
            if !ok {
                self.overflowed(m, Some(period));
            }
            first = false;
        }
    }

    /// Books one deal row.
    pub fn add(&mut self, row: &DealRow, plan: &Plan, roster: &Roster, cal: &Calendar) {
        self.closes.see(row.close);
        let Some(period) = cal.period_of(row.close) else {
            if row.close < cal.start() {
                self.outside.before += 1;
                if row.close >= cal.prior_start() && row.cancelled.is_none() {
                    // The product fits (see RowCredit); the sum may not.
                    let credit = super::rows::row_credit(row, plan, roster).credit;
                    match self.prior_year[row.rep].checked_add(credit) {
                        Some(s) => self.prior_year[row.rep] = s,
                        None => self.overflowed(row.rep, None),
                    }
                }
            } else {
                self.outside.after += 1;
            }
            return;
        };
        let seg = roster.seg_at(row.rep, row.close);
        let scheme = &plan.schemes[roster.segs[seg].scheme];
        let credit = super::rows::row_credit(row, plan, roster).credit;
        let pid = self.product_id(row.product);
        self.add_credit_id(seg, row.rep, period, row.deal_type, pid, credit);
        if !self.below.is_empty() {
            self.add_above(row, roster, period, pid * 3 + row.deal_type.index() as u32, credit);
        }
        if self.keep_relationship && !self.relationship.add_credit(row.rep, row.deal_type, credit) {
            self.overflowed(row.rep, Some(period));
        }
        if self.keep_relationship {
            if let Some(c) = row.customer {
                self.relationship.touch(row.rep, c, row.product.map(|_| pid));
            }
        }
        // Per-deal commissions pay every row booked, cancelled ones too (their clawback follows).
        for &ci in &self.deal_components[roster.segs[seg].scheme] {
            if let ComponentKind::Commission { filter, .. } = &scheme.components[ci].kind {
                if filter.passes(row.deal_type, row.product) {
                    self.deals.push(DealHit {
                        rep: row.rep,
                        seg,
                        period,
                        component: ci,
                        deal_id: row.deal_id.to_string(),
                        credit,
                    });
                }
            }
        }
        match row.cancelled {
            None => {
                let sch = roster.segs[seg].scheme;
                for k in 0..self.contest_components[sch].len() {
                    let ci = self.contest_components[sch][k];
                    if let ComponentKind::Contest {
                        filter, from, to, by, ..
                    } = &scheme.components[ci].kind
                    {
                        if row.close >= *from && row.close <= *to && filter.passes(row.deal_type, row.product) {
                            let x = match by {
                                ContestScore::Credit => credit,
                                ContestScore::Deals => Decimal::ONE,
                            };
                            if !self.contest_add(sch, ci, row.rep, x) {
                                self.overflowed(row.rep, Some(period));
                            }
                        }
                    }
                }
                for &ci in &self.spiff_components[roster.segs[seg].scheme] {
                    if let ComponentKind::Spiff {
                        filter,
                        from,
                        to,
                        per_deal,
                        min_amount,
                        split,
                    } = &scheme.components[ci].kind
                    {
                        if row.close >= *from
                            && row.close <= *to
                            && filter.passes(row.deal_type, row.product)
                            && row.amount >= *min_amount
                        {
                            self.spiffs.push(SpiffHit {
                                rep: row.rep,
                                seg,
                                period,
                                component: ci,
                                deal_id: row.deal_id.to_string(),
                                split: row.split,
                                amount: plan
                                    .rounding
                                    .money(if *split { *per_deal * row.split } else { *per_deal }),
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
                        seg,
                        close_period: period,
                        cancel_period: cp,
                        deal_id: row.deal_id.to_string(),
                        cancel_date: cancel,
                        credit,
                        share: clawback_share(&scheme.clawback_schedule, (cancel - row.close).num_days()),
                        key: pid * 3 + row.deal_type.index() as u32,
                    }),
                },
            },
        }
    }

    /// With assignments, the credit of segment `seg` in `period` from deals
    /// below it passing `keep`: `all` levels, or its direct reports only.
    pub fn try_below_where(
        &self,
        seg: usize,
        period: usize,
        all: bool,
        keep: impl Fn(DealType, Option<&str>) -> bool,
    ) -> Result<Decimal, super::TooLarge> {
        let cells = if all { &self.below } else { &self.direct };
        match cells.get(seg * self.periods + period) {
            Some(cell) => self.sum_where(cell, keep),
            None => Ok(Decimal::ZERO),
        }
    }

    fn sum_where(
        &self,
        cell: &[(u32, Decimal)],
        keep: impl Fn(DealType, Option<&str>) -> bool,
    ) -> Result<Decimal, super::TooLarge> {
        let names = &self.names;
        super::sum(
            cell.iter()
                .filter(|(k, _)| {
                    let dt = DealType::ALL[(*k % 3) as usize];
                    let pid = (*k / 3) as usize;
                    keep(dt, if pid == 0 { None } else { Some(names[pid].as_str()) })
                })
                .map(|(_, c)| *c),
        )
    }

    /// Whether segment `seg` has credit of its own or from below in `period`.
    pub fn has_credit(&self, seg: usize, period: usize) -> bool {
        let at = seg * self.periods + period;
        [&self.cells, &self.below, &self.direct]
            .iter()
            .any(|c| c.get(at).is_some_and(|cell| !cell.is_empty()))
    }

    /// Whether a ledger key (product id × 3 + deal type) passes `filter`.
    pub fn key_passes(&self, key: u32, filter: &crate::plan::DealFilter) -> bool {
        let pid = (key / 3) as usize;
        let product = if pid == 0 {
            None
        } else {
            self.names.get(pid).map(String::as_str)
        };
        filter.passes(DealType::ALL[(key % 3) as usize], product)
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
    ///
    /// # Panics
    /// When the sum overflows (see [`Ledger::try_credit`]).
    pub fn credit(&self, rep: usize, period: usize) -> Decimal {
        self.cells[rep * self.periods + period].iter().map(|(_, c)| *c).sum()
    }

    /// All credit of `rep` in `period`, summed as [`Ledger::credit`] does, or the overflow.
    pub fn try_credit(&self, rep: usize, period: usize) -> Result<Decimal, super::TooLarge> {
        super::sum(self.cells[rep * self.periods + period].iter().map(|(_, c)| *c))
    }

    /// [`Ledger::credit_where`], or the overflow.
    pub fn try_credit_where(
        &self,
        rep: usize,
        period: usize,
        keep: impl Fn(DealType, Option<&str>) -> bool,
    ) -> Result<Decimal, super::TooLarge> {
        let cell = &self.cells[rep * self.periods + period];
        if cell.is_empty() {
            return Ok(Decimal::ZERO);
        }
        self.sum_where(cell, keep)
    }

    /// The rounding the ledger's SPIFF amounts used.
    pub fn rounding(plan: &Plan) -> Rounding {
        plan.rounding
    }
}

/// The share of a clawback recovered `days` after close under `schedule`
/// ((within_days, share), increasing): the first bound the days are within; 0
/// past the last; 1 without a schedule.
pub fn clawback_share(schedule: &[(i64, Decimal)], days: i64) -> Decimal {
    if schedule.is_empty() {
        return Decimal::ONE;
    }
    schedule
        .iter()
        .find(|(within, _)| days <= *within)
        .map_or(Decimal::ZERO, |(_, share)| *share)
}

/// Adds `credit` under `key` to a cell; false when the sum overflows.
fn bump(cell: &mut Vec<(u32, Decimal)>, key: u32, credit: Decimal) -> bool {
    match cell.iter_mut().find(|(k, _)| *k == key) {
        Some((_, c)) => c.checked_add(credit).map(|s| *c = s).is_some(),
        None => {
            cell.push((key, credit));
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_book_counts_rows_and_distinct_products() {
        let mut b = CustomerBook::default();
        b.record("C1", Some(1));
        b.record("C1", Some(1));
        b.record("C1", Some(70));
        b.record("C2", None);
        assert_eq!(b.len(), 2);
        let mut v: Vec<(u32, usize)> = b.values().map(|(rows, p)| (*rows, p.len())).collect();
        v.sort_unstable();
        assert_eq!(v, vec![(1, 0), (3, 2)]);
        b.insert("C3".into(), (1, ["A".to_string(), "B".to_string()].into()));
        assert_eq!(b.values().map(|(_, p)| p.len()).sum::<usize>(), 4);
    }

    #[test]
    fn a_product_set_holds_low_and_high_ids() {
        let mut p = ProductSet::default();
        assert!(p.is_empty());
        assert!(p.insert(0) && p.insert(63) && p.insert(64) && p.insert(1000));
        assert!(!p.insert(63) && !p.insert(1000));
        assert!(p.contains(64) && !p.contains(65));
        assert_eq!(p.len(), 4);
    }
}
