//! `mccs rules`, `mccs reach` and `mccs diff` write their findings as Markdown, CSV and HTML
//! tables too: every finding of the JSON is a row, and the same input gives the same bytes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail the test by panicking

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("mccs")
        .unwrap()
        .current_dir(examples())
        .args(["--color", "never"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

const DIFF: [&str; 3] = [
    "diff",
    "../crates/mccs-cli/tests/data/diff-old.yaml",
    "../crates/mccs-cli/tests/data/diff-new.yaml",
];

/// Each command, and how many rows its JSON holds.
fn commands() -> Vec<(Vec<&'static str>, usize)> {
    let json_rows = |args: &[&'static str]| -> usize {
        let mut a = args.to_vec();
        a.extend(["--format", "json"]);
        let (code, out) = run(&a);
        assert_eq!(code, 0, "{a:?}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        match v {
            serde_json::Value::Array(items) => items.len(),
            // A diff: rule changes, verdict changes (a flow without a firewall's: one row), requests.
            other => {
                let rules: usize = other["rulebases"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["rules"].as_array().unwrap().len())
                    .sum();
                let verdicts: usize = other["flows"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f["firewalls"].as_array().unwrap().len().max(1))
                    .sum();
                rules + verdicts + other["requests"].as_array().unwrap().len()
            }
        }
    };
    let rules = vec!["rules", "-t", "reference.yaml"];
    let reach = vec![
        "reach",
        "-t",
        "reference.yaml",
        "--to",
        "hlth-claims-api",
        "--port",
        "443",
    ];
    let diff = DIFF.to_vec();
    vec![
        (rules.clone(), json_rows(&rules)),
        (reach.clone(), json_rows(&reach)),
        (diff.clone(), json_rows(&diff)),
    ]
}

#[test]
fn every_finding_is_a_row_in_every_table_format() {
    for (args, rows) in commands() {
        assert!(rows > 0, "{args:?}: nothing to compare");
        let with = |format: &'static str| {
            let mut a = args.clone();
            a.extend(["--format", format]);
            let (code, out) = run(&a);
            assert_eq!(code, 0, "{a:?}");
            // Deterministic: the same bytes twice.
            assert_eq!(run(&a).1, out, "{a:?}");
            out
        };
        let md = with("markdown");
        assert!(md.starts_with("# "), "{md}");
        let table_lines = md.lines().filter(|l| l.starts_with("| ")).count();
        if args[0] == "diff" {
            // The diff's Markdown is its own: a table per kind of change, each with a header.
            assert!(table_lines >= rows + 2, "{args:?}\n{md}");
        } else {
            assert_eq!(
                table_lines,
                rows + 2,
                "{args:?}: header, rule and a line per row\n{md}"
            );
        }

        let csv = with("csv");
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), rows, "{args:?}\n{csv}");
        let width = reader.headers().unwrap().len();
        assert!(records.iter().all(|r| r.len() == width), "{csv}");

        let html = with("html");
        assert!(html.starts_with("<!DOCTYPE html>\n"), "{html}");
        assert!(html.ends_with("</html>\n"), "{html}");
        assert_eq!(html.matches("<tr>").count(), rows + 1, "{args:?}\n{html}");
        assert_eq!(html.matches("<tr>").count(), html.matches("</tr>").count());
    }
}

#[test]
fn the_diff_csv_is_the_table_it_was() {
    let mut a = DIFF.to_vec();
    a.extend(["--format", "csv"]);
    let (_, csv) = run(&a);
    let expected = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expected/diff_reordered.csv"),
    )
    .unwrap();
    assert_eq!(csv, expected);
}

/// The HTML tables in headless Chromium (Debian package `chromium`; skipped, loudly, without
/// it): the page parses to one table whose body has a row per finding, and the page's only
/// script is the one the test adds.
#[test]
fn chromium_reads_every_row_of_the_html_tables() {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let Some(chromium) = ["chromium", "chromium-browser"].iter().find_map(|n| {
        std::env::split_paths(&path)
            .map(|d| d.join(n))
            .find(|p| p.is_file())
    }) else {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: chromium not found; install the Debian package chromium"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (args, rows) in commands() {
        let mut a = args.clone();
        a.extend(["--format", "html"]);
        let (_, html) = run(&a);
        let page = html.replace(
            "</body>",
            "<script>document.body.setAttribute('data-rows', \
             String(document.querySelectorAll('table tbody tr').length)); \
             document.body.setAttribute('data-scripts', \
             String(document.querySelectorAll('script').length));</script>\n</body>",
        );
        let file = dir.path().join(format!("{}.html", args[0]));
        std::fs::write(&file, page).unwrap();
        let out = std::process::Command::new("timeout")
            .arg("120")
            .arg(&chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-dev-shm-usage",
            ])
            .arg(format!(
                "--user-data-dir={}",
                dir.path().join("profile").display()
            ))
            .arg("--dump-dom")
            .arg(format!("file://{}", file.display()))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let dom = String::from_utf8(out.stdout).unwrap();
        assert!(
            dom.contains(&format!("data-rows=\"{rows}\"")),
            "{args:?}: {rows} rows expected\n{dom}"
        );
        assert!(dom.contains("data-scripts=\"1\""), "{args:?}\n{dom}");
    }
}
