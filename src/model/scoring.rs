//! Scoring rows with a model. [`RecordScorer`] turns batches of rows (CSV, Parquet or Arrow
//! IPC) into one score per row (the model's feature columns read, the model evaluated, one
//! output picked); [`score_csv`] streams a table through it into a scored CSV or JSON
//! (`sextant predict`), and an audit streams rows through the same scorer into its counts.
//!
//! The caller hands in a reader and a writer; nothing here knows about files.

use std::borrow::Cow;
use std::io::Write;
use std::ops::Range;

use csv::WriterBuilder;
use serde::Serialize;

use crate::data::batch::Batch;
use crate::data::batch::BATCH_ROWS;
use crate::data::features::{push_features, resolve_features, InputSchema, ScoreRecords};
use crate::data::header::Header;
use crate::data::input::Input;
use crate::data::table::Table;
use crate::error::{Error, ErrorKind, Location, Result};
use crate::model::{checked_output, output_label, Model, OutputChoice};

/// Which model columns score, and which output is the score.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoringOptions {
    /// The model's input columns, in order; default: the model's feature names, or every
    /// column not ignored.
    pub features: Option<Vec<String>>,
    /// Columns never used as features.
    pub ignore: Vec<String>,
    /// The model output to report; default: the positive-class probability of a binary
    /// classifier, else output 0.
    pub output: Option<OutputChoice>,
}

/// How [`score_csv`] writes scored rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoredFormat {
    /// The input CSV with `score` and `pred` columns.
    Csv,
    /// A JSON array of one object per row.
    Json,
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
    /// The class whose probability that output is, when the model names its classes.
    pub output_label: Option<String>,
}

/// A model reading its feature columns from rows: one score per row.
pub struct RecordScorer<'m> {
    model: &'m dyn Model,
    options: ScoringOptions,
    output: usize,
    columns: Vec<usize>,
    header: Option<Header>,
    schema: InputSchema,
    matrix: Vec<f64>,
}

impl<'m> RecordScorer<'m> {
    /// A scorer of `model`'s output `options.output`, not yet bound to a header;
    /// `output_option` names that option in errors (`output` for `sextant predict`,
    /// `model_output` in an audit).
    ///
    /// # Errors
    /// An output index the model does not have.
    pub fn new(model: &'m dyn Model, options: ScoringOptions, output_option: &str) -> Result<Self> {
        let output = checked_output(model, options.output.as_ref(), output_option)?;
        Ok(RecordScorer {
            model,
            options,
            output,
            columns: Vec::new(),
            header: None,
            schema: model.input_schema(),
            matrix: Vec::new(),
        })
    }

    /// The model output that is the score.
    pub fn output(&self) -> usize {
        self.output
    }

    /// The class whose probability the score is, when the model names its classes.
    pub fn output_label(&self) -> Option<String> {
        output_label(self.model, self.output)
    }

    /// The feature columns read, in model order (empty before [`ScoreRecords::bind`]).
    pub fn feature_names(&self) -> Vec<String> {
        let header = self.header.as_ref();
        self.columns.iter().map(|&c| header.map_or("", |h| h.name(c)).to_owned()).collect()
    }
}

impl ScoreRecords for RecordScorer<'_> {
    fn bind(&mut self, header: &Header) -> Result<Vec<usize>> {
        self.columns = resolve_features(
            header,
            &self.schema,
            self.options.features.as_deref(),
            &self.options.ignore,
        )?;
        self.header = Some(header.clone());
        Ok(self.columns.clone())
    }

    fn score(
        &mut self,
        batch: &dyn Batch,
        rows: Range<usize>,
        scores: &mut Vec<f64>,
    ) -> Result<()> {
        let Some(header) = &self.header else {
            return Err(Error::invalid_option("features", "the scorer was not bound to a header"));
        };
        self.matrix.clear();
        let n_rows = rows.len();
        for row in rows {
            push_features(batch, row, &self.columns, header, &self.schema, &mut self.matrix)?;
        }
        if n_rows == 0 {
            return Ok(());
        }
        let outputs = self.model.predict(&self.matrix, self.columns.len())?;
        let width = self.model.n_outputs();
        if outputs.len() != n_rows * width {
            return Err(Error::model(
                "model",
                format!(
                    "the model returned {} values for {} rows of {width} outputs",
                    outputs.len(),
                    n_rows
                ),
            ));
        }
        scores.extend(outputs.chunks_exact(width).map(|o| o[self.output]));
        Ok(())
    }
}

/// Scores every row of `reader` with `model` and writes the rows with `score` and
/// `pred = score >= threshold` to `writer`: as CSV (replacing existing `score`/`pred`
/// columns) or as JSON records.
///
/// # Errors
/// Bad CSV, unknown or mismatched feature columns, non-numeric or non-finite features (row
/// and column named), a score that is not a finite number (row named), a threshold outside
/// [0, 1], an output index the model does not have, or a failed write.
pub fn score_csv<'a, W: Write>(
    reader: impl Into<Input<'a>>,
    writer: W,
    source: &str,
    model: &dyn Model,
    options: &ScoringOptions,
    threshold: f64,
    format: ScoredFormat,
) -> Result<ScoringSummary> {
    if !(0.0..=1.0).contains(&threshold) {
        return Err(Error::invalid_option("threshold", format!("{threshold} is outside [0, 1]")));
    }
    let mut scorer = RecordScorer::new(model, options.clone(), "output")?;
    let mut table = Table::open(reader, source)?;
    let header = table.header().clone();
    scorer.bind(&header)?;
    let score_at = header.find_optional("score")?;
    let pred_at = header.find_optional("pred")?;
    let mut out_header = header.names().to_vec();
    if score_at.is_none() {
        out_header.push("score".into());
    }
    if pred_at.is_none() {
        out_header.push("pred".into());
    }

    let mut sink = Sink::new(writer, format, &out_header, scorer.output_label())?;
    let columns = Columns { score: score_at, pred: pred_at };
    let mut scores = Vec::with_capacity(BATCH_ROWS);
    let mut rows = 0;
    while table.fill()? {
        let batch = table.batch();
        let mut fields = Vec::with_capacity(out_header.len());
        scores.clear();
        scorer.score(batch, 0..batch.len(), &mut scores)?;
        for (row, &score) in scores.iter().enumerate() {
            if !score.is_finite() {
                return Err(Error::invalid_value(
                    batch.place(row).locate(Location::source(source)),
                    format!("the model's score {score} is not a finite number (its arithmetic overflowed)"),
                ));
            }
            fields.clear();
            fields.extend((0..header.names().len()).map(|c| batch.cell(row, c).text()));
            sink.write(&out_header, &mut fields, &columns, score, threshold)?;
        }
        rows += batch.len();
    }
    if rows == 0 {
        return Err(ErrorKind::NoRows { source_name: source.to_owned() }.into());
    }
    sink.finish()?;
    Ok(ScoringSummary {
        rows,
        features: scorer.feature_names(),
        output: scorer.output(),
        output_label: scorer.output_label(),
    })
}

/// One scored row as a JSON object: the input columns in file order (as text), then
/// `score`, `pred` and, when the model names its classes, `class` (whose probability the
/// score is).
struct JsonRecord<'a> {
    header: &'a [String],
    fields: &'a [String],
    score: f64,
    pred: u8,
    class: Option<&'a str>,
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
        if let Some(class) = self.class {
            map.serialize_entry("class", class)?;
        }
        map.end()
    }
}

/// Where the input already has `score` / `pred` columns (their values are replaced).
struct Columns {
    score: Option<usize>,
    pred: Option<usize>,
}

/// Writes scored rows as CSV or as a JSON array of records.
enum Sink<W: Write> {
    Csv(Box<csv::Writer<W>>),
    /// `class`: the class whose probability the score is, written into every record.
    Json {
        writer: W,
        first: bool,
        class: Option<String>,
    },
}

/// A failed write of the scored rows (the writer's destination, not the input, is at fault).
fn write_error(e: &dyn std::fmt::Display) -> Error {
    Error::from(ErrorKind::Csv {
        at: Location::source("the scored rows' output"),
        message: format!("cannot write it: {e}"),
    })
}

impl<W: Write> Sink<W> {
    fn new(
        writer: W,
        format: ScoredFormat,
        header: &[String],
        class: Option<String>,
    ) -> Result<Self> {
        if format == ScoredFormat::Json {
            return Ok(Sink::Json { writer, first: true, class });
        }
        let mut csv = WriterBuilder::new().from_writer(writer);
        csv.write_record(header).map_err(|e| write_error(&e))?;
        Ok(Sink::Csv(Box::new(csv)))
    }

    /// Writes one row: its input `fields` (in header order), with the score and the
    /// prediction put in their columns or appended.
    fn write(
        &mut self,
        header: &[String],
        fields: &mut Vec<Cow<'_, [u8]>>,
        columns: &Columns,
        score: f64,
        threshold: f64,
    ) -> Result<()> {
        let pred = u8::from(score >= threshold);
        for (at, text) in [(columns.score, score.to_string()), (columns.pred, pred.to_string())] {
            let text = Cow::Owned(text.into_bytes());
            match at {
                Some(i) => fields[i] = text,
                None => fields.push(text),
            }
        }
        match self {
            Sink::Csv(csv) => csv.write_record(fields.iter()).map_err(|e| write_error(&e)),
            Sink::Json { writer, first, class } => {
                let fields: Vec<String> =
                    fields.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
                let record = serde_json::to_string(&JsonRecord {
                    header,
                    fields: &fields,
                    score,
                    pred,
                    class: class.as_deref(),
                })
                .map_err(|e| write_error(&e))?;
                let prefix = if *first { "[\n" } else { ",\n" };
                *first = false;
                writer
                    .write_all(prefix.as_bytes())
                    .and_then(|()| writer.write_all(record.as_bytes()))
                    .map_err(|e| write_error(&e))
            }
        }
    }

    fn finish(self) -> Result<()> {
        match self {
            Sink::Csv(mut csv) => csv.flush().map_err(|e| write_error(&e)),
            Sink::Json { mut writer, first, .. } => {
                let end: &[u8] = if first { b"[]\n" } else { b"\n]\n" };
                writer.write_all(end).and_then(|()| writer.flush()).map_err(|e| write_error(&e))
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
        score_csv(csv.as_bytes(), &mut out, "t.csv", &model(), options, 0.5, ScoredFormat::Csv)
            .map_err(|e| e.to_string())?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    #[test]
    fn rows_get_score_and_pred() {
        let options = ScoringOptions::default();
        let out = score("id,b,a\n7,0,0\n8,0,2\n", &options);
        let expected =
            format!("id,b,a,score,pred\n7,0,0,0.5,1\n8,0,2,{},1\n", crate::math::sigmoid(2.0));
        assert_eq!(out, Ok(expected));
    }

    #[test]
    fn bad_cells_name_line_and_column() {
        let options = ScoringOptions::default();
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
