//! `mccs plan --emit FORMAT`: the planned rules as they are applied, on standard output or
//! written safely into `--out DIR` (subdirectories included).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use predicates::prelude::*;

fn mccs() -> Command {
    let mut cmd = Command::cargo_bin("mccs").unwrap();
    cmd.env_remove("RUST_BACKTRACE").args(["--color", "never"]);
    cmd
}

const PLAN: [&str; 4] = ["plan", "--example", "--today", "2026-01-01"];

#[test]
fn pan_os_goes_to_standard_output_with_notes_on_what_it_does_not_cover() {
    mccs()
        .args(PLAN)
        .args(["--emit", "pan-os"])
        .assert()
        .success()
        .stdout(predicate::str::contains("# file: 3pg.set\n"))
        .stdout(predicate::str::contains(
            "set rulebase security rules MCCS_CITZ_ALZ_LIVE_abc123_prod from any to any source MCCS_CITZ_ALZ_abc123_prod_VNET destination CITZ_ORACLE_DB application any service mccs-tcp-1521 action allow\n",
        ))
        .stdout(predicate::str::contains("# EXAMPLE: "))
        .stderr(predicate::str::contains(
            "mccs: note: azure-cloud-firewall (cloud firewall): PAN-OS commands are for the on-premises edge and zone firewalls",
        ));
}

#[test]
fn emit_does_not_mix_with_request_options() {
    mccs()
        .args(PLAN)
        .args(["--emit", "terraform", "--format", "csv"])
        .assert()
        .code(2);
    mccs()
        .args(PLAN)
        .args(["--emit", "cisco"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("terraform"));
}

#[test]
fn aerleon_writes_a_tree_and_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("acl");
    let run = || {
        let mut c = mccs();
        c.args(PLAN).args(["--emit", "aerleon", "--out"]).arg(&out);
        c
    };
    run().assert().success();
    for f in [
        "def/networks.yaml",
        "def/services.yaml",
        "policies/pol/3pg.yaml",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let networks = out.join("def/networks.yaml");
    let first = std::fs::read(&networks).unwrap();
    std::fs::write(&networks, "edited by hand").unwrap();
    run()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(std::fs::read(&networks).unwrap(), b"edited by hand");
    run().arg("--force").assert().success();
    assert_eq!(std::fs::read(&networks).unwrap(), first);
}

#[cfg(unix)]
#[test]
fn a_symlinked_subdirectory_is_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("acl");
    std::fs::create_dir(&out).unwrap();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("def")).unwrap();
    for force in [false, true] {
        let mut c = mccs();
        c.args(PLAN).args(["--emit", "aerleon", "--out"]).arg(&out);
        if force {
            c.arg("--force");
        }
        c.assert()
            .code(2)
            .stderr(predicate::str::contains("symbolic link"));
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    }
    // Nothing was written before the check failed.
    assert!(!out.join("policies").join("pol").join("3pg.yaml").exists());
}

#[test]
fn terraform_files_per_firewall() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tf");
    mccs()
        .args(PLAN)
        .args(["--emit", "terraform", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote "));
    let azure = std::fs::read_to_string(out.join("azure-cloud-firewall.tf")).unwrap();
    assert!(azure.contains("resource \"azurerm_firewall_policy_rule_collection_group\""));
    assert!(out.join("aws-cloud-firewall.tf").is_file());
}
