//! Hostile input never breaks out: not of a Markdown table cell, not into HTML markup, not into
//! a spreadsheet formula.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mccs_model::Topology;
use mccs_request::{OutputFile, OutputFormat, RequestSet, Templates, escape, render};
use proptest::prelude::*;
use serde_json::Value;

const HOSTILE: [&str; 14] = [
    "<script>alert(1)</script>",
    "a|b\n# heading\r\n- item",
    "=cmd|' /C calc'!A0",
    "+1-2",
    "@SUM(A1:A9)",
    "\tx",
    "\rx",
    "`code` **bold** [link](https://evil.example) ![img](x)",
    "\\|",
    "1. list",
    "&lt;b&gt; &amp;",
    "\u{2028}line\u{85}next",
    "\"'/><img src=x onerror=alert(1)>",
    "-",
];

const FORMULA: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn build(t: &Topology) -> RequestSet {
    let plan = mccs_path::plan(t, &t.flows, &mccs_path::PlanOptions::default());
    RequestSet::from_plan(t, &plan)
}

/// The reference topology with hostile text in every free-text field a request shows.
fn hostile_topology(h: &str) -> Topology {
    let mut t = mccs_model::examples::reference();
    for c in &mut t.channels {
        c.title = format!("{h} {}", c.title);
        c.form = Some(h.to_owned());
        c.url = Some(format!("https://x.example/{h}"));
        c.filed_by = h.to_owned();
        c.handled_by = format!("{h}\n{h}");
    }
    for f in &mut t.firewalls {
        f.owner = h.to_owned();
        f.description = Some(h.to_owned());
    }
    for f in &mut t.flows {
        f.justification = Some(h.to_owned());
        f.requester = Some(h.to_owned());
        f.change_window = Some(h.to_owned());
    }
    for ps in &mut t.project_sets {
        ps.name = Some(h.to_owned());
        for vn in ps.environments.values_mut() {
            vn.account = h.to_owned();
            vn.region = h.to_owned();
        }
    }
    for z in &mut t.on_prem.iter_mut().flat_map(|o| &mut o.zones) {
        for e in &mut z.endpoints {
            e.description = Some(h.to_owned());
        }
    }
    for o in &mut t.objects {
        match o {
            mccs_model::FirewallObject::Host {
                published_by,
                description,
                ..
            }
            | mccs_model::FirewallObject::Network {
                published_by,
                description,
                ..
            }
            | mccs_model::FirewallObject::Range {
                published_by,
                description,
                ..
            }
            | mccs_model::FirewallObject::Group {
                published_by,
                description,
                ..
            } => {
                if published_by.is_some() {
                    *published_by = Some(h.to_owned());
                }
                *description = Some(h.to_owned());
            }
        }
    }
    t
}

type Path = Vec<Result<usize, String>>;

fn leaves(v: &Value, at: &mut Path, out: &mut Vec<Path>) {
    match v {
        Value::String(_) => out.push(at.clone()),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                at.push(Ok(i));
                leaves(x, at, out);
                at.pop();
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                at.push(Err(k.clone()));
                leaves(x, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn leaf<'v>(v: &'v mut Value, path: &Path) -> &'v mut Value {
    path.iter().fold(v, |v, seg| match seg {
        Ok(i) => &mut v[*i],
        Err(k) => &mut v[k.as_str()],
    })
}

/// The string fields of `set` that hold free text (not enum values): those that still
/// deserialize after being replaced.
fn text_fields(set: &RequestSet) -> Vec<Path> {
    let v = serde_json::to_value(set).unwrap();
    let mut all = Vec::new();
    leaves(&v, &mut Vec::new(), &mut all);
    all.into_iter()
        .filter(|p| {
            let mut w = v.clone();
            *leaf(&mut w, p) = Value::from("<x>|");
            serde_json::from_value::<RequestSet>(w).is_ok()
        })
        .collect()
}

/// `set` with every free-text field replaced by `h`.
fn poisoned(set: &RequestSet, fields: &[Path], h: &str) -> RequestSet {
    let mut v = serde_json::to_value(set).unwrap();
    for p in fields {
        // A URL stays a URL (so the HTML keeps its link), with the hostile text in its path.
        let text = if p.last() == Some(&Err("url".to_owned())) {
            format!("https://x.example/{h}")
        } else {
            h.to_owned()
        };
        *leaf(&mut v, p) = Value::from(text);
    }
    serde_json::from_value(v).unwrap()
}

fn unescaped_pipes(line: &str) -> usize {
    let (mut n, mut backslashes) = (0, 0);
    for c in line.chars() {
        if c == '\\' {
            backslashes += 1;
            continue;
        }
        if c == '|' && backslashes % 2 == 0 {
            n += 1;
        }
        backslashes = 0;
    }
    n
}

fn one(set: &RequestSet, format: OutputFormat) -> String {
    render(set, format, &Templates::default())
        .unwrap()
        .remove(0)
        .contents
}

/// The Markdown has the benign document's shape: same lines, same line starts, same number of
/// cells per table row, no markup from the input.
fn assert_markdown_shape(benign: &str, hostile: &str, h: &str) {
    let (b, x): (Vec<&str>, Vec<&str>) = (benign.lines().collect(), hostile.lines().collect());
    assert_eq!(b.len(), x.len(), "line count changed for {h:?}");
    for (bl, xl) in b.iter().zip(&x) {
        assert_eq!(
            bl.chars().next(),
            xl.chars().next(),
            "line start changed for {h:?}:\n{xl}"
        );
        assert_eq!(
            unescaped_pipes(bl),
            unescaped_pipes(xl),
            "table cells changed for {h:?}:\n{xl}"
        );
        if bl.starts_with('#') {
            assert_eq!(bl.split(' ').next(), xl.split(' ').next(), "{xl}");
        }
    }
    let stripped = hostile.replace("<br>", "");
    assert!(
        !stripped.contains('<') && !stripped.contains('>'),
        "markup from input for {h:?}"
    );
}

fn tags(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .map(|s| {
            s.split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

fn assert_html_shape(benign: &str, hostile: &str, h: &str) {
    assert_eq!(
        tags(benign),
        tags(hostile),
        "HTML structure changed for {h:?}"
    );
    assert!(!hostile.contains("<script"), "{h:?}");
    assert!(!hostile.contains("<img"), "{h:?}");
}

fn assert_csv_shape(benign: &[OutputFile], hostile: &[OutputFile], h: &str) {
    assert_eq!(benign.len(), hostile.len());
    for (b, x) in benign.iter().zip(hostile) {
        // (Request ids are poisoned too, so names may differ; they stay plain file names.)
        assert!(
            !x.path.contains(['/', '\\']) && !x.path.starts_with('.'),
            "{}",
            x.path
        );
        let records = |f: &OutputFile| -> Vec<csv::StringRecord> {
            csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(f.contents.as_bytes())
                .records()
                .map(Result::unwrap)
                .collect()
        };
        let (br, xr) = (records(b), records(x));
        assert_eq!(
            br.len(),
            xr.len(),
            "{}: record count changed for {h:?}",
            x.path
        );
        for (bl, xl) in br.iter().zip(&xr) {
            assert_eq!(
                bl.len(),
                xl.len(),
                "{}: field count changed for {h:?}",
                x.path
            );
            for cell in xl {
                assert!(
                    !cell.starts_with(FORMULA),
                    "{}: formula cell {cell:?}",
                    x.path
                );
            }
        }
    }
}

#[test]
fn hostile_topology_text_is_escaped_in_every_format() {
    let benign = build(&mccs_model::examples::reference());
    for h in HOSTILE {
        let set = build(&hostile_topology(h));
        assert_eq!(set.requests.len(), benign.requests.len());
        assert_markdown_shape(
            &one(&benign, OutputFormat::Markdown),
            &one(&set, OutputFormat::Markdown),
            h,
        );
        assert_html_shape(
            &one(&benign, OutputFormat::Html),
            &one(&set, OutputFormat::Html),
            h,
        );
        assert_csv_shape(
            &render(&benign, OutputFormat::Csv, &Templates::default()).unwrap(),
            &render(&set, OutputFormat::Csv, &Templates::default()).unwrap(),
            h,
        );
        // JSON carries the text verbatim (JSON escaping is serde_json's).
        let json: RequestSet = serde_json::from_str(&one(&set, OutputFormat::Json)).unwrap();
        assert_eq!(json, set);
    }
}

#[test]
fn hostile_text_shows_escaped_not_dropped() {
    let set = build(&hostile_topology(
        "=cmd|' /C calc'!A0 <script>alert(1)</script>",
    ));
    let md = one(&set, OutputFormat::Markdown);
    assert!(md.contains(r"=cmd\|' /C calc'!A0 &lt;script&gt;alert(1)&lt;/script&gt;"));
    let html = one(&set, OutputFormat::Html);
    assert!(
        html.contains(
            "=cmd|&#x27; &#x2f;C calc&#x27;!A0 &lt;script&gt;alert(1)&lt;&#x2f;script&gt;"
        )
    );
    let csv = render(&set, OutputFormat::Csv, &Templates::default()).unwrap();
    let summary = &csv[0].contents;
    assert!(
        summary.contains(",'=cmd|' /C calc'!A0 <script>alert(1)</script>,"),
        "{summary}"
    );
}

#[test]
fn every_text_field_of_the_contract_is_escaped() {
    for t in [
        mccs_model::examples::reference(),
        mccs_model::examples::cross_cloud(),
    ] {
        let benign = build(&t);
        let fields = text_fields(&benign);
        assert!(fields.len() > 50, "only {} text fields found", fields.len());
        for h in HOSTILE {
            let set = poisoned(&benign, &fields, h);
            assert_markdown_shape(
                &one(&benign, OutputFormat::Markdown),
                &one(&set, OutputFormat::Markdown),
                h,
            );
            assert_html_shape(
                &one(&benign, OutputFormat::Html),
                &one(&set, OutputFormat::Html),
                h,
            );
            assert_csv_shape(
                &render(&benign, OutputFormat::Csv, &Templates::default()).unwrap(),
                &render(&set, OutputFormat::Csv, &Templates::default()).unwrap(),
                h,
            );
        }
    }
}

/// The Traffic Table's own columns (the line's protocol and port) are free text to every
/// format too: poisoned alone, they show escaped in each.
#[test]
fn traffic_line_columns_are_escaped() {
    let benign = build(&mccs_model::examples::reference());
    let fields: Vec<Path> = text_fields(&benign)
        .into_iter()
        .filter(|p| {
            p.contains(&Err("lines".to_owned()))
                && matches!(p.last(), Some(Err(k)) if k == "protocol" || k == "port")
        })
        .collect();
    // Both columns of every line of both requests.
    let lines: usize = benign
        .requests
        .iter()
        .flat_map(|r| &r.traffic)
        .flat_map(|t| &t.apply_on)
        .map(|a| a.lines.len())
        .sum();
    assert_eq!(fields.len(), 2 * lines);
    let h = "=cmd|' /C calc'!A0 <b>x</b>";
    let set = poisoned(&benign, &fields, h);
    let md = one(&set, OutputFormat::Markdown);
    assert!(
        md.contains(r"| \=cmd\|' /C calc'!A0 &lt;b&gt;x&lt;/b&gt; | \=cmd\|' /C calc'!A0 &lt;b&gt;x&lt;/b&gt; | allow |"),
        "{md}"
    );
    let html = one(&set, OutputFormat::Html);
    assert!(html.contains(
        r#"<td class="nw">=cmd|&#x27; &#x2f;C calc&#x27;!A0 &lt;b&gt;x&lt;&#x2f;b&gt;</td>"#
    ));
    assert!(!html.contains("<b>x"));
    let csv = render(&set, OutputFormat::Csv, &Templates::default()).unwrap();
    let traffic = csv
        .iter()
        .find(|f| f.path.ends_with(".traffic.csv"))
        .unwrap();
    assert!(
        traffic.contents.contains(
            r",CITZ_ORACLE_DB,'=cmd|' /C calc'!A0 <b>x</b>,'=cmd|' /C calc'!A0 <b>x</b>,allow,"
        ),
        "{}",
        traffic.contents
    );
    assert_csv_shape(
        &render(&benign, OutputFormat::Csv, &Templates::default()).unwrap(),
        &csv,
        h,
    );
}

#[test]
fn hostile_request_ids_make_safe_file_names() {
    let mut set = build(&mccs_model::examples::reference());
    set.requests[0].id = "../../etc/passwd".to_owned();
    set.requests[1].id = "..".to_owned();
    let files = render(&set, OutputFormat::Csv, &Templates::default()).unwrap();
    for f in &files {
        assert!(
            !f.path.contains('/') && !f.path.contains('\\') && !f.path.starts_with('.'),
            "{}",
            f.path
        );
    }
    let names: Vec<_> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        names,
        [
            "summary.csv",
            "_.._etc_passwd.objects.csv",
            "_.._etc_passwd.traffic.csv",
            "request.objects.csv",
            "request.traffic.csv"
        ]
    );
}

/// Non-empty: an empty optional text legitimately leaves a line out.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>().prop_filter("non-empty", |s| !s.is_empty()),
        "[a-z |<>&\"'`*_#~=+@!\\[\\]()\\\\\n\r\t\u{85}\u{2028}-]{1,24}",
        "[=+@\t\r-][ -~]{0,12}",
        "[0-9]{1,3}[.)]( [a-z]{0,4})?",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn markdown_cell_never_breaks_out(s in hostile_string()) {
        let e = escape::markdown(&s);
        prop_assert!(!e.contains('\n') && !e.contains('\r'), "{:?}", e);
        prop_assert!(!e.contains(['\u{2028}', '\u{2029}', '\u{85}']), "{:?}", e);
        prop_assert_eq!(unescaped_pipes(&e), 0, "{:?}", e);
        let no_br = e.replace("<br>", "");
        prop_assert!(!no_br.contains('<') && !no_br.contains('>'), "{:?}", e);
        prop_assert!(!e.starts_with(['#', '-', '+', '=']), "{:?}", e);
        prop_assert!(!e.chars().any(|c| c.is_control()), "{:?}", e);
        // Every backtick is escaped: no code span can open.
        prop_assert!(e.match_indices('`').all(|(i, _)| e[..i].ends_with('\\')), "{:?}", e);
    }

    #[test]
    fn csv_cell_never_starts_a_formula(s in hostile_string()) {
        let e = escape::csv(&s);
        prop_assert!(!e.starts_with(FORMULA), "{:?}", e);
        if !s.starts_with(FORMULA) {
            prop_assert_eq!(e.as_ref(), s.as_str());
        } else {
            prop_assert_eq!(&e[1..], s.as_str());
        }
    }

    #[test]
    fn html_never_contains_markup_from_input(s in hostile_string()) {
        let e = escape::html(&s);
        prop_assert!(!e.contains(['<', '>', '"', '\'']), "{:?}", e);
        let back = e
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&#x2f;", "/")
            .replace("&amp;", "&");
        prop_assert_eq!(back, s);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn rendered_documents_keep_their_shape(s in hostile_string()) {
        let benign = build(&mccs_model::examples::cross_cloud());
        let fields = text_fields(&benign);
        let set = poisoned(&benign, &fields, &s);
        assert_markdown_shape(&one(&benign, OutputFormat::Markdown), &one(&set, OutputFormat::Markdown), &s);
        assert_html_shape(&one(&benign, OutputFormat::Html), &one(&set, OutputFormat::Html), &s);
        assert_csv_shape(
            &render(&benign, OutputFormat::Csv, &Templates::default()).unwrap(),
            &render(&set, OutputFormat::Csv, &Templates::default()).unwrap(),
            &s,
        );
    }
}
