//! `docs/topology-format.md` stays true: its reference example is the embedded one, its YAML, JSON
//! and TOML snippets read without a finding, and it documents every kind of problem.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use mccs_model::{DocPath, Format, Problem, ValidateOptions, check, examples, load};

/// The page, or `None` when the crate is built from its published package (no `docs/`).
fn page() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/topology-format.md");
    path.exists()
        .then(|| std::fs::read_to_string(path).unwrap())
}

/// The fenced code blocks of a Markdown text: (info string, content).
fn blocks(md: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in md.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.trim().to_owned(), String::new())),
            (Some(_), Some("")) => out.extend(current.take()),
            (Some((_, body)), _) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(current.is_none(), "unclosed code block");
    out
}

#[test]
fn reference_example_is_the_embedded_one() {
    let Some(md) = page() else { return };
    let found = blocks(&md)
        .into_iter()
        .filter(|(info, body)| {
            info == "yaml" && body.starts_with("# yaml-language-server") && body.len() > 1000
        })
        .map(|(_, body)| body)
        .collect::<Vec<_>>();
    assert_eq!(found.len(), 1, "one full reference example");
    assert_eq!(found[0], examples::REFERENCE_YAML);
    assert!(md.contains("examples/cross-cloud.yaml"));
    assert!(md.contains("docs/schema/topology.schema.json"));
    assert!(md.contains("# yaml-language-server: $schema="));
}

#[test]
fn snippets_read_cleanly() {
    let Some(md) = page() else { return };
    let mut checked = 0;
    for (info, body) in blocks(&md) {
        let format = match info.as_str() {
            "yaml" => Format::Yaml,
            "json" => Format::Json,
            "toml" => Format::Toml,
            _ => continue,
        };
        // The outline with `[...]` placeholders is not a document.
        if body.contains("[...]") {
            continue;
        }
        let complete = body
            .lines()
            .any(|l| l.starts_with("version") || l.trim_start().starts_with("\"version\""));
        if complete {
            // A whole document: read and validated without a finding.
            let found: Vec<String> = check(&body, format, &ValidateOptions::default())
                .diagnostics
                .iter()
                .map(ToString::to_string)
                .collect();
            assert!(found.is_empty(), "{found:#?}\n{body}");
        } else {
            // A section on its own: well-formed (its references may point outside the snippet).
            let loaded = load(&format!("version: 1\n{body}"), format);
            let found: Vec<String> = loaded.diagnostics.iter().map(ToString::to_string).collect();
            assert!(found.is_empty(), "{found:#?}\n{body}");
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} snippets checked");
}

#[test]
fn the_broken_example_gives_the_errors_shown() {
    // docs/topology-format.md shows a document with three mistakes (a fence `yaml broken`) and
    // what `mccs validate` prints for it: one error per mistake, quoting the bad values.
    let Some(md) = page() else { return };
    let all = blocks(&md);
    let at = all
        .iter()
        .position(|(info, _)| info == "yaml broken")
        .expect("the broken example");
    let (doc, shown) = (&all[at].1, &all[at + 1].1);
    let found: Vec<String> = check(doc, Format::Yaml, &ValidateOptions::default())
        .diagnostics
        .iter()
        .map(|d| {
            let l = d.location.expect("located");
            format!(
                "broken.yaml:{}:{}: {}: {}: {}",
                l.line,
                l.column,
                if d.is_error() { "error" } else { "warning" },
                d.path,
                d.problem
            )
        })
        .collect();
    assert_eq!(found.len(), 3, "{found:#?}");
    let mut want: Vec<&str> = shown.lines().collect();
    assert_eq!(want.pop(), Some("broken.yaml: 3 errors"));
    assert_eq!(found, want);
}

#[test]
fn every_problem_kind_is_documented() {
    let Some(md) = page() else { return };
    let p = DocPath::root;
    let s = String::new;
    let all = [
        Problem::Syntax { message: s() },
        Problem::Shape { message: s() },
        Problem::UnsupportedVersion {
            found: 2,
            supported: 1,
        },
        Problem::Duplicate {
            what: s(),
            name: s(),
            first: p(),
        },
        Problem::UnknownReference {
            what: s(),
            name: s(),
            hint: s(),
        },
        Problem::WrongKind {
            name: s(),
            found: s(),
            expected: s(),
        },
        Problem::HostBits {
            cidr: s(),
            network: s(),
        },
        Problem::Overlap {
            cidr: s(),
            other: p(),
            other_cidr: s(),
        },
        Problem::UnknownMinistry {
            ministry: s(),
            known: s(),
        },
        Problem::ZoneWithoutFirewall { zone: s() },
        Problem::EndpointOutsideZone {
            endpoint: s(),
            address: s(),
            zone: s(),
            networks: s(),
        },
        Problem::GroupCycle { cycle: s() },
        Problem::GroupTooDeep {
            group: s(),
            limit: 32,
        },
        Problem::ExpiredRule {
            rule: s(),
            expires: s(),
        },
        Problem::ExpiredFlow {
            flow: s(),
            expires: s(),
        },
        Problem::Empty {
            what: s(),
            hint: s(),
        },
        Problem::InitiatorMismatch {
            initiator: s(),
            end: s(),
            stated: s(),
            actual: s(),
        },
        Problem::Inconsistent { message: s() },
    ];
    for problem in all {
        let kind = serde_json::to_value(&problem).unwrap()["kind"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            md.contains(&format!("| `{kind}`")),
            "`{kind}` is not in the table of problems"
        );
    }
}

/// Every crate's README is also its crates.io page, where a relative link leads nowhere: links
/// are absolute.
#[test]
fn crate_readmes_link_absolutely() {
    let crates = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let Ok(entries) = std::fs::read_dir(&crates) else {
        eprintln!("skipped: no workspace beside this crate (built from its package)");
        return;
    };
    let mut checked = 0;
    for entry in entries {
        let readme = entry.unwrap().path().join("README.md");
        let Ok(text) = std::fs::read_to_string(&readme) else {
            continue;
        };
        checked += 1;
        for (i, line) in text.lines().enumerate() {
            for (at, _) in line.match_indices("](") {
                let target = &line[at + 2..];
                assert!(
                    target.starts_with("https://") || target.starts_with('#'),
                    "{}:{}: a relative link does not work on crates.io: {line}",
                    readme.display(),
                    i + 1
                );
            }
        }
    }
    assert!(checked >= 6, "found only {checked} crate READMEs");
}
