//! Writing a value as a block-style YAML 1.2 document that [`crate::load`] reads back to the same
//! value: the inverse of the YAML reader, for tools that generate topology documents.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Map, Value};
use thiserror::Error;

/// A value that cannot be written as YAML: its `Serialize` implementation failed, or it has a
/// map whose keys are not strings.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("cannot write the value as YAML: {reason}")]
pub struct YamlError {
    reason: String,
}

impl YamlError {
    /// What the serializer reported.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// The longest sequence of scalars written on one line in flow style, `[a, b]`.
const FLOW_WIDTH: usize = 72;
/// The longest implicit key YAML allows is 1024 characters; longer keys are written `? key`.
const MAX_IMPLICIT_KEY: usize = 1000;

/// Writes `value` as a block-style YAML 1.2 document.
///
/// The value goes through [`serde_json::Value`] with `serde_json`'s `preserve_order` feature, so
/// mapping keys keep their order: struct fields in declaration order (`version` first for a
/// topology), maps in their own order. The output is deterministic.
///
/// Mappings are written `key: value` and sequences `- item`; short sequences of scalars are
/// written on one line (`[a, b]`) and empty collections as `{}` and `[]`. Any string that a YAML
/// reader would take for something else (a number, a boolean, null, a comment, an indicator, text
/// with leading or trailing spaces, line breaks or control characters) is double-quoted, with
/// escapes, so reading the document back gives the same value.
///
/// ```
/// use mccs_model::{load, to_yaml, Format};
///
/// let t = mccs_model::examples::cross_cloud();
/// let text = to_yaml(&t)?;
/// assert!(text.contains("connectivity_account: \"444444444444\"\n"));
/// assert!(text.contains("endpoint_ips: [10.250.0.20, 10.250.0.21]\n"));
///
/// let back = load(&text, Format::Yaml);
/// assert!(back.diagnostics.is_empty());
/// assert_eq!(back.topology, t);
///
/// assert_eq!(to_yaml(&serde_json::json!({"a": ["x", "true", ""], "b": {}}))?,
///            "a: [x, \"true\", \"\"]\nb: {}\n");
/// # Ok::<(), mccs_model::YamlError>(())
/// ```
///
/// # Errors
///
/// [`YamlError`] when the value's `Serialize` implementation fails or produces a map with
/// non-string keys (as [`serde_json::to_value`] does).
pub fn to_yaml<T: Serialize + ?Sized>(value: &T) -> Result<String, YamlError> {
    let value = serde_json::to_value(value).map_err(|e| YamlError {
        reason: e.to_string(),
    })?;
    let mut out = String::new();
    match &value {
        Value::Object(m) if !m.is_empty() => mapping(&mut out, m, 0),
        Value::Array(a) if !a.is_empty() => sequence(&mut out, a, 0),
        other => {
            out.push_str(&inline(other, false));
            out.push('\n');
        }
    }
    Ok(out)
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Whether the value is written on the line of its key or dash.
fn is_inline(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty() || flow_sequence(a).is_some(),
        _ => true,
    }
}

/// A scalar, an empty collection or a short sequence of scalars, on one line.
fn inline(v: &Value, in_flow: bool) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s, in_flow),
        Value::Array(a) if a.is_empty() => "[]".to_owned(),
        Value::Object(m) if m.is_empty() => "{}".to_owned(),
        Value::Array(a) => flow_sequence(a).unwrap_or_default(),
        // Not reached: non-empty mappings are written in block style.
        Value::Object(_) => String::new(),
    }
}

/// `[a, b, c]` when every item is a scalar and the line stays short.
fn flow_sequence(items: &[Value]) -> Option<String> {
    if items
        .iter()
        .any(|v| matches!(v, Value::Array(_) | Value::Object(_)))
    {
        return None;
    }
    let parts: Vec<String> = items.iter().map(|v| inline(v, true)).collect();
    let text = format!("[{}]", parts.join(", "));
    (text.chars().count() <= FLOW_WIDTH).then_some(text)
}

fn mapping(out: &mut String, m: &Map<String, Value>, n: usize) {
    for (k, v) in m {
        indent(out, n);
        let key = string(k, false);
        let explicit = key.chars().count() > MAX_IMPLICIT_KEY;
        if explicit {
            // `? key` on its own line, then `: value`.
            out.push_str("? ");
            out.push_str(&key);
            out.push('\n');
            indent(out, n);
        } else {
            out.push_str(&key);
        }
        if is_inline(v) {
            out.push_str(": ");
            out.push_str(&inline(v, false));
            out.push('\n');
        } else {
            out.push_str(":\n");
            block(out, v, n + 2);
        }
    }
}

fn sequence(out: &mut String, items: &[Value], n: usize) {
    for v in items {
        indent(out, n);
        if is_inline(v) {
            out.push_str("- ");
            out.push_str(&inline(v, false));
            out.push('\n');
        } else {
            // The nested collection starts on the dash's line: write it indented by two, then
            // turn its first indentation into the dash.
            let mut nested = String::new();
            block(&mut nested, v, n + 2);
            out.push_str("- ");
            out.push_str(nested.get(n + 2..).unwrap_or_default());
        }
    }
}

fn block(out: &mut String, v: &Value, n: usize) {
    match v {
        Value::Object(m) => mapping(out, m, n),
        Value::Array(a) => sequence(out, a, n),
        other => {
            indent(out, n);
            out.push_str(&inline(other, false));
            out.push('\n');
        }
    }
}

/// A string as a plain scalar when that reads back as the same string, else double-quoted.
fn string(s: &str, in_flow: bool) -> String {
    if needs_quotes(s, in_flow) {
        double_quoted(s)
    } else {
        s.to_owned()
    }
}

fn needs_quotes(s: &str, in_flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return true;
    };
    let last = s.chars().next_back().unwrap_or(first);
    if looks_like_other_scalar(s) {
        return true;
    }
    if matches!(
        first,
        '-' | '?'
            | ':'
            | ','
            | '['
            | ']'
            | '{'
            | '}'
            | '#'
            | '&'
            | '*'
            | '!'
            | '|'
            | '>'
            | '\''
            | '"'
            | '%'
            | '@'
            | '`'
    ) {
        return true;
    }
    if first == ' ' || last == ' ' || last == ':' || s.starts_with("...") {
        return true;
    }
    if s.contains(": ") || s.contains(" #") {
        return true;
    }
    // In a flow collection a plain scalar ending in ` -` is read as the start of another
    // scalar at the `,` or `]` that follows (saphyr: "plain scalar cannot start with '-'").
    if in_flow && (s.contains([',', '[', ']', '{', '}', ':', '#']) || s.ends_with(" -")) {
        return true;
    }
    s.chars().any(needs_escape)
}

/// Text a YAML reader (1.2 core schema, or 1.1 for other tools' sake) would resolve to null, a
/// boolean or a number.
fn looks_like_other_scalar(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "~" | "null"
            | "true"
            | "false"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "y"
            | "n"
            | ".inf"
            | "+.inf"
            | "-.inf"
            | ".nan"
    ) {
        return true;
    }
    // Integers, decimals, exponents, `inf` and `nan` in every spelling Rust accepts: a superset
    // of what the reader resolves to a number.
    if s.parse::<f64>().is_ok() {
        return true;
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    // YAML 1.2 hexadecimal and octal (`0x1F`, `0o17`) and YAML 1.1 binary.
    if ["0x", "0o", "0b"]
        .iter()
        .any(|p| lower.trim_start_matches(['-', '+']).starts_with(p))
    {
        return true;
    }
    // YAML 1.1 integers and floats with `_` separators or base 60 (`1_000`, `1:30`).
    unsigned.starts_with(|c: char| c.is_ascii_digit())
        && unsigned.contains(['_', ':'])
        && unsigned
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '_' | ':' | '.'))
}

/// Characters written as escapes inside double quotes: line breaks, tabs, controls, and
/// characters outside YAML's printable set or easily mangled (byte order mark, line and paragraph
/// separators).
fn needs_escape(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if needs_escape(c) => {
                let code = u32::from(c);
                if code <= 0xff {
                    let _ = write!(out, "\\x{code:02X}");
                } else {
                    let _ = write!(out, "\\u{code:04X}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::load::yaml_to_value;

    fn read_back(text: &str) -> Value {
        match yaml_to_value(text) {
            Ok((v, _)) => v,
            Err(d) => panic!("{d}\n--- text ---\n{text}"),
        }
    }

    #[test]
    fn block_style_with_flow_scalar_lists() {
        let v = json!({
            "name": "zone-b",
            "networks": ["142.34.10.0/24", "142.34.11.0/24"],
            "endpoints": [
                {"name": "db", "address": "142.34.10.25"},
                {"name": "api", "tags": [], "meta": {}}
            ],
            "nested": [[1, 2], [[{"a": null}]]],
            "empty_list": [],
            "empty_map": {}
        });
        let text = to_yaml(&v).unwrap();
        // Keys keep their order (struct fields in declaration order).
        assert_eq!(
            text,
            "name: zone-b\n\
             networks: [142.34.10.0/24, 142.34.11.0/24]\n\
             endpoints:\n  \
               - name: db\n    \
                 address: 142.34.10.25\n  \
               - name: api\n    \
                 tags: []\n    \
                 meta: {}\n\
             nested:\n  \
               - [1, 2]\n  \
               - - - a: null\n\
             empty_list: []\n\
             empty_map: {}\n"
        );
        assert_eq!(read_back(&text), v);
    }

    #[test]
    fn scalars_at_the_top() {
        assert_eq!(to_yaml(&json!(null)).unwrap(), "null\n");
        assert_eq!(to_yaml(&json!({})).unwrap(), "{}\n");
        assert_eq!(to_yaml(&json!([])).unwrap(), "[]\n");
        assert_eq!(to_yaml(&json!("...")).unwrap(), "\"...\"\n");
        assert_eq!(to_yaml(&json!("---")).unwrap(), "\"---\"\n");
        assert_eq!(to_yaml(&json!(-1.5)).unwrap(), "-1.5\n");
        assert_eq!(to_yaml(&json!(u64::MAX)).unwrap(), "18446744073709551615\n");
        for v in [
            json!(null),
            json!("..."),
            json!("---"),
            json!(-1.5),
            json!(u64::MAX),
            json!(i64::MIN),
            json!(1e300),
        ] {
            assert_eq!(read_back(&to_yaml(&v).unwrap()), v);
        }
    }

    #[test]
    fn long_sequences_are_block_style() {
        let items: Vec<String> = (0..20).map(|i| format!("10.0.{i}.0/24")).collect();
        let text = to_yaml(&json!({ "a": items })).unwrap();
        assert!(
            text.starts_with("a:\n  - 10.0.0.0/24\n  - 10.0.1.0/24\n"),
            "{text}"
        );
        assert_eq!(read_back(&text)["a"].as_array().map(Vec::len), Some(20));
    }

    #[test]
    fn quotes_what_would_read_back_as_something_else() {
        let cases = [
            ("", "\"\""),
            ("1521", "\"1521\""),
            ("111111111101", "\"111111111101\""),
            ("-7", "\"-7\""),
            ("1.5", "\"1.5\""),
            ("1e3", "\"1e3\""),
            (".5", "\".5\""),
            ("inf", "\"inf\""),
            ("NaN", "\"NaN\""),
            (".inf", "\".inf\""),
            ("0x1F", "\"0x1F\""),
            ("1_000", "\"1_000\""),
            ("1:30", "\"1:30\""),
            ("true", "\"true\""),
            ("False", "\"False\""),
            ("yes", "\"yes\""),
            ("off", "\"off\""),
            ("null", "\"null\""),
            ("NULL", "\"NULL\""),
            ("~", "\"~\""),
            (" lead", "\" lead\""),
            ("trail ", "\"trail \""),
            ("a: b", "\"a: b\""),
            ("key:", "\"key:\""),
            ("a #b", "\"a #b\""),
            ("#c", "\"#c\""),
            ("- x", "\"- x\""),
            ("-x", "\"-x\""),
            ("[x]", "\"[x]\""),
            ("{x}", "\"{x}\""),
            ("&a", "\"&a\""),
            ("*a", "\"*a\""),
            ("!tag", "\"!tag\""),
            ("|", "\"|\""),
            (">", "\">\""),
            ("'q'", "\"'q'\""),
            ("\"q\"", "\"\\\"q\\\"\""),
            ("%x", "\"%x\""),
            ("@x", "\"@x\""),
            ("`x`", "\"`x`\""),
            ("?x", "\"?x\""),
            (":x", "\":x\""),
            ("::1", "\"::1\""),
            ("two\nlines", "\"two\\nlines\""),
            ("tab\there", "\"tab\\there\""),
            ("cr\r", "\"cr\\r\""),
            ("nul\0", "\"nul\\0\""),
            ("bell\u{7}", "\"bell\\x07\""),
            ("del\u{7f}", "\"del\\x7F\""),
            ("nel\u{85}", "\"nel\\x85\""),
            ("ls\u{2028}", "\"ls\\u2028\""),
            ("bom\u{feff}", "\"bom\\uFEFF\""),
            ("back\\slash", "back\\slash"),
        ];
        for (s, want) in cases {
            let text = to_yaml(&json!({ "k": s })).unwrap();
            assert_eq!(text, format!("k: {want}\n"), "{s:?}");
            assert_eq!(read_back(&text)["k"], json!(s), "{s:?}");
        }
    }

    #[test]
    fn leaves_ordinary_text_plain() {
        for s in [
            "abc123",
            "10.46.8.0/24",
            "142.34.10.25",
            "fe80::/64",
            "2030-03-31",
            "tcp/1521",
            "MCCS_CITZ_ALZ_LIVE_abc123_prod",
            "Citizens' Services digital forms",
            "https://citz-do.atlassian.net/servicedesk/customer/portal/3",
            "a-b",
            "x:y",
            "issue#4",
            "café",
            "0f3c8a52-6c1e-4d1b-9a7e-0c6a2b9d0d01",
        ] {
            let text = to_yaml(&json!({ "k": s })).unwrap();
            assert_eq!(text, format!("k: {s}\n"));
            assert_eq!(read_back(&text)["k"], json!(s), "{s:?}");
        }
    }

    #[test]
    fn flow_items_quote_flow_indicators() {
        let v = json!({"k": ["a,b", "c]", "x:y", "fe80::/64", "p#q", "{", "( -", "a -b", "plain"]});
        let text = to_yaml(&v).unwrap();
        assert_eq!(
            text,
            "k: [\"a,b\", \"c]\", \"x:y\", \"fe80::/64\", \"p#q\", \"{\", \"( -\", a -b, plain]\n"
        );
        assert_eq!(read_back(&text), v);
    }

    #[test]
    fn awkward_keys() {
        let long = "k".repeat(1500);
        let v = json!({
            "": 1,
            "1": "one",
            "a: b": [],
            "true": {"x": 1},
            "multi\nline": null,
            long.clone(): {"deep": [1]}
        });
        let text = to_yaml(&v).unwrap();
        assert!(text.contains("\"\": 1\n"), "{text}");
        assert!(text.contains("\"1\": one\n"), "{text}");
        assert!(
            text.contains(&format!("? {long}\n:\n  deep: [1]\n")),
            "{text}"
        );
        assert_eq!(read_back(&text), v);
    }

    #[test]
    fn non_string_keys_are_an_error() {
        let mut m = std::collections::BTreeMap::new();
        m.insert(vec![1u8], 2);
        let e = to_yaml(&m).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("cannot write the value as YAML: "),
            "{e}"
        );
    }

    /// Text YAML treats specially, alone or at the start, middle or end of a string.
    const SPECIAL: &[&str] = &[
        "-", "- ", ": ", ":", "#", " #", "?", "[", "]", "{", "}", ",", "&", "*", "!", "|", ">",
        "'", "\"", "%", "@", "`", "\\", "\n", "\r\n", "\t", " ", "\u{0}", "\u{85}", "\u{2028}",
        "\u{feff}", "~", "null", "true", "False", "yes", "1", "-1", "0.5", "1e9", ".inf", "0x10",
        "...", "---", "",
    ];

    /// Strings with every kind of character YAML treats specially.
    fn hostile_string() -> impl Strategy<Value = String> {
        let special = || prop::sample::select(SPECIAL).prop_map(str::to_owned);
        let piece = prop_oneof![
            4 => special(),
            2 => "[a-z0-9]{1,3}",
            1 => "[ -~]{1,4}",
            1 => "\\PC{1,3}",
            1 => any::<char>().prop_map(String::from),
        ];
        prop_oneof![
            1 => special(),
            2 => prop::collection::vec(piece, 1..4).prop_map(|v| v.concat()),
        ]
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            hostile_string().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(hostile_string(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn any_value_reads_back_the_same(v in json_value()) {
            let text = to_yaml(&v).unwrap();
            let back = yaml_to_value(&text).map(|(v, _)| v);
            prop_assert_eq!(back.as_ref().ok(), Some(&v), "{:?}\n{}", back.as_ref().err().map(ToString::to_string), text);
        }

        #[test]
        fn any_string_reads_back_the_same(s in hostile_string()) {
            for v in [json!(s), json!({ "k": s }), json!({ s.clone(): [s.clone(), s] }), json!([[s]])] {
                let text = to_yaml(&v).unwrap();
                let back = yaml_to_value(&text).map(|(v, _)| v);
                prop_assert_eq!(back.as_ref().ok(), Some(&v), "{:?}\n{}", back.as_ref().err().map(ToString::to_string), text);
            }
        }
    }
}
