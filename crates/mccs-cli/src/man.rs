//! The man page `mccs(1)`, generated from the command definitions with `clap_mangen`.
//!
//! One page holds everything: the global options, then a COMMANDS section with each command's
//! synopsis, description and own options, then examples and exit status.

use std::io::{self, Write};

use clap::CommandFactory;

use crate::cli::{Cli, EXAMPLES, EXIT_CODES};

/// The man page `mccs(1)` as roff, as committed at `docs/mccs.1`.
///
/// # Errors
///
/// Only if writing to memory fails, which it does not; the signature follows `clap_mangen`.
pub fn man_page() -> io::Result<Vec<u8>> {
    // Unbuilt, so the commands below do not repeat the global options.
    let root = Cli::command();
    let man = clap_mangen::Man::new(root.clone()).manual("mccs manual");
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;

    writeln!(page, ".SH COMMANDS")?;
    for (name, cmd) in leaf_commands(&root, "mccs") {
        writeln!(page, ".SS \"{}\"", escape(&name))?;
        let sub = clap_mangen::Man::new(cmd.clone().bin_name(&name));
        for render in [
            clap_mangen::Man::render_synopsis_section,
            clap_mangen::Man::render_description_section,
            clap_mangen::Man::render_options_section,
        ] {
            let mut section = Vec::new();
            render(&sub, &mut section)?;
            // Drop each section's own heading: they are paragraphs of this subsection.
            let text = String::from_utf8_lossy(&section);
            for line in text.lines().filter(|l| !l.starts_with(".SH ")) {
                writeln!(page, "{line}")?;
            }
            writeln!(page, ".PP")?;
        }
    }

    writeln!(page, ".SH EXAMPLES")?;
    for (cmd, what) in EXAMPLES {
        writeln!(page, ".TP\n\\fB{}\\fR\n{}", escape(cmd), escape(what))?;
    }
    writeln!(page, ".SH \"EXIT STATUS\"")?;
    for (code, what) in EXIT_CODES {
        writeln!(page, ".TP\n\\fB{code}\\fR\n{}", escape(what))?;
    }
    writeln!(page, ".SH \"SEE ALSO\"")?;
    writeln!(
        page,
        "docs/cli.md and docs/topology-format.md in the mccs repository."
    )?;
    man.render_version_section(&mut page)?;
    Ok(page)
}

/// Every command without subcommands, with its full name (`mccs names check`), in order.
fn leaf_commands(cmd: &clap::Command, prefix: &str) -> Vec<(String, clap::Command)> {
    let mut out = Vec::new();
    for sub in cmd.get_subcommands() {
        let name = format!("{prefix} {}", sub.get_name());
        if sub.has_subcommands() {
            out.extend(leaf_commands(sub, &name));
        } else {
            out.push((name, sub.clone()));
        }
    }
    out
}

/// Text safe for a roff line: backslashes and hyphens escaped, no leading control character.
fn escape(text: &str) -> String {
    let s = text.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with(['.', '\'']) {
        format!("\\&{s}")
    } else {
        s
    }
}
