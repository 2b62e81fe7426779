//! The scorecard (SPEC 6): per rep, performance, pay, relationship orientation and fractures.
//!
//! Ranks use competition ranking ("1224"): tied reps share the best rank. Only
//! reps with a year quota are ranked. Pay for performance compares, within the
//! rep's scheme (reps on one plan are the fair comparison), the rank by
//! incentive paid with the rank by attainment.

use crate::comp::Evaluation;
use crate::credit::ledger::Relationship;
use crate::data::Roster;
use crate::funnel::Fracture;
use crate::plan::Plan;
use crate::units::DealType;
use rust_decimal::Decimal;

/// Where a rep's pay rank stands against its attainment rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayForPerformance {
    /// Pay rank within the tolerance of the attainment rank.
    Aligned,
    /// Pay ranks higher than performance by more than the tolerance.
    PaidAbove,
    /// Pay ranks lower than performance by more than the tolerance.
    PaidBelow,
}

impl PayForPerformance {
    /// The word written in scorecard.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aligned => "aligned",
            Self::PaidAbove => "paid above performance",
            Self::PaidBelow => "paid below performance",
        }
    }
}

/// One rep's scorecard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreRow {
    /// Rep index in the roster.
    pub rep: usize,
    /// Year credit (own or team, as paid on).
    pub credit: Decimal,
    /// Year quota.
    pub quota: Decimal,
    /// Year credit ÷ year quota (`None` without a quota).
    pub attainment: Option<Decimal>,
    /// 1 = highest attainment (`None` without a quota).
    pub rank: Option<usize>,
    /// Share of ranked reps below this one, 0–100.
    pub percentile: Option<Decimal>,
    /// 1 = highest attainment among the ranked reps of the same scheme.
    pub scheme_rank: Option<usize>,
    /// Base pay.
    pub base_pay: Decimal,
    /// Incentive paid.
    pub incentive: Decimal,
    /// Total pay.
    pub total_pay: Decimal,
    /// Incentive ÷ credit (`None` without credit).
    pub cost_of_sales: Option<Decimal>,
    /// 1 = highest incentive among the ranked reps of the same scheme.
    pub pay_rank: Option<usize>,
    /// scheme_rank − pay_rank: positive when pay ranks above performance.
    pub pfp_gap: Option<i64>,
    /// The gap judged against the tolerance.
    pub pfp: Option<PayForPerformance>,
    /// Renewal credit ÷ own credit.
    pub renewal_share: Option<Decimal>,
    /// Customers with two or more deal rows ÷ customers.
    pub repeat_customer_rate: Option<Decimal>,
    /// Mean distinct products per customer.
    pub products_per_customer: Option<Decimal>,
    /// Customers the rep sold to in the plan year.
    pub customers: usize,
    /// Fractured transitions, e.g. `propose→objections`.
    pub fractures: Vec<String>,
}

/// The tolerance of the pay-for-performance position: 10% of the ranked reps of the scheme, at least 1.
pub fn pfp_tolerance(ranked: usize) -> i64 {
    (ranked as i64 + 9) / 10
}

/// Competition ranks of `values` (highest first); `None` values are unranked.
pub fn ranks(values: &[Option<Decimal>]) -> Vec<Option<usize>> {
    let mut sorted: Vec<Decimal> = values.iter().flatten().copied().collect();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    // 1 + how many are strictly greater: the first position of x in the descending order.
    values
        .iter()
        .map(|v| v.map(|x| 1 + sorted.partition_point(|y| *y > x)))
        .collect()
}

fn ratio(num: Decimal, den: Decimal) -> Option<Decimal> {
    (!den.is_zero()).then(|| num / den)
}

fn relationship(rel: Option<&Relationship>) -> (Option<Decimal>, Option<Decimal>, Option<Decimal>, usize) {
    let Some(rel) = rel else {
        return (None, None, None, 0);
    };
    let own: Decimal = rel.credit_by_type.iter().copied().sum();
    let renewal = ratio(rel.credit_by_type[DealType::Renewal.index()], own);
    let n = rel.customers.len();
    let nd = Decimal::from(n as u64);
    let repeat = rel.customers.values().filter(|(rows, _)| *rows >= 2).count();
    let products: usize = rel.customers.values().map(|(_, p)| p.len()).sum();
    (
        renewal,
        ratio(Decimal::from(repeat as u64), nd),
        ratio(Decimal::from(products as u64), nd),
        n,
    )
}

/// Builds every rep's scorecard, in roster order.
pub fn scorecard(
    plan: &Plan,
    roster: &Roster,
    ev: &Evaluation,
    relationships: &[Relationship],
    fractures: &[Fracture],
) -> Vec<ScoreRow> {
    let atts: Vec<Option<Decimal>> = ev.reps.iter().map(super::series::year_attainment).collect();
    let rank = ranks(&atts);
    let incentive: Vec<Decimal> = ev.reps.iter().map(|r| r.total(|p| p.incentive_paid)).collect();
    let ranked = atts.iter().flatten().count();
    let mut ascending: Vec<Decimal> = atts.iter().flatten().copied().collect();
    ascending.sort_unstable();
    // Ranks within each scheme: attainment and incentive of the scheme's ranked reps only.
    let scheme_of: Vec<usize> = ev.reps.iter().map(|r| roster.reps[r.rep].scheme).collect();
    let mut scheme_rank = vec![None; ev.reps.len()];
    let mut pay_rank = vec![None; ev.reps.len()];
    let mut scheme_size = vec![0usize; ev.reps.len()];
    for s in 0..plan.schemes.len() {
        let members: Vec<usize> = (0..ev.reps.len()).filter(|&i| scheme_of[i] == s).collect();
        let a: Vec<Option<Decimal>> = members.iter().map(|&i| atts[i]).collect();
        let pay: Vec<Option<Decimal>> = members.iter().map(|&i| atts[i].map(|_| incentive[i])).collect();
        let n = a.iter().flatten().count();
        for ((&i, ar), pr) in members.iter().zip(ranks(&a)).zip(ranks(&pay)) {
            scheme_rank[i] = ar;
            pay_rank[i] = pr;
            scheme_size[i] = n;
        }
    }
    let stages = &plan.process.stages;
    ev.reps
        .iter()
        .enumerate()
        .map(|(i, rp)| {
            let credit = rp.total(|p| p.credit);
            let below = atts[i].map(|a| ascending.partition_point(|y| *y < a));
            let percentile = below.map(|b| {
                if ranked > 1 {
                    Decimal::from(100 * b as u64) / Decimal::from(ranked as u64 - 1)
                } else {
                    Decimal::ONE_HUNDRED
                }
            });
            let gap = scheme_rank[i].zip(pay_rank[i]).map(|(r, p)| r as i64 - p as i64);
            let tol = pfp_tolerance(scheme_size[i]);
            let pfp = gap.map(|g| {
                if g > tol {
                    PayForPerformance::PaidAbove
                } else if g < -tol {
                    PayForPerformance::PaidBelow
                } else {
                    PayForPerformance::Aligned
                }
            });
            let (renewal_share, repeat_customer_rate, products_per_customer, customers) =
                relationship(relationships.get(rp.rep));
            ScoreRow {
                rep: rp.rep,
                credit,
                quota: rp.total(|p| p.quota),
                attainment: atts[i],
                rank: rank[i],
                percentile,
                scheme_rank: scheme_rank[i],
                base_pay: rp.total(|p| p.base_pay),
                incentive: incentive[i],
                total_pay: rp.total(|p| p.total_pay),
                cost_of_sales: ratio(incentive[i], credit),
                pay_rank: pay_rank[i],
                pfp_gap: gap,
                pfp,
                renewal_share,
                repeat_customer_rate,
                products_per_customer,
                customers,
                fractures: fractures
                    .iter()
                    .filter(|f| f.rep == rp.rep)
                    .map(|f| format!("{}→{}", stages[f.transition], stages[f.transition + 1]))
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn ties_share_the_best_rank_and_unranked_stay_unranked() {
        let r = ranks(&[Some(dec!(1.2)), None, Some(dec!(0.8)), Some(dec!(1.2)), Some(dec!(0.5))]);
        assert_eq!(r, vec![Some(1), None, Some(3), Some(1), Some(4)]);
    }

    #[test]
    fn tolerance_is_a_tenth_of_the_ranked_reps_at_least_one() {
        assert_eq!(pfp_tolerance(1), 1);
        assert_eq!(pfp_tolerance(10), 1);
        assert_eq!(pfp_tolerance(11), 2);
        assert_eq!(pfp_tolerance(40), 4);
    }

    #[test]
    fn relationship_metrics_count_customers_rows_and_products() {
        let mut rel = Relationship {
            credit_by_type: [dec!(300), dec!(100), dec!(100)],
            ..Default::default()
        };
        rel.customers
            .insert("c1".into(), (2, ["A".to_string(), "B".to_string()].into()));
        rel.customers.insert("c2".into(), (1, ["A".to_string()].into()));
        let (renewal, repeat, ppc, n) = relationship(Some(&rel));
        assert_eq!(renewal, Some(dec!(0.2)));
        assert_eq!(repeat, Some(dec!(0.5)));
        assert_eq!(ppc, Some(dec!(1.5)));
        assert_eq!(n, 2);
    }
}
