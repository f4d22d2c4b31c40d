//! Fuzz target `monitor_csv`: see fuzz/harness.rs.
#![no_main]

#[path = "../harness.rs"]
#[allow(dead_code)] // each target calls one of the harness functions
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::monitor_csv(data));
