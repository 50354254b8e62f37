//! The public-API check (docs/api.md): every published library crate of the workspace has its
//! public surface listed in `public-api.txt` beside its `Cargo.toml`; this test renders the
//! surface from rustdoc's JSON output and fails on any difference.
//!
//! `UPDATE_EXPECT=1 cargo test -p mccs-public-api --test public_api` rewrites the listings.
//!
//! rustdoc's JSON output is unstable: it needs a nightly toolchain or `RUSTC_BOOTSTRAP=1`, which
//! this test sets for its own `cargo doc` run only. If the toolchain cannot produce the JSON at
//! all, the test says so on stderr and passes; any other failure fails it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

/// A library crate whose surface is checked.
struct LibCrate {
    package: String,
    /// The lib target's name, which names the JSON file (`mccs_model.json`).
    target: String,
    dir: PathBuf,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn update() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1")
}

/// The workspace's library crates that are published (`publish = false` ones are not an API).
fn library_crates(root: &Path) -> Vec<LibCrate> {
    let out = cargo()
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(root.join("Cargo.toml"))
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let mut crates = Vec::new();
    for package in meta["packages"].as_array().expect("packages") {
        // `publish = false` is `"publish": []`; publishable is `null` or a list of registries.
        if package["publish"].as_array().is_some_and(Vec::is_empty) {
            continue;
        }
        let lib = package["targets"]
            .as_array()
            .expect("targets")
            .iter()
            .find(|t| {
                t["kind"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|k| k == "lib" || k == "rlib"))
            });
        let Some(lib) = lib else { continue };
        let manifest = PathBuf::from(package["manifest_path"].as_str().expect("manifest_path"));
        crates.push(LibCrate {
            package: package["name"].as_str().expect("name").to_owned(),
            target: lib["name"].as_str().expect("target name").replace('-', "_"),
            dir: manifest.parent().expect("manifest dir").to_path_buf(),
        });
    }
    crates.sort_by(|a, b| a.package.cmp(&b.package));
    crates
}

/// Whether `cargo doc`'s error says rustdoc cannot write JSON here (not that the code is wrong).
fn json_unsupported(stderr: &str) -> bool {
    [
        "unstable-options",
        "output-format",
        "the option `Z` is only accepted on the nightly compiler",
        "is only accepted on the nightly",
        "unknown emission type",
    ]
    .iter()
    .any(|needle| stderr.contains(needle))
}

#[test]
fn public_api_matches_the_committed_listing() {
    let started = Instant::now();
    let root = workspace_root();
    let crates = library_crates(&root);
    assert!(
        !crates.is_empty(),
        "no library crates found in {}",
        root.display()
    );

    // A target directory of its own: rustdoc JSON needs the dependencies checked with
    // RUSTC_BOOTSTRAP=1, which would otherwise invalidate the main build's artifacts. It lives in
    // target/tmp, so later runs reuse it and only re-document the crates that changed.
    let target_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("public-api");
    let mut doc = cargo();
    doc.current_dir(&root)
        .args([
            "doc",
            "--no-deps",
            "--lib",
            "--all-features",
            "--quiet",
            "--target-dir",
        ])
        .arg(&target_dir)
        .args(["--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .env("RUSTC_BOOTSTRAP", "1")
        .env("RUSTDOCFLAGS", "-Z unstable-options --output-format json")
        // Takes precedence over RUSTDOCFLAGS; a caller's flags are not this check's business.
        .env_remove("CARGO_ENCODED_RUSTDOCFLAGS")
        .env_remove("CARGO_TARGET_DIR");
    for c in &crates {
        doc.args(["-p", &c.package]);
    }
    let out = doc.output().expect("run cargo doc");
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        if json_unsupported(&stderr) {
            // Straight to the process's stderr: `eprintln!` is captured by the test harness and
            // would be hidden for a test that passes.
            let banner = format!(
                "\n==================== PUBLIC-API CHECK SKIPPED ====================\n\
                 rustdoc could not write JSON with this toolchain, so the public API was NOT checked.\n\
                 cargo doc said:\n{stderr}\n\
                 ==================================================================\n"
            );
            let _ = std::io::stderr().write_all(banner.as_bytes());
            return;
        }
        panic!("cargo doc (rustdoc JSON) failed:\n{stderr}");
    }

    let mut docs = Vec::new();
    for c in &crates {
        let path = target_dir.join("doc").join(format!("{}.json", c.target));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cargo doc wrote no {}: {e}", path.display()));
        let json: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        docs.push(json);
    }
    // Types of one workspace crate appear in another's signatures: name them by their public path.
    let mut public = BTreeMap::new();
    for json in &docs {
        public.extend(mccs_public_api::public_paths(json).unwrap());
    }

    let mut failures = Vec::new();
    for (c, json) in crates.iter().zip(&docs) {
        let listing = mccs_public_api::render(json, &public).unwrap();
        let file = c.dir.join("public-api.txt");
        let shown = file
            .strip_prefix(&root)
            .unwrap_or(&file)
            .display()
            .to_string();
        let text = format!(
            "# The public API of {}, one item per line (docs/api.md).\n\
             # Generated: UPDATE_EXPECT=1 cargo test -p mccs-public-api --test public_api\n{listing}",
            c.package
        );
        if update() {
            std::fs::write(&file, &text).unwrap();
            continue;
        }
        let Ok(committed) = std::fs::read_to_string(&file) else {
            failures.push(format!(
                "{shown} does not exist: {} has no committed listing yet\n",
                c.package
            ));
            continue;
        };
        if let Some(diff) = mccs_public_api::diff(&committed, &text) {
            failures.push(format!(
                "--- {shown} (committed)\n+++ {} (current source)\n{diff}",
                c.package
            ));
        }
    }
    eprintln!(
        "public-API check of {} crates took {:.1?}",
        crates.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "the public API changed:\n\n{}\n\
         If the change is intended, run `UPDATE_EXPECT=1 cargo test -p mccs-public-api --test public_api`, \
         review the diff, say what changed in CHANGELOG.md and commit both.",
        failures.join("\n")
    );
}
