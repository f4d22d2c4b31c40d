//! Parquet and Arrow IPC inputs give the same JSON as the CSV of the same data, in every
//! command (fairness, count, audit with a model, predict, explain, monitor), with typed
//! columns (int64, float64, float32, boolean, strings and dictionary-encoded strings,
//! timestamps with a time zone, nulls); and a file that cannot be decoded is a one-line
//! error.

mod common;

use std::path::{Path, PathBuf};

use common::columnar::{write_columnar, Columnar};
use common::{repo, scratch, sextant, sextant_json, shared_dir, with_stdin};
use serde_json::Value;

/// `value` without its `source` (the input's name, which differs by design).
fn without_source(mut value: Value) -> Value {
    if let Some(object) = value.as_object_mut() {
        object.remove("source");
    }
    value
}

/// `csv` converted to each columnar format, plain and dictionary-encoded, in batches of
/// `batch_rows` rows.
fn conversions(test: &str, csv: &Path, batch_rows: usize) -> Vec<PathBuf> {
    let dir = scratch(test);
    let mut files = Vec::new();
    for format in Columnar::ALL {
        for dictionary in [false, true] {
            let name =
                format!("data-{}{}", if dictionary { "dict." } else { "" }, format.extension());
            let path = dir.join(name);
            write_columnar(csv, &path, format, dictionary, batch_rows);
            files.push(path);
        }
    }
    files
}

fn same_json_as_csv(csv: &Path, files: &[PathBuf], args: &[&str]) {
    let csv_text = csv.display().to_string();
    let expected = without_source(sextant_json(&[&[args[0], &csv_text], &args[1..]].concat()));
    for file in files {
        let path = file.display().to_string();
        let actual = without_source(sextant_json(&[&[args[0], &path], &args[1..]].concat()));
        assert_eq!(actual, expected, "{} {args:?}", file.display());
    }
}

#[test]
fn fairness_reports_of_reference_predictions_are_the_same_from_every_format() {
    let Some(shared) = shared_dir("columnar inputs of the reference predictions") else {
        return;
    };
    for (dataset, attributes) in [
        ("adult", ["sensitive_sex", "sensitive_race", "sensitive_sex&sensitive_race"]),
        ("compas", ["sensitive_sex", "sensitive_race", "sensitive_age_group"]),
    ] {
        for model in ["logreg", "gbc"] {
            let csv = shared.join(format!("reference/{dataset}/predictions_{model}.csv"));
            let files = conversions(&format!("columnar-{dataset}-{model}"), &csv, 1000);
            let mut args = vec!["fairness", "--label", "label", "--format", "json"];
            for a in &attributes {
                args.extend(["--sensitive", a]);
            }
            same_json_as_csv(&csv, &files, &[&args[..], &["--pred", "pred"]].concat());
            same_json_as_csv(
                &csv,
                &files,
                &[&args[..], &["--score", "score", "--threshold", "0.3", "--bootstrap", "50"]]
                    .concat(),
            );
        }
    }
}

#[test]
fn the_demo_audits_counts_predictions_and_explanations_are_the_same_from_every_format() {
    let demo = repo().join("datasets/demo");
    let csv = demo.join("loans.csv");
    let files = conversions("columnar-demo", &csv, 4096);
    let model = demo.join("credit_model.json").display().to_string();
    let fairness = [
        "fairness",
        "--label",
        "repaid",
        "--score",
        "score",
        "--sensitive",
        "sex",
        "--sensitive",
        "sex&age_group",
        "--privileged",
        "sex=male",
        "--format",
        "json",
    ];
    same_json_as_csv(&csv, &files, &fairness);
    let count = ["count", "--label", "repaid", "--pred", "approved", "--sensitive", "age_group"];
    same_json_as_csv(&csv, &files, &count);

    // audit: the demo's config on each format, and the same audit scored by the model.
    let audit = |data: &Path, scored: bool| {
        let dir = scratch("columnar-demo-audit");
        let config = std::fs::read_to_string(demo.join("audit.toml")).unwrap_or_default();
        let config = config[..config.find("[[outputs]]").unwrap_or(config.len())]
            .replace("\"loans.csv\"", &format!("{:?}", data.display().to_string()))
            .replace("\"credit_model.json\"", &format!("{model:?}"))
            .replace("bootstrap = 1000", "bootstrap = 100");
        let config = if scored {
            config.replace("score = \"score\"", &format!("model = {model:?}"))
        } else {
            config
        };
        let path = dir.join("audit.toml");
        std::fs::write(&path, config).unwrap_or_default();
        without_source(sextant_json(&["audit", &path.display().to_string(), "--format", "json"]))
    };
    for scored in [false, true] {
        let expected = audit(&csv, scored);
        assert_eq!(expected["rows"], 20_000);
        for file in &files {
            assert_eq!(audit(file, scored), expected, "{} scored: {scored}", file.display());
        }
    }

    // predict: the scores and predictions of every row (the other fields are the input's
    // cells as text, which a typed column spells in its own way).
    let scored = |data: &str| -> Vec<(Value, Value)> {
        let out = sextant_json(&["predict", "--model", &model, "--data", data, "--format", "json"]);
        out.as_array()
            .into_iter()
            .flatten()
            .map(|r| (r["score"].clone(), r["pred"].clone()))
            .collect()
    };
    let expected = scored(&csv.display().to_string());
    assert_eq!(expected.len(), 20_000);
    for file in &files {
        assert_eq!(scored(&file.display().to_string()), expected, "{}", file.display());
    }

    // explain: the rows and the background from columnar files.
    let head: String = std::fs::read_to_string(&csv)
        .unwrap_or_default()
        .lines()
        .take(9)
        .map(|l| format!("{l}\n"))
        .collect();
    let rows_csv = scratch("columnar-demo-rows").join("rows.csv");
    std::fs::write(&rows_csv, head).unwrap_or_default();
    let rows_files = conversions("columnar-demo-rows-converted", &rows_csv, 3);
    let explain = |data: &Path, background: &Path| {
        let (data, background) = (data.display().to_string(), background.display().to_string());
        without_source(sextant_json(&[
            "explain",
            "shap",
            "--model",
            &model,
            "--data",
            &data,
            "--background",
            &background,
            "--background-size",
            "50",
            "--format",
            "json",
        ]))
    };
    let expected = explain(&rows_csv, &csv);
    assert_eq!(expected["rows"].as_array().map(Vec::len), Some(8));
    for (rows, background) in rows_files.iter().zip(&files) {
        assert_eq!(explain(rows, background), expected, "{}", rows.display());
    }
}

#[test]
fn columnar_files_read_at_offsets_and_from_standard_input_give_the_same_report() {
    let csv = repo().join("datasets/demo/loans.csv");
    let files = conversions("columnar-stdin", &csv, 4096);
    let flags =
        ["--label", "repaid", "--pred", "approved", "--sensitive", "sex", "--format", "json"];
    for file in files.iter().filter(|f| !f.display().to_string().ends_with(".arrows")) {
        let path = file.display().to_string();
        let direct = without_source(sextant_json(&[&["fairness", &path], &flags[..]].concat()));
        let bytes = std::fs::read(file).unwrap_or_default();
        let out = with_stdin(&[&["fairness", "-"], &flags[..]].concat(), &bytes);
        let piped: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        assert_eq!(without_source(piped), direct, "{path}");
    }
}

#[test]
fn nulls_in_columnar_inputs_are_missing_values_placed_by_row() {
    let dir = scratch("columnar-nulls");
    let csv = dir.join("nulls.csv");
    std::fs::write(&csv, "g,y,p\na,1,1\nb,0,0\n,1,0\na,0,1\nb,1,1\n").unwrap_or_default();
    let parquet = dir.join("nulls.parquet");
    write_columnar(&csv, &parquet, Columnar::Parquet, true, 2);
    let path = parquet.display().to_string();
    let out = sextant(&["fairness", &path, "--label", "y", "--pred", "p", "--sensitive", "g"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("row 3, column \"g\": missing value (\"null\")"), "{stderr}");
    let report = sextant_json(&[
        "fairness",
        &path,
        "--label",
        "y",
        "--pred",
        "p",
        "--sensitive",
        "g",
        "--missing",
        "group",
        "--format",
        "json",
    ]);
    let groups: Vec<&str> = report["attributes"][0]["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g["group"].as_str())
        .collect();
    assert_eq!(groups, ["(missing)", "a", "b"]);
}

#[test]
fn a_file_that_cannot_be_decoded_is_a_one_line_error() {
    let dir = scratch("columnar-broken");
    for (name, bytes) in [
        ("broken.parquet", &b"PAR1 this is not a parquet file PAR1"[..]),
        ("broken.arrow", &b"ARROW1\0\0 truncated"[..]),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap_or_default();
        let path = path.display().to_string();
        let out = sextant(&["fairness", &path, "--label", "y", "--pred", "p", "--sensitive", "g"]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("cannot decode this"), "{name}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{name}: {stderr}");
    }
}

/// A log as pandas keeps it (a time column with a named zone, a float32 score, a boolean
/// feature) monitors as the CSV pandas writes of it: times with their offsets, the float32
/// spelled shortest (`0.7`), booleans as `True`/`False`.
#[test]
fn zoned_times_float32_scores_and_booleans_monitor_as_their_csv() {
    use arrow_array::TimestampMicrosecondArray;
    use arrow_array::{ArrayRef, BooleanArray, Float32Array, Int64Array, RecordBatch};
    use std::sync::Arc;
    let dir = scratch("columnar-monitor-types");
    let hours = [0_i64, 5, 23, 30, 47, 50, 70, 71];
    // 2025-01-01T00:00:00Z plus each hour, displayed in Berlin (UTC+1 in winter).
    let micros = hours.iter().map(|h| (1_735_689_600 + h * 3600) * 1_000_000);
    let times: ArrayRef = Arc::new(
        TimestampMicrosecondArray::from_iter_values(micros).with_timezone("Europe/Berlin"),
    );
    let scores = [0.7_f32, 0.2, 0.7, 0.9, 0.1, 0.7, 0.65, 0.3];
    let flags = [true, false, false, true, true, true, false, false];
    let labels = [1_i64, 0, 1, 1, 0, 1, 0, 0];
    let groups = ["a", "b", "a", "b", "a", "b", "a", "b"];
    let batch = RecordBatch::try_from_iter([
        ("ts", times),
        ("y", Arc::new(Int64Array::from(labels.to_vec())) as ArrayRef),
        ("s", Arc::new(Float32Array::from(scores.to_vec())) as ArrayRef),
        ("g", Arc::new(arrow_array::StringArray::from(groups.to_vec())) as ArrayRef),
        ("flag", Arc::new(BooleanArray::from(flags.to_vec())) as ArrayRef),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    let parquet = dir.join("log.parquet");
    let file = std::fs::File::create(&parquet).unwrap_or_else(|e| panic!("{e}"));
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None)
        .unwrap_or_else(|e| panic!("{e}"));
    writer.write(&batch).unwrap_or_else(|e| panic!("{e}"));
    writer.close().unwrap_or_else(|e| panic!("{e}"));
    let mut csv = String::from("ts,y,s,g,flag\n");
    for i in 0..hours.len() {
        // pandas' to_csv of a Europe/Berlin column: local times with their offset.
        let local = hours[i] + 1;
        let time = format!("2025-01-{:02} {:02}:00:00+01:00", 1 + local / 24, local % 24);
        let flag = if flags[i] { "True" } else { "False" };
        csv.push_str(&format!("{time},{},{},{},{flag}\n", labels[i], scores[i], groups[i]));
    }
    let csv_path = dir.join("log.csv");
    std::fs::write(&csv_path, csv).unwrap_or_else(|e| panic!("{e}"));
    let args = [
        "monitor",
        "--time",
        "ts",
        "--window",
        "1d",
        "--label",
        "y",
        "--score",
        "s",
        "--threshold",
        "0.7",
        "--sensitive",
        "g",
        "--drift",
        "flag",
        "--min-group-size",
        "1",
        "--format",
        "json",
    ];
    let run = |path: &Path| {
        let path = path.display().to_string();
        without_source(sextant_json(&[&args[..1], &[path.as_str()], &args[1..]].concat()))
    };
    let expected = run(&csv_path);
    assert_eq!(run(&parquet), expected);
    // The threshold selects the float32 0.7s, as pandas' `s >= 0.7` does.
    let selected = &expected["windows"][0]["attributes"][0]["groups"][0]["selection_rate"];
    assert_eq!(selected.as_f64(), Some(1.0), "{expected}");
    assert_eq!(expected["windows"][0]["drift"]["flag"]["kind"], "categorical");
}

/// Bytes that are not UTF-8 in a binary column are named by row and column, as in a CSV
/// (cast to text, they would have been nulls: missing values).
#[test]
fn binary_columns_read_as_text_and_name_bytes_that_are_not_utf8() {
    use arrow_array::{ArrayRef, BinaryArray, Int64Array, RecordBatch};
    use std::sync::Arc;
    let dir = scratch("columnar-binary");
    let write_groups = |name: &str, groups: Vec<&[u8]>| {
        let batch = RecordBatch::try_from_iter([
            ("y", Arc::new(Int64Array::from(vec![1, 0, 1, 0])) as ArrayRef),
            ("p", Arc::new(Int64Array::from(vec![1, 1, 0, 0])) as ArrayRef),
            ("g", Arc::new(BinaryArray::from(groups)) as ArrayRef),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let path = dir.join(name);
        let file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{e}"));
        let mut writer = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None)
            .unwrap_or_else(|e| panic!("{e}"));
        writer.write(&batch).unwrap_or_else(|e| panic!("{e}"));
        writer.close().unwrap_or_else(|e| panic!("{e}"));
        path.display().to_string()
    };
    let args = ["--label", "y", "--pred", "p", "--sensitive", "g", "--min-group-size", "1"];
    let bad = write_groups("bad.parquet", vec![b"a", b"\xff", b"a", b"\xff"]);
    let out = sextant(&[&["fairness", bad.as_str()][..], &args].concat());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("row 2, column \"g\": not valid UTF-8"), "{stderr}");
    let good = write_groups("good.parquet", vec![b"a", b"b", b"a", b"b"]);
    let csv = dir.join("good.csv");
    std::fs::write(&csv, "y,p,g\n1,1,a\n0,1,b\n1,0,a\n0,0,b\n").unwrap_or_default();
    same_json_as_csv(
        &csv,
        &[PathBuf::from(good)],
        &[&["fairness"][..], &args, &["--format", "json"]].concat(),
    );
}

#[test]
fn a_column_null_in_a_whole_batch_reads_as_its_csv() {
    let dir = scratch("columnar-null-batch-csv");
    let csv = dir.join("data.csv");
    // `g` and `h` are null in the first six rows: whole record batches and a whole Parquet
    // row group of the files below (batches of 2 rows, row groups of 6), whose dictionary
    // then has no values.
    let mut text = String::from("g,h,y,p\n");
    for i in 0..18 {
        let group = if i < 6 { "" } else { ["a", "b"][i % 2] };
        text.push_str(&format!("{group},{group},{},{}\n", i % 2, i / 2 % 2));
    }
    std::fs::write(&csv, text).unwrap_or_default();
    let files = conversions("columnar-null-batch", &csv, 2);
    let flags = ["--label", "y", "--pred", "p", "--sensitive", "g", "--format", "json"];
    for missing in ["group", "drop"] {
        let args = [&["fairness"][..], &flags[..], &["--missing", missing]].concat();
        same_json_as_csv(&csv, &files, &args);
    }
}

/// A file on which the decoder panics (a byte of a Parquet file changed; the first such
/// change found) is a one-line error with exit code 2, as any corrupt file: the panic hook
/// says nothing of a panic that becomes an error.
#[test]
fn a_file_the_decoder_panics_on_is_a_one_line_error() {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let dir = scratch("columnar-decoder-panic");
    let csv = dir.join("data.csv");
    // Only the columns the audit reads: the change found is in one of them (or the footer).
    let mut text = String::from("g,y,p\n");
    for i in 0..60 {
        text.push_str(&format!("{},{},{}\n", ["a", "b", "c"][i % 3], i % 2, i / 2 % 2));
    }
    std::fs::write(&csv, text).unwrap_or_default();
    let parquet = dir.join("data.parquet");
    write_columnar(&csv, &parquet, Columnar::Parquet, false, 20);
    let bytes = std::fs::read(&parquet).unwrap_or_default();
    let panics = |data: Vec<u8>| {
        std::panic::catch_unwind(|| {
            let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(data))
                .and_then(|builder| builder.build());
            // (A few batches: a changed row count may announce billions of null rows.)
            if let Ok(reader) = reader {
                reader.take(4).for_each(drop);
            }
        })
        .is_err()
    };
    // Quiet about the panics of this thread's search only (tests run on several threads).
    let searcher = std::thread::current().id();
    let report = std::sync::Arc::new(std::panic::take_hook());
    let others = report.clone();
    std::panic::set_hook(Box::new(move |panic| {
        if std::thread::current().id() != searcher {
            others(panic);
        }
    }));
    let corrupt = (0..bytes.len()).flat_map(|at| [(at, 0xff), (at, 0)]).find_map(|(at, value)| {
        let mut data = bytes.clone();
        data[at] = value;
        panics(data.clone()).then_some(data)
    });
    drop(std::panic::take_hook());
    std::panic::set_hook(Box::new(move |panic| report(panic)));
    let Some(corrupt) = corrupt else {
        println!("notice: no change of a byte makes this parquet version's decoder panic");
        return;
    };
    let path = dir.join("corrupt.parquet");
    std::fs::write(&path, corrupt).unwrap_or_default();
    let path = path.display().to_string();
    let out = sextant(&["fairness", &path, "--label", "y", "--pred", "p", "--sensitive", "g"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // (Sextant reads strings as dictionaries: its decoder may fail without a panic.)
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot decode this Parquet input"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}

/// A boolean column is not a quantity: as a score, a count or a sample weight it is refused
/// from a typed file as `True`/`False` is from its CSV (it had read as 1 and 0).
#[test]
fn a_boolean_column_is_not_a_score_a_count_or_a_weight_in_any_format() {
    let dir = scratch("columnar-boolean-quantity");
    let csv = dir.join("data.csv");
    let mut text = String::from("g,y,p,b\n");
    for i in 0..12 {
        let flag = if i % 3 == 0 { "True" } else { "False" };
        text.push_str(&format!("{},{},{},{flag}\n", ["a", "b"][i % 2], i % 2, i / 2 % 2));
    }
    std::fs::write(&csv, text).unwrap_or_default();
    let files = conversions("columnar-boolean-quantity-files", &csv, 5);
    let audit = ["--label", "y", "--sensitive", "g"];
    for (flags, says) in [
        (&["--score", "b"][..], "is not a number"),
        (&["--pred", "p", "--count-column", "b"][..], "is not a whole number"),
        (&["--pred", "p", "--sample-weight", "b"][..], "is not a finite number"),
    ] {
        for file in std::iter::once(&csv).chain(&files) {
            let path = file.display().to_string();
            let out = sextant(&[&["fairness", &path][..], &audit[..], flags].concat());
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{path} {flags:?}: {stderr}");
            assert!(stderr.contains(says), "{path} {flags:?}: {stderr}");
        }
    }
}
