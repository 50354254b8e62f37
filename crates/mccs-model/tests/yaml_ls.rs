//! A real yaml-language-server (the editor side of VS Code's YAML extension, Neovim, Helix, ...)
//! loads the schema written next to a document (`mccs schema topology > topology.schema.json`
//! and `# yaml-language-server: $schema=./topology.schema.json`), finds nothing to say about the
//! examples, and flags plausible mistakes with the schema's own messages.
//!
//! Runs when `node` and yaml-language-server are installed: the executable named by
//! `YAML_LANGUAGE_SERVER`, else `yaml-language-server` on the `PATH`
//! (`npm install -g yaml-language-server`). Otherwise the test says SKIPPED on standard error.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn server() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("YAML_LANGUAGE_SERVER") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("yaml-language-server"))
        .find(|p| p.is_file())
}

/// Diagnostics per file, in the order given.
fn diagnostics(server: &Path, files: &[PathBuf]) -> Vec<Vec<String>> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/yaml_ls/lsp.js");
    let out = Command::new("node")
        .arg(script)
        .arg(server)
        .args(files)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let d = v["diagnostics"]
                .as_array()
                .unwrap_or_else(|| panic!("no diagnostics came for {}", v["file"]));
            d.iter().map(|m| m.as_str().unwrap().to_owned()).collect()
        })
        .collect()
}

#[test]
fn yaml_language_server_uses_the_schema() {
    let Some(server) = server() else {
        eprintln!(
            "SKIPPED yaml_language_server_uses_the_schema: no yaml-language-server (set YAML_LANGUAGE_SERVER or put it on the PATH)"
        );
        return;
    };
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("SKIPPED yaml_language_server_uses_the_schema: `node` is not installed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("mccs-yaml-ls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let schema = serde_json::to_string_pretty(&mccs_model::topology_schema()).unwrap();
    std::fs::write(dir.join("topology.schema.json"), schema).unwrap();
    let local = |text: &str| {
        let (first, rest) = text.split_once('\n').unwrap();
        assert!(first.starts_with("# yaml-language-server: $schema="));
        format!("# yaml-language-server: $schema=./topology.schema.json\n{rest}")
    };
    let mut files = Vec::new();
    for (name, text) in mccs_model::examples::ALL {
        let path = dir.join(format!("{name}.yaml"));
        std::fs::write(&path, local(text)).unwrap();
        files.push(path);
    }
    let reference = local(mccs_model::examples::REFERENCE_YAML);
    let mistakes = [
        (
            "address_space: [10.46.8.0/24]",
            "address_space: [10.46.8.0/33]",
            "Not a CIDR",
        ),
        (
            "services: [tcp/23]",
            "services: [tcp/70000]",
            "Not a service",
        ),
        ("version: 1", "version: 2", "1"),
        ("address_space: [10.46.8.0/24]", "address_space: []", "1"),
        (
            "          address: 142.34.10.25\n",
            "          address: 142.34.10.256\n",
            "Not an IP address",
        ),
    ];
    for (i, (old, new, _)) in mistakes.iter().enumerate() {
        assert_eq!(reference.matches(old).count(), 1, "{old}");
        let path = dir.join(format!("mistake-{i}.yaml"));
        std::fs::write(&path, reference.replacen(old, new, 1)).unwrap();
        files.push(path);
    }
    let found = diagnostics(&server, &files);
    std::fs::remove_dir_all(&dir).ok();
    let examples = mccs_model::examples::ALL.len();
    for (i, d) in found[..examples].iter().enumerate() {
        assert!(d.is_empty(), "{}: {d:#?}", mccs_model::examples::ALL[i].0);
    }
    for ((old, new, says), d) in mistakes.iter().zip(&found[examples..]) {
        assert_eq!(d.len(), 1, "{old} -> {new}: {d:#?}");
        assert!(d[0].contains(says), "{old} -> {new}: {d:#?}");
    }
}
