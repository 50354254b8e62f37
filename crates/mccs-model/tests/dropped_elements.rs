//! Findings after a malformed element point at the right element of the document.

use mccs_model::{Format, ValidateOptions, check};

#[test]
fn indices_skip_nothing_when_an_element_is_left_out() {
    let text = "version: 1\nproject_sets:\n  - license_plate: abc1234\n    ministry: CITZ\n    platform: aws-lza\n    environments: {}\n  - license_plate: abc123\n    ministry: CITZ\n    platform: aws-lza\n    environments:\n      prod: {account: \"1\", region: r, address_space: [10.0.0.1/24]}\n";
    let checked = check(text, Format::Yaml, &ValidateOptions::default());
    let paths: Vec<String> = checked
        .diagnostics
        .iter()
        .map(|d| d.path.to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "project_sets[0].license_plate",
            "project_sets[1].environments.prod.address_space[0]"
        ]
    );
    assert_eq!(checked.diagnostics[1].location.map(|l| l.line), Some(11));
}

#[test]
fn findings_come_in_document_order() {
    // The channel problems (firewalls) are written before the host-bits problem (project_sets).
    let text = "version: 1\nproject_sets:\n  - license_plate: abc123\n    ministry: CITZ\n    platform: aws-lza\n    environments:\n      prod: {account: \"1\", region: r, address_space: [10.0.0.1/24]}\nfirewalls:\n  - {name: fw, kind: edge, owner: o, channel: nope}\n";
    let text = text.replace("project_sets:", "zzz: 1\nproject_sets:");
    let checked = check(&text, Format::Yaml, &ValidateOptions::default());
    let lines: Vec<usize> = checked
        .diagnostics
        .iter()
        .filter_map(|d| d.location.map(|l| l.line))
        .collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(lines, sorted);
    assert_eq!(checked.diagnostics.len(), 3, "{:#?}", checked.diagnostics);
}
