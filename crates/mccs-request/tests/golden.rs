//! Golden files: every format of the example topologies, committed under `tests/golden/`.
//! `UPDATE_EXPECT=1 cargo test -p mccs-request --test golden` rewrites them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use mccs_model::Topology;
use mccs_request::{BuildOptions, OutputFormat, PictureOptions, RequestSet, Templates, render};

/// The set as `mccs plan` builds it: a plan without hops, with pictures (which only the HTML
/// shows: the other formats are the same as without).
fn set(t: &Topology) -> RequestSet {
    let plan = mccs_path::plan(
        t,
        &t.flows,
        &mccs_path::PlanOptions::default().with_hops(false),
    );
    let options = BuildOptions::default().with_pictures(PictureOptions::default());
    RequestSet::from_plan_with(t, &plan, &options)
}

fn golden_dir(example: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(example)
}

fn update() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1")
}

fn check(example: &str, t: &Topology) {
    let set = set(t);
    let dir = golden_dir(example);
    let mut expected_files: Vec<String> = Vec::new();
    let mut failures = Vec::new();
    for format in OutputFormat::ALL {
        let files = render(&set, format, &Templates::default()).unwrap();
        let sub = dir.join(format.as_str());
        for f in files {
            let path = sub.join(&f.path);
            expected_files.push(format!("{}/{}", format.as_str(), f.path));
            if update() {
                std::fs::create_dir_all(&sub).unwrap();
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
    // No stale golden files either.
    for format in OutputFormat::ALL {
        let sub = dir.join(format.as_str());
        let Ok(entries) = std::fs::read_dir(&sub) else {
            continue;
        };
        for e in entries {
            let name = format!(
                "{}/{}",
                format.as_str(),
                e.unwrap().file_name().to_string_lossy()
            );
            if !expected_files.contains(&name) {
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
    }
    assert!(
        failures.is_empty(),
        "golden files differ:\n  {}\nrun `UPDATE_EXPECT=1 cargo test -p mccs-request --test golden`, review the diff and commit it",
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
