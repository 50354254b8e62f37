//! Rendering a request set: Markdown and HTML through (replaceable) minijinja templates, CSV
//! tables through the csv crate, and the JSON contract through serde.

use std::path::Path;

#[cfg(feature = "templates")]
use minijinja::value::{Value, ValueKind, ViaDeserialize};
#[cfg(feature = "templates")]
use minijinja::{AutoEscape, Environment, Output, State, UndefinedBehavior};

#[cfg(feature = "templates")]
use crate::build::roles_text;
use crate::error::RenderError;
#[cfg(feature = "templates")]
use crate::escape;
use crate::model::RequestSet;
#[cfg(feature = "templates")]
use crate::model::{PathRole, Placement};
use crate::output::{OutputFile, OutputFormat, RenderOptions};

/// The default Markdown template (`templates/requests.md.jinja`).
pub const DEFAULT_MARKDOWN_TEMPLATE: &str = include_str!("../templates/requests.md.jinja");

/// The default HTML template (`templates/requests.html.jinja`).
pub const DEFAULT_HTML_TEMPLATE: &str = include_str!("../templates/requests.html.jinja");

/// A template's text and where it came from (for error messages).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Source {
    origin: String,
    text: String,
}

/// The Markdown and HTML layouts, as minijinja templates. [`Templates::default`] holds the
/// shipped ones; teams replace either with their own.
///
/// Every `{{ value }}` is escaped for the format automatically: Markdown templates with
/// [`escape::markdown`], HTML templates with HTML escaping. The context is the
/// [`RequestSet`] (see `docs/requests.md` for the variables and filters).
///
/// ```
/// use mccs_request::{render, OutputFormat, RequestSet, Templates};
/// let t = mccs_model::examples::reference();
/// let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
/// let set = RequestSet::from_plan(&t, &plan);
/// let templates = Templates::default().with_markdown(
///     "{% for r in requests %}- {{ r.title }}: {{ r.traffic | length }} rule(s)\n{% endfor %}",
/// );
/// let files = render(&set, OutputFormat::Markdown, &templates)?;
/// assert_eq!(
///     files[0].contents,
///     "- Cloud firewall change request: 3 rule(s)\n- On-premises firewall request: 3 rule(s)\n"
/// );
/// # Ok::<(), mccs_request::RenderError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Templates {
    markdown: Source,
    html: Source,
}

impl Default for Templates {
    fn default() -> Self {
        Self {
            markdown: Source {
                origin: "default Markdown template".to_owned(),
                text: DEFAULT_MARKDOWN_TEMPLATE.to_owned(),
            },
            html: Source {
                origin: "default HTML template".to_owned(),
                text: DEFAULT_HTML_TEMPLATE.to_owned(),
            },
        }
    }
}

pub(crate) const MARKDOWN_NAME: &str = "requests.md";
pub(crate) const HTML_NAME: &str = "requests.html";
#[cfg(feature = "templates")]
const MARKDOWN_ESCAPE: &str = "markdown";

impl Templates {
    /// The file name [`Templates::from_dir`] reads the Markdown template from.
    pub const MARKDOWN_FILE: &'static str = "requests.md.jinja";
    /// The file name [`Templates::from_dir`] reads the HTML template from.
    pub const HTML_FILE: &'static str = "requests.html.jinja";

    /// Loads `requests.md.jinja` and `requests.html.jinja` from `dir`; a missing file keeps the
    /// default layout for that format. The templates are compiled, so syntax errors show here.
    ///
    /// # Errors
    ///
    /// [`RenderError::Io`] when a file exists but cannot be read (or `dir` cannot),
    /// [`RenderError::NoTemplates`] when `dir` holds neither file, and
    /// [`RenderError::TemplateSyntax`] when a template does not compile.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Self, RenderError> {
        let dir = dir.as_ref();
        if let Err(source) = std::fs::read_dir(dir) {
            return Err(RenderError::Io {
                path: dir.to_path_buf(),
                source,
            });
        }
        let read =
            |file: &str| -> Result<Option<String>, RenderError> { read_template(&dir.join(file)) };
        let (md, html) = (read(Self::MARKDOWN_FILE)?, read(Self::HTML_FILE)?);
        if md.is_none() && html.is_none() {
            return Err(RenderError::NoTemplates {
                dir: dir.to_path_buf(),
                markdown: Self::MARKDOWN_FILE,
                html: Self::HTML_FILE,
            });
        }
        let mut t = Self::default();
        if let Some(text) = md {
            t.markdown = Source {
                origin: format!(
                    "Markdown template `{}`",
                    dir.join(Self::MARKDOWN_FILE).display()
                ),
                text,
            };
        }
        if let Some(text) = html {
            t.html = Source {
                origin: format!("HTML template `{}`", dir.join(Self::HTML_FILE).display()),
                text,
            };
        }
        t.check()?;
        Ok(t)
    }

    /// These templates with `source` as the Markdown layout.
    #[must_use]
    pub fn with_markdown(mut self, source: impl Into<String>) -> Self {
        self.markdown = Source {
            origin: "custom Markdown template".to_owned(),
            text: source.into(),
        };
        self
    }

    /// These templates with `source` as the HTML layout.
    #[must_use]
    pub fn with_html(mut self, source: impl Into<String>) -> Self {
        self.html = Source {
            origin: "custom HTML template".to_owned(),
            text: source.into(),
        };
        self
    }

    /// The Markdown template's text.
    pub fn markdown(&self) -> &str {
        &self.markdown.text
    }

    /// The HTML template's text.
    pub fn html(&self) -> &str {
        &self.html.text
    }

    /// Compiles both templates.
    ///
    /// # Errors
    ///
    /// [`RenderError::TemplateSyntax`] naming the template, the line and the problem.
    pub fn check(&self) -> Result<(), RenderError> {
        #[cfg(feature = "templates")]
        {
            let mut env = environment();
            add(&mut env, MARKDOWN_NAME, &self.markdown)?;
            add(&mut env, HTML_NAME, &self.html)
        }
        #[cfg(not(feature = "templates"))]
        Err(not_built("Markdown and HTML templates", "templates"))
    }
}

#[cfg(feature = "templates")]
fn message(e: &minijinja::Error) -> String {
    match e.detail() {
        Some(d) => format!("{}: {d}", e.kind()),
        None => e.kind().to_string(),
    }
}

#[cfg(feature = "templates")]
fn add<'s>(
    env: &mut Environment<'s>,
    name: &'s str,
    source: &'s Source,
) -> Result<(), RenderError> {
    env.add_template(name, &source.text)
        .map_err(|e| RenderError::TemplateSyntax {
            template: source.origin.clone(),
            line: e.line(),
            message: message(&e),
        })
}

#[cfg(feature = "templates")]
/// Prints values: `none` as nothing, Markdown-escaped in Markdown templates, HTML-escaped in
/// HTML templates; values marked safe as they are.
fn formatter(
    out: &mut Output<'_>,
    state: &State<'_, '_>,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if value.is_none() {
        return Ok(());
    }
    match state.auto_escape() {
        AutoEscape::Custom(MARKDOWN_ESCAPE) if !value.is_safe() => {
            // A whole table's lines ([`crate::md_rows::Rows`]): escaped row by row as they
            // are written, straight into the output.
            if let Some(rows) = value.downcast_object_ref::<crate::md_rows::Rows>() {
                return rows.write(out).map_err(minijinja::Error::from);
            }
            // Strings are written from the value itself, and as they are when escaping would
            // leave them unchanged: no copy per printed value.
            let written = match value.as_str() {
                Some(text) if value.kind() == ValueKind::String => {
                    if escape::markdown_is_plain(text) {
                        out.write_str(text)
                    } else {
                        out.write_str(&escape::markdown(text))
                    }
                }
                _ => out.write_str(&escape::markdown(&value.to_string())),
            };
            written.map_err(minijinja::Error::from)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

#[cfg(feature = "templates")]
fn roles_filter(roles: ViaDeserialize<Vec<PathRole>>) -> String {
    let ViaDeserialize(roles) = roles;
    roles_text(&roles).to_owned()
}

#[cfg(feature = "templates")]
fn placement_filter(placement: ViaDeserialize<Placement>) -> String {
    let ViaDeserialize(placement) = placement;
    placement.to_string()
}

#[cfg(feature = "templates")]
fn status_filter(status: &str) -> String {
    status.replace('-', " ")
}

#[cfg(feature = "templates")]
pub(crate) fn environment<'s>() -> Environment<'s> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_auto_escape_callback(|name| match name {
        MARKDOWN_NAME => AutoEscape::Custom(MARKDOWN_ESCAPE),
        HTML_NAME => AutoEscape::Html,
        _ => AutoEscape::None,
    });
    env.set_formatter(formatter);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    env.add_filter("roles_text", roles_filter);
    env.add_filter("placement_text", placement_filter);
    env.add_filter("status_label", status_filter);
    env.add_function("markdown_summary_row", crate::md_rows::summary_row);
    env.add_function("markdown_flow_row", crate::md_rows::flow_row);
    env.add_function("markdown_object_row", crate::md_rows::object_row);
    env.add_function("markdown_traffic_row", crate::md_rows::traffic_row);
    env.add_function("markdown_summary_rows", crate::md_rows::summary_rows);
    env.add_function("markdown_flow_rows", crate::md_rows::flow_rows);
    env.add_function("markdown_object_rows", crate::md_rows::object_rows);
    env.add_function("markdown_traffic_rows", crate::md_rows::traffic_rows);
    env
}

#[cfg(feature = "templates")]
fn render_template(
    at: SetRef<'_>,
    name: &'static str,
    source: &Source,
    out: &mut dyn std::io::Write,
) -> Result<u64, RenderError> {
    let mut env = environment();
    let (fuel, output) = render_budget(at.get());
    env.set_fuel(Some(fuel));
    add(&mut env, name, source)?;
    let fail = |e: minijinja::Error| RenderError::TemplateRender {
        template: source.origin.clone(),
        line: e.line(),
        message: message(&e),
    };
    let template = env.get_template(name).map_err(fail)?;
    let mut meter = Meter::new(out, output);
    let rendered = template
        .render_captured_to(crate::view::context(at.shared()), &mut meter)
        .map(|_| ());
    if meter.exceeded {
        return Err(RenderError::TemplateLimit {
            template: source.origin.clone(),
            what: "output size",
            limit: output,
        });
    }
    if let Some(source) = meter.failed.take() {
        return Err(RenderError::Write {
            file: name.to_owned(),
            source,
        });
    }
    match rendered {
        Err(e) if e.kind() == minijinja::ErrorKind::OutOfFuel => {
            return Err(RenderError::TemplateLimit {
                template: source.origin.clone(),
                what: "fuel",
                limit: fuel,
            });
        }
        other => {
            other.map_err(fail)?;
        }
    }
    // Every file ends in a line break, whatever the template's last line.
    if meter.last != Some(b'\n') {
        meter
            .out
            .write_all(b"\n")
            .map_err(|source| RenderError::Write {
                file: name.to_owned(),
                source,
            })?;
        meter.written += 1;
    }
    Ok(meter.written)
}

/// The largest template file [`Templates::from_dir`] reads (1 MiB): the shipped templates are
/// under 10 KiB.
pub const MAX_TEMPLATE_BYTES: u64 = 1 << 20;

/// Reads one template file through the same gate as documents: a regular file (a FIFO would
/// block, a device such as `/dev/zero` never ends), at most [`MAX_TEMPLATE_BYTES`], UTF-8.
/// `Ok(None)` when there is no such file.
fn read_template(path: &Path) -> Result<Option<String>, RenderError> {
    use std::io::Read as _;
    let file_error = |problem: String| RenderError::TemplateFile {
        path: path.to_path_buf(),
        problem,
        limit: MAX_TEMPLATE_BYTES,
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(RenderError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    if !meta.is_file() {
        return Err(file_error("is not a regular file".into()));
    }
    if meta.len() > MAX_TEMPLATE_BYTES {
        return Err(file_error(format!("is {} bytes", meta.len())));
    }
    let io = |source| RenderError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    // The file may grow between the check and the read: read no more than the limit allows.
    let mut bytes = Vec::new();
    file.take(MAX_TEMPLATE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_TEMPLATE_BYTES {
        return Err(file_error("grew past the limit while being read".into()));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| file_error("is not UTF-8 text".into()))
}

#[cfg(feature = "templates")]
/// The fuel (template engine steps) and output size a template may use to render `set`:
/// generous for the shipped templates at any size (they use a few hundred steps per row), and
/// growing with the request set, so only a template that loops without end runs out.
fn render_budget(set: &RequestSet) -> (u64, u64) {
    let rows: usize = set
        .requests
        .iter()
        .map(|r| r.objects.len() + r.traffic.len() + 1)
        .sum::<usize>()
        + set.summary.flows.len();
    let rows = u64::try_from(rows).unwrap_or(u64::MAX);
    // Pictures (HTML only) are printed whole: their bytes come on top (bounded when they are
    // drawn, `PictureOptions::max_bytes`).
    let pictures: usize = set
        .summary
        .flows
        .iter()
        .flat_map(|f| f.pictures())
        .map(|p| p.svg().len())
        .sum();
    let pictures = u64::try_from(pictures).unwrap_or(u64::MAX);
    let fuel = 2_000_000u64.saturating_add(rows.saturating_mul(20_000));
    let output = (16u64 << 20)
        .saturating_add(rows.saturating_mul(64 << 10))
        .saturating_add(pictures);
    (fuel, output)
}

#[cfg(feature = "templates")]
/// A writer that passes text on to `out`, counts it, remembers its last byte, and refuses to
/// write past `limit` bytes. The error `out` reported is kept, since the template engine
/// reports it only as "write failed".
struct Meter<'w> {
    out: &'w mut dyn std::io::Write,
    written: u64,
    limit: u64,
    exceeded: bool,
    last: Option<u8>,
    failed: Option<std::io::Error>,
}

#[cfg(feature = "templates")]
impl<'w> Meter<'w> {
    fn new(out: &'w mut dyn std::io::Write, limit: u64) -> Self {
        Self {
            out,
            written: 0,
            limit,
            exceeded: false,
            last: None,
            failed: None,
        }
    }
}

#[cfg(feature = "templates")]
impl std::io::Write for Meter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let len = u64::try_from(buf.len()).unwrap_or(u64::MAX);
        if self.written.saturating_add(len) > self.limit {
            self.exceeded = true;
            return Err(std::io::Error::other("output size limit"));
        }
        if let Err(e) = self.out.write_all(buf) {
            let kind = e.kind();
            self.failed = Some(e);
            return Err(kind.into());
        }
        self.written += len;
        if let Some(b) = buf.last() {
            self.last = Some(*b);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Renders `set` as `format`: the files to write (or to print one after the other).
///
/// Output is deterministic: the same request set gives byte-identical files. CSV files start
/// with a UTF-8 byte order mark ([`RenderOptions::default`]); use [`render_with`] to leave it
/// out.
///
/// ```
/// use mccs_request::{render, OutputFormat, RequestSet, Templates};
/// let t = mccs_model::examples::reference();
/// let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
/// let set = RequestSet::from_plan(&t, &plan);
/// let files = render(&set, OutputFormat::Csv, &Templates::default())?;
/// let names: Vec<_> = files.iter().map(|f| f.path.as_str()).collect();
/// assert_eq!(names, [
///     "summary.csv",
///     "cloud-firewall-request.objects.csv",
///     "cloud-firewall-request.traffic.csv",
///     "on-prem-firewall-request.objects.csv",
///     "on-prem-firewall-request.traffic.csv",
/// ]);
/// # Ok::<(), mccs_request::RenderError>(())
/// ```
///
/// # Errors
///
/// [`RenderError::TemplateSyntax`] or [`RenderError::TemplateRender`] when a (custom)
/// template is wrong, [`RenderError::Csv`] or [`RenderError::Json`] when serialization fails.
pub fn render(
    set: &RequestSet,
    format: OutputFormat,
    templates: &Templates,
) -> Result<Vec<OutputFile>, RenderError> {
    render_with(set, format, templates, &RenderOptions::default())
}

/// Renders `set` as `format` with `options`, e.g. CSV files without a byte order mark.
///
/// ```
/// use mccs_request::{render_with, OutputFormat, RenderOptions, RequestSet, Templates};
/// let t = mccs_model::examples::reference();
/// let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
/// let set = RequestSet::from_plan(&t, &plan);
/// let plain = RenderOptions::default().with_csv_bom(false);
/// let files = render_with(&set, OutputFormat::Csv, &Templates::default(), &plain)?;
/// assert!(files[0].contents.starts_with("Flow,Direction,"));
/// let marked = render_with(&set, OutputFormat::Csv, &Templates::default(), &RenderOptions::default())?;
/// assert!(marked[0].contents.starts_with("\u{feff}Flow,Direction,"));
/// # Ok::<(), mccs_request::RenderError>(())
/// ```
///
/// # Errors
///
/// As [`render`].
pub fn render_with(
    set: &RequestSet,
    format: OutputFormat,
    templates: &Templates,
    options: &RenderOptions,
) -> Result<Vec<OutputFile>, RenderError> {
    render_any(SetRef::Borrowed(set), format, templates, options)
}

/// [`render_with`] for a request set shared behind an [`Arc`](std::sync::Arc): Markdown and
/// HTML templates then read the set where it is, row by row, instead of a copy of it (at
/// 100,000 flows, about 400 MiB less at the peak). Same output, byte for byte.
///
/// ```
/// use std::sync::Arc;
/// use mccs_request::{render, render_shared, OutputFormat, RenderOptions, RequestSet, Templates};
/// let t = mccs_model::examples::reference();
/// let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
/// let set = Arc::new(RequestSet::from_plan(&t, &plan));
/// let shared = render_shared(&set, OutputFormat::Markdown, &Templates::default(), &RenderOptions::default())?;
/// assert_eq!(shared, render(&set, OutputFormat::Markdown, &Templates::default())?);
/// # Ok::<(), mccs_request::RenderError>(())
/// ```
///
/// # Errors
///
/// As [`render`].
pub fn render_shared(
    set: &std::sync::Arc<RequestSet>,
    format: OutputFormat,
    templates: &Templates,
    options: &RenderOptions,
) -> Result<Vec<OutputFile>, RenderError> {
    render_any(SetRef::Shared(set), format, templates, options)
}

/// The request set to render, borrowed or shared.
#[derive(Clone, Copy)]
enum SetRef<'a> {
    Borrowed(&'a RequestSet),
    Shared(&'a std::sync::Arc<RequestSet>),
}

impl<'a> SetRef<'a> {
    fn get(self) -> &'a RequestSet {
        match self {
            Self::Borrowed(s) => s,
            Self::Shared(s) => s,
        }
    }

    /// The set as templates take it: shared, or else a copy made shareable.
    #[cfg(feature = "templates")]
    fn shared(&self) -> std::sync::Arc<RequestSet> {
        match self {
            Self::Borrowed(s) => std::sync::Arc::new((*s).clone()),
            Self::Shared(s) => std::sync::Arc::clone(s),
        }
    }
}

fn render_any(
    at: SetRef<'_>,
    format: OutputFormat,
    templates: &Templates,
    options: &RenderOptions,
) -> Result<Vec<OutputFile>, RenderError> {
    pending(at, format, templates, options)?
        .iter()
        .map(PendingFile::render)
        .collect()
}

/// Renders `set` as `format` file by file, straight into writers: the files' names come
/// first, and each file's text is made when it is written ([`PendingFile::write_to`]), so a
/// request set of 100,000 flows is never held as text (its Markdown alone is about 200 MB).
/// The bytes are those of [`render_shared`] with the same arguments.
///
/// ```
/// use std::sync::Arc;
/// use mccs_request::{render_pending, render_shared, OutputFormat, RenderOptions, RequestSet, Templates};
/// let t = mccs_model::examples::reference();
/// let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
/// let set = Arc::new(RequestSet::from_plan(&t, &plan));
/// let (templates, options) = (Templates::default(), RenderOptions::default());
/// let files = render_pending(&set, OutputFormat::Csv, &templates, &options)?;
/// assert_eq!(files[0].path(), "summary.csv");
/// let mut text = Vec::new(); // a file, standard output, a socket: any `std::io::Write`
/// let written = files[0].write_to(&mut text)?;
/// assert_eq!(written, text.len() as u64);
/// let whole = render_shared(&set, OutputFormat::Csv, &templates, &options)?;
/// assert_eq!(text, whole[0].contents.as_bytes());
/// # Ok::<(), mccs_request::RenderError>(())
/// ```
///
/// # Errors
///
/// [`RenderError::NotBuilt`] when this build leaves the format out; the other errors of
/// [`render`] come from [`PendingFile::write_to`].
pub fn render_pending<'a>(
    set: &'a std::sync::Arc<RequestSet>,
    format: OutputFormat,
    templates: &'a Templates,
    options: &RenderOptions,
) -> Result<Vec<PendingFile<'a>>, RenderError> {
    pending(SetRef::Shared(set), format, templates, options)
}

/// One file of a rendering, named but not made yet: see [`render_pending`].
#[derive(Clone)]
pub struct PendingFile<'a> {
    path: String,
    what: Pending<'a>,
}

impl std::fmt::Debug for PendingFile<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingFile")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// What makes a pending file's text.
#[derive(Clone, Copy)]
enum Pending<'a> {
    #[cfg_attr(not(feature = "templates"), allow(dead_code))]
    Template {
        at: SetRef<'a>,
        name: &'static str,
        source: &'a Source,
    },
    Json(&'a RequestSet),
    #[cfg(feature = "csv")]
    Csv {
        set: &'a RequestSet,
        part: crate::csv_out::Part,
        bom: bool,
    },
}

impl PendingFile<'_> {
    /// The file name, e.g. `requests.md` or `on-prem-firewall-request.traffic.csv`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Makes the file's text into `out`, returning how many bytes were written. `out` is
    /// written in small pieces: give it a buffered writer (`std::io::BufWriter`) when each
    /// write costs a system call. Nothing is flushed: the caller flushes (and, for a file,
    /// syncs) what it wrote.
    ///
    /// # Errors
    ///
    /// [`RenderError::Write`] when `out` fails; otherwise the errors of [`render`], after
    /// part of the text may already have been written.
    pub fn write_to(&self, out: &mut dyn std::io::Write) -> Result<u64, RenderError> {
        match self.what {
            Pending::Template { at, name, source } => {
                #[cfg(feature = "templates")]
                {
                    render_template(at, name, source, out)
                }
                #[cfg(not(feature = "templates"))]
                {
                    let _ = (at, name, source, out);
                    Err(not_built("Markdown and HTML", "templates"))
                }
            }
            Pending::Json(set) => {
                let mut counted = Counted { out, written: 0 };
                let fail = |e: serde_json::Error| match e.io_error_kind() {
                    Some(kind) => RenderError::Write {
                        file: self.path.clone(),
                        source: kind.into(),
                    },
                    None => RenderError::Json {
                        reason: e.to_string(),
                    },
                };
                serde_json::to_writer_pretty(&mut counted, set).map_err(fail)?;
                std::io::Write::write_all(&mut counted, b"\n").map_err(|source| {
                    RenderError::Write {
                        file: self.path.clone(),
                        source,
                    }
                })?;
                Ok(counted.written)
            }
            #[cfg(feature = "csv")]
            Pending::Csv { set, part, bom } => {
                let mut counted = Counted { out, written: 0 };
                crate::csv_out::write(set, part, &self.path, bom, &mut counted)?;
                Ok(counted.written)
            }
        }
    }

    /// Makes the file's text in memory.
    ///
    /// # Errors
    ///
    /// As [`render`].
    pub fn render(&self) -> Result<OutputFile, RenderError> {
        let mut text = Vec::new();
        self.write_to(&mut text)?;
        // Every part was written from a `str`; the check keeps a broken invariant visible.
        let contents = String::from_utf8(text).map_err(|_| RenderError::TemplateRender {
            template: self.path.clone(),
            line: None,
            message: "the output is not UTF-8".into(),
        })?;
        Ok(OutputFile {
            path: self.path.clone(),
            contents,
        })
    }
}

/// A writer that counts what it passes on.
struct Counted<'w> {
    out: &'w mut dyn std::io::Write,
    written: u64,
}

impl std::io::Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.written += u64::try_from(n).unwrap_or(u64::MAX);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// The files of `at` rendered as `format`, named, not made.
fn pending<'a>(
    at: SetRef<'a>,
    format: OutputFormat,
    templates: &'a Templates,
    options: &RenderOptions,
) -> Result<Vec<PendingFile<'a>>, RenderError> {
    let template = |name: &'static str, source: &'a Source| {
        if cfg!(feature = "templates") {
            Ok(vec![PendingFile {
                path: name.to_owned(),
                what: Pending::Template { at, name, source },
            }])
        } else {
            Err(not_built("Markdown and HTML", "templates"))
        }
    };
    match format {
        OutputFormat::Markdown => template(MARKDOWN_NAME, &templates.markdown),
        OutputFormat::Html => template(HTML_NAME, &templates.html),
        OutputFormat::Json => Ok(vec![PendingFile {
            path: "requests.json".to_owned(),
            what: Pending::Json(at.get()),
        }]),
        #[cfg(feature = "csv")]
        OutputFormat::Csv => {
            let set = at.get();
            Ok(crate::csv_out::parts(set)
                .into_iter()
                .map(|(path, part)| PendingFile {
                    path,
                    what: Pending::Csv {
                        set,
                        part,
                        bom: options.csv_bom,
                    },
                })
                .collect())
        }
        #[cfg(not(feature = "csv"))]
        OutputFormat::Csv => {
            let _ = options;
            Err(not_built("CSV", "csv"))
        }
    }
}

/// The error for a format this build of the crate leaves out.
fn not_built(what: &'static str, feature: &'static str) -> RenderError {
    RenderError::NotBuilt { what, feature }
}

#[cfg(test)]
mod tests {
    /// A build without the `csv` and `templates` features renders JSON, and says which
    /// feature each other format needs instead of writing nothing.
    #[test]
    fn formats_left_out_of_the_build_say_which_feature_they_need() {
        let t = mccs_model::examples::reference();
        let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
        let set = crate::RequestSet::from_plan(&t, &plan);
        let templates = crate::Templates::default();
        assert!(super::render(&set, crate::OutputFormat::Json, &templates).is_ok());
        for (format, built, feature) in [
            (crate::OutputFormat::Csv, cfg!(feature = "csv"), "csv"),
            (
                crate::OutputFormat::Markdown,
                cfg!(feature = "templates"),
                "templates",
            ),
            (
                crate::OutputFormat::Html,
                cfg!(feature = "templates"),
                "templates",
            ),
        ] {
            match super::render(&set, format, &templates) {
                Ok(files) => assert!(built && !files.is_empty(), "{format}"),
                Err(e) => {
                    assert!(!built, "{format}: {e}");
                    assert!(
                        e.to_string().contains(&format!("`{feature}` feature")),
                        "{e}"
                    );
                }
            }
        }
    }
}
