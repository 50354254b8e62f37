//! `docs/guide.md` pastes real output: these tests fail when the tool and the guide disagree.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail the test by panicking

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn guide() -> Option<String> {
    // Absent when the crate is built from its published package.
    std::fs::read_to_string(repo().join("docs/guide.md")).ok()
}

fn run(args: &[&str]) -> String {
    let out = Command::cargo_bin("mccs")
        .unwrap()
        .current_dir(repo().join("examples"))
        .args(["--color", "never"])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// Every line of `output` that is a table row or a trace line appears in the guide as is.
fn assert_in_guide(guide: &str, output: &str, what: &str) {
    let mut checked = 0;
    for line in output
        .lines()
        .filter(|l| l.starts_with('|') || l.starts_with("  "))
    {
        assert!(
            guide.contains(line),
            "{what}: the guide lacks the line\n{line}"
        );
        checked += 1;
    }
    assert!(
        checked > 5,
        "{what}: too little output compared ({checked} lines)"
    );
}

#[test]
fn guide_seed_example_matches_the_tool() {
    let Some(guide) = guide() else { return };
    let plan = run(&[
        "plan",
        "--topology",
        "seed-citz.yaml",
        "--today",
        "2026-11-23",
    ]);
    let on_prem = &plan[plan.find("## Request 2 of 2").unwrap()..];
    assert_in_guide(&guide, on_prem, "seed plan");
    assert!(
        on_prem.contains("| MCCS_CITZ_ALZ_LIVE_abc123_prod | MCCS_CITZ_ALZ_abc123_prod_VNET |")
    );
    assert!(on_prem.contains("| Network IP Range Object | 10.46.8.0/24 |"));
    let trace = run(&[
        "trace",
        "--topology",
        "seed-citz.yaml",
        "--from",
        "abc123-prod",
        "--to",
        "142.34.10.0/24",
        "--port",
        "443",
        "--today",
        "2026-11-23",
    ]);
    assert_in_guide(&guide, &trace, "seed trace");
    // The file in the guide is the file in examples/.
    let file = std::fs::read_to_string(repo().join("examples/seed-citz.yaml")).unwrap();
    assert!(guide.contains(file.trim_end()));
}

#[test]
fn guide_private_link_example_matches_the_tool() {
    let Some(guide) = guide() else { return };
    let trace = run(&[
        "trace",
        "--topology",
        "cross-cloud.yaml",
        "--from",
        "api001-prod",
        "--to",
        "AZURE_PAYMENTS_APP",
        "--port",
        "443",
        "--today",
        "2026-11-23",
    ]);
    assert_in_guide(&guide, &trace, "cross-cloud trace");
    let plan = run(&[
        "plan",
        "--topology",
        "cross-cloud.yaml",
        "--today",
        "2026-11-23",
    ]);
    let first = &plan[plan.find("## Request 1 of 2").unwrap()..plan.find("### Notes").unwrap()];
    assert_in_guide(&guide, first, "cross-cloud plan");
}

#[test]
fn guide_direction_and_network_acl_examples_match_the_tool() {
    let Some(guide) = guide() else { return };
    let warehouse = run(&[
        "trace",
        "--example",
        "--from",
        "data-warehouse",
        "--to",
        "abc123-prod",
        "--port",
        "443",
        "--today",
        "2026-11-23",
    ]);
    assert_in_guide(&guide, &warehouse, "warehouse trace");
    assert!(guide.contains(warehouse.lines().next().unwrap()));
    let acl = run(&[
        "trace",
        "--topology",
        "lza-data-subnet.yaml",
        "--from",
        "reporting-app",
        "--to",
        "CLAIMS_DB",
        "--port",
        "5432",
        "--today",
        "2026-11-23",
    ]);
    assert_in_guide(&guide, &acl, "network ACL trace");
    let plan = run(&[
        "plan",
        "--topology",
        "lza-data-subnet.yaml",
        "--today",
        "2026-11-23",
    ]);
    let third = &plan[plan.find("## Request 3 of 3").unwrap()..];
    let rows = &third[third.find("### Traffic Table").unwrap()..third.find("### Notes").unwrap()];
    for line in rows.lines().filter(|l| l.starts_with('|')) {
        assert!(guide.contains(line), "the guide lacks the row\n{line}");
    }
    let note = third
        .lines()
        .find(|l| l.contains("is a network ACL: stateless"))
        .unwrap();
    assert!(guide.contains(note), "the guide lacks the note\n{note}");
}

#[test]
fn guide_reach_and_rules_examples_match_the_tool() {
    let Some(guide) = guide() else { return };
    let reach = run(&[
        "reach",
        "--topology",
        "reference.yaml",
        "--to",
        "hlth-claims-api",
        "--port",
        "443",
        "--today",
        "2026-11-23",
    ]);
    // Every line, the heading and the count included.
    assert_eq!(reach.lines().count(), 6, "{reach}");
    for line in reach.lines() {
        assert!(
            guide.contains(line),
            "reach: the guide lacks the line\n{line}"
        );
    }
    let rules = run(&["rules", "--topology", "reference.yaml"]);
    for line in rules.lines() {
        assert!(
            guide.contains(line),
            "rules: the guide lacks the line\n{line}"
        );
    }
    // The picture the guide shows is the tool's (crates/mccs-cli/tests/cli.rs keeps the file
    // true to `mccs trace --format svg`).
    assert!(guide.contains("](images/trace-cross-cloud.svg)"));
}

#[test]
fn guide_removal_examples_match_the_tool() {
    let Some(guide) = guide() else { return };
    let retire = run(&[
        "retire",
        "--topology",
        "reference.yaml",
        "--environment",
        "def456-prod",
    ]);
    let on_prem = &retire[retire.find("## Request 2 of 2").unwrap()..];
    let tables = &on_prem[on_prem.find("### Object Table").unwrap()..];
    assert_in_guide(&guide, tables, "retire def456-prod");
    let expired = run(&[
        "expired",
        "--topology",
        "reference.yaml",
        "--today",
        "2030-04-01",
        "--within",
        "30",
    ]);
    let row = expired
        .lines()
        .find(|l| l.contains("**remove**"))
        .expect("a rule to remove");
    assert!(guide.contains(row), "the guide lacks the line\n{row}");
}

#[test]
fn guide_diff_example_matches_the_tool() {
    let Some(guide) = guide() else { return };
    let diff = run(&[
        "diff",
        "../crates/mccs-cli/tests/data/diff-old.yaml",
        "../crates/mccs-cli/tests/data/diff-new.yaml",
    ]);
    assert_in_guide(&guide, &diff, "diff of the reordered deny-all");
    let summary = diff.lines().last().expect("a summary line");
    assert!(guide.contains(summary), "the guide lacks\n{summary}");
}
