//! `mccs example`: the embedded example topologies, verbatim.

use mccs_model::examples;

use crate::cli::{ExampleArgs, ExampleName};
use crate::commands::Ctx;
use crate::{Exit, Result};

pub(crate) fn run(ctx: &mut Ctx<'_>, args: &ExampleArgs) -> Result<Exit> {
    let text = match args.name {
        ExampleName::Reference => examples::REFERENCE_YAML,
        ExampleName::CrossCloud => examples::CROSS_CLOUD_YAML,
        ExampleName::LzaDataSubnet => examples::LZA_DATA_SUBNET_YAML,
    };
    ctx.out.write_all(text.as_bytes())?;
    Ok(Exit::Success)
}
