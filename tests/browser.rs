#![allow(clippy::unwrap_used)] // a test harness: failing to read its own outputs should panic
//! report.html in a real browser: headless Chromium renders it to a PNG and a
//! PDF and dumps its DOM. The page must show every rep, draw every chart (no
//! broken or external images), keep a hostile rep name as text, and print with
//! one page per statement. Skipped, saying so, only when Chromium is absent
//! (`.ci/run` installs Debian's chromium where apt is available).

mod common;

use common::{Fixture, HOSTILE_NAME};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Runs the browser headless on `page` with `args`; returns stdout. Fails after 120 s.
fn run(browser: &Path, profile: &Path, args: &[String], page: &Path) -> String {
    std::fs::create_dir_all(profile).unwrap();
    let out_file = profile.join("stdout.txt");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.join("profile").display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(std::fs::File::create(&out_file).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium {args:?} failed: {status}");
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium {args:?} did not finish in 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    std::fs::read_to_string(out_file).unwrap()
}

/// Pixels of the screenshot close to a colour.
fn count_color(png_path: &Path, rgb: (u8, u8, u8)) -> (u32, u32, usize) {
    let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png_path).unwrap()));
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected screenshot colour type {other:?}"),
    };
    let near = |a: u8, b: u8| a.abs_diff(b) < 12;
    let n = buf[..info.buffer_size()]
        .chunks(step)
        .filter(|p| near(p[0], rgb.0) && near(p[1], rgb.1) && near(p[2], rgb.2))
        .count();
    (info.width, info.height, n)
}

#[test]
fn report_renders_in_a_browser() {
    let Some(browser) = chromium() else {
        eprintln!("SKIPPED report_renders_in_a_browser: chromium is not installed (.ci/run installs it with apt-get where apt is available)");
        return;
    };
    let fx = Fixture::new();
    let out = fx.evaluate("out", &[]);
    let page = std::fs::canonicalize(out.join("report.html")).unwrap();
    let tmp = tempfile::tempdir().unwrap();

    // The DOM as the browser built it.
    let dom = run(&browser, &tmp.path().join("dom"), &["--dump-dom".into()], &page);
    assert!(dom.contains("<main>"), "no DOM dumped: {}", &dom[..dom.len().min(300)]);
    let lower = dom.to_lowercase();
    assert!(!lower.contains("<script"), "the hostile name became a script element");
    assert!(!lower.contains("<img"), "the report has images that could break");
    assert!(dom.contains(&HOSTILE_NAME.replace('<', "&lt;").replace('>', "&gt;")));
    for name in ["Ana Lima", "Bo Chen", "Dee O'Neil", "=Eve Cmd"] {
        assert!(dom.contains(name), "{name} is not on the page");
    }
    assert_eq!(dom.matches("<section class=\"statement\"").count(), 5);
    // Seven charts, each an inline SVG with its title and text.
    let svgs: Vec<&str> = dom.split("<svg").skip(1).collect();
    assert_eq!(svgs.len(), 7);
    for s in &svgs {
        let s = &s[..s.find("</svg>").unwrap()];
        assert!(s.contains("<title>"));
        assert!(s.matches("<text").count() >= 8, "a chart with little text");
    }

    // A screenshot tall enough to hold the charts: their blue is drawn.
    let shot = tmp.path().join("report.png");
    run(
        &browser,
        &tmp.path().join("png"),
        &[
            "--window-size=1366,6000".into(),
            format!("--screenshot={}", shot.display()),
        ],
        &page,
    );
    let (w, h, blue) = count_color(&shot, (0, 114, 178));
    assert_eq!((w, h), (1366, 6000));
    assert!(
        blue > 20_000,
        "only {blue} chart-blue pixels: the charts did not render"
    );

    // The PDF: a cover section then one page (at least) per rep statement.
    let pdf = tmp.path().join("report.pdf");
    run(
        &browser,
        &tmp.path().join("pdf"),
        &[format!("--print-to-pdf={}", pdf.display())],
        &page,
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&bytes);
    let pages = text
        .split("/Count ")
        .skip(1)
        .filter_map(|t| t.split(|c: char| !c.is_ascii_digit()).next()?.parse::<usize>().ok())
        .max()
        .unwrap_or(0);
    assert!(pages >= 6, "the PDF has {pages} pages");
    println!("chromium rendered report.html: {blue} chart pixels, {pages} PDF pages");
}
