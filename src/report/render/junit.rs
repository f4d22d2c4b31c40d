//! JUnit XML rendering: one test case per gate, so CI systems show gate verdicts as tests.

use crate::fairness::plan::Bound;
use crate::fairness::report::FairnessReport;
use crate::report::render::block::with_interval;
use crate::report::render::escape_xml;

pub(super) fn render(report: &FairnessReport) -> String {
    let failures = report.gates.iter().filter(|g| !g.passed).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"sextant\" tests=\"{n}\" failures=\"{failures}\">\n  <testsuite name=\"sextant fairness gates: {}\" tests=\"{n}\" failures=\"{failures}\" errors=\"0\">\n",
        escape_xml(&report.source),
        n = report.gates.len(),
    ));
    for gate in &report.gates {
        let op = match gate.bound {
            Bound::Max => "<=",
            Bound::Min => ">=",
        };
        let name = format!("{} {op} {} [{}]", gate.name, gate.limit, gate.attribute);
        out.push_str(&format!(
            "    <testcase classname=\"sextant.fairness.{}\" name=\"{}\"",
            escape_xml(&gate.attribute),
            escape_xml(&name)
        ));
        let value = with_interval(gate.value, Some(&gate.interval));
        if gate.passed {
            out.push_str(&format!(
                ">\n      <system-out>value {}</system-out>\n    </testcase>\n",
                escape_xml(&value)
            ));
        } else {
            let why = gate
                .reason
                .clone()
                .unwrap_or_else(|| format!("value {value} is not {op} {}", gate.limit));
            out.push_str(&format!(
                ">\n      <failure message=\"{}\" type=\"gate\">{}: {}</failure>\n    </testcase>\n",
                escape_xml(&why),
                escape_xml(&gate.name),
                escape_xml(&why)
            ));
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
