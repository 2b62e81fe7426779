//! deals through plans/maven.toml's [data.deals] mapping and filter: never a panic, every error located in the file, every reject a data line.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuerza_fuzz::deals(fuerza_fuzz::mapped(), "data/sales_pipeline.csv", data));
