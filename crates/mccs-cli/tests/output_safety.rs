//! Output that cannot do harm: a closed pipe keeps the exit code, `--out` never follows a
//! symlink, never overwrites without `--force`, and writes atomically.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail the test by panicking

use std::io::{self, Write};

use assert_cmd::Command;
use clap::Parser;
use predicates::prelude::*;

/// A reader that has gone away: every write fails with a broken pipe.
struct Closed;

impl Write for Closed {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::ErrorKind::BrokenPipe.into())
    }
    fn flush(&mut self) -> io::Result<()> {
        Err(io::ErrorKind::BrokenPipe.into())
    }
}

fn run_closed(args: &[&str]) -> u8 {
    let cli = mccs_cli::Cli::try_parse_from(args).unwrap();
    let mut err = Vec::new();
    mccs_cli::run(
        &cli,
        mccs_cli::Io {
            out: &mut Closed,
            err: &mut err,
            out_is_terminal: false,
        },
    )
    .code()
}

#[test]
fn a_closed_pipe_keeps_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "version: 1\nflows:\n  - name: x\n    source: nowhere-prod\n",
    )
    .unwrap();
    let bad = bad.to_str().unwrap();
    // `mccs validate bad.yaml | head -1`: the findings are an error whoever reads them.
    assert_eq!(
        run_closed(&["mccs", "--color", "never", "validate", bad]),
        1
    );
    // A successful command stays successful.
    assert_eq!(run_closed(&["mccs", "schema", "topology"]), 0);
    // `plan --check` on the reference topology needs rules: 3, pipe or not.
    assert_eq!(
        run_closed(&[
            "mccs",
            "plan",
            "--example",
            "--check",
            "--today",
            "2026-01-01"
        ]),
        3
    );
}

fn mccs() -> Command {
    let mut cmd = Command::cargo_bin("mccs").unwrap();
    cmd.env_remove("RUST_BACKTRACE").args(["--color", "never"]);
    cmd
}

#[test]
fn out_dir_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reqs");
    let args = [
        "plan",
        "--example",
        "--format",
        "csv",
        "--today",
        "2026-01-01",
        "--out",
    ];
    mccs().args(args).arg(&out).assert().success();
    let summary = out.join("summary.csv");
    let first = std::fs::read(&summary).unwrap();
    std::fs::write(&summary, "edited by hand").unwrap();
    mccs()
        .args(args)
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(std::fs::read(&summary).unwrap(), b"edited by hand");
    mccs()
        .args(args)
        .arg(&out)
        .arg("--force")
        .assert()
        .success();
    assert_eq!(std::fs::read(&summary).unwrap(), first);
    // No temporary file is left behind.
    let leftovers: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[cfg(unix)]
#[test]
fn out_dir_never_writes_through_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reqs");
    std::fs::create_dir(&out).unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    std::os::unix::fs::symlink(&victim, out.join("summary.csv")).unwrap();
    for force in [false, true] {
        let mut cmd = mccs();
        cmd.args([
            "plan",
            "--example",
            "--format",
            "csv",
            "--today",
            "2026-01-01",
            "--out",
        ])
        .arg(&out);
        if force {
            cmd.arg("--force");
        }
        cmd.assert()
            .code(2)
            .stderr(predicate::str::contains("symbolic link"));
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    }
}

#[test]
fn control_characters_from_the_document_never_reach_the_terminal_raw() {
    // A value with an escape sequence that would retitle the terminal and ring the bell.
    let doc = "version: 1\nchannels:\n  - name: \"x\\e]0;pwned\\a\"\n    title: t\n    filed_by: a\n    handled_by: b\n";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hostile.yaml");
    std::fs::write(&file, doc).unwrap();
    for args in [vec!["validate"], vec!["plan"]] {
        let out = mccs()
            .args(&args)
            .arg("--topology")
            .arg(&file)
            .output()
            .unwrap();
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        let all: Vec<u8> = [out.stdout, out.stderr].concat();
        assert!(!all.contains(&0x1b), "{args:?}: raw ESC in the output");
        assert!(!all.contains(&0x07), "{args:?}: raw BEL in the output");
        let text = String::from_utf8(all).unwrap();
        assert!(text.contains('\u{241b}'), "{args:?}: {text}");
    }
}

#[test]
fn import_escapes_provider_text_in_comments() {
    // A VpcId with a line break would end the comment and inject a `flows:` section.
    let json = r#"{"Vpcs": [
        {"CidrBlock": "10.40.12.0/24", "VpcId": "vpc-1\nflows:\n  - name: injected\n#",
         "OwnerId": "111111111103",
         "Tags": [{"Key": "LicensePlate", "Value": "def456"},
                  {"Key": "Environment", "Value": "prod"},
                  {"Key": "Ministry", "Value": "HLTH"}]},
        {"CidrBlock": "10.40.13.0/24", "VpcId": "vpc-2\u001b[2J\nversion: 9", "OwnerId": "1"}
    ]}"#;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vpcs.json");
    std::fs::write(&file, json).unwrap();
    let out = mccs()
        .args(["import", "aws-vpcs", "--region", "ca-central-1"])
        .arg(&file)
        .output()
        .unwrap();
    let yaml = String::from_utf8(out.stdout).unwrap();
    assert!(
        yaml.contains("vpc-1\\nflows:\\n  - name: injected\\n#"),
        "{yaml}"
    );
    assert!(!yaml.contains('\u{1b}'), "{yaml}");
    // Every line that is not YAML content is a comment, and the document reads back with no
    // flows and its own version.
    let back = mccs_model::load(&yaml, mccs_model::Format::Yaml);
    assert!(
        back.diagnostics.is_empty(),
        "{:?}\n{yaml}",
        back.diagnostics
    );
    assert!(back.topology.flows.is_empty(), "{yaml}");
    assert_eq!(back.topology.version, 1);
    assert!(!String::from_utf8(out.stderr).unwrap().contains('\u{1b}'));
}

/// Rendering streams each file into its place: the files in `--out` and the text on standard
/// output are the same bytes, and a custom template that fails after writing part of its text
/// leaves no file (not even a temporary one) and prints nothing on standard output.
#[test]
fn a_template_that_fails_half_way_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reqs");
    let base = ["plan", "--example", "--today", "2026-01-01"];
    let stdout = mccs()
        .args(base)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    mccs().args(base).arg("--out").arg(&out).assert().success();
    assert_eq!(std::fs::read(out.join("requests.md")).unwrap(), stdout);

    // Writes a line per request, then fails on an undefined attribute of a missing value.
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(
        templates.join("requests.md.jinja"),
        "{% for r in requests %}{{ r.title }}\n{% endfor %}{{ nothing.at.all }}",
    )
    .unwrap();
    let failed = dir.path().join("failed");
    for to_dir in [false, true] {
        let mut cmd = mccs();
        cmd.args(base).arg("--templates").arg(&templates);
        if to_dir {
            cmd.arg("--out").arg(&failed);
        }
        cmd.assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("failed to render"));
    }
    let left: Vec<_> = std::fs::read_dir(&failed)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
