//! Importers for mccs: cloud provider inventory to the Project Sets of a topology document.
//!
//! Each importer reads the JSON a provider's own CLI writes (`aws ec2 describe-vpcs` and
//! `describe-subnets`, `az network vnet list`), places every network in a Project Set
//! environment from its tags, its name or an assignment, and keeps every network it cannot
//! place, with the reason, so nothing is dropped silently. The result is an [`Import`]: the
//! [`Topology`] built, where each environment came from, what was left out, and the commented
//! YAML document `mccs import` writes; [`Import::merge_into`] fits it into an existing
//! topology ([`Merged`]).
//!
//! ```
//! use mccs_import::{ImportOptions, aws_vpcs};
//!
//! let json = r#"{"Vpcs": [{
//!     "VpcId": "vpc-0a1b2c3d", "OwnerId": "111111111111", "CidrBlock": "10.40.0.0/24",
//!     "Tags": [{"Key": "Name", "Value": "abc123-prod"}, {"Key": "Ministry", "Value": "CITZ"}]
//! }]}"#;
//! let import = aws_vpcs(json, "ca-central-1", &ImportOptions::default())?;
//! assert_eq!(import.topology().project_sets.len(), 1);
//! assert_eq!(import.placed()[0].env.to_string(), "abc123-prod");
//! assert!(import.not_imported().is_empty());
//! // The document reads back, without findings, to the same topology.
//! let text = import.document("vpcs.json")?;
//! let back = mccs_model::load(&text, mccs_model::Format::Yaml);
//! assert!(back.diagnostics.is_empty());
//! assert_eq!(&back.topology, import.topology());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The crate does no I/O: callers read the provider's file and write the document.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use ipnet::IpNet;
use mccs_model::{
    EnvRef, Environment, LicensePlate, Ministry, Platform, ProjectSet, Topology, VirtualNetwork,
};

mod aws;
mod azure;
mod merge;
mod ranges;
pub mod rulebase;
mod subnets;

pub use merge::Merged;

/// The tag key that holds a network's license plate unless told otherwise.
pub const DEFAULT_PLATE_TAG: &str = "LicensePlate";
/// The tag key that holds a network's environment unless told otherwise.
pub const DEFAULT_ENV_TAG: &str = "Environment";
/// The tag key that holds a network's ministry unless told otherwise.
pub const DEFAULT_MINISTRY_TAG: &str = "Ministry";
/// The non-routable secondary range of the AWS Landing Zone Accelerator, which `mccs import
/// aws-vpcs` leaves out of the address space unless told otherwise.
pub const DEFAULT_NON_ROUTABLE: &str = "10.10.0.0/16";

/// The tag keys a network's Project Set identity is read from (matched exactly, or else
/// ignoring case when only one key matches).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TagKeys {
    /// The license plate's tag ([`DEFAULT_PLATE_TAG`]).
    pub plate: String,
    /// The environment's tag ([`DEFAULT_ENV_TAG`]).
    pub environment: String,
    /// The ministry's tag ([`DEFAULT_MINISTRY_TAG`]).
    pub ministry: String,
}

impl Default for TagKeys {
    fn default() -> Self {
        Self {
            plate: DEFAULT_PLATE_TAG.to_owned(),
            environment: DEFAULT_ENV_TAG.to_owned(),
            ministry: DEFAULT_MINISTRY_TAG.to_owned(),
        }
    }
}

impl TagKeys {
    /// The tag keys `plate`, `environment` and `ministry`.
    ///
    /// ```
    /// let keys = mccs_import::TagKeys::new("lz:plate", "lz:env", "lz:ministry");
    /// assert_eq!(keys.environment, "lz:env");
    /// ```
    pub fn new(
        plate: impl Into<String>,
        environment: impl Into<String>,
        ministry: impl Into<String>,
    ) -> Self {
        Self {
            plate: plate.into(),
            environment: environment.into(),
            ministry: ministry.into(),
        }
    }
}

/// How networks are mapped to Project Sets.
///
/// ```
/// use mccs_import::ImportOptions;
/// let options = ImportOptions::default()
///     .with_ministry("CITZ".parse()?)
///     .with_non_routable(vec!["10.10.0.0/16".parse()?]);
/// assert_eq!(options.non_routable.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportOptions {
    /// Where the license plate, environment and ministry are read from.
    pub tags: TagKeys,
    /// The ministry of networks without a ministry tag (`--ministry`); without it, such a
    /// network is not imported.
    pub ministry: Option<Ministry>,
    /// Ranges left out of the address space (non-routable secondary ranges); none by default.
    pub non_routable: Vec<IpNet>,
    /// The license plate of networks whose tags and name give none (`--plate`).
    pub plate: Option<LicensePlate>,
    /// The environment of networks whose tags and name give none (`--env`).
    pub environment: Option<Environment>,
    /// Networks placed by hand (`--assign ID=PLATE-ENV`), by the provider's identifier (the
    /// AWS `VpcId`, the Azure VNet name); these win over tags and names.
    pub assignments: BTreeMap<String, EnvRef>,
    /// The ministry of each Project Set already in the topology an import will be merged into
    /// ([`ImportOptions::with_known`]): a network of such a Project Set without a ministry tag
    /// takes its ministry.
    pub known_ministries: BTreeMap<LicensePlate, Ministry>,
}

impl ImportOptions {
    /// With these tag keys.
    #[must_use]
    pub fn with_tags(mut self, tags: TagKeys) -> Self {
        self.tags = tags;
        self
    }

    /// With `ministry` for networks without a ministry tag.
    #[must_use]
    pub fn with_ministry(mut self, ministry: Ministry) -> Self {
        self.ministry = Some(ministry);
        self
    }

    /// With these non-routable ranges, left out of every address space.
    #[must_use]
    pub fn with_non_routable(mut self, ranges: Vec<IpNet>) -> Self {
        self.non_routable = ranges;
        self
    }

    /// With `plate` for networks whose tags and name give no license plate.
    #[must_use]
    pub fn with_plate(mut self, plate: LicensePlate) -> Self {
        self.plate = Some(plate);
        self
    }

    /// With `environment` for networks whose tags and name give none.
    #[must_use]
    pub fn with_environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// Places the network whose provider identifier is `id` (the AWS `VpcId`, the Azure VNet
    /// name) in `env`, whatever its tags and name say.
    ///
    /// ```
    /// use mccs_import::{ImportOptions, aws_vpcs};
    /// let json = r#"{"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "111111111111",
    ///     "CidrBlock": "10.40.0.0/24", "Tags": [{"Key": "Name", "Value": "Prod_vpc"}]}]}"#;
    /// let options = ImportOptions::default()
    ///     .with_ministry("CITZ".parse()?)
    ///     .assign("vpc-1", "abc123-prod".parse()?);
    /// let import = aws_vpcs(json, "ca-central-1", &options)?;
    /// assert_eq!(import.placed()[0].env.to_string(), "abc123-prod");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn assign(mut self, id: impl Into<String>, env: EnvRef) -> Self {
        self.assignments.insert(id.into(), env);
        self
    }

    /// Knows the ministries of the Project Sets of `topology`, the one the import will be
    /// merged into ([`Import::merge_into`]).
    #[must_use]
    pub fn with_known(mut self, topology: &Topology) -> Self {
        for ps in &topology.project_sets {
            self.known_ministries
                .entry(ps.license_plate)
                .or_insert_with(|| ps.ministry);
        }
        self
    }
}

/// Which provider export an import read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Provider {
    /// `aws ec2 describe-vpcs`, whose VPCs are all in `region` (the export does not say).
    AwsVpcs {
        /// The region given.
        region: String,
    },
    /// `az network vnet list`.
    AzureVnets,
}

impl Provider {
    /// The provider command whose JSON output is read, with the options that make it JSON.
    pub fn command(&self) -> &'static str {
        match self {
            Self::AwsVpcs { .. } => "aws ec2 describe-vpcs --output json",
            Self::AzureVnets => "az network vnet list --output json",
        }
    }

    /// What the provider calls a network: `VPC` or `VNet`.
    pub fn noun(&self) -> &'static str {
        match self {
            Self::AwsVpcs { .. } => "VPC",
            Self::AzureVnets => "VNet",
        }
    }

    /// The platform of the Project Sets it makes.
    pub fn platform(&self) -> Platform {
        match self {
            Self::AwsVpcs { .. } => Platform::AwsLza,
            Self::AzureVnets => Platform::AzureAlz,
        }
    }
}

/// The text was not the provider's export: the whole import stops. (A single entry that is not
/// a network does not stop it: it is listed in [`Import::not_imported`].)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The text is not JSON.
    #[error("is not JSON ({reason}); save the output of `{command}`")]
    NotJson {
        /// What the JSON parser reported, with the line and column.
        reason: String,
        /// The command whose output to save ([`Provider::command`]).
        command: &'static str,
    },
    /// The text is JSON, but not of the shape the provider writes.
    #[error("is not the output of `{name}`: expected {expected}; save the output of `{command}`")]
    NotAnExport {
        /// The provider command, short (`aws ec2 describe-vpcs`).
        name: &'static str,
        /// The shape expected (`an object with a `Vpcs` list`).
        expected: &'static str,
        /// The command whose output to save ([`Provider::command`]).
        command: &'static str,
    },
}

/// One VPC or VNet as the provider describes it, before mapping.
#[derive(Debug, Clone, Default)]
struct Network {
    /// The provider's identifier, which `--assign` matches: the AWS `VpcId`, the Azure VNet name.
    id: String,
    /// How people find it: `vpc-0a1b2c3d (Name abc123-prod)`, `abc123-prod-vnet (resource group rg)`.
    label: String,
    /// The name `<plate>-<env>` may be read from: the AWS `Name` tag, the Azure VNet name.
    name: Option<String>,
    /// AWS account ID or Azure subscription ID.
    account: Option<String>,
    /// Region.
    region: Option<String>,
    /// Address ranges in use, as the provider writes them.
    prefixes: Vec<String>,
    /// Address ranges not in use, with why (e.g. `disassociated`).
    inactive: Vec<(String, String)>,
    /// Tags.
    tags: BTreeMap<String, String>,
    /// Said when the network cannot be mapped (e.g. "the account's default VPC").
    remark: Option<&'static str>,
    /// Why the entry could not even be read, if so.
    unreadable: Option<String>,
    /// Its subnets, when the export lists them (Azure's `vnet list` does).
    subnets: Vec<RawSubnet>,
}

/// A subnet as the provider describes it.
#[derive(Debug, Clone, Default)]
struct RawSubnet {
    /// `subnet-0a1b2c3d` (AWS) or the subnet's name (Azure).
    id: String,
    /// The `Name` tag (AWS) or the name (Azure).
    name: Option<String>,
    /// Its ranges, as the provider writes them.
    prefixes: Vec<String>,
}

/// A range of a network that is not in its environment's address space, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LeftOut {
    /// The range as the provider wrote it.
    pub range: String,
    /// Why (`non-routable secondary range`, `not a CIDR`, `disassociated`, ...).
    pub reason: String,
}

/// A network that is in the topology, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Placed {
    /// The environment it became.
    pub env: EnvRef,
    /// The provider's identifier: the AWS `VpcId`, the Azure VNet name.
    pub id: String,
    /// The network, as people find it (`vpc-0a1b2c3d (Name abc123-prod)`).
    pub label: String,
    /// Its ranges that are not in the address space.
    pub left_out: Vec<LeftOut>,
}

/// A network that is not in the topology, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NotImported {
    /// The network, as people find it.
    pub label: String,
    /// Why, and what to do (tag it, or add it by hand).
    pub reason: String,
}

/// What an import made: the topology and what happened to every network of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    provider: Provider,
    topology: Topology,
    placed: Vec<Placed>,
    not_imported: Vec<NotImported>,
}

impl Import {
    /// The export that was read.
    pub fn provider(&self) -> &Provider {
        &self.provider
    }

    /// The Project Sets built (nothing else of a topology: no firewalls, zones or flows).
    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    /// The topology, to merge into another or to write.
    pub fn into_topology(self) -> Topology {
        self.topology
    }

    /// Every network placed, in environment order.
    pub fn placed(&self) -> &[Placed] {
        &self.placed
    }

    /// Every network of the export that is not in the topology, in the export's order.
    pub fn not_imported(&self) -> &[NotImported] {
        &self.not_imported
    }

    /// The document `mccs import` writes for an export read from `source` (a file name, `-`):
    /// a heading, where each environment came from, the YAML (which reads back to
    /// [`Import::topology`] without findings), and the networks not imported, as comments.
    /// Text from the provider and `source` are escaped inside comments, so they cannot end a
    /// comment and inject YAML.
    ///
    /// # Errors
    ///
    /// When the topology cannot be written as YAML, which would be a bug.
    pub fn document(&self, source: &str) -> Result<String, mccs_model::YamlError> {
        let heading = match &self.provider {
            Provider::AwsVpcs { region } => format!(
                "# Project Sets imported by `mccs import aws-vpcs` from {} (region {}).",
                comment_safe(source),
                comment_safe(region)
            ),
            Provider::AzureVnets => format!(
                "# Project Sets imported by `mccs import azure-vnets` from {}.",
                comment_safe(source)
            ),
        };
        document_text(&heading, self)
    }
}

/// Reads the JSON of `aws ec2 describe-vpcs` (whose VPCs are in `region`) into Project Sets.
///
/// # Errors
///
/// [`ImportError`] when the text is not such an export. Entries that are not VPCs, and VPCs
/// that cannot be placed, do not stop the import: see [`Import::not_imported`].
pub fn aws_vpcs(json: &str, region: &str, options: &ImportOptions) -> Result<Import, ImportError> {
    let networks = aws::parse(json, region)?;
    let provider = Provider::AwsVpcs {
        region: region.to_owned(),
    };
    Ok(map(provider, networks, options))
}

/// Reads the JSON of `az network vnet list` into Project Sets.
///
/// # Errors
///
/// [`ImportError`] when the text is not such an export. Entries that are not VNets, and VNets
/// that cannot be placed, do not stop the import: see [`Import::not_imported`].
pub fn azure_vnets(json: &str, options: &ImportOptions) -> Result<Import, ImportError> {
    let networks = azure::parse(json)?;
    Ok(map(Provider::AzureVnets, networks, options))
}

/// The value of a tag: the exact key, or else the only key equal to it ignoring case.
fn tag<'a>(net: &'a Network, key: &str) -> Option<&'a str> {
    if let Some(v) = net.tags.get(key) {
        return Some(v.trim());
    }
    let mut found = net
        .tags
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.trim());
    match (found.next(), found.next()) {
        (Some(v), None) => Some(v),
        _ => None,
    }
}

/// An environment as tags write it: `Prod`, `production`, `DEV`, ...
fn environment_from_tag(value: &str) -> Option<Environment> {
    let v = value.trim().to_ascii_lowercase();
    let v = match v.as_str() {
        "production" => "prod",
        "development" => "dev",
        "testing" => "test",
        other => other,
    };
    v.parse().ok()
}

/// `<plate>-<env>`, optionally followed by `-<anything>`: `abc123-prod`, `abc123-prod-vpc`,
/// `abc123-prod-vwan-spoke`. Only the four platform environments count here, so a name like
/// `shared-services` is not taken for license plate `shared`, environment `services`.
fn identity_from_name(name: &str) -> Option<(LicensePlate, Environment)> {
    let lower = name.trim().to_ascii_lowercase();
    let mut parts = lower.splitn(3, '-');
    let plate = parts.next()?.parse().ok()?;
    let env: Environment = parts.next()?.parse().ok()?;
    if matches!(env, Environment::Other(_)) {
        return None;
    }
    Some((plate, env))
}

/// Where the license plate and environment of a network come from, in this order: an
/// assignment by identifier, the tags, the name, the `--plate` / `--env` defaults. The ministry,
/// which may come from another network of the same Project Set, is found later ([`map`]).
fn identify(net: &Network, options: &ImportOptions) -> Result<EnvRef, String> {
    if let Some(env) = options.assignments.get(&net.id) {
        return Ok(env.clone());
    }
    let tags = &options.tags;
    let from_name = net.name.as_deref().and_then(identity_from_name);
    let name_hint = match &net.name {
        Some(n) => {
            format!("the name `{n}` does not start with `<plate>-<env>` (e.g. `abc123-prod`)")
        }
        None => "it has no name".to_owned(),
    };
    let assign_hint = format!("; tag it, or pass --assign {}=<plate>-<env>", net.id);
    let plate = match tag(net, &tags.plate) {
        Some(v) => v.to_ascii_lowercase().parse::<LicensePlate>().map_err(|_| {
            format!(
                "tag `{}` is `{v}`, not a license plate (6 lower-case letters or digits, e.g. `abc123`)",
                tags.plate
            )
        })?,
        None => match (&from_name, options.plate) {
            (Some((p, _)), _) => *p,
            (None, Some(p)) => p,
            (None, None) => {
                return Err(format!(
                    "no license plate: no `{}` tag, and {name_hint}{assign_hint}",
                    tags.plate
                ));
            }
        },
    };
    let environment = match tag(net, &tags.environment) {
        Some(v) => environment_from_tag(v).ok_or_else(|| {
            format!(
                "tag `{}` is `{v}`, not an environment (dev, test, prod, tools or another lower-case word)",
                tags.environment
            )
        })?,
        None => match (&from_name, &options.environment) {
            (Some((p, e)), _) if *p == plate => e.clone(),
            (_, Some(e)) => e.clone(),
            _ => {
                return Err(format!(
                    "no environment for license plate {plate}: no `{}` tag, and {name_hint}{assign_hint}",
                    tags.environment
                ));
            }
        },
    };
    Ok(EnvRef {
        license_plate: plate,
        environment,
    })
}

/// The ministry a network's tag names, if it has the tag.
fn tagged_ministry(net: &Network, options: &ImportOptions) -> Option<Result<Ministry, String>> {
    let key = &options.tags.ministry;
    tag(net, key).map(|v| {
        v.to_ascii_uppercase()
            .parse::<Ministry>()
            .map_err(|_| format!("tag `{key}` is `{v}`, not a ministry short name (e.g. `CITZ`)"))
    })
}

/// Places every network in a Project Set environment, or says why it cannot.
///
/// Two passes: the first identifies each network and learns each license plate's ministry from
/// the networks tagged with one, so that an environment whose Project Set has its ministry tag
/// only on another environment is still placed; the second builds the Project Sets.
fn map(provider: Provider, networks: Vec<Network>, options: &ImportOptions) -> Import {
    let identities: Vec<Option<Result<EnvRef, String>>> = networks
        .iter()
        .map(|n| n.unreadable.is_none().then(|| identify(n, options)))
        .collect();
    let mut plate_ministry: BTreeMap<LicensePlate, Ministry> = BTreeMap::new();
    for (net, id) in networks.iter().zip(&identities) {
        if let (Some(Ok(env)), Some(Ok(m))) = (id, tagged_ministry(net, options)) {
            plate_ministry.entry(env.license_plate).or_insert(m);
        }
    }
    let mut sets: BTreeMap<LicensePlate, ProjectSet> = BTreeMap::new();
    let mut origin: BTreeMap<EnvRef, String> = BTreeMap::new();
    let mut placed = Vec::new();
    let mut unplaced = Vec::new();
    for (net, identity) in networks.into_iter().zip(identities) {
        let mut refuse = |reason: String| {
            let reason = match net.remark {
                Some(r) => format!("{reason} ({r})"),
                None => reason,
            };
            unplaced.push(NotImported {
                label: net.label.clone(),
                reason,
            });
        };
        let env = match identity {
            None => {
                refuse(net.unreadable.clone().unwrap_or_default());
                continue;
            }
            Some(Err(why)) => {
                refuse(why);
                continue;
            }
            Some(Ok(env)) => env,
        };
        let ministry = match tagged_ministry(&net, options) {
            Some(Ok(m)) => m,
            Some(Err(why)) => {
                refuse(why);
                continue;
            }
            None => match plate_ministry
                .get(&env.license_plate)
                .or_else(|| options.known_ministries.get(&env.license_plate))
                .or(options.ministry.as_ref())
            {
                Some(m) => *m,
                None => {
                    refuse(format!(
                        "no ministry for {env}: no `{}` tag on any {} of Project Set {}; tag one, or pass --ministry",
                        options.tags.ministry,
                        provider.noun(),
                        env.license_plate
                    ));
                    continue;
                }
            },
        };
        let Some(account) = net.account.clone().filter(|a| !a.trim().is_empty()) else {
            refuse(format!("no {}", provider.platform().account_noun()));
            continue;
        };
        let Some(region) = net.region.clone().filter(|r| !r.trim().is_empty()) else {
            refuse("no region".to_owned());
            continue;
        };
        let mut vnet = VirtualNetwork::new(account, region, Vec::new());
        let mut left_out: Vec<LeftOut> = net
            .inactive
            .iter()
            .map(|(range, reason)| LeftOut {
                range: range.clone(),
                reason: reason.clone(),
            })
            .collect();
        // A set beside the list: an export may hold any number of ranges per network.
        let mut seen = std::collections::HashSet::new();
        for p in &net.prefixes {
            match mccs_model::parse_prefix(p) {
                None => left_out.push(LeftOut {
                    range: p.clone(),
                    reason: "not a CIDR".to_owned(),
                }),
                Some(cidr) if options.non_routable.iter().any(|n| n.contains(&cidr)) => {
                    left_out.push(LeftOut {
                        range: p.clone(),
                        reason: "non-routable secondary range".to_owned(),
                    });
                }
                Some(cidr) if !seen.insert(cidr) => {}
                Some(cidr) => vnet.address_space.push(cidr),
            }
        }
        if vnet.address_space.is_empty() {
            let mut why = format!("no routable address space for {env}");
            if !left_out.is_empty() {
                let list: Vec<String> = left_out
                    .iter()
                    .map(|l| format!("{}: {}", l.range, l.reason))
                    .collect();
                why.push_str(&format!(" (left out {})", list.join("; ")));
            }
            refuse(why);
            continue;
        }
        if let Some(first) = origin.get(&env) {
            refuse(format!("{env} is already imported from {first}"));
            continue;
        }
        let set = sets
            .entry(env.license_plate)
            .or_insert_with(|| ProjectSet::new(env.license_plate, ministry, provider.platform()));
        if set.ministry != ministry {
            refuse(format!(
                "ministry {ministry} differs from {} of the other networks of Project Set {}",
                set.ministry, env.license_plate
            ));
            continue;
        }
        subnets::attach(&mut vnet, &net.subnets, &mut left_out);
        set.environments.insert(env.environment.clone(), vnet);
        origin.insert(env.clone(), net.label.clone());
        placed.push(Placed {
            env,
            id: net.id.clone(),
            label: net.label.clone(),
            left_out,
        });
    }
    placed.sort_by(|a, b| a.env.cmp(&b.env));
    let mut topology = Topology::new();
    topology.project_sets = sets.into_values().collect();
    Import {
        provider,
        topology,
        placed,
        not_imported: unplaced,
    }
}

/// The topology as YAML in the order people read it: `version` first, and each Project Set's
/// identity before its environments. Every value is written by [`mccs_model::to_yaml`], so
/// quoting is always what the reader expects; only the outline (with its comments) is laid out
/// here.
fn document(topology: &Topology) -> Result<String, mccs_model::YamlError> {
    let scalar = |v: &dyn erased::Scalar| v.yaml().map(|s| s.trim_end().to_owned());
    let mut doc = format!("version: {}\n", scalar(&topology.version)?);
    if topology.project_sets.is_empty() {
        doc.push_str("project_sets: []\n");
        return Ok(doc);
    }
    doc.push_str("project_sets:\n");
    for ps in &topology.project_sets {
        let _ = writeln!(doc, "  - license_plate: {}", scalar(&ps.license_plate)?);
        let _ = writeln!(doc, "    ministry: {}", scalar(&ps.ministry)?);
        let _ = writeln!(doc, "    platform: {}", scalar(&ps.platform)?);
        if let Some(name) = &ps.name {
            let _ = writeln!(doc, "    name: {}", scalar(name)?);
        }
        doc.push_str("    environments:\n");
        for line in mccs_model::to_yaml(&ps.environments)?.lines() {
            let _ = writeln!(doc, "      {line}");
        }
    }
    Ok(doc)
}

/// `to_yaml` behind a trait object, so one closure writes scalars of every type.
mod erased {
    pub(super) trait Scalar {
        fn yaml(&self) -> Result<String, mccs_model::YamlError>;
    }

    impl<T: serde::Serialize> Scalar for T {
        fn yaml(&self) -> Result<String, mccs_model::YamlError> {
            mccs_model::to_yaml(self)
        }
    }
}

/// Provider text made safe inside a one-line YAML comment: line breaks (including NEL and the
/// Unicode line and paragraph separators) and other control characters are written as escapes
/// (`\n`, `\u{1b}`), so a value such as a `VpcId` with a line break cannot end the comment and
/// inject YAML into the document.
fn comment_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// The document `mccs import` writes: a comment saying where each environment came from, the
/// YAML, and a closing comment listing the networks left out.
fn document_text(heading: &str, mapped: &Import) -> Result<String, mccs_model::YamlError> {
    let yaml = document(&mapped.topology)?;
    let mut doc = String::new();
    doc.push_str(heading);
    doc.push('\n');
    let _ = writeln!(
        doc,
        "# Review before use: add `ministries`, firewalls, on-prem zones and flows by hand."
    );
    if !mapped.placed.is_empty() {
        doc.push_str("#\n");
        let width = mapped
            .placed
            .iter()
            .map(|p| p.env.to_string().len())
            .max()
            .unwrap_or(0);
        for p in &mapped.placed {
            let _ = writeln!(
                doc,
                "#   {:width$}  from {}",
                p.env.to_string(),
                comment_safe(&p.label)
            );
            for LeftOut {
                range: cidr,
                reason: why,
            } in &p.left_out
            {
                let _ = writeln!(
                    doc,
                    "#   {:width$}    left out {cidr}: {}",
                    "",
                    comment_safe(why)
                );
            }
        }
    }
    doc.push_str(&yaml);
    if !mapped.not_imported.is_empty() {
        let n = mapped.not_imported.len();
        let nouns = if n == 1 {
            mapped.provider.noun().to_owned()
        } else {
            format!("{}s", mapped.provider.noun())
        };
        let _ = writeln!(
            doc,
            "\n# Not imported: {n} {nouns} could not be mapped to a Project Set environment.\n\
             # Tag them (license plate, environment, ministry) and import again, or add them by hand:"
        );
        comment_list(&mut doc, &mapped.not_imported);
    }
    Ok(doc)
}

/// One comment line per network or subnet left out: `#   <label>: <reason>`, escaped.
fn comment_list(doc: &mut String, list: &[NotImported]) {
    for u in list {
        let _ = writeln!(
            doc,
            "#   {}: {}",
            comment_safe(&u.label),
            comment_safe(&u.reason)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_identity() {
        let id = |n| identity_from_name(n).map(|(p, e)| format!("{p}-{e}"));
        assert_eq!(id("abc123-prod").as_deref(), Some("abc123-prod"));
        assert_eq!(id("abc123-prod-vpc").as_deref(), Some("abc123-prod"));
        assert_eq!(id("ABC123-Dev").as_deref(), Some("abc123-dev"));
        assert_eq!(
            id("abc123-tools-vwan-spoke").as_deref(),
            Some("abc123-tools")
        );
        assert_eq!(id("shared-services"), None);
        assert_eq!(id("abc123"), None);
        assert_eq!(id("abc1234-prod"), None);
        assert_eq!(id("Prod_vpc"), None);
    }

    #[test]
    fn document_reads_back_to_the_same_topology() {
        let mut t = mccs_model::examples::reference();
        t.firewalls.clear();
        t.channels.clear();
        t.ministries.clear();
        t.on_prem = None;
        t.hybrid_links.clear();
        t.objects.clear();
        t.services.clear();
        t.flows.clear();
        // Text a YAML reader would take for something else must come back as text.
        t.project_sets[0].name = Some("yes: #1, \"quoted\"".to_owned());
        t.project_sets[1].license_plate = "123456".parse().unwrap();
        let text = document(&t).unwrap();
        let back = mccs_model::load(&text, mccs_model::Format::Yaml);
        assert!(
            back.diagnostics.is_empty(),
            "{:?}\n{text}",
            back.diagnostics
        );
        assert_eq!(back.topology, t, "{text}");
        assert!(text.starts_with("version: 1\nproject_sets:\n  - license_plate: abc123\n"));
    }

    #[test]
    fn environment_tags_are_forgiving() {
        assert_eq!(environment_from_tag("Production"), Some(Environment::Prod));
        assert_eq!(environment_from_tag(" DEV "), Some(Environment::Dev));
        assert_eq!(environment_from_tag("tools"), Some(Environment::Tools));
        assert!(environment_from_tag("not an env").is_none());
    }
}
