//! `mccs plan`: the firewall change requests to file for a set of flows.

use std::io::Write as _;
use std::path::Path;

use mccs_model::{Diagnostic, Flow, ValidateOptions, load, validate};
use mccs_path::{PlanOptions, Status, TraceOptions, plan};
use mccs_request::{
    BuildOptions, OutputFile, OutputFormat, PictureOptions, RenderOptions, RequestSet, Templates,
    Vocabularies, render_pending,
};

use crate::cli::{EmitFormat, PlanArgs, RequestFormat};
use crate::commands::{Ctx, today};
use crate::input::{Purpose, Source};
use crate::{Error, Exit, Result, render as diag};

pub(crate) fn run(ctx: &mut Ctx<'_>, args: &PlanArgs) -> Result<Exit> {
    let (source, checked) = ctx.usable_topology(&args.topology)?;
    let mut topology = checked.topology;
    if let Some(path) = &args.flows {
        topology.flows = flows_from(ctx, path, &topology)?;
    }
    let templates = templates_from(args.templates.as_deref())?;
    let options = PlanOptions::default()
        .with_trace(
            args.limits
                .apply(TraceOptions::default().with_today(args.today.unwrap_or_else(today))),
        )
        .with_max_work(args.max_plan_work, mccs_path::PLAN_WORK_PER_FLOW)
        // The requests read each path's nodes, never its hops: a plan without them is a
        // fraction of the size (docs/performance.md, "Plans without hops").
        .with_hops(false);
    let mut build = build_options(args.vocabulary.as_deref())?;
    if args.topology.example.is_some() {
        build = build.with_banner(format!(
            "EXAMPLE: {}",
            crate::commands::example_note(&source.name)
        ));
    }
    // The HTML request shows a picture of each flow's paths (the first MAX_PICTURED_FLOWS):
    // the plan keeps no hops, so those flows are traced again with the plan's own options.
    if args.format == RequestFormat::Html && args.emit.is_none() && !args.no_pictures {
        build = build.with_pictures(PictureOptions::default().with_trace(options.trace.clone()));
    }
    let plan = plan(&topology, &topology.flows, &options);
    // Shared, so the Markdown and HTML templates read it where it is instead of a copy.
    let set = std::sync::Arc::new(RequestSet::from_plan_with(&topology, &plan, &build));
    let all_allowed = plan
        .flows
        .iter()
        .all(|f| f.status() == Status::AlreadyAllowed);
    // A blocked flow is a finding whatever the flags: no rule in the requests can fix it.
    let blocked = plan.flows.iter().any(|f| f.status() == Status::Blocked);
    // The plan keeps every flow's trace; the requests hold what rendering needs, so the plan
    // goes before the rendered text is made (at 100,000 flows, 2 GiB less at the peak).
    drop(plan);
    if let Some(emit) = args.emit {
        emit_rules(ctx, args, emit, &set, &topology, &source.name)?;
        return Ok(exit_code(blocked, args.check, all_allowed));
    }
    let format = match args.format {
        RequestFormat::Markdown => OutputFormat::Markdown,
        RequestFormat::Csv => OutputFormat::Csv,
        RequestFormat::Json => OutputFormat::Json,
        RequestFormat::Html => OutputFormat::Html,
    };
    // The byte order mark is for spreadsheets opening a file; CSV on standard output is several
    // files one after the other, where a mark would land in the middle.
    let options = RenderOptions::default().with_csv_bom(args.out.is_some() && !args.no_csv_bom);
    let to = Destination {
        out: args.out.as_deref(),
        force: args.force,
        templates: args.templates.as_deref(),
    };
    render_to(ctx, &set, format, &templates, &options, &to)?;
    Ok(exit_code(blocked, args.check, all_allowed))
}

/// The request layouts: the built-in ones, or a team's from `dir`.
pub(crate) fn templates_from(dir: Option<&Path>) -> Result<Templates> {
    match dir {
        None => Ok(Templates::default()),
        Some(dir) => Templates::from_dir(dir).map_err(|e| Error::BadInput {
            name: dir.display().to_string(),
            message: e.to_string(),
        }),
    }
}

/// The options requests are built with: the built-in words, or those of `vocabulary`.
pub(crate) fn build_options(vocabulary: Option<&Path>) -> Result<BuildOptions> {
    let build = BuildOptions::default();
    let Some(path) = vocabulary else {
        return Ok(build);
    };
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::BadInput {
        name: name.clone(),
        message: format!("cannot read the vocabulary file: {e}; check the path"),
    })?;
    let words = Vocabularies::from_json(&text).map_err(|e| Error::BadInput {
        name,
        message: e.to_string(),
    })?;
    Ok(build.with_vocabularies(words))
}

/// Where rendered requests go: `--out DIR` (with `--force`) or standard output, and the
/// `--templates` directory they were made with (named in errors).
pub(crate) struct Destination<'a> {
    pub(crate) out: Option<&'a Path>,
    pub(crate) force: bool,
    pub(crate) templates: Option<&'a Path>,
}

/// Renders `set` as `format` into [`Destination`]: each file's text is made as it is written
/// ([`mccs_request::render_pending`]), so the requests are never held as text (about 250 MB
/// for 100,000 flows). Into a directory, each file is a temporary file renamed into place once
/// whole, as [`write_dir`] writes. On standard output the built-in templates stream; custom
/// templates render whole first, so a template that fails half way prints nothing.
pub(crate) fn render_to(
    ctx: &mut Ctx<'_>,
    set: &std::sync::Arc<RequestSet>,
    format: OutputFormat,
    templates: &Templates,
    options: &RenderOptions,
    to: &Destination<'_>,
) -> Result<()> {
    let failed = |e: mccs_request::RenderError| Error::BadInput {
        name: to
            .templates
            .map_or_else(|| "templates".to_owned(), |d| d.display().to_string()),
        message: e.to_string(),
    };
    let files = render_pending(set, format, templates, options).map_err(failed)?;
    match to.out {
        Some(dir) => write_pending(ctx, dir, &files, to.force, failed),
        None if to.templates.is_some() => {
            let files = files
                .iter()
                .map(mccs_request::PendingFile::render)
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(failed)?;
            output(ctx, &files, None, false)
        }
        None => {
            let many = files.len() > 1;
            // Standard output is line-buffered: a block buffer saves a system call per line.
            let mut out = std::io::BufWriter::with_capacity(1 << 16, &mut *ctx.out);
            for (i, f) in files.iter().enumerate() {
                if many {
                    if i > 0 {
                        writeln!(out)?;
                    }
                    writeln!(out, "# file: {}", f.path())?;
                }
                f.write_to(&mut out).map_err(|e| match e {
                    mccs_request::RenderError::Write { source, .. } => Error::from(source),
                    other => failed(other),
                })?;
            }
            out.flush()?;
            Ok(())
        }
    }
}

/// [`write_dir`] for files made as they are written: the same names, checks and atomic
/// writes, each file's text going through a buffer into its temporary file.
fn write_pending(
    ctx: &mut Ctx<'_>,
    dir: &Path,
    files: &[mccs_request::PendingFile<'_>],
    force: bool,
    failed: impl Fn(mccs_request::RenderError) -> Error,
) -> Result<()> {
    let fail = |e: std::io::Error| Error::BadInput {
        name: dir.display().to_string(),
        message: format!("cannot write there: {e}; choose a directory you can write to"),
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let names = distinct_names(files.iter().map(mccs_request::PendingFile::path))?;
    for name in &names {
        check_target(&dir.join(name), force, fail)?;
    }
    for (f, name) in files.iter().zip(&names) {
        let target = dir.join(name);
        write_atomically_with(dir, name, &target, fail, |file| {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
            f.write_to(&mut w).map_err(|e| match e {
                mccs_request::RenderError::Write { source, .. } => fail(source),
                other => failed(other),
            })?;
            w.flush().map_err(fail)
        })?;
        writeln!(ctx.err, "wrote {}", target.display())?;
    }
    Ok(())
}

/// Writes rendered requests to `out` ([`write_dir`]), or to standard output, each file after a
/// `# file: NAME` line when there are several.
pub(crate) fn output(
    ctx: &mut Ctx<'_>,
    files: &[OutputFile],
    out: Option<&Path>,
    force: bool,
) -> Result<()> {
    match out {
        Some(dir) => write_dir(ctx, dir, files, force)?,
        None => {
            let many = files.len() > 1;
            for (i, f) in files.iter().enumerate() {
                if many {
                    if i > 0 {
                        writeln!(ctx.out)?;
                    }
                    writeln!(ctx.out, "# file: {}", f.path)?;
                }
                ctx.out.write_all(f.contents.as_bytes())?;
            }
        }
    }
    Ok(())
}

fn exit_code(blocked: bool, check: bool, all_allowed: bool) -> Exit {
    if blocked {
        Exit::Findings
    } else if check && !all_allowed {
        Exit::RulesNeeded
    } else {
        Exit::Success
    }
}

/// `--emit FORMAT`: the planned rules as they are applied, to standard output or `--out DIR`;
/// firewalls the format does not cover are named on standard error.
fn emit_rules(
    ctx: &mut Ctx<'_>,
    args: &PlanArgs,
    format: EmitFormat,
    set: &RequestSet,
    topology: &mccs_model::Topology,
    source: &str,
) -> Result<()> {
    let format = match format {
        EmitFormat::Terraform => mccs_emit::Format::Terraform,
        EmitFormat::PanOs => mccs_emit::Format::PanOs,
        EmitFormat::Aerleon => mccs_emit::Format::Aerleon,
    };
    let mut options = mccs_emit::Options::default();
    if args.topology.example.is_some() {
        options = options.with_banner(format!(
            "EXAMPLE: {}",
            crate::commands::example_note(source)
        ));
    }
    let emitted = mccs_emit::emit_with_notes(set, topology, format, &options);
    for note in &emitted.notes {
        writeln!(ctx.err, "mccs: note: {note}")?;
    }
    if emitted.files.is_empty() {
        writeln!(
            ctx.err,
            "mccs: no rules to write as {format}: nothing is missing on the firewalls it covers"
        )?;
        return Ok(());
    }
    match &args.out {
        Some(dir) => write_tree(ctx, dir, &emitted.files, args.force),
        None => {
            for (i, f) in emitted.files.iter().enumerate() {
                if i > 0 {
                    writeln!(ctx.out)?;
                }
                writeln!(ctx.out, "# file: {}", f.path)?;
                ctx.out.write_all(f.contents.as_bytes())?;
            }
            Ok(())
        }
    }
}

/// Refuses a target that is a symbolic link or not a regular file, or that exists when
/// `force` is not given.
fn check_target(target: &Path, force: bool, fail: impl Fn(std::io::Error) -> Error) -> Result<()> {
    match std::fs::symlink_metadata(target) {
        Ok(m) if m.file_type().is_symlink() => Err(Error::BadInput {
            name: target.display().to_string(),
            message: "is a symbolic link; mccs never writes through one: remove it or choose another directory".into(),
        }),
        Ok(m) if !m.is_file() => Err(Error::BadInput {
            name: target.display().to_string(),
            message: "exists and is not a regular file; remove it or choose another directory"
                .into(),
        }),
        Ok(_) if !force => Err(Error::BadInput {
            name: target.display().to_string(),
            message: "exists already; pass --force to replace it, or choose an empty directory"
                .into(),
        }),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(fail(e)),
    }
}

/// [`write_dir`] for files in subdirectories (`def/networks.yaml`): every part of every path
/// must be a plain, non-hidden name; each subdirectory is created inside `dir` and never
/// followed when it is a symbolic link; every target is checked before the first file is
/// written, and each file is written atomically.
fn write_tree(
    ctx: &mut Ctx<'_>,
    dir: &Path,
    files: &[mccs_emit::EmittedFile],
    force: bool,
) -> Result<()> {
    let fail = |e: std::io::Error| Error::BadInput {
        name: dir.display().to_string(),
        message: format!("cannot write there: {e}; choose a directory you can write to"),
    };
    let mut seen = std::collections::HashSet::new();
    let mut plans = Vec::with_capacity(files.len());
    for f in files {
        let parts: Vec<&str> = f.path.split('/').collect();
        let plain = parts.iter().all(|p| {
            !p.is_empty()
                && !p.starts_with('.')
                && Path::new(p)
                    .file_name()
                    .is_some_and(|n| n == std::ffi::OsStr::new(p))
        });
        if !plain || !seen.insert(f.path.to_lowercase()) {
            return Err(Error::BadInput {
                name: f.path.clone(),
                message: "is not a plain, distinct relative file name; refusing to write outside the output directory".into(),
            });
        }
        plans.push(parts);
    }
    std::fs::create_dir_all(dir).map_err(fail)?;
    // Subdirectories first (never through a symbolic link), then every target is checked.
    for parts in &plans {
        let mut at = dir.to_path_buf();
        for p in parts.iter().take(parts.len().saturating_sub(1)) {
            at.push(p);
            match std::fs::symlink_metadata(&at) {
                Ok(m) if m.file_type().is_symlink() || !m.is_dir() => {
                    return Err(Error::BadInput {
                        name: at.display().to_string(),
                        message: "is a symbolic link or not a directory; mccs never writes through one: remove it or choose another directory".into(),
                    });
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    std::fs::create_dir(&at).map_err(fail)?;
                }
                Err(e) => return Err(fail(e)),
            }
        }
        check_target(&dir.join(parts.join("/")), force, fail)?;
    }
    for (f, parts) in files.iter().zip(&plans) {
        let Some((name, subdirs)) = parts.split_last() else {
            continue;
        };
        let mut parent = dir.to_path_buf();
        parent.extend(subdirs);
        let target = parent.join(name);
        write_atomically(&parent, name, &target, f.contents.as_bytes()).map_err(fail)?;
        writeln!(ctx.err, "wrote {}", target.display())?;
    }
    Ok(())
}

/// Reads a flows document and checks its flows against the topology. Problems are reported
/// against the flows file, with its lines and columns.
fn flows_from(
    ctx: &mut Ctx<'_>,
    path: &Path,
    topology: &mccs_model::Topology,
) -> Result<Vec<Flow>> {
    let source = Source::read(path, Purpose::Flows)?;
    let loaded = load(&source.text, source.format);
    let mut findings: Vec<Diagnostic> = loaded.diagnostics.clone();
    let mut combined = topology.clone();
    combined.flows.clone_from(&loaded.topology.flows);
    let mut more: Vec<Diagnostic> = validate(&combined, &ValidateOptions::default())
        .into_iter()
        .filter(|d| d.path.segments().first() == Some(&mccs_model::Segment::Key("flows".into())))
        .collect();
    for d in &mut more {
        d.path = loaded.document_path(&d.path);
    }
    loaded.source_map.locate_all(&mut more);
    findings.extend(more);
    let other = loaded.topology.clone();
    let has_other =
        !other.firewalls.is_empty() || !other.project_sets.is_empty() || other.on_prem.is_some();
    if findings.iter().any(Diagnostic::is_error) {
        diag::plain(ctx.err, &source.name, &findings)?;
        let errors = findings.iter().filter(|d| d.is_error()).count();
        return Err(Error::BadInput {
            name: source.name,
            message: format!(
                "the flows document has {}; fix {} first",
                diag::count(errors, "error"),
                if errors == 1 { "it" } else { "them" }
            ),
        });
    }
    if has_other {
        writeln!(
            ctx.err,
            "mccs: {}: only `flows` is read from a flows document; the other sections are ignored",
            source.name
        )?;
    }
    if loaded.topology.flows.is_empty() {
        return Err(Error::BadInput {
            name: source.name,
            message: "the flows document has no flows; add a `flows:` list".into(),
        });
    }
    Ok(loaded.topology.flows)
}

/// Writes each output file into `dir`: refuses names that are not plain file names, keeps names
/// distinct on case-insensitive file systems, never writes through a symbolic link, never
/// replaces an existing file without `force`, and writes each file atomically (a temporary file
/// in the same directory, then a rename), so a failure never leaves a half-written request.
/// Every target is checked before the first file is written.
fn write_dir(ctx: &mut Ctx<'_>, dir: &Path, files: &[OutputFile], force: bool) -> Result<()> {
    let fail = |e: std::io::Error| Error::BadInput {
        name: dir.display().to_string(),
        message: format!("cannot write there: {e}; choose a directory you can write to"),
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let names = distinct_names(files.iter().map(|f| f.path.as_str()))?;
    for name in &names {
        check_target(&dir.join(name), force, fail)?;
    }
    for (f, name) in files.iter().zip(&names) {
        let target = dir.join(name);
        write_atomically(dir, name, &target, f.contents.as_bytes()).map_err(fail)?;
        writeln!(ctx.err, "wrote {}", target.display())?;
    }
    Ok(())
}

/// The files' names, refusing anything but plain file names; two names that differ only in
/// case get `-2`, `-3`, ... after their first part, so they stay two files on every file system.
fn distinct_names<'p>(paths: impl ExactSizeIterator<Item = &'p str>) -> Result<Vec<String>> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        // File names come from channel names, which cannot hold separators; refuse anything else.
        let plain = Path::new(path)
            .file_name()
            .is_some_and(|n| n == std::ffi::OsStr::new(path));
        if !plain || path.starts_with('.') {
            return Err(Error::BadInput {
                name: path.to_owned(),
                message: "is not a plain file name; refusing to write outside the output directory"
                    .into(),
            });
        }
        let (stem, rest) = path.split_once('.').unwrap_or((path, ""));
        let mut name = path.to_owned();
        let mut n = 2;
        // Bounded: each try is a new name, and at most `paths.len()` names are taken.
        while !seen.insert(name.to_lowercase()) {
            name = if rest.is_empty() {
                format!("{stem}-{n}")
            } else {
                format!("{stem}-{n}.{rest}")
            };
            n += 1;
        }
        out.push(name);
    }
    Ok(out)
}

/// Writes `contents` to a new temporary file in `dir` (never an existing one), flushes it to
/// disk and renames it over `target`; on failure the temporary file is removed.
fn write_atomically(dir: &Path, name: &str, target: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_atomically_with(dir, name, target, |e| e, |file| file.write_all(contents))
}

/// [`write_atomically`] with the text written by `fill` into the temporary file; `io` turns
/// the file's own errors (create, sync, rename) into `fill`'s error type.
fn write_atomically_with<E>(
    dir: &Path,
    name: &str,
    target: &Path,
    io: impl Fn(std::io::Error) -> E,
    fill: impl FnOnce(&mut std::fs::File) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(&io)?;
        fill(&mut file)?;
        file.sync_all().map_err(&io)?;
        std::fs::rename(&temp, target).map_err(&io)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> OutputFile {
        OutputFile::new(path, "")
    }

    #[test]
    fn names_that_differ_only_in_case_stay_two_files() {
        let files = [
            file("summary.csv"),
            file("Req.objects.csv"),
            file("req.objects.csv"),
            file("REQ.objects.csv"),
            file("notes"),
            file("NOTES"),
        ];
        let names = distinct_names(files.iter().map(|f| f.path.as_str())).unwrap_or_default();
        assert_eq!(
            names,
            [
                "summary.csv",
                "Req.objects.csv",
                "req-2.objects.csv",
                "REQ-3.objects.csv",
                "notes",
                "NOTES-2"
            ]
        );
    }

    #[test]
    fn names_with_separators_or_hidden_names_are_refused() {
        for bad in ["../x.csv", "a/b.csv", ".hidden", ""] {
            assert!(
                distinct_names([file(bad)].iter().map(|f| f.path.as_str())).is_err(),
                "{bad}"
            );
        }
    }
}
