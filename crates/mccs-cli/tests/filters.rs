//! `mccs trace` on the `lza-data-subnet` example: the network ACL's return verdict is shown next
//! to its verdict, and the security groups' lists are named.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail the test by panicking

use assert_cmd::Command;

fn trace(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let topo = dir.path().join("lza.yaml");
    std::fs::write(&topo, mccs_model::examples::LZA_DATA_SUBNET_YAML).unwrap();
    let out = Command::cargo_bin("mccs")
        .unwrap()
        .args(["--color", "never", "--topology"])
        .arg(&topo)
        .arg("trace")
        .args(args)
        .args(["--today", "2026-11-23"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn trace_shows_the_return_verdict_of_a_network_acl() {
    let out = trace(&[
        "--from",
        "reporting-app",
        "--to",
        "CLAIMS_DB",
        "--port",
        "5432",
        "--initiator",
        "on-prem",
    ]);
    let acl = out
        .lines()
        .find(|l| l.contains("dat123-prod-data-nacl"))
        .unwrap_or_else(|| panic!("no network ACL hop in\n{out}"));
    assert!(acl.contains("network ACL (inbound)"), "{acl}");
    assert!(
        acl.ends_with(
            "no matching rule (implicit deny); return traffic: no matching rule (implicit deny)"
        ),
        "{acl}"
    );
    let sg = out.lines().find(|l| l.contains("dat123-prod-sg")).unwrap();
    assert!(sg.contains("security group (inbound)"), "{sg}");
    assert!(sg.ends_with("allowed by postgres-from-zone-b"), "{sg}");
    assert!(
        out.contains("NOT ALLOWED on its only path (no failover path)"),
        "{out}"
    );
}

#[test]
fn trace_from_a_secondary_range_shows_the_nat_address() {
    let out = trace(&[
        "--from",
        "BATCH_PODS",
        "--to",
        "gl-ledger-api",
        "--port",
        "443",
    ]);
    let fw = out
        .lines()
        .find(|l| l.contains("aws-cloud-firewall"))
        .unwrap_or_else(|| panic!("no cloud firewall hop in\n{out}"));
    assert!(
        fw.contains("10.40.30.10/32 (dat123-prod private NAT)"),
        "{fw}"
    );
    let sg = out.lines().find(|l| l.contains("dat123-prod-sg")).unwrap();
    assert!(sg.contains("10.10.8.0/22 (BATCH_PODS)"), "{sg}");
    assert!(sg.ends_with("allowed by https-to-on-prem"), "{sg}");
}
