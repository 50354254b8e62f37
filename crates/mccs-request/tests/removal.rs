//! Removal requests (`RequestSet::for_removal`) on the small estate `tests/data/removal.yaml`:
//! exactly which rules and objects each removal lists, and the goldens of every format under
//! `tests/golden/removal-*`. `UPDATE_EXPECT=1 cargo test -p mccs-request --test removal`
//! rewrites the goldens.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mccs_model::Topology;
use mccs_request::{BuildOptions, Removal, RequestSet};

fn topology() -> Topology {
    let text = include_str!("data/removal.yaml");
    let checked = mccs_model::check(text, mccs_model::Format::Yaml, &Default::default());
    checked.topology
}

fn retire(env: &str) -> RequestSet {
    let removal = Removal::RetireEnvironment(env.parse().unwrap());
    RequestSet::for_removal(&topology(), &removal, &BuildOptions::default()).unwrap()
}

#[test]
fn dump() {
    let set = retire("abc123-prod");
    let md = mccs_request::render(
        &set,
        mccs_request::OutputFormat::Markdown,
        &Default::default(),
    )
    .unwrap();
    std::fs::write("/tmp/rm/retire.md", &md[0].contents).unwrap();
    let removal = Removal::Expired {
        today: "2026-12-20".parse().unwrap(),
        within_days: 30,
    };
    let set = RequestSet::for_removal(&topology(), &removal, &BuildOptions::default()).unwrap();
    let md = mccs_request::render(
        &set,
        mccs_request::OutputFormat::Markdown,
        &Default::default(),
    )
    .unwrap();
    std::fs::write("/tmp/rm/expired.md", &md[0].contents).unwrap();
}
