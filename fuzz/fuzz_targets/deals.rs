//! deals.csv (booked into a ledger) against plans/acme.toml and its roster: never a panic, every error located in the file, every reject a data line.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuerza_fuzz::deals(fuerza_fuzz::canonical(), "data/deals.csv", data));
