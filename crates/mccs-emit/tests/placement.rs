//! Placement and hostile text, on `tests/data/placement.yaml`: the lza-data-subnet example with
//! deny rules in the way (on the edge firewall, on a zone firewall under a name with a space, and
//! in the network ACL between used numbers), and justifications and a description written to
//! break out of HCL, `set` commands and YAML.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use mccs_emit::{EmittedFile, Format, Options, emit};
use mccs_model::{Topology, ValidateOptions};
use mccs_request::RequestSet;

fn topology() -> Topology {
    let text = include_str!("data/placement.yaml");
    let checked = mccs_model::check(text, mccs_model::Format::Yaml, &ValidateOptions::default());
    assert!(
        !checked
            .diagnostics
            .iter()
            .any(mccs_model::Diagnostic::is_error),
        "{:?}",
        checked.diagnostics
    );
    checked.topology
}

fn emitted(format: Format) -> Vec<EmittedFile> {
    let t = topology();
    let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
    let set = RequestSet::from_plan(&t, &plan);
    let files = emit(&set, &t, format, &Options::default());
    assert_eq!(
        files,
        emit(&set, &t, format, &Options::default()),
        "deterministic"
    );
    files
}

fn file<'a>(files: &'a [EmittedFile], path: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

#[test]
fn pan_os_moves_rules_above_the_deny_and_stays_set_commands() {
    let files = emitted(Format::PanOs);
    let edge = file(&files, "3pg.set");
    assert!(
        edge.contains(
            "move rulebase security rules MCCS_HLTH_LZA_LIVE_dat123_prod before DENY_ZONE_B\n"
        ),
        "{edge}"
    );
    let zone = file(&files, "zone-b-firewall.set");
    // A rule name with a space is quoted.
    assert!(
        zone.lines().any(|l| {
            l.starts_with("move rulebase security rules MCCS_HLTH_LZA_LIVE_dat123_prod")
                && l.ends_with(" before \"Deny web\"")
        }),
        "{zone}"
    );
    for f in &files {
        for line in f.contents.lines() {
            assert!(
                line.is_empty()
                    || line.starts_with('#')
                    || line.starts_with("set ")
                    || line.starts_with("move rulebase security rules "),
                "{}: injected line {line:?}",
                f.path
            );
            assert!(!line.starts_with("set deviceconfig"), "{}: {line}", f.path);
            assert!(
                !line.starts_with("move rulebase security rules x"),
                "{}: {line}",
                f.path
            );
            // Every quoted string is closed on its line: an even number of quotes.
            if !line.starts_with('#') {
                assert_eq!(line.matches('"').count() % 2, 0, "{}: {line}", f.path);
            }
        }
    }
}

#[test]
fn terraform_numbers_the_acl_rule_below_the_deny_and_resists_injection() {
    let files = emitted(Format::Terraform);
    let nacl = file(&files, "dat123-prod-data-nacl.tf");
    let body: hcl::Body = hcl::from_str(nacl).unwrap();
    let mut numbers = Vec::new();
    for b in body.blocks() {
        assert_ne!(b.identifier(), "null_resource");
        let labels: Vec<&str> = b.labels().iter().map(hcl::BlockLabel::as_str).collect();
        assert!(!labels.contains(&"null_resource"), "{nacl}");
        if labels.first() == Some(&"aws_network_acl_rule") {
            let egress = b
                .body()
                .attributes()
                .find(|a| a.key() == "egress")
                .map(|a| a.expr().clone());
            let number = b
                .body()
                .attributes()
                .find(|a| a.key() == "rule_number")
                .map(|a| a.expr().clone());
            numbers.push((egress, number));
        }
    }
    // The inbound rule goes above deny-zone-b (115), in the free numbers above app-b-in (110).
    assert!(
        numbers.contains(&(
            Some(hcl::Expression::Bool(false)),
            Some(hcl::Expression::Number(114.into()))
        )),
        "{numbers:?}\n{nacl}"
    );
    assert!(nacl.contains("place ABOVE rule deny-zone-b"), "{nacl}");
    for f in &files {
        let body: hcl::Body = hcl::from_str(&f.contents)
            .unwrap_or_else(|e| panic!("{}: {e}\n{}", f.path, f.contents));
        for b in body.blocks() {
            assert!(
                b.labels().iter().all(|l| l.as_str() != "null_resource"),
                "{}",
                f.path
            );
        }
        // Template sequences from the document stay literal text.
        assert!(!f.contents.contains("\"${var.x}"), "{}", f.path);
    }
}

#[test]
fn aerleon_yaml_keeps_its_shape_and_says_where_terms_go() {
    let files = emitted(Format::Aerleon);
    let edge = file(&files, "policies/pol/3pg.yaml");
    assert!(edge.contains("place ABOVE rule DENY_ZONE_B"), "{edge}");
    let allowed = [
        "filters:",
        "  - header:",
        "      comment: \"",
        "      targets:",
        "        juniper: \"",
        "    terms:",
        "      - name: \"",
        "        comment: \"",
        "        source-address: \"",
        "        destination-address: \"",
        "        protocol: \"",
        "        destination-port: \"",
        "        icmp-type: \"",
        "        action: accept",
    ];
    for f in files.iter().filter(|f| f.path.starts_with("policies/")) {
        for line in f.contents.lines() {
            assert!(
                line.starts_with('#') || allowed.iter().any(|a| line.starts_with(a)),
                "{}: unexpected line {line:?}",
                f.path
            );
        }
        // The injected term is text inside a comment, never a term of its own.
        assert!(!f.contents.contains("\n      - name: evil"), "{}", f.path);
    }
    // And Aerleon itself reads the hostile text as comments (when aclgen is installed).
    let aclgen = std::env::var_os("MCCS_ACLGEN")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::split_paths(&std::env::var_os("PATH")?)
                .map(|d| d.join("aclgen"))
                .find(|p| p.is_file())
        });
    let Some(aclgen) = aclgen else {
        eprintln!(
            "SKIPPED: aclgen not installed (pip install aerleon; see .ci/run): hostile text not run through it"
        );
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    for f in &files {
        let p = tmp.path().join("in").join(&f.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, &f.contents).unwrap();
    }
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let run = std::process::Command::new(aclgen)
        .current_dir(tmp.path().join("in"))
        .args([
            "--base_directory",
            "policies",
            "--definitions_directory",
            "def",
            "--output_directory",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let edge = std::fs::read_to_string(out.join("3pg.jcl")).unwrap();
    assert_eq!(edge.matches("then accept;").count(), 3, "{edge}");
}

/// Many flows and objects: every format stays fast (lookups are indexed, names handed out in
/// linear time) and every rule is written.
#[test]
fn many_flows_stay_fast_and_complete() {
    use std::fmt::Write as _;
    let mut text = mccs_model::examples::REFERENCE_YAML
        .split("\nflows:\n")
        .next()
        .unwrap()
        .replace("\nservices:\n", "\nservices_placeholder:\n");
    // Hosts in zone B (142.34.10.0/24), each the destination of a flow on its own port.
    let mut objects = String::new();
    let mut flows = String::from("\nflows:\n");
    for i in 50..250 {
        let _ = writeln!(
            objects,
            "  - {{ kind: host, name: ZB_HOST_{i}, address: 142.34.10.{i} }}"
        );
        let _ = writeln!(
            flows,
            "  - {{ name: flow-{i}, source: abc123-prod, destination: ZB_HOST_{i}, services: [tcp/{}, udp/{}, icmp], justification: \"load {i}\" }}",
            2000 + i,
            3000 + i
        );
    }
    text = text.replace(
        "\nservices_placeholder:\n",
        &format!("\n{objects}services:\n"),
    );
    text.push_str(&flows);
    let checked = mccs_model::check(&text, mccs_model::Format::Yaml, &ValidateOptions::default());
    assert!(
        !checked
            .diagnostics
            .iter()
            .any(mccs_model::Diagnostic::is_error),
        "{:?}",
        checked.diagnostics.first()
    );
    let t = checked.topology;
    let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
    let set = RequestSet::from_plan(&t, &plan);
    for format in mccs_emit::Format::ALL {
        let started = std::time::Instant::now();
        let files = emit(&set, &t, format, &Options::default());
        let took = started.elapsed();
        assert!(took.as_secs() < 5, "{format}: {took:?}");
        let all: String = files.iter().map(|f| f.contents.as_str()).collect();
        for i in [50, 149, 249] {
            assert!(
                all.contains(&format!("{}", 2000 + i)),
                "{format}: flow-{i} missing"
            );
        }
    }
}
