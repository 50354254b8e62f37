//! The committed man page `docs/mccs.1` is the one the command definitions generate.
//! `UPDATE_EXPECT=1 cargo test -p mccs-cli --test man` rewrites it.

// Helpers outside `#[test]` functions fail the test on unexpected I/O errors, as tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

#[test]
fn man_page_is_up_to_date() {
    let generated = mccs_cli::man_page().expect("render the man page");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/mccs.1");
    if std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("write docs/mccs.1");
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/mccs.1 is out of date with the command definitions: run `UPDATE_EXPECT=1 cargo test -p mccs-cli --test man` and commit the result"
    );
}
