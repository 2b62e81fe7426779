#![allow(clippy::unwrap_used)] // a test harness: failing to read its own outputs should panic
//! scorecard.csv, report.html and per-rep statements on a run whose numbers are
//! known by hand, with a rep named `<script>` whose id tries to leave the folder.

mod common;

use common::{read, Fixture, HOSTILE_ID, HOSTILE_NAME};
use std::collections::BTreeMap;

fn scorecard(out: &std::path::Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut rdr = csv::Reader::from_path(out.join("scorecard.csv")).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            let row: BTreeMap<String, String> = header.iter().cloned().zip(r.iter().map(str::to_string)).collect();
            (row["rep_id"].clone(), row)
        })
        .collect()
}

#[test]
fn scorecard_has_every_measure_per_rep() {
    let fx = Fixture::new();
    let out = fx.evaluate("out", &[]);
    let header = read(&out.join("scorecard.csv")).lines().next().unwrap().to_string();
    assert_eq!(
        header,
        "rep_id,name,scheme,territory,credit,quota,attainment,rank,percentile,scheme_rank,base_pay,incentive_paid,total_pay,cost_of_sales,pay_rank,pfp_gap,pay_for_performance,renewal_share,repeat_customer_rate,products_per_customer,customers,fractures_found,fractures"
    );
    let s = scorecard(&out);
    assert_eq!(s.len(), 5);
    let a1 = &s["A1"];
    // 300,000 new + 200,000 renewal at half weight + 400,000 new = 800,000 of 1,000,000.
    assert_eq!(a1["credit"], "800000.00");
    assert_eq!(a1["attainment"], "0.8000");
    assert_eq!(a1["rank"], "2");
    assert_eq!(a1["percentile"], "75.0");
    // Q1 28,800 + Q2 8,000 + Q3 42,000.
    assert_eq!(a1["incentive_paid"], "78800.00");
    assert_eq!(a1["total_pay"], "158800.00");
    assert_eq!(a1["cost_of_sales"], "0.0985");
    // 100,000 of 800,000 credit is renewal; C1 bought twice (P and Q), C2 once (P).
    assert_eq!(a1["renewal_share"], "0.1250");
    assert_eq!(a1["repeat_customer_rate"], "0.5000");
    assert_eq!(a1["products_per_customer"], "1.50");
    assert_eq!(a1["customers"], "2");
    assert_eq!(a1["fractures"], "lead→qualify");
    assert_eq!(a1["fractures_found"], "1");

    let a2 = &s["A2"];
    assert_eq!((a2["attainment"].as_str(), a2["rank"].as_str()), ("1.2000", "1"));
    assert_eq!(a2["percentile"], "100.0");
    assert_eq!(a2["incentive_paid"], "138000.00");
    assert_eq!(a2["fractures"], "none");
    // Tied at 50%: both rank 3 (competition ranking), each on its own scheme.
    assert_eq!(s[HOSTILE_ID]["rank"], "3");
    assert_eq!(s["S1"]["rank"], "3");
    assert_eq!(s["S1"]["scheme_rank"], "1");
    assert_eq!(s["S1"]["incentive_paid"], "7500.00");
    // Nothing sold: ranked last, no cost of sales, no relationship figures.
    let a4 = &s["a4"];
    assert_eq!((a4["rank"].as_str(), a4["percentile"].as_str()), ("5", "0.0"));
    assert_eq!(a4["cost_of_sales"], "");
    assert_eq!(a4["renewal_share"], "");
    // On the AE scheme, pay order follows attainment order: aligned.
    for id in ["A1", "A2", HOSTILE_ID, "a4"] {
        assert_eq!(s[id]["pay_for_performance"], "aligned", "{id}");
        assert_eq!(s[id]["pfp_gap"], "0", "{id}");
    }
    // Text cells are formula-neutralised; the hostile name is kept as text.
    assert_eq!(s["S1"]["name"], "'=Eve Cmd");
    assert_eq!(s[HOSTILE_ID]["name"], HOSTILE_NAME);
}

#[test]
fn report_html_is_self_contained_escaped_and_complete() {
    let fx = Fixture::new();
    let out = fx.evaluate("out", &[]);
    let html = read(&out.join("report.html"));
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Nothing to run, nothing to fetch.
    assert!(!html.to_lowercase().contains("<script"), "a script element");
    assert!(!html.contains("<img") && !html.contains(" src=") && !html.contains("url("));
    assert!(!html.contains("href=\"http"));
    // The hostile name shows as text everywhere, in tables and in the charts.
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    assert!(html.contains("Fixture &amp; Co &lt;Test&gt;"));
    // Summary, the seven charts inline, the scorecard, fractures, a print stylesheet.
    for part in [
        "id=\"summary\"",
        "id=\"charts\"",
        "id=\"scorecard\"",
        "id=\"fractures\"",
        "id=\"statements\"",
        "@media print",
    ] {
        assert!(html.contains(part), "report lacks {part}");
    }
    assert_eq!(html.matches("<svg ").count(), 7);
    assert_eq!(html.matches("<figcaption>").count(), 7);
    // Every rep has a statement section with an anchor the scorecard links to.
    for anchor in ["rep-A1", "rep-A2", "rep-a4", "rep-S1"] {
        assert!(html.contains(&format!("id=\"{anchor}\"")), "{anchor}");
        assert!(html.contains(&format!("href=\"#{anchor}\"")), "{anchor}");
    }
    let hostile = html
        .split("<section class=\"statement\" id=\"rep-evil.")
        .nth(1)
        .expect("the hostile rep has a section");
    assert!(hostile.contains("&lt;script&gt;"));
    assert_eq!(html.matches("<section class=\"statement\"").count(), 5);
    // A1's statement: Q1 at 120% pays 20,000 + 6,000 commission and a 2,800 bonus.
    let a1 = html
        .split("id=\"rep-A1\"")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    assert!(a1.contains("Q1 — quota 250,000.00 · credit 300,000.00 · attainment 120.0%"));
    assert!(a1.contains("<td class=\"num\">20,000.00</td>"));
    assert!(a1.contains("<td class=\"num\">6,000.00</td>"));
    assert!(a1.contains("<td class=\"num\">2,800.00</td>"));
    assert!(a1.contains("Incentive paid = earned 28,800.00</td><td class=\"num\">28,800.00</td>"));
    assert!(html.contains("<td>lead → qualify</td>"));
}

#[test]
fn statements_hold_one_rep_each_under_safe_names() {
    let fx = Fixture::new();
    let out = fx.evaluate("out", &["--statements"]);
    let dir = out.join("statements");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 5, "{names:?}");
    assert_eq!(&names[..4], &["A1.html", "A2.html", "S1.html", "a4.html"]);
    assert!(
        names[4].starts_with("evil.") && names[4].ends_with(".html"),
        "{names:?}"
    );
    // Nothing was written outside the folder.
    assert!(!out.join("evil.html").exists() && !fx.path().join("evil.html").exists());

    let others = ["Ana Lima", "Bo Chen", "Dee O&#39;Neil", "=Eve Cmd", "&lt;script&gt;"];
    for (file, me) in [
        ("A1.html", "Ana Lima"),
        ("a4.html", "Dee O&#39;Neil"),
        (names[4].as_str(), "&lt;script&gt;"),
    ] {
        let page = read(&dir.join(file));
        assert!(page.contains(me), "{file} lacks its rep");
        for other in others.iter().filter(|o| **o != me) {
            assert!(!page.contains(other), "{file} shows {other}");
        }
        assert!(!page.to_lowercase().contains("<script"), "{file}");
        // The rep's own place on the scheme's curve: one rep's two dots.
        assert!(page.contains("Where you are on your plan: Account Executive"));
        assert!(page.contains("Dots: 1 rep at year attainment"));
    }
    let a1 = read(&dir.join("A1.html"));
    assert!(a1.contains("<dd>78,800.00</dd>"), "A1's incentive for the year");
}

#[test]
fn report_html_lists_every_warning_the_run_prints_escaped_and_located() {
    let fx = Fixture::new();
    // A product multiplier named like markup (no deal has it) and a deal closed before the year.
    let plan = common::PLAN.replace(
        "weights = { renewal = 0.5 }\n",
        "weights = { renewal = 0.5 }\nproducts = { \"<script>alert(1)</script>\" = 1.5 }\n",
    );
    std::fs::write(fx.path().join("plan.toml"), plan).unwrap();
    let deals = format!("{}D7,A1,C1,P,new,2025-12-15,1000\n", common::DEALS);
    std::fs::write(fx.path().join("data/deals.csv"), deals).unwrap();
    let run = assert_cmd::Command::cargo_bin("fuerza")
        .unwrap()
        .current_dir(fx.path())
        .args(["evaluate", "plan.toml", "--data", "data", "--out", "out"])
        .output()
        .unwrap();
    assert!(run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    let printed: Vec<&str> = stderr.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(
        printed,
        [
            "warning: data/deals.csv: 1 deal row(s) closed outside the plan year (1 before, 0 after): counted, not paid on",
            "warning: the plan names product \"<script>alert(1)</script>\", which no deal has",
            "warning: 4 rep(s) have no opportunities: A2, ../evil, a4, S1",
        ]
    );
    let html = read(&fx.path().join("out/report.html"));
    assert!(html.contains("<a href=\"#warnings\">Warnings</a>"));
    let section = html
        .split("<h2 id=\"warnings\">Warnings</h2>\n")
        .nth(1)
        .expect("a warnings section")
        .split("</ul>")
        .next()
        .unwrap();
    // The same three warnings (report.html used to show only the engine's: none here), each
    // with its file when it has one, the markup escaped.
    assert_eq!(
        section,
        "<ul class=\"warnings\">\n\
         <li><code class=\"where\">data/deals.csv</code> 1 deal row(s) closed outside the plan year (1 before, 0 after): counted, not paid on</li>\n\
         <li>the plan names product &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;, which no deal has<br><span class=\"muted\">help: products in the deals: P, Q</span></li>\n\
         <li>4 rep(s) have no opportunities: A2, ../evil, a4, S1</li>\n"
    );
    assert!(!html.to_lowercase().contains("<script"), "a script element");
    // A1 is paid as before: the deal outside the year is counted, not paid on.
    assert_eq!(scorecard(&fx.path().join("out"))["A1"]["incentive_paid"], "78800.00");
}
