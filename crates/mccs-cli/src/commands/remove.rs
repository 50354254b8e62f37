//! `mccs retire` and `mccs expired`: removal requests (`RequestSet::for_removal`), written like
//! `mccs plan`'s change requests (the same formats, `--out`, `--force` and writer).

use std::sync::Arc;

use mccs_request::{OutputFormat, Removal, RenderOptions, RequestSet};

use crate::cli::{ExpiredArgs, RemovalOutputArgs, RequestFormat, RetireArgs, TopologyArgs};
use crate::commands::plan::{Destination, build_options, render_to, templates_from};
use crate::commands::{Ctx, today};
use crate::{Error, Exit, Result};

pub(crate) fn retire(ctx: &mut Ctx<'_>, args: &RetireArgs) -> Result<Exit> {
    let removal = Removal::RetireEnvironment(args.environment.clone());
    run(ctx, &args.topology, &removal, &args.output)
}

pub(crate) fn expired(ctx: &mut Ctx<'_>, args: &ExpiredArgs) -> Result<Exit> {
    let removal = Removal::Expired {
        today: args.today.unwrap_or_else(today),
        within_days: args.within,
    };
    run(ctx, &args.topology, &removal, &args.output)
}

fn run(
    ctx: &mut Ctx<'_>,
    topology: &TopologyArgs,
    removal: &Removal,
    args: &RemovalOutputArgs,
) -> Result<Exit> {
    let (source, checked) = ctx.usable_topology(topology)?;
    let templates = templates_from(args.templates.as_deref())?;
    let mut build = build_options(args.vocabulary.as_deref())?;
    if topology.example.is_some() {
        build = build.with_banner(format!(
            "EXAMPLE: {}",
            crate::commands::example_note(&source.name)
        ));
    }
    let set = RequestSet::for_removal(&checked.topology, removal, &build).map_err(|e| {
        Error::BadInput {
            name: source.name.clone(),
            message: e.to_string(),
        }
    })?;
    let to_remove = set.removal.as_ref().is_some_and(|r| r.rules_to_remove > 0);
    let format = match args.format {
        RequestFormat::Markdown => OutputFormat::Markdown,
        RequestFormat::Csv => OutputFormat::Csv,
        RequestFormat::Json => OutputFormat::Json,
        RequestFormat::Html => OutputFormat::Html,
    };
    let options = RenderOptions::default().with_csv_bom(args.out.is_some() && !args.no_csv_bom);
    let to = Destination {
        out: args.out.as_deref(),
        force: args.force,
        templates: args.templates.as_deref(),
    };
    render_to(ctx, &Arc::new(set), format, &templates, &options, &to)?;
    Ok(if args.check && to_remove {
        Exit::RulesNeeded
    } else {
        Exit::Success
    })
}
