//! The bodies of the mccs fuzz targets, shared by `cargo fuzz` (`fuzz_targets/*.rs`, one line
//! each) and the stable replay of the committed corpus (`tests/replay.rs`).
//!
//! Each function takes the raw input bytes, runs them through the libraries as the `mccs`
//! command would, and panics when an invariant does not hold; returning is success. Inputs
//! that are not UTF-8 are skipped (every reader takes text; the CLI turns bytes into text
//! before any of them runs). Nothing here depends on libFuzzer, so the replay builds on stable.
//!
//! See `docs/fuzzing.md` for how to run the fuzzers and add to the corpus.

use mccs_model::{Checked, Diagnostic, Format, ValidateOptions};
use mccs_naming::{Convention, Conventions, ParseOptions, check_rulebase};
use mccs_path::{NetworkGraph, PlanOptions, plan_with};
use mccs_request::{OutputFormat, RequestSet, Templates, render};

/// A fuzz target: its name (the `fuzz_targets/NAME.rs` binary and the `corpus/NAME/` folder)
/// and its body.
pub type Target = (&'static str, fn(&[u8]));

/// Every fuzz target, by name.
pub const TARGETS: &[Target] = &[
    ("document_yaml", document_yaml),
    ("document_json", document_json),
    ("document_toml", document_toml),
    ("names", names),
    ("plan_render", plan_render),
    ("import", import),
];

/// The region passed to the AWS importer (`describe-vpcs` does not say which region it
/// lists).
pub const IMPORT_REGION: &str = "ca-central-1";

/// A YAML topology document: see [`document`].
pub fn document_yaml(data: &[u8]) {
    document(data, Format::Yaml);
}

/// A JSON topology document: see [`document`].
pub fn document_json(data: &[u8]) {
    document(data, Format::Json);
}

/// A TOML topology document: see [`document`].
pub fn document_toml(data: &[u8]) {
    document(data, Format::Toml);
}

/// Reads and validates `data` as a topology document in `format` (`mccs_model::check`, as
/// `mccs validate` does).
///
/// Checks: reading never panics, hangs or grows without bound (the limits in `docs/limits.md`
/// apply); every finding has a message and, when located, a line and column inside the text;
/// and a document that reads without findings from the reader is written back by
/// `mccs_model::to_yaml` as YAML that reads back, without findings, to the same topology.
///
/// # Panics
///
/// When an invariant does not hold.
pub fn document(data: &[u8], format: Format) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let checked = mccs_model::check(text, format, &ValidateOptions::default());
    assert_findings_located(text, format, &checked.diagnostics);

    let loaded = mccs_model::load(text, format);
    if !loaded.diagnostics.is_empty() {
        return;
    }
    let yaml = match mccs_model::to_yaml(&loaded.topology) {
        Ok(yaml) => yaml,
        Err(e) => panic!("a topology read without findings cannot be written as YAML: {e}"),
    };
    let back = mccs_model::load(&yaml, Format::Yaml);
    assert!(
        back.diagnostics.is_empty(),
        "the YAML written for a clean document has findings: {:?}\n--- written:\n{yaml}",
        back.diagnostics
    );
    assert!(
        back.topology == loaded.topology,
        "the YAML written for a clean document reads back differently\n--- written:\n{yaml}"
    );
}

/// Every finding has a message, and a location (when it has one) inside `text`.
fn assert_findings_located(text: &str, format: Format, diagnostics: &[Diagnostic]) {
    // The YAML and JSON readers count a lone CR as a line end (`lone_cr_to_lf`); TOML has no
    // lone-CR line ends. A location may point just past the last character of its line.
    let normalized = match format {
        Format::Toml => std::borrow::Cow::Borrowed(text),
        _ => mccs_model::lone_cr_to_lf(text),
    };
    let lines: Vec<&str> = normalized.split('\n').collect();
    for d in diagnostics {
        assert!(!d.to_string().is_empty(), "a finding without a message");
        let Some(at) = d.location else { continue };
        assert!(
            at.line >= 1 && at.line <= lines.len(),
            "finding at line {} of a {}-line text: {d}",
            at.line,
            lines.len()
        );
        let width = lines[at.line - 1].chars().count();
        assert!(
            at.column >= 1 && at.column <= width + 1,
            "finding at column {} of a {width}-character line: {d}",
            at.column
        );
    }
}

/// Name parsing: each line of `data` is a rule or object name, parsed with the default
/// conventions (`Conventions::default()`), as `mccs names check` does.
///
/// Checks: parsing never panics; a name that parses formats back (`format_rule` /
/// `format_object`) to the same text, which parses to the same identity; a name that does not
/// parse gets a message, a position inside the name when it gives one, and a suggested fix
/// (when it gives one) that parses; checking all the lines as one rulebase
/// (`check_rulebase`) never panics and every finding points at lines that exist.
///
/// # Panics
///
/// When an invariant does not hold.
pub fn names(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let conventions = Conventions::default();
    let lines: Vec<&str> = text.split('\n').collect();
    let standard = ParseOptions::default().with_standard_environments();
    for name in &lines {
        rule_name(conventions.rule(), name);
        object_name(conventions.object(), name);
        // Restricting the environments may reject a name, never panic.
        let _ = conventions.rule().parse_with(name, &standard);
    }
    let findings = check_rulebase(conventions.rule(), &ParseOptions::default(), &lines);
    for f in findings {
        assert!(
            f.indices().iter().all(|i| *i < lines.len()),
            "a rulebase finding points past the rulebase: {f:?}"
        );
    }
}

fn rule_name(rules: &Convention, name: &str) {
    match rules.parse_rule(name) {
        Ok(id) => {
            let again = match rules.format_rule(&id) {
                Ok(again) => again,
                Err(e) => panic!("`{name}` parses as {id:?}, which does not format: {e}"),
            };
            assert_eq!(again, name, "a rule name that parses is not canonical");
            assert_eq!(
                rules.parse_rule(&again).ok(),
                Some(id),
                "`{again}` does not parse back"
            );
        }
        Err(e) => {
            assert_parse_error(rules, name, &e);
            if let Some(fix) = e.suggestion() {
                assert!(
                    rules.parse_rule(fix).is_ok(),
                    "`{name}`: the suggested fix `{fix}` does not parse ({e})"
                );
            }
        }
    }
}

fn object_name(objects: &Convention, name: &str) {
    match objects.parse_object(name) {
        Ok(id) => {
            let again = match objects.format_object(&id) {
                Ok(again) => again,
                Err(e) => panic!("`{name}` parses as {id:?}, which does not format: {e}"),
            };
            assert_eq!(again, name, "an object name that parses is not canonical");
            assert_eq!(
                objects.parse_object(&again).ok(),
                Some(id),
                "`{again}` does not parse back"
            );
        }
        Err(e) => {
            assert_parse_error(objects, name, &e);
            if let Some(fix) = e.suggestion() {
                assert!(
                    objects.parse_object(fix).is_ok(),
                    "`{name}`: the suggested fix `{fix}` does not parse ({e})"
                );
            }
        }
    }
}

fn assert_parse_error(convention: &Convention, name: &str, e: &mccs_naming::ParseError) {
    assert!(
        !e.to_string().is_empty(),
        "`{name}`: an error without a message"
    );
    if let Some(at) = e.position() {
        // A position counts parts from 1: a part of the name, or one the template says is
        // missing just past them.
        let sep = convention.separator();
        let parts = name
            .split(sep)
            .count()
            .max(convention.template().split(sep).count());
        assert!(
            at >= 1 && at <= parts + 1,
            "`{name}`: error position {at} outside the name's parts ({e})"
        );
    }
}

/// Plan and render: reads `data` as a YAML topology document; if it has no errors, builds the
/// network graph, plans the document's flows (`mccs_path::plan_with`, default options), builds
/// the requests (`RequestSet::from_plan`) and renders them in every output format with the
/// shipped templates, as `mccs plan` does.
///
/// Checks: none of it panics or hangs; rendering a valid plan never fails (the shipped
/// templates' fuel and output limits grow with the request set, so they are never hit); every
/// rendered file has a name, ends in a newline, and the JSON output is JSON.
///
/// # Panics
///
/// When an invariant does not hold.
pub fn plan_render(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Checked {
        topology,
        diagnostics,
        ..
    } = mccs_model::check(text, Format::Yaml, &ValidateOptions::default());
    if diagnostics.iter().any(Diagnostic::is_error) {
        return;
    }
    let graph = NetworkGraph::build(&topology);
    let plan = plan_with(&graph, &topology.flows, &PlanOptions::default());
    let set = RequestSet::from_plan(&topology, &plan);
    let templates = Templates::default();
    for format in OutputFormat::ALL {
        let files = match render(&set, format, &templates) {
            Ok(files) => files,
            Err(e) => panic!("rendering a valid plan as {format} failed: {e}"),
        };
        assert!(!files.is_empty(), "{format}: no files");
        for f in &files {
            assert!(!f.path.is_empty(), "{format}: a file without a name");
            assert!(
                !f.path.contains('/') && !f.path.contains('\\') && !f.path.starts_with('.'),
                "{format}: file name `{}` is not a plain file name",
                f.path
            );
            assert!(
                f.contents.ends_with('\n'),
                "{format}: `{}` does not end in a newline",
                f.path
            );
            if format == OutputFormat::Json
                && let Err(e) = serde_json::from_str::<serde_json::Value>(&f.contents)
            {
                panic!("`{}` is not JSON: {e}", f.path);
            }
        }
    }
}

/// Import: reads `data` as both `aws ec2 describe-vpcs` and `az network vnet list` output,
/// as `mccs import aws-vpcs --region ca-central-1 --ministry CITZ` and `mccs import
/// azure-vnets --ministry CITZ` do (through `mccs_import`, with the command's defaults).
///
/// Checks: neither importer panics; the document an importer writes (comments included)
/// reads back as YAML without findings from the reader, to exactly the topology it built:
/// provider text can neither break the document nor inject anything into it.
///
/// # Panics
///
/// When an invariant does not hold.
pub fn import(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let citz = mccs_import::ImportOptions::default().with_ministry(
        "CITZ"
            .parse()
            .unwrap_or_else(|e| panic!("CITZ is a ministry: {e}")),
    );
    let lza = citz.clone().with_non_routable(
        mccs_import::DEFAULT_NON_ROUTABLE
            .parse()
            .into_iter()
            .collect(),
    );
    if let Ok(imported) = mccs_import::aws_vpcs(text, IMPORT_REGION, &lza) {
        assert_reads_back("aws-vpcs", &imported);
    }
    if let Ok(imported) = mccs_import::azure_vnets(text, &citz) {
        assert_reads_back("azure-vnets", &imported);
    }
}

fn assert_reads_back(command: &str, imported: &mccs_import::Import) {
    let document = imported
        .document("-")
        .unwrap_or_else(|e| panic!("`mccs import {command}` cannot write its document: {e}"));
    let back = mccs_model::load(&document, Format::Yaml);
    assert!(
        back.diagnostics.is_empty(),
        "`mccs import {command}` wrote a document with findings: {:?}\n--- written:\n{}",
        back.diagnostics,
        document
    );
    assert!(
        &back.topology == imported.topology(),
        "`mccs import {command}` wrote a document that reads back differently\n--- written:\n{}",
        document
    );
}
