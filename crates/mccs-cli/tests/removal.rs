//! `mccs retire` and `mccs expired` on the removal estate of mccs-request's tests
//! (`crates/mccs-request/tests/data/removal.yaml`): the Markdown they print (goldens under
//! `tests/expected/`, `UPDATE_EXPECT=1` rewrites them), exit codes, and `--out`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail the test by panicking

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;

fn mccs() -> Command {
    let mut cmd = Command::cargo_bin("mccs").unwrap();
    cmd.env_remove("RUST_BACKTRACE").args(["--color", "never"]);
    cmd
}

fn estate() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../mccs-request/tests/data/removal.yaml")
}

/// Compares `actual` with `tests/expected/NAME`, or writes it there with `UPDATE_EXPECT=1`.
fn expect_file(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/expected")
        .join(name);
    if std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} differs; run `UPDATE_EXPECT=1 cargo test -p mccs-cli --test removal` and review\n\
         --- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn retire_prints_the_removal_requests() {
    let md = stdout(
        mccs()
            .arg("retire")
            .arg("-t")
            .arg(estate())
            .args(["--environment", "abc123-prod"]),
    );
    expect_file("retire_abc123_prod.md", &md);
}

#[test]
fn expired_prints_the_removal_requests() {
    let md = stdout(mccs().arg("expired").arg("-t").arg(estate()).args([
        "--today",
        "2026-12-20",
        "--within",
        "30",
    ]));
    expect_file("expired_2026_12_20.md", &md);
}

#[test]
fn check_exits_3_when_there_is_something_to_remove() {
    mccs()
        .arg("expired")
        .arg(estate())
        .args(["--today", "2026-12-20", "--check"])
        .assert()
        .code(3);
    // Before anything expired: nothing to remove, 0.
    mccs()
        .arg("expired")
        .arg(estate())
        .args(["--today", "2020-01-01", "--check"])
        .assert()
        .code(0);
    mccs()
        .arg("retire")
        .arg(estate())
        .args(["--environment", "abc123-prod", "--check"])
        .assert()
        .code(3);
}

#[test]
fn an_unknown_environment_is_one_line_and_exit_2() {
    let out = mccs()
        .arg("retire")
        .arg(estate())
        .args(["--environment", "zzz999-prod"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("the topology has no environment `zzz999-prod`"),
        "{err}"
    );
}

#[test]
fn out_writes_every_table_and_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("removal");
    let run = |force: bool| {
        let mut cmd = mccs();
        cmd.arg("retire")
            .arg(estate())
            .args(["--environment", "abc123-prod", "--format", "csv", "--out"])
            .arg(&out);
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };
    let first = run(false);
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "cloud-firewall-request.objects.csv",
            "cloud-firewall-request.traffic.csv",
            "on-prem-firewall-request.objects.csv",
            "on-prem-firewall-request.traffic.csv",
            "summary.csv",
        ]
    );
    let traffic =
        std::fs::read_to_string(out.join("on-prem-firewall-request.traffic.csv")).unwrap();
    assert!(traffic.contains(",remove,3pg,position 1,"), "{traffic}");
    let again = run(false);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("pass --force"));
    assert_eq!(run(true).status.code(), Some(0));
}

#[test]
fn every_format_renders() {
    for format in ["markdown", "csv", "json", "html"] {
        mccs()
            .arg("expired")
            .arg(estate())
            .args(["--today", "2026-12-20", "--format", format])
            .assert()
            .code(0)
            .stdout(predicate::str::contains("MCCS_HLTH_LZA_LIVE_def456_prod"));
    }
}
