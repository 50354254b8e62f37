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

pub use cli::Cli;
pub use input::MAX_INPUT_BYTES;
pub use man::man_page;

/// How a command ended; the process exit code is its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Exit {
    /// `0`: done, nothing wrong (warnings allowed).
    Success = 0,
    /// `1`: done, and the input has findings (errors, bad names, networks left out).
    Findings = 1,
    /// `2`: usage error or unusable input; a one-line message went to standard error.
    Trouble = 2,
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
        pending: None,
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

/// Text for a terminal: control characters (C0 but line feed and tab, DEL, C1) in whatever is
/// written are replaced by visible characters (see `render::terminal_safe`). Works on bytes, so
/// a C1 character split across two writes is held until its second byte arrives.
struct TerminalText<'a> {
    inner: &'a mut dyn Write,
    /// A `0xC2` lead byte at the end of the last write.
    pending: Option<u8>,
}

impl Write for TerminalText<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut out: Vec<u8> = Vec::with_capacity(buf.len() + 8);
        let mut bytes = self
            .pending
            .take()
            .into_iter()
            .chain(buf.iter().copied())
            .peekable();
        let mut picture = [0u8; 4];
        while let Some(b) = bytes.next() {
            match b {
                b'\n' | b'\t' => out.push(b),
                b'\r' if bytes.peek() == Some(&b'\n') => out.push(b),
                0x00..=0x1f => {
                    let c = char::from_u32(0x2400 + u32::from(b)).unwrap_or('\u{fffd}');
                    out.extend_from_slice(c.encode_utf8(&mut picture).as_bytes());
                }
                0x7f => out.extend_from_slice('\u{2421}'.encode_utf8(&mut picture).as_bytes()),
                0xc2 => match bytes.peek() {
                    Some(0x80..=0x9f) => {
                        bytes.next();
                        out.extend_from_slice('\u{fffd}'.encode_utf8(&mut picture).as_bytes());
                    }
                    None => self.pending = Some(b),
                    Some(_) => out.push(b),
                },
                _ => out.push(b),
            }
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Some(b) = self.pending.take() {
            self.inner.write_all(&[b])?;
        }
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
    #[error("cannot write the output: {0}")]
    Output(#[source] io::Error),
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Self::Output(e)
    }
}

type Result<T, E = Error> = std::result::Result<T, E>;
