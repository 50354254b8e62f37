//! Rulebases kept in a platform's own export instead of the document.
//!
//! A firewall may say where its rules come from (`rulebase: {format: azure-nsg, file:
//! nsg.json, select: nsg-web}`) instead of listing them. This crate does no I/O, so the
//! export is read by a [`RulebaseReader`] the caller passes to [`crate::check_with`]
//! (`mccs-import` has one for every format, reading files next to the document). What the
//! reader returns, an [`ImportedRulebase`], joins the topology before validation: its rules
//! become the firewall's, its objects and services the document's, under their own names.
//! Every finding in an export carries the export's file name and its own location
//! ([`Diagnostic::file`], [`Diagnostic::export_path`]).

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Name;
use crate::diag::{Diagnostic, DocPath, Location, Problem, Segment, Severity};
use crate::topology::{Firewall, FirewallObject, NamedService, Rule};
use std::collections::HashMap;

/// The export formats a firewall's `rulebase` can name.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RulebaseFormat {
    /// `az network firewall policy rule-collection-group list` (JSON).
    AzureFirewallPolicy,
    /// `az network nsg list` or `az network nsg show` (JSON).
    AzureNsg,
    /// `aws ec2 describe-security-groups` (JSON).
    AwsSecurityGroup,
    /// `aws ec2 describe-network-acls` (JSON).
    AwsNetworkAcl,
    /// `aws network-firewall describe-firewall-policy` (JSON), with one
    /// `aws network-firewall describe-rule-group` per rule group (`rule_groups`).
    AwsNetworkFirewall,
    /// A PAN-OS running configuration (`show config running` as XML, or the XML API's
    /// `type=config&action=show`).
    PanOs,
}

impl RulebaseFormat {
    /// Every format, in a fixed order.
    pub const ALL: [Self; 6] = [
        Self::AzureFirewallPolicy,
        Self::AzureNsg,
        Self::AwsSecurityGroup,
        Self::AwsNetworkAcl,
        Self::AwsNetworkFirewall,
        Self::PanOs,
    ];

    /// Document spelling: `azure-firewall-policy`, `azure-nsg`, `aws-security-group`,
    /// `aws-network-acl`, `aws-network-firewall`, `pan-os`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AzureFirewallPolicy => "azure-firewall-policy",
            Self::AzureNsg => "azure-nsg",
            Self::AwsSecurityGroup => "aws-security-group",
            Self::AwsNetworkAcl => "aws-network-acl",
            Self::AwsNetworkFirewall => "aws-network-firewall",
            Self::PanOs => "pan-os",
        }
    }

    /// The command that writes the export `file` holds.
    pub fn export_command(self) -> &'static str {
        match self {
            Self::AzureFirewallPolicy => {
                "az network firewall policy rule-collection-group list -g RG --policy-name POLICY --output json"
            }
            Self::AzureNsg => "az network nsg list --output json",
            Self::AwsSecurityGroup => "aws ec2 describe-security-groups --output json",
            Self::AwsNetworkAcl => "aws ec2 describe-network-acls --output json",
            Self::AwsNetworkFirewall => {
                "aws network-firewall describe-firewall-policy --firewall-policy-arn ARN --output json"
            }
            Self::PanOs => "show config running (XML), or the XML API's type=config&action=show",
        }
    }

    /// Whether the format's export can hold many rulebases, so `select` must say which.
    pub fn holds_many(self) -> bool {
        matches!(
            self,
            Self::AzureNsg | Self::AwsSecurityGroup | Self::AwsNetworkAcl
        )
    }
}

impl fmt::Display for RulebaseFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A format name that is not one of [`RulebaseFormat::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown rulebase format `{0}`: use one of azure-firewall-policy, azure-nsg, aws-security-group, aws-network-acl, aws-network-firewall, pan-os"
)]
pub struct UnknownFormat(pub String);

impl FromStr for RulebaseFormat {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}

/// Where a firewall's rules come from: a platform export, by file.
///
/// ```
/// use mccs_model::{RulebaseFormat, RulebaseRef};
/// let r = RulebaseRef::new(RulebaseFormat::AzureNsg, "exports/nsgs.json").select("nsg-web");
/// assert_eq!(r.select.as_deref(), Some("nsg-web"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RulebaseRef {
    /// What wrote the export.
    pub format: RulebaseFormat,
    /// The export file, relative to the topology document's directory.
    #[schemars(extend("minLength" = 1))]
    pub file: String,
    /// Which rulebase of the export, when it holds several: an NSG's name or resource ID, a
    /// security group's ID (`sg-...`) or name, a network ACL's ID (`acl-...`), a PAN-OS
    /// virtual system (`vsys1`, the default) or device group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<String>,
    /// Azure Firewall Policy: the `az network ip-group list` export the rules' IP Groups are
    /// read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_groups: Option<String>,
    /// Azure Firewall Policy: the parent (base) policy's rule collection groups, whose rules
    /// are evaluated before the policy's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// AWS Network Firewall: one `aws network-firewall describe-rule-group` export per rule
    /// group the policy names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rule_groups: Vec<String>,
}

impl RulebaseRef {
    /// A reference to `file`, written by `format`.
    pub fn new(format: RulebaseFormat, file: impl Into<String>) -> Self {
        Self {
            format,
            file: file.into(),
            select: None,
            ip_groups: None,
            parent: None,
            rule_groups: Vec::new(),
        }
    }

    /// Sets which rulebase of the export to read (`select`).
    #[must_use]
    pub fn select(mut self, which: impl Into<String>) -> Self {
        self.select = Some(which.into());
        self
    }

    /// Sets the IP Groups export (Azure Firewall Policy).
    #[must_use]
    pub fn ip_groups(mut self, file: impl Into<String>) -> Self {
        self.ip_groups = Some(file.into());
        self
    }

    /// Sets the parent policy's export (Azure Firewall Policy).
    #[must_use]
    pub fn parent(mut self, file: impl Into<String>) -> Self {
        self.parent = Some(file.into());
        self
    }

    /// Adds a rule group export (AWS Network Firewall).
    #[must_use]
    pub fn rule_group(mut self, file: impl Into<String>) -> Self {
        self.rule_groups.push(file.into());
        self
    }

    /// Every file the reference names, `file` first.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.file.as_str())
            .chain(self.ip_groups.as_deref())
            .chain(self.parent.as_deref())
            .chain(self.rule_groups.iter().map(String::as_str))
    }
}

/// A place in an export: the file, the line and column when known, and the path inside it
/// (`[0].properties.ruleCollections[1].rules[3]`, `/config/devices/entry/vsys/entry/rulebase/security/rules/entry[12]`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct ExportPlace {
    /// The export file, as the reference names it.
    pub file: String,
    /// Line and column in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The path inside the export.
    pub path: String,
}

impl ExportPlace {
    /// A place in `file` at `path`.
    pub fn new(file: impl Into<String>, path: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            location: None,
            path: path.into(),
        }
    }

    /// Sets the line and column.
    #[must_use]
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }
}

impl fmt::Display for ExportPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(l) = self.location {
            write!(f, ":{l}")?;
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        Ok(())
    }
}

/// One finding in an export: what is wrong (or was kept as unknown), where, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct ExportFinding {
    /// Error (the export cannot be used as it is) or warning (kept, marked).
    pub severity: Severity,
    /// Where in the export.
    pub place: ExportPlace,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl ExportFinding {
    /// An error at `place`.
    pub fn error(place: ExportPlace, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            place,
            message: message.into(),
        }
    }

    /// A warning at `place`.
    pub fn warning(place: ExportPlace, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            place,
            message: message.into(),
        }
    }
}

impl fmt::Display for ExportFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}: {}", self.place, self.message)
    }
}

/// What a reader made of an export: a firewall's rules, and the objects and services they name.
///
/// Each `*_at` list runs beside its list (same length, same order) and says where each element
/// came from, so findings about imported elements point into the export. A reader keeps every
/// rule: disabled ones with [`Rule::disabled`], ones the model cannot judge with
/// [`Rule::unknown`] (and a warning in `findings`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportedRulebase {
    /// The inbound (or only) list, in evaluation order.
    pub rules: Vec<Rule>,
    /// Where each of `rules` came from.
    pub rules_at: Vec<ExportPlace>,
    /// The outbound list (security groups / NSGs and network ACLs).
    pub outbound_rules: Vec<Rule>,
    /// Where each of `outbound_rules` came from.
    pub outbound_rules_at: Vec<ExportPlace>,
    /// Objects the rules name, under the export's names.
    pub objects: Vec<FirewallObject>,
    /// Where each of `objects` came from.
    pub objects_at: Vec<ExportPlace>,
    /// Services the rules name, under the export's names.
    pub services: Vec<NamedService>,
    /// Where each of `services` came from.
    pub services_at: Vec<ExportPlace>,
    /// Warnings: what was kept but marked (unknown, disabled, approximated).
    pub findings: Vec<ExportFinding>,
}

impl ImportedRulebase {
    /// An empty rulebase.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends an inbound (or only) rule and where it came from.
    pub fn push_rule(&mut self, rule: Rule, at: ExportPlace) {
        self.rules.push(rule);
        self.rules_at.push(at);
    }

    /// Appends an outbound rule and where it came from.
    pub fn push_outbound_rule(&mut self, rule: Rule, at: ExportPlace) {
        self.outbound_rules.push(rule);
        self.outbound_rules_at.push(at);
    }

    /// Appends an object and where it came from.
    pub fn push_object(&mut self, object: FirewallObject, at: ExportPlace) {
        self.objects.push(object);
        self.objects_at.push(at);
    }

    /// Appends a service and where it came from.
    pub fn push_service(&mut self, service: NamedService, at: ExportPlace) {
        self.services.push(service);
        self.services_at.push(at);
    }
}

/// Reads the exports firewalls name in `rulebase`. The caller decides where files come from
/// (`mccs_import::rulebase::FileReader` reads them next to the document, through a size
/// limit).
pub trait RulebaseReader {
    /// Reads `reference` for `firewall`.
    ///
    /// # Errors
    ///
    /// Errors come back as findings (with severity error),
    /// each located in the export; the firewall then has no rules and the document has errors,
    /// so nothing is planned on it.
    fn read(
        &mut self,
        firewall: &Firewall,
        reference: &RulebaseRef,
    ) -> Result<ImportedRulebase, Vec<ExportFinding>>;
}

/// A reader for documents that name no exports: every `rulebase` is an error saying the
/// caller must pass a reader. What [`crate::check`] uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoExports;

impl RulebaseReader for NoExports {
    fn read(
        &mut self,
        _firewall: &Firewall,
        reference: &RulebaseRef,
    ) -> Result<ImportedRulebase, Vec<ExportFinding>> {
        Err(vec![ExportFinding::error(
            ExportPlace::new(reference.file.clone(), ""),
            "this document was checked without reading exports (mccs_model::check); read it with mccs_model::check_with and a reader such as mccs_import::rulebase::FileReader, or `mccs validate FILE`",
        )])
    }
}

impl Diagnostic {
    /// A finding in an export, reported at the firewall's `rulebase` (`path`).
    pub fn from_export(path: DocPath, finding: ExportFinding) -> Self {
        Self {
            severity: finding.severity,
            path,
            location: finding.place.location,
            problem: Problem::Export {
                message: finding.message,
            },
            file: Some(finding.place.file),
            export_path: (!finding.place.path.is_empty()).then_some(finding.place.path),
        }
    }
}

/// Where imported elements came from, by their path in the topology.
#[derive(Debug, Default)]
pub(crate) struct Origins {
    /// Model path of an imported rule, object or service -> (the firewall's `rulebase` path,
    /// where in the export).
    by_path: std::collections::HashMap<DocPath, (DocPath, ExportPlace)>,
}

impl Origins {
    /// The imported element `path` lies in, if any: the firewall's `rulebase` path, the
    /// element's place in the export, and the rest of `path` below the element
    /// (`.sources[0]`).
    pub(crate) fn find(&self, path: &DocPath) -> Option<(DocPath, &ExportPlace, String)> {
        if self.by_path.is_empty() {
            return None;
        }
        let segments = path.segments();
        for cut in (1..=segments.len()).rev() {
            let prefix = DocPath::from_segments(segments[..cut].to_vec());
            if let Some((fw, place)) = self.by_path.get(&prefix) {
                let mut rest = String::new();
                for s in &segments[cut..] {
                    match s {
                        Segment::Key(k) => {
                            rest.push('.');
                            rest.push_str(k);
                        }
                        Segment::Index(i) => rest.push_str(&format!("[{i}]")),
                    }
                }
                return Some((fw.clone(), place, rest));
            }
        }
        None
    }
}

/// The most elements (rules, objects, services) one export may add: far above any real
/// firewall's rulebase, and a bound on the work an export can cause.
pub const MAX_IMPORTED_ELEMENTS: usize = 1_000_000;

/// Reads every firewall's `rulebase` into the topology. Returns the findings (paths are model
/// paths) and where each imported element came from.
pub(crate) fn read_all(
    topology: &mut crate::Topology,
    reader: &mut dyn RulebaseReader,
) -> (Vec<Diagnostic>, Origins) {
    let mut diags = Vec::new();
    let mut origins = Origins::default();
    if topology.firewalls.iter().all(|f| f.rulebase.is_none()) {
        return (diags, origins);
    }
    // Name -> (the first element of that name, where it came from when imported).
    type Seen = std::collections::HashMap<String, (usize, Option<ExportPlace>)>;
    let mut objects: Seen = Seen::new();
    for (k, o) in topology.objects.iter().enumerate() {
        objects.entry(o.name().to_string()).or_insert((k, None));
    }
    let mut services: Seen = Seen::new();
    for (k, s) in topology.services.iter().enumerate() {
        services.entry(s.name.to_string()).or_insert((k, None));
    }
    for i in 0..topology.firewalls.len() {
        let fw_at = DocPath::root().key("firewalls").index(i);
        let Some(reference) = topology.firewalls[i].rulebase.clone() else {
            continue;
        };
        let rb_at = fw_at.key("rulebase");
        let before = diags.len();
        let fw = &topology.firewalls[i];
        if !fw.rules.is_empty() || !fw.outbound_rules.is_empty() {
            let list = if fw.rules.is_empty() {
                "outbound_rules"
            } else {
                "rules"
            };
            diags.push(Diagnostic::error(
                fw_at.key(list),
                Problem::Inconsistent {
                    message: format!(
                        "`{list}` is written here and the rules also come from `rulebase` ({}): keep one; mccs never merges a hand copy with an export",
                        reference.file
                    ),
                },
            ));
        }
        if reference.format.holds_many() && reference.select.is_none() {
            diags.push(Diagnostic::error(
                rb_at.clone(),
                Problem::Inconsistent {
                    message: format!(
                        "an export of format {} can hold many rulebases: say which with `select`",
                        reference.format
                    ),
                },
            ));
        }
        let only = |field: &str, set: bool, format: RulebaseFormat| {
            (set && reference.format != format).then(|| {
                Diagnostic::error(
                    rb_at.key(field),
                    Problem::Inconsistent {
                        message: format!(
                            "`{field}` is read only for format {format}, not {}: remove it",
                            reference.format
                        ),
                    },
                )
            })
        };
        diags.extend(only(
            "ip_groups",
            reference.ip_groups.is_some(),
            RulebaseFormat::AzureFirewallPolicy,
        ));
        diags.extend(only(
            "parent",
            reference.parent.is_some(),
            RulebaseFormat::AzureFirewallPolicy,
        ));
        diags.extend(only(
            "rule_groups",
            !reference.rule_groups.is_empty(),
            RulebaseFormat::AwsNetworkFirewall,
        ));
        if diags.len() > before {
            continue;
        }
        let imported = match reader.read(fw, &reference) {
            Ok(rb) => rb,
            Err(findings) => {
                diags.extend(
                    findings
                        .into_iter()
                        .map(|f| Diagnostic::from_export(rb_at.clone(), f)),
                );
                continue;
            }
        };
        let ImportedRulebase {
            rules,
            rules_at,
            outbound_rules,
            outbound_rules_at,
            objects: new_objects,
            objects_at,
            services: new_services,
            services_at,
            findings,
        } = imported;
        let total = rules.len() + outbound_rules.len() + new_objects.len() + new_services.len();
        if total > MAX_IMPORTED_ELEMENTS {
            diags.push(Diagnostic::from_export(
                rb_at.clone(),
                ExportFinding::error(
                    ExportPlace::new(reference.file.clone(), ""),
                    format!(
                        "the export holds {total} rules, objects and services, more than the {MAX_IMPORTED_ELEMENTS} one export may add: split it by firewall"
                    ),
                ),
            ));
            continue;
        }
        diags.extend(
            findings
                .into_iter()
                .map(|f| Diagnostic::from_export(rb_at.clone(), f)),
        );
        let place = |v: &[ExportPlace], j: usize| {
            v.get(j)
                .cloned()
                .unwrap_or_else(|| ExportPlace::new(reference.file.clone(), ""))
        };
        for j in 0..rules.len() {
            origins.by_path.insert(
                fw_at.key("rules").index(j),
                (rb_at.clone(), place(&rules_at, j)),
            );
        }
        for j in 0..outbound_rules.len() {
            origins.by_path.insert(
                fw_at.key("outbound_rules").index(j),
                (rb_at.clone(), place(&outbound_rules_at, j)),
            );
        }
        // Another export gave a name other content (two Network Firewalls whose `HOME_NET`
        // differ): this export's own object of that name is scoped to its firewall
        // (`<firewall>.<name>`), so neither export needs an edit. A clash with the document
        // itself stays an error: the document can be fixed.
        let (mut rules, mut outbound_rules, mut new_objects, mut new_services) =
            (rules, outbound_rules, new_objects, new_services);
        let scope = |name: &str| {
            format!("{}.{name}", topology.firewalls[i].name)
                .parse::<Name>()
                .ok()
        };
        let mut object_renames: HashMap<Name, Name> = HashMap::new();
        for (j, o) in new_objects.iter().enumerate() {
            if let Some((k, Some(first))) = objects.get(o.name().as_str())
                && !topology.objects.get(*k).is_some_and(|x| same_object(x, o))
                && let Some(n) = scope(o.name().as_str())
            {
                diags.push(Diagnostic::from_export(
                    rb_at.clone(),
                    ExportFinding::warning(
                        place(&objects_at, j),
                        format!(
                            "object `{}` differs from the one of that name in {first}: it is named `{n}` for this firewall",
                            o.name()
                        ),
                    ),
                ));
                object_renames.insert(o.name().clone(), n);
            }
        }
        let mut service_renames: HashMap<Name, Name> = HashMap::new();
        for (j, sv) in new_services.iter().enumerate() {
            if let Some((k, Some(first))) = services.get(sv.name.as_str())
                && topology
                    .services
                    .get(*k)
                    .is_none_or(|x| x.services != sv.services)
                && let Some(n) = scope(sv.name.as_str())
            {
                diags.push(Diagnostic::from_export(
                    rb_at.clone(),
                    ExportFinding::warning(
                        place(&services_at, j),
                        format!(
                            "service `{}` differs from the one of that name in {first}: it is named `{n}` for this firewall",
                            sv.name
                        ),
                    ),
                ));
                service_renames.insert(sv.name.clone(), n);
            }
        }
        if !object_renames.is_empty() || !service_renames.is_empty() {
            rename(
                &mut rules,
                &mut outbound_rules,
                &mut new_objects,
                &mut new_services,
                &object_renames,
                &service_renames,
            );
        }
        let fw = &mut topology.firewalls[i];
        fw.rules = rules;
        fw.outbound_rules = outbound_rules;
        for (j, object) in new_objects.into_iter().enumerate() {
            let at = place(&objects_at, j);
            let name = object.name().to_string();
            match objects.get(&name) {
                None => {
                    origins.by_path.insert(
                        DocPath::root().key("objects").index(topology.objects.len()),
                        (rb_at.clone(), at.clone()),
                    );
                    objects.insert(name, (topology.objects.len(), Some(at)));
                    topology.objects.push(object);
                }
                Some((k, first)) => {
                    if !topology
                        .objects
                        .get(*k)
                        .is_some_and(|x| same_object(x, &object))
                    {
                        diags.push(Diagnostic::from_export(
                            rb_at.clone(),
                            ExportFinding::error(
                                at,
                                format!(
                                    "object `{name}` is also defined {} with other content: an object's name means one thing; rename one of them",
                                    first.as_ref().map_or_else(
                                        || "in the document".to_owned(),
                                        |p| format!("in {p}")
                                    )
                                ),
                            ),
                        ));
                    }
                }
            }
        }
        for (j, service) in new_services.into_iter().enumerate() {
            let at = place(&services_at, j);
            let name = service.name.to_string();
            match services.get(&name) {
                None => {
                    origins.by_path.insert(
                        DocPath::root()
                            .key("services")
                            .index(topology.services.len()),
                        (rb_at.clone(), at.clone()),
                    );
                    services.insert(name, (topology.services.len(), Some(at)));
                    topology.services.push(service);
                }
                Some((k, first)) => {
                    if topology
                        .services
                        .get(*k)
                        .is_none_or(|x| x.services != service.services)
                    {
                        diags.push(Diagnostic::from_export(
                            rb_at.clone(),
                            ExportFinding::error(
                                at,
                                format!(
                                    "service `{name}` is also defined {} with other content: a service's name means one thing; rename one of them",
                                    first.as_ref().map_or_else(
                                        || "in the document".to_owned(),
                                        |p| format!("in {p}")
                                    )
                                ),
                            ),
                        ));
                    }
                }
            }
        }
    }
    (diags, origins)
}

/// Applies the renames of an export's objects and services to everything of that export that
/// names them: the objects themselves, group members, rules' addresses and services.
fn rename(
    rules: &mut [Rule],
    outbound_rules: &mut [Rule],
    objects: &mut [FirewallObject],
    services: &mut [NamedService],
    object_renames: &HashMap<Name, Name>,
    service_renames: &HashMap<Name, Name>,
) {
    use crate::{AddressRef, ServiceRef};
    let new_object = |n: &mut Name| {
        if let Some(to) = object_renames.get(n) {
            *n = to.clone();
        }
    };
    for o in objects.iter_mut() {
        match o {
            FirewallObject::Host { name, .. }
            | FirewallObject::Network { name, .. }
            | FirewallObject::Range { name, .. } => new_object(name),
            FirewallObject::Group { name, members, .. } => {
                new_object(name);
                members.iter_mut().for_each(new_object);
            }
        }
    }
    for sv in services.iter_mut() {
        if let Some(to) = service_renames.get(&sv.name) {
            sv.name = to.clone();
        }
    }
    for r in rules.iter_mut().chain(outbound_rules.iter_mut()) {
        for a in r.sources.iter_mut().chain(r.destinations.iter_mut()) {
            if let AddressRef::Object(n) = a {
                new_object(n);
            }
        }
        for v in &mut r.services {
            if let ServiceRef::Named(n) = v
                && let Some(to) = service_renames.get(n)
            {
                *n = to.clone();
            }
        }
    }
}

/// Whether two objects of one name are the same object: the same kind holding the same
/// addresses (or members). Descriptions and publishers may differ: the document's, read first,
/// are kept.
fn same_object(a: &FirewallObject, b: &FirewallObject) -> bool {
    match (a, b) {
        (FirewallObject::Host { address: x, .. }, FirewallObject::Host { address: y, .. }) => {
            x == y
        }
        (
            FirewallObject::Network { address: x, .. },
            FirewallObject::Network { address: y, .. },
        ) => x == y,
        (FirewallObject::Range { range: x, .. }, FirewallObject::Range { range: y, .. }) => x == y,
        (FirewallObject::Group { members: x, .. }, FirewallObject::Group { members: y, .. }) => {
            x == y
        }
        _ => false,
    }
}
