//! The entry points of counting a table (CSV, Parquet or Arrow IPC) for a fairness plan:
//! [`count_csv`] for an audit's data, [`count_part`] for a part to merge, and the checks of
//! a whole. The counting itself is [`crate::fairness::counter`]'s; a CSV or Parquet
//! file read at offsets is counted on all cores natively ([`crate::fairness::chunked`]).

use crate::data::features::ScoreRecords;
use crate::data::input::Input;
use crate::data::table::Table;
use crate::error::{Error, ErrorKind, Location, Result};
pub use crate::fairness::counter::CountedData;
use crate::fairness::counter::{Columns, Counter};
use crate::fairness::counts::GroupCounts;
use crate::fairness::plan::FairnessPlan;
use crate::fairness::report::MissingReport;

/// Reads `reader` (a CSV with a header row, Parquet or Arrow IPC) and counts it for `plan`.
/// `source` names the input in error messages (a path, or `<data>`).
///
/// # Errors
/// A typed error naming the source, line and column of the first unusable input: an empty
/// file, a header without rows, an unknown or repeated column, a ragged row, a label with
/// more than two values, a non-numeric or infinite score, a missing value under the error
/// policy (or the value `(missing)` under the group policy), an attribute with more than
/// `max_groups` groups, a non-UTF-8 value, or an attribute with a single group.
pub fn count_csv<'a>(
    reader: impl Into<Input<'a>>,
    source: &str,
    plan: &FairnessPlan,
) -> Result<CountedData> {
    let counted = count_part(reader, source, plan, None)?;
    check_whole(&counted.counts, counted.missing.as_ref(), plan, source)?;
    Ok(counted)
}

/// As [`count_csv`], with the scores of a [`FairnessPlan`]'s score outcome computed from
/// each batch of records by `scorer` (a model) instead of read from a column.
///
/// # Errors
/// As [`count_csv`], and the scorer's errors (its feature columns, their cells, the model).
pub(crate) fn count_scored_csv<'a>(
    reader: impl Into<Input<'a>>,
    source: &str,
    plan: &FairnessPlan,
    scorer: &mut dyn ScoreRecords,
) -> Result<CountedData> {
    let counted = count_part(reader, source, plan, Some(scorer))?;
    check_whole(&counted.counts, counted.missing.as_ref(), plan, source)?;
    Ok(counted)
}

/// As [`count_csv`] (or [`count_scored_csv`] with a `scorer`) for a part of the data, to
/// be merged with others ([`crate::fairness::state`]): a part may hold a single group, or
/// no rows at all.
///
/// A CSV or Parquet file read at offsets ([`Input::RandomAccess`]) without a scorer is
/// counted on all cores natively ([`crate::fairness::chunked`]), with the same result.
///
/// # Errors
/// As [`count_csv`], but for a single group or no rows.
pub(crate) fn count_part<'a>(
    reader: impl Into<Input<'a>>,
    source: &str,
    plan: &FairnessPlan,
    mut scorer: Option<&mut dyn ScoreRecords>,
) -> Result<CountedData> {
    let input = reader.into();
    #[cfg(not(target_arch = "wasm32"))]
    if let (None, Input::RandomAccess(access)) = (&scorer, &input) {
        if let Some(counted) = crate::fairness::chunked::count_on_all_cores(access, source, plan) {
            return Ok(counted);
        }
    }
    let mut input = Table::open(input, source)?;
    let header = input.header().clone();
    let columns = Columns::find(&header, plan, scorer.is_some())?;
    let mut read = columns.read();
    if let Some(scorer) = scorer.as_deref_mut() {
        read.extend(scorer.bind(&header)?);
    }
    input.project(&read);
    let mut counter = Counter::new(plan, &header, columns, source);
    while input.fill()? {
        counter.count_table(&input, scorer.as_deref_mut())?;
    }
    counter.finish()
}

/// Checks that `counts` of all of an audit's data (`source`), with the rows left out for
/// `missing` values, can be audited: some rows, and at least two groups in every attribute
/// of `plan`.
///
/// # Errors
/// [`ErrorKind::NoRows`], an [`ErrorKind::InvalidValue`] saying that the missing-value policy
/// left every row out or that no row counts more than 0, or one naming the attribute with a
/// single group.
pub(crate) fn check_whole(
    counts: &GroupCounts,
    missing: Option<&MissingReport>,
    plan: &FairnessPlan,
    source: &str,
) -> Result<()> {
    if counts.overall().count() == 0 {
        if let Some(missing) = missing.filter(|m| m.dropped_rows > 0) {
            let columns: Vec<String> =
                missing.by_column.iter().map(|(c, n)| format!("\"{c}\" ({n})")).collect();
            return Err(Error::invalid_value(
                Location::source(source),
                format!(
                    "every row was left out for a missing value ({} rows; by column: {})",
                    missing.dropped_rows,
                    columns.join(", ")
                ),
            ));
        }
        if let Some(column) = &plan.count_column {
            return Err(Error::invalid_value(
                Location::source(source).in_column(column),
                "no row counts more than 0 (the data has no rows, or every row counts 0)",
            ));
        }
        return Err(ErrorKind::NoRows { source_name: source.to_owned() }.into());
    }
    if let (Some(column), Some(weights)) = (&plan.sample_weight, counts.overall_weights()) {
        if !weights.sums().count().is_finite() {
            return Err(Error::invalid_value(
                Location::source(source).in_column(column),
                "the sample weights add up to more than the largest float: scale them down",
            ));
        }
    }
    check_several_groups(counts, plan, source)
}

/// Checks that every attribute of `plan` has at least two groups in `counts`.
fn check_several_groups(counts: &GroupCounts, plan: &FairnessPlan, source: &str) -> Result<()> {
    for attribute in &plan.attributes {
        let indices = counts.column_indices(&attribute.columns)?;
        let groups = counts.marginal(&indices);
        if groups.len() < 2 {
            let only = groups.keys().next().map(|k| k.join("&")).unwrap_or_default();
            return Err(Error::invalid_value(
                Location::source(source).in_column(&attribute.name),
                format!(
                    "attribute has a single group (\"{only}\"); fairness compares at least two"
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fairness::confusion::{Confusion, UndefinedPolicy};
    use crate::fairness::plan::{Attribute, GroupPolicy, Outcome};
    use crate::model::coefficients::LinearModel;
    use crate::model::scoring::{RecordScorer, ScoringOptions};

    fn plan() -> FairnessPlan {
        FairnessPlan {
            label: "y".into(),
            positive_label: None,
            outcome: Outcome::Prediction { column: "p".into() },
            attributes: vec![Attribute { name: "g".into(), columns: vec!["g".into()] }],
            sensitive_columns: vec!["g".into()],
            privileged: Vec::new(),
            favorable_label: None,
            policy: UndefinedPolicy::Strict,
            bootstrap: None,
            gates: Vec::new(),
            groups: GroupPolicy::default(),
            count_column: None,
            sample_weight: None,
            sweep: false,
        }
    }

    #[test]
    fn the_first_unusable_line_is_named_whatever_its_kind() {
        // A bad label on line 3 comes before a ragged row on line 4 (read in the same batch).
        assert!(error("y,p,g\n1,1,a\n2,1,b\n1,1\n").starts_with("t.csv, line 3, column \"y\""));
        // With a model: a bad label on line 3 comes before a bad feature on line 4, and a bad
        // feature on line 3 before a bad label on line 4.
        let model = LinearModel::new(vec!["x".into()], vec![1.0], 0.0, true);
        let scored = FairnessPlan {
            outcome: Outcome::Score { column: "score".into(), threshold: 0.5 },
            ..plan()
        };
        let run = |csv: &str| {
            let mut scorer = RecordScorer::new(&model, ScoringOptions::default(), "model_output")
                .unwrap_or_else(|e| unreachable!("{e}"));
            match count_scored_csv(csv.as_bytes(), "t.csv", &scored, &mut scorer) {
                Ok(_) => "no error".to_owned(),
                Err(e) => e.to_string(),
            }
        };
        let label_first = run("y,g,x\n1,a,0.5\n7,b,1\n0,a,oops\n");
        assert!(label_first.starts_with("t.csv, line 3, column \"y\""), "{label_first}");
        let feature_first = run("y,g,x\n1,a,0.5\n1,b,oops\n7,a,1\n");
        assert!(feature_first.starts_with("t.csv, line 3, column \"x\""), "{feature_first}");
        assert_eq!(run("y,g,x\n1,a,0.5\n0,b,-1\n"), "no error");
    }

    fn error(csv: &str) -> String {
        match count_csv(csv.as_bytes(), "t.csv", &plan()) {
            Ok(_) => "no error".into(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn counts_rows_per_group() {
        let counted = count_csv("y,p,g\n1,1,a\n0,1,a\n1,0,b\n".as_bytes(), "t.csv", &plan());
        let counts = counted.map(|c| c.counts.overall()).map_err(|e| e.to_string());
        assert_eq!(counts, Ok(Confusion { tp: 1, fp: 1, tn: 0, fn_: 1 }));
    }

    #[test]
    fn bad_input_names_source_line_and_column() {
        assert_eq!(error(""), "t.csv: the file is empty (expected a header row)");
        assert_eq!(error("y,p,g\n"), "t.csv: the file has a header but no data rows");
        assert_eq!(error("y,p,h\n1,1,a\n"), "t.csv: no column \"g\"");
        assert_eq!(
            error("y,p,g\n1,1,a\n1,1\n"),
            "t.csv, line 3: row has 2 fields, but the header has 3"
        );
        assert_eq!(
            error("y,p,g\n1,1,a\n0,1,\n"),
            "t.csv, line 3, column \"g\": missing value (\"\"); leave such rows out with ‹missing› drop, or audit them as the group \"(missing)\" with ‹missing› group"
        );
        assert!(error("y,p,g\n1,1,a\n2,1,b\n")
            .starts_with("t.csv, line 3, column \"y\": value \"2\" is not 0/1"));
        assert_eq!(
            error("y,p,g\n1,1,a\n0,1,a\n"),
            "t.csv, column \"g\": attribute has a single group (\"a\"); fairness compares at least two"
        );
    }

    #[test]
    fn byte_order_marks_crlf_and_quotes_are_read() {
        let data = "\u{feff}y,p,g\r\n1,1,\"a, b\"\r\n0,1,c\r\n";
        let counted = count_csv(data.as_bytes(), "t.csv", &plan()).map_err(|e| e.to_string());
        let groups =
            counted.map(|c| c.counts.cells().keys().map(|k| k[0].clone()).collect::<Vec<_>>());
        assert_eq!(groups, Ok(vec!["a, b".to_owned(), "c".to_owned()]));
    }

    #[test]
    fn probabilities_in_a_prediction_column_point_to_score() {
        assert!(error("y,p,g\n1,0.73,a\n").contains("use ‹score› and ‹threshold›"));
    }

    #[test]
    fn non_utf8_values_are_rejected() {
        let data = b"y,p,g\n1,1,a\n0,1,\xff\xfe\n";
        let e = count_csv(&data[..], "t.csv", &plan()).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(e, Err("t.csv, line 3, column \"g\": not valid UTF-8 text".into()));
    }
}
