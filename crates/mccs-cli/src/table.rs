//! One table of findings, written as Markdown, CSV or a standalone HTML page: the report
//! formats of `mccs rules`, `mccs reach` and `mccs diff`. Every cell is escaped for its format
//! with `mccs_request::escape` (the same rules as the requests: no Markdown or HTML markup and
//! no spreadsheet formula can come from the document).

use mccs_request::escape;

/// A titled table: a heading, a line under it, the column names and the rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Table {
    /// The heading (`Rules that do nothing in reference.yaml`).
    pub(crate) title: String,
    /// A sentence under the heading (a summary); left out when empty.
    pub(crate) lead: String,
    /// The column names.
    pub(crate) headers: Vec<&'static str>,
    /// The rows, each as long as `headers`.
    pub(crate) rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with `headers` and no rows yet.
    pub(crate) fn new(title: impl Into<String>, headers: Vec<&'static str>) -> Self {
        Self {
            title: title.into(),
            lead: String::new(),
            headers,
            rows: Vec::new(),
        }
    }

    /// Appends a row (cut or padded to the number of columns).
    pub(crate) fn push(&mut self, cells: Vec<String>) {
        let mut cells = cells;
        cells.resize(self.headers.len(), String::new());
        self.rows.push(cells);
    }

    /// `# title`, the lead, then a pipe table (`(none)` as one row when there are no rows).
    pub(crate) fn markdown(&self) -> String {
        let mut out = format!("# {}\n\n", escape::markdown(&self.title));
        if !self.lead.is_empty() {
            out.push_str(&escape::markdown(&self.lead));
            out.push_str("\n\n");
        }
        let line = |cells: &mut dyn Iterator<Item = String>| {
            let cells: Vec<String> = cells.collect();
            format!("| {} |\n", cells.join(" | "))
        };
        out.push_str(&line(&mut self.headers.iter().map(|h| (*h).to_owned())));
        out.push_str(&line(&mut self.headers.iter().map(|_| "---".to_owned())));
        for row in &self.rows {
            out.push_str(&line(&mut row.iter().map(|c| escape::markdown(c))));
        }
        out
    }

    /// The column names, then one record per row; no title (a spreadsheet reads it as data).
    pub(crate) fn csv(&self) -> std::io::Result<Vec<u8>> {
        let io = |e: csv::Error| std::io::Error::other(e.to_string());
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.headers).map_err(io)?;
        for row in &self.rows {
            w.write_record(row.iter().map(|c| escape::csv(c).into_owned()))
                .map_err(io)?;
        }
        w.into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))
    }

    /// A standalone page: the title, the lead and the table, every cell HTML-escaped.
    pub(crate) fn html(&self) -> String {
        let title = escape::html(&self.title);
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<style>\n  body {{ font-family: system-ui, sans-serif; margin: 2rem; }}\n  table {{ border-collapse: collapse; }}\n  th, td {{ border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; }}\n  th {{ background: #f3f3f3; }}\n</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
        );
        if !self.lead.is_empty() {
            out.push_str(&format!("<p>{}</p>\n", escape::html(&self.lead)));
        }
        out.push_str("<table>\n<thead>\n<tr>");
        for h in &self.headers {
            out.push_str(&format!("<th>{}</th>", escape::html(h)));
        }
        out.push_str("</tr>\n</thead>\n<tbody>\n");
        for row in &self.rows {
            out.push_str("<tr>");
            for c in row {
                out.push_str(&format!("<td>{}</td>", escape::html(c)));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</body>\n</html>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Table;

    fn hostile() -> Table {
        let mut t = Table::new("<b>x</b>", vec!["a", "b"]);
        t.lead = "1. | lead".into();
        t.push(vec!["=cmd|' /C calc'!A0".into(), "<script>|\n# h".into()]);
        t.push(vec!["only one".into()]);
        t
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        let md = hostile().markdown();
        assert_eq!(
            md,
            "# &lt;b&gt;x&lt;/b&gt;\n\n1\\. \\| lead\n\n| a | b |\n| --- | --- |\n| \\=cmd\\|' /C calc'!A0 | &lt;script&gt;\\|<br># h |\n| only one |  |\n"
        );
    }

    #[test]
    fn csv_cells_are_not_formulas() {
        let csv = String::from_utf8(hostile().csv().unwrap()).unwrap();
        assert!(csv.starts_with("a,b\n"), "{csv}");
        assert!(csv.contains("\n'=cmd|' /C calc'!A0,"), "{csv}");
        assert!(csv.ends_with("only one,\n"), "{csv}");
    }

    #[test]
    fn html_cells_are_text() {
        let html = hostile().html();
        assert!(!html.contains("<script>"));
        assert!(html.contains("<td>&lt;script&gt;|\n# h</td>"), "{html}");
        assert!(html.contains("<title>&lt;b&gt;x&lt;&#x2f;b&gt;</title>"));
    }
}
