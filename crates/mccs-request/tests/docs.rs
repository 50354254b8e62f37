//! `docs/requests.md` shows real output: every line of each excerpt marked
//! `<!-- excerpt: <golden file> -->` is a line of that golden file, in the same order, and the
//! error message it quotes is the one the crate gives.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use mccs_request::Templates;

fn docs() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/requests.md");
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn excerpts_are_real_output() {
    let text = docs();
    let mut found = 0;
    for (i, part) in text.split("<!-- excerpt: ").enumerate().skip(1) {
        let (file, rest) = part.split_once(" -->").unwrap();
        let (block, _) = rest
            .split_once("```markdown\n")
            .and_then(|(_, b)| b.split_once("\n```"))
            .unwrap_or_else(|| panic!("excerpt {i} has no ```markdown block"));
        let golden = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/golden")
                .join(file),
        )
        .unwrap();
        let lines: Vec<&str> = golden.lines().collect();
        let mut at = 0;
        for line in block.lines().filter(|l| !l.is_empty()) {
            let pos = lines[at..]
                .iter()
                .position(|l| *l == line)
                .unwrap_or_else(|| {
                    panic!("docs/requests.md excerpt line is not in {file} (in order):\n{line}")
                });
            at += pos + 1;
        }
        found += 1;
    }
    assert!(found > 0, "no excerpt found in docs/requests.md");
}

#[test]
fn quoted_error_message_is_real() {
    let err = Templates::default()
        .with_markdown("# Requests\n\n{% for r in requests %}\n{{ r.title }\n")
        .check()
        .unwrap_err()
        .to_string();
    assert!(
        docs().contains(&err),
        "docs/requests.md should quote:\n{err}"
    );
}
