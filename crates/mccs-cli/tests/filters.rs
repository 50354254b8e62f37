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
        .args(["--color", "never", "trace", "--topology"])
        .arg(&topo)
        .args(args)
        .args(["--today", "2026-11-23"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// What the trace says about the first hop at `node`: its line (`  7. node (kind)`) and the
/// lines under it, unwrapped into one line.
fn hop(out: &str, node: &str) -> String {
    let mut lines = out.lines().skip_while(|l| {
        !l.split_once(". ")
            .is_some_and(|(n, rest)| n.trim().parse::<usize>().is_ok() && rest.starts_with(node))
    });
    let Some(first) = lines.next() else {
        panic!("no hop at {node} in\n{out}")
    };
    let mut block = first.trim().to_owned();
    for l in lines.take_while(|l| l.starts_with("     ")) {
        block.push(' ');
        block.push_str(l.trim());
    }
    block
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
    let acl = hop(&out, "dat123-prod-data-nacl");
    assert!(acl.contains("network ACL (inbound)"), "{acl}");
    assert!(
        acl.ends_with(
            "no matching rule (implicit deny); return traffic: no matching rule (implicit deny)"
        ),
        "{acl}"
    );
    let sg = hop(&out, "dat123-prod-sg");
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
    let fw = hop(&out, "aws-cloud-firewall");
    assert!(
        fw.contains("source seen as 10.40.30.10/32 (dat123-prod private NAT)"),
        "{fw}"
    );
    // The security group sees the flow's own source: said once, at the top, not per hop.
    assert!(
        out.contains("\n  source       10.10.8.0/22 (BATCH_PODS)\n"),
        "{out}"
    );
    let sg = hop(&out, "dat123-prod-sg");
    assert!(!sg.contains("source seen as"), "{sg}");
    assert!(sg.ends_with("allowed by https-to-on-prem"), "{sg}");
}
