//! Reports: the result types every adapter serialises, and their renderings
//! (text, markdown, JUnit XML, self-contained HTML with SVG charts).

pub mod fairness;
pub mod json;
pub mod render;
