//! Platform rulebase exports into the model: what a firewall's `rulebase` names.
//!
//! Each format's reader takes the JSON or XML exactly as the platform's own CLI or API writes
//! it and makes the firewall's rules (in evaluation order, names and descriptions kept,
//! disabled rules marked [`Rule::disabled`], what the model cannot judge marked
//! [`Rule::unknown`]) and the objects and services they name, under the export's names. See
//! `docs/import.md` for each format's mapping.
//!
//! [`Reader`] plugs the readers into [`mccs_model::check_with`]; it asks its caller for each
//! file's text, so this crate still does no I/O:
//!
//! ```
//! use mccs_import::rulebase::Reader;
//! use mccs_model::{check_with, Format, ValidateOptions};
//!
//! let doc = "version: 1\nchannels:\n  - {name: c, title: C, filed_by: a, handled_by: b}\nfirewalls:\n  - name: fw\n    kind: other\n    owner: o\n    channel: c\n    rulebase: {format: pan-os, file: missing.xml}\n";
//! let mut reader = Reader::new(|file: &str| Err(format!("{file} was not given")));
//! let checked = check_with(doc, Format::Yaml, &ValidateOptions::default(), &mut reader);
//! assert_eq!(checked.diagnostics[0].file.as_deref(), Some("missing.xml"));
//! ```
//!
//! [`Rule::disabled`]: mccs_model::Rule::disabled
//! [`Rule::unknown`]: mccs_model::Rule::unknown

use std::cell::OnceCell;
use std::collections::HashMap;
use std::rc::Rc;

use mccs_model::{
    DocPath, ExportFinding, ExportPlace, Firewall, ImportedRulebase, Location, Name,
    RulebaseFormat, RulebaseReader, RulebaseRef,
};

mod aws_json;
pub mod aws_sg;
pub mod azure_fw;
mod json_scan;
pub mod nacl;
pub mod nfw;
pub mod nsg;
pub mod panos;
use serde::de::DeserializeOwned;

/// One export file's text, with its locations found on the first finding that needs one.
#[derive(Debug)]
pub struct Export {
    file: String,
    text: Rc<str>,
    /// Where each JSON value starts, by its path (`[0].ruleCollections[1]`): one pass over the
    /// text, made on the first look-up.
    starts: OnceCell<json_scan::Starts>,
}

impl Export {
    /// The export `file` (its name as the reference gives it) holding `text`.
    pub fn new(file: impl Into<String>, text: impl Into<Rc<str>>) -> Self {
        Self {
            file: file.into(),
            text: text.into(),
            starts: OnceCell::new(),
        }
    }

    /// The file name.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The place of the JSON element at `path`, with the line and column where its value
    /// starts (or, for a path the text does not hold, its nearest ancestor's). The first call
    /// scans the text once (linear in it); each call after is a hash look-up per level.
    pub fn json_place(&self, path: &DocPath) -> ExportPlace {
        let starts = self
            .starts
            .get_or_init(|| json_scan::Starts::new(&self.text));
        let place = ExportPlace::new(self.file.clone(), json_path(path));
        let mut at = Some(path.clone());
        while let Some(p) = at {
            if let Some(l) = starts.get(&p) {
                return place.at(l);
            }
            at = p.parent();
        }
        place
    }

    /// A place at a line and column, with a path of the format's own (XML).
    pub fn place_at(&self, path: impl Into<String>, location: Option<Location>) -> ExportPlace {
        let place = ExportPlace::new(self.file.clone(), path);
        match location {
            Some(l) => place.at(l),
            None => place,
        }
    }

    /// Parses the text as JSON of shape `T`; a syntax or shape error is one finding with the
    /// line and column, saying which command writes the export.
    ///
    /// # Errors
    ///
    /// The parser's first error, located.
    pub fn parse_json<T: DeserializeOwned>(
        &self,
        format: RulebaseFormat,
    ) -> Result<T, Vec<ExportFinding>> {
        serde_json::from_str(&self.text).map_err(|e| {
            let place = ExportPlace::new(self.file.clone(), "").at(Location {
                line: e.line().max(1),
                column: e.column().max(1),
            });
            vec![ExportFinding::error(
                place,
                format!("not the JSON `{}` writes: {e}", format.export_command()),
            )]
        })
    }
}

/// A model path written as a path into JSON: `[0].properties.ruleCollections[1]`.
pub(crate) fn json_path(path: &DocPath) -> String {
    let mut out = String::new();
    for s in path.segments() {
        match s {
            mccs_model::Segment::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            mccs_model::Segment::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    if let Some(rest) = out.strip_prefix('.') {
        return rest.to_owned();
    }
    out
}

/// A [`RulebaseReader`] for every format, asking `fetch` for each file's text by the name the
/// reference gives (relative to the document: the caller decides where that is, and through
/// which limits). Each file is fetched once, however many firewalls name it.
pub struct Reader<F> {
    fetch: F,
    texts: HashMap<String, Result<Rc<str>, String>>,
}

impl<F> std::fmt::Debug for Reader<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("files", &self.texts.len())
            .finish_non_exhaustive()
    }
}

impl<F: FnMut(&str) -> Result<String, String>> Reader<F> {
    /// A reader that gets each file's text from `fetch` (an error is the message to show).
    pub fn new(fetch: F) -> Self {
        Self {
            fetch,
            texts: HashMap::new(),
        }
    }

    /// The export `file`, fetched once.
    ///
    /// # Errors
    ///
    /// What the fetch said, as a finding at the file.
    pub fn export(&mut self, file: &str) -> Result<Export, Vec<ExportFinding>> {
        let fetch = &mut self.fetch;
        let got = self
            .texts
            .entry(file.to_owned())
            .or_insert_with(|| fetch(file).map(Rc::from));
        match got {
            Ok(text) => Ok(Export::new(file, Rc::clone(text))),
            Err(message) => Err(vec![ExportFinding::error(
                ExportPlace::new(file, ""),
                message.clone(),
            )]),
        }
    }
}

impl<F: FnMut(&str) -> Result<String, String>> RulebaseReader for Reader<F> {
    fn read(
        &mut self,
        firewall: &Firewall,
        reference: &RulebaseRef,
    ) -> Result<ImportedRulebase, Vec<ExportFinding>> {
        let main = self.export(&reference.file)?;
        let select = reference.select.as_deref();
        match reference.format {
            RulebaseFormat::AzureFirewallPolicy => {
                let parent = reference
                    .parent
                    .as_deref()
                    .map(|f| self.export(f))
                    .transpose()?;
                let ip_groups = reference
                    .ip_groups
                    .as_deref()
                    .map(|f| self.export(f))
                    .transpose()?;
                azure_fw::read(&main, parent.as_ref(), ip_groups.as_ref(), firewall)
            }
            RulebaseFormat::AzureNsg => nsg::read(&main, select.unwrap_or_default(), firewall),
            RulebaseFormat::AwsSecurityGroup => {
                aws_sg::read(&main, select.unwrap_or_default(), firewall)
            }
            RulebaseFormat::AwsNetworkAcl => {
                nacl::read(&main, select.unwrap_or_default(), firewall)
            }
            RulebaseFormat::AwsNetworkFirewall => {
                let groups = reference
                    .rule_groups
                    .iter()
                    .map(|f| self.export(f))
                    .collect::<Result<Vec<_>, _>>()?;
                nfw::read(&main, &groups, firewall)
            }
            RulebaseFormat::PanOs => panos::read(&main, select, firewall),
            other => Err(vec![ExportFinding::error(
                ExportPlace::new(main.file(), ""),
                format!("this version of mccs-import cannot read {other} exports"),
            )]),
        }
    }
}

/// A [`Name`] for a name from an export: the name itself when it is one, else with every
/// character a name cannot hold replaced by `_` (and `true`: the caller says so in a warning,
/// and keeps the original in the description).
pub fn to_name(raw: &str) -> Option<(Name, bool)> {
    if let Ok(n) = raw.parse::<Name>() {
        return Some((n, false));
    }
    let mut out: String = raw
        .trim()
        .chars()
        .take(Name::MAX_LEN)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        out.insert(0, 'X');
        out.truncate(Name::MAX_LEN);
    }
    out.parse::<Name>().ok().map(|n| (n, true))
}
