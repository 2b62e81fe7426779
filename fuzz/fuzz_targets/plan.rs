//! The plan reader on arbitrary UTF-8: never a panic, every error located in plan.toml.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuerza_fuzz::plan(data));
