//! What the generator needs to know about a plan: the year, the map of
//! regions and territories, the sales process and, for each role it staffs
//! (VP, regional manager, account executive, SDR), the scheme that pays it.
//!
//! Built from a validated plan (`Setup::from_plan`) or from the built-in
//! defaults, which match `plans/acme.toml`.

use crate::plan::{Plan, DEFAULT_STAGES};
use crate::units::DealType;
use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;

/// One region and the territories in it.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionSpec {
    /// Region id (for naming only).
    pub id: String,
    /// Territory ids in the region; may be empty (reps then get no territory).
    pub territories: Vec<String>,
}

/// What the generator uses of one scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemeSpec {
    /// Scheme id written in reps.csv.
    pub id: String,
    /// Annual quota, used to size the deals so attainment lands where intended.
    pub quota: f64,
    /// Credit weight by deal type (new, expansion, renewal).
    pub weights: [f64; 3],
    /// Credit multiplier by product name.
    pub products: Vec<(String, f64)>,
    /// Quota factor by month of tenure (month 1 = hire month).
    pub ramp: Vec<f64>,
}

impl SchemeSpec {
    fn plain(id: &str, quota: f64) -> Self {
        Self {
            id: id.to_string(),
            quota,
            weights: [1.0; 3],
            products: Vec::new(),
            ramp: Vec::new(),
        }
    }

    /// The ramp factor in month `t` of tenure (1-based); 1 beyond the list.
    pub fn ramp_factor(&self, t: i64) -> f64 {
        if t < 1 {
            return 1.0;
        }
        self.ramp.get((t - 1) as usize).copied().unwrap_or(1.0)
    }

    /// The credit multiplier of a product.
    pub fn multiplier(&self, product: &str) -> f64 {
        self.products
            .iter()
            .find(|(p, _)| p == product)
            .map_or(1.0, |(_, m)| *m)
    }

    /// The credit weight of a deal type.
    pub fn weight(&self, t: DealType) -> f64 {
        self.weights[t.index()]
    }
}

/// The schemes of the four roles.
#[derive(Debug, Clone, PartialEq)]
pub struct Roles {
    /// The head of sales.
    pub vp: SchemeSpec,
    /// Regional managers.
    pub mgr: SchemeSpec,
    /// Account executives (the closers).
    pub ae: SchemeSpec,
    /// Sales development reps (small inbound deals, pipeline).
    pub sdr: SchemeSpec,
}

/// Everything the generator reads from the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    /// First day of the plan year.
    pub year_start: NaiveDate,
    /// Share of the annual quota in each of the 12 months (sums to 1).
    pub month_shares: [f64; 12],
    /// Regions with their territories (at least one).
    pub regions: Vec<RegionSpec>,
    /// The sales process stages, in order.
    pub stages: Vec<String>,
    /// Index of the stage at which an opportunity is won.
    pub won_at: usize,
    /// The scheme of each role.
    pub roles: Roles,
    /// Whether deals.csv gets `margin` and `quantity` (a scheme of the plan measures one).
    pub measured: bool,
    /// The columns the plan's `multipliers` read (beyond fuerza's own), each
    /// with the values to write in turn: those every scheme of a generated
    /// role without a `default` for it lists (with defaults everywhere, every
    /// listed value).
    pub attrs: Vec<(String, Vec<String>)>,
}

/// The products sold: (name, share of deals, relative deal size). Fixed, so
/// the data reads like one company's bookings.
pub const PRODUCTS: [(&str, f64, f64); 3] = [
    ("Platform", 0.50, 1.30),
    ("Analytics", 0.30, 0.80),
    ("Services", 0.20, 0.45),
];

/// [`Setup::attrs`] of a plan whose generated reps are on the schemes `used`.
fn attr_values(plan: &crate::plan::Plan, used: &[usize]) -> Vec<(String, Vec<String>)> {
    let known = crate::plan::load::FILE_COLUMNS[1].1;
    let schemes: Vec<&crate::plan::Scheme> = used.iter().map(|&i| &plan.schemes[i]).collect();
    crate::plan::attr_columns(&plan.schemes)
        .into_iter()
        .filter(|c| !known.contains(&c.as_str()))
        .map(|c| {
            let ms: Vec<_> = schemes
                .iter()
                .flat_map(|s| &s.multipliers)
                .filter(|m| m.column == c)
                .collect();
            let strict: Vec<_> = ms.iter().filter(|m| m.default.is_none()).collect();
            let mut values: Vec<String> = match strict.split_first() {
                Some((first, rest)) => first
                    .values
                    .keys()
                    .filter(|v| rest.iter().all(|m| m.values.contains_key(*v)))
                    .cloned()
                    .collect(),
                None => ms.iter().flat_map(|m| m.values.keys().cloned()).collect(),
            };
            values.sort();
            values.dedup();
            (c, values)
        })
        .collect()
}

impl Setup {
    /// The built-in setup, matching `plans/acme.toml`.
    pub fn builtin() -> Self {
        let t = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut ae = SchemeSpec::plain("ae", 1_600_000.0);
        ae.weights = [1.0, 1.0, 0.5];
        ae.products = vec![("Analytics".into(), 1.2), ("Services".into(), 0.5)];
        ae.ramp = vec![0.0, 0.25, 0.5, 0.75];
        let mut sdr = SchemeSpec::plain("sdr", 300_000.0);
        sdr.ramp = vec![0.0, 0.5];
        let seasonality = [0.22, 0.24, 0.25, 0.29];
        Self {
            year_start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
            month_shares: std::array::from_fn(|m| seasonality[m / 3] / 3.0),
            regions: vec![
                RegionSpec {
                    id: "east".into(),
                    territories: t(&["NE", "MA", "SE"]),
                },
                RegionSpec {
                    id: "central".into(),
                    territories: t(&["MW", "SC"]),
                },
                RegionSpec {
                    id: "west".into(),
                    territories: t(&["NW", "CA", "SW"]),
                },
                RegionSpec {
                    id: "emea".into(),
                    territories: t(&["UKI", "DACH"]),
                },
            ],
            stages: DEFAULT_STAGES.iter().map(|s| s.to_string()).collect(),
            won_at: 5,
            measured: false,
            attrs: Vec::new(),
            roles: Roles {
                vp: SchemeSpec::plain("vp", 44_000_000.0),
                mgr: SchemeSpec::plain("mgr", 11_000_000.0),
                ae,
                sdr,
            },
        }
    }

    /// The setup of a validated plan. Roles take the schemes with ids `ae`,
    /// `sdr`, `mgr` and `vp`; a missing `ae` takes the plan's first scheme,
    /// and the other roles fall back to `mgr`, then `ae`.
    pub fn from_plan(plan: &Plan) -> Result<Self, String> {
        let spec = |i: usize| -> SchemeSpec {
            let s = &plan.schemes[i];
            let f = |d: rust_decimal::Decimal| d.to_f64().unwrap_or(0.0);
            SchemeSpec {
                id: s.id.clone(),
                quota: f(s.quota),
                weights: s.weights.map(f),
                products: s.products.iter().map(|(k, v)| (k.clone(), f(*v))).collect(),
                ramp: s.ramp.iter().map(|d| f(*d)).collect(),
            }
        };
        if plan.schemes.is_empty() {
            return Err("the plan has no schemes".into());
        }
        let ae = plan.scheme("ae").unwrap_or(0);
        let sdr = plan.scheme("sdr").unwrap_or(ae);
        let mgr = plan.scheme("mgr").unwrap_or(ae);
        let vp = plan.scheme("vp").unwrap_or(mgr);
        let cal = crate::calendar::Calendar::new(plan.year_start, plan.period)
            .ok_or("the plan year runs past the dates fuerza can represent")?;
        let month_shares = std::array::from_fn(|m| plan.month_share(&cal, m));
        let mut regions: Vec<RegionSpec> = plan
            .regions
            .iter()
            .map(|r| RegionSpec {
                id: r.id.clone(),
                territories: Vec::new(),
            })
            .collect();
        for t in &plan.territories {
            let at = t.region.as_ref().and_then(|r| regions.iter().position(|x| &x.id == r));
            match at {
                Some(i) => regions[i].territories.push(t.id.clone()),
                None => {
                    // A territory outside every region forms a region of its own.
                    regions.push(RegionSpec {
                        id: t.id.clone(),
                        territories: vec![t.id.clone()],
                    })
                }
            }
        }
        regions.retain(|r| !r.territories.is_empty());
        if regions.is_empty() {
            regions.push(RegionSpec {
                id: "all".into(),
                territories: Vec::new(),
            });
        }
        Ok(Self {
            year_start: plan.year_start,
            month_shares,
            regions,
            stages: plan.process.stages.clone(),
            won_at: plan.process.won_at,
            measured: plan.schemes.iter().any(|s| s.measure != crate::plan::Measure::Amount),
            attrs: attr_values(plan, &[vp, mgr, ae, sdr]),
            roles: Roles {
                vp: spec(vp),
                mgr: spec(mgr),
                ae: spec(ae),
                sdr: spec(sdr),
            },
        })
    }

    /// The plan year's last day.
    pub fn year_end(&self) -> NaiveDate {
        self.year_start
            .checked_add_months(chrono::Months::new(12))
            .and_then(|d| d.pred_opt())
            .unwrap_or(self.year_start)
    }

    /// The plan month (0-based, may be negative or ≥ 12) of a date.
    pub fn month_of(&self, d: NaiveDate) -> i64 {
        use chrono::Datelike;
        let ys = self.year_start;
        let m = i64::from(d.year() - ys.year()) * 12 + i64::from(d.month()) - i64::from(ys.month());
        if d.day() < ys.day() {
            m - 1
        } else {
            m
        }
    }
}
