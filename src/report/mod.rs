//! Renderings of the results that the fairness audit, the monitor and the explainers
//! produce: text, JSON, markdown, JUnit XML, self-contained HTML, SVG charts and
//! OpenMetrics. Nothing here computes a result.

mod json;
mod render;

pub use json::js_number;
pub use render::document::verdict;
pub use render::lime::{lime_html, lime_json, lime_text};
pub use render::lime_svg::signed_bar;
pub use render::line_svg::{line_chart, Line, XAxis};
pub use render::monitor::{
    gauges, monitor_html, monitor_markdown, monitor_text, openmetrics, Gauge, GAUGE_FAMILIES,
};
pub use render::monitor_svg::drift_heatmap;
pub use render::shap::{shap_html, shap_json, shap_text};
pub use render::shap_svg::{bar, beeswarm, waterfall};
pub use render::svg::rate_chart;
pub use render::sweep::{sweep_chart, SweepChart};
pub use render::{audit_html, counts_json, monitor_json, render, to_json, Format};
