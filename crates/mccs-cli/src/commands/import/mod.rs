//! `mccs import`: reads the provider's file, hands the text to [`mccs_import`], writes the
//! document it makes to standard output and the networks left out to standard error.

use mccs_import::{Import, ImportOptions, TagKeys};
use mccs_model::ValidateOptions;

use crate::cli::{AwsVpcsArgs, AzureVnetsArgs, TagArgs};
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
        Some(m) => options.with_ministry(m.clone()),
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

pub(crate) fn aws_vpcs(ctx: &mut Ctx<'_>, args: &AwsVpcsArgs) -> Result<Exit> {
    let name = display_name(&args.file);
    let text = read_text(&args.file, Purpose::AwsVpcs)?;
    let mut import = mccs_import::aws_vpcs(
        &text,
        &args.region,
        &options(&args.tags, &args.non_routable),
    )
    .map_err(|e| Error::BadInput {
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
    emit(ctx, &name, &import)
}

pub(crate) fn azure_vnets(ctx: &mut Ctx<'_>, args: &AzureVnetsArgs) -> Result<Exit> {
    let name = display_name(&args.file);
    let text = read_text(&args.file, Purpose::AzureVnets)?;
    let import = mccs_import::azure_vnets(&text, &options(&args.tags, &[])).map_err(|e| {
        Error::BadInput {
            name: name.clone(),
            message: e.to_string(),
        }
    })?;
    emit(ctx, &name, &import)
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
