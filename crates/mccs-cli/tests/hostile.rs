//! The hostile-input corpus: `tests/hostile/NAME.yaml` is a document, `NAME.expect` says what
//! must happen to it: the first line is the subcommand (`validate`, `plan`, ...), the second the
//! exit code, each further line a text that must appear in the output (standard output and
//! error together). Every case must also end without a panic (exit 101), and with no raw
//! control character from the document on the terminal.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail the test by panicking

use std::path::Path;

use assert_cmd::Command;

#[test]
fn every_hostile_document_gets_its_expected_answer() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "expect"))
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 12,
        "the corpus is missing: {}",
        dir.display()
    );
    let mut failures = Vec::new();
    for expect in &cases {
        let spec = std::fs::read_to_string(expect).unwrap();
        let mut lines = spec.lines();
        let command: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
        let code: i32 = lines.next().unwrap().trim().parse().unwrap();
        let doc = expect.with_extension("yaml");
        assert!(doc.exists(), "{} has no document", expect.display());
        let out = Command::cargo_bin("mccs")
            .unwrap()
            .env_remove("RUST_BACKTRACE")
            .args(["--color", "never"])
            .args(&command)
            .arg("--topology")
            .arg(&doc)
            .args(
                ["--today", "2026-12-01"]
                    .iter()
                    .filter(|_| matches!(command.first(), Some(&"validate" | &"plan" | &"trace"))),
            )
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        let text = String::from_utf8_lossy(&all);
        let name = expect.file_stem().unwrap().to_string_lossy().into_owned();
        if out.status.code() != Some(code) {
            failures.push(format!(
                "{name}: exit {:?}, expected {code}\n{text}",
                out.status.code()
            ));
            continue;
        }
        for want in lines.filter(|l| !l.is_empty()) {
            if !text.contains(want) {
                failures.push(format!("{name}: the output lacks `{want}`\n{text}"));
            }
        }
        if all.iter().any(|b| matches!(b, 0x07 | 0x1b)) {
            failures.push(format!(
                "{name}: a raw control character reached the output"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
