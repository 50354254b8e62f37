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
            .args(["plan", "--example", "--today", "2026-01-01"])
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
            .args(["plan", "--example", "--today", "2026-01-01"])
            .assert()
            .success(),
    );
    assert_eq!(md, again);
}

#[test]
fn plan_check_exits_3_when_flows_need_rules_and_json_matches_the_schema_shape() {
    mccs()
        .args(["plan", "--example", "--check"])
        .assert()
        .code(3);
    let json: Value = serde_json::from_str(&stdout(
        mccs()
            .args(["plan", "--example", "--format", "json"])
            .assert()
            .success(),
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
            .args(["plan", "--example"])
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
        .args(["plan", "--example"])
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
        .args(["plan", "--example", "--format", "csv", "--out"])
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
                "--example",
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
            "--example",
            "--from",
            "abc123-prod",
            "--to",
            "citz-oracle-db",
            "--port",
            "1521",
            "--check",
        ])
        .assert()
        .code(3);
    mccs()
        .args([
            "trace",
            "--example",
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
            .arg("trace")
            .arg("--topology")
            .arg(&topo)
            .args([
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
            "--example",
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
            "--example",
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
            .args([
                "trace",
                "--example",
                "--from",
                "data-warehouse",
                "--to",
                "abc123-prod",
            ])
            .args(["--port", "443", "--today", "2026-01-01"])
            .assert()
            .success(),
    );
    let first_hop = out
        .lines()
        .find(|l| l.trim_start().starts_with("1. "))
        .unwrap();
    assert_eq!(first_hop, "  1. data-warehouse (on-prem endpoint)", "{out}");
    assert!(out.starts_with(
        "flow data-warehouse -> abc123-prod (inbound: opened toward abc123-prod)\n  source       142.34.20.15/32 (data-warehouse)\n  destination  10.46.8.0/24 (abc123-prod)\n  services     tcp/443\n"
    ), "{out}"); // Stating the wrong side is refused, not swapped.
    mccs()
        .args([
            "trace",
            "--example",
            "--from",
            "abc123-prod",
            "--to",
            "data-warehouse",
        ])
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
            .args(["trace", "--topology", "-", "--from", "abc123-prod"])
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
    // A flow that only needs rules exits 0 without --check, 3 with it.
    mccs()
        .args([
            "trace",
            "--example",
            "--from",
            "abc123-prod",
            "--to",
            "citz-oracle-db",
        ])
        .args(["--port", "1521", "--today", "2026-01-01"])
        .assert()
        .success();
    mccs()
        .args([
            "trace",
            "--example",
            "--from",
            "abc123-prod",
            "--to",
            "citz-oracle-db",
        ])
        .args(["--port", "1521", "--today", "2026-01-01", "--check"])
        .assert()
        .code(3);
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
            .args(["plan", "--example", "--today", "2026-01-01", "--vocabulary"])
            .arg(&words)
            .assert()
            .success(),
    );
    assert!(md.contains("### Objects to add\n"), "{md}");
    assert!(md.contains("### Rules to add\n"), "{md}");

    std::fs::write(&words, "{\"on_prem\": {\"name\": 1}}").unwrap();
    mccs()
        .args(["plan", "--example", "--vocabulary"])
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

/// `plan --check` and `trace --check` tell the three answers apart: 0 all allowed, 3 rules to
/// request, 1 blocked (which no request can fix, and the output says so).
#[test]
fn check_exit_codes_tell_allowed_needs_rules_and_blocked_apart() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, flow: &str| {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!("version: 1\nflows:\n  - name: f\n{flow}    services: [tcp/443]\n"),
        )
        .unwrap();
        path
    };
    let allowed = write(
        "allowed.yaml",
        "    source: def456-prod\n    destination: hlth-claims-api\n",
    );
    let needs = write(
        "needs.yaml",
        "    source: abc123-prod\n    destination: 142.34.10.0/24\n",
    );
    // Unknown address: 192.0.2.0/24 is in no network of the reference topology.
    let blocked = write(
        "blocked.yaml",
        "    source: abc123-prod\n    destination: 192.0.2.0/24\n",
    );
    for (flows, code) in [(&allowed, 0), (&needs, 3), (&blocked, 1)] {
        mccs()
            .args([
                "plan",
                "--example",
                "--today",
                "2026-01-01",
                "--check",
                "--flows",
            ])
            .arg(flows)
            .assert()
            .code(code);
    }
    // Without --check a flow that needs rules is a success, a blocked one is not.
    mccs()
        .args(["plan", "--example", "--flows"])
        .arg(&needs)
        .assert()
        .code(0);
    let md = stdout(
        mccs()
            .args(["plan", "--example", "--flows"])
            .arg(&blocked)
            .assert()
            .code(1),
    );
    assert!(!md.contains("Nothing to file"), "{md}");
    assert!(
        md.contains("1 of 1 flow is **blocked** by something no firewall rule can fix"),
        "{md}"
    );
    let row = md.lines().find(|l| l.starts_with("| f |")).unwrap();
    // Unknown address: the summary says why, and what to do.
    assert!(
        row.contains("| blocked |") && row.contains("is in no network of the topology"),
        "{row}"
    );

    for (to, code) in [
        ("hlth-claims-api", 0),
        ("142.34.10.0/24", 3),
        ("192.0.2.1", 1),
    ] {
        let from = if to == "hlth-claims-api" {
            "def456-prod"
        } else {
            "abc123-prod"
        };
        mccs()
            .args(["trace", "--example", "--port", "443", "--check"])
            .args(["--today", "2026-01-01", "--from", from, "--to", to])
            .assert()
            .code(code);
    }
}

/// `--example` is said on standard error and in every request format; a topology file is not
/// marked.
#[test]
fn example_output_is_marked_as_the_example() {
    let out = mccs()
        .args(["plan", "--example", "--today", "2026-01-01"])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("mccs: note: this output is for the built-in reference example topology"),
        "{err}"
    );
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.starts_with("# Firewall change requests\n\n> **EXAMPLE: this output is for the built-in reference example topology"),
        "{md}"
    );
    let json: Value = serde_json::from_str(&stdout(
        mccs()
            .args(["plan", "--example", "cross-cloud", "--format", "json"])
            .assert()
            .success(),
    ))
    .unwrap();
    assert!(
        json["banner"]
            .as_str()
            .unwrap()
            .contains("built-in cross-cloud example topology"),
        "{json}"
    );
    let html = stdout(
        mccs()
            .args(["plan", "--example", "--format", "html"])
            .assert()
            .success(),
    );
    assert!(html.contains("<p class=\"banner\""), "{html}");
    let csv = stdout(
        mccs()
            .args(["plan", "--example", "--format", "csv"])
            .assert()
            .success(),
    );
    let mut lines = csv
        .lines()
        .skip_while(|l| !l.starts_with("# file: summary.csv"));
    lines.next();
    assert!(lines.next().unwrap().starts_with("Flow,"));
    // The banner holds a comma, so it is quoted.
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("\"EXAMPLE: this output is for the built-in")
    );

    let dir = tempfile::tempdir().unwrap();
    let topo = dir.path().join("t.yaml");
    std::fs::write(&topo, mccs_model::examples::REFERENCE_YAML).unwrap();
    let out = mccs().args(["plan", "-t"]).arg(&topo).output().unwrap();
    assert!(out.stderr.is_empty());
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(!md.contains("EXAMPLE"), "{md}");
}

/// Every trace of the reference topology's flows fits 80 and 100 columns (counted in
/// characters), and `--width` is honoured; the text is golden at 80 columns.
#[test]
fn trace_fits_the_width() {
    let pairs = [
        ("abc123-prod", "citz-oracle-db", "1521"),
        ("def456-prod", "hlth-claims-api", "443"),
        ("data-warehouse", "abc123-prod", "443"),
        ("abc123-prod", "142.34.10.0/24", "443"),
    ];
    for width in [80, 100] {
        for (from, to, port) in pairs {
            let out = stdout(
                mccs()
                    .args(["trace", "--example", "--today", "2026-01-01"])
                    .args(["--from", from, "--to", to, "--port", port])
                    .args(["--initiator", "both", "--width", &width.to_string()])
                    .assert()
                    .success(),
            );
            assert!(out.lines().count() > 10, "{out}");
            for line in out.lines() {
                assert!(
                    line.chars().count() <= width,
                    "{from} -> {to} at {width}: {} characters:\n{line}",
                    line.chars().count()
                );
            }
        }
    }
    // Not a terminal and no --width: 100 columns, which the oracle verdict line needs more than
    // 80 of.
    let default = stdout(
        mccs()
            .args([
                "trace",
                "--example",
                "--from",
                "abc123-prod",
                "--to",
                "citz-oracle-db",
            ])
            .args(["--port", "1521", "--today", "2026-01-01"])
            .assert()
            .success(),
    );
    let widest = default.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest > 80 && widest <= 100, "{widest}");
    // Too narrow to be useful: a usage error.
    mccs()
        .args([
            "trace",
            "--example",
            "--from",
            "a",
            "--to",
            "b",
            "--width",
            "20",
        ])
        .assert()
        .code(2);
}

/// A name longer than the width is never split: it stands alone on its line (after the
/// indent or the hop number), and only such lines are wider than the width.
#[test]
fn trace_keeps_a_hostile_long_name_whole() {
    let long = format!("citz-oracle-db-{}", "x".repeat(110));
    let dir = tempfile::tempdir().unwrap();
    let topo = dir.path().join("long.yaml");
    std::fs::write(
        &topo,
        mccs_model::examples::REFERENCE_YAML.replace("citz-oracle-db", &long),
    )
    .unwrap();
    let out = stdout(
        mccs()
            .arg("trace")
            .arg(&topo)
            .args(["--from", "abc123-prod", "--to", &long, "--port", "1521"])
            .args(["--today", "2026-01-01", "--width", "80"])
            .assert()
            .success(),
    );
    let mut wide = 0;
    for line in out.lines().filter(|l| l.chars().count() > 80) {
        let words: Vec<&str> = line
            .split_whitespace()
            .filter(|w| !(w.ends_with('.') && w.trim_end_matches('.').parse::<usize>().is_ok()))
            .collect();
        assert_eq!(
            words.len(),
            1,
            "more than the long word on a wide line:\n{line}"
        );
        assert!(words[0].contains(&long), "{line}");
        wide += 1;
    }
    assert!(wide >= 3, "the long name appears whole:\n{out}");
}

/// `plan --format html` draws each flow's paths (one inline SVG per flow and direction, traced
/// again since the plan keeps no hops); `--no-pictures` leaves them out; the other formats
/// never have them, with or without the flag.
#[test]
fn plan_html_has_a_picture_per_flow_and_direction_unless_turned_off() {
    let html = stdout(
        mccs()
            .args(["plan", "--example", "--format", "html"])
            .assert()
            .success(),
    );
    assert_eq!(html.matches("<svg xmlns=").count(), 4, "{html}");
    assert!(html.contains("<h2>Paths</h2>"));
    assert!(html.contains(
        "<figcaption><span class=\"name\">warehouse-pulls-forms</span> (inbound)</figcaption>"
    ));
    let off = stdout(
        mccs()
            .args(["plan", "--example", "--format", "html", "--no-pictures"])
            .assert()
            .success(),
    );
    assert!(
        !off.contains("<svg") && !off.contains("<h2>Paths</h2>"),
        "{off}"
    );
    for format in ["markdown", "json", "csv"] {
        let with = stdout(
            mccs()
                .args(["plan", "--example", "--format", format])
                .assert()
                .success(),
        );
        let without = stdout(
            mccs()
                .args(["plan", "--example", "--format", format, "--no-pictures"])
                .assert()
                .success(),
        );
        assert_eq!(with, without, "{format}");
        assert!(!with.contains("<svg"), "{format}");
    }
}
