//! Errors of rendering and of loading templates. Each message says what went wrong and how to
//! fix it.

use std::path::PathBuf;

use thiserror::Error;

/// Why a request set could not be rendered, or templates could not be loaded.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RenderError {
    /// A template has a syntax error.
    #[error(
        "the {template} does not compile{}: {message}; fix the template syntax (minijinja, see docs/requests.md) or drop the custom template to use the default",
        at_line(*line)
    )]
    TemplateSyntax {
        /// Which template: e.g. "Markdown template `team/requests.md.jinja`".
        template: String,
        /// The 1-based line of the error, when known.
        line: Option<usize>,
        /// The engine's message.
        message: String,
    },
    /// A template compiled but failed while rendering, e.g. it prints a variable the context
    /// does not have.
    #[error(
        "the {template} failed to render{}: {message}; check the variable names against the template context in docs/requests.md",
        at_line(*line)
    )]
    TemplateRender {
        /// Which template.
        template: String,
        /// The 1-based line of the error, when known.
        line: Option<usize>,
        /// The engine's message.
        message: String,
    },
    /// A template directory or file could not be read.
    #[error("cannot read {}: {source}; check the path and its permissions", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A template directory holds none of the template files.
    #[error(
        "{} holds no template: add `{markdown}` and/or `{html}` (a missing one falls back to the default)",
        dir.display()
    )]
    NoTemplates {
        /// The directory.
        dir: PathBuf,
        /// The Markdown template's file name.
        markdown: &'static str,
        /// The HTML template's file name.
        html: &'static str,
    },
    /// A template path that is not a regular file (a directory, a FIFO, a device such as
    /// `/dev/zero`), or a file larger than the limit.
    #[error(
        "{} {problem}; a template must be a regular file of at most {limit} bytes",
        path.display()
    )]
    TemplateFile {
        /// The path.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
        /// The size limit ([`crate::MAX_TEMPLATE_BYTES`]).
        limit: u64,
    },
    /// Rendering a template ran past a limit: its fuel (steps of the template engine) or the
    /// size of its output. A template that includes itself or recurses without end hits one.
    #[error(
        "the {template} hit its {what} limit ({limit}); a template that includes itself or loops without end cannot finish: fix the template, or drop it to use the default"
    )]
    TemplateLimit {
        /// Which template.
        template: String,
        /// `fuel` or `output size`.
        what: &'static str,
        /// The limit that was hit.
        limit: u64,
    },
    /// The format needs a part of the crate this build leaves out (a Cargo feature that is
    /// off).
    #[error(
        "{what} output is not built into this program: enable mccs-request's `{feature}` feature"
    )]
    NotBuilt {
        /// The output (`CSV`, `Markdown and HTML`).
        what: &'static str,
        /// The Cargo feature that builds it.
        feature: &'static str,
    },
    /// Writing a CSV table failed. The CSV writer's error is kept as text: the crate's public
    /// errors do not expose the types of the crates it uses, and the message says it once.
    #[error("cannot write the CSV table `{file}`: {reason}")]
    Csv {
        /// The file being written.
        file: String,
        /// What the CSV writer reported.
        reason: String,
    },
    /// Serializing the JSON contract failed (kept as text, as for [`RenderError::Csv`]).
    #[error("cannot serialize the request set as JSON: {reason}")]
    Json {
        /// What the JSON serializer reported.
        reason: String,
    },
    /// The writer a file was being rendered into failed (`PendingFile::write_to`): a full disk,
    /// a closed pipe.
    #[error("cannot write `{file}`: {source}; check the disk space and where the output goes")]
    Write {
        /// The file being written.
        file: String,
        /// What the writer reported.
        #[source]
        source: std::io::Error,
    },
}

fn at_line(line: Option<usize>) -> String {
    line.map_or_else(String::new, |l| format!(" at line {l}"))
}
