//! Checking an existing rulebase and choosing the next free name.

// Fixtures are known-valid literals; helpers outside `#[test]` may unwrap them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mccs_model::{Environment, Platform};
use mccs_naming::{
    Convention, Direction, Finding, FormatError, ParseError, ParseOptions, RuleStem,
    check_rulebase, next_free,
};

fn stem(direction: Direction) -> RuleStem {
    RuleStem {
        ministry: "CITZ".parse().unwrap(),
        platform: Platform::AzureAlz,
        license_plate: "abc123".parse().unwrap(),
        environment: Environment::Prod,
        direction,
    }
}

#[test]
fn clean_rulebase_has_no_findings() {
    let names = [
        "MCCS_CITZ_ALZ_LIVE_abc123_prod",
        "MCCS_CITZ_ALZ_LIVE_abc123_prod_02",
        "MCCS_CITZ_ALZ_LIVE_abc123_prod_IN",
        "MCCS_CITZ_LZA_LIVE_abc123_dev",
    ];
    let findings = check_rulebase(&Convention::mccs_rule(), &ParseOptions::default(), names);
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn findings_carry_indices_reasons_and_groups() {
    let names = vec![
        "MCCS_CITZ_ALZ_LIVE_abc123_prod".to_owned(),    // 0
        "MCCS_citz_ALZ_LIVE_abc123_prod".to_owned(),    // 1: lower-case ministry
        "MCCS_CITZ_ALZ_LIVE_abc123_prod".to_owned(),    // 2: duplicate of 0
        "permit-any".to_owned(),                        // 3: not the convention
        "MCCS_CITZ_ALZ_LIVE_abc123_prod_IN".to_owned(), // 4
        "MCCS_CITZ_ALZ_LIVE_abc123_prod".to_owned(),    // 5: duplicate of 0 and 2
        "MCCS_CITZ_ALZ_LIVE_abc123_prod_IN".to_owned(), // 6: duplicate of 4
        "mccs_citz_alz_live_abc123_prod".to_owned(),    // 7: invalid, and a case variant of 0
    ];
    let findings = check_rulebase(&Convention::mccs_rule(), &ParseOptions::default(), &names);

    let duplicates: Vec<(String, Vec<usize>)> = findings
        .iter()
        .filter_map(|f| match f {
            Finding::Duplicate { name, indices } => Some((name.clone(), indices.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        duplicates,
        vec![
            ("MCCS_CITZ_ALZ_LIVE_abc123_prod".to_owned(), vec![0, 2, 5]),
            ("MCCS_CITZ_ALZ_LIVE_abc123_prod_IN".to_owned(), vec![4, 6]),
        ]
    );

    let invalid: Vec<usize> = findings
        .iter()
        .filter_map(|f| match f {
            Finding::Invalid { index, .. } => Some(*index),
            _ => None,
        })
        .collect();
    assert_eq!(invalid, vec![1, 3, 7]);
    assert!(findings.iter().any(|f| matches!(
        f,
        Finding::Invalid {
            index: 1,
            error: ParseError::Ministry { .. },
            ..
        }
    )));

    let case: Vec<Vec<usize>> = findings
        .iter()
        .filter(|f| matches!(f, Finding::CaseCollision { .. }))
        .map(Finding::indices)
        .collect();
    assert_eq!(case, vec![vec![0, 1, 7]]);

    // Ordered by the first index each finding concerns.
    let firsts: Vec<usize> = findings.iter().map(|f| f.indices()[0]).collect();
    let mut sorted = firsts.clone();
    sorted.sort_unstable();
    assert_eq!(firsts, sorted);

    // Every finding reads as a sentence naming the rules.
    for f in &findings {
        assert!(f.to_string().contains("rule"), "{f}");
    }
}

#[test]
fn check_uses_the_known_ministry_list() {
    let options = ParseOptions::default().with_known_ministries(["HLTH".parse().unwrap()]);
    let findings = check_rulebase(
        &Convention::mccs_rule(),
        &options,
        ["MCCS_CITZ_ALZ_LIVE_abc123_prod"],
    );
    assert!(matches!(
        findings.as_slice(),
        [Finding::Invalid {
            index: 0,
            error: ParseError::UnknownMinistry { .. },
            ..
        }]
    ));
}

#[test]
fn next_free_starts_with_the_seed_name() {
    let rules = Convention::mccs_rule();
    let none: [&str; 0] = [];
    assert_eq!(
        next_free(&rules, &stem(Direction::Outbound), none).unwrap(),
        "MCCS_CITZ_ALZ_LIVE_abc123_prod"
    );
    assert_eq!(
        next_free(&rules, &stem(Direction::Inbound), none).unwrap(),
        "MCCS_CITZ_ALZ_LIVE_abc123_prod_IN"
    );
}

#[test]
fn next_free_goes_past_the_highest_and_ignores_other_stems() {
    let rules = Convention::mccs_rule();
    let used = [
        "MCCS_CITZ_ALZ_LIVE_abc123_prod",
        "MCCS_CITZ_ALZ_LIVE_abc123_prod_03",
        "MCCS_CITZ_ALZ_LIVE_abc123_test_07",
        "MCCS_CITZ_LZA_LIVE_abc123_prod_09",
        "MCCS_CITZ_ALZ_LIVE_abc123_prod_IN_05",
        "some-other-rule",
    ];
    assert_eq!(
        next_free(&rules, &stem(Direction::Outbound), used).unwrap(),
        "MCCS_CITZ_ALZ_LIVE_abc123_prod_04"
    );
    assert_eq!(
        next_free(&rules, &stem(Direction::Inbound), used).unwrap(),
        "MCCS_CITZ_ALZ_LIVE_abc123_prod_IN_06"
    );
}

#[test]
fn next_free_skips_case_variants_and_is_deterministic() {
    let rules = Convention::mccs_rule();
    // A hand-made lower-case variant of the first name blocks it.
    let used = ["mccs_citz_alz_live_abc123_prod"];
    let a = next_free(&rules, &stem(Direction::Outbound), used).unwrap();
    let b = next_free(&rules, &stem(Direction::Outbound), used).unwrap();
    assert_eq!(a, "MCCS_CITZ_ALZ_LIVE_abc123_prod_02");
    assert_eq!(a, b);
}

#[test]
fn next_free_result_is_never_in_use() {
    let rules = Convention::mccs_rule();
    let mut used: Vec<String> = Vec::new();
    for _ in 0..30 {
        let name = next_free(&rules, &stem(Direction::Inbound), &used).unwrap();
        assert!(!used.contains(&name));
        used.push(name);
    }
    assert_eq!(used[29], "MCCS_CITZ_ALZ_LIVE_abc123_prod_IN_30");
    assert!(check_rulebase(&rules, &ParseOptions::default(), &used).is_empty());
}

#[test]
fn next_free_errors() {
    let rules = Convention::mccs_rule();
    let used = [format!("MCCS_CITZ_ALZ_LIVE_abc123_prod_{}", u32::MAX)];
    assert_eq!(
        next_free(&rules, &stem(Direction::Outbound), &used),
        Err(FormatError::SequenceExhausted)
    );
    assert!(matches!(
        next_free(
            &Convention::mccs_object(),
            &stem(Direction::Outbound),
            &used
        ),
        Err(FormatError::WrongTarget { .. })
    ));
}
