//! End-to-end tests: the built `mccs` binary, its output and its exit codes.

// Helpers outside `#[test]` functions fail the test on unexpected I/O errors, as tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use mccs_model::{Format, ValidateOptions, check, examples};
use predicates::prelude::*;
use serde_json::Value;

/// The binary, run from the crate directory with a fixed environment.
fn mccs() -> Command {
    let mut cmd = Command::cargo_bin("mccs").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("RUST_BACKTRACE")
        .env("COLUMNS", "100");
    cmd
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

/// A topology with several independent errors, each in an element that is still read (so every
/// finding's path is into the document as written) plus one warning.
const BROKEN: &str = "\
version: 1
ministries: [CITZ]
channels:
  - name: cfr
    title: Cloud firewall change request
    filed_by: Project team
    handled_by: Public Cloud Team
firewalls:
  - name: aws-fw
    kind: cloud
    platform: aws-lza
    owner: Public Cloud Team
    channel: no-such-channel
    rules:
      - name: MCCS_CITZ_LZA_LIVE_abc123_prod
        sources: [10.0.0.0/24]
        destinations: [any]
        services: [tcp/443]
        action: allow
        expires: 2020-01-01
project_sets:
  - license_plate: def456
    ministry: HLTH
    platform: aws-lza
    environments:
      prod:
        account: \"1111\"
        region: ca-central-1
        address_space: [10.0.0.1/24]
      dev:
        account: \"1112\"
        region: ca-central-1
        address_space: [10.0.0.0/23]
";

fn broken_file() -> tempfile::NamedTempFile {
    let f = tempfile::Builder::new().suffix(".yaml").tempfile().unwrap();
    std::fs::write(f.path(), BROKEN).unwrap();
    f
}

// ---------------------------------------------------------------------------------------------
// validate

#[test]
fn validate_the_example_only_when_asked() {
    mccs()
        .args(["validate", "--example"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "<reference>: valid: 3 Project Sets",
        ))
        .stderr(predicate::str::starts_with("mccs: note: ").and(predicate::str::contains(
            "built-in reference example topology: its names, addresses and URLs are illustrative",
        )));
    mccs()
        .args(["validate", "--example", "cross-cloud"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("<cross-cloud>: valid"));
}

/// Never answer a question that was not asked: every command that reads a topology needs one
/// (or `--example`), and says how to give it in one line.
#[test]
fn no_topology_is_a_usage_error_that_says_how_to_fix_it() {
    for args in [
        &["validate"][..],
        &["plan"],
        &["trace", "--from", "abc123-prod", "--to", "citz-oracle-db"],
        &["names", "check"],
        &["retire", "--environment", "abc123-prod"],
        &["expired"],
    ] {
        let out = mccs().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            out.stdout.is_empty(),
            "{args:?}: nothing on standard output"
        );
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
        assert!(
            err.starts_with("mccs: no topology given: ")
                && err.contains("-t topology.yaml")
                && err.contains("--example"),
            "{args:?}: {err}"
        );
    }
}

/// The topology is accepted the same way by every command that reads one: as an argument or
/// with `-t`/`--topology` after the command; commands that read none do not offer `-t`.
#[test]
fn every_topology_command_takes_it_positionally_or_with_t() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    std::fs::write(&path, examples::REFERENCE_YAML).unwrap();
    let trace = [
        "trace",
        "--from",
        "def456-prod",
        "--to",
        "hlth-claims-api",
        "--port",
        "443",
    ];
    for args in [
        &["validate"][..],
        &["plan"],
        &trace,
        &["names", "check", "--mccs-only"],
        &["retire", "--environment", "def456-prod"],
        &["expired", "--today", "2040-01-01"],
    ] {
        let positional = mccs().args(args).arg(&path).output().unwrap();
        let flag = mccs().args(args).arg("-t").arg(&path).output().unwrap();
        assert_ne!(
            positional.status.code(),
            Some(2),
            "{args:?}: {positional:?}"
        );
        assert_eq!(positional.status.code(), flag.status.code(), "{args:?}");
        assert_eq!(positional.stdout, flag.stdout, "{args:?}");
        assert!(!positional.stdout.is_empty(), "{args:?}");
    }
    for args in [
        &["example"][..],
        &["schema", "topology"],
        &["completions", "bash"],
    ] {
        mccs()
            .args(args)
            .arg("-t")
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("unexpected argument '-t'"));
        let help = stdout_of(mccs().args(args.get(..1).unwrap_or_default()).arg("--help"));
        assert!(
            !help.contains("--topology"),
            "{args:?} lists --topology:\n{help}"
        );
    }
    // The help of -t is a whole sentence.
    let help = stdout_of(mccs().args(["plan", "--help"]));
    assert!(
        help.contains("Required unless --example is given"),
        "{help}"
    );
}

#[test]
fn validate_both_examples_from_files() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in examples::ALL {
        let path = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&path, text).unwrap();
        mccs()
            .arg("validate")
            .arg(&path)
            .assert()
            .code(0)
            .stderr("");
        mccs()
            .arg("validate")
            .arg("--topology")
            .arg(&path)
            .assert()
            .code(0);
        mccs().args(["validate", "-t"]).arg(&path).assert().code(0);
    }
}

#[test]
fn validate_reports_every_error_with_its_path() {
    let f = broken_file();
    let expected = check(
        BROKEN,
        Format::Yaml,
        &ValidateOptions::default().with_today("2025-01-01".parse().unwrap()),
    );
    assert!(
        expected.diagnostics.len() >= 4,
        "{:#?}",
        expected.diagnostics
    );
    let out = mccs()
        .arg("validate")
        .arg(f.path())
        .args(["--today", "2025-01-01", "--color", "never"])
        .assert()
        .code(1)
        .stderr("")
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    for d in &expected.diagnostics {
        assert!(
            out.contains(&format!(": {}: ", d.path)),
            "missing {}:\n{out}",
            d.path
        );
    }
    let name = f.path().display().to_string();
    // Plain lines: file:line:col: severity: path: message.
    assert!(
        out.contains(&format!(
            "{name}:13:14: error: firewalls[0].channel: unknown channel `no-such-channel`"
        )),
        "{out}"
    );
    assert!(
        out.contains("warning: firewalls[0].rules[0].expires: rule"),
        "{out}"
    );
    assert!(
        out.ends_with(&format!("{name}: 4 errors, 1 warning\n")),
        "{out}"
    );
}

#[test]
fn validate_json_lists_every_finding() {
    let f = broken_file();
    let out = stdout_of(mccs().arg("validate").arg(f.path()).args([
        "--today",
        "2025-01-01",
        "--format",
        "json",
    ]));
    let v: Value = serde_json::from_str(&out).unwrap();
    let findings = v.as_array().unwrap();
    let expected = check(
        BROKEN,
        Format::Yaml,
        &ValidateOptions::default().with_today("2025-01-01".parse().unwrap()),
    );
    assert_eq!(findings.len(), expected.diagnostics.len());
    let name = f.path().display().to_string();
    for (j, d) in findings.iter().zip(&expected.diagnostics) {
        assert_eq!(j["file"], name.as_str());
        assert_eq!(j["path"], d.path.to_string().as_str());
        assert_eq!(j["message"], d.problem.to_string().as_str());
        assert!(j["severity"] == "error" || j["severity"] == "warning");
        assert!(j["problem"]["kind"].is_string());
        assert!(j["location"]["line"].is_u64());
    }
    mccs()
        .arg("validate")
        .arg(f.path())
        .args(["--today", "2025-01-01", "--format", "json"])
        .assert()
        .code(1);
}

#[test]
fn validate_json_of_a_clean_topology_is_an_empty_array() {
    mccs()
        .args([
            "validate",
            "--example",
            "--format",
            "json",
            "--today",
            "2025-01-01",
        ])
        .assert()
        .code(0)
        .stdout("[]\n");
}

#[test]
fn validate_graphical_report_shows_the_source() {
    let f = broken_file();
    let out = stdout_of(mccs().arg("validate").arg(f.path()).args([
        "--today",
        "2025-01-01",
        "--color",
        "always",
    ]));
    assert!(out.contains("channel: no-such-channel"), "{out}");
    assert!(out.contains("firewalls[0].channel"), "{out}");
    assert!(out.contains("mccs::unknown-reference"), "{out}");
    assert!(out.contains("\u{1b}["), "colour escapes expected: {out}");
}

#[test]
fn warnings_alone_do_not_fail() {
    // The reference topology has a rule that expires on 2030-03-31.
    mccs()
        .args([
            "validate",
            "--example",
            "--today",
            "2031-01-01",
            "--color",
            "never",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "warning: firewalls[1].rules[0].expires",
        ))
        .stdout(predicate::str::contains("; 1 warning"));
}

#[test]
fn validate_reads_json_toml_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("t.json");
    std::fs::write(&json, "{\"version\": 1,\n \"project_sets\": 3}\n").unwrap();
    mccs()
        .arg("validate")
        .arg(&json)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "t.json:2:18: error: project_sets: ",
        ));
    let toml = dir.path().join("t.toml");
    std::fs::write(&toml, "version = 1\nflows = [\n").unwrap();
    mccs()
        .arg("validate")
        .arg(&toml)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error: (document): syntax error"));
    mccs()
        .args(["validate", "-t", "-"])
        .write_stdin(examples::CROSS_CLOUD_YAML)
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("<stdin>: valid: 1 Project Set"));
}

#[test]
fn validate_json_is_deterministic() {
    let f = broken_file();
    let run = || {
        mccs()
            .arg("validate")
            .arg(f.path())
            .args(["--today", "2025-01-01", "--format", "json"])
            .output()
            .unwrap()
            .stdout
    };
    let first = run();
    assert!(!first.is_empty());
    assert_eq!(first, run());
}

// ---------------------------------------------------------------------------------------------
// Unusable input: one line on stderr, exit 2, never a panic.

fn assert_one_line_exit_2(cmd: &mut Command, file: &str, what: &str) {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with(&format!("mccs: {file}: ")), "{stderr}");
    assert!(stderr.contains(what), "{stderr}");
    assert!(stderr.contains("; "), "advice expected: {stderr}");
    let lower = stderr.to_lowercase();
    assert!(
        !lower.contains("panicked") && !lower.contains("backtrace"),
        "{stderr}"
    );
}

#[test]
fn missing_file() {
    assert_one_line_exit_2(
        mccs().args(["validate", "no/such/topology.yaml"]),
        "no/such/topology.yaml",
        "no such file",
    );
}

#[test]
fn directory() {
    let dir = tempfile::tempdir().unwrap();
    let name = dir.path().display().to_string();
    assert_one_line_exit_2(
        mccs().arg("validate").arg(dir.path()),
        &name,
        "is a directory",
    );
}

#[test]
fn empty_and_blank_files() {
    for (content, what) in [("", "is empty"), ("  \n\t\n  ", "holds only whitespace")] {
        let f = tempfile::Builder::new().suffix(".yaml").tempfile().unwrap();
        std::fs::write(f.path(), content).unwrap();
        let name = f.path().display().to_string();
        assert_one_line_exit_2(mccs().arg("validate").arg(f.path()), &name, what);
    }
}

#[test]
fn non_utf8_file() {
    let f = tempfile::Builder::new().suffix(".yaml").tempfile().unwrap();
    std::fs::write(f.path(), b"version: 1\nname: caf\xe9\n").unwrap();
    let name = f.path().display().to_string();
    assert_one_line_exit_2(
        mccs().arg("validate").arg(f.path()),
        &name,
        "is not UTF-8 text (invalid byte at line 2, column 10)",
    );
}

#[test]
fn huge_file() {
    let f = tempfile::Builder::new().suffix(".yaml").tempfile().unwrap();
    // Sparse: no disk space used, and the size check refuses it before reading.
    f.as_file().set_len(mccs_cli::MAX_INPUT_BYTES + 1).unwrap();
    let name = f.path().display().to_string();
    assert_one_line_exit_2(
        mccs().arg("validate").arg(f.path()),
        &name,
        "over the 64 MiB input limit",
    );
}

#[test]
fn unusable_input_for_other_commands_too() {
    assert_one_line_exit_2(
        mccs().args(["names", "check", "-t", "nope.yaml"]),
        "nope.yaml",
        "no such file",
    );
    assert_one_line_exit_2(
        mccs().args([
            "import",
            "aws-vpcs",
            "nope.json",
            "--region",
            "ca-central-1",
        ]),
        "nope.json",
        "no such file",
    );
    let f = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    let name = f.path().display().to_string();
    assert_one_line_exit_2(
        mccs().args(["import", "azure-vnets"]).arg(f.path()),
        &name,
        "is empty",
    );
    std::fs::write(f.path(), "{\"Vpcs\": [").unwrap();
    assert_one_line_exit_2(
        mccs()
            .args(["import", "aws-vpcs", "--region", "ca-central-1"])
            .arg(f.path()),
        &name,
        "is not JSON",
    );
    std::fs::write(f.path(), "{\"value\": []}").unwrap();
    assert_one_line_exit_2(
        mccs().args(["import", "azure-vnets"]).arg(f.path()),
        &name,
        "is not the output of `az network vnet list`",
    );
}

// ---------------------------------------------------------------------------------------------
// Usage errors and help

#[test]
fn usage_errors_exit_2() {
    mccs().assert().code(2);
    mccs().arg("no-such-command").assert().code(2);
    mccs()
        .args(["validate", "--today", "2025-13-01"])
        .assert()
        .code(2);
    mccs().args(["schema"]).assert().code(2);
    mccs()
        .args(["import", "aws-vpcs", "x.json"])
        .assert()
        .code(2); // --region is required
    mccs()
        .args([
            "import",
            "aws-vpcs",
            "x.json",
            "--region",
            "r",
            "--non-routable",
            "10.10.0.1/16",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("host bits"));
    mccs()
        .args(["validate", "a.yaml", "--topology", "b.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
    mccs()
        .args(["plan", "--example", "-t", "b.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn help_documents_exit_codes() {
    mccs()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Exit codes:"))
        .stdout(predicate::str::contains("  101  internal error"))
        .stdout(predicate::str::contains(
            "  3    with --check (plan, trace): no flow is blocked",
        ));
    mccs()
        .arg("--version")
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("mccs "));
}

// ---------------------------------------------------------------------------------------------
// example, schema, completions

#[test]
fn example_prints_the_embedded_text() {
    mccs()
        .arg("example")
        .assert()
        .code(0)
        .stdout(examples::REFERENCE_YAML);
    mccs()
        .args(["example", "reference"])
        .assert()
        .code(0)
        .stdout(examples::REFERENCE_YAML);
    mccs()
        .args(["example", "cross-cloud"])
        .assert()
        .code(0)
        .stdout(examples::CROSS_CLOUD_YAML);
}

#[test]
fn schema_is_json() {
    let out = stdout_of(mccs().args(["schema", "topology"]));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["title"], "Topology");
    assert!(v["properties"]["project_sets"].is_object());
}

#[test]
fn completions() {
    let out = stdout_of(mccs().args(["completions", "bash"]));
    assert!(out.contains("mccs"), "{out}");
    assert!(out.contains("validate"));
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        mccs()
            .args(["completions", shell])
            .assert()
            .code(0)
            .stdout(predicate::str::is_empty().not());
    }
}

// ---------------------------------------------------------------------------------------------
// names check

#[test]
fn names_check_reports_each_finding_on_a_line() {
    let out = mccs()
        .args(["names", "check", "--example"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains(
            "firewall azure-cloud-firewall rule 0 `MCCS_CITZ_ALZ_LIVE_abc123_prod_PILOT`: part 7"
        ),
        "{out}"
    );
    assert!(out.contains("firewall 3pg rule 0 `DENY_TELNET`: "), "{out}");
    assert!(
        out.ends_with("<reference>: 2 naming findings in 5 rules on 6 firewalls\n"),
        "{out}"
    );

    let out = stdout_of(mccs().args([
        "names",
        "check",
        "--example",
        "--mccs-only",
        "--format",
        "json",
    ]));
    let v: Value = serde_json::from_str(&out).unwrap();
    let findings = v.as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["firewall"], "azure-cloud-firewall");
    assert_eq!(findings[0]["rule"], 0);
    assert_eq!(findings[0]["path"], "firewalls[1].rules[0].name");
    assert_eq!(findings[0]["finding"]["finding"], "invalid");
}

#[test]
fn names_check_clean_rulebase_exits_0() {
    let f = tempfile::Builder::new().suffix(".yaml").tempfile().unwrap();
    let text = examples::REFERENCE_YAML
        .replace(
            "MCCS_CITZ_ALZ_LIVE_abc123_prod_PILOT",
            "MCCS_CITZ_ALZ_LIVE_abc123_prod",
        )
        .replace("DENY_TELNET", "MCCS_HLTH_LZA_LIVE_def456_prod_IN");
    std::fs::write(f.path(), text).unwrap();
    mccs()
        .args(["names", "check", "-t"])
        .arg(f.path())
        .assert()
        .code(0)
        .stdout(predicate::str::ends_with(
            ": 0 naming findings in 5 rules on 6 firewalls\n",
        ));
}

#[test]
fn names_check_needs_a_valid_topology() {
    let f = broken_file();
    let out = mccs()
        .args(["names", "check", "-t"])
        .arg(f.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("error: firewalls[0].channel"), "{stderr}");
    assert!(
        stderr.ends_with("errors; fix them first (`mccs validate` shows them)\n"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// import

/// The document must read back without a single finding.
fn assert_loads_clean(yaml: &str) {
    let checked = check(yaml, Format::Yaml, &ValidateOptions::default());
    let found: Vec<String> = checked
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(found.is_empty(), "{found:#?}\n{yaml}");
    assert!(!checked.topology.project_sets.is_empty());
}

#[test]
fn import_aws_vpcs() {
    let out = mccs()
        .args([
            "import",
            "aws-vpcs",
            "tests/data/aws-describe-vpcs.json",
            "--region",
            "ca-central-1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "some VPCs cannot be mapped");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_loads_clean(&stdout);
    expect_file("import_aws_vpcs.yaml", &stdout);
    expect_file("import_aws_vpcs_stderr.txt", &stderr);
    // Every VPC is either in the output or named as left out.
    for id in [
        "vpc-0e9801d129EXAMPLE",
        "vpc-06e4ab6c6cEXAMPLE",
        "vpc-0a60eb65b4EXAMPLE",
        "vpc-0f1a2b3c4dEXAMPLE",
        "vpc-0b1c2d3e4fEXAMPLE",
        "vpc-0c2d3e4f5aEXAMPLE",
    ] {
        assert!(stdout.contains(id), "{id}");
    }
    assert_eq!(stderr.lines().count(), 4, "{stderr}");
}

#[test]
fn import_aws_vpcs_with_fallback_ministry() {
    let out = mccs()
        .args([
            "import",
            "aws-vpcs",
            "tests/data/aws-describe-vpcs.json",
            "--region",
            "ca-central-1",
            "--ministry",
            "EMLI",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_loads_clean(&stdout);
    assert!(
        stdout.contains("  - license_plate: ghi789\n    ministry: EMLI\n"),
        "{stdout}"
    );
}

#[test]
fn import_aws_vpcs_with_subnets_and_networks_placed_by_hand() {
    let out = mccs()
        .args([
            "import",
            "aws-vpcs",
            "tests/data/aws-describe-vpcs.json",
            "--region",
            "ca-central-1",
            "--subnets",
            "tests/data/aws-describe-subnets.json",
            "--ministry",
            "CITZ",
            "--assign",
            "vpc-0b1c2d3e4fEXAMPLE=jkl012-tools",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_loads_clean(&stdout);
    // The subnets of the placed VPC, by `Name` tag or ID; the shared-services VPC placed by hand.
    assert!(stdout.contains("name: web-a\n"), "{stdout}");
    assert!(
        stdout.contains("name: subnet-0c2d3e4f5aEXAMPLE\n"),
        "{stdout}"
    );
    assert!(stdout.contains("license_plate: jkl012"), "{stdout}");
    // What could not come along is said: a subnet of a placed VPC beside it in the document,
    // a subnet whose VPC is not imported in the document and on standard error.
    assert!(
        stdout.contains(
            "left out 10.10.0.0/20: subnet subnet-0d3e4f5a6bEXAMPLE (Name pods-a): outside"
        ),
        "{stdout}"
    );
    let orphan = "subnet subnet-0e4f5a6b7cEXAMPLE";
    let why = "its VPC vpc-0f1a2b3c4dEXAMPLE is not imported";
    assert!(
        stdout.contains(&format!("#   {orphan}: {why}\n")),
        "{stdout}"
    );
    assert!(
        stderr.contains(&format!(": {orphan} not imported: {why}\n")),
        "{stderr}"
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the default VPC is still left out"
    );
    // A bad assignment is a usage error.
    let out = mccs()
        .args([
            "import",
            "aws-vpcs",
            "tests/data/aws-describe-vpcs.json",
            "--region",
            "r",
        ])
        .args(["--assign", "vpc-1=abc123"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not <plate>-<env>"));
}

#[test]
fn import_merges_into_the_topology_given_with_t() {
    let out = mccs()
        .args([
            "import",
            "aws-vpcs",
            "tests/data/aws-describe-vpcs.json",
            "--region",
            "ca-central-1",
            "--subnets",
            "tests/data/aws-describe-subnets.json",
            "--assign",
            "vpc-0b1c2d3e4fEXAMPLE=ghi789-tools",
            "-t",
            "../../examples/reference.yaml",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    // The whole topology comes out, and reads back clean.
    assert_loads_clean(&stdout);
    let first = stdout.lines().next().unwrap();
    assert_eq!(
        first,
        "# ../../examples/reference.yaml merged from tests/data/aws-describe-vpcs.json by `mccs import`: 1 added, 3 already there, 3 left out."
    );
    assert!(
        stdout.contains("\nflows:\n"),
        "the topology keeps its flows"
    );
    // ghi789-tools has no ministry tag: it takes the topology's EMLI; the prod VPC brings its
    // subnets into the environment the topology already had.
    assert!(stdout.contains("#   added ghi789-tools\n"), "{stdout}");
    assert!(
        stdout.contains("#   added subnet web-a to def456-prod\n"),
        "{stdout}"
    );
    assert_eq!(stderr.lines().count(), 3, "{stderr}");
    assert!(
        stderr.lines().all(|l| l.contains(" not merged: ")),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(1), "some VPCs are left out");
    // A finding the topology had already (a warning here) is not repeated as the merge's.
    let dir = tempfile::tempdir().unwrap();
    let warned = dir.path().join("warned.yaml");
    let text = std::fs::read_to_string("../../examples/reference.yaml")
        .unwrap()
        .replacen(
            "address_space: [10.40.10.0/24]\n",
            "address_space: [10.40.10.0/24]\n        secondary_ranges: [10.10.0.0/16]\n",
            1,
        );
    std::fs::write(&warned, text).unwrap();
    let out = mccs()
        .args([
            "import",
            "azure-vnets",
            "tests/data/az-network-vnet-list.json",
        ])
        .args(["--ministry", "PSSG", "-t"])
        .arg(&warned)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.contains("secondary_ranges"), "{stdout}");
    assert!(!stderr.contains("nat_addresses"), "{stderr}");
    assert!(stderr.contains(" not merged: "), "{stderr}");
    // The topology to merge into passes the same gate as every topology.
    let out = mccs()
        .args([
            "import",
            "azure-vnets",
            "tests/data/az-network-vnet-list.json",
        ])
        .args(["-t", "no-such-topology.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("mccs: no-such-topology.yaml: "));
}

#[test]
fn import_azure_vnets() {
    let out = mccs()
        .args([
            "import",
            "azure-vnets",
            "tests/data/az-network-vnet-list.json",
            "--ministry",
            "PSSG",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "some VNets cannot be mapped");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_loads_clean(&stdout);
    expect_file("import_azure_vnets.yaml", &stdout);
    expect_file("import_azure_vnets_stderr.txt", &stderr);
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
}

#[test]
fn import_with_every_network_mapped_exits_0() {
    let f = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    std::fs::write(
        f.path(),
        r#"[{"name": "abc123-test-vnet", "location": "canadacentral",
            "id": "/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/abc123-test-vnet",
            "addressSpace": {"addressPrefixes": ["10.46.7.0/24"]},
            "tags": {"ministry": "citz"}}]"#,
    )
    .unwrap();
    let out = mccs()
        .args(["import", "azure-vnets"])
        .arg(f.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_loads_clean(&stdout);
    assert!(!stdout.contains("Not imported"));
}

#[test]
fn import_reports_overlapping_networks() {
    let f = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    std::fs::write(
        f.path(),
        r#"{"Vpcs": [
            {"VpcId": "vpc-1", "OwnerId": "111111111111", "CidrBlock": "10.0.0.0/23",
             "Tags": [{"Key": "Name", "Value": "abc123-dev"}]},
            {"VpcId": "vpc-2", "OwnerId": "111111111112", "CidrBlock": "10.0.1.0/24",
             "Tags": [{"Key": "Name", "Value": "abc123-prod"}]}]}"#,
    )
    .unwrap();
    let out = mccs()
        .args([
            "import",
            "aws-vpcs",
            "--region",
            "ca-central-1",
            "--ministry",
            "CITZ",
        ])
        .arg(f.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("overlaps"), "{stderr}");
}

#[test]
fn import_is_deterministic() {
    let run = || {
        mccs()
            .args([
                "import",
                "aws-vpcs",
                "tests/data/aws-describe-vpcs.json",
                "--region",
                "ca-central-1",
            ])
            .output()
            .unwrap()
    };
    let (a, b) = (run(), run());
    assert!(!a.stdout.is_empty());
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(a.stderr, b.stderr);
    let run = || {
        mccs()
            .args([
                "import",
                "azure-vnets",
                "tests/data/az-network-vnet-list.json",
            ])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run(), run());
}

#[test]
fn import_reads_stdin() {
    let json = std::fs::read_to_string(data("az-network-vnet-list.json")).unwrap();
    mccs()
        .args(["import", "azure-vnets", "-", "--ministry", "PSSG"])
        .write_stdin(json)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("from <stdin>."));
}

/// Compares `actual` with `tests/expected/NAME`, or writes it there with `UPDATE_EXPECT=1`
/// (the one way every golden file of the workspace is updated).
fn expect_file(name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/expected")
        .join(name);
    if std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} differs from the output; review the difference below and run \
         `UPDATE_EXPECT=1 cargo test -p mccs-cli --test cli` if the new output is right\n\
         --- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

/// The text of a trace at 80 columns, as a person sees it in a narrow pane (golden).
#[test]
fn trace_text_at_80_columns() {
    let out = stdout_of(mccs().args([
        "trace",
        "--example",
        "cross-cloud",
        "--from",
        "api001-prod",
        "--to",
        "AZURE_PAYMENTS_APP",
        "--port",
        "443",
        "--initiator",
        "both",
        "--today",
        "2026-11-23",
        "--width",
        "80",
    ]));
    assert!(out.lines().all(|l| l.chars().count() <= 80), "{out}");
    expect_file("trace_cross_cloud_80.txt", &out);
}

/// A flow no rule can ever let through (here: a destination in no network) is an error of
/// `validate`, pointing at the end at fault, as `plan` reports it blocked.
#[test]
fn validate_reports_a_flow_no_rule_can_fix() {
    let i = examples::REFERENCE_YAML.find("\nflows:\n").unwrap() + "\nflows:\n".len();
    let doc = format!(
        "{}  - name: to-nowhere\n    source: abc123-prod\n    destination: 192.0.2.0/24\n    services: [tcp/22]\n{}",
        &examples::REFERENCE_YAML[..i],
        &examples::REFERENCE_YAML[i..]
    );
    let f = tempfile::Builder::new().suffix(".yaml").tempfile().unwrap();
    std::fs::write(f.path(), &doc).unwrap();
    let out = mccs()
        .args(["--color", "never", "validate", "--today", "2026-01-01"])
        .arg(f.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(": error: flows[0].destination: flow `to-nowhere` is blocked whatever the firewalls allow: destination `192.0.2.0/24` (192.0.2.0/24) is in no network of the topology"),
        "{text}"
    );
    assert!(text.ends_with(": 1 error\n"), "{text}");
    // Located at the destination's line, as every finding is.
    let line = doc
        .lines()
        .position(|l| l == "    destination: 192.0.2.0/24")
        .unwrap()
        + 1;
    let at = format!("{}:{line}:", f.path().display());
    assert!(
        text.lines()
            .any(|l| l.starts_with(&at) && l.contains("flows[0].destination")),
        "{at}\n{text}"
    );
}

/// A firewall whose rules come from an export: problems with the export are reported with the
/// export's file, and the reference's own mistakes at the document's line.
#[test]
fn validate_reports_problems_of_rulebase_exports_in_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let doc = "\
version: 1
channels:
  - {name: c, title: C, filed_by: a, handled_by: b}
firewalls:
  - name: edge
    kind: edge
    owner: o
    channel: c
    rulebase: {format: pan-os, file: missing.xml}
  - name: nsg
    kind: security-group
    platform: azure-alz
    owner: o
    channel: c
    rulebase: {format: azure-nsg, file: nsgs.json}
";
    std::fs::write(dir.path().join("t.yaml"), doc).unwrap();
    let out = mccs()
        .args(["validate", "--color", "never"])
        .arg(dir.path().join("t.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines().any(|l| l.ends_with(":15:5: error: firewalls[1].rulebase: an export of format azure-nsg can hold many rulebases: say which with `select`")),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.contains("missing.xml: error:")
            && l.contains("(")
            && l.contains("firewalls[0].rulebase")
            && l.contains("no such file")),
        "{text}"
    );
}

#[test]
fn rules_names_what_does_nothing_and_check_exits_3() {
    let out = mccs()
        .args(["rules", "--example", "--check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text,
        "3pg: rule `DENY_TELNET` (#1) is redundant: what reaches it gets the same action from implicit deny without it (keep it if it guards against allow rules added later)\n<reference>: 1 finding of 5 rules\n"
    );
    let json: Value = serde_json::from_str(&stdout_of(mccs().args([
        "rules",
        "--example",
        "--format",
        "json",
        "--firewall",
        "3pg",
    ])))
    .unwrap();
    assert_eq!(json[0]["kind"], "redundant");
    assert_eq!(json[0]["decided_by"][0], "implicit deny");
    let out = mccs()
        .args(["rules", "--example", "--firewall", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The picture in docs/cli.md is what `mccs trace --format svg` draws today.
#[test]
fn the_path_picture_in_the_docs_is_the_tools_output() {
    let out = mccs()
        .args([
            "trace",
            "--example",
            "cross-cloud",
            "--from",
            "api001-prod",
            "--to",
            "AZURE_PAYMENTS_APP",
            "--port",
            "443",
            "--format",
            "svg",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/images/trace-cross-cloud.svg");
    if std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1") {
        std::fs::write(&doc, &out.stdout).unwrap();
    }
    assert_eq!(
        std::fs::read(&doc).unwrap(),
        out.stdout,
        "docs/images/trace-cross-cloud.svg is stale: UPDATE_EXPECT=1 cargo test -p mccs-cli --test cli"
    );
    let dot = stdout_of(mccs().args([
        "trace",
        "--example",
        "--from",
        "abc123-prod",
        "--to",
        "citz-oracle-db",
        "--port",
        "1521",
        "--format",
        "dot",
    ]));
    assert!(
        dot.starts_with("digraph \"abc123-prod -> citz-oracle-db\" {\n"),
        "{dot}"
    );
    assert!(dot.contains("[style=dashed, label=\"failover\"]"));
}

#[test]
fn reach_lists_who_can_open_connections_and_all_lists_the_rest() {
    let text = stdout_of(mccs().args([
        "reach",
        "--example",
        "--to",
        "hlth-claims-api",
        "--port",
        "443",
    ]));
    assert_eq!(
        text,
        "Who can open tcp/443 connections to hlth-claims-api:\n  allowed      def456-prod (environment)\n               aws-cloud-firewall: allowed by MCCS_HLTH_LZA_LIVE_def456_prod\n               3pg: allowed by MCCS_HLTH_LZA_LIVE_def456_prod\n               zone-b-firewall: allowed by MCCS_HLTH_LZA_LIVE_def456_prod\n<reference>: 1 of 10 ends allowed, 0 partial, 0 unknown (--all lists the 9 not allowed or blocked)\n"
    );
    let all = stdout_of(mccs().args([
        "reach",
        "--example",
        "--to",
        "hlth-claims-api",
        "--port",
        "443",
        "--all",
    ]));
    assert_eq!(
        all.matches(" (environment)\n").count()
            + all.matches(" (zone)\n").count()
            + all.matches(" (external network)\n").count(),
        10
    );
    let json: Value = serde_json::from_str(&stdout_of(mccs().args([
        "reach",
        "--example",
        "--from",
        "def456-prod",
        "--port",
        "443",
        "--format",
        "json",
    ])))
    .unwrap();
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .any(|r| r["end"] == "zone-b" && r["outcome"] == "partial")
    );
    // Exactly one of --to and --from.
    let out = mccs().args(["reach", "--example"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // An end the topology does not have is a finding, never an empty list.
    let out = mccs()
        .args(["reach", "--example", "--to", "no-such-host"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("mccs: destination `no-such-host` is not in the topology")
    );
}

/// `mccs diff`: a deny moved above an allow in zone B's firewall (only the order changed).
/// Text, Markdown and CSV are goldens; `--check` exits 3 when a verdict changed, 0 when the
/// topologies are the same.
#[test]
fn diff_names_the_reordered_rules_and_check_exits_3() {
    let (old, new) = ("tests/data/diff-old.yaml", "tests/data/diff-new.yaml");
    let out = mccs()
        .args(["diff", old, new, "--today", "2026-12-01", "--check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "why: reordered: `ZONE_B_DENY_ALL` now above `MCCS_HLTH_LZA_LIVE_def456_prod`"
        ),
        "{text}"
    );
    expect_file("diff_reordered.txt", &text);
    for (format, golden) in [
        ("markdown", "diff_reordered.md"),
        ("csv", "diff_reordered.csv"),
    ] {
        let out = stdout_of(mccs().args([
            "diff",
            old,
            new,
            "--today",
            "2026-12-01",
            "--format",
            format,
        ]));
        expect_file(golden, &out);
    }
    let json: Value = serde_json::from_str(&stdout_of(mccs().args([
        "diff",
        old,
        new,
        "--today",
        "2026-12-01",
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(json["rulebases"][0]["firewall"], "zone-b-firewall");
    assert_eq!(json["rulebases"][0]["rules"][0]["change"], "reordered");
    let fw = &json["flows"][0]["firewalls"][0];
    assert_eq!(fw["old"][0]["verdict"], "allowed");
    assert_eq!(fw["new"][0]["verdict"], "denied");
    assert_eq!(fw["reasons"][0]["reason"], "reordered");
    assert_eq!(fw["reasons"][0]["rule"], "ZONE_B_DENY_ALL");
    assert_eq!(json["requests"][0]["change"], "added");
    // The same topology twice: nothing changed, exit 0 even with --check.
    let same = mccs()
        .args(["diff", old, old, "--today", "2026-12-01", "--check"])
        .output()
        .unwrap();
    assert_eq!(same.status.code(), Some(0));
    assert!(String::from_utf8(same.stdout).unwrap().ends_with(
        "tests/data/diff-old.yaml -> tests/data/diff-old.yaml: 0 rule changes on 0 lists, 0 flows changed, 0 requests added and 0 dropped; 4 flows declared (0 judged again), 0 flows sampled\n"
    ));
    // A topology with errors stops with exit code 2.
    mccs()
        .args(["diff", old, "tests/data/aws-describe-vpcs.json"])
        .assert()
        .code(2);
}
