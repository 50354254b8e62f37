//! `mccs validate`: every finding of a topology document, for people or programs.

use mccs_model::ValidateOptions;

use crate::cli::{ColorChoice, OutputFormat, ValidateArgs};
use crate::commands::{Ctx, today};
use crate::{Exit, Result, render};

pub(crate) fn run(ctx: &mut Ctx<'_>, args: &ValidateArgs) -> Result<Exit> {
    let source = ctx.topology(&args.topology)?;
    let options = ValidateOptions::default().with_today(args.today.unwrap_or_else(today));
    let checked = source.check(&options);
    let diagnostics = &checked.diagnostics;
    match args.format {
        OutputFormat::Json => render::json(ctx.out, &source.name, diagnostics)?,
        OutputFormat::Text => {
            if ctx.graphical() {
                let color = (ctx.global.color == ColorChoice::Always).then_some(true);
                render::graphical(ctx.out, &source, diagnostics, color)?;
            } else {
                render::plain(ctx.out, &source.name, diagnostics)?;
            }
            let summary = render::summary(&source.name, diagnostics, &checked.topology);
            writeln!(ctx.out, "{summary}")?;
        }
    }
    Ok(if checked.has_errors() {
        Exit::Findings
    } else {
        Exit::Success
    })
}
