//! The committed JSON Schema (`schema/topology.schema.json`, linked from
//! `docs/schema/topology.schema.json`) is the one the crate generates, and the examples conform to it.
//!
//! After a change to the model, regenerate the file with
//! `UPDATE_EXPECT=1 cargo test -p mccs-model --test schema`.
//!
//! This file has a small JSON Schema checker of its own: it understands exactly the keywords the
//! generated schema uses (and fails on any other, so a change in the generator cannot make the
//! check silently weaker), including `pattern` through a matcher for the regular-expression
//! subset the schema's patterns are written in, which lets the tests below hold each pattern
//! against its parser. `schema_agrees.rs` runs a real validator (the `jsonschema` crate).

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::LazyLock;

use mccs_model::{
    EnvRef, Environment, Format, LicensePlate, Ministry, Name, Service, load, topology_schema,
};
use proptest::prelude::*;
use serde_json::{Value, json};

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schema/topology.schema.json")
}

fn generated() -> String {
    let mut text = serde_json::to_string_pretty(&topology_schema()).unwrap();
    text.push('\n');
    text
}

#[test]
fn schema_file_is_up_to_date() {
    let path = schema_path();
    let want = generated();
    if std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == want,
        "{} is out of date: run `UPDATE_EXPECT=1 cargo test -p mccs-model --test schema` and commit it",
        path.display()
    );
}

#[test]
fn docs_schema_is_the_crate_schema() {
    // `docs/schema/topology.schema.json` links to the crate's file; when the crate is built from
    // its published package the repository's `docs/` is absent and this test is moot.
    let docs =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema/topology.schema.json");
    if !docs.parent().is_some_and(|d| d.exists()) {
        return;
    }
    let in_docs = std::fs::read_to_string(&docs).unwrap();
    assert_eq!(in_docs, std::fs::read_to_string(schema_path()).unwrap());
}

#[test]
fn examples_point_editors_at_the_schema() {
    // A URL, not a path relative to the file: `mccs example > anywhere.yaml` must still find it.
    let header = format!(
        "# yaml-language-server: $schema={}",
        mccs_model::TOPOLOGY_SCHEMA_URL
    );
    for (name, text) in mccs_model::examples::ALL {
        let first = text.lines().next().unwrap_or_default();
        assert_eq!(first, header, "{name}");
    }
}

#[test]
fn the_schema_url_names_this_repository_and_this_file() {
    // https://raw.githubusercontent.com/<owner>/<repo>/v<version>/<path in the repository>
    let repository = env!("CARGO_PKG_REPOSITORY");
    let owner_repo = repository
        .strip_prefix("https://github.com/")
        .expect("a GitHub repository");
    let expected_prefix = format!(
        "https://raw.githubusercontent.com/{owner_repo}/v{}/",
        env!("CARGO_PKG_VERSION")
    );
    let url = mccs_model::TOPOLOGY_SCHEMA_URL;
    let in_repo = url
        .strip_prefix(&expected_prefix)
        .unwrap_or_else(|| panic!("{url} does not start with {expected_prefix}"));
    // The named file is the committed schema itself, a regular file: raw.githubusercontent.com
    // serves a symbolic link (such as docs/schema/topology.schema.json) as its target's path.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    if !root.join("crates").is_dir() {
        // Built from the published package, outside the repository: nothing to compare.
        return;
    }
    let on_disk = root.join(in_repo);
    let meta = std::fs::symlink_metadata(&on_disk)
        .unwrap_or_else(|e| panic!("{}: {e}", on_disk.display()));
    assert!(
        meta.is_file(),
        "{} is not a regular file",
        on_disk.display()
    );
    assert_eq!(std::fs::read_to_string(&on_disk).unwrap(), generated());
}

// ---------------------------------------------------------------------------------------------
// Examples against the schema

fn schema() -> &'static Value {
    static SCHEMA: LazyLock<Value> =
        LazyLock::new(|| serde_json::to_value(topology_schema()).unwrap());
    &SCHEMA
}

#[test]
fn examples_conform_to_the_schema() {
    let schema = schema();
    for (name, text) in mccs_model::examples::ALL {
        let loaded = load(text, Format::Yaml);
        assert!(loaded.diagnostics.is_empty(), "{name}");
        let value = serde_json::to_value(&loaded.topology).unwrap();
        let errors = conform(schema, &value);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn examples_sections_are_schema_properties() {
    // The sections as written in the documents, not as the model writes them back.
    let schema = schema();
    let properties = schema["properties"].as_object().unwrap();
    for (name, text) in mccs_model::examples::ALL {
        let sections: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(':').map(|(k, _)| k))
            .collect();
        assert!(
            sections.contains(&"version") && sections.contains(&"firewalls"),
            "{name}: {sections:?}"
        );
        for s in sections {
            assert!(
                properties.contains_key(s),
                "{name}: section `{s}` is not in the schema"
            );
        }
    }
}

#[test]
fn schema_rejects_malformed_documents() {
    let schema = schema();
    let reference = serde_json::to_value(mccs_model::examples::reference()).unwrap();
    // The reference with the value at `path` set (replaced, or added to its mapping).
    let broken = |path: &str, value: Value| {
        let mut doc = reference.clone();
        let (parent, key) = path.rsplit_once('/').unwrap();
        match doc
            .pointer_mut(parent)
            .unwrap_or_else(|| panic!("{parent}"))
        {
            Value::Object(o) => {
                o.insert(key.to_owned(), value);
            }
            Value::Array(a) => a[key.parse::<usize>().unwrap()] = value,
            other => panic!("{other}"),
        }
        doc
    };
    let cases = [
        ("unknown section", {
            let mut d = reference.clone();
            d["zones"] = json!([]);
            d
        }),
        ("missing version", {
            let mut d = reference.clone();
            d.as_object_mut().unwrap().remove("version");
            d
        }),
        ("version as text", broken("/version", json!("1"))),
        (
            "license plate",
            broken("/project_sets/0/license_plate", json!("abc1234")),
        ),
        (
            "ministry case",
            broken("/project_sets/0/ministry", json!("citz")),
        ),
        ("environment name", {
            let mut d = reference.clone();
            let envs = d
                .pointer_mut("/project_sets/0/environments")
                .unwrap()
                .as_object_mut()
                .unwrap();
            let prod = envs.remove("prod").unwrap();
            envs.insert("Prod".into(), prod);
            d
        }),
        ("platform", broken("/project_sets/0/platform", json!("gcp"))),
        ("firewall kind", broken("/firewalls/0/kind", json!("edgy"))),
        ("unknown field", broken("/firewalls/0/colour", json!("red"))),
        (
            "address space not a list",
            broken(
                "/project_sets/0/environments/prod/address_space",
                json!("10.0.0.0/24"),
            ),
        ),
        (
            "CIDR",
            broken(
                "/project_sets/0/environments/prod/address_space/0",
                json!("10.0.0.0/33"),
            ),
        ),
        ("service", broken("/services/0/services/0", json!("sctp/1"))),
        ("object kind", broken("/objects/0/kind", json!("hosts"))),
        (
            "object field of another kind",
            broken("/objects/0/members", json!(["x"])),
        ),
        (
            "initiator",
            broken("/flows/0/initiator", json!("cloud-side")),
        ),
        ("flow end", broken("/flows/0/source", json!(42))),
        (
            "rule name",
            broken("/firewalls/0/rules/0/name", json!("bad  name")),
        ),
    ];
    assert!(conform(schema, &reference).is_empty());
    for (what, doc) in cases {
        assert!(
            !conform(schema, &doc).is_empty(),
            "the schema accepts a document with a bad {what}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The text types' patterns agree with their parsers

fn def_pattern(name: &str) -> Regex {
    let schema = schema();
    if name == "Environment" {
        // Environment names are the keys of a Project Set's `environments`.
        let keys = schema["$defs"]["ProjectSet"]["properties"]["environments"]["patternProperties"]
            .as_object()
            .unwrap();
        assert_eq!(keys.len(), 1);
        return Regex::new(keys.keys().next().unwrap());
    }
    let p = schema["$defs"][name]["pattern"]
        .as_str()
        .unwrap_or_else(|| panic!("{name} has no pattern"));
    Regex::new(p)
}

const TRICKY: &[&str] = &[
    "",
    "a",
    "abc123",
    "ABC123",
    "abc12",
    "abc1234",
    "abc-12",
    "abc123-prod",
    "abc123-",
    "abc123-Prod",
    "abc123-my-env",
    "abc123-1env",
    "CITZ",
    "citz",
    "C",
    "C1",
    "1CITZ",
    "CITZABCDEFG",
    "CITZABCDEF",
    "prod",
    "my-env",
    "-env",
    "e-",
    "abcdefghijklmnop",
    "abcdefghijklmnopq",
    "OCP_SILVER",
    "a.b-c_d",
    "_x",
    ".x",
    "bad name",
    "bad  name",
    "bad name ",
    " bad",
    "Allow web 2",
    "é",
    "tcp",
    "tcp/443",
    "udp/5000-5010",
    "icmp",
    "any",
    "tcp/0",
    "icmp/8",
    "tcp/",
    "abc123-prod-",
];

fn assert_agrees(def: &str, parses: impl Fn(&str) -> bool, sample: &[&str]) {
    let re = def_pattern(def);
    let max = schema()["$defs"][def]["maxLength"].as_u64();
    for s in sample {
        assert_eq!(
            re.is_match(s) && max.is_none_or(|m| s.chars().count() as u64 <= m),
            parses(s),
            "{def}: pattern and parser disagree on {s:?}"
        );
    }
}

#[test]
fn text_patterns_match_the_parsers() {
    assert_agrees(
        "LicensePlate",
        |s| s.parse::<LicensePlate>().is_ok(),
        TRICKY,
    );
    assert_agrees("Ministry", |s| s.parse::<Ministry>().is_ok(), TRICKY);
    assert_agrees("Environment", |s| s.parse::<Environment>().is_ok(), TRICKY);
    assert_agrees("Name", |s| s.parse::<Name>().is_ok(), TRICKY);
    assert_agrees("EnvRef", |s| s.parse::<EnvRef>().is_ok(), TRICKY);
    let long = "n".repeat(128);
    let too_long = "n".repeat(129);
    assert_agrees("Name", |s| s.parse::<Name>().is_ok(), &[&long, &too_long]);
    // Ports too: 1 to 65535, without sign or leading zero.
    let ports = [
        "tcp/1",
        "tcp/65535",
        "tcp/65536",
        "tcp/99999",
        "tcp/0",
        "tcp/01",
        "tcp/+443",
        "udp/1024-65535",
        "udp/1024-",
        "udp/5-4",
    ];
    let service = def_pattern("Service");
    for s in TRICKY.iter().chain(&ports) {
        if *s == "udp/5-4" {
            // first > last: only the reader knows (a documented reader-only case).
            assert!(service.is_match(s) && s.parse::<Service>().is_err());
            continue;
        }
        assert_eq!(service.is_match(s), s.parse::<Service>().is_ok(), "{s}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn identity_patterns_match_the_parsers(s in "[a-zA-Z0-9_.-]{0,20}") {
        prop_assert_eq!(def_pattern("LicensePlate").is_match(&s), s.parse::<LicensePlate>().is_ok());
        prop_assert_eq!(def_pattern("Ministry").is_match(&s), s.parse::<Ministry>().is_ok());
        prop_assert_eq!(def_pattern("Environment").is_match(&s), s.parse::<Environment>().is_ok());
        prop_assert_eq!(def_pattern("Name").is_match(&s), s.parse::<Name>().is_ok());
        prop_assert_eq!(def_pattern("EnvRef").is_match(&s), s.parse::<EnvRef>().is_ok());
    }

    #[test]
    fn ip_patterns_accept_exactly_what_the_reader_reads(
        s in "[0-9a-fA-F:./]{0,24}|([0-9]{1,4}\\.){0,4}[0-9]{0,4}(/[0-9]{0,4})?|([0-9a-f]{0,5}:){0,9}[0-9a-f]{0,5}(/[0-9]{1,3})?|::(ffff:)?[0-9]{1,3}(\\.[0-9]{1,3}){3}(/[0-9]{1,3})?"
    ) {
        let net_ok = mccs_model::parse_ip_net(&s).is_ok();
        let addr_ok = mccs_model::parse_ip_addr(&s).is_ok();
        let schema = schema();
        prop_assert_eq!(conform_in(schema, "IpNet", &json!(s)).is_empty(), net_ok, "IpNet {}", s);
        prop_assert_eq!(conform_in(schema, "IpAddr", &json!(s)).is_empty(), addr_ok, "IpAddr {}", s);
        prop_assert_eq!(
            conform_in(schema, "AddressRef", &json!(s)).is_empty(),
            s.parse::<mccs_model::AddressRef>().is_ok(),
            "AddressRef {}", s
        );
    }

    #[test]
    fn date_pattern_accepts_exactly_the_real_days(y in 0u16..10000, m in 0u8..14, d in 0u8..33) {
        let s = format!("{y:04}-{m:02}-{d:02}");
        prop_assert_eq!(
            conform_in(schema(), "Date", &json!(s)).is_empty(),
            s.parse::<mccs_model::Date>().is_ok(),
            "{}", s
        );
    }

    #[test]
    fn ip_network_patterns_accept_what_ipnet_writes(a in any::<u32>(), l4 in 0u8..=32, b in any::<u128>(), l6 in 0u8..=128) {
        let v4 = ipnet::Ipv4Net::new(a.into(), l4).unwrap().trunc().to_string();
        let v6 = ipnet::Ipv6Net::new(b.into(), l6).unwrap().trunc().to_string();
        let schema = schema();
        prop_assert_eq!(conform_in(schema, "IpNet", &json!(v4)), Vec::<String>::new());
        prop_assert_eq!(conform_in(schema, "IpNet", &json!(v6)), Vec::<String>::new());
    }
}

// ---------------------------------------------------------------------------------------------
// A small JSON Schema checker for the keywords the generated schema uses

/// Keywords that only annotate.
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$defs",
    "title",
    "description",
    "examples",
    "default",
    "format",
    // yaml-language-server's message for a value that does not match `pattern`.
    "patternErrorMessage",
];

/// Every way `value` breaks `schema` (the whole schema document, for `$ref`).
fn conform(root: &Value, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check_node(root, root, value, "", &mut errors);
    errors
}

/// `value` against the definition `def` of the schema.
fn conform_in(root: &Value, def: &str, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check_node(root, &root["$defs"][def], value, "", &mut errors);
    errors
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64(),
        other => panic!("unknown type `{other}`"),
    }
}

fn check_node(root: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(s) = schema.as_object() else {
        match schema {
            Value::Bool(true) => {}
            Value::Bool(false) => errors.push(format!("{at}: not allowed")),
            other => panic!("not a schema: {other}"),
        }
        return;
    };
    for (k, kv) in s {
        match k.as_str() {
            k if ANNOTATIONS.contains(&k) => {}
            "$ref" => {
                let name = kv
                    .as_str()
                    .and_then(|r| r.strip_prefix("#/$defs/"))
                    .expect("a local $ref");
                let target = root["$defs"]
                    .get(name)
                    .unwrap_or_else(|| panic!("dangling $ref {name}"));
                check_node(root, target, v, at, errors);
            }
            "type" => {
                let ok = match kv {
                    Value::String(t) => type_matches(t, v),
                    Value::Array(ts) => ts.iter().any(|t| type_matches(t.as_str().unwrap(), v)),
                    other => panic!("bad type {other}"),
                };
                if !ok {
                    errors.push(format!("{at}: {v} is not of type {kv}"));
                }
            }
            "const" => {
                if v != kv {
                    errors.push(format!("{at}: {v} is not {kv}"));
                }
            }
            "enum" => {
                if !kv.as_array().unwrap().contains(v) {
                    errors.push(format!("{at}: {v} is not one of {kv}"));
                }
            }
            "pattern" => {
                if let Some(text) = v.as_str()
                    && !Regex::new(kv.as_str().unwrap()).is_match(text)
                {
                    errors.push(format!("{at}: {text:?} does not match {kv}"));
                }
            }
            "maxLength" => {
                if let Some(text) = v.as_str()
                    && text.chars().count() as u64 > kv.as_u64().unwrap()
                {
                    errors.push(format!("{at}: {text:?} is longer than {kv}"));
                }
            }
            "minimum" => {
                if let (Some(n), Some(min)) = (v.as_f64(), kv.as_f64())
                    && n < min
                {
                    errors.push(format!("{at}: {n} is below {min}"));
                }
            }
            "minItems" => {
                if let Some(items) = v.as_array()
                    && (items.len() as u64) < kv.as_u64().unwrap()
                {
                    errors.push(format!("{at}: fewer than {kv} items"));
                }
            }
            "minProperties" => {
                if let Some(o) = v.as_object()
                    && (o.len() as u64) < kv.as_u64().unwrap()
                {
                    errors.push(format!("{at}: fewer than {kv} properties"));
                }
            }
            "required" => {
                if let Some(o) = v.as_object() {
                    for r in kv.as_array().unwrap() {
                        if !o.contains_key(r.as_str().unwrap()) {
                            errors.push(format!("{at}: missing {r}"));
                        }
                    }
                }
            }
            "properties" => {
                if let Some(o) = v.as_object() {
                    for (name, sub) in kv.as_object().unwrap() {
                        if let Some(child) = o.get(name) {
                            check_node(root, sub, child, &format!("{at}/{name}"), errors);
                        }
                    }
                }
            }
            "patternProperties" => {
                if let Some(o) = v.as_object() {
                    for (pattern, sub) in kv.as_object().unwrap() {
                        let re = Regex::new(pattern);
                        for (name, child) in o.iter().filter(|(name, _)| re.is_match(name)) {
                            check_node(root, sub, child, &format!("{at}/{name}"), errors);
                        }
                    }
                }
            }
            "additionalProperties" => {
                if let Some(o) = v.as_object() {
                    let named = s.get("properties").and_then(Value::as_object);
                    let patterns: Vec<Regex> = s
                        .get("patternProperties")
                        .and_then(Value::as_object)
                        .map(|p| p.keys().map(|k| Regex::new(k)).collect())
                        .unwrap_or_default();
                    for (name, child) in o {
                        let covered = named.is_some_and(|n| n.contains_key(name))
                            || patterns.iter().any(|re| re.is_match(name));
                        if !covered {
                            check_node(root, kv, child, &format!("{at}/{name}"), errors);
                        }
                    }
                }
            }
            "items" => {
                if let Some(items) = v.as_array() {
                    for (i, item) in items.iter().enumerate() {
                        check_node(root, kv, item, &format!("{at}/{i}"), errors);
                    }
                }
            }
            "oneOf" | "anyOf" | "allOf" => {
                let passing = kv
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|sub| {
                        let mut e = Vec::new();
                        check_node(root, sub, v, at, &mut e);
                        e.is_empty()
                    })
                    .count();
                let total = kv.as_array().unwrap().len();
                let ok = match k.as_str() {
                    "oneOf" => passing == 1,
                    "anyOf" => passing >= 1,
                    _ => passing == total,
                };
                if !ok {
                    errors.push(format!(
                        "{at}: {v} matches {passing} of the {total} schemas of `{k}`"
                    ));
                }
            }
            other => {
                panic!("the schema uses `{other}`, which this check does not understand: teach it")
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Regular expressions: the subset the schema's patterns use (`^...$`, literals, escapes,
// classes with ranges, groups, alternation, `?`, `*`, `+`, `{n}`, `{n,m}`), matched by
// following every possible position at once (no backtracking blow-up).

#[derive(Debug, Clone)]
enum Node {
    Char(char),
    Class(Vec<(char, char)>, bool),
    Group(Vec<Vec<Node>>),
    Repeat(Box<Node>, usize, Option<usize>),
}

#[derive(Debug)]
struct Regex {
    alternatives: Vec<Vec<Node>>,
}

impl Regex {
    fn new(pattern: &str) -> Self {
        let body = pattern
            .strip_prefix('^')
            .and_then(|p| p.strip_suffix('$'))
            .unwrap_or_else(|| panic!("pattern `{pattern}` is not anchored"));
        let chars: Vec<char> = body.chars().collect();
        let mut at = 0;
        let alternatives = parse_alternatives(&chars, &mut at);
        assert_eq!(at, chars.len(), "unsupported pattern `{pattern}`");
        Self { alternatives }
    }

    fn is_match(&self, text: &str) -> bool {
        let s: Vec<char> = text.chars().collect();
        let ends = alternatives_ends(&self.alternatives, &s, &BTreeSet::from([0]));
        ends.contains(&s.len())
    }
}

fn parse_alternatives(p: &[char], at: &mut usize) -> Vec<Vec<Node>> {
    let mut alternatives = vec![Vec::new()];
    while let Some(&c) = p.get(*at) {
        match c {
            ')' => break,
            '|' => {
                *at += 1;
                alternatives.push(Vec::new());
            }
            _ => {
                let atom = parse_atom(p, at);
                let atom = parse_quantifier(p, at, atom);
                alternatives.last_mut().unwrap().push(atom);
            }
        }
    }
    alternatives
}

fn parse_atom(p: &[char], at: &mut usize) -> Node {
    let c = p[*at];
    *at += 1;
    match c {
        '(' => {
            if p.get(*at..*at + 2) == Some(&['?', ':']) {
                *at += 2;
            }
            let inner = parse_alternatives(p, at);
            assert_eq!(p.get(*at), Some(&')'), "unclosed group");
            *at += 1;
            Node::Group(inner)
        }
        '[' => {
            let negated = p.get(*at) == Some(&'^');
            if negated {
                *at += 1;
            }
            let mut ranges = Vec::new();
            loop {
                let mut lo = p[*at];
                *at += 1;
                if lo == ']' {
                    break;
                }
                if lo == '\\' {
                    lo = p[*at];
                    *at += 1;
                }
                if p.get(*at) == Some(&'-') && p.get(*at + 1).is_some_and(|&c| c != ']') {
                    let mut hi = p[*at + 1];
                    *at += 2;
                    if hi == '\\' {
                        hi = p[*at];
                        *at += 1;
                    }
                    ranges.push((lo, hi));
                } else {
                    ranges.push((lo, lo));
                }
            }
            Node::Class(ranges, negated)
        }
        '\\' => {
            let e = p[*at];
            *at += 1;
            assert!(e.is_ascii_punctuation(), "unsupported escape \\{e}");
            Node::Char(e)
        }
        '.' | '^' | '$' | '*' | '+' | '?' | '{' => panic!("unsupported `{c}` in pattern"),
        c => Node::Char(c),
    }
}

fn parse_quantifier(p: &[char], at: &mut usize, atom: Node) -> Node {
    let (min, max) = match p.get(*at) {
        Some('?') => (0, Some(1)),
        Some('*') => (0, None),
        Some('+') => (1, None),
        Some('{') => {
            let close = p[*at..].iter().position(|&c| c == '}').expect("unclosed {") + *at;
            let spec: String = p[*at + 1..close].iter().collect();
            *at = close;
            match spec.split_once(',') {
                Some((a, b)) => (a.parse().unwrap(), Some(b.parse().unwrap())),
                None => (spec.parse().unwrap(), Some(spec.parse().unwrap())),
            }
        }
        _ => return atom,
    };
    *at += 1;
    Node::Repeat(Box::new(atom), min, max)
}

fn alternatives_ends(alts: &[Vec<Node>], s: &[char], starts: &BTreeSet<usize>) -> BTreeSet<usize> {
    alts.iter()
        .flat_map(|seq| sequence_ends(seq, s, starts))
        .collect()
}

fn sequence_ends(seq: &[Node], s: &[char], starts: &BTreeSet<usize>) -> BTreeSet<usize> {
    seq.iter()
        .fold(starts.clone(), |at, node| node_ends(node, s, &at))
}

fn node_ends(node: &Node, s: &[char], starts: &BTreeSet<usize>) -> BTreeSet<usize> {
    match node {
        Node::Char(c) => starts
            .iter()
            .filter(|&&i| s.get(i) == Some(c))
            .map(|i| i + 1)
            .collect(),
        Node::Class(ranges, negated) => starts
            .iter()
            .filter(|&&i| {
                s.get(i)
                    .is_some_and(|c| ranges.iter().any(|(lo, hi)| lo <= c && c <= hi) != *negated)
            })
            .map(|i| i + 1)
            .collect(),
        Node::Group(alts) => alternatives_ends(alts, s, starts),
        Node::Repeat(inner, min, max) => {
            let mut out = if *min == 0 {
                starts.clone()
            } else {
                BTreeSet::new()
            };
            let mut current = starts.clone();
            let mut n = 0;
            while !current.is_empty() && max.is_none_or(|m| n < m) && n <= s.len() {
                current = node_ends(inner, s, &current);
                n += 1;
                if n >= *min {
                    out.extend(current.iter().copied());
                }
            }
            out
        }
    }
}

#[test]
fn date_pattern_knows_leap_years() {
    for (s, ok) in [
        ("2024-02-29", true),
        ("2000-02-29", true),
        ("1900-02-29", false),
        ("2026-02-29", false),
        ("2026-02-30", false),
        ("2026-04-31", false),
        ("2026-12-31", true),
        ("0000-01-01", false),
        ("0004-02-29", true),
        ("0400-02-29", true),
    ] {
        assert_eq!(
            conform_in(schema(), "Date", &json!(s)).is_empty(),
            ok,
            "{s}"
        );
        assert_eq!(s.parse::<mccs_model::Date>().is_ok(), ok, "{s}");
    }
}

#[test]
fn regex_subset_matches_like_a_regex() {
    let r = Regex::new("^(any|icmp|(tcp|udp)(/[0-9]{1,5}(-[0-9]{1,5})?)?)$");
    for s in ["any", "icmp", "tcp", "udp/1", "tcp/443-8443", "tcp/12345"] {
        assert!(r.is_match(s), "{s}");
    }
    for s in [
        "",
        "anyx",
        "tcp/",
        "tcp/123456",
        "tcp/1-",
        "sctp",
        "tcp/1-2-3",
    ] {
        assert!(!r.is_match(s), "{s}");
    }
    let r = Regex::new("^[0-9A-Fa-f:\\.]+\\/(?:[0-9]|[1-9][0-9]|1[0-1][0-9]|12[0-8])$");
    assert!(r.is_match("fd00::/8") && r.is_match("::ffff:1.2.3.4/128"));
    assert!(!r.is_match("fd00::/129") && !r.is_match("/8") && !r.is_match("fd00::/08"));
    let r = Regex::new("^[^a]b*$");
    assert!(r.is_match("xbbb") && r.is_match("x") && !r.is_match("abb") && !r.is_match(""));
}
