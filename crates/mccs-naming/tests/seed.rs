//! The seed's own example, the documented scheme, and malformed names with their specific
//! errors.

// Fixtures are known-valid literals; helpers outside `#[test]` may unwrap them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mccs_model::{Environment, Platform};
use mccs_naming::{
    Convention, Direction, FormatError, ObjectIdentity, ObjectKind, ParseError, ParseOptions,
    ParsedName, RuleIdentity, Target,
};

const SEED: &str = "MCCS_CITZ_ALZ_LIVE_abc123_prod";

fn rules() -> Convention {
    Convention::mccs_rule()
}

fn seed_identity() -> RuleIdentity {
    RuleIdentity {
        ministry: "CITZ".parse().unwrap(),
        platform: Platform::AzureAlz,
        license_plate: "abc123".parse().unwrap(),
        environment: Environment::Prod,
        direction: Direction::Outbound,
        sequence: 1,
    }
}

fn parse_err(name: &str) -> ParseError {
    rules().parse_rule(name).unwrap_err()
}

#[test]
fn seed_example_parses_to_its_parts() {
    let id = rules().parse_rule(SEED).unwrap();
    assert_eq!(id.ministry.as_str(), "CITZ");
    assert_eq!(id.platform, Platform::AzureAlz);
    assert_eq!(id.platform.as_str(), "azure-alz");
    assert_eq!(id.license_plate.as_str(), "abc123");
    assert_eq!(id.environment, Environment::Prod);
    assert_eq!(id.direction, Direction::Outbound);
    assert_eq!(id.sequence, 1);
    assert_eq!(id, seed_identity());
}

#[test]
fn first_outbound_rule_is_the_seed_name_verbatim() {
    assert_eq!(rules().format_rule(&seed_identity()).unwrap(), SEED);
}

#[test]
fn documented_examples_round_trip() {
    let cases = [
        (Direction::Outbound, 1, "MCCS_CITZ_ALZ_LIVE_abc123_prod"),
        (Direction::Outbound, 2, "MCCS_CITZ_ALZ_LIVE_abc123_prod_02"),
        (Direction::Inbound, 1, "MCCS_CITZ_ALZ_LIVE_abc123_prod_IN"),
        (
            Direction::Inbound,
            2,
            "MCCS_CITZ_ALZ_LIVE_abc123_prod_IN_02",
        ),
        (
            Direction::Outbound,
            100,
            "MCCS_CITZ_ALZ_LIVE_abc123_prod_100",
        ),
    ];
    for (direction, sequence, name) in cases {
        let id = RuleIdentity {
            direction,
            sequence,
            ..seed_identity()
        };
        assert_eq!(rules().format_rule(&id).unwrap(), name);
        assert_eq!(rules().parse_rule(name).unwrap(), id);
    }
    let aws = RuleIdentity {
        platform: Platform::AwsLza,
        environment: Environment::Dev,
        ..seed_identity()
    };
    assert_eq!(
        rules().format_rule(&aws).unwrap(),
        "MCCS_CITZ_LZA_LIVE_abc123_dev"
    );
}

#[test]
fn object_names() {
    let objects = Convention::mccs_object();
    let vnet = ObjectIdentity {
        ministry: "CITZ".parse().unwrap(),
        platform: Platform::AzureAlz,
        license_plate: "abc123".parse().unwrap(),
        environment: Environment::Prod,
        kind: ObjectKind::Network,
        label: None,
    };
    assert_eq!(
        objects.format_object(&vnet).unwrap(),
        "MCCS_CITZ_ALZ_abc123_prod_VNET"
    );
    let vpc = ObjectIdentity {
        platform: Platform::AwsLza,
        ..vnet.clone()
    };
    assert_eq!(
        objects.format_object(&vpc).unwrap(),
        "MCCS_CITZ_LZA_abc123_prod_VPC"
    );
    let range = ObjectIdentity {
        kind: ObjectKind::Range,
        label: Some(mccs_naming::cidr_label("10.20.30.0/24").unwrap()),
        ..vnet.clone()
    };
    let name = objects.format_object(&range).unwrap();
    assert_eq!(name, "MCCS_CITZ_ALZ_abc123_prod_NET_10.20.30.0-24");
    assert_eq!(objects.parse_object(&name).unwrap(), range);

    // A VPC token in an Azure name is caught.
    assert!(matches!(
        objects.parse_object("MCCS_CITZ_ALZ_abc123_prod_VPC"),
        Err(ParseError::KindPlatformMismatch { position: 6, .. })
    ));
    // A label too long for 63 characters.
    let long = ObjectIdentity {
        kind: ObjectKind::Host,
        label: Some("A".repeat(40).parse().unwrap()),
        ..vnet
    };
    assert!(matches!(
        objects.format_object(&long),
        Err(FormatError::TooLong { max: 63, .. })
    ));
}

#[test]
fn wrong_order_is_reported_with_a_suggestion() {
    match parse_err("MCCS_ALZ_CITZ_LIVE_abc123_prod") {
        ParseError::WrongOrder {
            position,
            found,
            expected,
            suggestion,
            ..
        } => {
            assert_eq!(position, 2);
            assert_eq!(found, "ALZ");
            assert_eq!(expected, "{ministry}");
            assert_eq!(suggestion, SEED);
        }
        other => panic!("expected WrongOrder, got {other:?}"),
    }
    let e = parse_err("MCCS_CITZ_ALZ_LIVE_prod_abc123");
    assert!(
        matches!(e, ParseError::WrongOrder { position: 5, .. }),
        "{e:?}"
    );
    assert_eq!(e.suggestion(), Some(SEED));

    let e = parse_err("MCCS_CITZ_LIVE_ALZ_abc123_prod");
    assert!(matches!(e, ParseError::WrongOrder { .. }), "{e:?}");
    assert_eq!(e.suggestion(), Some(SEED));

    let e = parse_err("MCCS_CITZ_ALZ_LIVE_abc123_prod_02_IN");
    assert!(
        matches!(e, ParseError::WrongOrder { position: 7, .. }),
        "{e:?}"
    );
    assert_eq!(e.suggestion(), Some("MCCS_CITZ_ALZ_LIVE_abc123_prod_IN_02"));
}

/// A fix is suggested only when the fixed name parses: inserting, removing or moving a part can
/// leave another problem (found by fuzzing: `MCCS_` added to an Azure name with a `VPC` token).
#[test]
fn suggested_fixes_parse() {
    let objects = Convention::mccs_object();
    let e = objects
        .parse_object("CITZ_ALZ_abc123_prod_VPC")
        .unwrap_err();
    assert!(
        matches!(&e, ParseError::MissingPart { missing, suggestion: None, .. } if missing == "MCCS"),
        "{e:?}"
    );
    assert!(!e.to_string().contains("did you mean"), "{e}");
    // The same name with the right kind token still gets its fix.
    let e = objects
        .parse_object("CITZ_ALZ_abc123_prod_VNET")
        .unwrap_err();
    assert_eq!(e.suggestion(), Some("MCCS_CITZ_ALZ_abc123_prod_VNET"));
}

#[test]
fn lowercase_ministry() {
    let e = parse_err("MCCS_citz_ALZ_LIVE_abc123_prod");
    match &e {
        ParseError::Ministry {
            position,
            found,
            hint,
        } => {
            assert_eq!(*position, 2);
            assert_eq!(found, "citz");
            assert!(hint.contains("`CITZ`"), "{hint}");
        }
        other => panic!("expected Ministry, got {other:?}"),
    }
    assert!(e.to_string().contains("upper case"), "{e}");
}

#[test]
fn seven_character_plate() {
    let e = parse_err("MCCS_CITZ_ALZ_LIVE_abc1234_prod");
    match &e {
        ParseError::LicensePlate { position, hint, .. } => {
            assert_eq!(*position, 5);
            assert!(hint.contains("7 characters"), "{hint}");
        }
        other => panic!("expected LicensePlate, got {other:?}"),
    }
    assert!(matches!(
        parse_err("MCCS_CITZ_ALZ_LIVE_ABC123_prod"),
        ParseError::LicensePlate { position: 5, .. }
    ));
}

#[test]
fn wrong_platform_token() {
    match parse_err("MCCS_CITZ_alz_LIVE_abc123_prod") {
        ParseError::Platform { position, hint, .. } => {
            assert_eq!(position, 3);
            assert!(hint.contains("`ALZ`"), "{hint}");
        }
        other => panic!("expected Platform, got {other:?}"),
    }
    match parse_err("MCCS_CITZ_AZURE_LIVE_abc123_prod") {
        ParseError::Platform { hint, .. } => assert!(hint.contains("`LZA`"), "{hint}"),
        other => panic!("expected Platform, got {other:?}"),
    }
}

#[test]
fn unknown_environment() {
    match parse_err("MCCS_CITZ_ALZ_LIVE_abc123_PROD") {
        ParseError::Environment { position, hint, .. } => {
            assert_eq!(position, 6);
            assert!(hint.contains("`prod`"), "{hint}");
        }
        other => panic!("expected Environment, got {other:?}"),
    }
    let strict = ParseOptions::default().with_standard_environments();
    match rules().parse_rule_with("MCCS_CITZ_ALZ_LIVE_abc123_production", &strict) {
        Err(ParseError::UnknownEnvironment { position, hint, .. }) => {
            assert_eq!(position, 6);
            assert!(hint.contains("`prod`"), "{hint}");
        }
        other => panic!("expected UnknownEnvironment, got {other:?}"),
    }
    // Without a list, any environment the model accepts is fine.
    assert!(
        rules()
            .parse_rule("MCCS_CITZ_ALZ_LIVE_abc123_production")
            .is_ok()
    );
}

#[test]
fn unknown_ministry_when_a_list_is_given() {
    let options = ParseOptions::default().with_known_ministries(["CITZ".parse().unwrap()]);
    assert!(rules().parse_rule_with(SEED, &options).is_ok());
    match rules().parse_rule_with("MCCS_HLTH_ALZ_LIVE_abc123_prod", &options) {
        Err(ParseError::UnknownMinistry { position, hint, .. }) => {
            assert_eq!(position, 2);
            assert!(hint.contains("`CITZ`"), "{hint}");
        }
        other => panic!("expected UnknownMinistry, got {other:?}"),
    }
}

#[test]
fn over_long() {
    let name = format!("{SEED}_IN_{}", "1".repeat(40));
    match parse_err(&name) {
        ParseError::TooLong { len, max, .. } => {
            assert_eq!(len, name.len());
            assert_eq!(max, 63);
        }
        other => panic!("expected TooLong, got {other:?}"),
    }
    // A FortiOS-sized convention (35 characters) rejects the seed's second inbound rule.
    let mut spec = rules().spec().clone();
    spec.limits.max_len = 35;
    let short = Convention::from_spec(spec).unwrap();
    assert!(short.parse_rule(SEED).is_ok());
    assert!(matches!(
        short.parse_rule("MCCS_CITZ_ALZ_LIVE_abc123_prod_IN_02"),
        Err(ParseError::TooLong {
            len: 36,
            max: 35,
            ..
        })
    ));
    let id = RuleIdentity {
        direction: Direction::Inbound,
        sequence: 2,
        ..seed_identity()
    };
    assert!(matches!(
        short.format_rule(&id),
        Err(FormatError::TooLong {
            len: 36,
            max: 35,
            ..
        })
    ));
}

#[test]
fn other_malformed_names() {
    assert!(matches!(parse_err(""), ParseError::Empty { .. }));
    assert!(matches!(
        parse_err("MCCS_CITZ_ALZ_LIVE_abc123_prod 2"),
        ParseError::BadCharacter {
            ch: ' ',
            position: 31,
            ..
        }
    ));
    assert!(matches!(
        parse_err("MCCS_CITZ_ALZ_live_abc123_prod"),
        ParseError::Literal { position: 4, .. }
    ));
    let e = parse_err("MCCS_CITZ_ALZ_abc123_prod");
    assert!(
        matches!(&e, ParseError::MissingPart { missing, position: 4, .. } if missing == "LIVE"),
        "{e:?}"
    );
    assert_eq!(e.suggestion(), Some(SEED));
    let e = parse_err("MCCS_CITZ_ALZ_LIVE_abc123_prod_IN_02_X");
    assert!(
        matches!(&e, ParseError::ExtraPart { position: 9, .. }),
        "{e:?}"
    );
    assert!(matches!(parse_err("MCCS"), ParseError::PartCount { .. }));
    assert!(matches!(
        parse_err("MCCS__ALZ_LIVE_abc123_prod"),
        ParseError::EmptyPart { position: 2, .. }
    ));
    assert!(matches!(
        parse_err("MCCS_CITZ_ALZ_LIVE_abc123_prod_"),
        ParseError::EmptyPart { position: 7, .. }
    ));
    match parse_err("MCCS_CITZ_ALZ_LIVE_abc123_prod_01") {
        ParseError::Sequence { position, hint, .. } => {
            assert_eq!(position, 7);
            assert!(hint.contains("first rule"), "{hint}");
        }
        other => panic!("expected Sequence, got {other:?}"),
    }
    assert!(matches!(
        parse_err("MCCS_CITZ_ALZ_LIVE_abc123_prod_IN_2"),
        ParseError::Sequence { position: 8, .. }
    ));
    match parse_err("MCCS_CITZ_ALZ_LIVE_abc123_prod_in") {
        ParseError::Direction { hint, .. } => assert!(hint.contains("`IN`"), "{hint}"),
        other => panic!("expected Direction, got {other:?}"),
    }
    assert!(matches!(
        rules().parse_object(SEED),
        Err(ParseError::WrongTarget {
            convention: Target::Rule,
            requested: Target::Object
        })
    ));
}

#[test]
fn format_errors() {
    let zero = RuleIdentity {
        sequence: 0,
        ..seed_identity()
    };
    assert_eq!(rules().format_rule(&zero), Err(FormatError::ZeroSequence));
    assert!(matches!(
        Convention::mccs_object().format_rule(&seed_identity()),
        Err(FormatError::WrongTarget { .. })
    ));
}

#[test]
fn every_error_message_carries_a_hint() {
    for name in [
        "MCCS_citz_ALZ_LIVE_abc123_prod",
        "MCCS_CITZ_alz_LIVE_abc123_prod",
        "MCCS_CITZ_ALZ_LIVE_abc1234_prod",
        "MCCS_CITZ_ALZ_LIVE_abc123_PROD",
        "MCCS_ALZ_CITZ_LIVE_abc123_prod",
        "MCCS_CITZ_ALZ_abc123_prod",
    ] {
        let message = parse_err(name).to_string();
        assert!(message.contains(':'), "{message}");
        assert!(message.len() > name.len() + 30, "{message}");
    }
}

#[test]
fn generic_parse_dispatches_on_target() {
    assert!(matches!(rules().parse(SEED), Ok(ParsedName::Rule(_))));
    assert!(matches!(
        Convention::mccs_object().parse("MCCS_CITZ_ALZ_abc123_prod_VNET"),
        Ok(ParsedName::Object(_))
    ));
}
