//! What is wrong with the text of one part of a name (a ministry, a license plate, an
//! environment, a value from a known list), and how to write it. Leaf functions: aligning a
//! name's tokens (`align.rs`) uses them, and they use nothing of the parser, so the parser's
//! modules form no loop (`align` -> `part_hints`; `hints` -> `align`).

use mccs_model::{Environment, LicensePlate, Ministry};

pub(super) fn ministry_hint(found: &str) -> String {
    if found.is_empty() {
        return "the ministry is missing: write its short name, e.g. `CITZ`".to_owned();
    }
    let upper = found.to_ascii_uppercase();
    if upper != found && upper.parse::<Ministry>().is_ok() {
        return format!("ministry short names are upper case: write `{upper}`");
    }
    "use 2 to 10 upper-case letters or digits, starting with a letter (e.g. `CITZ`)".to_owned()
}

pub(super) fn plate_hint(found: &str) -> String {
    let len = found.chars().count();
    if len != 6 {
        return format!(
            "it has {len} characters; a license plate has exactly 6 lower-case letters or digits (e.g. `abc123`)"
        );
    }
    let lower = found.to_ascii_lowercase();
    if lower != found && lower.parse::<LicensePlate>().is_ok() {
        return format!("license plates are lower case: write `{lower}`");
    }
    "use exactly 6 lower-case letters or digits (e.g. `abc123`)".to_owned()
}

pub(super) fn env_hint(found: &str) -> String {
    let lower = found.to_ascii_lowercase();
    if lower != found && lower.parse::<Environment>().is_ok() {
        return format!("environments are lower case: write `{lower}`");
    }
    "use `dev`, `test`, `prod`, `tools`, or another lower-case word of up to 16 letters, digits or `-`, starting with a letter".to_owned()
}

pub(super) fn known_list_hint<'a>(found: &str, known: impl Iterator<Item = &'a str>) -> String {
    let known: Vec<&str> = known.collect();
    if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(found)) {
        return format!("did you mean `{k}`?");
    }
    let shown: Vec<String> = known.iter().take(20).map(|k| format!("`{k}`")).collect();
    let more = if known.len() > shown.len() {
        ", ..."
    } else {
        ""
    };
    if shown.is_empty() {
        "the list of known values is empty".to_owned()
    } else {
        format!("use one of {}{more}", shown.join(", "))
    }
}
