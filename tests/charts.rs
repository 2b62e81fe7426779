#![allow(clippy::unwrap_used)] // a test harness: failing to read its own outputs should panic
//! Charts: the payout curve's points come from the real pay rules, and every
//! SVG carries its title, axis labels and the right number of bars and points,
//! so a chart cannot silently become empty. PNGs carry text from the embedded font.

mod common;

use common::{read, Fixture};
use fuerza::report::series::payout_curves;
use rust_decimal_macros::dec;
use std::path::Path;

/// Text content of every `<text>` element (plotters writes it on its own line).
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .map(|t| {
            let body = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
            body.trim().to_string()
        })
        .collect()
}

/// Number of `<rect>` elements filled with `color`.
fn rects(svg: &str, color: &str) -> usize {
    svg.lines()
        .filter(|l| l.starts_with("<rect") && l.contains(&format!("fill=\"{color}\"")))
        .count()
}

fn has_text(svg: &str, want: &str) -> bool {
    texts(svg).iter().any(|t| t == want)
}

fn svg(out: &Path, name: &str) -> String {
    read(&out.join("charts").join(name))
}

#[test]
fn payout_curve_points_come_from_the_engine() {
    let fx = Fixture::new();
    let plan = fuerza::cli::inputs::load_plan(&fx.path().join("plan.toml")).unwrap();
    let inp = fuerza::cli::inputs::load(plan, &fx.path().join("data"), false).unwrap();
    let (p, cal, roster) = (&inp.plan.plan, &inp.plan.cal, &inp.roster);
    let ev = fuerza::comp::evaluate(p, roster, cal, &inp.ledger, &inp.quotas);
    let curves = payout_curves(p, cal, roster, &ev);
    assert_eq!(curves.len(), 2);

    let ae = &curves[0];
    assert_eq!(ae.scheme_id, "ae");
    assert_eq!(ae.points.len(), 201);
    assert_eq!(ae.points[0].incentive, dec!(0));
    assert_eq!(ae.points[0].total, dec!(80000));
    // At 100% in every quarter: 4 × 8% × 250,000 + the bonus target 8,000.
    assert_eq!(ae.target.incentive, dec!(88000));
    assert_eq!(ae.target.total, dec!(168000));
    // At 120%: 4 × (20,000 + 12% × 50,000) + 8,000 × f(1.2) = 104,000 + 11,200.
    let p120 = ae.points.iter().find(|x| x.attainment == dec!(1.2)).unwrap();
    assert_eq!(p120.incentive, dec!(115200));
    // The tiers start at 0: no threshold. The year cap of 200,000 cuts from 186.67%.
    assert_eq!(ae.threshold, None);
    let cap = ae.cap.unwrap();
    assert!(
        (cap.attainment - dec!(1.866667)).abs() < dec!(0.0001),
        "{}",
        cap.attainment
    );
    assert_eq!(cap.incentive, dec!(200000));
    assert_eq!(ae.points.last().unwrap().incentive, dec!(200000));
    // The four AEs are dots at their year attainment and pay.
    assert_eq!(ae.reps.len(), 4);
    let bo = ae.reps.iter().find(|r| r.name == "Bo Chen").unwrap();
    assert_eq!((bo.attainment, bo.incentive), (dec!(1.2), dec!(138000)));

    let sdr = &curves[1];
    let t = sdr.threshold.unwrap();
    assert_eq!((t.attainment, t.incentive), (dec!(0.5), dec!(5000)));
    assert_eq!((sdr.target.incentive, sdr.target.total), (dec!(20000), dec!(70000)));
    // f × 5,000 a quarter reaches the 7,500 cap at f = 1.5, i.e. 125%.
    let cap = sdr.cap.unwrap();
    assert!(
        (cap.attainment - dec!(1.25)).abs() < dec!(0.00001),
        "{}",
        cap.attainment
    );
    assert_eq!(cap.incentive, dec!(30000));
    // Pay never falls as attainment rises (the fixture's plan is non-decreasing).
    for c in &curves {
        for w in c.points.windows(2) {
            assert!(
                w[1].incentive >= w[0].incentive,
                "{} at {}",
                c.scheme_id,
                w[1].attainment
            );
        }
    }
}

#[test]
fn every_svg_has_its_title_axes_and_marks() {
    let fx = Fixture::new();
    let out = fx.evaluate("out", &[]);

    let curve = svg(&out, "payout-curve-ae.svg");
    assert!(curve.contains("<title>Payout curve — Account Executive</title>"));
    for t in [
        "Payout curve — Account Executive",
        "Attainment (credit ÷ quota)",
        "Annual pay (EUR)",
        "100%",
        "Target 100%: incentive 88,000, total 168,000",
        "A cap first cuts pay at 187%: incentive 200,000",
        "Incentive, plan rules",
    ] {
        assert!(has_text(&curve, t), "payout curve lacks {t:?}: {:?}", texts(&curve));
    }
    // The incentive line has all 201 points; 4 reps × 2 dots + 2 legend dots + target + cap.
    let line = curve
        .lines()
        .find(|l| l.starts_with("<polyline") && l.contains("stroke=\"#0072B2\""))
        .unwrap();
    let points = line.split("points=\"").nth(1).unwrap().split('"').next().unwrap();
    assert_eq!(points.split_whitespace().count(), 201);
    assert_eq!(curve.matches("<circle").count(), 12);

    let sdr = svg(&out, "payout-curve-sdr.svg");
    assert!(has_text(&sdr, "Threshold 50%"));
    assert!(has_text(&sdr, "A cap first cuts pay at 125%: incentive 30,000"));

    let bars = svg(&out, "payouts-by-rep.svg");
    for t in [
        "Incentive paid by rep, by component",
        "Incentive paid over the plan year (EUR)",
        "Rep",
        "Ana Lima",
        "Bo Chen",
        "Dee O&apos;Neil",
        "=Eve Cmd",
        "120%",
        "80%",
        "Commission",
        "Quota bonus",
        "Pipeline bonus",
    ] {
        assert!(has_text(&bars, t), "payouts lack {t:?}: {:?}", texts(&bars));
    }
    // The hostile name is text, clipped to 24 characters, never markup.
    assert!(has_text(&bars, "&lt;script&gt;alert(&quot;x&quot;)&lt;/scr…"));
    assert!(!bars.contains("<script"));
    // Commission: A1, A2 and the hostile rep (+ legend); quota bonus the same three; SDR bonus one.
    assert_eq!(rects(&bars, "#4E79A7"), 4);
    assert_eq!(rects(&bars, "#F28E2B"), 4);
    assert_eq!(rects(&bars, "#59A14F"), 2);

    let hist = svg(&out, "attainment-distribution.svg");
    assert!(has_text(&hist, "Attainment distribution"));
    assert!(has_text(&hist, "Reps"));
    assert!(has_text(
        &hist,
        "Year attainment (credit ÷ quota) of every rep with a quota: 1 of 5 reps (20%) at or above quota; median attainment 50%."
    ));
    // Bins 0–10% (1), 50–60% (2), 80–90% (1) below quota; 120–130% (1) above (+ a legend swatch each).
    assert_eq!(rects(&hist, "#E69F00"), 4);
    assert_eq!(rects(&hist, "#009E73"), 2);
    assert!(has_text(&hist, "2"));
    assert!(has_text(&hist, "Quota (100%)"));

    let credit = svg(&out, "credit-vs-quota.svg");
    for t in [
        "Credit against quota by period",
        "Period",
        "Credit and quota (EUR)",
        "Q1",
        "Q4",
        "155%",
        "55%",
        "36%",
        "0%",
        "Company goal",
    ] {
        assert!(has_text(&credit, t), "credit chart lacks {t:?}: {:?}", texts(&credit));
    }
    assert_eq!(rects(&credit, "#0072B2"), 5); // four periods + the legend swatch

    let regions = svg(&out, "credit-vs-quota-by-region.svg");
    for t in ["North", "South", "No region"] {
        assert!(has_text(&regions, t), "regional chart lacks {t:?}");
    }
    assert_eq!(rects(&regions, "#0072B2"), 12); // three panels × four periods

    // Only A1 has opportunities: 2 of 20 leads qualified against the fixed 60%
    // benchmark (a fracture, outlined); none of the 2 qualified closed, with no
    // other rep to pool a benchmark from.
    let funnel = svg(&out, "funnel-vs-benchmark.svg");
    for t in [
        "Funnel conversion against benchmark, by rep",
        "Stage transition",
        "Rep",
        "Ana Lima",
        "lead→qualify",
        "qualify→close",
        "10% vs 60%",
        "0%",
    ] {
        assert!(has_text(&funnel, t), "funnel chart lacks {t:?}: {:?}", texts(&funnel));
    }
    assert!(
        !has_text(&funnel, "Bo Chen"),
        "a rep without opportunities has no funnel row"
    );
    let outlined = funnel
        .lines()
        .filter(|l| l.starts_with("<polyline") && l.contains("stroke=\"#212529\"") && l.contains("stroke-width=\"3\""))
        .count();
    assert_eq!(outlined, 1);
}

#[test]
fn charts_are_byte_identical_across_runs() {
    let fx = Fixture::new();
    let a = fx.evaluate("a", &["--png", "--statements"]);
    let b = fx.evaluate("b", &["--png", "--statements"]);
    let mut n = 0;
    for sub in ["charts", "statements"] {
        for e in std::fs::read_dir(a.join(sub)).unwrap() {
            let e = e.unwrap();
            let other = b.join(sub).join(e.file_name());
            assert_eq!(
                std::fs::read(e.path()).unwrap(),
                std::fs::read(&other).unwrap(),
                "{:?}",
                e.file_name()
            );
            n += 1;
        }
    }
    // 7 SVGs + 7 PNGs + 5 statements.
    assert_eq!(n, 19);
    for f in ["report.html", "scorecard.csv"] {
        assert_eq!(read(&a.join(f)), read(&b.join(f)), "{f}");
    }
    // The manifests differ only in the command line (--out a / --out b).
    let outputs = |dir: &Path| {
        let m: serde_json::Value = serde_json::from_str(&read(&dir.join("manifest.json"))).unwrap();
        m["outputs"].clone()
    };
    assert_eq!(outputs(&a), outputs(&b));
    let listed: Vec<String> = outputs(&a)
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["file"].as_str().unwrap().to_string())
        .collect();
    for f in [
        "charts/payouts-by-rep.svg",
        "charts/payouts-by-rep.png",
        "scorecard.csv",
        "report.html",
        "statements/A1.html",
    ] {
        assert!(listed.iter().any(|l| l == f), "manifest lacks {f}: {listed:?}");
    }
}

/// Decodes a PNG into (width, height, RGB bytes).
fn decode(path: &Path) -> (u32, u32, Vec<u8>) {
    let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Dark pixels in a box: glyphs drawn with the embedded font.
fn ink(img: &(u32, u32, Vec<u8>), x: (u32, u32), y: (u32, u32)) -> usize {
    let (w, _, px) = img;
    let mut n = 0;
    for row in y.0..y.1 {
        for col in x.0..x.1 {
            let i = ((row * w + col) * 3) as usize;
            if px[i] < 120 && px[i + 1] < 120 && px[i + 2] < 120 {
                n += 1;
            }
        }
    }
    n
}

#[test]
fn png_charts_draw_their_text_with_the_embedded_font() {
    let fx = Fixture::new();
    let out = fx.path().join("png");
    let run = assert_cmd::Command::cargo_bin("fuerza")
        .unwrap()
        .current_dir(fx.path())
        .args([
            "chart",
            "payout-curve",
            "plan.toml",
            "--data",
            "data",
            "--out",
            "png",
            "--png",
            "--scheme",
            "sdr",
        ])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("payout-curve-sdr.png"), "{stdout}");
    assert!(
        !out.join("charts/payout-curve-ae.svg").exists(),
        "--scheme draws one scheme only"
    );
    let img = decode(&out.join("charts/payout-curve-sdr.png"));
    assert_eq!((img.0, img.1), (1200, 800));
    // The title "Payout curve — Sales Development" at the top left is drawn in dark ink...
    let title = ink(&img, (20, 480), (10, 50));
    assert!(title > 1500, "title has {title} dark pixels");
    // ...and the area right of it, where no text is, stays white.
    assert_eq!(ink(&img, (700, 1180), (5, 45)), 0);
    // The y axis label is drawn rotated at the left edge.
    assert!(ink(&img, (5, 40), (250, 550)) > 300);
}

#[test]
fn the_payout_curve_needs_only_the_plan() {
    let fx = Fixture::new();
    let run = assert_cmd::Command::cargo_bin("fuerza")
        .unwrap()
        .current_dir(fx.path())
        .args([
            "chart",
            "payout-curve",
            "plan.toml",
            "--data",
            "nowhere",
            "--out",
            "bare",
        ])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stderr).contains("show no reps"));
    let curve = read(&fx.path().join("bare/charts/payout-curve-ae.svg"));
    assert!(has_text(
        &curve,
        "Dots: 0 reps at year attainment (year credit ÷ year quota)."
    ));
    assert!(has_text(&curve, "Target 100%: incentive 88,000, total 168,000"));
    let bad = assert_cmd::Command::cargo_bin("fuerza")
        .unwrap()
        .current_dir(fx.path())
        .args(["chart", "payout-curve", "plan.toml", "--scheme", "nope"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("schemes: ae, sdr"));
}
