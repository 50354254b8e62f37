//! CSV tables: `summary.csv`, and per request its Object Table and Traffic Table.
//!
//! Every cell goes through [`escape::csv`] (no cell can start a spreadsheet formula); the csv
//! writer quotes separators, quotes and line breaks. Lists in one cell are joined with `; `.
//! Every file starts with a UTF-8 byte order mark unless the caller turns it off.

use crate::build::roles_text;
use crate::error::RenderError;
use crate::escape;
use crate::model::RequestSet;
use crate::output::file_stem;

use std::fmt::Write as _;

/// One CSV file being written into `W`: cells go straight into the csv writer (escaped with
/// [`escape::csv`]), joined lists through one reused buffer, so a row costs no allocation
/// per cell.
struct Table<W: std::io::Write> {
    file: String,
    w: csv::Writer<W>,
    /// Scratch space for joined and formatted cells.
    buf: String,
}

impl<W: std::io::Write> Table<W> {
    fn new(file: &str, header: &[&str], bom: bool, mut out: W) -> Result<Self, RenderError> {
        if bom {
            let mut mark = [0; 4];
            out.write_all(
                crate::output::BYTE_ORDER_MARK
                    .encode_utf8(&mut mark)
                    .as_bytes(),
            )
            .map_err(|source| RenderError::Write {
                file: file.to_owned(),
                source,
            })?;
        }
        let mut t = Self {
            file: file.to_owned(),
            w: csv::WriterBuilder::new().from_writer(out),
            buf: String::new(),
        };
        for h in header {
            t.cell(h)?;
        }
        t.end_row()?;
        Ok(t)
    }

    fn err(&self, source: csv::Error) -> RenderError {
        if !source.is_io_error() {
            return RenderError::Csv {
                file: self.file.clone(),
                reason: source.to_string(),
            };
        }
        match source.into_kind() {
            csv::ErrorKind::Io(source) => RenderError::Write {
                file: self.file.clone(),
                source,
            },
            other => RenderError::Csv {
                file: self.file.clone(),
                reason: format!("{other:?}"),
            },
        }
    }

    fn cell(&mut self, value: &str) -> Result<(), RenderError> {
        self.w
            .write_field(escape::csv(value).as_bytes())
            .map_err(|e| self.err(e))
    }

    /// The cell made in the scratch buffer by `fill`.
    fn cell_with(&mut self, fill: impl FnOnce(&mut String)) -> Result<(), RenderError> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        fill(&mut buf);
        let done = self.cell(&buf);
        self.buf = buf;
        done
    }

    /// `items` joined with `; `.
    fn joined<S: AsRef<str>>(&mut self, items: &[S]) -> Result<(), RenderError> {
        self.cell_with(|buf| join_into(buf, items))
    }

    fn end_row(&mut self) -> Result<(), RenderError> {
        self.w
            .write_record(std::iter::empty::<&[u8]>())
            .map_err(|e| self.err(e))
    }

    /// Flushes what the csv writer still holds into `W`.
    fn finish(mut self) -> Result<(), RenderError> {
        self.w.flush().map_err(|source| RenderError::Write {
            file: self.file.clone(),
            source,
        })
    }
}

/// Appends `items` joined with `; `.
fn join_into<S: AsRef<str>>(buf: &mut String, items: &[S]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            buf.push_str("; ");
        }
        buf.push_str(item.as_ref());
    }
}

/// Appends `abc123-prod: subscription 0f3c..., canadacentral` per cloud end, joined with `; `.
fn cloud_ends_into(buf: &mut String, ends: &[crate::CloudEnd]) {
    for (i, c) in ends.iter().enumerate() {
        if i > 0 {
            buf.push_str("; ");
        }
        let what = match c.platform {
            mccs_model::Platform::AzureAlz => "subscription",
            mccs_model::Platform::AwsLza => "account",
        };
        // Writing to a String cannot fail.
        let _ = write!(buf, "{}: {what} {}, {}", c.environment, c.account, c.region);
    }
}

/// The number of columns of `summary.csv`.
const SUMMARY_COLUMNS: usize = 12;

/// One CSV file of a request set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// `summary.csv`: one row per flow and direction.
    Summary,
    /// The Object Table of the request at this index.
    Objects(usize),
    /// The Traffic Table of the request at this index.
    Traffic(usize),
}

/// The CSV files of `set`, named and in order: `summary.csv`, then each request's Object
/// Table and Traffic Table. One pass over the requests' ids.
pub(crate) fn parts(set: &RequestSet) -> Vec<(String, Part)> {
    let mut parts = Vec::with_capacity(1 + 2 * set.requests.len());
    parts.push(("summary.csv".to_owned(), Part::Summary));
    let mut taken = Vec::new();
    for (i, r) in set.requests.iter().enumerate() {
        let stem = file_stem(&r.id, &mut taken);
        parts.push((format!("{stem}.objects.csv"), Part::Objects(i)));
        parts.push((format!("{stem}.traffic.csv"), Part::Traffic(i)));
    }
    parts
}

/// Writes the CSV file `part` of `set`, named `file` (for errors), into `out`.
pub(crate) fn write(
    set: &RequestSet,
    part: Part,
    file: &str,
    bom: bool,
    out: &mut dyn std::io::Write,
) -> Result<(), RenderError> {
    match part {
        Part::Summary => summary(set, file, bom, out),
        Part::Objects(i) => set
            .requests
            .get(i)
            .map_or(Ok(()), |r| objects(set, r, file, bom, out)),
        Part::Traffic(i) => set
            .requests
            .get(i)
            .map_or(Ok(()), |r| traffic(r, file, bom, out)),
    }
}

fn summary(
    set: &RequestSet,
    file: &str,
    bom: bool,
    out: &mut dyn std::io::Write,
) -> Result<(), RenderError> {
    let mut summary = Table::new(
        file,
        &[
            "Flow",
            "Direction",
            "Status",
            "Source",
            "Destination",
            "Services",
            "Details",
            "Justification",
            "Requester",
            "Expires",
            "Change window",
            "Cloud ends",
        ],
        bom,
        out,
    )?;
    // The columns after Justification, the same on every row of a flow.
    let meta = |t: &mut Table<&mut dyn std::io::Write>,
                f: &crate::FlowSummary|
     -> Result<(), RenderError> {
        t.cell(f.requester.as_deref().unwrap_or_default())?;
        t.cell_with(|buf| {
            if let Some(d) = f.expires {
                let _ = write!(buf, "{d}");
            }
        })?;
        t.cell(f.change_window.as_deref().unwrap_or_default())?;
        t.cell_with(|buf| cloud_ends_into(buf, &f.cloud_ends))?;
        t.end_row()
    };
    // A banner (such as "example topology") is the first row, in the first column, so it is
    // the first thing seen in a spreadsheet and the header stays the header.
    if let Some(banner) = &set.banner {
        summary.cell(banner)?;
        for _ in 1..SUMMARY_COLUMNS {
            summary.cell("")?;
        }
        summary.end_row()?;
    }
    // A set of removal requests says what it removes on the next row, the same way.
    if let Some(removal) = &set.removal {
        summary.cell_with(|buf| {
            let _ = write!(
                buf,
                "Removal: {} ({} rule{} to remove, {} object{} to delete)",
                removal.what,
                removal.rules_to_remove,
                if removal.rules_to_remove == 1 {
                    ""
                } else {
                    "s"
                },
                removal.objects_to_delete,
                if removal.objects_to_delete == 1 {
                    ""
                } else {
                    "s"
                },
            );
        })?;
        for _ in 1..SUMMARY_COLUMNS {
            summary.cell("")?;
        }
        summary.end_row()?;
        for n in &set.notes {
            summary.cell(&n.text)?;
            for _ in 1..SUMMARY_COLUMNS {
                summary.cell("")?;
            }
            summary.end_row()?;
        }
    }
    for f in &set.summary.flows {
        let justification = f.justification.as_deref().unwrap_or_default();
        if f.directions.is_empty() {
            summary.cell(&f.flow)?;
            summary.cell("")?;
            summary.cell(f.status.label())?;
            summary.cell("")?;
            summary.cell("")?;
            summary.cell("")?;
            summary.cell_with(|buf| {
                for (i, p) in f.problems.iter().enumerate() {
                    if i > 0 {
                        buf.push_str("; ");
                    }
                    buf.push_str("blocked: ");
                    buf.push_str(&p.message);
                }
            })?;
            summary.cell(justification)?;
            meta(&mut summary, f)?;
            continue;
        }
        for d in &f.directions {
            summary.cell(&f.flow)?;
            summary.cell_with(|buf| {
                let _ = write!(buf, "{}", d.direction);
            })?;
            summary.cell(d.status.label())?;
            summary.cell(&d.source)?;
            summary.cell(&d.destination)?;
            summary.joined(&d.services)?;
            summary.cell_with(|buf| {
                if d.status != f.status {
                    buf.push_str("flow: ");
                    buf.push_str(f.status.label());
                    if !d.details.is_empty() {
                        buf.push_str("; ");
                    }
                }
                join_into(buf, &d.details);
            })?;
            summary.cell(justification)?;
            meta(&mut summary, f)?;
        }
    }
    summary.finish()
}

fn objects(
    set: &RequestSet,
    r: &crate::Request,
    file: &str,
    bom: bool,
    out: &mut dyn std::io::Write,
) -> Result<(), RenderError> {
    let mut object_header = vec![
        "Object name",
        "Type",
        "Addresses",
        "Status",
        "Published by",
        "Stands for",
        "Used by",
    ];
    // A removal request says why an object is kept: the rules and groups that stay.
    if set.removal.is_some() {
        object_header.push("Still used by");
    }
    let mut objects = Table::new(file, &object_header, bom, out)?;
    for o in &r.objects {
        objects.cell(&o.name)?;
        objects.cell(&o.type_name)?;
        objects.joined(&o.addresses)?;
        objects.cell(match o.status {
            crate::ObjectStatus::Create => "create",
            crate::ObjectStatus::Existing => "existing",
            crate::ObjectStatus::Published => "published",
            crate::ObjectStatus::Delete => "delete",
            crate::ObjectStatus::Keep => "keep",
        })?;
        objects.cell(o.published_by.as_deref().unwrap_or_default())?;
        objects.cell(&o.stands_for)?;
        objects.joined(&o.used_by)?;
        if set.removal.is_some() {
            objects.joined(&o.still_used_by)?;
        }
        objects.end_row()?;
    }
    objects.finish()
}

fn traffic(
    r: &crate::Request,
    file: &str,
    bom: bool,
    out: &mut dyn std::io::Write,
) -> Result<(), RenderError> {
    let mut traffic = Table::new(
        file,
        &[
            "#",
            "Rule name",
            "Source",
            "Destination",
            "Protocol",
            "Port",
            "Action",
            "Firewall",
            "Placement",
            "Direction",
            "Paths",
            "Source addresses",
            "Destination addresses",
            "Flows",
            "Justification",
            "Requesters",
            "Expires",
            "Change windows",
            "Cloud ends",
        ],
        bom,
        out,
    )?;
    // One line per rule, firewall and service (`TrafficLine`), as request forms ask.
    for t in &r.traffic {
        for a in &t.apply_on {
            for line in &a.lines {
                traffic.cell_with(|buf| {
                    let _ = write!(buf, "{}", line.number);
                })?;
                traffic.cell(&t.rule)?;
                traffic.joined(&t.sources)?;
                traffic.joined(&t.destinations)?;
                traffic.cell(&line.protocol)?;
                traffic.cell(&line.port)?;
                traffic.cell(match t.action {
                    crate::RuleAction::Allow => "allow",
                    crate::RuleAction::Remove => "remove",
                })?;
                traffic.cell(&a.firewall)?;
                traffic.cell_with(|buf| {
                    if let Some(l) = t.list {
                        let _ = write!(buf, "{} list, ", l.as_str());
                    }
                    if let Some(n) = a.rule_number {
                        let _ = write!(buf, "rule number {n}, ");
                    }
                    match a.position {
                        // A rule to remove is where it is: its position, not a placement.
                        Some(p) => {
                            let _ = write!(buf, "position {p}");
                        }
                        None => {
                            let _ = write!(buf, "{}", a.placement);
                        }
                    }
                })?;
                traffic.cell_with(|buf| {
                    let _ = write!(buf, "{}", t.direction);
                    if t.return_traffic {
                        buf.push_str("; return traffic");
                    }
                })?;
                traffic.cell_with(|buf| {
                    // A rule to remove was not found on a path: no paths to name.
                    if t.action == crate::RuleAction::Remove {
                        return;
                    }
                    buf.push_str(roles_text(&a.roles));
                    if !t.failover_path {
                        buf.push_str(" (no failover path)");
                    }
                })?;
                traffic.joined(&t.source_addresses)?;
                traffic.joined(&t.destination_addresses)?;
                traffic.joined(&t.flows)?;
                traffic.joined(&t.justifications)?;
                traffic.joined(&t.requesters)?;
                traffic.cell_with(|buf| {
                    if let Some(d) = t.expires {
                        let _ = write!(buf, "{d}");
                    }
                })?;
                traffic.joined(&t.change_windows)?;
                traffic.cell_with(|buf| cloud_ends_into(buf, &t.cloud_ends))?;
                traffic.end_row()?;
            }
        }
    }
    traffic.finish()
}
