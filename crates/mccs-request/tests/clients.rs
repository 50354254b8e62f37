//! The rendered requests in the real clients people open them with: a browser for the HTML
//! (headless Chromium: names whole on screen, tables intact, no page holding only the footer
//! when printed) and a spreadsheet for the CSV (LibreOffice Calc: non-ASCII names and columns
//! survive its import).
//!
//! Each test needs its client installed (Debian packages `chromium`, `poppler-utils`,
//! `libreoffice-calc-nogui`; `.ci/run` installs them when there is disk for them). Without it,
//! the test prints `SKIPPED: ...` on standard error and passes: never silently.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use mccs_model::Topology;
use mccs_request::{OutputFile, OutputFormat, RenderOptions, RequestSet, Templates, render_with};

/// Writes a line to the real standard error: unlike `eprintln!`, it is not captured by the
/// test harness, so a skip shows even when the test passes.
fn say(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// The first of `names` found on `PATH`.
fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    names
        .iter()
        .find_map(|n| dirs.iter().map(|d| d.join(n)).find(|p| p.is_file()))
}

/// The client, or a visible skip message naming the package to install.
fn client(names: &[&str], package: &str) -> Option<PathBuf> {
    let found = find(names);
    if found.is_none() {
        say(&format!(
            "SKIPPED: {} not found; install the Debian package {package}",
            names[0]
        ));
    }
    found
}

/// Runs `cmd` to its end or for at most `limit`, then kills it.
fn run(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "{cmd:?} took more than {limit:?}; stderr:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn version(binary: &Path) -> String {
    let out = run(
        Command::new(binary).arg("--version"),
        Duration::from_secs(120),
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn set(t: &Topology) -> RequestSet {
    let plan = mccs_path::plan(t, &t.flows, &mccs_path::PlanOptions::default());
    RequestSet::from_plan(t, &plan)
}

fn rendered(set: &RequestSet, format: OutputFormat) -> Vec<OutputFile> {
    render_with(
        set,
        format,
        &Templates::default(),
        &RenderOptions::default(),
    )
    .unwrap()
}

fn html(set: &RequestSet) -> String {
    rendered(set, OutputFormat::Html).remove(0).contents
}

/// Headless Chromium with a fresh profile, as CI can run it (as root, no sandbox, no network
/// services), on `page` with the extra `args`.
fn chromium(binary: &Path, profile: &Path, page: &Path, args: &[&str]) -> Output {
    let out = run(
        Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(args)
            .arg(format!("file://{}", page.display())),
        Duration::from_secs(120),
    );
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A script appended to a test copy of the page: for every name (`.name`), whether its text
/// lies on more than one line, as laid out by the browser; the result goes into attributes
/// of `<body>` that `--dump-dom` shows.
const MEASURE: &str = r"<script>
(function () {
  var broken = [];
  var names = document.querySelectorAll('.name');
  names.forEach(function (e) {
    var r = document.createRange();
    r.selectNodeContents(e);
    var tops = {};
    Array.prototype.forEach.call(r.getClientRects(), function (x) {
      if (x.width > 0) { tops[Math.round(x.top)] = 1; }
    });
    if (Object.keys(tops).length > 1) { broken.push(e.textContent); }
  });
  document.body.setAttribute('data-names', String(names.length));
  document.body.setAttribute('data-broken', broken.join(' | '));
})();
</script>
";

/// The value of attribute `name` on the `<body>` tag of a dumped DOM.
fn body_attribute<'a>(dom: &'a str, name: &str) -> &'a str {
    let body = &dom[dom.find("<body").expect("a <body> in the DOM")..];
    let body = &body[..body.find('>').unwrap()];
    let start = body
        .find(&format!("{name}=\""))
        .unwrap_or_else(|| panic!("no {name} on <body>: the measuring script did not run"))
        + name.len()
        + 2;
    &body[start..start + body[start..].find('"').unwrap()]
}

/// The reference topology's HTML request, loaded in Chromium in a narrow window: the DOM has
/// every table and every object and rule name as rendered, and no name is laid out over two
/// lines (no hyphenation, no break at `-` or `_`).
#[test]
fn chromium_keeps_tables_and_names_whole() {
    let Some(chromium_bin) = client(&["chromium", "chromium-browser"], "chromium") else {
        return;
    };
    say(&format!("using {}", version(&chromium_bin)));
    let set = set(&mccs_model::examples::reference());
    let page = html(&set);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("requests.html");
    std::fs::write(&file, page.replace("</body>", &format!("{MEASURE}</body>"))).unwrap();
    for width in ["800,1000", "1400,1000"] {
        let out = chromium(
            &chromium_bin,
            &dir.path().join(format!("profile-{width}")),
            &file,
            &[&format!("--window-size={width}"), "--dump-dom"],
        );
        let dom = String::from_utf8(out.stdout).unwrap();
        assert_eq!(
            dom.matches("<table").count(),
            page.matches("<table").count(),
            "tables lost in the DOM"
        );
        assert!(dom.contains("<th>Protocol</th><th>Port</th>"));
        for r in &set.requests {
            for o in &r.objects {
                assert!(
                    dom.contains(&format!("<td class=\"name\">{}</td>", o.name)),
                    "object {} not whole in the DOM",
                    o.name
                );
            }
            for t in &r.traffic {
                for a in &t.apply_on {
                    for line in &a.lines {
                        assert!(
                            dom.contains(&format!(
                                "<td class=\"num\">{}</td><td class=\"name\">{}</td>",
                                line.number, t.rule
                            )),
                            "line {} of {} not in the DOM",
                            line.number,
                            t.rule
                        );
                    }
                }
            }
        }
        let names: usize = body_attribute(&dom, "data-names").parse().unwrap();
        assert!(names > 50, "only {names} names measured");
        assert_eq!(
            body_attribute(&dom, "data-broken"),
            "",
            "names laid out over two lines at window size {width}"
        );
    }
}

/// The text of page `page` of `pdf`.
fn page_text(pdftotext: &Path, pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    let out = run(
        Command::new(pdftotext)
            .args(["-f", &n, "-l", &n, "-enc", "UTF-8"])
            .arg(pdf)
            .arg("-"),
        Duration::from_secs(60),
    );
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn page_count(pdfinfo: &Path, pdf: &Path) -> usize {
    let out = run(Command::new(pdfinfo).arg(pdf), Duration::from_secs(60));
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .expect("pdfinfo prints Pages:")
        .trim()
        .parse()
        .unwrap()
}

/// Every example topology's HTML request printed to PDF by Chromium, with page boxes of
/// several heights (a bottom margin added to the page's print stylesheet moves every page
/// break): the last page always holds more than the footer, and each request starts a page.
#[test]
fn chromium_print_has_no_footer_only_page() {
    let Some(chromium_bin) = client(&["chromium", "chromium-browser"], "chromium") else {
        return;
    };
    let (Some(pdfinfo), Some(pdftotext)) = (
        client(&["pdfinfo"], "poppler-utils"),
        client(&["pdftotext"], "poppler-utils"),
    ) else {
        return;
    };
    say(&format!("using {}", version(&chromium_bin)));
    let dir = tempfile::tempdir().unwrap();
    let footer_start = "Generated by mccs";
    let mut printed = 0;
    for (name, t) in [
        ("reference", mccs_model::examples::reference()),
        ("cross-cloud", mccs_model::examples::cross_cloud()),
        ("lza-data-subnet", mccs_model::examples::lza_data_subnet()),
    ] {
        let set = set(&t);
        let page = html(&set);
        assert!(page.contains(&format!("<footer>{footer_start}")));
        for bottom in [12, 31, 58] {
            let stem = format!("{name}-{bottom}");
            let file = dir.path().join(format!("{stem}.html"));
            let pdf = dir.path().join(format!("{stem}.pdf"));
            std::fs::write(
                &file,
                page.replace(
                    "</head>",
                    &format!(
                        "<style>@media print {{ @page {{ margin: 12mm 12mm {bottom}mm; }} }}</style></head>"
                    ),
                ),
            )
            .unwrap();
            chromium(
                &chromium_bin,
                &dir.path().join("profile"),
                &file,
                &[
                    "--no-pdf-header-footer",
                    &format!("--print-to-pdf={}", pdf.display()),
                ],
            );
            let pages = page_count(&pdfinfo, &pdf);
            assert!(
                pages > set.requests.len(),
                "{stem}: {pages} pages for {} requests",
                set.requests.len()
            );
            let last = page_text(&pdftotext, &pdf, pages);
            let before_footer = last.split(footer_start).next().unwrap_or_default().trim();
            assert!(
                last.contains(footer_start),
                "{stem}: the footer is not on the last page"
            );
            assert!(
                !before_footer.is_empty(),
                "{stem}: page {pages} holds only the footer"
            );
            // Each request starts a page of its own.
            for (i, r) in set.requests.iter().enumerate() {
                let heading = format!("Request {} of {}: {}", i + 1, set.requests.len(), r.title);
                let starts = (1..=pages).any(|p| {
                    page_text(&pdftotext, &pdf, p)
                        .trim_start()
                        .starts_with(&heading)
                });
                assert!(starts, "{stem}: `{heading}` does not start a page");
            }
            printed += 1;
        }
    }
    assert_eq!(printed, 9);
}

/// LibreOffice converts a CSV file, read with the import options in `infilter` (`None`: its
/// default import), to UTF-8 CSV: the rows it read.
fn libreoffice_round_trip(
    soffice: &Path,
    dir: &Path,
    csv: &OutputFile,
    infilter: Option<&str>,
    label: &str,
) -> Vec<Vec<String>> {
    let input = dir.join(format!("{label}-{}", csv.path));
    std::fs::write(&input, &csv.contents).unwrap();
    let out_dir = dir.join(format!("out-{label}"));
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut cmd = Command::new(soffice);
    cmd.args(["--headless", "--norestore", "--nologo"])
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.join("profile").display()
        ))
        .env("HOME", dir);
    if let Some(f) = infilter {
        cmd.arg(format!("--infilter={f}"));
    }
    cmd.args([
        "--convert-to",
        "csv:Text - txt - csv (StarCalc):44,34,76",
        "--outdir",
    ])
    .arg(&out_dir)
    .arg(&input);
    let out = run(&mut cmd, Duration::from_secs(300));
    let converted = out_dir.join(input.file_name().unwrap());
    let text = std::fs::read(&converted).unwrap_or_else(|e| {
        panic!(
            "LibreOffice wrote no {}: {e}; stderr:\n{}",
            converted.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_slice())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// The CSV of a request set whose justification has an en dash, accented letters and a comma,
/// read by LibreOffice Calc. As UTF-8 (what the byte order mark declares), the name comes back
/// intact, the mark does not end up in the first header, and every row has the header's
/// columns. With LibreOffice's default import (no options), the columns still split right;
/// whether that import honours the mark is reported, not required (LibreOffice 7.4 reads it
/// as Windows-1252 whatever the mark; Excel and the Text Import dialog are the clients the mark
/// is for).
#[test]
fn libreoffice_reads_the_csv_names_and_columns() {
    let Some(soffice) = client(
        &["soffice", "libreoffice"],
        "libreoffice-calc-nogui (or libreoffice-calc)",
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    say(&format!(
        "using {}",
        version(&soffice).lines().next().unwrap_or_default()
    ));
    let name = "Formulaires – Québec, Montréal: accès à la base Œuvre";
    let mut t = mccs_model::examples::reference();
    for f in &mut t.flows {
        if f.name.as_str() == "citz-forms-to-oracle" {
            f.justification = Some(name.to_owned());
        }
    }
    let set = set(&t);
    let files = rendered(&set, OutputFormat::Csv);
    let summary = files.iter().find(|f| f.path == "summary.csv").unwrap();
    let traffic = files
        .iter()
        .find(|f| f.path == "on-prem-firewall-request.traffic.csv")
        .unwrap();
    assert!(summary.contents.starts_with('\u{feff}'));
    let expected_rows = |f: &OutputFile| -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(f.contents.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    };
    for file in [summary, traffic] {
        let expected = expected_rows(file);
        assert!(expected[0][0] == "Flow" || expected[0][0] == "#");
        let column = expected[0]
            .iter()
            .position(|h| h == "Justification")
            .unwrap();

        // Read as UTF-8: everything comes back as written.
        let rows = libreoffice_round_trip(
            &soffice,
            dir.path(),
            file,
            Some("Text - txt - csv (StarCalc):44,34,76"),
            "utf8",
        );
        assert_eq!(
            rows[0], expected[0],
            "{}: header changed (a stray byte order mark?)",
            file.path
        );
        assert_eq!(rows.len(), expected.len(), "{}: rows", file.path);
        for (got, want) in rows.iter().zip(&expected) {
            assert_eq!(got.len(), want.len(), "{}: columns of {got:?}", file.path);
        }
        assert!(
            rows.iter().any(|r| r[column] == name),
            "{}: `{name}` did not come back intact: {rows:?}",
            file.path
        );

        // LibreOffice's default import: the columns split right in any case.
        let rows = libreoffice_round_trip(&soffice, dir.path(), file, None, "default");
        assert_eq!(rows.len(), expected.len(), "{}: rows", file.path);
        for (got, want) in rows.iter().zip(&expected) {
            assert_eq!(got.len(), want.len(), "{}: columns of {got:?}", file.path);
        }
        let intact = rows.iter().any(|r| r[column] == name);
        say(&format!(
            "NOTE: {}: LibreOffice's default headless import {} the name (header cell: {:?})",
            file.path,
            if intact {
                "kept"
            } else {
                "did not keep (it ignores the byte order mark)"
            },
            rows[0][0]
        ));
    }
}

/// The path pictures, parsed by Chromium as SVG (XML: a `parsererror` if not well-formed) and
/// laid out: one box per hop, and every name and verdict fits inside its box.
#[test]
fn chromium_draws_the_path_pictures_with_every_label_inside_its_box() {
    let Some(chromium_bin) = client(&["chromium", "chromium-browser"], "chromium") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // A long name of the widest letters must be cut to fit, not spill out of its box.
    let wide = mccs_model::examples::REFERENCE_YAML
        .replace("citz-oracle-db", "WWWWMMMMWWWWMMMMWWWWMMMMWWWWMMMM_DB");
    let wide = mccs_model::check(&wide, mccs_model::Format::Yaml, &Default::default()).topology;
    for (name, t) in [
        ("reference", mccs_model::examples::reference()),
        ("cross-cloud", mccs_model::examples::cross_cloud()),
        ("wide-names", wide),
    ] {
        let g = mccs_path::NetworkGraph::build(&t);
        let flow = &g.directed_flows(&t.flows[0]).unwrap()[0];
        let trace = g.trace(flow, &mccs_path::TraceOptions::default());
        let hops: usize = trace.paths.iter().map(|p| p.hops.len()).sum();
        let svg = mccs_request::trace_svg(&trace);
        let page = format!(
            r"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><script>
(function () {{
  var p = new DOMParser().parseFromString({}, 'image/svg+xml');
  var errors = p.getElementsByTagName('parsererror').length;
  var svg = document.importNode(p.documentElement, true);
  document.body.appendChild(svg);
  var overflow = [];
  svg.querySelectorAll('g').forEach(function (g) {{
    var r = g.querySelector('rect');
    if (!r) {{ return; }}
    var rb = r.getBBox();
    g.querySelectorAll('text').forEach(function (t) {{
      var b = t.getBBox();
      if (b.x < rb.x - 1 || b.x + b.width > rb.x + rb.width + 1) {{ overflow.push(t.textContent); }}
    }});
  }});
  document.body.setAttribute('data-errors', String(errors));
  document.body.setAttribute('data-rects', String(svg.querySelectorAll('rect').length));
  document.body.setAttribute('data-overflow', overflow.join(' | '));
}})();
</script></body></html>",
            serde_json::to_string(&svg).unwrap()
        );
        let file = dir.path().join(format!("{name}.html"));
        std::fs::write(&file, page).unwrap();
        let out = chromium(
            &chromium_bin,
            &dir.path().join(format!("profile-{name}")),
            &file,
            &["--window-size=1600,600", "--dump-dom"],
        );
        let dom = String::from_utf8(out.stdout).unwrap();
        assert_eq!(
            body_attribute(&dom, "data-errors"),
            "0",
            "{name}: not well-formed"
        );
        assert_eq!(
            body_attribute(&dom, "data-rects").parse::<usize>().unwrap(),
            hops,
            "{name}: one box per hop"
        );
        assert_eq!(
            body_attribute(&dom, "data-overflow"),
            "",
            "{name}: text outside its box"
        );
    }
}

/// The HTML request with its pictures (as `mccs plan --format html` builds it), loaded in
/// Chromium: one inline `<svg>` per flow and direction, each well-formed XML (its markup
/// parsed again as `image/svg+xml` has no `parsererror`), one box per hop, every label inside
/// its box; and hostile text in every free-text field adds no element to the page.
#[test]
fn chromium_shows_every_flows_picture_in_the_html_request() {
    let Some(chromium_bin) = client(&["chromium", "chromium-browser"], "chromium") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let hostile = "</svg><script>alert(1)</script><svg onload=alert(2)>";
    let mut unsafe_text = mccs_model::examples::reference();
    for f in &mut unsafe_text.flows {
        f.justification = Some(hostile.to_owned());
        f.requester = Some(hostile.to_owned());
    }
    for fw in &mut unsafe_text.firewalls {
        fw.owner = hostile.to_owned();
    }
    for (name, t) in [
        ("reference", mccs_model::examples::reference()),
        ("cross-cloud", mccs_model::examples::cross_cloud()),
        ("hostile", unsafe_text),
    ] {
        let plan = mccs_path::plan(
            &t,
            &t.flows,
            &mccs_path::PlanOptions::default().with_hops(false),
        );
        let options = mccs_request::BuildOptions::default()
            .with_pictures(mccs_request::PictureOptions::default());
        let set = RequestSet::from_plan_with(&t, &plan, &options);
        let pictures: usize = set.summary.flows.iter().map(|f| f.pictures().len()).sum();
        let hops: usize = plan
            .flows
            .iter()
            .flat_map(|f| &f.directions)
            .map(|d| {
                (0..d.trace.paths.len())
                    .map(|i| d.path_nodes(i).count())
                    .sum::<usize>()
            })
            .sum();
        assert!(pictures > 0);
        let page = html(&set).replace(
            "</body>",
            r"<script>
(function () {
  var svgs = document.querySelectorAll('section.pictures svg');
  var errors = 0, rects = 0, overflow = [];
  svgs.forEach(function (svg) {
    var xml = new XMLSerializer().serializeToString(svg);
    var p = new DOMParser().parseFromString(xml, 'image/svg+xml');
    errors += p.getElementsByTagName('parsererror').length;
    rects += svg.querySelectorAll('rect').length;
    svg.querySelectorAll('g').forEach(function (g) {
      var r = g.querySelector('rect');
      if (!r) { return; }
      var rb = r.getBBox();
      g.querySelectorAll('text').forEach(function (t) {
        var b = t.getBBox();
        if (b.x < rb.x - 1 || b.x + b.width > rb.x + rb.width + 1) { overflow.push(t.textContent); }
      });
    });
  });
  document.body.setAttribute('data-svgs', String(document.querySelectorAll('svg').length));
  document.body.setAttribute('data-pictures', String(svgs.length));
  document.body.setAttribute('data-errors', String(errors));
  document.body.setAttribute('data-rects', String(rects));
  document.body.setAttribute('data-overflow', overflow.join(' | '));
  document.body.setAttribute('data-scripts', String(document.querySelectorAll('script').length));
  document.body.setAttribute('data-onload', String(document.querySelectorAll('[onload]').length));
})();
</script></body>",
        );
        let file = dir.path().join(format!("{name}.html"));
        std::fs::write(&file, page).unwrap();
        let out = chromium(
            &chromium_bin,
            &dir.path().join(format!("profile-{name}")),
            &file,
            &["--window-size=1400,1000", "--dump-dom"],
        );
        let dom = String::from_utf8(out.stdout).unwrap();
        let number = |attr: &str| body_attribute(&dom, attr).parse::<usize>().unwrap();
        assert_eq!(
            number("data-pictures"),
            pictures,
            "{name}: a picture missing"
        );
        assert_eq!(
            number("data-svgs"),
            pictures,
            "{name}: an svg outside the pictures"
        );
        assert_eq!(number("data-errors"), 0, "{name}: not well-formed");
        assert_eq!(number("data-rects"), hops, "{name}: one box per hop");
        assert_eq!(
            body_attribute(&dom, "data-overflow"),
            "",
            "{name}: text outside its box"
        );
        assert_eq!(
            number("data-scripts"),
            1,
            "{name}: a script besides the test's"
        );
        assert_eq!(number("data-onload"), 0, "{name}: an element with onload");
    }
}

/// The removal requests (retiring def456-prod of the reference topology) in the same clients:
/// Chromium keeps every table and every rule to remove, marked `remove`; LibreOffice reads the
/// Object Table and Traffic Table, with their `delete` / `remove` cells, as written.
#[test]
fn removal_requests_open_in_chromium_and_libreoffice() {
    let removal = mccs_request::Removal::RetireEnvironment("def456-prod".parse().unwrap());
    let set = RequestSet::for_removal(
        &mccs_model::examples::reference(),
        &removal,
        &mccs_request::BuildOptions::default(),
    )
    .unwrap();
    let rules: Vec<&str> = set
        .requests
        .iter()
        .flat_map(|r| &r.traffic)
        .map(|t| &*t.rule)
        .collect();
    assert_eq!(rules.len(), 3, "{rules:?}");
    if let Some(chromium_bin) = client(&["chromium", "chromium-browser"], "chromium") {
        let page = html(&set);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("removal.html");
        std::fs::write(&file, &page).unwrap();
        let out = chromium(
            &chromium_bin,
            &dir.path().join("profile"),
            &file,
            &["--window-size=1000,1000", "--dump-dom"],
        );
        let dom = String::from_utf8(out.stdout).unwrap();
        assert_eq!(
            dom.matches("<table").count(),
            page.matches("<table").count(),
            "tables lost in the DOM"
        );
        assert!(dom.contains("<h1>Firewall removal requests</h1>"));
        for rule in &rules {
            assert!(
                dom.contains(&format!("<td class=\"name\">{rule}</td>")),
                "{rule} not whole in the DOM"
            );
        }
        assert_eq!(dom.matches("<strong>remove</strong>").count(), 3);
    }
    let Some(soffice) = client(
        &["soffice", "libreoffice"],
        "libreoffice-calc-nogui (or libreoffice-calc)",
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let files = rendered(&set, OutputFormat::Csv);
    for f in files
        .iter()
        .filter(|f| f.path.starts_with("on-prem-firewall-request."))
    {
        let expected: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(f.contents.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        let rows = libreoffice_round_trip(
            &soffice,
            dir.path(),
            f,
            Some("Text - txt - csv (StarCalc):44,34,76"),
            "removal",
        );
        assert_eq!(rows.len(), expected.len(), "{}: rows", f.path);
        assert_eq!(rows[0], expected[0], "{}: header", f.path);
        let column = |name: &str| expected[0].iter().position(|h| h == name);
        for (got, want) in rows.iter().zip(&expected) {
            assert_eq!(got.len(), want.len(), "{}: columns of {got:?}", f.path);
            for name in ["Status", "Action", "Rule name", "Object name"] {
                if let Some(c) = column(name) {
                    assert_eq!(got[c], want[c], "{}: {name}", f.path);
                }
            }
        }
    }
}
