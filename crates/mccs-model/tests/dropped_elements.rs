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
