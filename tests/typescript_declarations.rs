//! The npm package's TypeScript declarations (wasm/js/index.d.ts) are written by hand: this
//! test holds them to the Rust types they describe, and fails when either side changes
//! alone. It checks every error code, the schema identifiers, the keys of the option objects
//! (camelCase) and the fields of the result documents.

use serde::de::{self, Deserialize, Deserializer, Visitor};
use sextant::{
    AuditConfig, ErrorKind, ExplanationsConfig, FairnessReport, LimeExplanation, ShapExplanation,
    FAIRNESS_SCHEMA, LIME_SCHEMA, SHAP_SCHEMA,
};

fn declarations() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/wasm/js/index.d.ts");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The body of `export interface NAME … { … }` (or of a `type NAME =` up to its `;`).
fn declaration<'a>(text: &'a str, name: &str) -> &'a str {
    for prefix in [
        format!("export interface {name} "),
        format!("export interface {name}<"),
        format!("export type {name} ="),
    ] {
        if let Some(start) = text.find(&prefix) {
            let rest = &text[start..];
            let end = if prefix.contains("type") {
                rest.find(';').unwrap_or(rest.len())
            } else {
                rest.find("\n}").unwrap_or(rest.len())
            };
            return &rest[..end];
        }
    }
    panic!("index.d.ts declares no {name}")
}

/// The field names serde's derive gives a struct (its `FIELDS`), captured by a deserializer
/// that answers nothing else.
fn field_names<'de, T: Deserialize<'de>>() -> Vec<&'static str> {
    struct Capture(Option<&'static [&'static str]>);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> Deserializer<'de> for &mut Capture {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = Some(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut capture = Capture(None);
    let _ = T::deserialize(&mut capture);
    capture.0.unwrap_or_else(|| panic!("not a struct")).to_vec()
}

fn camel_case(name: &str) -> String {
    let mut parts = name.split('_');
    let mut out = parts.next().unwrap_or_default().to_owned();
    for part in parts {
        let mut chars = part.chars();
        out.extend(chars.next().map(|c| c.to_ascii_uppercase()));
        out.push_str(chars.as_str());
    }
    out
}

/// Whether `body` declares the key `key` (`key:` or `key?:`).
fn declares(body: &str, key: &str) -> bool {
    [
        format!(" {key}:"),
        format!(" {key}?:"),
        format!("{{ {key}:"),
        format!("\n  {key}:"),
        format!("\n  {key}?:"),
    ]
    .iter()
    .any(|k| body.contains(k.as_str()))
}

#[test]
fn every_error_code_is_declared() {
    let text = declarations();
    let codes = declaration(&text, "ErrorCode");
    for code in ErrorKind::CODES {
        assert!(codes.contains(&format!("'{code}'")), "ErrorCode lacks '{code}'");
    }
}

#[test]
fn schema_identifiers_are_declared() {
    let text = declarations();
    for (interface, schema) in [
        ("FairnessReport", FAIRNESS_SCHEMA),
        ("ShapExplanation", SHAP_SCHEMA),
        ("LimeExplanation", LIME_SCHEMA),
    ] {
        let body = declaration(&text, interface);
        assert!(body.contains(&format!("'{schema}'")), "{interface} does not name {schema}");
    }
}

#[test]
fn option_keys_are_declared_in_camel_case() {
    let text = declarations();
    let options =
        format!("{}{}", declaration(&text, "FairnessOptions"), declaration(&text, "AuditConfig"));
    // Keys of the CLI's audit files that the JavaScript API takes as separate values or not
    // at all: `data` is declared as CsvData; `outputs` and `exit_zero` write files and set
    // exit codes, which only the CLI does.
    for field in field_names::<AuditConfig>() {
        if matches!(field, "outputs" | "exit_zero" | "exitZero") {
            continue;
        }
        assert!(declares(&options, &camel_case(field)), "AuditConfig lacks {}", camel_case(field));
    }
    let explanations = declaration(&text, "ExplanationsOption");
    for field in field_names::<ExplanationsConfig>() {
        let key = camel_case(field);
        assert!(declares(explanations, &key), "ExplanationsOption lacks {key}");
    }
}

#[test]
fn result_fields_are_declared() {
    let text = declarations();
    for (interface, fields) in [
        ("FairnessReport", field_names::<FairnessReport>()),
        ("ShapExplanation", field_names::<ShapExplanation>()),
        ("LimeExplanation", field_names::<LimeExplanation>()),
    ] {
        let body = declaration(&text, interface);
        for field in fields {
            assert!(declares(body, field), "{interface} lacks {field}");
        }
    }
}
