//! The JSON contract: the committed schema matches the types, and the JSON output validates
//! against it. `UPDATE_EXPECT=1 cargo test -p mccs-request --test schema` regenerates the
//! schema file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use mccs_request::{OutputFormat, RequestSet, Templates, render};
use serde_json::Value;

fn schema_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/requests.schema.json")
}

fn generated() -> String {
    let mut text = serde_json::to_string_pretty(&RequestSet::json_schema()).unwrap();
    text.push('\n');
    text
}

fn sets() -> Vec<(&'static str, RequestSet)> {
    [
        ("reference", mccs_model::examples::reference()),
        ("cross-cloud", mccs_model::examples::cross_cloud()),
        ("lza-data-subnet", mccs_model::examples::lza_data_subnet()),
    ]
    .into_iter()
    .map(|(name, t)| {
        let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
        (name, RequestSet::from_plan(&t, &plan))
    })
    .collect()
}

#[test]
fn committed_schema_matches_the_types() {
    let path = schema_path();
    let fresh = generated();
    if std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is out of date with the RequestSet types: run `UPDATE_EXPECT=1 cargo test -p mccs-request --test schema` and commit the result",
        path.display()
    );
}

#[test]
fn json_output_validates_against_the_committed_schema() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path()).unwrap()).unwrap();
    let validator =
        jsonschema::validator_for(&schema).expect("the committed schema is a valid JSON Schema");
    for (name, set) in sets() {
        let files = render(&set, OutputFormat::Json, &Templates::default()).unwrap();
        let instance: Value = serde_json::from_str(&files[0].contents).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn schema_rejects_what_the_contract_forbids() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path()).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let (_, set) = sets().remove(0);
    let mut bad = serde_json::to_value(&set).unwrap();
    bad["requests"][0]["objects"][0]["status"] = Value::from("maybe");
    assert!(
        !validator.is_valid(&bad),
        "an unknown object status must not validate"
    );
    let mut bad = serde_json::to_value(&set).unwrap();
    bad["requests"][0]["traffic"][0]
        .as_object_mut()
        .unwrap()
        .remove("rule");
    assert!(
        !validator.is_valid(&bad),
        "a traffic row without a rule name must not validate"
    );
}

#[test]
fn json_round_trips() {
    for (name, set) in sets() {
        let files = render(&set, OutputFormat::Json, &Templates::default()).unwrap();
        let back: RequestSet = serde_json::from_str(&files[0].contents).unwrap();
        assert_eq!(back, set, "{name}");
        // A request set read back from JSON renders to the same bytes.
        for format in OutputFormat::ALL {
            assert_eq!(
                render(&back, format, &Templates::default()).unwrap(),
                render(&set, format, &Templates::default()).unwrap(),
                "{name} {format}"
            );
        }
    }
}
