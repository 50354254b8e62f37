//! One module per command, and the dispatch from the parsed command line to them.
//!
//! A command is a function `run(ctx, args) -> Result<Exit>`: it writes its result to `ctx.out`,
//! notes to `ctx.err`, and returns [`Exit::Findings`] when its input has problems. Anything that
//! stops it (an unusable file, a closed pipe) is an `Err` that `crate::run` reports as one line.

use std::io::Write;

use mccs_model::{Checked, Date, ValidateOptions};

use crate::cli::{ColorChoice, Command, GlobalArgs, ImportCommand, NamesCommand, TopologyArgs};
use crate::input::{Purpose, Source};
use crate::{Error, Exit, Result, render};

mod completions;
mod diff;
mod example;
pub(crate) mod import;
mod names;
pub(crate) mod plan;
mod reach;
mod remove;
mod rules;
mod schema;
pub(crate) mod trace;
mod validate;

/// What every command gets: where to write, and the global options.
pub(crate) struct Ctx<'a> {
    /// Standard output.
    pub(crate) out: &'a mut dyn Write,
    /// Standard error.
    pub(crate) err: &'a mut dyn Write,
    /// `--color`.
    pub(crate) global: &'a GlobalArgs,
    /// Whether standard output is a terminal.
    pub(crate) out_is_terminal: bool,
}

impl Ctx<'_> {
    /// Whether diagnostics are drawn graphically (with the source) rather than as plain lines.
    pub(crate) fn graphical(&self) -> bool {
        match self.global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => self.out_is_terminal,
        }
    }

    /// The topology a command was given: the file (positional or `--topology`), or with
    /// `--example` a built-in example, announced on standard error. With neither, a usage
    /// error (exit code 2) that says how to give one: mccs never picks a topology by itself.
    pub(crate) fn topology(&mut self, args: &TopologyArgs) -> Result<Source> {
        if let Some(path) = args.path() {
            return Ok(Source::read(path, Purpose::Topology)?);
        }
        let Some(name) = args.example else {
            return Err(Error::Usage(
                "no topology given: pass the topology file (`-t topology.yaml`, or as an argument), or `--example` to try the built-in example topology".to_owned(),
            ));
        };
        let source = Source::example(name);
        writeln!(self.err, "mccs: note: {}", example_note(&source.name))?;
        Ok(source)
    }

    /// Reads and validates the topology for a command that needs a usable topology. When it
    /// has errors they are written to standard error and the command stops with exit code 2:
    /// `mccs validate` is the command that reports them.
    pub(crate) fn usable_topology(&mut self, args: &TopologyArgs) -> Result<(Source, Checked)> {
        let source = self.topology(args)?;
        self.usable(source)
    }

    /// Validates a topology read from `source`, as [`Ctx::usable_topology`] does.
    pub(crate) fn usable(&mut self, source: Source) -> Result<(Source, Checked)> {
        let checked = source.check(&ValidateOptions::default());
        if checked.has_errors() {
            render::plain(self.err, &source.name, &checked.diagnostics)?;
            let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
            return Err(Error::BadInput {
                name: source.name,
                message: format!(
                    "the topology has {}; fix {} first (`mccs validate` shows {})",
                    render::count(errors, "error"),
                    if errors == 1 { "it" } else { "them" },
                    if errors == 1 { "it" } else { "them" },
                ),
            });
        }
        Ok((source, checked))
    }
}

/// What is said about output made from a built-in example topology: on standard error, and
/// as the banner of its change requests.
pub(crate) fn example_note(name: &str) -> String {
    let name = name.trim_start_matches('<').trim_end_matches('>');
    format!(
        "this output is for the built-in {name} example topology: its names, addresses and URLs are illustrative, not a real estate (pass -t FILE for yours)"
    )
}

/// Runs one command.
pub(crate) fn dispatch(command: &Command, ctx: &mut Ctx<'_>) -> Result<Exit> {
    match command {
        Command::Validate(args) => validate::run(ctx, args),
        Command::Trace(args) => trace::run(ctx, args),
        Command::Plan(args) => plan::run(ctx, args),
        Command::Retire(args) => remove::retire(ctx, args),
        Command::Expired(args) => remove::expired(ctx, args),
        Command::Rules(args) => rules::run(ctx, args),
        Command::Reach(args) => reach::run(ctx, args),
        Command::Diff(args) => diff::run(ctx, args),
        Command::Example(args) => example::run(ctx, args),
        Command::Schema(args) => schema::run(ctx, args),
        Command::Names(NamesCommand::Check(args)) => names::check(ctx, args),
        Command::Import(ImportCommand::AwsVpcs(args)) => import::aws_vpcs(ctx, args),
        Command::Import(ImportCommand::AzureVnets(args)) => import::azure_vnets(ctx, args),
        Command::Completions(args) => completions::run(ctx, args),
    }
}

/// Today's date from the system clock, in UTC.
pub(crate) fn today() -> Date {
    let days = match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs() / 86_400).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs() / 86_400 + 1).unwrap_or(i64::MAX),
    };
    Date::from_days_since_epoch(days)
}
