//! Conventions as data: loading, round-tripping and validating specs.

// Fixtures are known-valid literals; helpers outside `#[test]` may unwrap them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mccs_model::{Environment, Platform};
use mccs_naming::{
    Convention, ConventionError, Conventions, Direction, ParseError, RuleIdentity, Target,
};

fn identity(direction: Direction, sequence: u32) -> RuleIdentity {
    RuleIdentity {
        ministry: "CITZ".parse().unwrap(),
        platform: Platform::AzureAlz,
        license_plate: "abc123".parse().unwrap(),
        environment: Environment::Prod,
        direction,
        sequence,
    }
}

#[test]
fn bundle_round_trips_through_json() {
    let json = serde_json::to_string(&Conventions::default()).unwrap();
    let back: Conventions = serde_json::from_str(&json).unwrap();
    assert_eq!(back, Conventions::default());
}

#[test]
fn minimal_spec_gets_mccs_defaults() {
    let c: Convention = serde_json::from_str(
        r#"{ "target": "rule",
             "template": "MCCS_{ministry}_{platform}_LIVE_{plate}_{env}_{direction?}_{sequence?}" }"#,
    )
    .unwrap();
    assert_eq!(c.spec().limits.max_len, 63);
    assert_eq!(
        c.format_rule(&identity(Direction::Inbound, 2)).unwrap(),
        "MCCS_CITZ_ALZ_LIVE_abc123_prod_IN_02"
    );
}

#[test]
fn documented_fortios_convention() {
    let c: Convention = serde_json::from_str(
        r#"{
  "target": "rule",
  "template": "M_{ministry}_{platform}_{plate}_{env}_{direction?}_{sequence?}",
  "limits": { "max_len": 35, "extra_chars": "_-." }
}"#,
    )
    .unwrap();
    let name = c.format_rule(&identity(Direction::Inbound, 2)).unwrap();
    assert_eq!(name, "M_CITZ_ALZ_abc123_prod_IN_02");
    assert_eq!(name.len(), 28);
    assert_eq!(
        c.parse_rule(&name).unwrap(),
        identity(Direction::Inbound, 2)
    );
}

#[test]
fn custom_tokens_and_required_parts() {
    let c: Convention = serde_json::from_str(
        r#"{
  "target": "rule",
  "template": "fw-{platform}-{ministry}-{plate}-{env}-{direction}-{sequence}",
  "separator": "-",
  "limits": { "max_len": 80, "extra_chars": "-" },
  "direction_tokens": { "outbound": "OUT", "inbound": "IN" },
  "platform_tokens": { "aws_lza": "AWS", "azure_alz": "AZURE" },
  "sequence_width": 3
}"#,
    )
    .unwrap();
    let name = c.format_rule(&identity(Direction::Outbound, 1)).unwrap();
    assert_eq!(name, "fw-AZURE-CITZ-abc123-prod-OUT-001");
    assert_eq!(
        c.parse_rule(&name).unwrap(),
        identity(Direction::Outbound, 1)
    );
    // An environment with `-` splits into two parts here and cannot be read back; the
    // convention says so instead of writing an ambiguous name.
    let custom = RuleIdentity {
        environment: "my-env".parse().unwrap(),
        ..identity(Direction::Outbound, 1)
    };
    assert!(c.format_rule(&custom).is_err());
    assert!(matches!(
        c.parse_rule("fw-AZURE-CITZ-abc123-prod-OUT-01"),
        Err(ParseError::Sequence { .. })
    ));
}

#[test]
fn bad_specs_are_rejected_on_load() {
    let err = serde_json::from_str::<Convention>(
        r#"{ "target": "rule", "template": "MCCS_{ministry}_{platform}_{plate}_{env}" }"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("{direction}"), "{err}");

    let err = serde_json::from_str::<Convention>(
        r#"{ "target": "object", "template": "X_{ministry}_{platform}_{plate}_{env}_{kind}", "colour": 1 }"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("colour"), "{err}");

    let rule_json = serde_json::to_value(Convention::mccs_rule()).unwrap();
    let swapped = serde_json::json!({ "rule": &rule_json, "object": &rule_json });
    let err = serde_json::from_value::<Conventions>(swapped).unwrap_err();
    assert!(err.to_string().contains("object"), "{err}");
    assert!(matches!(
        Conventions::new(Convention::mccs_rule(), Convention::mccs_rule()),
        Err(ConventionError::BundleTarget {
            slot: Target::Object,
            found: Target::Rule
        })
    ));
}

#[test]
fn json_schema_describes_the_spec() {
    let schema = serde_json::to_value(schemars::schema_for!(Conventions)).unwrap();
    let text = schema.to_string();
    for field in [
        "template",
        "max_len",
        "extra_chars",
        "direction_tokens",
        "sequence_width",
    ] {
        assert!(text.contains(field), "schema lacks {field}: {text}");
    }
}

#[test]
fn huge_limits_stay_fast() {
    for base in [Convention::mccs_rule(), Convention::mccs_object()] {
        let mut spec = base.spec().clone();
        spec.limits.max_len = 1_000_000;
        let c = Convention::from_spec(spec).unwrap();
        let start = std::time::Instant::now();
        for name in [
            "A_".repeat(200_000),
            format!("MCCS_CITZ_ALZ_abc123_prod_HOST_{}", "x_".repeat(100_000)),
            "_".repeat(300_000),
        ] {
            let _ = c.parse(&name);
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }
}
