//! Group fairness: the checked plan of an audit, the ingest of a table into mergeable per-group
//! counts, fairlearn's and AIF360's metrics on them, bootstrap intervals, sample weights, gates, the
//! threshold sweep, and the `sextant.fairness/v1` report they make.

pub mod aggregate;
pub mod audit;
pub mod bootstrap;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod chunked;
pub mod confusion;
pub(crate) mod counter;
pub mod counts;
pub mod ingest;
pub mod labels;
pub mod metrics;
pub mod plan;
pub mod privileged;
pub mod report;
pub(crate) mod row_memo;
pub mod score_histogram;
pub mod state;
pub mod sweep;
pub mod weights;
