//! Monitoring over time: the rows of a log cut into time windows, each window's fairness
//! audited from its own counts, each drift column compared with a reference sample, and
//! gates on fairness, drift and change, as `sextant.monitor/v1`.

pub mod assemble;
pub mod collect;
pub mod drift;
#[cfg(not(target_arch = "wasm32"))] // the page and the npm package take whole inputs
pub mod follow;
pub mod plan;
pub mod report;
pub mod run;
pub mod sample;
pub mod sorted;
pub mod time;
pub mod window;
pub mod window_drift;
