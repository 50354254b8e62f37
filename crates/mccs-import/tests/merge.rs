//! Imports that fit an existing topology: subnets, IPv6 blocks, identities given by hand, a
//! ministry learned from another environment, and merging with overlap and conflict checks.
#![allow(clippy::unwrap_used)]

use mccs_import::{ImportOptions, aws_vpcs, azure_vnets};
use mccs_model::{Format, ValidateOptions, examples, load, validate};

const AWS: &str = include_str!("aws-describe-vpcs.json");
const SUBNETS: &str = include_str!("aws-describe-subnets.json");

fn vpc(id: &str, cidr: &str, tags: &[(&str, &str)]) -> String {
    let tags: Vec<String> = tags
        .iter()
        .map(|(k, v)| format!(r#"{{"Key": "{k}", "Value": "{v}"}}"#))
        .collect();
    format!(
        r#"{{"VpcId": "{id}", "OwnerId": "111111111111", "CidrBlock": "{cidr}", "Tags": [{}]}}"#,
        tags.join(", ")
    )
}

fn vpcs(list: &[String]) -> String {
    format!(r#"{{"Vpcs": [{}]}}"#, list.join(", "))
}

#[test]
fn subnets_come_along_and_what_cannot_is_listed() {
    let options = ImportOptions::default()
        .with_ministry("CITZ".parse().unwrap())
        .with_non_routable(vec!["10.10.0.0/16".parse().unwrap()]);
    let mut import = aws_vpcs(AWS, "ca-central-1", &options).unwrap();
    let before = import.not_imported().len();
    import.add_aws_subnets(SUBNETS).unwrap();
    let prod = &import.topology().project_sets[0].environments[&"prod".parse().unwrap()];
    let names: Vec<(&str, String)> = prod
        .subnets
        .iter()
        .map(|s| (s.name.as_str(), s.cidr.to_string()))
        .collect();
    // Named by the `Name` tag, or else by the subnet's ID.
    assert_eq!(
        names,
        [
            ("web-a", "10.40.12.0/26".to_owned()),
            ("subnet-0c2d3e4f5aEXAMPLE", "10.40.12.64/26".to_owned())
        ]
    );
    // The pods subnet is in the non-routable range, left out of the address space.
    let placed = import
        .placed()
        .iter()
        .find(|p| p.id == "vpc-0e9801d129EXAMPLE")
        .unwrap();
    assert!(
        placed.left_out.iter().any(|l| l.range == "10.10.0.0/20"
            && l.reason
                .starts_with("subnet subnet-0d3e4f5a6bEXAMPLE (Name pods-a): outside")),
        "{:?}",
        placed.left_out
    );
    // The default VPC's subnet: its VPC is not imported, and it says so.
    assert_eq!(import.not_imported().len(), before + 1);
    let orphan = import.not_imported().last().unwrap();
    assert_eq!(orphan.label, "subnet subnet-0e4f5a6b7cEXAMPLE");
    assert!(
        orphan
            .reason
            .contains("vpc-0f1a2b3c4dEXAMPLE is not imported")
    );
    // The document reads back, and validates, with the subnets.
    let text = import.document("vpcs.json").unwrap();
    let back = load(&text, Format::Yaml);
    assert!(back.diagnostics.is_empty(), "{:?}", back.diagnostics);
    assert_eq!(&back.topology, import.topology());
    assert!(
        validate(&back.topology, &ValidateOptions::default())
            .iter()
            .all(|d| !d.is_error())
    );
    // Not the export: an error, and nothing added.
    assert!(import.add_aws_subnets(r#"{"Vpcs": []}"#).is_err());
}

#[test]
fn overlapping_or_doubled_subnets_are_listed_not_dropped() {
    let mut import = aws_vpcs(
        &vpcs(&[vpc("vpc-1", "10.40.0.0/24", &[("Name", "abc123-prod")])]),
        "ca-central-1",
        &ImportOptions::default().with_ministry("CITZ".parse().unwrap()),
    )
    .unwrap();
    import
        .add_aws_subnets(
            r#"{"Subnets": [
            {"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.40.0.0/25",
             "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f11::/64",
               "Ipv6CidrBlockState": {"State": "associated"}}]},
            {"SubnetId": "subnet-2", "VpcId": "vpc-1", "CidrBlock": "10.40.0.64/26"},
            {"SubnetId": "subnet-3", "VpcId": "vpc-1", "CidrBlock": "not-a-cidr"},
            {"VpcId": "vpc-1"}
        ]}"#,
        )
        .unwrap();
    let p = &import.placed()[0];
    let reasons: Vec<String> = p
        .left_out
        .iter()
        .map(|l| format!("{} {}", l.range, l.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            "2600:1f11::/64 subnet subnet-1: outside the imported address space (in a range left out of it)",
            "10.40.0.64/26 subnet subnet-2: overlaps subnet `subnet-1`",
            "not-a-cidr subnet subnet-3: not a CIDR",
        ]
    );
    assert!(
        import
            .not_imported()
            .iter()
            .any(|n| n.label == "Subnets[3]" && n.reason.starts_with("not a subnet entry"))
    );
}

#[test]
fn ipv6_blocks_are_imported_not_dropped() {
    let json = r#"{"Vpcs": [{"VpcId": "vpc-6", "OwnerId": "111111111111",
        "CidrBlock": "10.40.0.0/24",
        "Ipv6CidrBlockAssociationSet": [
          {"Ipv6CidrBlock": "2600:1f11:abc::/56", "Ipv6CidrBlockState": {"State": "associated"}},
          {"Ipv6CidrBlock": "2600:1f11:def::/56", "Ipv6CidrBlockState": {"State": "disassociated"}}],
        "Tags": [{"Key": "Name", "Value": "abc123-prod"}]}]}"#;
    let import = aws_vpcs(
        json,
        "ca-central-1",
        &ImportOptions::default().with_ministry("CITZ".parse().unwrap()),
    )
    .unwrap();
    let env = &import.topology().project_sets[0].environments[&"prod".parse().unwrap()];
    let spaces: Vec<String> = env.address_space.iter().map(ToString::to_string).collect();
    assert_eq!(spaces, ["10.40.0.0/24", "2600:1f11:abc::/56"]);
    assert_eq!(import.placed()[0].left_out[0].range, "2600:1f11:def::/56");
    assert_eq!(import.placed()[0].left_out[0].reason, "disassociated");
}

#[test]
fn the_ministry_tag_of_one_environment_serves_the_others() {
    let json = vpcs(&[
        vpc("vpc-1", "10.40.0.0/24", &[("Name", "abc123-dev")]),
        vpc(
            "vpc-2",
            "10.40.1.0/24",
            &[("Name", "abc123-prod"), ("Ministry", "CITZ")],
        ),
    ]);
    // No --ministry: the dev VPC takes its Project Set's ministry from the prod VPC's tag.
    let import = aws_vpcs(&json, "ca-central-1", &ImportOptions::default()).unwrap();
    assert!(
        import.not_imported().is_empty(),
        "{:?}",
        import.not_imported()
    );
    assert_eq!(
        import.topology().project_sets[0].ministry.to_string(),
        "CITZ"
    );
    assert_eq!(import.topology().project_sets[0].environments.len(), 2);
    // Without any tag or default, the reason names both ways out.
    let alone = vpcs(&[vpc("vpc-1", "10.40.0.0/24", &[("Name", "abc123-dev")])]);
    let import = aws_vpcs(&alone, "ca-central-1", &ImportOptions::default()).unwrap();
    assert_eq!(
        import.not_imported()[0].reason,
        "no ministry for abc123-dev: no `Ministry` tag on any VPC of Project Set abc123; tag one, or pass --ministry"
    );
}

#[test]
fn identities_given_by_hand_place_networks_without_a_convention() {
    let json = vpcs(&[
        vpc("vpc-1", "10.40.0.0/24", &[("Name", "Prod_vpc")]),
        vpc("vpc-2", "10.40.1.0/24", &[("Name", "Dev_vpc")]),
        vpc("vpc-3", "10.40.2.0/24", &[]),
    ]);
    let citz = ImportOptions::default().with_ministry("CITZ".parse().unwrap());
    let none = aws_vpcs(&json, "ca-central-1", &citz).unwrap();
    assert_eq!(none.not_imported().len(), 3);
    assert!(
        none.not_imported()[0]
            .reason
            .ends_with("pass --assign vpc-1=<plate>-<env>"),
        "{:?}",
        none.not_imported()[0]
    );
    let options = citz
        .with_plate("abc123".parse().unwrap())
        .with_environment("test".parse().unwrap())
        .assign("vpc-1", "abc123-prod".parse().unwrap())
        .assign("vpc-2", "abc123-dev".parse().unwrap());
    let import = aws_vpcs(&json, "ca-central-1", &options).unwrap();
    let placed: Vec<(String, &str)> = import
        .placed()
        .iter()
        .map(|p| (p.env.to_string(), p.id.as_str()))
        .collect();
    // vpc-3 has neither tags nor name: --plate and --env place it.
    assert_eq!(
        placed,
        [
            ("abc123-dev".to_owned(), "vpc-2"),
            ("abc123-test".to_owned(), "vpc-3"),
            ("abc123-prod".to_owned(), "vpc-1")
        ]
    );
}

#[test]
fn merging_adds_what_is_new_and_lists_every_conflict() {
    let existing = examples::reference();
    let json = vpcs(&[
        // def456-dev as the reference has it: unchanged.
        vpc(
            "vpc-same",
            "10.40.10.0/24",
            &[("Name", "def456-dev"), ("Ministry", "HLTH")],
        )
        .replace("111111111111", "111111111101"),
        // def456-prod with another range: a conflict, left out.
        vpc("vpc-moved", "10.40.99.0/24", &[("Name", "def456-prod")]),
        // def456-test is new to a known Project Set: its ministry comes from the topology.
        vpc("vpc-new", "10.40.11.0/24", &[("Name", "def456-test")]),
        // A new Project Set overlapping the on-prem zone.
        vpc("vpc-zone", "142.34.10.0/25", &[("Name", "xyz789-dev")]),
        // A new Project Set overlapping another Project Set's network.
        vpc("vpc-dup", "10.40.22.0/25", &[("Name", "xyz789-prod")]),
        // A new Project Set that fits.
        vpc("vpc-fits", "10.99.0.0/24", &[("Name", "xyz789-test")]),
        // An Azure Project Set's plate, on AWS.
        vpc("vpc-cloud", "10.99.1.0/24", &[("Name", "abc123-tools")]),
    ]);
    let options = ImportOptions::default()
        .with_ministry("CITZ".parse().unwrap())
        .with_known(&existing);
    let import = aws_vpcs(&json, "ca-central-1", &options).unwrap();
    assert!(
        import.not_imported().is_empty(),
        "{:?}",
        import.not_imported()
    );
    let merged = import.merge_into(&existing);
    let names = |v: &[mccs_model::EnvRef]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
    assert_eq!(names(merged.added()), ["def456-test", "xyz789-test"]);
    assert_eq!(names(merged.unchanged()), ["def456-dev"]);
    let left: Vec<(&str, &str)> = merged
        .left_out()
        .iter()
        .map(|u| (u.label.as_str(), u.reason.as_str()))
        .collect();
    assert_eq!(left.len(), 4, "{left:#?}");
    assert!(
        left[0].0.starts_with("vpc-cloud")
            && left[0]
                .1
                .contains("is on azure-alz in the topology, and this network is on aws-lza"),
        "{left:#?}"
    );
    assert!(
        left[1].0.starts_with("vpc-moved") && left[1].1.contains("already in the topology"),
        "{left:#?}"
    );
    assert!(
        left[2].0.starts_with("vpc-zone") && left[2].1.contains("overlaps on-prem zone zone-b"),
        "{left:#?}"
    );
    assert!(
        left[3].0.starts_with("vpc-dup") && left[3].1.contains("overlaps environment ghi789-prod"),
        "{left:#?}"
    );
    // The existing Project Set keeps its ministry and gains the new environment.
    let def456 = merged
        .topology()
        .project_sets
        .iter()
        .find(|p| p.license_plate.to_string() == "def456")
        .unwrap();
    assert_eq!(def456.ministry.to_string(), "HLTH");
    assert!(def456.environments.contains_key(&"test".parse().unwrap()));
    // The merged document reads back to the merged topology, which validates without errors.
    let text = merged.document("vpcs.json", "reference.yaml").unwrap();
    assert!(text.starts_with("# reference.yaml merged from vpcs.json by `mccs import`: 2 added, 1 already there, 4 left out.\n"), "{text}");
    let back = load(&text, Format::Yaml);
    assert!(back.diagnostics.is_empty(), "{:?}", back.diagnostics);
    assert_eq!(&back.topology, merged.topology());
    let errors: Vec<_> = validate(&back.topology, &ValidateOptions::default())
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn azure_subnets_come_from_the_vnet_list() {
    let json = r#"[{"name": "abc123-prod-vnet", "location": "canadacentral",
        "id": "/subscriptions/0f3c8a52-6c1e-4d1b-9a7e-0c6a2b9d0d03/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/abc123-prod-vnet",
        "addressSpace": {"addressPrefixes": ["10.46.8.0/24"]},
        "subnets": [
          {"name": "app", "addressPrefix": "10.46.8.0/26"},
          {"name": "data", "addressPrefixes": ["10.46.8.64/26", "10.46.8.128/26"]},
          {"name": "outside", "addressPrefix": "10.99.0.0/26"}
        ],
        "tags": {"Ministry": "CITZ"}}]"#;
    let import = azure_vnets(json, &ImportOptions::default()).unwrap();
    let env = &import.topology().project_sets[0].environments[&"prod".parse().unwrap()];
    let subnets: Vec<String> = env
        .subnets
        .iter()
        .map(|s| format!("{} {}", s.name, s.cidr))
        .collect();
    assert_eq!(subnets, ["app 10.46.8.0/26", "data 10.46.8.64/26"]);
    let left: Vec<&str> = import.placed()[0]
        .left_out
        .iter()
        .map(|l| l.range.as_str())
        .collect();
    assert_eq!(left, ["10.46.8.128/26", "10.99.0.0/26"]);
}

#[test]
fn merging_brings_new_subnets_into_environments_the_topology_has() {
    let mut existing = examples::reference();
    let prod = existing
        .project_sets
        .iter_mut()
        .find(|p| p.license_plate.to_string() == "def456")
        .unwrap()
        .environments
        .get_mut(&"prod".parse().unwrap())
        .unwrap();
    prod.subnets.push(mccs_model::Subnet::new(
        "web-a".parse().unwrap(),
        "10.40.12.0/26".parse().unwrap(),
    ));
    prod.subnets.push(mccs_model::Subnet::new(
        "db".parse().unwrap(),
        "10.40.12.192/26".parse().unwrap(),
    ));
    let json = vpcs(&[vpc("vpc-p", "10.40.12.0/24", &[("Name", "def456-prod")])])
        .replace("111111111111", "111111111103");
    let mut import = aws_vpcs(
        &json,
        "ca-central-1",
        &ImportOptions::default().with_known(&existing),
    )
    .unwrap();
    import
        .add_aws_subnets(
            r#"{"Subnets": [
            {"SubnetId": "s-1", "VpcId": "vpc-p", "CidrBlock": "10.40.12.0/26", "Tags": [{"Key": "Name", "Value": "web-a"}]},
            {"SubnetId": "s-2", "VpcId": "vpc-p", "CidrBlock": "10.40.12.64/26", "Tags": [{"Key": "Name", "Value": "web-b"}]},
            {"SubnetId": "s-3", "VpcId": "vpc-p", "CidrBlock": "10.40.12.128/26", "Tags": [{"Key": "Name", "Value": "db"}]},
            {"SubnetId": "s-4", "VpcId": "vpc-p", "CidrBlock": "10.40.12.192/27", "Tags": [{"Key": "Name", "Value": "db-b"}]}
        ]}"#,
        )
        .unwrap();
    let merged = import.merge_into(&existing);
    assert_eq!(merged.unchanged().len(), 1);
    let added: Vec<String> = merged
        .subnets_added()
        .iter()
        .map(|(e, s)| format!("{e} {s}"))
        .collect();
    // web-a is there already; web-b is new; db is in the topology with another range; db-b
    // overlaps the topology's db.
    assert_eq!(added, ["def456-prod web-b"]);
    let reasons: Vec<&str> = merged
        .left_out()
        .iter()
        .map(|u| u.reason.as_str())
        .collect();
    assert_eq!(
        reasons,
        [
            "subnet `db` (10.40.12.128/26) is in the topology with range 10.40.12.192/26; edit the topology by hand if it changed",
            "subnet `db-b` (10.40.12.192/27) overlaps subnet `db` of the topology",
        ]
    );
    let text = merged.document("v.json", "t.yaml").unwrap();
    assert!(
        text.contains("#   added subnet web-b to def456-prod\n"),
        "{text}"
    );
}
