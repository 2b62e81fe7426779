//! The read-only floor for `fuerza evaluate`: read a deals.csv with the csv
//! crate's `ByteRecord` and touch every byte of every field, nothing else.
//! Whatever evaluate costs above this is the engine's own work.
//!
//! Run by `benches/evaluate.sh` as `csv_floor PATH`. Under a plain
//! `cargo bench` (no path, or `FUERZA_BENCH_DEALS` unset) it skips quietly,
//! so the bench target never breaks the build or CI.

use std::fs::File;
use std::io::BufReader;
use std::time::Instant;

fn main() {
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .or_else(|| std::env::var("FUERZA_BENCH_DEALS").ok());
    let Some(path) = path else {
        println!("csv_floor: no deals.csv given (pass a path or set FUERZA_BENCH_DEALS); skipped");
        return;
    };
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("csv_floor: cannot open {path}: {e}");
            std::process::exit(1);
        }
    };
    let start = Instant::now();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(BufReader::with_capacity(1 << 16, file));
    let mut record = csv::ByteRecord::new();
    let (mut rows, mut fields, mut bytes, mut check) = (0u64, 0u64, 0u64, 0u64);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                eprintln!("csv_floor: {path}: {e}");
                std::process::exit(1);
            }
        }
        rows += 1;
        for field in record.iter() {
            fields += 1;
            bytes += field.len() as u64;
            for &b in field {
                check = check.wrapping_mul(31).wrapping_add(u64::from(b));
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!("csv_floor: {rows} rows, {fields} fields, {bytes} bytes in {secs:.3} s (checksum {check:016x})");
}
