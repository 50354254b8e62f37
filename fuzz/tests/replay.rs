//! Replays the committed corpus of every fuzz target on stable: each file under
//! `corpus/TARGET/` and `regressions/TARGET/` goes through the same function the fuzzer runs,
//! which panics when an invariant does not hold. Runs in CI:
//! `cargo test --manifest-path fuzz/Cargo.toml --no-default-features`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use mccs_fuzz::TARGETS;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The files directly in `dir`, sorted; none when it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    files.retain(|p| p.is_file());
    files.sort();
    files
}

/// Runs every corpus and regression file of `target` through its function; fails naming each
/// input that panics, and when the target has no corpus at all.
fn replay(target: &str) {
    let Some(&(_, run)) = TARGETS.iter().find(|(name, _)| *name == target) else {
        panic!("no fuzz target `{target}` in mccs_fuzz::TARGETS");
    };
    let corpus = files(&root().join("corpus").join(target));
    assert!(
        !corpus.is_empty(),
        "no corpus for `{target}`: add seeds under fuzz/corpus/{target}/"
    );
    let regressions = files(&root().join("regressions").join(target));
    let mut failed = Vec::new();
    for path in corpus.iter().chain(&regressions) {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if catch_unwind(AssertUnwindSafe(|| run(&data))).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{target}: {} of {} inputs broke an invariant (messages above):\n{}",
        failed.len(),
        corpus.len() + regressions.len(),
        failed.join("\n")
    );
}

#[test]
fn document_yaml() {
    replay("document_yaml");
}

#[test]
fn document_json() {
    replay("document_json");
}

#[test]
fn document_toml() {
    replay("document_toml");
}

#[test]
fn names() {
    replay("names");
}

#[test]
fn plan_render() {
    replay("plan_render");
}

#[test]
fn import() {
    replay("import");
}

/// Every target has a test above, a `fuzz_targets/NAME.rs` binary and a corpus folder, and
/// every binary is a target: the list, the fuzzer and the replay cannot drift apart.
#[test]
fn targets_are_listed_everywhere() {
    let this = std::fs::read_to_string(root().join("tests/replay.rs")).unwrap_or_default();
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap_or_default();
    for (name, _) in TARGETS {
        assert!(
            this.contains(&format!("replay(\"{name}\")")),
            "tests/replay.rs does not replay `{name}`"
        );
        assert!(
            manifest.contains(&format!("path = \"fuzz_targets/{name}.rs\"")),
            "Cargo.toml has no binary for `{name}`"
        );
        let body = std::fs::read_to_string(root().join(format!("fuzz_targets/{name}.rs")))
            .unwrap_or_default();
        assert!(
            body.contains(&format!("mccs_fuzz::{name}(data)")),
            "fuzz_targets/{name}.rs does not call mccs_fuzz::{name}"
        );
    }
    for path in files(&root().join("fuzz_targets")) {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        assert!(
            TARGETS.iter().any(|(name, _)| *name == stem),
            "{} is not in mccs_fuzz::TARGETS",
            path.display()
        );
    }
}
