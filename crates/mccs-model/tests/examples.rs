//! The embedded examples read and validate without a single finding.

use mccs_model::{Format, ValidateOptions, check, examples};

#[test]
fn examples_validate_clean() {
    for (name, text) in examples::ALL {
        let checked = check(text, Format::Yaml, &ValidateOptions::default());
        let found: Vec<String> = checked
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(found.is_empty(), "{name}: {found:#?}");
    }
}

#[test]
fn reference_has_what_the_cli_relies_on() {
    let t = examples::reference();
    assert_eq!(t.project_sets.len(), 3);
    assert!(t.cloud_firewall(mccs_model::Platform::AwsLza).is_some());
    assert!(t.cloud_firewall(mccs_model::Platform::AzureAlz).is_some());
    assert_eq!(t.hybrid_links.len(), 4);
    assert!(t.objects.iter().any(|o| o.published_by().is_some()));
    assert!(t.flows.len() >= 4);
    let x = examples::cross_cloud();
    assert_eq!(x.private_links[0].regions.len(), 2);
}

#[test]
fn repository_examples_are_the_embedded_ones() {
    // `examples/` at the top of the repository links to the crate's files; when the crate is
    // built from its published package the top-level folder is absent and this test is moot.
    let top = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    if !top.exists() {
        return;
    }
    for (name, text) in examples::ALL {
        let on_disk = std::fs::read_to_string(top.join(format!("{name}.yaml"))).unwrap();
        assert_eq!(on_disk, text, "examples/{name}.yaml");
    }
}
