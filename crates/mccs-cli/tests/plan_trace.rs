//! End-to-end tests of `mccs trace`, `mccs plan` and `mccs schema requests`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail the test by panicking

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn mccs() -> Command {
    let mut cmd = Command::cargo_bin("mccs").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("RUST_BACKTRACE")
        .args(["--color", "never"]);
    cmd
}

#[allow(clippy::needless_pass_by_value)] // takes the `Assert` a chain ends with
fn stdout(assert: assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

#[test]
fn plan_on_the_reference_topology_prints_the_seed_example() {
    let md = stdout(
        mccs()
            .args(["plan", "--today", "2026-01-01"])
            .assert()
            .success(),
    );
    assert!(md.contains("## Request 2 of 2: On-premises firewall request"));
    assert!(md.contains(
        "| MCCS_CITZ_ALZ_abc123_prod_VNET | Network IP Range Object | 10.46.8.0/24 | **create**"
    ));
    assert!(md.contains("| 1 | MCCS_CITZ_ALZ_LIVE_abc123_prod | MCCS_CITZ_ALZ_abc123_prod_VNET | CITZ_ORACLE_DB | tcp | 1521 | allow | 3pg | append |"));
    assert!(md.contains("| 2 | MCCS_CITZ_ALZ_LIVE_abc123_prod | MCCS_CITZ_ALZ_abc123_prod_VNET | CITZ_ORACLE_DB | tcp | 1521 | allow | zone-b-firewall | append |"));
    // Deterministic.
    let again = stdout(
        mccs()
            .args(["plan", "--today", "2026-01-01"])
            .assert()
            .success(),
    );
    assert_eq!(md, again);
}

#[test]
fn plan_check_exits_1_when_flows_need_rules_and_json_matches_the_schema_shape() {
    mccs().args(["plan", "--check"]).assert().code(1);
    let json: Value = serde_json::from_str(&stdout(
        mccs().args(["plan", "--format", "json"]).assert().success(),
    ))
    .unwrap();
    assert_eq!(json["requests"].as_array().unwrap().len(), 2);
    let schema: Value = serde_json::from_str(&stdout(
        mccs().args(["schema", "requests"]).assert().success(),
    ))
    .unwrap();
    let props = schema["properties"].as_object().unwrap();
    for key in json.as_object().unwrap().keys() {
        assert!(props.contains_key(key), "{key} not in the requests schema");
    }
}

#[test]
fn plan_with_a_flows_file_of_an_allowed_flow_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let flows = dir.path().join("flows.yaml");
    std::fs::write(
        &flows,
        "version: 1\nflows:\n  - name: claims\n    source: def456-prod\n    destination: hlth-claims-api\n    services: [tcp/443]\n",
    )
    .unwrap();
    let md = stdout(
        mccs()
            .arg("plan")
            .arg("--flows")
            .arg(&flows)
            .arg("--check")
            .assert()
            .success(),
    );
    assert!(md.contains("already allowed"));
    assert!(
        md.contains("0 requests to file") || !md.contains("## Request 1"),
        "{md}"
    );
}

#[test]
fn plan_with_a_broken_flows_file_names_the_line_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let flows = dir.path().join("flows.yaml");
    std::fs::write(
        &flows,
        "version: 1\nflows:\n  - name: x\n    source: abc123-prod\n    destination: no-such-thing\n    services: [tcp/1]\n",
    )
    .unwrap();
    mccs()
        .arg("plan")
        .arg("--flows")
        .arg(&flows)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("flows.yaml:5:18")
                .and(predicate::str::contains("flows[0].destination")),
        )
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn plan_out_dir_writes_one_file_per_request_and_table() {
    let dir = tempfile::tempdir().unwrap();
    mccs()
        .args(["plan", "--format", "csv", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 5, "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.contains("on-prem-firewall-request") && n.contains("traffic"))
    );
    assert!(names.iter().any(|n| n.contains("objects")));
}

#[test]
fn trace_shows_every_path_and_check_reports_denied_flows() {
    let out = stdout(
        mccs()
            .args([
                "trace",
                "--from",
                "abc123-prod",
                "--to",
                "citz-oracle-db",
                "--port",
                "1521",
                "--today",
                "2026-01-01",
            ])
            .assert()
            .success(),
    );
    assert!(out.contains("path 1 (primary): delivered"));
    assert!(out.contains("path 2 (failover): delivered"));
    assert!(out.contains("expressroute-secondary"));
    assert!(out.contains(
        "partial: allowed by MCCS_CITZ_ALZ_LIVE_abc123_prod_PILOT; left out: 10.46.8.128/25"
    ));
    mccs()
        .args([
            "trace",
            "--from",
            "abc123-prod",
            "--to",
            "citz-oracle-db",
            "--port",
            "1521",
            "--check",
        ])
        .assert()
        .code(1);
    mccs()
        .args([
            "trace",
            "--from",
            "def456-prod",
            "--to",
            "hlth-claims-api",
            "--port",
            "443",
            "--check",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("ALLOWED on every path"));
}

#[test]
fn trace_json_and_private_link_translation() {
    let dir = tempfile::tempdir().unwrap();
    let topo = dir.path().join("x.yaml");
    std::fs::write(&topo, mccs_model::examples::CROSS_CLOUD_YAML).unwrap();
    let json: Value = serde_json::from_str(&stdout(
        mccs()
            .arg("--topology")
            .arg(&topo)
            .args([
                "trace",
                "--from",
                "api001-prod",
                "--to",
                "AZURE_PAYMENTS_APP",
                "--port",
                "443",
                "--format",
                "json",
            ])
            .assert()
            .success(),
    ))
    .unwrap();
    let hops = json[0]["paths"][0]["hops"].as_array().unwrap();
    let fw = hops
        .iter()
        .find(|h| h["node"] == "cross-cloud-firewall")
        .unwrap();
    assert_eq!(fw["source"]["set"][0], "10.250.0.10/31");
}

#[test]
fn trace_usage_and_unknown_ends() {
    mccs()
        .args([
            "trace",
            "--from",
            "abc123-prod",
            "--to",
            "citz-oracle-db",
            "--port",
            "0",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--proto/--port"));
    mccs()
        .args([
            "trace",
            "--from",
            "abc123-prod",
            "--to",
            "nowhere",
            "--port",
            "1",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("`nowhere` is not in the topology"));
}

#[test]
fn trace_prints_hops_from_the_end_that_opens_the_connection() {
    // The warehouse opens the connection to the VNet: the first hop is the warehouse.
    let out = stdout(
        mccs()
            .args(["trace", "--from", "data-warehouse", "--to", "abc123-prod"])
            .args(["--port", "443", "--today", "2026-01-01"])
            .assert()
            .success(),
    );
    let first_hop = out
        .lines()
        .find(|l| l.starts_with("  ") && !l.trim_start().starts_with("node"))
        .unwrap();
    assert!(
        first_hop.trim_start().starts_with("data-warehouse"),
        "{out}"
    );
    assert!(out.starts_with(
        "flow 142.34.20.15/32 (data-warehouse) -> 10.46.8.0/24 (abc123-prod) on tcp/443 (inbound: opened toward abc123-prod)"
    ));
    // Stating the wrong side is refused, not swapped.
    mccs()
        .args(["trace", "--from", "abc123-prod", "--to", "data-warehouse"])
        .args(["--initiator", "on-prem"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("swap `source` and `destination`"));
}

#[test]
fn trace_of_a_blocked_flow_exits_1_without_check() {
    // No ExpressRoute: the cloud firewall has no route to the on-prem zone.
    let no_link = "\
version: 1
channels:
  - {name: req, title: Request, filed_by: team, handled_by: network}
firewalls:
  - {name: azure-fw, kind: cloud, platform: azure-alz, owner: cloud, channel: req}
  - {name: 3pg, kind: edge, owner: net, channel: req}
  - {name: zone-fw, kind: zone, owner: net, channel: req}
project_sets:
  - license_plate: abc123
    ministry: CITZ
    platform: azure-alz
    environments:
      prod: {account: sub, region: canadacentral, address_space: [10.46.8.0/24]}
on_prem:
  edge_firewall: 3pg
  zones:
    - {name: zone-b, firewall: zone-fw, networks: [142.34.10.0/24]}
";
    let out = stdout(
        mccs()
            .args(["--topology", "-", "trace", "--from", "abc123-prod"])
            .args(["--to", "142.34.10.25"])
            .write_stdin(no_link)
            .assert()
            .code(1),
    );
    assert!(
        out.contains("no route to 142.34.10.25/32 at azure-fw"),
        "{out}"
    );
    assert!(out.contains("=> BLOCKED"), "{out}");
    // A flow that only needs rules exits 0 without --check, 1 with it.
    mccs()
        .args(["trace", "--from", "abc123-prod", "--to", "citz-oracle-db"])
        .args(["--port", "1521", "--today", "2026-01-01"])
        .assert()
        .success();
    mccs()
        .args(["trace", "--from", "abc123-prod", "--to", "citz-oracle-db"])
        .args(["--port", "1521", "--today", "2026-01-01", "--check"])
        .assert()
        .code(1);
}

#[test]
fn plan_with_a_vocabulary_file_speaks_the_team_words() {
    let dir = tempfile::tempdir().unwrap();
    let words = dir.path().join("words.json");
    std::fs::write(
        &words,
        r#"{"on_prem": {"name": "stms", "object_table": "Objects to add", "traffic_table": "Rules to add",
            "network_object": "Network IP Range Object", "host_object": "Host Object",
            "range_object": "Address Range Object", "group_object": "Group Object"}}"#,
    )
    .unwrap();
    let md = stdout(
        mccs()
            .args(["plan", "--today", "2026-01-01", "--vocabulary"])
            .arg(&words)
            .assert()
            .success(),
    );
    assert!(md.contains("### Objects to add\n"), "{md}");
    assert!(md.contains("### Rules to add\n"), "{md}");

    std::fs::write(&words, "{\"on_prem\": {\"name\": 1}}").unwrap();
    mccs()
        .args(["plan", "--vocabulary"])
        .arg(&words)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("words.json")
                .and(predicate::str::contains("line 1"))
                .and(predicate::str::contains("panicked").not()),
        );
}

/// CSV files written with `--out` start with a UTF-8 byte order mark (spreadsheets read
/// non-ASCII names right); `--no-csv-bom` leaves it out; standard output never has one.
#[test]
fn plan_csv_files_start_with_a_byte_order_mark_unless_told_not_to() {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let topology = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/reference.yaml");
    let base = [
        "plan",
        "--topology",
        topology,
        "--today",
        "2026-01-01",
        "--format",
        "csv",
    ];
    let marked = tempfile::tempdir().unwrap();
    mccs()
        .args(base)
        .arg("--out")
        .arg(marked.path())
        .assert()
        .success();
    let plain = tempfile::tempdir().unwrap();
    mccs()
        .args(base)
        .arg("--out")
        .arg(plain.path())
        .arg("--no-csv-bom")
        .assert()
        .success();
    let mut files = 0;
    for entry in std::fs::read_dir(marked.path()).unwrap() {
        let name = entry.unwrap().file_name();
        let with = std::fs::read(marked.path().join(&name)).unwrap();
        let without = std::fs::read(plain.path().join(&name)).unwrap();
        assert!(with.starts_with(BOM), "{name:?}");
        assert!(!without.starts_with(BOM), "{name:?}");
        assert_eq!(&with[BOM.len()..], &without[..], "{name:?}");
        files += 1;
    }
    assert_eq!(files, 5);
    let out = mccs().args(base).assert().success();
    let text = &out.get_output().stdout;
    assert!(!text.windows(3).any(|w| w == BOM));
    assert!(text.starts_with(b"# file: summary.csv\nFlow,Direction,"));
    // Without --out there is nothing to leave the mark out of.
    mccs()
        .args(base)
        .arg("--no-csv-bom")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--out"));
}
