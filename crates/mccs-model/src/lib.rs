//! Typed model of hybrid and multi-cloud connectivity, and the topology document that describes it.
//!
//! A [`Topology`] holds Project Sets (a ministry's team, a license plate, AWS LZA or Azure ALZ,
//! environments with their VPC/VNet address spaces), the enforcement points between them and
//! on-prem (cloud firewalls, the 3PG edge firewall, zone firewalls, security groups / NSGs, each
//! with its owner and request channel and an ordered rulebase), the transports (DirectConnect,
//! ExpressRoute, PrivateLink with its translated addresses and DR region), firewall objects,
//! services and the flows teams need.
//!
//! ```
//! use mccs_model::{check, Format, ValidateOptions};
//!
//! let text = mccs_model::examples::REFERENCE_YAML;
//! let checked = check(text, Format::Yaml, &ValidateOptions::default());
//! assert!(checked.diagnostics.is_empty());
//!
//! let t = &checked.topology;
//! let prod = "abc123-prod".parse()?;
//! let (ps, vnet) = t.environment(&prod).expect("the seed's example Project Set");
//! assert_eq!(ps.ministry.as_str(), "CITZ");
//! assert_eq!(vnet.address_space[0].to_string(), "10.46.8.0/24");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Problems come back all at once, each with a path into the document and a line and column:
//!
//! ```
//! use mccs_model::{check, Format, ValidateOptions};
//!
//! let text = "version: 1\nproject_sets:\n  - license_plate: abc123\n    ministry: CITZ\n    platform: azure-alz\n    environments:\n      prod:\n        account: sub-1\n        region: canadacentral\n        address_space: [10.0.0.1/24]\n";
//! let checked = check(text, Format::Yaml, &ValidateOptions::default());
//! let d = &checked.diagnostics[0];
//! assert_eq!(d.path.to_string(), "project_sets[0].environments.prod.address_space[0]");
//! assert_eq!(d.to_string(), "error: 10:25: project_sets[0].environments.prod.address_space[0]: `10.0.0.1/24` has host bits set: write the network address `10.0.0.0/24`");
//! ```
//!
//! Architecture invariant: this crate does no I/O (it reads text it is given, never files or the
//! clock) and knows nothing of graphs, naming conventions or rendering.

mod address;
mod build;
mod date;
mod diag;
pub mod examples;
mod ident;
mod index;
mod load;
pub mod rulebase;
mod service;
mod source_map;
mod text;
mod topology;
mod validate;
mod yaml_out;

pub use address::{
    AddressError, AddressRange, AddressRef, FlowEnd, canonical_net, parse_ip_addr, parse_ip_net,
    parse_prefix,
};
pub use date::{Date, DateError};
pub use diag::{Diagnostic, DocPath, Location, Problem, Segment, Severity};
pub use ident::{
    CustomEnvironment, EnvRef, Environment, IdentError, LicensePlate, Ministry, Name, Platform,
};
pub use index::Index;
pub use load::{Format, Loaded, SourceMap, load, lone_cr_to_lf};
pub use rulebase::{
    ExportFinding, ExportPlace, ImportedRulebase, RulebaseFormat, RulebaseReader, RulebaseRef,
};
pub use service::{PortRange, Protocol, Service, ServiceError, ServiceRef};
pub use topology::{
    Action, Channel, Encryption, Endpoint, ExternalNetwork, FORMAT_VERSION, Firewall, FirewallKind,
    FirewallObject, Flow, HybridLink, Initiator, LinkKind, MAX_GROUP_DEPTH, MAX_HYBRID_LINKS,
    NamedService, OnPrem, PrivateLink, PrivateLinkRegion, ProjectSet, Redundancy, RegionRole, Rule,
    RuleList, Subnet, Topology, VirtualNetwork, Zone,
};
pub use validate::{ValidateOptions, validate};
pub use yaml_out::{YamlError, to_yaml};

/// A document read and validated: the topology and every finding, located in the text.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Checked {
    /// What could be read (malformed elements are left out).
    pub topology: Topology,
    /// Every error and warning, in document order (by line and column where the format gives
    /// them).
    pub diagnostics: Vec<Diagnostic>,
    /// Where each element of the document is, to give findings made later (by a caller's own
    /// checks on [`Checked::topology`]) their line and column: [`SourceMap::locate_all`].
    pub source_map: SourceMap,
}

impl Checked {
    /// Whether any finding is an error (warnings alone leave the topology usable).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Reads and validates a document in one step: [`load`], then [`validate`], with every finding
/// given its line and column. A firewall whose rules come from an export (`rulebase`) is an
/// error here, since this crate reads no files: use [`check_with`] and a reader.
pub fn check(text: &str, format: Format, options: &ValidateOptions) -> Checked {
    check_with(text, format, options, &mut rulebase::NoExports)
}

/// [`check`], reading the exports firewalls name in `rulebase` with `reader` before validating:
/// each export's rules become the firewall's, its objects and services join the document's
/// (an object or service of the same name must hold the same addresses or services, or it is an error), and every
/// finding about an imported element points into the export ([`Diagnostic::file`]).
///
/// ```
/// use mccs_model::{check_with, ExportFinding, Firewall, Format, ImportedRulebase, Rule,
///     RulebaseReader, RulebaseRef, ValidateOptions, AddressRef, ExportPlace};
///
/// struct OneRule;
/// impl RulebaseReader for OneRule {
///     fn read(&mut self, _: &Firewall, r: &RulebaseRef) -> Result<ImportedRulebase, Vec<ExportFinding>> {
///         let mut rb = ImportedRulebase::new();
///         let rule = Rule::allow("WEB".parse().unwrap(), [AddressRef::Any], [AddressRef::Any],
///             ["tcp/443".parse::<mccs_model::Service>().unwrap()]);
///         rb.push_rule(rule, ExportPlace::new(r.file.clone(), "[0]"));
///         Ok(rb)
///     }
/// }
/// let text = "version: 1\nchannels:\n  - {name: c, title: C, filed_by: a, handled_by: b}\nfirewalls:\n  - name: fw\n    kind: other\n    owner: o\n    channel: c\n    rulebase: {format: pan-os, file: running.xml}\n";
/// let checked = check_with(text, Format::Yaml, &ValidateOptions::default(), &mut OneRule);
/// assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
/// assert_eq!(checked.topology.firewalls[0].rules[0].name, "WEB");
/// ```
pub fn check_with(
    text: &str,
    format: Format,
    options: &ValidateOptions,
    reader: &mut dyn RulebaseReader,
) -> Checked {
    let mut loaded = load(text, format);
    let mut opts = options.clone();
    opts.unreadable_names
        .extend(loaded.unreadable_names.iter().cloned());
    opts.incomplete_sections
        .extend(loaded.incomplete_sections.iter().cloned());
    let mut diagnostics = std::mem::take(&mut loaded.diagnostics);
    let (mut from_exports, origins) = rulebase::read_all(&mut loaded.topology, reader);
    let mut more = validate(&loaded.topology, &opts);
    for d in &mut more {
        if let Some((fw_path, place, rest)) = origins.find(&d.path) {
            d.path = loaded.document_path(&fw_path);
            d.file = Some(place.file.clone());
            d.location = place.location;
            d.export_path = Some(format!("{}{rest}", place.path));
            continue;
        }
        d.path = loaded.document_path(&d.path);
        if let Problem::Duplicate { first, .. } | Problem::Overlap { other: first, .. } =
            &mut d.problem
        {
            *first = loaded.document_path(first);
        }
    }
    for d in &mut from_exports {
        d.path = loaded.document_path(&d.path);
    }
    // Findings in exports are located in the export; the document's own by the source map.
    let (mut in_exports, mut own): (Vec<_>, Vec<_>) = from_exports
        .into_iter()
        .chain(more)
        .partition(|d| d.file.is_some());
    loaded.source_map.locate_all(&mut own);
    diagnostics.extend(own);
    // Document order: by position where the format gives one (a stable sort keeps the order
    // of findings at the same place, and of TOML findings, which have none).
    diagnostics.sort_by_key(|d| d.location.map(|l| (l.line, l.column)));
    // Then each export's findings, by file and place (a stable sort: reading order within one).
    in_exports.sort_by(|a, b| (&a.file, a.location).cmp(&(&b.file, b.location)));
    diagnostics.extend(in_exports);
    Checked {
        topology: loaded.topology,
        diagnostics,
        source_map: loaded.source_map,
    }
}

/// Where the JSON Schema of this version's topology document is published: the committed
/// `crates/mccs-model/schema/topology.schema.json` at the release tag `v<version>` of the
/// repository. The embedded examples name it on their first line
/// (`# yaml-language-server: $schema=<this URL>`), so an editor finds the schema wherever the
/// file is saved.
///
/// ```
/// assert!(mccs_model::TOPOLOGY_SCHEMA_URL.ends_with("/crates/mccs-model/schema/topology.schema.json"));
/// assert!(mccs_model::examples::REFERENCE_YAML.starts_with(&format!(
///     "# yaml-language-server: $schema={}\n",
///     mccs_model::TOPOLOGY_SCHEMA_URL
/// )));
/// ```
pub const TOPOLOGY_SCHEMA_URL: &str = concat!(
    "https://raw.githubusercontent.com/mccs-rs/mccs/v",
    env!("CARGO_PKG_VERSION"),
    "/crates/mccs-model/schema/topology.schema.json"
);

/// The JSON Schema of the topology document (draft 2020-12), for editors and other tools.
pub fn topology_schema() -> schemars::Schema {
    schemars::schema_for!(Topology)
}
