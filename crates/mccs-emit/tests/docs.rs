//! `docs/export.md` shows real output: every fenced block after a `<!-- golden: PATH -->`
//! marker is made of lines of that golden file, in order.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

#[test]
fn export_md_quotes_the_golden_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Absent when the crate is built from its published package.
    let Ok(md) = std::fs::read_to_string(root.join("../../docs/export.md")) else {
        return;
    };
    let mut found = 0;
    let mut rest = md.as_str();
    while let Some(at) = rest.find("<!-- golden: ") {
        rest = &rest[at + "<!-- golden: ".len()..];
        let (path, after) = rest.split_once(" -->").unwrap();
        let golden = std::fs::read_to_string(root.join("tests/golden").join(path))
            .unwrap_or_else(|e| panic!("docs/export.md quotes {path}: {e}"));
        let fence = after.find("```").unwrap();
        let body = &after[fence..];
        let body = &body[body.find('\n').unwrap() + 1..];
        let end = body.find("\n```").unwrap();
        let mut lines = golden.lines();
        for line in body[..end].lines() {
            assert!(
                lines.any(|g| g == line),
                "docs/export.md: a line quoted from {path} is not in it (in order):\n{line}\nrun the emit again and paste"
            );
        }
        found += 1;
        rest = &body[end..];
    }
    assert!(
        found >= 5,
        "docs/export.md quotes only {found} golden files"
    );
}
