//! `mccs import`: reads the provider's file, hands the text to [`mccs_import`], writes the
//! document it makes to standard output and the networks left out to standard error.

use std::collections::BTreeSet;
use std::path::Path;

use mccs_import::{Import, ImportOptions, TagKeys};
use mccs_model::{Diagnostic, Topology, ValidateOptions};

use crate::cli::{AwsVpcsArgs, AzureVnetsArgs, TagArgs, TopologyArgs};
use crate::commands::Ctx;
use crate::input::{Purpose, display_name, read_text};
use crate::{Error, Exit, Result};

fn options(tags: &TagArgs, non_routable: &[String]) -> ImportOptions {
    let options = ImportOptions::default()
        .with_tags(TagKeys::new(
            tags.plate_tag.clone(),
            tags.env_tag.clone(),
            tags.ministry_tag.clone(),
        ))
        .with_non_routable(
            non_routable
                .iter()
                .filter_map(|c| mccs_model::parse_prefix(c))
                .collect(),
        );
    let mut options = match &tags.ministry {
        Some(m) => options.with_ministry(*m),
        None => options,
    };
    if let Some(p) = tags.plate {
        options = options.with_plate(p);
    }
    if let Some(e) = &tags.env {
        options = options.with_environment(e.clone());
    }
    for (id, env) in &tags.assign {
        options = options.assign(id.clone(), env.clone());
    }
    options
}

/// The topology to merge into (`-t`), read and checked as every command reads one.
struct Target {
    /// Its name, for messages and the document's heading.
    name: String,
    topology: Topology,
    /// The findings it has already ([`finding_key`]), so the merge reports only new ones.
    known: BTreeSet<String>,
}

/// A finding without its line and column: the merged topology is validated as a value, so
/// its findings have none, and the target's findings are matched to them this way.
fn finding_key(d: &Diagnostic) -> String {
    format!("{:?} {}: {}", d.severity, d.path, d.problem)
}

fn target(ctx: &mut Ctx<'_>, path: Option<&Path>) -> Result<Option<Target>> {
    let Some(path) = path else { return Ok(None) };
    let args = TopologyArgs {
        file: None,
        topology: Some(path.to_owned()),
        example: None,
    };
    let (source, checked) = ctx.usable_topology(&args)?;
    Ok(Some(Target {
        name: source.name,
        known: checked.diagnostics.iter().map(finding_key).collect(),
        topology: checked.topology,
    }))
}

pub(crate) fn aws_vpcs(ctx: &mut Ctx<'_>, args: &AwsVpcsArgs) -> Result<Exit> {
    let name = display_name(&args.file);
    let into = target(ctx, args.topology.as_deref())?;
    let text = read_text(&args.file, Purpose::AwsVpcs)?;
    let mut options = options(&args.tags, &args.non_routable);
    if let Some(t) = &into {
        options = options.with_known(&t.topology);
    }
    let mut import =
        mccs_import::aws_vpcs(&text, &args.region, &options).map_err(|e| Error::BadInput {
            name: name.clone(),
            message: e.to_string(),
        })?;
    if let Some(path) = &args.subnets {
        let subnets_name = display_name(path);
        let text = read_text(path, Purpose::AwsSubnets)?;
        import.add_aws_subnets(&text).map_err(|e| Error::BadInput {
            name: subnets_name,
            message: e.to_string(),
        })?;
    }
    match into {
        Some(t) => merge(ctx, &name, &import, &t),
        None => emit(ctx, &name, &import),
    }
}

pub(crate) fn azure_vnets(ctx: &mut Ctx<'_>, args: &AzureVnetsArgs) -> Result<Exit> {
    let name = display_name(&args.file);
    let into = target(ctx, args.topology.as_deref())?;
    let text = read_text(&args.file, Purpose::AzureVnets)?;
    let mut options = options(&args.tags, &[]);
    if let Some(t) = &into {
        options = options.with_known(&t.topology);
    }
    let import = mccs_import::azure_vnets(&text, &options).map_err(|e| Error::BadInput {
        name: name.clone(),
        message: e.to_string(),
    })?;
    match into {
        Some(t) => merge(ctx, &name, &import, &t),
        None => emit(ctx, &name, &import),
    }
}

/// Writes the topology `into` with the import merged ([`mccs_import::Merged::document`]); what
/// was left out goes to standard error too, and so do the findings the merge adds (those the
/// topology had before are not repeated).
fn merge(ctx: &mut Ctx<'_>, name: &str, import: &Import, into: &Target) -> Result<Exit> {
    let into_name = &into.name;
    let merged = import.merge_into(&into.topology);
    let doc = merged
        .document(name, into_name)
        .map_err(|e| Error::BadInput {
            name: name.to_owned(),
            message: format!("{e}; this is a bug, please report it"),
        })?;
    ctx.out.write_all(doc.as_bytes())?;
    for u in merged.left_out() {
        writeln!(
            ctx.err,
            "mccs: {name}: {} not merged: {}",
            u.label, u.reason
        )?;
    }
    let mut new_errors = false;
    for d in mccs_model::validate(merged.topology(), &ValidateOptions::default()) {
        if into.known.contains(&finding_key(&d)) {
            continue;
        }
        new_errors |= d.is_error();
        writeln!(
            ctx.err,
            "mccs: {name}: merged into {into_name}: {}: {}",
            d.path, d.problem
        )?;
    }
    Ok(if merged.left_out().is_empty() && !new_errors {
        Exit::Success
    } else {
        Exit::Findings
    })
}

/// Writes the document ([`Import::document`]); the networks left out also go to standard
/// error, and so do the findings `mccs validate` would report on the imported Project Sets.
fn emit(ctx: &mut Ctx<'_>, name: &str, import: &Import) -> Result<Exit> {
    let noun = import.provider().noun();
    let doc = import.document(name).map_err(|e| Error::BadInput {
        name: name.to_owned(),
        message: format!("{e}; this is a bug, please report it"),
    })?;
    ctx.out.write_all(doc.as_bytes())?;

    for u in import.not_imported() {
        writeln!(
            ctx.err,
            "mccs: {name}: {} not imported: {}",
            u.label, u.reason
        )?;
    }
    // Check what was produced as `mccs validate` would: overlapping address spaces and the
    // like are worth knowing before the document is merged anywhere.
    let findings = mccs_model::validate(import.topology(), &ValidateOptions::default());
    for d in &findings {
        writeln!(
            ctx.err,
            "mccs: {name}: imported {noun}s: {}: {}",
            d.path, d.problem
        )?;
    }
    Ok(
        if import.not_imported().is_empty() && !findings.iter().any(|d| d.is_error()) {
            Exit::Success
        } else {
            Exit::Findings
        },
    )
}
