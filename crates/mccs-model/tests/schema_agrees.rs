//! The JSON Schema and `mccs validate` agree: a real JSON Schema validator (the `jsonschema`
//! crate, as an editor's language server would) accepts every example, and rejects each
//! plausible mistake that the reader and validation reject, except the mistakes listed in
//! [`VALIDATE_ONLY`], which need the whole document (or arithmetic a pattern cannot do) and are
//! caught by `mccs validate` alone. docs/topology-format.md lists the same cases.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use mccs_model::{Format, ValidateOptions, check, topology_schema};
use serde_json::{Value, json};

fn validator() -> jsonschema::Validator {
    let schema = serde_json::to_value(topology_schema()).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema is a valid JSON Schema")
}

/// The schema's complaints about `doc`.
fn schema_errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}

/// What `mccs validate` reports as errors for `doc`, read as a JSON document.
fn validate_errors(doc: &Value) -> Vec<String> {
    let text = serde_json::to_string_pretty(doc).unwrap();
    check(&text, Format::Json, &ValidateOptions::default())
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect()
}

/// Every example document: the embedded ones and every `examples/*.yaml` of the repository.
fn example_documents() -> Vec<(String, String)> {
    let mut docs: Vec<(String, String)> = mccs_model::examples::ALL
        .iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries {
            let path = e.unwrap().path();
            if path.extension().is_some_and(|x| x == "yaml") {
                let text = std::fs::read_to_string(&path).unwrap();
                docs.push((path.display().to_string(), text));
            }
        }
    }
    docs
}

#[test]
fn a_real_validator_accepts_every_example() {
    let v = validator();
    let docs = example_documents();
    assert!(docs.len() >= 3, "{docs:?}");
    for (name, text) in docs {
        // YAML to JSON through the model's reader, which reports anything it could not read.
        let checked = check(&text, Format::Yaml, &ValidateOptions::default());
        assert!(!checked.has_errors(), "{name}: {:#?}", checked.diagnostics);
        let value = serde_json::to_value(&checked.topology).unwrap();
        let errors = schema_errors(&v, &value);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

/// The reference example as a JSON value, the document the mutations start from.
fn reference() -> Value {
    serde_json::to_value(mccs_model::examples::reference()).unwrap()
}

/// A mutation: the reference with something changed.
type Mutation = fn(&mut Value);

fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent} in the reference"))
    {
        Value::Object(o) => {
            o.insert(key.to_owned(), value);
        }
        Value::Array(a) => a[key.parse::<usize>().unwrap()] = value,
        other => panic!("{other}"),
    }
}

fn remove(doc: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let removed = doc
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .and_then(|o| o.remove(key));
    assert!(removed.is_some(), "no {pointer} in the reference");
}

const PROD_SPACE: &str = "/project_sets/0/environments/prod/address_space";
const ENDPOINT: &str = "/on_prem/zones/0/endpoints/0/address";

/// Mistakes both the schema and `mccs validate` reject.
const BOTH: &[(&str, Mutation)] = &[
    ("CIDR prefix length 33", |d| {
        set(d, PROD_SPACE, json!(["10.46.7.0/33"]));
    }),
    ("CIDR part 256", |d| {
        set(d, PROD_SPACE, json!(["10.46.256.0/24"]));
    }),
    ("CIDR with a leading zero", |d| {
        set(d, PROD_SPACE, json!(["010.46.7.0/24"]));
    }),
    ("CIDR prefix length with a leading zero", |d| {
        set(d, PROD_SPACE, json!(["10.46.7.0/024"]));
    }),
    ("CIDR without a prefix length", |d| {
        set(d, PROD_SPACE, json!(["10.46.7.0"]));
    }),
    ("IPv4 CIDR with three parts", |d| {
        set(d, PROD_SPACE, json!(["10.46.7/24"]));
    }),
    ("IPv6 prefix length 129", |d| {
        set(d, PROD_SPACE, json!(["fd00::/129"]));
    }),
    ("IPv6 with two `::`", |d| {
        set(d, PROD_SPACE, json!(["fd00::1::/64"]));
    }),
    ("zone network prefix length 33", |d| {
        set(d, "/on_prem/zones/0/networks/0", json!("142.34.10.0/33"));
    }),
    ("endpoint address part 256", |d| {
        set(d, ENDPOINT, json!("142.34.10.256"));
    }),
    ("endpoint address written as a CIDR", |d| {
        set(d, ENDPOINT, json!("142.34.10.25/32"));
    }),
    ("host object address", |d| {
        set(d, "/objects/1/address", json!("142.34.10.400"));
    }),
    ("network object prefix length 33", |d| {
        set(d, "/objects/0/address", json!("10.40.12.0/33"));
    }),
    ("rule source prefix length 33", |d| {
        set(d, "/firewalls/0/rules/0/sources/0", json!("10.0.0.0/33"));
    }),
    ("flow destination prefix length 33", |d| {
        set(d, "/flows/0/destination", json!("142.34.10.0/33"));
    }),
    ("range of mixed families", |d| {
        set(
            d,
            "/objects/0",
            json!({"kind": "range", "name": "R", "range": "10.0.0.1-::1"}),
        );
    }),
    ("port 70000", |d| {
        set(d, "/flows/0/services", json!(["tcp/70000"]));
    }),
    ("port with a sign", |d| {
        set(d, "/flows/0/services", json!(["tcp/+443"]));
    }),
    ("port 0", |d| set(d, "/flows/0/services", json!(["tcp/0"]))),
    ("port with a leading zero", |d| {
        set(d, "/flows/0/services", json!(["udp/053"]));
    }),
    ("named service port 65536", |d| {
        set(d, "/services/0/services", json!(["tcp/65536"]));
    }),
    ("icmp with a port", |d| {
        set(d, "/flows/0/services", json!(["icmp/8"]));
    }),
    ("version 2", |d| set(d, "/version", json!(2))),
    ("version as text", |d| set(d, "/version", json!("1"))),
    ("no version", |d| remove(d, "/version")),
    ("empty address space", |d| set(d, PROD_SPACE, json!([]))),
    ("empty zone networks", |d| {
        set(d, "/on_prem/zones/0/networks", json!([]));
    }),
    ("no environments", |d| {
        set(d, "/project_sets/0/environments", json!({}));
    }),
    ("empty rule sources", |d| {
        set(d, "/firewalls/0/rules/0/sources", json!([]));
    }),
    ("empty flow services", |d| {
        set(d, "/flows/0/services", json!([]));
    }),
    ("empty group", |d| {
        set(
            d,
            "/objects/0",
            json!({"kind": "group", "name": "G", "members": []}),
        );
    }),
    ("date 2026-02-30", |d| {
        set(d, "/flows/0/expires", json!("2026-02-30"));
    }),
    ("date 2025-02-29 (not a leap year)", |d| {
        set(d, "/flows/0/expires", json!("2025-02-29"));
    }),
    ("date 2026-04-31", |d| {
        set(d, "/flows/0/expires", json!("2026-04-31"));
    }),
    ("date without leading zeros", |d| {
        set(d, "/flows/0/expires", json!("2026-2-3"));
    }),
    ("date 0000-01-01", |d| {
        set(d, "/flows/0/expires", json!("0000-01-01"));
    }),
    ("unknown key", |d| {
        set(d, "/firewalls/0/colour", json!("red"));
    }),
    ("unknown section", |d| set(d, "/zones", json!([]))),
    ("missing required field", |d| {
        remove(d, "/firewalls/0/owner");
    }),
    ("zone without a firewall", |d| {
        remove(d, "/on_prem/zones/0/firewall");
    }),
    ("license plate", |d| {
        set(d, "/project_sets/0/license_plate", json!("abc1234"));
    }),
    ("ministry case", |d| {
        set(d, "/project_sets/0/ministry", json!("citz"));
    }),
    ("firewall kind", |d| {
        set(d, "/firewalls/0/kind", json!("edgy"));
    }),
    ("rule name with two spaces", |d| {
        set(d, "/firewalls/0/rules/0/name", json!("bad  name"));
    }),
    ("address space not a list", |d| {
        set(d, PROD_SPACE, json!("10.46.8.0/24"));
    }),
];

/// Mistakes only `mccs validate` catches: the schema accepts them. Each needs the whole
/// document (references, uniqueness, overlaps, one field against another) or arithmetic on the
/// values (host bits, order of a range's ends), which JSON Schema cannot express.
const VALIDATE_ONLY: &[(&str, Mutation)] = &[
    // A valid name (names may be digits and dots), so the schema cannot tell it from one.
    ("address-like name that is no address", |d| {
        set(
            d,
            "/firewalls/0/rules/0/destinations/0",
            json!("10.46.8.256"),
        );
    }),
    ("overlapping address spaces", |d| {
        set(d, PROD_SPACE, json!(["10.40.12.0/24"]));
    }),
    ("unknown object in a rule", |d| {
        set(d, "/firewalls/0/rules/0/sources/0", json!("NO_SUCH_OBJECT"));
    }),
    ("unknown firewall", |d| {
        set(d, "/on_prem/zones/0/firewall", json!("no-such-firewall"));
    }),
    ("unknown channel", |d| {
        set(d, "/firewalls/0/channel", json!("no-such-channel"));
    }),
    ("unknown environment in a flow", |d| {
        set(d, "/flows/0/source", json!("abc123-qa"));
    }),
    ("duplicate name", |d| {
        let first = d.pointer("/firewalls/0/name").unwrap().clone();
        set(d, "/firewalls/1/name", first);
    }),
    ("CIDR with host bits", |d| {
        set(d, PROD_SPACE, json!(["10.46.8.1/24"]));
    }),
    ("endpoint outside its zone", |d| {
        set(d, ENDPOINT, json!("10.9.9.9"));
    }),
    ("port range first > last", |d| {
        set(d, "/flows/0/services", json!(["udp/5010-5000"]));
    }),
    ("address range first > last", |d| {
        set(
            d,
            "/objects/0",
            json!({"kind": "range", "name": "R", "range": "10.0.0.9-10.0.0.1"}),
        );
    }),
    ("cloud firewall without a platform", |d| {
        remove(d, "/firewalls/0/platform");
    }),
    ("ministry not in `ministries`", |d| {
        set(d, "/project_sets/0/ministry", json!("AGRI"));
    }),
    ("wrong kind of firewall referenced", |d| {
        set(d, "/on_prem/edge_firewall", json!("zone-b-firewall"));
    }),
];

#[test]
fn the_reference_is_clean_for_both() {
    let v = validator();
    let doc = reference();
    assert_eq!(schema_errors(&v, &doc), Vec::<String>::new());
    assert_eq!(validate_errors(&doc), Vec::<String>::new());
}

#[test]
fn schema_and_validate_reject_the_same_mistakes() {
    let v = validator();
    let mut disagreements = Vec::new();
    for (what, mutate) in BOTH {
        let mut doc = reference();
        mutate(&mut doc);
        let schema = schema_errors(&v, &doc);
        let validate = validate_errors(&doc);
        if schema.is_empty() || validate.is_empty() {
            disagreements.push(format!("{what}: schema {schema:?}, validate {validate:?}"));
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

#[test]
fn only_validate_catches_the_listed_mistakes() {
    let v = validator();
    let mut wrong = Vec::new();
    for (what, mutate) in VALIDATE_ONLY {
        let mut doc = reference();
        mutate(&mut doc);
        let schema = schema_errors(&v, &doc);
        let validate = validate_errors(&doc);
        // If the schema learns to catch one, move it to `BOTH` (and out of the docs' list).
        if !schema.is_empty() || validate.is_empty() {
            wrong.push(format!("{what}: schema {schema:?}, validate {validate:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn the_docs_list_the_validate_only_cases() {
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/topology-format.md");
    let Ok(md) = std::fs::read_to_string(&docs) else {
        return; // built from the published package
    };
    let section = md
        .split("## What only `mccs validate` catches")
        .nth(1)
        .expect("docs/topology-format.md has the section")
        .split("\n## ")
        .next()
        .unwrap();
    for (what, _) in VALIDATE_ONLY {
        assert!(
            section.contains(&format!("- {what}")),
            "docs/topology-format.md does not list `{what}`"
        );
    }
}

/// One mistake, one error, in every element of every example: an element with a required field
/// missing is reported once, and nothing that refers to it (or needs what it provides) is
/// reported on top.
#[test]
fn a_missing_field_anywhere_is_one_error() {
    // For each list: a required field other than the name (without its name an element cannot
    // be told apart from a missing one).
    let lists = [
        ("/channels", "title"),
        ("/firewalls", "owner"),
        ("/project_sets", "platform"),
        ("/on_prem/zones", "networks"),
        ("/external_networks", "attached_to"),
        ("/hybrid_links", "encryption"),
        ("/private_links", "connectivity_account"),
        ("/services", "services"),
        ("/flows", "source"),
    ];
    let mut checked = 0;
    let mut cascades = Vec::new();
    for (name, text) in mccs_model::examples::ALL {
        let doc =
            serde_json::to_value(check(text, Format::Yaml, &ValidateOptions::default()).topology)
                .unwrap();
        for (list, field) in lists {
            let n = doc
                .pointer(list)
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            for i in 0..n {
                let mut broken = doc.clone();
                remove(&mut broken, &format!("{list}/{i}/{field}"));
                let found = validate_errors(&broken);
                checked += 1;
                if found.len() != 1 {
                    cascades.push(format!("{name}: {list}/{i} without `{field}`: {found:#?}"));
                }
            }
        }
        // Objects: an address that is not one.
        let n = doc
            .pointer("/objects")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for i in 0..n {
            let mut broken = doc.clone();
            let o = broken.pointer_mut(&format!("/objects/{i}")).unwrap();
            let field = match o["kind"].as_str().unwrap() {
                "host" | "network" => "address",
                "range" => "range",
                _ => continue,
            };
            o[field] = json!("10.0.0.999");
            let found = validate_errors(&broken);
            checked += 1;
            if found.len() != 1 {
                cascades.push(format!(
                    "{name}: object {i} with a bad `{field}`: {found:#?}"
                ));
            }
        }
    }
    assert!(checked > 40, "only {checked} cases");
    assert!(cascades.is_empty(), "{}", cascades.join("\n"));
}

/// Editors (yaml-language-server, VS Code) match `pattern` with JavaScript regular expressions
/// in Unicode mode: every pattern of the schema compiles there and judges sample texts as the
/// reader does. Runs `node` when it is installed; says so when it is not.
#[test]
fn patterns_work_as_javascript_regexes() {
    let schema = serde_json::to_value(topology_schema()).unwrap();
    let mut patterns = Vec::new();
    collect_patterns(&schema, &mut patterns);
    assert!(patterns.len() > 10, "{patterns:?}");
    let defs = &schema["$defs"];
    let samples = [
        "10.46.7.0/24",
        "10.46.7.0/33",
        "010.46.7.0/24",
        "10.46.7.0/024",
        "10.46.7.0",
        "142.34.10.256",
        "fd00::/64",
        "fd00::/129",
        "::ffff:10.0.0.1",
        "1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7:8:9",
        "fd00::1::5",
        "tcp/443",
        "tcp/70000",
        "tcp/+443",
        "2024-02-29",
        "2026-02-30",
        "OCP_SILVER",
        "any",
    ];
    let mut cases = Vec::new();
    for (def, accepts) in [
        (
            "IpNet",
            &(|s: &str| mccs_model::parse_ip_net(s).is_ok()) as &dyn Fn(&str) -> bool,
        ),
        ("IpAddr", &|s: &str| mccs_model::parse_ip_addr(s).is_ok()),
        ("Service", &|s: &str| {
            s.parse::<mccs_model::Service>().is_ok()
        }),
        ("Date", &|s: &str| s.parse::<mccs_model::Date>().is_ok()),
        ("AddressRef", &|s: &str| {
            s.parse::<mccs_model::AddressRef>().is_ok()
        }),
    ] {
        let pattern = defs[def]["pattern"].as_str().unwrap();
        for s in samples {
            cases.push(json!([pattern, s, accepts(s)]));
        }
    }
    let script = r#"
        const [patterns, cases] = JSON.parse(require('fs').readFileSync(0, 'utf8'));
        for (const p of patterns) new RegExp(p, 'u');
        const wrong = cases.filter(([p, s, ok]) => new RegExp(p, 'u').test(s) !== ok);
        if (wrong.length) { console.log(JSON.stringify(wrong.map(([p, s, ok]) => [s, ok]))); process.exit(1); }
        console.log(`${patterns.length} patterns, ${cases.length} cases`);
    "#;
    let child = std::process::Command::new("node")
        .arg("-e")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("SKIPPED patterns_work_as_javascript_regexes: `node` is not installed");
        return;
    };
    {
        use std::io::Write;
        let input = serde_json::to_vec(&json!([patterns, cases])).unwrap();
        child.stdin.take().unwrap().write_all(&input).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "JavaScript disagrees: {stdout}");
    assert!(stdout.contains("patterns"), "{stdout}");
    eprintln!("node: {stdout}");
}

fn collect_patterns(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, child) in o {
                match (k.as_str(), child) {
                    ("pattern", Value::String(p)) => out.push(p.clone()),
                    ("patternProperties", Value::Object(props)) => {
                        out.extend(props.keys().cloned());
                        props.values().for_each(|c| collect_patterns(c, out));
                    }
                    _ => collect_patterns(child, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|c| collect_patterns(c, out)),
        _ => {}
    }
}
