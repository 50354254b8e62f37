//! `mccs schema`: the JSON Schema of a document, pretty-printed.

use crate::cli::{SchemaArgs, SchemaDocument};
use crate::commands::Ctx;
use crate::{Exit, Result};

pub(crate) fn run(ctx: &mut Ctx<'_>, args: &SchemaArgs) -> Result<Exit> {
    let schema = match args.document {
        SchemaDocument::Topology => mccs_model::topology_schema(),
        SchemaDocument::Requests => mccs_request::RequestSet::json_schema(),
    };
    serde_json::to_writer_pretty(&mut *ctx.out, &schema).map_err(std::io::Error::from)?;
    writeln!(ctx.out)?;
    Ok(Exit::Success)
}
