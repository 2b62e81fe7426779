//! adjustments.csv against plans/acme.toml's calendar and roster: never a panic, every error located in the file, every reject a data line.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuerza_fuzz::adjustments(fuerza_fuzz::canonical(), "data/adjustments.csv", data));
