//! The `mccs` command line, as a library so that tests and packaging can reach the command
//! definitions (for completions and the man page) and run commands without a process.
//!
//! The binary (`src/main.rs`) only parses the arguments and calls [`run`]. Each command lives in
//! its own module under `src/commands/`; input files go through one gate (`src/input.rs`) that
//! turns every unusable file into a single line of advice.
//!
//! Architecture invariant: only this crate touches files, the terminal, the clock and exit codes;
//! the libraries it drives do none of that.

use std::io::{self, Write};

pub mod cli;
mod commands;
mod input;
mod man;
mod render;
mod table;

pub use cli::Cli;

pub use input::MAX_INPUT_BYTES;
pub use man::man_page;

/// How a command ended; the process exit code is its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Exit {
    /// `0`: done, nothing wrong (warnings allowed).
    Success = 0,
    /// `1`: done, and the input has findings (a blocked flow, errors, bad names, networks left
    /// out).
    Findings = 1,
    /// `2`: usage error or unusable input; a one-line message went to standard error.
    Trouble = 2,
    /// `3`: `--check` of `plan` or `trace`: no flow is blocked, but rules must be requested.
    RulesNeeded = 3,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// Where a command writes, and what it knows about the terminal.
pub struct Io<'a> {
    /// Standard output: the command's result.
    pub out: &'a mut dyn Write,
    /// Standard error: problems and notes.
    pub err: &'a mut dyn Write,
    /// Whether standard output is a terminal (graphical diagnostics in `--color auto`).
    pub out_is_terminal: bool,
}

/// Runs a parsed command line. Every failure is reported on `io.err` as one line starting with
/// `mccs: `; the result says which exit code to use.
pub fn run(cli: &Cli, io: Io<'_>) -> Exit {
    let Io {
        out,
        err,
        out_is_terminal,
    } = io;
    // A reader that closes the pipe early (`mccs validate bad.yaml | head -1`) must not change
    // the exit code: the rest of the output is dropped and the command finishes as it would.
    let mut out = PipeGuard {
        inner: out,
        closed: false,
    };
    // Standard error carries only text for people: document text in messages is never written
    // raw to the terminal.
    let mut err = TerminalText {
        inner: err,
        line: Vec::new(),
    };
    let mut ctx = commands::Ctx {
        out: &mut out,
        err: &mut err,
        global: &cli.global,
        out_is_terminal,
    };
    let result = commands::dispatch(&cli.command, &mut ctx).and_then(|exit| {
        ctx.out.flush().map_err(Error::Output)?;
        Ok(exit)
    });
    let exit = match result {
        Ok(exit) => exit,
        Err(e) => {
            // If standard error is gone too there is nobody left to tell.
            let _ = writeln!(ctx.err, "mccs: {e}");
            Exit::Trouble
        }
    };
    let _ = ctx.err.flush();
    exit
}

/// Standard output that swallows a broken pipe: once the reader is gone, writes succeed without
/// writing, so a command still returns its own exit code.
struct PipeGuard<'a> {
    inner: &'a mut dyn Write,
    closed: bool,
}

impl Write for PipeGuard<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

/// Text for a terminal: what is written goes out a line at a time through
/// `render::terminal_safe`, so control characters (C0 but line feed and tab, DEL, C1) become
/// visible characters however the text was split across writes.
struct TerminalText<'a> {
    inner: &'a mut dyn Write,
    /// Bytes written since the last line break.
    line: Vec<u8>,
}

impl TerminalText<'_> {
    fn emit(&mut self, bytes: &[u8]) -> io::Result<()> {
        let text = String::from_utf8_lossy(bytes);
        self.inner
            .write_all(render::terminal_safe(&text).as_bytes())
    }
}

impl Write for TerminalText<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.line.extend_from_slice(buf);
        if let Some(end) = self.line.iter().rposition(|&b| b == b'\n') {
            let rest = self.line.split_off(end + 1);
            let done = std::mem::replace(&mut self.line, rest);
            self.emit(&done)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let rest = std::mem::take(&mut self.line);
        self.emit(&rest)?;
        self.inner.flush()
    }
}

/// Replaces the panic message and backtrace with one line and exit code 101. A panic is a bug;
/// this is the last resort that keeps the promise of never showing a Rust backtrace.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("unknown cause");
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = message.replace('\n', " ");
        let _ = writeln!(
            io::stderr(),
            "mccs: internal error: {message}{at}; this is a bug, please report it"
        );
        std::process::exit(101);
    }));
}

/// What stops a command. Displays as one line, without the `mccs: ` prefix.
#[derive(Debug, thiserror::Error)]
enum Error {
    /// An input file that cannot be used.
    #[error(transparent)]
    Input(#[from] input::InputError),
    /// An input that was read but is not what the command needs.
    #[error("{name}: {message}")]
    BadInput {
        /// The file.
        name: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// Arguments that do not go together (clap checks the rest).
    #[error("{0}")]
    Usage(String),
    /// Writing the output failed.
    /// (Shown in the message, so not also returned as `source()`.)
    #[error("cannot write the output: {0}")]
    Output(io::Error),
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Self::Output(e)
    }
}

type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_shows_control_characters_however_the_writes_split_them() {
        let mut out = Vec::new();
        {
            let mut t = TerminalText {
                inner: &mut out,
                line: Vec::new(),
            };
            // ESC and a C1 CSI split across writes, then an unterminated last line.
            for part in [&b"name x\x1b"[..], b"[31m \xc2", b"\x9b2J\n", b"tail\x07"] {
                let _ = t.write(part);
            }
            let _ = t.flush();
        }
        assert_eq!(
            String::from_utf8(out).unwrap_or_default(),
            "name x\u{241b}[31m \u{fffd}2J\ntail\u{2407}"
        );
    }
}
