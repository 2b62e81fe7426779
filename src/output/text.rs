//! Text for people: aligned tables on stdout, and a rep's explained statement.

use crate::calendar::Calendar;
use crate::comp::{LineKind, RepPay};
use crate::data::Rep;
use crate::plan::Plan;
use crate::report::SummaryRow;
use crate::units::{fmt_dp, fmt_money, fmt_money_human, fmt_pct};

/// Renders rows as an aligned table: the first `left` columns (text) left-aligned,
/// the rest (numbers) right-aligned.
pub fn table(header: &[&str], rows: &[Vec<String>], left: usize) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
    }
    let mut out = String::new();
    let line = |cells: Vec<&str>, out: &mut String| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i < left {
                    format!("{c:<w$}", w = widths[i])
                } else {
                    format!("{c:>w$}", w = widths[i])
                }
            })
            .collect();
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    };
    line(header.to_vec(), &mut out);
    line(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect(),
        &mut out,
    );
    for r in rows {
        line(r.iter().map(String::as_str).collect(), &mut out);
    }
    out
}

/// The summary header.
pub const SUMMARY_HEADER: [&str; 8] = [
    "period",
    "credit",
    "quota",
    "base_pay",
    "incentive",
    "total_pay",
    "cost_of_sales",
    "at_quota",
];

/// Summary cells as text (machine form when `human` is false).
pub fn summary_cells(rows: &[SummaryRow], human: bool) -> Vec<Vec<String>> {
    let m = |x| if human { fmt_money_human(x) } else { fmt_money(x) };
    rows.iter()
        .map(|r| {
            vec![
                r.period.clone(),
                m(r.credit),
                m(r.quota),
                m(r.base_pay),
                m(r.incentive),
                m(r.total_pay),
                r.cost_of_sales
                    .map(|c| {
                        if human {
                            fmt_pct(c.round_dp(4))
                        } else {
                            fmt_dp(c, 4, crate::units::Rounding::HalfUp)
                        }
                    })
                    .unwrap_or_default(),
                format!("{}/{}", r.at_quota, r.with_quota),
            ]
        })
        .collect()
}

/// The deals behind a rep's credit, for [`explain`]: the credited rows and
/// the roster (to name the seller of a team row).
pub struct DealsShown<'a> {
    /// The rep's credited deal rows, in deals.csv order.
    pub rows: &'a [crate::output::credits::DealCredit],
    /// The reps.
    pub reps: &'a [Rep],
}

/// One rep's period's deal rows as a table, and their credit summed.
fn deal_table(deals: &DealsShown, p: usize) -> String {
    let rows: Vec<Vec<String>> = deals
        .rows
        .iter()
        .filter(|d| d.period == p)
        .map(|d| {
            vec![
                d.deal_id.clone(),
                deals.reps[d.seller].id.clone(),
                d.role.as_str().to_string(),
                crate::output::credits::fmt_credit(d.amount),
                d.split.normalize().to_string(),
                d.weight.normalize().to_string(),
                d.multiplier.normalize().to_string(),
                crate::output::credits::fmt_credit(d.credit),
                if d.cancelled { "cancelled" } else { "" }.to_string(),
            ]
        })
        .collect();
    let mut out = String::new();
    if rows.is_empty() {
        out.push_str("  (no deals credited)\n");
        return out;
    }
    let head = [
        "deal_id",
        "seller",
        "role",
        "amount",
        "split",
        "weight",
        "multiplier",
        "credit",
        "status",
    ];
    for l in table(&head, &rows, 2).lines() {
        out.push_str("  ");
        out.push_str(l);
        out.push('\n');
    }
    let total: rust_decimal::Decimal = deals.rows.iter().filter(|d| d.period == p).map(|d| d.credit).sum();
    out.push_str(&format!(
        "  {} deal row(s), credit {}\n",
        rows.len(),
        crate::output::credits::fmt_credit(total)
    ));
    out
}

/// One rep's statement, every line with its basis, rate and amount, and the
/// totals; with `deals`, each period's credited deal rows first.
pub fn explain(
    plan: &Plan,
    cal: &Calendar,
    rep: &Rep,
    pay: &RepPay,
    only: Option<usize>,
    deals: Option<&DealsShown>,
) -> String {
    let scheme = &plan.schemes[rep.scheme];
    let cur = &plan.currency;
    let mut out = format!(
        "{} ({}) — scheme {} ({}), plan {:?}, amounts in {cur}\n",
        rep.name, rep.id, scheme.name, scheme.id, plan.name
    );
    for (p, pp) in pay.periods.iter().enumerate() {
        if only.is_some_and(|o| o != p) {
            continue;
        }
        out.push_str(&format!(
            "\n{}  quota {}  credit {}  attainment {}\n",
            cal.label(p),
            fmt_money_human(pp.quota),
            fmt_money_human(plan.rounding.money(pp.credit)),
            pp.attainment
                .map(|a| fmt_dp(a, 4, plan.rounding))
                .unwrap_or_else(|| "n/a (quota 0)".into())
        ));
        if let Some(d) = deals {
            out.push_str(&deal_table(d, p));
        }
        let rows: Vec<Vec<String>> = pp
            .lines
            .iter()
            .map(|l| {
                vec![
                    l.component.clone(),
                    l.label.clone(),
                    l.basis
                        .map(|b| fmt_money_human(plan.rounding.money(b)))
                        .unwrap_or_default(),
                    l.rate.map(crate::output::tables::fmt_rate).unwrap_or_default(),
                    fmt_money_human(l.amount),
                ]
            })
            .collect();
        if rows.is_empty() {
            out.push_str("  (no incentive lines)\n");
        } else {
            for l in table(&["component", "line", "basis", "rate", "amount"], &rows, 2).lines() {
                out.push_str("  ");
                out.push_str(l);
                out.push('\n');
            }
        }
        let sum: rust_decimal::Decimal = pp.lines.iter().map(|l| l.amount).sum();
        let earned_lines: rust_decimal::Decimal = pp
            .lines
            .iter()
            .filter(|l| l.kind == LineKind::Earned)
            .map(|l| l.amount)
            .sum();
        let adjusted = if pp.adjustments.is_zero() {
            String::new()
        } else {
            format!(" + adjustments {}", fmt_money_human(pp.adjustments))
        };
        out.push_str(&format!(
            "  earned {} + clawback {} + draw top-up {} + deficit {} − recovered {}{adjusted} = incentive paid {}\n",
            fmt_money_human(earned_lines),
            fmt_money_human(pp.clawback),
            fmt_money_human(pp.draw_topup),
            fmt_money_human(pp.deficit),
            fmt_money_human(pp.recovered),
            fmt_money_human(sum)
        ));
        out.push_str(&format!(
            "  base pay {} + incentive paid {} = total pay {}; balance owed {}\n",
            fmt_money_human(pp.base_pay),
            fmt_money_human(pp.incentive_paid),
            fmt_money_human(pp.total_pay),
            fmt_money_human(pp.balance)
        ));
    }
    if only.is_none() {
        out.push_str(&format!(
            "\nYear: base pay {}, incentive paid {}, total pay {}\n",
            fmt_money_human(pay.total(|p| p.base_pay)),
            fmt_money_human(pay.total(|p| p.incentive_paid)),
            fmt_money_human(pay.total(|p| p.total_pay))
        ));
    }
    out
}

/// One sentence per fracture, then how many reps have none.
pub fn fractures(plan: &Plan, reps: &[Rep], found: &[crate::funnel::Fracture], team_word: bool) -> String {
    let st = &plan.process.stages;
    let mut out = String::new();
    for f in found {
        let bench_word = if plan.process.benchmarks.contains_key(&(f.transition + 1)) || !team_word {
            "benchmark"
        } else {
            "team"
        };
        out.push_str(&format!(
            "{}: loses deals at {} → {}: {} vs {} {bench_word}, ≈ {} wins, ≈ {} {}\n",
            reps[f.rep].name,
            st[f.transition],
            st[f.transition + 1],
            fmt_pct_whole(f.rate),
            fmt_pct_whole(f.benchmark),
            f.est_lost_wins.round_dp(0),
            approx(f.est_revenue_impact),
            plan.currency
        ));
    }
    let flagged: std::collections::BTreeSet<usize> = found.iter().map(|f| f.rep).collect();
    let none = reps.len() - flagged.len();
    if found.is_empty() {
        out.push_str("no pipeline fractures: every rep converts within tolerance of its benchmark (or has too few resolved opportunities to tell)\n");
    } else {
        out.push_str(&format!("{none} rep(s) have no fracture\n"));
    }
    out
}

/// A fraction as a whole percentage ("31%").
fn fmt_pct_whole(x: rust_decimal::Decimal) -> String {
    format!("{}%", (x * rust_decimal::Decimal::ONE_HUNDRED).round_dp(0))
}

/// An estimate for people: to the nearest thousand above 10,000, else whole units.
fn approx(x: rust_decimal::Decimal) -> String {
    let k = rust_decimal::Decimal::ONE_THOUSAND;
    let r = if x.abs() >= rust_decimal::Decimal::TEN * k {
        (x / k).round() * k
    } else {
        x.round()
    };
    fmt_money_human(r).trim_end_matches(".00").to_string()
}
