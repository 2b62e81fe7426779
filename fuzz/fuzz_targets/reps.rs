//! reps.csv against plans/acme.toml: never a panic, every error located in the file, every reject a data line.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuerza_fuzz::reps(fuerza_fuzz::canonical(), "data/reps.csv", data));
