//! Writes the rules an mccs plan requests in the formats they are applied in, ready for review
//! and apply (mccs itself never applies anything):
//!
//! - [`Format::Terraform`]: HCL for the cloud firewalls and filters: Azure Firewall Policy
//!   (`azurerm_firewall_policy_rule_collection_group`), AWS security groups
//!   (`aws_vpc_security_group_ingress_rule` / `aws_vpc_security_group_egress_rule`), AWS
//!   network ACLs (`aws_network_acl_rule`) and AWS Network Firewall (`aws_networkfirewall_rule_group`);
//! - [`Format::PanOs`]: PAN-OS `set` commands for the on-premises firewalls (edge and zone);
//! - [`Format::Aerleon`]: an Aerleon policy per firewall plus the network and service
//!   definitions, for any platform Aerleon's `aclgen` generates for.
//!
//! The input is the [`RequestSet`] (what `mccs plan` files) and the topology it was planned on:
//! the request set already says which objects exist (referenced by name) and which to create,
//! and where each rule goes (after the existing rules, or above a deny rule); the topology says
//! what kind of firewall each one is and which rule numbers a network ACL already uses.
//!
//! ```
//! use mccs_emit::{Format, Options, emit};
//! use mccs_request::RequestSet;
//!
//! let t = mccs_model::examples::reference();
//! let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
//! let set = RequestSet::from_plan(&t, &plan);
//! let files = emit(&set, &t, Format::PanOs, &Options::default());
//! assert!(files.iter().any(|f| f.path == "3pg.set"));
//! ```
//!
//! Every value that comes from the documents (names, descriptions, justifications) is escaped
//! or reduced to what the target syntax takes as plain text, so a hostile description cannot
//! add a Terraform block, a `set` command or a YAML key. Output is deterministic: the same
//! input gives byte-identical files.

mod aerleon;
mod common;
mod panos;
mod terraform;

use mccs_model::Topology;
use mccs_request::RequestSet;

/// An output format of [`emit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Format {
    /// Terraform (HCL) for the cloud firewalls, security groups and network ACLs.
    Terraform,
    /// PAN-OS `set` commands for the on-premises edge and zone firewalls.
    PanOs,
    /// Aerleon policy and definition files (YAML), for every firewall.
    Aerleon,
}

impl Format {
    /// Every format, in a fixed order.
    pub const ALL: [Format; 3] = [Format::Terraform, Format::PanOs, Format::Aerleon];

    /// The spelling of `--emit`: `terraform`, `pan-os` or `aerleon`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Terraform => "terraform",
            Self::PanOs => "pan-os",
            Self::Aerleon => "aerleon",
        }
    }
}

impl std::fmt::Display for Format {
    /// [`Format::as_str`].
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown format name given to [`Format::from_str`](std::str::FromStr).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown emit format `{0}`; use terraform, pan-os or aerleon")]
pub struct UnknownFormat(
    /// The name given.
    pub String,
);

impl std::str::FromStr for Format {
    type Err = UnknownFormat;

    /// `terraform`, `pan-os` (or `panos`) or `aerleon`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "terraform" => Ok(Self::Terraform),
            "pan-os" | "panos" => Ok(Self::PanOs),
            "aerleon" => Ok(Self::Aerleon),
            other => Err(UnknownFormat(other.to_owned())),
        }
    }
}

/// Settings for [`emit`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// A line put at the top of every file as a comment, such as the warning that the rules
    /// are for a built-in example topology.
    pub banner: Option<String>,
}

impl Options {
    /// These options with a banner line on every file.
    #[must_use]
    pub fn with_banner(mut self, banner: impl Into<String>) -> Self {
        self.banner = Some(banner.into());
        self
    }
}

/// One file to write: a relative path (`/`-separated, plain names, no `..`) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EmittedFile {
    /// Where to write it, relative to the output directory, e.g. `3pg.set` or `def/networks.yaml`.
    pub path: String,
    /// Its contents (UTF-8, `\n` line ends, ending with a newline).
    pub contents: String,
}

impl EmittedFile {
    /// A file at `path` with `contents`.
    pub fn new(path: impl Into<String>, contents: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            contents: contents.into(),
        }
    }
}

/// What [`emit_with_notes`] produces: the files, and notes on what a format does not cover.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Emitted {
    /// The files, in a stable order.
    pub files: Vec<EmittedFile>,
    /// Firewalls with rules to add that this format does not write, each with what to use
    /// instead (e.g. "zone-b-firewall is a zone firewall: use --emit pan-os").
    pub notes: Vec<String>,
}

/// The planned rules of `set` in `format`: one or more files per firewall that needs rules
/// (plus shared definition files for Aerleon). Firewalls the format does not cover are left
/// out; [`emit_with_notes`] says which.
pub fn emit(
    set: &RequestSet,
    topology: &Topology,
    format: Format,
    options: &Options,
) -> Vec<EmittedFile> {
    emit_with_notes(set, topology, format, options).files
}

/// [`emit`], with notes on the firewalls the format does not cover.
pub fn emit_with_notes(
    set: &RequestSet,
    topology: &Topology,
    format: Format,
    options: &Options,
) -> Emitted {
    let work = common::by_firewall(set, topology);
    match format {
        Format::Terraform => terraform::emit(&work, options),
        Format::PanOs => panos::emit(&work, options),
        Format::Aerleon => aerleon::emit(&work, options),
    }
}
