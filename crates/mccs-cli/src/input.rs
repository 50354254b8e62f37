//! Reading input files: the topology document and provider exports.
//!
//! Every file goes through the same gate before anything parses it: it must exist, be a file
//! (or a pipe, or `-` for standard input), hold at most [`MAX_INPUT_BYTES`], be UTF-8 and not be
//! blank. Each failure is one [`InputError`] that reads as a single line: what is wrong with
//! which file, and what to do about it.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use mccs_model::{Checked, Format, ValidateOptions, check_with, examples};

use crate::cli::ExampleName;

/// The largest input read: 64 MiB. A topology of every Project Set in a large estate is a few
/// megabytes; anything larger is almost certainly the wrong file.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// A text read and ready to parse.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// The file name as given on the command line, `<stdin>`, or for a built-in example its
    /// name in angle brackets (`<reference>`).
    pub(crate) name: String,
    /// The text, without a leading byte-order mark.
    pub(crate) text: String,
    /// The format the text is read as.
    pub(crate) format: Format,
    /// The directory files the document names (rulebase exports) are read from: the
    /// document's own, or the working directory for standard input and the examples.
    pub(crate) dir: std::path::PathBuf,
}

impl Source {
    /// A built-in example topology.
    pub(crate) fn example(name: ExampleName) -> Self {
        let (name, text) = match name {
            ExampleName::Reference => ("<reference>", examples::REFERENCE_YAML),
            ExampleName::CrossCloud => ("<cross-cloud>", examples::CROSS_CLOUD_YAML),
            ExampleName::LzaDataSubnet => ("<lza-data-subnet>", examples::LZA_DATA_SUBNET_YAML),
        };
        Self {
            name: name.to_owned(),
            text: text.to_owned(),
            format: Format::Yaml,
            dir: std::path::PathBuf::from("."),
        }
    }

    /// A document file (topology or flows), its format from the extension (default YAML).
    pub(crate) fn read(path: &Path, purpose: Purpose) -> Result<Self, InputError> {
        let text = read_text(path, purpose)?;
        let format = path
            .extension()
            .and_then(|e| e.to_str())
            .and_then(Format::from_extension)
            .unwrap_or(Format::Yaml);
        let dir = match path.parent() {
            Some(p) if path != Path::new("-") && !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        Ok(Self {
            name: display_name(path),
            text,
            format,
            dir,
        })
    }

    /// Reads and validates the topology, reading the exports its firewalls name in
    /// `rulebase` (relative to the document's directory) through the same input gate.
    pub(crate) fn check(&self, options: &ValidateOptions) -> Checked {
        let mut reader = mccs_import::rulebase::Reader::new(|file: &str| {
            let path = self.dir.join(file);
            // Exports are files the platform wrote: a device or a pipe named in a document is
            // refused before it is opened (a hostile document could name /dev/zero or a FIFO).
            if let Ok(meta) = std::fs::metadata(&path)
                && !meta.is_file()
                && !meta.is_dir()
            {
                return Err(
                    "is not a regular file; give the path of the platform export the firewall's `rulebase` names".to_owned(),
                );
            }
            read_text(&path, Purpose::Export).map_err(|e| {
                let shown = e.to_string();
                let name = display_name(&path);
                shown
                    .strip_prefix(&format!("{name}: "))
                    .map_or(shown.clone(), str::to_owned)
            })
        });
        let mut checked = check_with(&self.text, self.format, options, &mut reader);
        // Findings in exports name the file as the shell sees it (`exports/nsgs.json` for a
        // document in `exports/`'s parent), so an editor can jump to it.
        if self.dir != Path::new(".") {
            for d in &mut checked.diagnostics {
                if let Some(f) = d.file.as_mut() {
                    *f = display_name(&self.dir.join(&*f));
                }
            }
        }
        checked
    }
}

/// What a file is read for; decides the advice in error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// A topology document.
    Topology,
    /// A flows document (`version: 1` and `flows:`).
    Flows,
    /// The JSON printed by `aws ec2 describe-vpcs`.
    AwsVpcs,
    /// The JSON printed by `aws ec2 describe-subnets`.
    AwsSubnets,
    /// The JSON printed by `az network vnet list`.
    AzureVnets,
    /// A platform export a firewall's `rulebase` names.
    Export,
}

impl Purpose {
    fn what(self) -> &'static str {
        match self {
            Self::Topology => "a topology document (.yaml, .json or .toml)",
            Self::Flows => {
                "a flows document (`version: 1` and a `flows:` list; .yaml, .json or .toml)"
            }
            Self::AwsVpcs => "the JSON output of `aws ec2 describe-vpcs`",
            Self::AwsSubnets => "the JSON output of `aws ec2 describe-subnets`",
            Self::AzureVnets => "the JSON output of `az network vnet list`",
            Self::Export => "the platform export the firewall's `rulebase` names",
        }
    }

    fn how_to_make(self) -> &'static str {
        match self {
            Self::Topology => "start from `mccs example > topology.yaml`",
            Self::Flows => "copy the `flows:` section of `mccs example` into a file of its own",
            Self::AwsVpcs => "save it with `aws ec2 describe-vpcs --output json > vpcs.json`",
            Self::AwsSubnets => {
                "save it with `aws ec2 describe-subnets --output json > subnets.json`"
            }
            Self::AzureVnets => "save it with `az network vnet list --output json > vnets.json`",
            Self::Export => "save it as docs/import.md says for its format",
        }
    }
}

/// Why an input could not be read. Displays as `<file>: <what is wrong>; <what to do>`.
#[derive(Debug)]
pub(crate) struct InputError {
    name: String,
    purpose: Purpose,
    kind: InputErrorKind,
}

#[derive(Debug)]
enum InputErrorKind {
    NotFound,
    IsDirectory,
    TooLarge { size: Option<u64> },
    NotUtf8 { line: usize, column: usize },
    Empty,
    Blank,
    Io(io::Error),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = &self.name;
        let what = self.purpose.what();
        match &self.kind {
            InputErrorKind::NotFound => {
                let hint = match self.purpose {
                    Purpose::Topology => {
                        "check the path (`--example` instead of a file tries the built-in example topology)"
                    }
                    _ => "check the path",
                };
                write!(f, "{name}: no such file; {hint}")
            }
            InputErrorKind::IsDirectory => {
                write!(f, "{name}: is a directory; give the path of {what}")
            }
            InputErrorKind::TooLarge { size } => {
                let limit = MAX_INPUT_BYTES / (1024 * 1024);
                match size {
                    Some(s) => write!(
                        f,
                        "{name}: is {s} bytes, over the {limit} MiB input limit; check that this is {what}"
                    ),
                    None => write!(
                        f,
                        "{name}: is over the {limit} MiB input limit; check that this is {what}"
                    ),
                }
            }
            InputErrorKind::NotUtf8 { line, column } => write!(
                f,
                "{name}: is not UTF-8 text (invalid byte at line {line}, column {column}); save it as UTF-8"
            ),
            InputErrorKind::Empty => write!(
                f,
                "{name}: is empty; it should hold {what}: {}",
                self.purpose.how_to_make()
            ),
            InputErrorKind::Blank => write!(
                f,
                "{name}: holds only whitespace; it should hold {what}: {}",
                self.purpose.how_to_make()
            ),
            InputErrorKind::Io(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                write!(f, "{name}: permission denied; check the file's permissions")
            }
            InputErrorKind::Io(e) => {
                write!(f, "{name}: cannot be read ({e}); check that it is {what}")
            }
        }
    }
}

impl std::error::Error for InputError {}

/// The name of a path as the user wrote it.
pub(crate) fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Reads a whole text file (or standard input for `-`) through the input gate.
pub(crate) fn read_text(path: &Path, purpose: Purpose) -> Result<String, InputError> {
    let name = display_name(path);
    let fail = |kind| InputError {
        name: name.clone(),
        purpose,
        kind,
    };
    let bytes = if path == Path::new("-") {
        read_limited(io::stdin().lock()).map_err(|e| fail(InputErrorKind::Io(e)))?
    } else {
        let meta = std::fs::metadata(path).map_err(|e| fail(io_kind(e)))?;
        if meta.is_dir() {
            return Err(fail(InputErrorKind::IsDirectory));
        }
        if meta.is_file() && meta.len() > MAX_INPUT_BYTES {
            return Err(fail(InputErrorKind::TooLarge {
                size: Some(meta.len()),
            }));
        }
        let file = File::open(path).map_err(|e| fail(io_kind(e)))?;
        read_limited(file).map_err(|e| fail(io_kind(e)))?
    };
    // Special files (pipes, devices) have no size up front: the read stops one byte past the
    // limit, so an endless stream is refused rather than read.
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(fail(InputErrorKind::TooLarge { size: None }));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let before =
            std::str::from_utf8(bytes.get(..valid).unwrap_or_default()).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        fail(InputErrorKind::NotUtf8 { line, column })
    })?;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    if text.is_empty() {
        return Err(fail(InputErrorKind::Empty));
    }
    if text.trim().is_empty() {
        return Err(fail(InputErrorKind::Blank));
    }
    Ok(text)
}

fn io_kind(e: io::Error) -> InputErrorKind {
    if e.kind() == io::ErrorKind::NotFound {
        InputErrorKind::NotFound
    } else {
        InputErrorKind::Io(e)
    }
}

fn read_limited(r: impl Read) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    r.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_topologies_are_the_examples() {
        let s = Source::example(ExampleName::Reference);
        assert_eq!(s.name, "<reference>");
        assert_eq!(s.text, examples::REFERENCE_YAML);
        let s = Source::example(ExampleName::CrossCloud);
        assert_eq!(s.text, examples::CROSS_CLOUD_YAML);
    }

    #[test]
    fn messages_are_one_line_with_advice() {
        let e = read_text(Path::new("/nonexistent/x.yaml"), Purpose::Topology).unwrap_err();
        let m = e.to_string();
        assert!(m.starts_with("/nonexistent/x.yaml: no such file; "), "{m}");
        assert!(!m.contains('\n'));
    }
}
