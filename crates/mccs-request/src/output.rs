//! What rendering produces, shared by every output format: the formats, the files, and file
//! names made from request ids. Both the template renderer (`render.rs`) and the CSV writer
//! (`csv_out.rs`) depend on this module, and neither on the other.

use std::fmt;
use std::str::FromStr;

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutputFormat {
    /// One Markdown document (`requests.md`) to paste into tickets.
    Markdown,
    /// One CSV file per table per request (`<request>.objects.csv`, `<request>.traffic.csv`)
    /// and `summary.csv`, for a spreadsheet or a form import.
    Csv,
    /// The whole request set (`requests.json`), the stable contract for automation.
    Json,
    /// One self-contained printable HTML page (`requests.html`).
    Html,
}

impl OutputFormat {
    /// Every format, in a fixed order.
    pub const ALL: [OutputFormat; 4] = [Self::Markdown, Self::Csv, Self::Json, Self::Html];

    /// `markdown`, `csv`, `json` or `html`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Markdown => "markdown",
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Html => "html",
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not the name of an output format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not an output format: use `markdown` (or `md`), `csv`, `json` or `html`")]
pub struct FormatParseError {
    input: String,
}

impl FormatParseError {
    /// The text that was given.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl FromStr for OutputFormat {
    type Err = FormatParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "markdown" | "md" => Ok(Self::Markdown),
            "csv" => Ok(Self::Csv),
            "json" => Ok(Self::Json),
            "html" => Ok(Self::Html),
            other => Err(FormatParseError {
                input: other.to_owned(),
            }),
        }
    }
}

/// How to render, besides the format and the templates: see `mccs_request::render_with`.
///
/// The default writes CSV files with a UTF-8 byte order mark.
///
/// ```
/// let options = mccs_request::RenderOptions::default();
/// assert!(options.csv_bom);
/// assert!(!options.with_csv_bom(false).csv_bom);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RenderOptions {
    /// Start every CSV file with a UTF-8 byte order mark (U+FEFF), so that spreadsheets that
    /// look for it (Excel) read the file as UTF-8 and show names such as `Forms – Oracle` or
    /// `Québec` as they are (without it they read a legacy code page and show `â€“`). On by
    /// default; turn it off for tools that do not expect a mark (docs/requests.md).
    pub csv_bom: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self { csv_bom: true }
    }
}

impl RenderOptions {
    /// These options with the CSV byte order mark on or off.
    #[must_use]
    pub fn with_csv_bom(mut self, on: bool) -> Self {
        self.csv_bom = on;
        self
    }
}

/// The UTF-8 byte order mark CSV files start with (see [`RenderOptions::csv_bom`]).
pub const BYTE_ORDER_MARK: char = '\u{feff}';

/// One rendered file: a relative path (no directories) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OutputFile {
    /// The file name, e.g. `requests.md` or `on-prem-firewall-request.traffic.csv`.
    pub path: String,
    /// The contents, ending in a newline.
    pub contents: String,
}

impl OutputFile {
    /// A file named `path` holding `contents` (for tools that add files of their own beside
    /// the rendered ones).
    ///
    /// ```
    /// let f = mccs_request::OutputFile::new("README.txt", "Requests for change 42\n");
    /// assert_eq!(f.path, "README.txt");
    /// ```
    pub fn new(path: impl Into<String>, contents: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            contents: contents.into(),
        }
    }
}

/// A file-name-safe form of a request id, unique among `taken`.
#[cfg(feature = "csv")]
pub(crate) fn file_stem(id: &str, taken: &mut Vec<String>) -> String {
    let mut stem: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    stem = stem.trim_start_matches('.').to_owned();
    stem.truncate(100);
    if stem.is_empty() || stem == "summary" {
        stem = format!("request-{stem}").trim_end_matches('-').to_owned();
    }
    let mut candidate = stem.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{stem}-{n}");
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}
