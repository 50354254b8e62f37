//! `mccs names check`: every firewall's rule names against the MCCS naming convention
//! (crate `mccs-naming`).

use mccs_model::{DocPath, Location};
use mccs_naming::{Conventions, Finding, ParseOptions, check_rulebase};
use serde::Serialize;

use crate::cli::{NamesCheckArgs, OutputFormat};
use crate::commands::Ctx;
use crate::{Exit, Result, render};

/// One finding about one firewall's rules.
#[derive(Debug, Serialize)]
struct NameFinding<'a> {
    file: &'a str,
    firewall: String,
    /// The (first) rule the finding is about, 0-based as in the document.
    rule: usize,
    name: String,
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Location>,
    reason: String,
    /// The naming crate's finding, for programs.
    finding: Finding,
}

pub(crate) fn check(ctx: &mut Ctx<'_>, args: &NamesCheckArgs) -> Result<Exit> {
    let (source, checked) = ctx.usable_topology(&args.topology)?;
    let topology = &checked.topology;
    let source_map = mccs_model::load(&source.text, source.format).source_map;
    let conventions = Conventions::default();
    let mut options = ParseOptions::default();
    if !topology.ministries.is_empty() {
        options = options.with_known_ministries(topology.ministries.iter().copied());
    }

    let mut findings = Vec::new();
    for (f, firewall) in topology.firewalls.iter().enumerate() {
        // The rules checked, with their index in the firewall's rulebase.
        let (indices, names): (Vec<usize>, Vec<&str>) = firewall
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (i, r.name.as_str()))
            .filter(|(_, n)| !args.mccs_only || is_mccs(n))
            .unzip();
        let checked = check_rulebase(conventions.rule(), &options, &names);
        for mut finding in checked {
            remap(&mut finding, &indices);
            let rule = finding.indices().first().copied().unwrap_or(0);
            let reason = match &finding {
                Finding::Invalid { error, .. } => error.to_string(),
                other => other.to_string(),
            };
            let path = DocPath::root()
                .key("firewalls")
                .index(f)
                .key("rules")
                .index(rule)
                .key("name");
            findings.push(NameFinding {
                file: &source.name,
                firewall: firewall.name.to_string(),
                rule,
                name: firewall
                    .rules
                    .get(rule)
                    .map(|r| r.name.to_string())
                    .unwrap_or_default(),
                location: source_map.locate(&path),
                path: path.to_string(),
                reason,
                finding,
            });
        }
    }

    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *ctx.out, &findings).map_err(std::io::Error::from)?;
            writeln!(ctx.out)?;
        }
        OutputFormat::Text => {
            for n in &findings {
                let at = n
                    .location
                    .map(|l| format!("{}:{}:", l.line, l.column))
                    .unwrap_or_default();
                writeln!(
                    ctx.out,
                    "{}:{at} firewall {} rule {} `{}`: {}",
                    n.file, n.firewall, n.rule, n.name, n.reason
                )?;
            }
            let rules: usize = topology.firewalls.iter().map(|f| f.rules.len()).sum();
            writeln!(
                ctx.out,
                "{}: {} in {} on {}",
                source.name,
                render::count(findings.len(), "naming finding"),
                render::count(rules, "rule"),
                render::count(topology.firewalls.len(), "firewall"),
            )?;
        }
    }
    Ok(if findings.is_empty() {
        Exit::Success
    } else {
        Exit::Findings
    })
}

/// Whether a rule name claims to follow the MCCS convention (`MCCS_...` in any case).
fn is_mccs(name: &str) -> bool {
    name.get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("MCCS"))
}

/// Turns indices into the list that was checked back into indices into the rulebase.
fn remap(finding: &mut Finding, indices: &[usize]) {
    let at = |i: &mut usize| *i = indices.get(*i).copied().unwrap_or(*i);
    match finding {
        Finding::Invalid { index, .. } => at(index),
        Finding::Duplicate { indices, .. } => indices.iter_mut().for_each(at),
        Finding::CaseCollision { names } => names.iter_mut().for_each(|(i, _)| at(i)),
        _ => {}
    }
}
