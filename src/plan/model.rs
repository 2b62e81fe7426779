//! The validated plan: what the engine reads. Built only by `plan::load`.
//!
//! Rates are resolved (percent strings and BCR multiples become fractions),
//! defaults are filled in, and every reference has been checked.

use crate::calendar::{Calendar, PeriodKind};
use crate::units::{DealType, Rounding};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A whole plan year.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Display name.
    pub name: String,
    /// Currency code, shown on money.
    pub currency: String,
    /// First day of the plan year.
    pub year_start: NaiveDate,
    /// How the year is cut into periods.
    pub period: PeriodKind,
    /// Rounding mode for money and displayed fractions.
    pub rounding: Rounding,
    /// The data folder named by the plan, relative to the plan file.
    pub data: Option<String>,
    /// The company goal.
    pub goal: Goal,
    /// The sales-force structure, if given.
    pub structure: Option<Structure>,
    /// Regions.
    pub regions: Vec<Region>,
    /// Territories.
    pub territories: Vec<Territory>,
    /// The sales process.
    pub process: Process,
    /// Pay schemes.
    pub schemes: Vec<Scheme>,
    /// How to read the data files.
    pub data_map: DataMap,
    /// `[capacity]`, if given.
    pub capacity: Option<Capacity>,
    /// `[recruiting]`, if given.
    pub recruiting: Option<Recruiting>,
}

impl Plan {
    /// The scheme with this id.
    pub fn scheme(&self, id: &str) -> Option<usize> {
        self.schemes.iter().position(|s| s.id == id)
    }

    /// The seasonality share of period `p` as (numerator, denominator):
    /// the written share over 1, or by default the period's share of the year
    /// ([`Calendar::year_share`]: equal, or by days for weeks).
    pub fn share(&self, cal: &Calendar, p: usize) -> (Decimal, Decimal) {
        match &self.goal.seasonality {
            Some(s) => (s[p], Decimal::ONE),
            None => cal.year_share(p),
        }
    }

    /// Unit `u`'s share of the annual quota as (numerator, denominator): its
    /// period's [`Plan::share`] × the unit's [`Calendar::unit_weight`].
    pub fn unit_share(&self, cal: &Calendar, p: usize, u: usize) -> (Decimal, Decimal) {
        let ((n, d), (wn, wd)) = (self.share(cal, p), cal.unit_weight(u));
        (n * wn, d * wd)
    }

    /// Plan month `m`'s share of the annual quota, for planning and generated
    /// data (a float): the sum of its units' [`Plan::unit_share`].
    pub fn month_share(&self, cal: &Calendar, m: usize) -> f64 {
        let f = |x: Decimal| rust_decimal::prelude::ToPrimitive::to_f64(&x).unwrap_or(0.0);
        (0..cal.periods())
            .flat_map(|p| cal.units_of(p).map(move |u| (p, u)))
            .filter(|&(_, u)| cal.unit_month(u) == m)
            .map(|(p, u)| {
                let (n, d) = self.unit_share(cal, p, u);
                f(n) / f(d)
            })
            .sum()
    }
}

/// `[goal]`.
#[derive(Debug, Clone, Default)]
pub struct Goal {
    /// Annual company sales goal.
    pub annual: Option<Decimal>,
    /// Share of the annual quota per period (sums to 1); `None` = equal.
    pub seasonality: Option<Vec<Decimal>>,
    /// How `fuerza quota` allocates the goal.
    pub allocation: Allocation,
    /// Weights of the blend, when `allocation = "blend"`.
    pub blend: Option<(Decimal, Decimal)>,
    /// Rep quotas sum to goal × (1 + over_assign).
    pub over_assign: Decimal,
}

/// Quota allocation method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Allocation {
    /// The same for each territory.
    #[default]
    Equal,
    /// By market potential.
    Potential,
    /// By last year's credit.
    History,
    /// A weighted blend of potential and history.
    Blend,
}

/// `[structure]`.
#[derive(Debug, Clone)]
pub struct Structure {
    /// geographic | product | market | key_account.
    pub kind: String,
    /// Warn above this many direct reports.
    pub max_span: Option<u64>,
}

/// `[[regions]]`.
#[derive(Debug, Clone)]
pub struct Region {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// `[[territories]]`.
#[derive(Debug, Clone)]
pub struct Territory {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Region id, if any.
    pub region: Option<String>,
    /// Annual market potential.
    pub potential: Option<Decimal>,
    /// Number of accounts.
    pub accounts: Option<u64>,
}

/// `[process]`.
#[derive(Debug, Clone)]
pub struct Process {
    /// Stages in order.
    pub stages: Vec<String>,
    /// Index of the stage at which an opportunity is won.
    pub won_at: usize,
    /// No fracture on fewer resolved opportunities.
    pub min_opportunities: u64,
    /// One-sided Wilson z.
    pub z: Decimal,
    /// Flag only when worse than benchmark × (1 − tolerance).
    pub tolerance: Decimal,
    /// Fixed benchmark conversion into a stage, by stage index.
    pub benchmarks: BTreeMap<usize, Decimal>,
}

impl Default for Process {
    fn default() -> Self {
        Self {
            stages: DEFAULT_STAGES.iter().map(|s| s.to_string()).collect(),
            won_at: 5,
            min_opportunities: 10,
            z: Decimal::new(1645, 3),
            tolerance: Decimal::new(10, 2),
            benchmarks: BTreeMap::new(),
        }
    }
}

/// The seven steps of the sales process (DOMAIN.md).
pub const DEFAULT_STAGES: [&str; 7] = [
    "prospect",
    "qualify",
    "approach",
    "propose",
    "objections",
    "close",
    "follow_up",
];

/// What a deal row's credit measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Measure {
    /// Its amount (the default).
    #[default]
    Amount,
    /// Its gross margin (deals.csv column `margin`).
    Margin,
    /// Its quantity (deals.csv column `quantity`): rates are money per unit, amount tiers count units.
    Units,
}

impl Measure {
    /// The deals.csv column measured (`None`: amount, always there).
    pub fn column(self) -> Option<&'static str> {
        match self {
            Measure::Amount => None,
            Measure::Margin => Some("margin"),
            Measure::Units => Some("quantity"),
        }
    }
}

/// `multipliers = { column, values, default }`: a credit multiplier by the
/// value of a deals.csv column (mapped through `[data.deals] columns`).
#[derive(Debug, Clone)]
pub struct ColumnMultiplier {
    /// The column, by its fuerza name.
    pub column: String,
    /// Its position in `attr_columns` of the plan's schemes (what `DealRow::attrs` holds).
    pub attr: usize,
    /// Multiplier by the column's value (trimmed, exact text).
    pub values: BTreeMap<String, Decimal>,
    /// The multiplier of an unlisted value; `None`: an unlisted value is an error.
    pub default: Option<Decimal>,
}

impl ColumnMultiplier {
    /// The multiplier of a value: listed, else the default.
    pub fn factor(&self, value: &str) -> Option<Decimal> {
        self.values.get(value).copied().or(self.default)
    }
}

/// The deals.csv columns the schemes' `multipliers` read, each once, sorted:
/// `DealRow::attrs` holds a row's values in this order.
pub fn attr_columns(schemes: &[Scheme]) -> Vec<String> {
    let mut cols: Vec<String> = schemes
        .iter()
        .flat_map(|s| s.multipliers.iter().map(|m| m.column.clone()))
        .collect();
    cols.sort();
    cols.dedup();
    cols
}

/// Whose deals count as a rep's credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CreditScope {
    /// The rep's own deals.
    #[default]
    Own,
    /// Own plus every rep below in the reporting tree.
    Team,
    /// Own plus direct reports'.
    DirectTeam,
}

/// A pay scheme.
#[derive(Debug, Clone)]
pub struct Scheme {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Annual base salary.
    pub base_salary: Decimal,
    /// Annual incentive at 100% attainment.
    pub target_incentive: Decimal,
    /// Annual quota.
    pub quota: Decimal,
    /// Credit scope.
    pub credit: CreditScope,
    /// What a deal row's credit measures.
    pub measure: Measure,
    /// Credit weight by deal type (default 1), indexed by `DealType::index`.
    pub weights: [Decimal; 3],
    /// Credit multiplier by product (default 1).
    pub products: BTreeMap<String, Decimal>,
    /// `multipliers`: credit multipliers by the value of a deals.csv column.
    pub multipliers: Vec<ColumnMultiplier>,
    /// Quota factor by month of tenure (month 1 = hire month).
    pub ramp: Vec<Decimal>,
    /// Cap on earned incentive per period.
    pub cap_period: Option<Decimal>,
    /// Cap on earned incentive per year.
    pub cap_year: Option<Decimal>,
    /// Draw, if any.
    pub draw: Option<Draw>,
    /// Clawback window, if any.
    pub clawback_days: Option<i64>,
    /// `clawback.schedule`: (within_days, share) in increasing days; the share
    /// recovered of a cancellation that many days or fewer after close (empty: 1).
    pub clawback_schedule: Vec<(i64, Decimal)>,
    /// Components in order.
    pub components: Vec<Component>,
}

impl Scheme {
    /// The credit multiplier of a product (1 when unlisted or absent).
    pub fn multiplier(&self, product: Option<&str>) -> Decimal {
        product
            .and_then(|p| self.products.get(p).copied())
            .unwrap_or(Decimal::ONE)
    }

    /// The product of the column multipliers of a deal row whose
    /// `attr_columns` values are `attrs` (1 with none; a value neither listed
    /// nor covered by a default is refused when deals.csv is read, 1 here).
    pub fn column_multiplier(&self, attrs: &[&str]) -> Decimal {
        self.multipliers
            .iter()
            .map(|m| attrs.get(m.attr).and_then(|v| m.factor(v)).unwrap_or(Decimal::ONE))
            .product()
    }

    /// The ramp factor for a month of tenure (1-based; ≤ 0 means not yet hired).
    pub fn ramp_factor(&self, tenure_month: i64) -> Decimal {
        if tenure_month >= 1 {
            self.ramp
                .get((tenure_month - 1) as usize)
                .copied()
                .unwrap_or(Decimal::ONE)
        } else {
            Decimal::ONE
        }
    }

    /// On-target earnings.
    pub fn ote(&self) -> Decimal {
        self.base_salary + self.target_incentive
    }
}

/// A per-period guarantee.
#[derive(Debug, Clone)]
pub struct Draw {
    /// Guarantee per period.
    pub amount: Decimal,
    /// Whether top-ups are repaid from later earnings.
    pub recoverable: bool,
    /// Months of tenure it lasts (`None`: all year).
    pub months: Option<u64>,
    /// `amount = [a, b, c]`: the guarantee by tenure month (the last repeating);
    /// empty when `amount` is one number (then `amount` holds it).
    pub by_month: Vec<Decimal>,
    /// At most this share of a period's net earnings recovers the balance.
    pub recovery_cap: Option<Decimal>,
}

/// One pay component.
#[derive(Debug, Clone)]
pub struct Component {
    /// Display name (unique within the scheme).
    pub name: String,
    /// Per-period cap on this component.
    pub cap: Option<Decimal>,
    /// `cumulative = true`: paid on year-to-date credit against year-to-date
    /// quota, less what earlier periods paid under it (commissions and bonuses).
    pub cumulative: bool,
    /// `gate`: pays nothing in a period where an attainment is below a bound.
    pub gate: Option<Gate>,
    /// What it pays.
    pub kind: ComponentKind,
}

impl Component {
    /// Whether the component pays deal row by deal row (a commission with
    /// `basis = "deal"` or `deal_limits`): the ledger keeps its rows.
    pub fn per_deal(&self) -> bool {
        matches!(
            self.kind,
            ComponentKind::Commission { basis: Basis::Deal, .. }
                | ComponentKind::Commission {
                    deal_limits: Some(_),
                    ..
                }
        )
    }
}

/// A component's gate: the attainment that must be reached for it to pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gate {
    /// The component whose attainment counts (its index in the scheme; `None`: the scheme's).
    pub component: Option<usize>,
    /// The least attainment that pays (reached exactly, it pays).
    pub min_attainment: Decimal,
}

/// Which deals a component counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DealFilter {
    /// Deal types counted (`None` = all).
    pub deal_types: Option<Vec<DealType>>,
    /// Products counted (`None` = all).
    pub products: Option<Vec<String>>,
}

impl DealFilter {
    /// Whether a deal of this type and product passes.
    pub fn passes(&self, deal_type: DealType, product: Option<&str>) -> bool {
        self.deal_types.as_ref().is_none_or(|ts| ts.contains(&deal_type))
            && self
                .products
                .as_ref()
                .is_none_or(|ps| product.is_some_and(|p| ps.iter().any(|x| x == p)))
    }

    /// Whether the filter lets everything through.
    pub fn is_all(&self) -> bool {
        self.deal_types.is_none() && self.products.is_none()
    }
}

/// Tier bounds: attainment fractions or amounts of credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Bounds are fractions of the period quota.
    Attainment,
    /// Bounds are credit per period.
    Amount,
    /// Bounds are credit per deal row: the tiers apply to each row's own credit.
    Deal,
}

/// `deal_limits`: bounds on each deal row's commission (either optional).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DealLimits {
    /// The least a deal row with positive credit earns.
    pub min: Option<Decimal>,
    /// The most a deal row earns.
    pub max: Option<Decimal>,
}

impl DealLimits {
    /// `x` within the bounds.
    pub fn clamp(&self, x: Decimal) -> Decimal {
        let x = self.min.map_or(x, |m| x.max(m));
        self.max.map_or(x, |m| x.min(m))
    }
}

/// How tiers pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Each slice at its own rate.
    Marginal,
    /// All credit at the rate of the highest tier reached.
    Retroactive,
}

/// One commission tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tier {
    /// Lower bound (attainment fraction or amount).
    pub from: Decimal,
    /// Rate as a fraction.
    pub rate: Decimal,
}

/// What ranks the reps of a contest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContestScore {
    /// Their credit from won rows in the window (as their scheme credits: amount, margin or units).
    Credit,
    /// The number of won rows in the window.
    Deals,
}

/// Override scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Direct reports only.
    Direct,
    /// Every level below.
    All,
}

/// What a component pays.
#[derive(Debug, Clone)]
pub enum ComponentKind {
    /// Tiered commission on credit.
    Commission {
        /// Tier bound basis.
        basis: Basis,
        /// Marginal or retroactive.
        method: Method,
        /// Tiers, `from` strictly increasing.
        tiers: Vec<Tier>,
        /// Deals counted.
        filter: DealFilter,
        /// Pay only above this point.
        above: Option<Decimal>,
        /// Bounds on each deal row's commission (`basis = "deal"`) or share of the lines.
        deal_limits: Option<DealLimits>,
    },
    /// Target × payout curve of attainment.
    Bonus {
        /// Annual target.
        target: Decimal,
        /// (attainment, fraction of target), attainment strictly increasing.
        curve: Vec<(Decimal, Decimal)>,
    },
    /// A fixed amount in each period reaching an attainment.
    Milestone {
        /// Attainment to reach.
        at: Decimal,
        /// Amount paid.
        amount: Decimal,
    },
    /// A per-deal contest.
    Spiff {
        /// Deals counted.
        filter: DealFilter,
        /// First day of the window.
        from: NaiveDate,
        /// Last day of the window.
        to: NaiveDate,
        /// Paid per won deal row, times its split.
        per_deal: Decimal,
        /// Minimum deal amount (before split).
        min_amount: Decimal,
        /// Whether `per_deal` is times the rep's split (`split = false`: paid whole to every credited rep).
        split: bool,
    },
    /// A sales contest: the top reps of the scheme by a score over a window
    /// win the prizes by rank, ties sharing the prizes of the places they hold.
    Contest {
        /// Deals counted.
        filter: DealFilter,
        /// First day of the window.
        from: NaiveDate,
        /// Last day of the window (the prizes are paid in its period).
        to: NaiveDate,
        /// The prize of each place, first place first.
        prizes: Vec<Decimal>,
        /// What ranks the reps.
        by: ContestScore,
    },
    /// Management objectives: target per period × Σ weight × min(score, max_score) (objectives.csv).
    Mbo {
        /// Annual target (prorated per period as a bonus's).
        target: Decimal,
        /// The highest score counted.
        max_score: Decimal,
    },
    /// A manager's pay on the team's credit.
    Override {
        /// Rate.
        rate: Decimal,
        /// Reports counted.
        scope: Scope,
    },
}

impl ComponentKind {
    /// The kind's name as written in plans.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Commission { .. } => "commission",
            Self::Bonus { .. } => "bonus",
            Self::Milestone { .. } => "milestone",
            Self::Spiff { .. } => "spiff",
            Self::Contest { .. } => "contest",
            Self::Mbo { .. } => "mbo",
            Self::Override { .. } => "override",
        }
    }
}

/// `[data]`: how to read CRM exports whose columns and values are not fuerza's.
#[derive(Debug, Clone, Default)]
pub struct DataMap {
    /// `[data.reps]`.
    pub reps: Option<FileMap>,
    /// `[data.deals]`.
    pub deals: Option<FileMap>,
    /// `[data.opportunities]`.
    pub opportunities: Option<FileMap>,
    /// `[data.assignments]`.
    pub assignments: Option<FileMap>,
}

/// How to read one file.
#[derive(Debug, Clone, Default)]
pub struct FileMap {
    /// The file to read, relative to the data folder (default: the canonical name).
    pub file: Option<String>,
    /// fuerza column → the export's column.
    pub columns: BTreeMap<String, String>,
    /// fuerza column → a constant, for columns the export does not have.
    pub defaults: BTreeMap<String, String>,
    /// Export column → the values a row must have one of to be read.
    pub filter: BTreeMap<String, Vec<String>>,
    /// fuerza column → (export value → fuerza value); unmapped values are errors.
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// chrono format of the export's dates (default ISO `%Y-%m-%d`).
    pub date_format: Option<String>,
    /// Required fuerza columns that may be blank in this export (reported, not filled).
    pub optional: Vec<String>,
    /// reps only: create a rep for every manager named in `manager_id` but absent, on this scheme.
    pub managers_scheme: Option<String>,
}

impl FileMap {
    /// The export's name for a fuerza column.
    pub fn source<'a>(&'a self, column: &'a str) -> &'a str {
        self.columns.get(column).map(String::as_str).unwrap_or(column)
    }
}

/// `[capacity]`: what `fuerza capacity` plans with.
#[derive(Debug, Clone)]
pub struct Capacity {
    /// Annual credit of a fully ramped rep.
    pub productivity: Productivity,
    /// Annual attrition rate (0.15 = 15% leave in a year).
    pub attrition: Decimal,
    /// Months from deciding to hire to the hire's first day.
    pub hire_lead_months: u64,
    /// Fully ramped reps to start from (default: the reps in reps.csv).
    pub headcount: Option<u64>,
    /// The scheme whose ramp and quota apply (default: the own-credit scheme with most reps).
    pub scheme: Option<String>,
}

/// How productive a fully ramped rep is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Productivity {
    /// Annual credit.
    Amount(Decimal),
    /// A share of the scheme's annual quota ("85%").
    QuotaShare(Decimal),
}

/// `[recruiting]`: the trait profile candidates are scored against.
#[derive(Debug, Clone)]
pub struct Recruiting {
    /// Trait → weight (weights sum to 1), in the order written.
    pub traits: Vec<(String, Decimal)>,
    /// Candidates scoring below this (1–5 scale) are marked.
    pub min_score: Option<Decimal>,
}
