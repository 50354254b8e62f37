//! Custom templates cannot hang or exhaust memory: template files pass an input gate, and
//! rendering has fuel and an output-size limit.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: that is how a test fails

use mccs_request::{MAX_TEMPLATE_BYTES, OutputFormat, RenderError, RequestSet, Templates, render};

fn reference() -> RequestSet {
    let t = mccs_model::examples::reference();
    let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
    RequestSet::from_plan(&t, &plan)
}

fn limit_hit(template: &str) -> RenderError {
    let t = Templates::default().with_markdown(template);
    render(&reference(), OutputFormat::Markdown, &t).unwrap_err()
}

#[test]
fn a_template_that_recurses_without_end_runs_out_of_fuel() {
    // Each call makes two more: 2^40 calls would never finish.
    let err = limit_hit(
        "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}",
    );
    assert!(
        matches!(err, RenderError::TemplateLimit { what: "fuel", .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("loops without end"), "{err}");
}

#[test]
fn a_template_that_writes_without_end_hits_the_output_limit() {
    // Few steps, each writing a lot.
    let err =
        limit_hit("{% set s = 'x' * 1000000 %}{% for i in range(100000) %}{{ s }}{% endfor %}");
    assert!(
        matches!(
            err,
            RenderError::TemplateLimit {
                what: "output size" | "fuel",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_template_that_includes_itself_is_an_error_not_a_hang() {
    let err = limit_hit("{% include 'requests.md' %}");
    assert!(
        matches!(
            err,
            RenderError::TemplateLimit { .. } | RenderError::TemplateRender { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn the_shipped_templates_render_within_their_budget() {
    for format in [OutputFormat::Markdown, OutputFormat::Html] {
        assert!(render(&reference(), format, &Templates::default()).is_ok());
    }
}

#[cfg(unix)]
#[test]
fn template_files_must_be_small_regular_files() {
    let dir = tempfile::tempdir().unwrap();
    // A device that never ends, through a symbolic link.
    std::os::unix::fs::symlink("/dev/zero", dir.path().join(Templates::MARKDOWN_FILE)).unwrap();
    let err = Templates::from_dir(dir.path()).unwrap_err();
    assert!(matches!(err, RenderError::TemplateFile { .. }), "{err:?}");
    assert!(err.to_string().contains("is not a regular file"), "{err}");
    std::fs::remove_file(dir.path().join(Templates::MARKDOWN_FILE)).unwrap();

    // A FIFO would block the reader forever.
    let fifo = dir.path().join(Templates::HTML_FILE);
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let err = Templates::from_dir(dir.path()).unwrap_err();
        assert!(matches!(err, RenderError::TemplateFile { .. }), "{err:?}");
        std::fs::remove_file(&fifo).unwrap();
    } else {
        eprintln!("SKIPPED: the FIFO case (no `mkfifo` on this machine)");
    }

    // Too large.
    let big = "x".repeat(usize::try_from(MAX_TEMPLATE_BYTES).unwrap() + 1);
    std::fs::write(dir.path().join(Templates::MARKDOWN_FILE), big).unwrap();
    let err = Templates::from_dir(dir.path()).unwrap_err();
    assert!(err.to_string().contains("bytes"), "{err}");
}
