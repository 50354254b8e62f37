//! `mccs completions`: shell completion scripts generated from the command definitions.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::commands::Ctx;
use crate::{Exit, Result};

pub(crate) fn run(ctx: &mut Ctx<'_>, args: &CompletionsArgs) -> Result<Exit> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "mccs", &mut script);
    ctx.out.write_all(&script)?;
    Ok(Exit::Success)
}
