//! Scores a CSV with a model, streaming: reads rows in batches, picks the model's feature
//! columns, evaluates the model, and writes each input row with `score` and `pred` added.
//!
//! The caller hands in a reader and a writer; nothing here knows about files.

use std::io::{Read, Write};

use csv::{ByteRecord, ReaderBuilder, WriterBuilder};
use serde::Serialize;

use crate::data::csv_error;
use crate::data::features::{push_features, read_header};
use crate::error::{closest_names, Error, ErrorKind, Location, Result};
use crate::model::{default_output, Model};

/// Rows evaluated per model call.
const BATCH_ROWS: usize = 4096;

/// How to score.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoringOptions {
    /// The model's input columns, in order; default: the model's feature names, or every
    /// column not ignored.
    pub features: Option<Vec<String>>,
    /// Columns never used as features.
    pub ignore: Vec<String>,
    /// The model output to report; default: the positive-class probability of a binary
    /// classifier, else output 0.
    pub output: Option<usize>,
    /// `pred = score >= threshold`.
    pub threshold: f64,
    /// Write JSON records instead of CSV.
    pub json: bool,
}

/// What scoring did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoringSummary {
    /// Rows scored.
    pub rows: usize,
    /// The feature columns used, in model order.
    pub features: Vec<String>,
    /// The model output reported as `score`.
    pub output: usize,
}

/// The columns of `header` the model reads, in model order. `ignore` may name columns this
/// file lacks (explained rows and a background often differ in their id columns).
///
/// # Errors
/// When a named column is missing (with suggestions), or the number or names of the columns
/// do not match what the model expects (listing what it expects).
pub fn resolve_features(
    header: &[String],
    model: &dyn Model,
    features: Option<&[String]>,
    ignore: &[String],
    source: &str,
) -> Result<Vec<usize>> {
    let names: Vec<String> = match (features, model.feature_names()) {
        (Some(given), _) => given.to_vec(),
        (None, Some(model_names)) => model_names.to_vec(),
        (None, None) => header.iter().filter(|h| !ignore.contains(h)).cloned().collect(),
    };
    if let (Some(expected), Some(_)) = (model.feature_names(), features) {
        if expected != names.as_slice() {
            return Err(Error::invalid_option(
                "features",
                format!("the model's features are {}; got {}", expected.join(","), names.join(",")),
            ));
        }
    }
    if let Some(m) = model.n_features().filter(|&m| m != names.len()) {
        return Err(Error::invalid_option(
            "features",
            format!(
                "the model takes {m} features but {} columns were chosen ({}); choose them with --features a,b,c or drop some with --ignore",
                names.len(),
                names.join(",")
            ),
        ));
    }
    names.iter().map(|n| find(header, n, source)).collect()
}

fn find(header: &[String], name: &str, source: &str) -> Result<usize> {
    header.iter().position(|h| h == name).ok_or_else(|| {
        ErrorKind::UnknownColumn {
            source_name: source.to_owned(),
            column: name.to_owned(),
            suggestions: closest_names(name, header.iter().map(String::as_str)),
        }
        .into()
    })
}

/// Parses one feature cell. Empty cells and `NaN` are missing values, allowed only when the
/// model handles them; infinities never are.
pub fn parse_feature(
    cell: &str,
    allow_missing: bool,
    at: impl FnOnce() -> Location,
) -> Result<f64> {
    let text = cell.trim();
    let value = if text.is_empty() { Ok(f64::NAN) } else { text.parse::<f64>() };
    match value {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(x) if x.is_nan() && allow_missing => Ok(x),
        Ok(x) if x.is_nan() => Err(Error::invalid_value(
            at(),
            "missing value (empty or NaN), and the model does not impute missing values",
        )),
        Ok(x) => Err(Error::invalid_value(at(), format!("{x} is not a finite number"))),
        Err(_) => Err(Error::invalid_value(at(), format!("\"{cell}\" is not a number"))),
    }
}

/// One scored row as a JSON object: the input columns in file order (as text), then
/// `score` and `pred`.
struct JsonRecord<'a> {
    header: &'a [String],
    fields: &'a [String],
    score: f64,
    pred: u8,
}

impl Serialize for JsonRecord<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        for (h, f) in
            self.header.iter().zip(self.fields).filter(|(h, _)| *h != "score" && *h != "pred")
        {
            map.serialize_entry(h, f)?;
        }
        map.serialize_entry("score", &self.score)?;
        map.serialize_entry("pred", &self.pred)?;
        map.end()
    }
}

/// Scores every row of `reader` with `model` and writes the rows with `score` and `pred` to
/// `writer` (as CSV, replacing existing `score`/`pred` columns, or as JSON records).
///
/// # Errors
/// Bad CSV, unknown or mismatched feature columns, non-numeric or non-finite features (row
/// and column named), an output index the model does not have, or a failed write.
pub fn score_csv<R: Read, W: Write>(
    reader: R,
    writer: W,
    source: &str,
    model: &dyn Model,
    options: &ScoringOptions,
) -> Result<ScoringSummary> {
    if !(0.0..=1.0).contains(&options.threshold) {
        return Err(Error::invalid_option(
            "threshold",
            format!("{} is outside [0, 1]", options.threshold),
        ));
    }
    let output = options.output.unwrap_or_else(|| default_output(model));
    if output >= model.n_outputs() {
        return Err(Error::invalid_option(
            "output",
            format!("the model has outputs 0..{}, not {output}", model.n_outputs()),
        ));
    }
    let mut csv = ReaderBuilder::new().from_reader(reader);
    let header = read_header(&mut csv, source)?;
    let features =
        resolve_features(&header, model, options.features.as_deref(), &options.ignore, source)?;
    let score_at = header.iter().position(|h| h == "score");
    let pred_at = header.iter().position(|h| h == "pred");
    let mut out_header = header.clone();
    if score_at.is_none() {
        out_header.push("score".into());
    }
    if pred_at.is_none() {
        out_header.push("pred".into());
    }

    let mut sink = Sink::new(writer, options.json, &out_header)?;
    // A pool of records reused batch after batch; `filled` of them hold the current batch.
    let mut records: Vec<ByteRecord> = Vec::with_capacity(BATCH_ROWS);
    let mut filled = 0;
    let mut matrix: Vec<f64> = Vec::with_capacity(BATCH_ROWS * features.len());
    let mut rows = 0;
    let columns = Columns { score: score_at, pred: pred_at };
    loop {
        if filled == records.len() {
            records.push(ByteRecord::new());
        }
        let more = csv.read_byte_record(&mut records[filled]).map_err(|e| csv_error(source, &e))?;
        if more {
            push_features(
                &records[filled],
                &features,
                &header,
                source,
                model.accepts_missing(),
                &mut matrix,
            )?;
            filled += 1;
        }
        if filled == BATCH_ROWS || (!more && filled > 0) {
            let outputs = model.predict(&matrix, features.len())?;
            for (record, out) in
                records[..filled].iter().zip(outputs.chunks_exact(model.n_outputs()))
            {
                sink.write(&out_header, record, &columns, out[output], options.threshold, source)?;
            }
            rows += filled;
            filled = 0;
            matrix.clear();
        }
        if !more {
            break;
        }
    }
    if rows == 0 {
        return Err(ErrorKind::NoRows { source_name: source.to_owned() }.into());
    }
    sink.finish(source)?;
    Ok(ScoringSummary {
        rows,
        features: features.iter().map(|&c| header[c].clone()).collect(),
        output,
    })
}

/// Where the input already has `score` / `pred` columns (their values are replaced).
struct Columns {
    score: Option<usize>,
    pred: Option<usize>,
}

/// Writes scored rows as CSV or as a JSON array of records.
enum Sink<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Json { writer: W, first: bool },
}

fn write_error(source: &str, e: &dyn std::fmt::Display) -> Error {
    Error::from(ErrorKind::Csv {
        at: Location::source(source),
        message: format!("cannot write the output: {e}"),
    })
}

impl<W: Write> Sink<W> {
    fn new(writer: W, json: bool, header: &[String]) -> Result<Self> {
        if json {
            return Ok(Sink::Json { writer, first: true });
        }
        let mut csv = WriterBuilder::new().from_writer(writer);
        csv.write_record(header).map_err(|e| write_error("output", &e))?;
        Ok(Sink::Csv(Box::new(csv)))
    }

    fn write(
        &mut self,
        header: &[String],
        record: &ByteRecord,
        columns: &Columns,
        score: f64,
        threshold: f64,
        source: &str,
    ) -> Result<()> {
        let pred = u8::from(score >= threshold);
        let score_text = score.to_string();
        let pred_text = pred.to_string();
        let mut fields: Vec<&[u8]> = record.iter().collect();
        for (at, text) in [(columns.score, &score_text), (columns.pred, &pred_text)] {
            match at {
                Some(i) => fields[i] = text.as_bytes(),
                None => fields.push(text.as_bytes()),
            }
        }
        match self {
            Sink::Csv(csv) => csv.write_record(&fields).map_err(|e| write_error(source, &e)),
            Sink::Json { writer, first } => {
                let fields: Vec<String> =
                    fields.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
                let record =
                    serde_json::to_string(&JsonRecord { header, fields: &fields, score, pred })
                        .map_err(|e| write_error(source, &e))?;
                let prefix = if *first { "[\n" } else { ",\n" };
                *first = false;
                writer
                    .write_all(prefix.as_bytes())
                    .and_then(|()| writer.write_all(record.as_bytes()))
                    .map_err(|e| write_error(source, &e))
            }
        }
    }

    fn finish(self, source: &str) -> Result<()> {
        match self {
            Sink::Csv(mut csv) => csv.flush().map_err(|e| write_error(source, &e)),
            Sink::Json { mut writer, first } => {
                let end: &[u8] = if first { b"[]\n" } else { b"\n]\n" };
                writer
                    .write_all(end)
                    .and_then(|()| writer.flush())
                    .map_err(|e| write_error(source, &e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::coefficients::LinearModel;

    fn model() -> LinearModel {
        LinearModel::new(vec!["a".into(), "b".into()], vec![1.0, -1.0], 0.0, true)
    }

    fn score(csv: &str, options: &ScoringOptions) -> std::result::Result<String, String> {
        let mut out = Vec::new();
        score_csv(csv.as_bytes(), &mut out, "t.csv", &model(), options)
            .map_err(|e| e.to_string())?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    #[test]
    fn rows_get_score_and_pred() {
        let options = ScoringOptions { threshold: 0.5, ..ScoringOptions::default() };
        let out = score("id,b,a\n7,0,0\n8,0,2\n", &options);
        let expected =
            format!("id,b,a,score,pred\n7,0,0,0.5,1\n8,0,2,{},1\n", crate::math::sigmoid(2.0));
        assert_eq!(out, Ok(expected));
    }

    #[test]
    fn bad_cells_name_line_and_column() {
        let options = ScoringOptions { threshold: 0.5, ..ScoringOptions::default() };
        assert_eq!(
            score("a,b\n1,x\n", &options),
            Err("t.csv, line 2, column \"b\": \"x\" is not a number".into())
        );
        assert!(score("a,b\n1,\n", &options).is_err_and(|e| e.contains("missing value")));
        assert!(score("a,b\n1,inf\n", &options).is_err_and(|e| e.contains("not a finite number")));
        assert!(score("a,c\n1,2\n", &options).is_err_and(|e| e.contains("no column \"b\"")));
        let wrong =
            ScoringOptions { features: Some(vec!["b".into(), "a".into()]), ..options.clone() };
        assert!(
            score("a,b\n1,2\n", &wrong).is_err_and(|e| e.contains("the model's features are a,b"))
        );
    }
}
