//! Properties: format then parse is the identity for every valid identity and every shipped
//! convention; parsing, checking and choosing names never panic on arbitrary input.

// Fixtures are known-valid literals; helpers outside `#[test]` may unwrap them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mccs_model::{Environment, LicensePlate, Ministry, Name, Platform};
use mccs_naming::{
    Convention, Conventions, Direction, FormatError, ObjectIdentity, ObjectKind, ParseOptions,
    RuleIdentity, check_rulebase, next_free,
};
use proptest::prelude::*;

fn ministry() -> impl Strategy<Value = Ministry> {
    "[A-Z][A-Z0-9]{1,9}".prop_map(|s| s.parse().unwrap())
}

fn platform() -> impl Strategy<Value = Platform> {
    prop::sample::select(Platform::ALL.to_vec())
}

fn plate() -> impl Strategy<Value = LicensePlate> {
    "[a-z0-9]{6}".prop_map(|s| s.parse().unwrap())
}

fn environment() -> impl Strategy<Value = Environment> {
    prop_oneof![
        prop::sample::select(vec![
            Environment::Dev,
            Environment::Test,
            Environment::Prod,
            Environment::Tools,
        ]),
        "[a-z][a-z0-9-]{0,15}".prop_map(|s| s.parse().unwrap()),
    ]
}

fn direction() -> impl Strategy<Value = Direction> {
    prop::sample::select(Direction::ALL.to_vec())
}

fn sequence() -> impl Strategy<Value = u32> {
    prop_oneof![1u32..=3, 1u32..=200, 1u32..=u32::MAX]
}

fn rule_identity() -> impl Strategy<Value = RuleIdentity> {
    (
        ministry(),
        platform(),
        plate(),
        environment(),
        direction(),
        sequence(),
    )
        .prop_map(
            |(ministry, platform, license_plate, environment, direction, sequence)| RuleIdentity {
                ministry,
                platform,
                license_plate,
                environment,
                direction,
                sequence,
            },
        )
}

fn label() -> impl Strategy<Value = Option<Name>> {
    prop::option::of("[A-Za-z0-9][A-Za-z0-9_.-]{0,7}".prop_map(|s| s.parse().unwrap()))
}

fn object_identity() -> impl Strategy<Value = ObjectIdentity> {
    (
        ministry(),
        platform(),
        plate(),
        environment(),
        prop::sample::select(ObjectKind::ALL.to_vec()),
        label(),
    )
        .prop_map(
            |(ministry, platform, license_plate, environment, kind, label)| ObjectIdentity {
                ministry,
                platform,
                license_plate,
                environment,
                kind,
                label,
            },
        )
}

/// Names that look almost right: valid names with one part damaged, swapped or dropped.
fn near_miss() -> impl Strategy<Value = String> {
    (
        rule_identity(),
        0usize..10,
        0usize..10,
        "[A-Za-z0-9_.-]{0,8}",
        0u8..4,
    )
        .prop_map(|(id, i, j, junk, op)| {
            let name = Convention::mccs_rule().format_rule(&id).unwrap();
            let mut parts: Vec<String> = name.split('_').map(str::to_owned).collect();
            let n = parts.len();
            match op {
                0 => parts.swap(i % n, j % n),
                1 => parts[i % n] = junk,
                2 => {
                    parts.remove(i % n);
                }
                _ => parts.insert(i % (n + 1), junk),
            }
            parts.join("_")
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn rule_names_round_trip(id in rule_identity()) {
        let conventions = Conventions::default();
        for convention in [conventions.rule().clone(), Convention::mccs_rule()] {
            let name = convention.format_rule(&id).unwrap();
            prop_assert!(name.len() <= 63, "{name}");
            prop_assert!(name.starts_with("MCCS_"));
            prop_assert_eq!(convention.parse_rule(&name).unwrap(), id.clone());
        }
    }

    #[test]
    fn first_outbound_rule_is_the_seed_form(id in rule_identity()) {
        let first = RuleIdentity { direction: Direction::Outbound, sequence: 1, ..id };
        let name = Convention::mccs_rule().format_rule(&first).unwrap();
        let seed_form = format!(
            "MCCS_{}_{}_LIVE_{}_{}",
            first.ministry, first.platform.token(), first.license_plate, first.environment
        );
        prop_assert_eq!(name, seed_form);
    }

    #[test]
    fn object_names_round_trip(id in object_identity()) {
        let conventions = Conventions::default();
        for convention in [conventions.object().clone(), Convention::mccs_object()] {
            let name = convention.format_object(&id).unwrap();
            prop_assert!(name.len() <= 63, "{name}");
            prop_assert_eq!(convention.parse_object(&name).unwrap(), id.clone());
        }
    }

    #[test]
    fn long_labels_round_trip_or_are_too_long(
        id in object_identity(),
        label in "[A-Za-z0-9][A-Za-z0-9_.-]{0,60}",
    ) {
        let id = ObjectIdentity { label: Some(label.parse().unwrap()), ..id };
        let objects = Convention::mccs_object();
        match objects.format_object(&id) {
            Ok(name) => prop_assert_eq!(objects.parse_object(&name).unwrap(), id),
            Err(FormatError::TooLong { len, max, .. }) => prop_assert!(len > max),
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }

    #[test]
    fn parse_never_panics_on_arbitrary_text(s in any::<String>()) {
        let options = ParseOptions::default().with_standard_environments();
        let _ = Convention::mccs_rule().parse_with(&s, &options);
        let _ = Convention::mccs_object().parse_with(&s, &options);
    }

    #[test]
    fn parse_never_panics_on_name_like_text(s in "[A-Za-z0-9_.-]{0,70}") {
        let _ = Convention::mccs_rule().parse(&s);
        let _ = Convention::mccs_object().parse(&s);
    }

    #[test]
    fn near_misses_are_rejected_or_reparse_consistently(name in near_miss()) {
        let rules = Convention::mccs_rule();
        if let Ok(id) = rules.parse_rule(&name) {
            // Anything accepted is canonical: it formats back to the same text.
            prop_assert_eq!(rules.format_rule(&id).unwrap(), name);
        } else if let Err(e) = rules.parse_rule(&name) {
            // A suggested fix is itself a valid name.
            if let Some(fix) = e.suggestion() {
                prop_assert!(rules.parse_rule(fix).is_ok(), "{name} -> {fix}: {e}");
            }
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn rule_identity_answers_what_parse_rule_does(
        name in prop_oneof![near_miss(), "[A-Za-z0-9_.-]{0,70}", any::<String>()],
        id in rule_identity(),
    ) {
        let conventions = Conventions::default();
        for convention in [conventions.rule().clone(), Convention::mccs_rule()] {
            prop_assert_eq!(convention.rule_identity(&name), convention.parse_rule(&name).ok());
            let good = convention.format_rule(&id).unwrap();
            prop_assert_eq!(convention.rule_identity(&good), Some(id.clone()));
        }
        // An object convention reads no rule names.
        prop_assert_eq!(Convention::mccs_object().rule_identity(&name), None);
    }

    #[test]
    fn next_free_is_fresh_and_deterministic(
        id in rule_identity(),
        used in prop::collection::vec(near_miss(), 0..8),
    ) {
        let rules = Convention::mccs_rule();
        let stem = id.stem();
        let a = next_free(&rules, &stem, &used);
        let b = next_free(&rules, &stem, &used);
        prop_assert_eq!(&a, &b);
        if let Ok(name) = a {
            prop_assert!(!used.iter().any(|u| u.eq_ignore_ascii_case(&name)));
            prop_assert_eq!(rules.parse_rule(&name).unwrap().stem(), stem);
        }
    }

    #[test]
    fn check_never_panics(names in prop::collection::vec(any::<String>(), 0..6)) {
        let findings = check_rulebase(&Convention::mccs_rule(), &ParseOptions::default(), &names);
        for f in findings {
            prop_assert!(f.indices().iter().all(|i| *i < names.len()));
        }
    }
}
