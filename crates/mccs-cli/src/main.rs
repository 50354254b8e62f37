//! The `mccs` binary: parses the command line and hands it to [`mccs_cli::run`].

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

/// mimalloc rather than the system allocator: planning and rendering make many small
/// allocations that live until the output is written, where glibc's allocator spends a third
/// of the time consolidating and unlinking chunks (docs/performance.md, docs/dependencies.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    mccs_cli::install_panic_hook();
    // Usage errors exit 2 with clap's message; `--help` and `--version` exit 0.
    let cli = mccs_cli::Cli::parse();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let exit = mccs_cli::run(
        &cli,
        mccs_cli::Io {
            out_is_terminal: stdout.is_terminal(),
            out: &mut stdout.lock(),
            err: &mut stderr.lock(),
        },
    );
    ExitCode::from(exit.code())
}
