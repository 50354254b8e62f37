//! The importers on provider exports in their documented shapes (the examples of the AWS and
//! Azure CLI references, with tags added), on malformed input, and on hostile text.
#![allow(clippy::unwrap_used)]

use mccs_import::{ImportError, ImportOptions, Provider, aws_vpcs, azure_vnets};
use mccs_model::{Format, load};

const AWS: &str = include_str!("aws-describe-vpcs.json");
const AZURE: &str = include_str!("az-network-vnet-list.json");

fn citz() -> ImportOptions {
    ImportOptions::default().with_ministry("CITZ".parse().unwrap())
}

/// The document reads back without findings to exactly the topology the import built.
fn reads_back(import: &mccs_import::Import, source: &str) -> String {
    let text = import.document(source).unwrap();
    let back = load(&text, Format::Yaml);
    assert!(
        back.diagnostics.is_empty(),
        "{:?}\n{text}",
        back.diagnostics
    );
    assert_eq!(&back.topology, import.topology(), "{text}");
    text
}

#[test]
fn aws_vpcs_are_placed_by_name_and_tags_and_the_rest_is_listed() {
    let options = citz().with_non_routable(vec!["10.10.0.0/16".parse().unwrap()]);
    let import = aws_vpcs(AWS, "ca-central-1", &options).unwrap();
    assert_eq!(
        import.provider(),
        &Provider::AwsVpcs {
            region: "ca-central-1".into()
        }
    );
    let placed: Vec<String> = import.placed().iter().map(|p| p.env.to_string()).collect();
    assert_eq!(placed, ["def456-dev", "def456-prod", "ghi789-prod"]);
    // Tags win over a name that says nothing (`Prod_vpc`); the inactive and the non-routable
    // ranges are left out, each with why.
    let prod = &import.placed()[1];
    let left_out: Vec<(&str, &str)> = prod
        .left_out
        .iter()
        .map(|l| (l.range.as_str(), l.reason.as_str()))
        .collect();
    assert_eq!(
        left_out,
        [
            ("10.40.99.0/24", "disassociated"),
            ("10.10.0.0/16", "non-routable secondary range")
        ]
    );
    // Every VPC of the export is either placed or listed with a reason: none is dropped.
    assert_eq!(import.placed().len() + import.not_imported().len(), 6);
    for n in import.not_imported() {
        assert!(!n.reason.is_empty(), "{n:?}");
    }
    let shared = import
        .not_imported()
        .iter()
        .find(|n| n.label.contains("shared-services"))
        .unwrap();
    assert!(shared.reason.contains("no license plate"), "{shared:?}");
    let text = reads_back(&import, "vpcs.json");
    assert!(text.starts_with(
        "# Project Sets imported by `mccs import aws-vpcs` from vpcs.json (region ca-central-1).\n"
    ));
    assert!(
        text.contains("# Not imported: 3 VPCs could not be mapped"),
        "{text}"
    );
    assert!(
        import
            .topology()
            .project_sets
            .iter()
            .all(|p| p.platform == mccs_model::Platform::AwsLza)
    );
}

#[test]
fn azure_vnets_read_tags_in_any_case_and_names_with_suffixes() {
    let import = azure_vnets(AZURE, &ImportOptions::default()).unwrap();
    let placed: Vec<String> = import.placed().iter().map(|p| p.env.to_string()).collect();
    assert_eq!(placed, ["abc123-dev", "abc123-prod"]);
    // A VNet whose `id` names no subscription is listed with why.
    let mno = import
        .not_imported()
        .iter()
        .find(|n| n.label.contains("mno345"))
        .unwrap();
    assert!(mno.reason.starts_with("no subscription"), "{mno:?}");
    // Without a ministry tag or a default ministry, a VNet is listed, not guessed.
    let jkl = import
        .not_imported()
        .iter()
        .find(|n| n.label.contains("jkl012"))
        .unwrap();
    assert!(jkl.reason.contains("no ministry"), "{jkl:?}");
    reads_back(&import, "-");
    // With a default ministry it is placed.
    let import = azure_vnets(AZURE, &citz()).unwrap();
    assert!(
        import
            .placed()
            .iter()
            .any(|p| p.env.to_string() == "jkl012-tools")
    );
}

#[test]
fn text_that_is_not_an_export_is_one_error_that_says_what_to_save() {
    let err = aws_vpcs("{not json", "ca-central-1", &citz()).unwrap_err();
    assert!(matches!(err, ImportError::NotJson { .. }));
    assert!(
        err.to_string()
            .ends_with("save the output of `aws ec2 describe-vpcs --output json`"),
        "{err}"
    );
    let err = aws_vpcs("[]", "ca-central-1", &citz()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "is not the output of `aws ec2 describe-vpcs`: expected an object with a `Vpcs` list; save the output of `aws ec2 describe-vpcs --output json`"
    );
    let err = azure_vnets(r#"{"Vpcs": []}"#, &citz()).unwrap_err();
    assert!(matches!(err, ImportError::NotAnExport { .. }), "{err}");
}

#[test]
fn entries_that_are_not_networks_are_listed_not_dropped() {
    let import = azure_vnets(r#"[42, {"name": "abc123-prod"}]"#, &citz()).unwrap();
    assert_eq!(import.not_imported().len(), 2);
    assert!(
        import.not_imported()[0]
            .reason
            .starts_with("not a VNet entry")
    );
    assert!(import.placed().is_empty());
    reads_back(&import, "-");
}

#[test]
fn provider_text_cannot_end_a_comment_and_inject_yaml() {
    let json = r#"{"Vpcs": [{"VpcId": "vpc-1\nflows: [injected]", "OwnerId": "111111111111",
        "CidrBlock": "10.40.0.0/24", "Tags": [{"Key": "Name", "Value": "abc123-prod\u2028x: 1"}]}]}"#;
    let import = aws_vpcs(json, "ca-central-1\nversion: 2", &citz()).unwrap();
    let text = reads_back(&import, "a\rb.json");
    assert!(!text.contains("\nflows:"), "{text}");
    assert!(!text.contains("\nversion: 2"), "{text}");
    assert!(text.contains("vpc-1\\nflows: [injected]"), "{text}");
}

#[test]
fn the_readme_example_imports() {
    let json = r#"[{"name": "abc123-prod-vnet", "location": "canadacentral",
      "id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/abc123-prod-vnet",
      "addressSpace": {"addressPrefixes": ["10.46.7.0/24"]}, "tags": {"Ministry": "CITZ"}}]"#;
    let import = azure_vnets(json, &ImportOptions::default()).unwrap();
    assert_eq!(import.placed()[0].env.to_string(), "abc123-prod");
    assert!(
        include_str!("../README.md")
            .contains(r#""addressSpace": {"addressPrefixes": ["10.46.7.0/24"]}"#)
    );
}
