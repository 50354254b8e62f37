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
const HTML_NAME: &str = "requests.html";
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
    env
}

#[cfg(feature = "templates")]
fn render_template(
    at: SetRef<'_>,
    name: &'static str,
    source: &Source,
) -> Result<String, RenderError> {
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
    let mut out = Bounded {
        text: Vec::new(),
        limit: output,
        exceeded: false,
    };
    let rendered = template
        .render_captured_to(crate::view::context(at.shared()), &mut out)
        .map(|_| ());
    if out.exceeded {
        return Err(RenderError::TemplateLimit {
            template: source.origin.clone(),
            what: "output size",
            limit: output,
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
    let mut text = String::from_utf8(out.text).map_err(|_| RenderError::TemplateRender {
        template: source.origin.clone(),
        line: None,
        message: "the output is not UTF-8".into(),
    })?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
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
/// A writer that refuses to grow past `limit` bytes.
struct Bounded {
    text: Vec<u8>,
    limit: u64,
    exceeded: bool,
}

#[cfg(feature = "templates")]
impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if (self.text.len() + buf.len()) as u64 > self.limit {
            self.exceeded = true;
            return Err(std::io::Error::other("output size limit"));
        }
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
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

impl SetRef<'_> {
    fn get(&self) -> &RequestSet {
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
    let set = at.get();
    Ok(match format {
        OutputFormat::Markdown => vec![OutputFile {
            path: MARKDOWN_NAME.to_owned(),
            contents: template(at, MARKDOWN_NAME, &templates.markdown)?,
        }],
        OutputFormat::Html => vec![OutputFile {
            path: HTML_NAME.to_owned(),
            contents: template(at, HTML_NAME, &templates.html)?,
        }],
        OutputFormat::Json => {
            let mut contents =
                serde_json::to_string_pretty(set).map_err(|e| RenderError::Json {
                    reason: e.to_string(),
                })?;
            contents.push('\n');
            vec![OutputFile {
                path: "requests.json".to_owned(),
                contents,
            }]
        }
        #[cfg(feature = "csv")]
        OutputFormat::Csv => crate::csv_out::render(set, options.csv_bom)?,
        #[cfg(not(feature = "csv"))]
        OutputFormat::Csv => {
            let _ = options;
            return Err(not_built("CSV", "csv"));
        }
    })
}

/// A Markdown or HTML template rendered with the request set as its context.
fn template(at: SetRef<'_>, name: &'static str, source: &Source) -> Result<String, RenderError> {
    #[cfg(feature = "templates")]
    {
        render_template(at, name, source)
    }
    #[cfg(not(feature = "templates"))]
    {
        let _ = (at, name, source);
        Err(not_built("Markdown and HTML", "templates"))
    }
}

/// The error for a format this build of the crate leaves out.
#[cfg(not(all(feature = "templates", feature = "csv")))]
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
