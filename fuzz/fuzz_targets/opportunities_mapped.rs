//! opportunities through plans/maven.toml's [data.opportunities] mapping and value maps: never a panic, every error located in the file, every reject a data line.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuerza_fuzz::opportunities(
    fuerza_fuzz::mapped(),
    "data/sales_pipeline.csv",
    data
));
