//! Reading wasm/js/index.d.ts against the Rust types it declares: the keys of a TypeScript
//! interface, and the field names serde's derive gives a Rust struct. Shared by
//! tests/typescript_declarations.rs (results, audit options, error codes) and the WASM
//! crate's tests (explainer options).

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// The field names serde's derive gives a struct (its `FIELDS`, aliases included), captured
/// by a deserializer that answers nothing else. `None` for a type that is not read as a
/// plain struct (one with a flattened field is read as a map).
pub fn field_names<'de, T: Deserialize<'de>>() -> Option<Vec<&'static str>> {
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
    capture.0.map(<[&str]>::to_vec)
}

/// The own keys of `interface NAME` in `text` (not those of the interfaces it extends, nor
/// of object types nested in its fields), comments left out.
pub fn interface_keys(text: &str, name: &str) -> Vec<String> {
    let start = [
        format!("\ninterface {name} "),
        format!("interface {name} "),
        format!("interface {name}<"),
    ]
    .iter()
    .find_map(|p| text.find(p.as_str()))
    .unwrap_or_else(|| panic!("index.d.ts declares no interface {name}"));
    let body = &text[start..];
    let open = body.find('{').unwrap_or(0);
    let mut keys = Vec::new();
    let mut depth = 0usize;
    let mut word = String::new();
    let mut previous = ' ';
    let mut chars = body[open..].chars().peekable();
    while let Some(c) = chars.next() {
        let arrow = previous == '=' && c == '>';
        previous = c;
        match c {
            '>' if arrow => word.clear(),
            '/' if chars.peek() == Some(&'*') => {
                let mut last = ' ';
                for d in chars.by_ref() {
                    if last == '*' && d == '/' {
                        break;
                    }
                    last = d;
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '{' | '<' | '(' | '[' => {
                depth += 1;
                word.clear();
            }
            '}' | '>' | ')' | ']' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ':' if depth == 1 && !word.is_empty() => {
                keys.push(word.trim_end_matches('?').to_owned());
                word.clear();
            }
            c if depth == 1 && (c.is_alphanumeric() || c == '_' || c == '?') => word.push(c),
            _ => word.clear(),
        }
    }
    keys
}

/// `num_samples` as `numSamples`.
pub fn camel_case(name: &str) -> String {
    let mut parts = name.split('_');
    let mut out = parts.next().unwrap_or_default().to_owned();
    for part in parts {
        let mut chars = part.chars();
        out.extend(chars.next().map(|c| c.to_ascii_uppercase()));
        out.push_str(chars.as_str());
    }
    out
}

/// Asserts that `interface` declares exactly `fields` (as `key` maps them), naming what
/// either side lacks; `skip` lists Rust fields the interface leaves out on purpose.
pub fn assert_same_keys(
    text: &str,
    interface: &str,
    fields: &[&str],
    key: impl Fn(&str) -> String,
    skip: &[&str],
) {
    let declared = interface_keys(text, interface);
    let expected: Vec<String> =
        fields.iter().filter(|f| !skip.contains(f)).map(|f| key(f)).collect();
    let missing: Vec<&String> = expected.iter().filter(|k| !declared.contains(k)).collect();
    let extra: Vec<&String> = declared.iter().filter(|k| !expected.contains(k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{interface}: index.d.ts lacks {missing:?}; declares {extra:?} that Rust does not have"
    );
}
