//! Rendering straight into writers (`render_pending`): the same bytes as rendering in memory,
//! for every format, and a writer that fails is reported as such, naming the file.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: that is how a test fails

use std::sync::Arc;

use mccs_request::{
    OutputFormat, RenderError, RenderOptions, RequestSet, Templates, render_pending, render_shared,
};

fn reference() -> Arc<RequestSet> {
    let t = mccs_model::examples::reference();
    let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
    Arc::new(RequestSet::from_plan(&t, &plan))
}

/// Each pending file, written into a buffer, is the in-memory file byte for byte, with the
/// same name and in the same order; the count returned is the bytes written.
fn same_as_in_memory(set: &Arc<RequestSet>, templates: &Templates, options: &RenderOptions) {
    for format in OutputFormat::ALL {
        let whole = render_shared(set, format, templates, options).unwrap();
        let pending = render_pending(set, format, templates, options).unwrap();
        assert_eq!(pending.len(), whole.len(), "{format}");
        for (p, w) in pending.iter().zip(&whole) {
            assert_eq!(p.path(), w.path, "{format}");
            let mut out = Vec::new();
            let n = p.write_to(&mut out).unwrap();
            assert_eq!(n, out.len() as u64, "{format} {}", w.path);
            assert_eq!(String::from_utf8(out).unwrap(), w.contents, "{}", w.path);
            assert!(w.contents.ends_with('\n'), "{}", w.path);
        }
    }
}

#[test]
fn streamed_files_are_the_rendered_files() {
    let set = reference();
    same_as_in_memory(&set, &Templates::default(), &RenderOptions::default());
    same_as_in_memory(
        &set,
        &Templates::default(),
        &RenderOptions::default().with_csv_bom(false),
    );
}

#[test]
fn a_custom_template_without_a_final_line_break_still_ends_in_one() {
    let set = reference();
    // The line break is added after the text, whether it is held or streamed.
    let templates = Templates::default()
        .with_markdown("{{ requests | length }} requests")
        .with_html("<p>{{ requests | length }}</p>\n");
    same_as_in_memory(&set, &templates, &RenderOptions::default());
    let pending = render_pending(
        &set,
        OutputFormat::Markdown,
        &templates,
        &RenderOptions::default(),
    )
    .unwrap();
    assert_eq!(pending[0].render().unwrap().contents, "2 requests\n");
}

/// A writer that takes `room` bytes, then fails as a full disk does.
struct Full {
    room: usize,
}

impl std::io::Write for Full {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.len() > self.room {
            return Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "no space left on device",
            ));
        }
        self.room -= buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failing_writer_is_a_write_error_naming_the_file() {
    let set = reference();
    let (templates, options) = (Templates::default(), RenderOptions::default());
    for format in OutputFormat::ALL {
        for file in render_pending(&set, format, &templates, &options).unwrap() {
            // Fails at once, and fails half way.
            for room in [0, 100] {
                let err = file.write_to(&mut Full { room }).unwrap_err();
                match &err {
                    RenderError::Write { file: name, source } => {
                        assert_eq!(name, file.path(), "{format}");
                        assert_eq!(source.kind(), std::io::ErrorKind::StorageFull, "{format}");
                    }
                    other => panic!("{format} {}: {other:?}", file.path()),
                }
                let text = err.to_string();
                assert!(text.contains(file.path()), "{text}");
                assert!(text.contains("disk space"), "{text}");
            }
        }
    }
}
