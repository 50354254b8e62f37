//! The external checks: every emitted `.tf` file parses with a real HCL parser (`hcl-rs`) into
//! the resources and attributes expected, and Aerleon's own `aclgen` turns the emitted policies
//! and definitions into filters. `aclgen` is looked up as `$MCCS_ACLGEN`, else on `PATH`; when
//! it is absent the test says `SKIPPED: aclgen not installed` and passes (`.ci/run` installs it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::Command;

use mccs_emit::{EmittedFile, Format, Options, emit};
use mccs_model::Topology;
use mccs_request::RequestSet;

fn emitted(t: &Topology, format: Format) -> Vec<EmittedFile> {
    let plan = mccs_path::plan(t, &t.flows, &mccs_path::PlanOptions::default());
    let set = RequestSet::from_plan(t, &plan);
    emit(&set, t, format, &Options::default())
}

/// Every block of `body` as (kind, labels), and the blocks themselves, recursively.
fn resources(body: &hcl::Body) -> Vec<(String, Vec<String>, hcl::Body)> {
    body.blocks()
        .map(|b| {
            (
                b.identifier().to_owned(),
                b.labels().iter().map(|l| l.as_str().to_owned()).collect(),
                b.body().clone(),
            )
        })
        .collect()
}

fn attr<'a>(body: &'a hcl::Body, key: &str) -> Option<&'a hcl::Expression> {
    body.attributes()
        .find(|a| a.key() == key)
        .map(hcl::Attribute::expr)
}

fn parse_all(files: &[EmittedFile]) -> Vec<(String, hcl::Body)> {
    files
        .iter()
        .map(|f| {
            let body: hcl::Body = hcl::from_str(&f.contents)
                .unwrap_or_else(|e| panic!("{} is not valid HCL: {e}\n{}", f.path, f.contents));
            (f.path.clone(), body)
        })
        .collect()
}

#[test]
fn terraform_of_the_reference_example_parses_as_hcl() {
    let files = emitted(&mccs_model::examples::reference(), Format::Terraform);
    let parsed = parse_all(&files);
    let names: Vec<&str> = parsed.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(names, ["azure-cloud-firewall.tf", "aws-cloud-firewall.tf"]);
    // Azure: the variables a person fills in, and one network rule collection of Allow rules.
    let (_, azure) = &parsed[0];
    let blocks = resources(azure);
    let vars: Vec<&str> = blocks
        .iter()
        .filter(|(k, _, _)| k == "variable")
        .map(|(_, l, _)| l[0].as_str())
        .collect();
    assert_eq!(
        vars,
        [
            "azure_cloud_firewall_policy_id",
            "azure_cloud_firewall_rule_collection_group_priority"
        ]
    );
    let (_, labels, rcg) = blocks
        .iter()
        .find(|(k, _, _)| k == "resource")
        .expect("a resource");
    assert_eq!(labels[0], "azurerm_firewall_policy_rule_collection_group");
    assert!(attr(rcg, "firewall_policy_id").is_some());
    assert!(attr(rcg, "priority").is_some());
    let collection = rcg
        .blocks()
        .find(|b| b.identifier() == "network_rule_collection")
        .expect("network_rule_collection");
    assert_eq!(
        attr(collection.body(), "action"),
        Some(&hcl::Expression::from("Allow"))
    );
    let rules: Vec<&hcl::Block> = collection
        .body()
        .blocks()
        .filter(|b| b.identifier() == "rule")
        .collect();
    assert_eq!(rules.len(), 2);
    assert_eq!(
        attr(rules[0].body(), "name"),
        Some(&hcl::Expression::from("MCCS_CITZ_ALZ_LIVE_abc123_prod"))
    );
    for key in [
        "protocols",
        "source_addresses",
        "destination_addresses",
        "destination_ports",
    ] {
        assert!(attr(rules[0].body(), key).is_some(), "{key}");
    }
    // AWS Network Firewall: a stateful rule group with PASS 5-tuple rules.
    let (_, aws) = &parsed[1];
    let group = resources(aws)
        .into_iter()
        .find(|(k, l, _)| k == "resource" && l[0] == "aws_networkfirewall_rule_group")
        .expect("rule group");
    assert_eq!(
        attr(&group.2, "type"),
        Some(&hcl::Expression::from("STATEFUL"))
    );
}

#[test]
fn terraform_of_security_groups_and_network_acls_parses_as_hcl() {
    let cross = emitted(&mccs_model::examples::cross_cloud(), Format::Terraform);
    let lza = emitted(&mccs_model::examples::lza_data_subnet(), Format::Terraform);
    let mut kinds = Vec::new();
    for (path, body) in parse_all(&cross).into_iter().chain(parse_all(&lza)) {
        for (k, labels, b) in resources(&body) {
            if k != "resource" {
                continue;
            }
            kinds.push(labels[0].clone());
            match labels[0].as_str() {
                "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
                    for key in ["security_group_id", "ip_protocol", "cidr_ipv4"] {
                        assert!(attr(&b, key).is_some(), "{path}: {key}");
                    }
                }
                "aws_network_acl_rule" => {
                    for key in [
                        "network_acl_id",
                        "rule_number",
                        "egress",
                        "protocol",
                        "rule_action",
                    ] {
                        assert!(attr(&b, key).is_some(), "{path}: {key}");
                    }
                }
                _ => {}
            }
        }
    }
    assert!(
        kinds
            .iter()
            .any(|k| k == "aws_vpc_security_group_ingress_rule"
                || k == "aws_vpc_security_group_egress_rule"),
        "{kinds:?}"
    );
    assert!(
        kinds.iter().any(|k| k == "aws_network_acl_rule"),
        "{kinds:?}"
    );
}

fn aclgen() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MCCS_ACLGEN") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("aclgen"))
        .find(|p| p.is_file())
}

fn write(dir: &Path, files: &[EmittedFile]) {
    for f in files {
        let p = dir.join(&f.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, &f.contents).unwrap();
    }
}

/// Runs aclgen on the Aerleon output of `t`; asserts it succeeds and writes one filter per policy.
fn run_aclgen(example: &str, t: &Topology) {
    let Some(aclgen) = aclgen() else {
        eprintln!(
            "SKIPPED: aclgen not installed (pip install aerleon; see .ci/run): {example} not checked"
        );
        return;
    };
    let files = emitted(t, Format::Aerleon);
    let policies = files
        .iter()
        .filter(|f| f.path.starts_with("policies/"))
        .count();
    assert!(policies > 0, "{example}: no policies emitted");
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let output = tmp.path().join("out");
    std::fs::create_dir_all(&output).unwrap();
    write(&input, &files);
    let run = Command::new(&aclgen)
        .current_dir(&input)
        .args([
            "--base_directory",
            "policies",
            "--definitions_directory",
            "def",
            "--output_directory",
        ])
        .arg(&output)
        .output()
        .expect("run aclgen");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(run.status.success(), "{example}: aclgen failed:\n{log}");
    let made: Vec<PathBuf> = std::fs::read_dir(&output)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(
        made.len(),
        policies,
        "{example}: aclgen wrote {made:?}\n{log}"
    );
    for p in &made {
        let text = std::fs::read_to_string(p).unwrap();
        assert!(
            text.contains("then accept;"),
            "{}: no accept term:\n{text}",
            p.display()
        );
    }
}

#[test]
fn aclgen_accepts_the_reference_example() {
    run_aclgen("reference", &mccs_model::examples::reference());
}

#[test]
fn aclgen_accepts_the_cross_cloud_example() {
    run_aclgen("cross-cloud", &mccs_model::examples::cross_cloud());
}

#[test]
fn aclgen_accepts_the_lza_data_subnet_example() {
    run_aclgen("lza-data-subnet", &mccs_model::examples::lza_data_subnet());
}
