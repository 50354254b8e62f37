//! Reads a topology document (or the embedded reference topology) and prints every finding.
//!
//! `cargo run -p mccs-model --example check -- [FILE]`
#![allow(clippy::print_stdout, clippy::print_stderr)]

use mccs_model::{Format, ValidateOptions, check, examples};

fn main() -> std::process::ExitCode {
    let (name, text, format) = match std::env::args().nth(1) {
        Some(path) => {
            let format = std::path::Path::new(&path)
                .extension()
                .and_then(|e| e.to_str())
                .and_then(Format::from_extension)
                .unwrap_or(Format::Yaml);
            match std::fs::read_to_string(&path) {
                Ok(t) => (path, t, format),
                Err(e) => {
                    eprintln!("{path}: {e}");
                    return std::process::ExitCode::from(2);
                }
            }
        }
        None => (
            "(reference)".to_owned(),
            examples::REFERENCE_YAML.to_owned(),
            Format::Yaml,
        ),
    };
    let checked = check(&text, format, &ValidateOptions::default());
    for d in &checked.diagnostics {
        println!("{name}: {d}");
    }
    let t = &checked.topology;
    println!(
        "{name}: {} Project Sets, {} firewalls, {} zones, {} flows, {} findings",
        t.project_sets.len(),
        t.firewalls.len(),
        t.zones().len(),
        t.flows.len(),
        checked.diagnostics.len()
    );
    if checked.has_errors() {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    }
}
