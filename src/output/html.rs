//! report.html and per-rep statements: self-contained HTML (inline SVG and CSS,
//! no script, nothing fetched). Every value that comes from the plan or the data
//! goes through `escape`; charts arrive as SVG text whose labels plotters escaped.

use crate::calendar::Calendar;
use crate::comp::{Evaluation, RepPay};
use crate::data::Roster;
use crate::diag::Diagnostic;
use crate::funnel::Fracture;
use crate::plan::Plan;
use crate::report::{ScoreRow, SummaryRow};
use crate::units::{fmt_dp, fmt_money_human, fmt_pct};
use rust_decimal::Decimal;
use std::fmt::Write;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A chart placed in a page.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Title, shown as the figure's caption heading.
    pub title: String,
    /// One sentence on how to read it.
    pub caption: String,
    /// The chart as SVG text.
    pub svg: String,
}

/// Everything a report page shows.
pub struct Report<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// Its calendar.
    pub cal: &'a Calendar,
    /// The reps.
    pub roster: &'a Roster,
    /// Pay.
    pub ev: &'a Evaluation,
    /// The summary rows (periods, then FY).
    pub summary: &'a [SummaryRow],
    /// The scorecard, in roster order.
    pub scorecard: &'a [ScoreRow],
    /// Flagged fractures.
    pub fractures: &'a [Fracture],
    /// The charts.
    pub figures: &'a [Figure],
    /// Per rep (roster order): the safe stem used for its anchor and statement file.
    pub stems: &'a [String],
    /// Every warning of the run (the ones it prints on stderr).
    pub warnings: &'a [Diagnostic],
}

const CSS: &str = r#"
:root { --ink:#212529; --muted:#646a70; --line:#dee2e6; --band:#f5f7f9; --accent:#0072b2; --good:#00866a; --bad:#b34700; }
* { box-sizing: border-box; }
body { margin:0; color:var(--ink); background:#fff; font:15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
main { max-width:1240px; margin:0 auto; padding:24px 28px 64px; }
header.top { border-bottom:3px solid var(--accent); margin-bottom:12px; }
h1 { font-size:28px; margin:0 0 4px; }
h2 { font-size:22px; margin:40px 0 12px; padding-bottom:4px; border-bottom:1px solid var(--line); }
h3 { font-size:18px; margin:0 0 4px; }
.muted, .meta { color:var(--muted); }
.meta { margin:0 0 10px; }
nav.toc { position:sticky; top:0; background:#fff; z-index:2; padding:8px 0; border-bottom:1px solid var(--line); }
nav.toc a { margin-right:18px; }
a { color:var(--accent); text-decoration:none; }
a:hover { text-decoration:underline; }
.kpis { display:flex; flex-wrap:wrap; gap:12px; margin:12px 0 4px; padding:0; }
.kpis div { border:1px solid var(--line); border-radius:6px; padding:8px 14px; min-width:150px; }
.kpis dt { color:var(--muted); font-size:13px; }
.kpis dd { margin:0; font-size:20px; font-weight:600; font-variant-numeric:tabular-nums; }
.scroll { overflow-x:auto; }
table { border-collapse:collapse; width:100%; font-variant-numeric:tabular-nums; margin:6px 0 14px; font-size:14px; }
td.nowrap { white-space:nowrap; }
th, td { padding:5px 8px; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
thead th { background:var(--band); font-size:13px; position:sticky; top:0; }
td.num, th.num { text-align:right; white-space:nowrap; }
tbody tr:nth-child(even) td { background:#fbfcfd; }
tr.period th { background:#eef3f8; font-weight:600; }
tr.total td { font-weight:600; border-top:1px solid #adb5bd; }
td.ok { color:var(--good); }
td.warn { color:var(--bad); }
figure { margin:18px 0 30px; break-inside:avoid; page-break-inside:avoid; }
figure svg { display:block; width:100%; height:auto; border:1px solid var(--line); border-radius:4px; }
figcaption { color:var(--muted); margin-top:6px; }
figcaption b { color:var(--ink); }
section.statement { margin:28px 0 36px; padding-top:10px; border-top:2px solid var(--line); }
ul.warnings li { margin-bottom:4px; }
footer { color:var(--muted); font-size:13px; margin-top:40px; }
@media print {
  @page { size:A4; margin:14mm 12mm; }
  body { font-size:10.5pt; }
  main { max-width:none; padding:0; }
  nav.toc { display:none; }
  a { color:inherit; }
  h2 { break-before:page; page-break-before:always; break-after:avoid; }
  h2.first { break-before:auto; page-break-before:auto; }
  section.statement { break-before:page; page-break-before:always; border-top:none; }
  section.statement.only { break-before:auto; page-break-before:auto; }
  thead { display:table-header-group; }
  thead th { position:static; }
  tr, figure { break-inside:avoid; page-break-inside:avoid; }
  figure svg { border:none; max-height:112mm; }
  table { font-size:8.5pt; }
  table.wide { font-size:7pt; }
  table.wide td.nowrap, table.wide th { white-space:normal; }
  table.wide { table-layout:auto; word-break:normal; }
  th, td { padding:3px 5px; }
  .scroll { overflow:visible; }
}
"#;

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape(title)
    )
}

fn money(x: Decimal) -> String {
    fmt_money_human(x)
}

fn pct1(x: Decimal) -> String {
    format!("{}%", (x * Decimal::ONE_HUNDRED).round_dp(1))
}

fn opt(x: Option<String>) -> String {
    x.unwrap_or_else(|| "—".into())
}

fn kpis(items: &[(&str, String)]) -> String {
    let mut s = String::from("<dl class=\"kpis\">");
    for (k, v) in items {
        let _ = write!(s, "<div><dt>{}</dt><dd>{}</dd></div>", escape(k), escape(v));
    }
    s.push_str("</dl>\n");
    s
}

fn anchor(stem: &str) -> String {
    format!("rep-{}", escape(stem))
}

fn summary_table(r: &Report) -> String {
    let mut s = String::from(
        "<div class=\"scroll\"><table><thead><tr><th>Period</th><th class=\"num\">Credit</th><th class=\"num\">Quota</th><th class=\"num\">Attainment</th><th class=\"num\">Base pay</th><th class=\"num\">Incentive</th><th class=\"num\">Total pay</th><th class=\"num\">Cost of sales</th><th class=\"num\">Reps at quota</th></tr></thead><tbody>\n",
    );
    for row in r.summary {
        let att = (row.quota > Decimal::ZERO).then(|| pct1(row.credit / row.quota));
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} of {}</td></tr>",
            escape(&row.period),
            money(r.plan.rounding.money(row.credit)),
            money(row.quota),
            opt(att),
            money(row.base_pay),
            money(row.incentive),
            money(row.total_pay),
            opt(row.cost_of_sales.map(pct1)),
            row.at_quota,
            row.with_quota
        );
    }
    s.push_str("</tbody></table></div>\n");
    s
}

/// At most this many reps get a scorecard row and a statement in report.html;
/// past it the page says so and points at scorecard.csv and statements.csv
/// (every rep is always there), so a large roster keeps a readable page.
pub const MAX_REPORT_REPS: usize = 500;

/// The note under a section cut at `MAX_REPORT_REPS`.
fn cut_note(total: usize, what: &str, file: &str) -> String {
    if total <= MAX_REPORT_REPS {
        return String::new();
    }
    format!(
        "<p class=\"meta\">The first {MAX_REPORT_REPS} of {total} reps' {what} are shown; every rep's is in {file}.</p>\n"
    )
}

/// The scorecard row of rep `rep` (the scorecard is in roster order).
fn score_of<'r>(r: &'r Report, rep: usize) -> Option<&'r ScoreRow> {
    r.scorecard
        .get(rep)
        .filter(|s| s.rep == rep)
        .or_else(|| r.scorecard.iter().find(|s| s.rep == rep))
}

/// The scorecard rows the report shows: the first `MAX_REPORT_REPS` by rank.
fn ranked<'r>(r: &Report<'r>) -> Vec<&'r ScoreRow> {
    let mut rows: Vec<&ScoreRow> = r.scorecard.iter().collect();
    rows.sort_by_key(|x| (x.rank.unwrap_or(usize::MAX), x.rep));
    rows.truncate(MAX_REPORT_REPS);
    rows
}

fn scorecard_table(r: &Report) -> String {
    let rows = ranked(r);
    let mut s = String::from(
        "<div class=\"scroll\"><table class=\"wide\"><thead><tr><th class=\"num\">Rank</th><th>Rep</th><th>Scheme</th><th class=\"num\">Attainment</th><th class=\"num\">Percentile</th><th class=\"num\">Incentive paid</th><th class=\"num\">Total pay</th><th class=\"num\">Cost of sales</th><th>Pay for performance</th><th class=\"num\">Renewal share</th><th class=\"num\">Repeat customers</th><th class=\"num\">Products / customer</th><th>Fractures</th></tr></thead><tbody>\n",
    );
    for x in rows {
        let rep = &r.roster.reps[x.rep];
        let att_class = match x.attainment {
            Some(a) if a >= Decimal::ONE => "num ok",
            Some(_) => "num warn",
            None => "num",
        };
        let pfp = match (x.pfp, x.pfp_gap) {
            (Some(p), Some(g)) => {
                let word = match p {
                    crate::report::scorecard::PayForPerformance::Aligned => "aligned",
                    crate::report::scorecard::PayForPerformance::PaidAbove => "pay above",
                    crate::report::scorecard::PayForPerformance::PaidBelow => "pay below",
                };
                format!("{word} ({g:+})")
            }
            _ => "—".into(),
        };
        let fractures = if x.fractures.is_empty() {
            "none".to_string()
        } else {
            x.fractures.join(", ")
        };
        let _ = writeln!(
            s,
            "<tr><td class=\"num\">{}</td><td class=\"nowrap\"><a href=\"#{}\">{}</a> <span class=\"muted\">{}</span></td><td title=\"{}\">{}</td><td class=\"{att_class}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            opt(x.rank.map(|v| v.to_string())),
            anchor(&r.stems[x.rep]),
            escape(&rep.name),
            escape(&rep.id),
            escape(&r.plan.schemes[rep.scheme].name),
            escape(&r.plan.schemes[rep.scheme].id),
            opt(x.attainment.map(pct1)),
            opt(x.percentile.map(|p| fmt_dp(p, 0, r.plan.rounding))),
            money(x.incentive),
            money(x.total_pay),
            opt(x.cost_of_sales.map(pct1)),
            escape(&pfp),
            opt(x.renewal_share.map(pct1)),
            opt(x.repeat_customer_rate.map(pct1)),
            opt(x.products_per_customer.map(|v| fmt_dp(v, 2, r.plan.rounding))),
            escape(&fractures)
        );
    }
    s.push_str("</tbody></table></div>\n");
    s
}

fn fractures_table(r: &Report) -> String {
    if r.fractures.is_empty() {
        return "<p>No pipeline fractures: every rep converts within tolerance of its benchmark, or has too few resolved opportunities to tell.</p>\n".into();
    }
    let st = &r.plan.process.stages;
    let mut s = String::from(
        "<div class=\"scroll\"><table><thead><tr><th>Rep</th><th>Transition</th><th class=\"num\">Resolved</th><th class=\"num\">Rate</th><th class=\"num\">Benchmark</th><th class=\"num\">Upper bound</th><th class=\"num\">Est. lost wins</th><th class=\"num\">Est. revenue impact</th></tr></thead><tbody>\n",
    );
    for f in r.fractures {
        let rep = &r.roster.reps[f.rep];
        let _ = writeln!(
            s,
            "<tr><td><a href=\"#{}\">{}</a></td><td>{} → {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            anchor(&r.stems[f.rep]),
            escape(&rep.name),
            escape(&st[f.transition]),
            escape(&st[f.transition + 1]),
            f.resolved,
            pct1(f.rate),
            pct1(f.benchmark),
            pct1(f.upper_bound),
            fmt_dp(f.est_lost_wins, 1, r.plan.rounding),
            money(f.est_revenue_impact)
        );
    }
    s.push_str("</tbody></table></div>\n");
    s
}

/// One rep's statement: facts, year figures, and every line of every period.
fn statement(r: &Report, rp: &RepPay) -> String {
    let rep = &r.roster.reps[rp.rep];
    let plan = r.plan;
    let scheme = &plan.schemes[rep.scheme];
    let score = score_of(r, rp.rep);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<section class=\"statement\" id=\"{}\">\n<h3>{} <span class=\"muted\">{}</span></h3>",
        anchor(&r.stems[rp.rep]),
        escape(&rep.name),
        escape(&rep.id)
    );
    let mut facts = vec![format!("Scheme {} ({})", escape(&scheme.name), escape(&scheme.id))];
    if let Some(t) = &rep.territory {
        facts.push(format!("territory {}", escape(t)));
    }
    if let Some(m) = rep.manager {
        facts.push(format!("manager {}", escape(&r.roster.reps[m].name)));
    }
    if let Some(h) = rep.hire {
        facts.push(format!("hired {h}"));
    }
    if let Some(e) = rep.end {
        facts.push(format!("last day {e}"));
    }
    facts.push(format!("amounts in {}", escape(&plan.currency)));
    let _ = writeln!(s, "<p class=\"meta\">{}</p>", facts.join(" · "));
    let mut items = vec![
        ("Year attainment", opt(score.and_then(|x| x.attainment).map(pct1))),
        ("Incentive paid", money(rp.total(|p| p.incentive_paid))),
        ("Base pay", money(rp.total(|p| p.base_pay))),
        ("Total pay", money(rp.total(|p| p.total_pay))),
    ];
    if let Some(rank) = score.and_then(|x| x.rank) {
        items.insert(1, ("Rank by attainment", rank.to_string()));
    }
    if !rp.final_balance().is_zero() {
        items.push(("Balance owed at year end", money(rp.final_balance())));
    }
    s.push_str(&kpis(&items));
    s.push_str("<div class=\"scroll\"><table><thead><tr><th>Component</th><th>Line</th><th class=\"num\">Basis</th><th class=\"num\">Rate</th><th class=\"num\">Amount</th></tr></thead>\n");
    for (p, pp) in rp.periods.iter().enumerate() {
        let _ = writeln!(
            s,
            "<tbody><tr class=\"period\"><th colspan=\"5\">{} — quota {} · credit {} · attainment {}</th></tr>",
            escape(r.cal.label(p)),
            money(pp.quota),
            money(plan.rounding.money(pp.credit)),
            opt(pp.attainment.map(pct1))
        );
        if pp.lines.is_empty() {
            s.push_str("<tr><td colspan=\"5\" class=\"muted\">No incentive lines in this period.</td></tr>\n");
        }
        for l in &pp.lines {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&l.component),
                escape(&l.label),
                l.basis.map(|b| money(plan.rounding.money(b))).unwrap_or_default(),
                l.rate.map(|x| fmt_pct(x.round_dp(6))).unwrap_or_default(),
                money(l.amount)
            );
        }
        let mut sum = format!("earned {}", money(pp.earned));
        for (word, sign, v) in [
            ("clawback", "+", pp.clawback),
            ("draw top-up", "+", pp.draw_topup),
            ("deficit", "+", pp.deficit),
            ("recovered", "−", pp.recovered),
            ("adjustments", "+", pp.adjustments),
        ] {
            if !v.is_zero() {
                let _ = write!(sum, " {sign} {word} {}", money(v));
            }
        }
        let _ = writeln!(
            s,
            "<tr class=\"total\"><td colspan=\"4\">Incentive paid = {sum}</td><td class=\"num\">{}</td></tr>",
            money(pp.incentive_paid)
        );
        let _ = writeln!(
            s,
            "<tr class=\"total\"><td colspan=\"4\">Total pay = base pay {} + incentive paid {}{}</td><td class=\"num\">{}</td></tr></tbody>",
            money(pp.base_pay),
            money(pp.incentive_paid),
            if pp.balance.is_zero() {
                String::new()
            } else {
                format!("; balance owed after this period {}", money(pp.balance))
            },
            money(pp.total_pay)
        );
    }
    s.push_str("</table></div>\n</section>\n");
    s
}

fn figure(f: &Figure) -> String {
    format!(
        "<figure>\n{}<figcaption><b>{}.</b> {}</figcaption>\n</figure>\n",
        f.svg,
        escape(&f.title),
        escape(&f.caption)
    )
}

/// One warning as a list item: where (FILE:LINE:COL, when known), what, and the hint.
fn warning_item(w: &Diagnostic) -> String {
    let mut li = String::from("<li>");
    let loc = w.location();
    if !loc.is_empty() {
        let _ = write!(li, "<code class=\"where\">{}</code> ", escape(&loc));
    }
    li.push_str(&escape(&w.message));
    if let Some(col) = &w.column_name {
        let _ = write!(li, " (column <code>{}</code>)", escape(col));
    }
    if let Some(v) = &w.value {
        let _ = write!(li, " value <code>{}</code>", escape(v));
    }
    if let Some(h) = &w.help {
        let _ = write!(li, "<br><span class=\"muted\">help: {}</span>", escape(h));
    }
    li.push_str("</li>\n");
    li
}

fn year_range(r: &Report) -> String {
    format!("{} to {}", r.cal.start(), r.cal.end())
}

/// report.html: summary, charts, scorecard, fractures, and every rep's statement.
pub fn report(r: &Report) -> String {
    let plan = r.plan;
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<header class=\"top\"><h1>{}</h1><p class=\"meta\">Sales compensation report · plan year {} · paid by {} · {} reps · amounts in {}</p></header>",
        escape(&plan.name),
        year_range(r),
        escape(&format!("{:?}", plan.period).to_lowercase()),
        r.roster.reps.len(),
        escape(&plan.currency)
    );
    b.push_str("<nav class=\"toc\"><a href=\"#summary\">Summary</a><a href=\"#charts\">Charts</a><a href=\"#scorecard\">Scorecard</a><a href=\"#fractures\">Pipeline fractures</a><a href=\"#statements\">Statements</a>");
    if !r.warnings.is_empty() {
        b.push_str("<a href=\"#warnings\">Warnings</a>");
    }
    b.push_str("</nav>\n");
    b.push_str("<h2 id=\"summary\" class=\"first\">Summary</h2>\n");
    if let Some(fy) = r.summary.last() {
        b.push_str(&kpis(&[
            ("Credit", money(plan.rounding.money(fy.credit))),
            (
                "Attainment",
                opt((fy.quota > Decimal::ZERO).then(|| pct1(fy.credit / fy.quota))),
            ),
            ("Total pay", money(fy.total_pay)),
            ("Incentive", money(fy.incentive)),
            ("Cost of sales", opt(fy.cost_of_sales.map(pct1))),
            (
                "Reps at or above quota",
                format!("{} of {}", fy.at_quota, fy.with_quota),
            ),
        ]));
    }
    b.push_str(&summary_table(r));
    b.push_str("<h2 id=\"charts\">Charts</h2>\n");
    for f in r.figures {
        b.push_str(&figure(f));
    }
    b.push_str("<h2 id=\"scorecard\">Scorecard</h2>\n<p class=\"meta\">Ranked by year attainment. Pay for performance compares, within each scheme, the rank by incentive paid with the rank by attainment (+ means pay ranks higher than performance).</p>\n");
    b.push_str(&scorecard_table(r));
    b.push_str(&cut_note(r.scorecard.len(), "scorecard rows", "scorecard.csv"));
    b.push_str("<h2 id=\"fractures\">Pipeline fractures</h2>\n");
    b.push_str(&fractures_table(r));
    b.push_str("<h2 id=\"statements\">Statements</h2>\n<p class=\"meta\">");
    // The statements of the reps the scorecard shows (its rows link to them), in roster order.
    let mut on_card = vec![false; r.roster.reps.len()];
    for x in ranked(r) {
        if let Some(f) = on_card.get_mut(x.rep) {
            *f = true;
        }
    }
    let shown: Vec<&RepPay> =
        r.ev.reps
            .iter()
            .filter(|rp| on_card.get(rp.rep).copied().unwrap_or(false))
            .collect();
    let links: Vec<String> = shown
        .iter()
        .map(|rp| {
            format!(
                "<a href=\"#{}\">{}</a>",
                anchor(&r.stems[rp.rep]),
                escape(&r.roster.reps[rp.rep].name)
            )
        })
        .collect();
    b.push_str(&links.join(" · "));
    b.push_str("</p>\n");
    b.push_str(&cut_note(
        r.ev.reps.len(),
        "statements (those on the scorecard above)",
        "statements.csv (one page each with --statements)",
    ));
    for rp in &shown {
        b.push_str(&statement(r, rp));
    }
    if !r.warnings.is_empty() {
        b.push_str("<h2 id=\"warnings\">Warnings</h2>\n<ul class=\"warnings\">\n");
        for w in r.warnings {
            b.push_str(&warning_item(w));
        }
        b.push_str("</ul>\n");
    }
    let _ = writeln!(
        b,
        "<footer>Written by fuerza {}. Every amount is in statements.csv and payouts.csv; manifest.json stamps the inputs.</footer>",
        env!("CARGO_PKG_VERSION")
    );
    page(&format!("{} — compensation report", plan.name), &b)
}

/// One rep's statement page for distribution: only that rep's data, and
/// optionally the rep's own place on the scheme's payout curve.
pub fn statement_page(r: &Report, rep: usize, curve: Option<&Figure>) -> String {
    let plan = r.plan;
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<header class=\"top\"><h1>Pay statement</h1><p class=\"meta\">{} · plan year {}</p></header>",
        escape(&plan.name),
        year_range(r)
    );
    let found = r.ev.reps.get(rep).filter(|x| x.rep == rep);
    if let Some(rp) = found.or_else(|| r.ev.reps.iter().find(|x| x.rep == rep)) {
        b.push_str(&statement(r, rp).replace(" class=\"statement\"", " class=\"statement only\""));
    }
    if let Some(f) = curve {
        b.push_str(&figure(f));
    }
    let _ = writeln!(
        b,
        "<footer>Written by fuerza {}. Questions about a line: ask your manager or compensation team.</footer>",
        env!("CARGO_PKG_VERSION")
    );
    page(
        &format!("{} — pay statement — {}", r.roster.reps[rep].name, plan.name),
        &b,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn a_warning_item_escapes_every_part_and_shows_its_location() {
        let w = Diagnostic::warning("rep <b>")
            .in_file("data/<x>.csv")
            .at(3, 2)
            .column_named("name")
            .with_value("<script>")
            .with_help("fix & go");
        assert_eq!(
            warning_item(&w),
            "<li><code class=\"where\">data/&lt;x&gt;.csv:3:2</code> rep &lt;b&gt; (column <code>name</code>) value <code>&lt;script&gt;</code><br><span class=\"muted\">help: fix &amp; go</span></li>\n"
        );
        assert_eq!(warning_item(&Diagnostic::warning("plain")), "<li>plain</li>\n");
    }
}
