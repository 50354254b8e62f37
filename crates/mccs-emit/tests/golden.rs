//! Golden files: every format of the example topologies, committed under `tests/golden/`.
//! `UPDATE_EXPECT=1 cargo test -p mccs-emit --test golden` rewrites them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use mccs_emit::{Format, Options, emit};
use mccs_model::Topology;
use mccs_request::RequestSet;

fn set(t: &Topology) -> RequestSet {
    let plan = mccs_path::plan(t, &t.flows, &mccs_path::PlanOptions::default());
    RequestSet::from_plan(t, &plan)
}

fn update() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1")
}

/// Every file under `dir`, as `/`-separated paths relative to it.
fn files_under(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let e = e.unwrap();
        let name = format!("{prefix}{}", e.file_name().to_string_lossy());
        if e.file_type().unwrap().is_dir() {
            files_under(&e.path(), &format!("{name}/"), out);
        } else {
            out.push(name);
        }
    }
}

fn check(example: &str, t: &Topology) {
    let set = set(t);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(example);
    let mut expected: Vec<String> = Vec::new();
    let mut failures = Vec::new();
    for format in Format::ALL {
        let files = emit(&set, t, format, &Options::default());
        // Deterministic: a second run gives the same bytes.
        assert_eq!(files, emit(&set, t, format, &Options::default()));
        for f in files {
            let rel = format!("{}/{}", format.as_str(), f.path);
            let path: PathBuf = dir.join(&rel);
            expected.push(rel);
            if update() {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &f.contents).unwrap();
                continue;
            }
            match std::fs::read_to_string(&path) {
                Ok(text) if text == f.contents => {}
                Ok(text) => {
                    let line = text
                        .lines()
                        .zip(f.contents.lines())
                        .position(|(a, b)| a != b)
                        .map_or_else(|| "end of file".to_owned(), |n| format!("line {}", n + 1));
                    failures.push(format!("{} differs (first at {line})", path.display()));
                }
                Err(e) => failures.push(format!("{}: {e}", path.display())),
            }
        }
    }
    let mut present = Vec::new();
    files_under(&dir, "", &mut present);
    for name in present {
        if !expected.contains(&name) {
            if update() {
                std::fs::remove_file(dir.join(&name)).unwrap();
            } else {
                failures.push(format!(
                    "{} is no longer generated",
                    dir.join(&name).display()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "golden files differ:\n  {}\nrun `UPDATE_EXPECT=1 cargo test -p mccs-emit --test golden`, review the diff and commit it",
        failures.join("\n  ")
    );
}

#[test]
fn reference_topology() {
    check("reference", &mccs_model::examples::reference());
}

#[test]
fn cross_cloud_privatelink() {
    check("cross-cloud", &mccs_model::examples::cross_cloud());
}

#[test]
fn lza_data_subnet_network_acl() {
    check("lza-data-subnet", &mccs_model::examples::lza_data_subnet());
}

/// Deny rules in the way (placement) and hostile text (tests/placement.rs).
#[test]
fn placement_and_hostile_text() {
    let checked = mccs_model::check(
        include_str!("data/placement.yaml"),
        mccs_model::Format::Yaml,
        &mccs_model::ValidateOptions::default(),
    );
    check("placement", &checked.topology);
}
