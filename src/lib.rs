//! Sextant: explain and audit machine-learning models.
//!
//! The core is pure: it reads bytes and readers, returns values, and never touches the
//! filesystem, a terminal or a browser. The `sextant` CLI (feature `cli`) and the WASM
//! bindings are thin adapters over it.
//!
//! A fairness audit runs in three steps:
//! 1. [`AuditConfig::check`] validates what the user asked for into an [`AuditPlan`];
//! 2. [`data::fairness_csv::count_csv`] streams a CSV into the mergeable [`GroupCounts`];
//! 3. [`fairness::audit::audit`] computes the [`FairnessReport`], which
//!    [`report::render::render`] turns into text, JSON, markdown, JUnit or HTML.

#![deny(missing_docs)]
// Input data must give typed errors, never a panic (a panic traps a WebAssembly instance).
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

#[cfg(target_arch = "x86_64")]
mod avx2;
pub mod data;
pub mod error;
pub mod explain;
pub mod fairness;
pub mod math;
pub mod model;
pub mod progress;
pub mod report;
pub mod stats;

pub use error::{Error, ErrorKind, Location, Result};
pub use fairness::audit::{audit, CountedData};
pub use fairness::config::{AuditConfig, AuditPlan};
pub use fairness::counts::GroupCounts;
pub use report::fairness::FairnessReport;
