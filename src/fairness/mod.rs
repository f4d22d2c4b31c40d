//! Group fairness: the mergeable per-group counts, fairlearn's and AIF360's metrics on them,
//! bootstrap intervals, gates, and the audit that ties them into a report.

pub mod aggregate;
pub mod audit;
pub mod bootstrap;
pub mod config;
pub mod confusion;
pub mod counts;
pub mod metrics;
pub mod privileged;
