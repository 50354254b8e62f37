//! The request set: the typed, serializable contract every output format is rendered from.
//!
//! Everything here is plain data (`Serialize`, `Deserialize`, `JsonSchema`): the JSON output is
//! this structure verbatim, and custom templates see it as their context. Lists keep a stable
//! order (the plan's and the topology's), never a hash order, so output is deterministic.
//!
//! Texts that rows repeat are shared, not copied: names, owners, services, addresses, cloud
//! ends, flow names and the like are `Arc<str>` (lists of them `Vec<Arc<str>>`, or
//! `Arc<[Arc<str>]>` where whole lists repeat, such as a row's services or the objects of a
//! party), and a flow's cloud ends are one `Arc<[CloudEnd]>` its details, rows and summary
//! share. `RequestSet::from_plan` makes one copy of each text and hands out clones of the
//! `Arc`; read them through `Deref` (`&*row.rule`, `row.sources.iter()`), make them with
//! `.into()`. Serialized, an `Arc<str>` is a string and an `Arc<[T]>` a list, as before.

use std::sync::Arc;

use mccs_model::{Date, Platform, RuleList};
use mccs_naming::Direction;

use crate::vocabulary::Vocabulary;
pub use mccs_path::{PathRole, Placement};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The version of the JSON contract. It changes only when a field is removed or changes
/// meaning; new fields may be added within a version.
pub const FORMAT_VERSION: u32 = 1;

/// Everything to file for a plan: one request per request channel, a summary of every flow, and
/// the notes that apply to the whole set.
///
/// Build it with `RequestSet::from_plan`; render it with `mccs_request::render`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RequestSet {
    /// The version of this contract (`FORMAT_VERSION`, 1).
    pub format_version: u32,
    /// A line every format shows before anything else, such as the warning that the requests
    /// are for a built-in example topology (see `BuildOptions::with_banner`). Absent (and left
    /// out of the JSON) when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banner: Option<String>,
    /// One request per channel that has rules to request, in the topology's channel order.
    pub requests: Vec<Request>,
    /// Where every flow stands: already allowed, needs rules, or blocked.
    pub summary: Summary,
    /// Notes that concern the whole set, such as who files which request.
    pub notes: Vec<Note>,
    /// How many flows have pictures of their paths (`BuildOptions::with_pictures`), for the
    /// HTML output only: never in the JSON (see `RequestSet::pictures`).
    #[serde(skip)]
    pub(crate) pictures: Option<crate::picture::PictureCounts>,
    /// For a set of removal requests (`RequestSet::for_removal`): what is removed and the
    /// counts. Absent (and left out of the JSON) for the requests of a plan, which only add.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removal: Option<RemovalSummary>,
}

/// What a set of removal requests removes, and how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RemovalSummary {
    /// `retire-environment` or `expired`.
    pub kind: String,
    /// What is removed, as a sentence: `everything that refers to abc123-prod` or `access
    /// whose expiry date is before 2026-12-03`.
    pub what: String,
    /// The environment retired (`abc123-prod`), for `retire-environment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// The day expiry is judged on, for `expired`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub today: Option<Date>,
    /// How many days ahead a rule or flow that expires soon is warned about, for `expired`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_days: Option<u32>,
    /// Rules to remove: Traffic Table rows (one per rule and firewall) over all requests.
    pub rules_to_remove: usize,
    /// Distinct objects to delete (status `delete`).
    pub objects_to_delete: usize,
    /// Rules that refer to what is removed and to other things: narrowed, not removed (notes).
    pub rules_to_narrow: usize,
    /// Rules and flows that expire within `within_days` days (notes).
    pub expiring_soon: usize,
    /// Rules mccs cannot judge, reported as notes, never removed by guess.
    pub undecided: usize,
}

impl RequestSet {
    /// The request of a channel, by the channel's name (its `Request::id`).
    pub fn request(&self, id: &str) -> Option<&Request> {
        self.requests.iter().find(|r| r.id == id)
    }

    /// The summary of one flow, by name.
    pub fn flow(&self, name: &str) -> Option<&FlowSummary> {
        self.summary.flows.iter().find(|f| *f.flow == *name)
    }

    /// Whether the set has pictures of its flows' paths, and how many flows have one: `None`
    /// unless built with `BuildOptions::with_pictures`. Pictures are for the HTML output only:
    /// they are not part of the JSON contract (a document read back from JSON has none, so
    /// no text from a file can pass for a picture).
    ///
    /// ```
    /// use mccs_request::{BuildOptions, PictureOptions, RequestSet};
    /// let t = mccs_model::examples::reference();
    /// let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
    /// let set = RequestSet::from_plan_with(&t, &plan, &BuildOptions::default().with_pictures(PictureOptions::default()));
    /// let counts = set.pictures().unwrap();
    /// assert_eq!((counts.drawn, counts.left_out), (t.flows.len(), 0));
    /// assert!(set.summary.flows[0].pictures()[0].svg().starts_with("<svg "));
    /// assert!(RequestSet::from_plan(&t, &plan).pictures().is_none());
    /// ```
    pub fn pictures(&self) -> Option<&crate::picture::PictureCounts> {
        self.pictures.as_ref()
    }

    /// The JSON Schema of the contract, as committed at `crates/mccs-request/schema/requests.schema.json`.
    pub fn json_schema() -> schemars::Schema {
        schemars::schema_for!(RequestSet)
    }
}

/// One change request to file through one channel, such as the cloud firewall change request
/// or the on-premises (iStore / STMS) firewall request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Request {
    /// The channel's name in the topology, e.g. `on-prem-firewall-request`. Unique in the set;
    /// used in file names.
    pub id: String,
    /// The request's title, e.g. "On-premises firewall request".
    pub title: String,
    /// The form to fill in, e.g. "STMS Firewall Change Request (iStore)".
    pub form: Option<String>,
    /// Where to file it.
    pub url: Option<String>,
    /// Who files it (e.g. "Project team").
    pub filed_by: String,
    /// Who reviews and implements it (e.g. "Public Cloud Team").
    pub handled_by: String,
    /// The words this request uses for its tables and object types (the platform's own:
    /// "IP Group" for Azure Firewall, "Network IP Range Object" for the on-premises form).
    pub vocabulary: Vocabulary,
    /// The firewalls the request changes, in order of first use in the traffic table.
    pub firewalls: Vec<FirewallInfo>,
    /// The Object Table: every object the traffic table refers to, and whether to create it.
    pub objects: Vec<ObjectRow>,
    /// The Traffic Table: one row per rule to request.
    pub traffic: Vec<TrafficRow>,
    /// The flows the request serves.
    pub flows: Vec<Arc<str>>,
    /// What the request says about each of its flows besides the rules (who asks, the cloud
    /// ends, expiry, change window, justification), in the order of `flows`.
    pub flow_details: Vec<FlowDetails>,
    /// Notes for the reviewer of this request.
    pub notes: Vec<Note>,
}

/// What a request says about one of its flows besides the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct FlowDetails {
    /// The flow's name.
    pub flow: Arc<str>,
    /// Who asks for it and answers the reviewers' questions.
    pub requester: Option<Arc<str>>,
    /// Its cloud ends: Project Set environment, account or subscription, region.
    pub cloud_ends: Arc<[CloudEnd]>,
    /// When its rules may be removed.
    pub expires: Option<Date>,
    /// When the change may be implemented, e.g. `Sat 22:00-02:00 PT`.
    pub change_window: Option<Arc<str>>,
    /// Why it is needed.
    pub justification: Option<Arc<str>>,
}

/// A firewall a request changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct FirewallInfo {
    /// Its name in the topology.
    pub name: String,
    /// What it is: `cloud firewall`, `edge firewall (3PG)`, `zone firewall`, `security group`
    /// or `firewall`.
    pub kind: String,
    /// Who runs it.
    pub owner: String,
    /// Free text from the topology.
    pub description: Option<String>,
}

/// What kind of firewall object a row is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ObjectType {
    /// A Network IP Range Object: one or more CIDRs, such as a VPC/VNet address space.
    Network,
    /// A Host Object: a single address.
    Host,
    /// An Address Range Object: `first-last` ranges, such as PrivateLink private IPs.
    Range,
    /// A group of other objects (only ever referenced, never created here).
    Group,
}

impl ObjectType {
    /// The on-premises form's wording (the defaults of `Vocabulary::on_prem`): "Network IP
    /// Range Object", "Host Object", "Address Range Object" or "Group Object". A request's
    /// Object Table uses its own `Request::vocabulary`.
    pub fn form_name(self) -> &'static str {
        match self {
            Self::Network => "Network IP Range Object",
            Self::Host => "Host Object",
            Self::Range => "Address Range Object",
            Self::Group => "Group Object",
        }
    }
}

/// Whether an object must be created or is referenced as it is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ObjectStatus {
    /// Create it with the request (named per the object naming convention).
    Create,
    /// An object of the topology already holds exactly these addresses: reference it, do not
    /// re-create it.
    Existing,
    /// A centrally published object (e.g. an OpenShift cluster endpoint object): reference it,
    /// never re-create it.
    Published,
    /// A removal request: delete the object, as the rules it removes were the last to use it.
    Delete,
    /// A removal request: keep the object, as rules or groups that stay still use it
    /// (`ObjectRow::still_used_by`) or it is centrally published.
    Keep,
}

/// One row of an Object Table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ObjectRow {
    /// The object's name: the existing or published object's, or the name to create it under.
    pub name: Arc<str>,
    /// What kind of object it is.
    pub kind: ObjectType,
    /// The word for the kind (`Vocabulary::object_word`) on the firewalls whose rules use the
    /// object, e.g. "Network IP Range Object" on-premises, "IP Group" on Azure Firewall.
    pub type_name: String,
    /// The addresses as the form takes them: a host address, CIDRs, or `first-last` ranges.
    pub addresses: Vec<String>,
    /// The same addresses as the smallest list of CIDRs.
    pub cidrs: Vec<String>,
    /// Create, or reference an existing or published object.
    pub status: ObjectStatus,
    /// Who publishes it, for published objects.
    pub published_by: Option<String>,
    /// What the addresses are, e.g. "VNet address space of abc123-prod (CITZ)".
    pub stands_for: String,
    /// The traffic rules of this request that use it.
    pub used_by: Vec<Arc<str>>,
    /// In a removal request: the rules (`RULE on FIREWALL`) and groups (`group NAME`) that
    /// stay and still use the object, so it is kept. Empty (and left out of the JSON) otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub still_used_by: Vec<String>,
}

/// What a Traffic Table row asks for: a plan's requests allow traffic, removal requests take
/// existing rules out.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum RuleAction {
    /// Let the traffic through.
    Allow,
    /// Remove the existing rule from the firewall's rulebase (a removal request).
    Remove,
}

/// One firewall a traffic rule must be applied on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RuleTarget {
    /// The firewall.
    pub firewall: Arc<str>,
    /// Who runs it.
    pub owner: Arc<str>,
    /// Where in its rulebase. For a rule to remove it means nothing (`append`): `position`
    /// says where the rule is.
    pub placement: Placement,
    /// For a rule to remove: its position in the firewall's list, from 1. Absent (and left
    /// out of the JSON) for a rule to add.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
    /// For a network ACL: the rule number to give the rule (lower numbers are evaluated first).
    pub rule_number: Option<u32>,
    /// The paths that need the rule here.
    pub roles: Vec<PathRole>,
    /// The request form's Traffic Table lines for the rule on this firewall: one per service,
    /// numbered through the whole request.
    pub lines: Vec<TrafficLine>,
}

/// One line of a request form's Traffic Table: one rule, on one firewall, for one service.
///
/// A rule with two services that goes on two firewalls fills four lines, so every line has a
/// single firewall, protocol and port, as request forms ask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct TrafficLine {
    /// The line's number in its request's Traffic Table, from 1, in the order of the rules,
    /// then of their firewalls (`TrafficRow::apply_on`), then of their services.
    pub number: usize,
    /// The service as `TrafficRow::services` spells it, e.g. `tcp/443`, `icmp`, `any`.
    pub service: Arc<str>,
    /// Its protocol: `tcp`, `udp`, `icmp`, `any`, ...
    pub protocol: Arc<str>,
    /// Its port or port range, e.g. `443` or `1024-65535`; `any` for any service; empty for a
    /// protocol without ports (`icmp`).
    pub port: Arc<str>,
}

/// One row of a Traffic Table: a rule to request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct TrafficRow {
    /// The rule name, e.g. `MCCS_CITZ_ALZ_LIVE_abc123_prod`.
    pub rule: Arc<str>,
    /// Outbound (initiated by the Project Set) or inbound (initiated toward it).
    pub direction: Direction,
    /// The Project Set environment the rule is for (`abc123-prod`), if any.
    pub owner: Option<Arc<str>>,
    /// Source objects (names from the Object Table).
    pub sources: Arc<[Arc<str>]>,
    /// The source addresses as CIDRs, as the firewalls see them.
    pub source_addresses: Arc<[Arc<str>]>,
    /// Destination objects (names from the Object Table).
    pub destinations: Arc<[Arc<str>]>,
    /// The destination addresses as CIDRs.
    pub destination_addresses: Arc<[Arc<str>]>,
    /// Services: `tcp/1521`, `udp/53`, `icmp`, `any`.
    pub services: Arc<[Arc<str>]>,
    /// `allow` for a rule to add; `remove` in a removal request.
    pub action: RuleAction,
    /// The firewalls to apply it on, with placement and the paths that need it.
    pub apply_on: Vec<RuleTarget>,
    /// For a security group / NSG or network ACL: the list the rule goes in, `inbound` (the
    /// firewall's `rules`) or `outbound` (its `outbound_rules`).
    pub list: Option<RuleList>,
    /// Whether the row lets the return traffic of its flows back through a stateless filter
    /// (network ACL): from the flow's destination to its source, to the ephemeral ports.
    pub return_traffic: bool,
    /// The paths that need the rule on any firewall: primary, failover or both.
    pub roles: Vec<PathRole>,
    /// The flows that need it.
    pub flows: Vec<Arc<str>>,
    /// Their justifications.
    pub justifications: Vec<Arc<str>>,
    /// Who asks for them (the flows' `requester`s).
    pub requesters: Vec<Arc<str>>,
    /// When the rule may be removed: the latest `expires` of its flows when every one of them
    /// expires, else none (a flow without an expiry keeps the rule).
    pub expires: Option<Date>,
    /// When the change may be implemented (the flows' `change_window`s).
    pub change_windows: Vec<Arc<str>>,
    /// The cloud ends of its flows: Project Set environment, account or subscription, region.
    pub cloud_ends: Arc<[CloudEnd]>,
    /// Whether a flow it serves has a failover path in this direction. When false, the flows
    /// have a single path: nothing here covers a failure of it.
    pub failover_path: bool,
}

/// A cloud end of a flow: the Project Set environment, and where its VPC/VNet lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CloudEnd {
    /// The environment, e.g. `abc123-prod`.
    pub environment: Arc<str>,
    /// Its platform (`aws-lza`, `azure-alz`).
    pub platform: Platform,
    /// The AWS account ID or Azure subscription ID of its VPC/VNet.
    pub account: Arc<str>,
    /// The region of its VPC/VNet, e.g. `canadacentral`, `ca-central-1`.
    pub region: Arc<str>,
}

/// Where a flow, or one direction of it, stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum FlowStatus {
    /// Every firewall on every path allows it today: nothing to request.
    AlreadyAllowed,
    /// Rules must be requested (see the requests).
    NeedsRules,
    /// Something a firewall rule cannot fix stops it (see the problems).
    Blocked,
}

impl FlowStatus {
    /// `already allowed`, `needs rules` or `blocked`.
    pub fn label(self) -> &'static str {
        match self {
            Self::AlreadyAllowed => "already allowed",
            Self::NeedsRules => "needs rules",
            Self::Blocked => "blocked",
        }
    }
}

/// Counts over the whole set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Totals {
    /// Flows planned.
    pub flows: usize,
    /// Flows already allowed.
    pub already_allowed: usize,
    /// Flows that need rules.
    pub needs_rules: usize,
    /// Flows blocked by a problem a rule cannot fix.
    pub blocked: usize,
    /// Flows some firewall allows only in part today.
    pub partially_allowed: usize,
    /// Requests to file.
    pub requests: usize,
    /// Distinct rules to request, each counted once however many requests carry it (one flow
    /// and direction have one rule name in every request).
    pub rules: usize,
    /// Distinct objects to create, each counted once however many requests use it.
    pub objects_to_create: usize,
    /// Traffic Table rows over all requests (a rule in two requests counts twice).
    pub traffic_rows: usize,
    /// Traffic Table lines over all requests, as request forms take them: one per rule,
    /// firewall and service (`TrafficLine`).
    pub traffic_lines: usize,
}

/// Where every flow stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Summary {
    /// Counts.
    pub totals: Totals,
    /// One entry per flow, in the plan's order.
    pub flows: Vec<FlowSummary>,
}

/// Where one flow stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct FlowSummary {
    /// The flow's name.
    pub flow: Arc<str>,
    /// Why it is needed.
    pub justification: Option<Arc<str>>,
    /// Who asks for it.
    pub requester: Option<Arc<str>>,
    /// When its rules may be removed.
    pub expires: Option<Date>,
    /// When the change may be implemented, e.g. `Sat 22:00-02:00 PT`.
    pub change_window: Option<Arc<str>>,
    /// Its cloud ends: Project Set environment, account or subscription, region.
    pub cloud_ends: Arc<[CloudEnd]>,
    /// Blocked if any direction is, else needs rules if any direction does.
    pub status: FlowStatus,
    /// Whether a firewall allows only part of it today.
    pub partially_allowed: bool,
    /// One entry per initiating side.
    pub directions: Vec<DirectionSummary>,
    /// Problems that stop the flow before any path is traced (unknown ends, initiator).
    pub problems: Vec<Problem>,
    /// Pictures of its paths, one per direction (`BuildOptions::with_pictures`); for the HTML
    /// output only, never in the JSON.
    #[serde(skip)]
    pub(crate) pictures: Vec<crate::picture::Picture>,
}

impl FlowSummary {
    /// The pictures of the flow's paths, one per direction traced, in the order of
    /// `directions`: empty unless the set was built with `BuildOptions::with_pictures` and
    /// the flow is among those pictured.
    pub fn pictures(&self) -> &[crate::picture::Picture] {
        &self.pictures
    }
}

/// Where one direction of a flow stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DirectionSummary {
    /// Outbound (initiated by the Project Set) or inbound (toward it).
    pub direction: Direction,
    /// Who opens connections, with addresses, e.g. `abc123-prod (10.46.8.0/24)`.
    pub source: Arc<str>,
    /// Who they are opened to.
    pub destination: Arc<str>,
    /// Services.
    pub services: Arc<[Arc<str>]>,
    /// Where this direction stands.
    pub status: FlowStatus,
    /// Whether a failover path (a secondary link or the DR region) was found. When false the
    /// direction has a single path, and `details` says there is no failover path.
    pub failover_path: bool,
    /// Firewalls that allow the whole traffic today, with the existing rules that do.
    pub allowed: Vec<FirewallRules>,
    /// Firewalls that allow only part of it today, and what they leave out.
    pub partial: Vec<PartialAllowance>,
    /// Rules requested for it, per request.
    pub requested: Vec<RequestedRule>,
    /// What blocks it (when blocked).
    pub problems: Vec<Problem>,
    /// Things to look at that do not block it (e.g. an expired rule it relies on).
    pub warnings: Vec<Problem>,
    /// All of the above as sentences, for tables.
    pub details: Vec<String>,
}

/// Existing rules of one firewall that let a flow through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct FirewallRules {
    /// The firewall.
    pub firewall: String,
    /// For a security group / NSG or network ACL: the list whose rules these are.
    pub list: Option<RuleList>,
    /// Whether these rules let the return traffic through (a stateless filter).
    pub return_traffic: bool,
    /// Its rules that allow the traffic, in rulebase order.
    pub rules: Vec<String>,
    /// The paths on which it does.
    pub roles: Vec<PathRole>,
}

/// A firewall that allows only part of a flow today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PartialAllowance {
    /// The firewall.
    pub firewall: String,
    /// For a security group / NSG or network ACL: the list that judged.
    pub list: Option<RuleList>,
    /// Whether this is about the return traffic through a stateless filter.
    pub return_traffic: bool,
    /// Rules that allow a part.
    pub allowed_by: Vec<String>,
    /// Rules that deny a part.
    pub denied_by: Vec<String>,
    /// Sources of the part left out.
    pub left_out_sources: String,
    /// Destinations of the part left out.
    pub left_out_destinations: String,
    /// Services of the part left out.
    pub left_out_services: String,
    /// The paths on which this is so.
    pub roles: Vec<PathRole>,
}

/// A rule requested for a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RequestedRule {
    /// The request it is in (its `id`).
    pub request: Arc<str>,
    /// The rule name.
    pub rule: Arc<str>,
    /// The firewalls it goes on for this flow.
    pub firewalls: Vec<Arc<str>>,
}

/// Something that stops a flow or needs attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Problem {
    /// A stable identifier: `no-route`, `loop`, `not-owned`, `ambiguous`, `unknown-end`,
    /// `initiator`, `expired-rule`, `too-many-paths`, ...
    pub kind: String,
    /// What is wrong and what to do about it.
    pub message: String,
}

/// What a note is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum NoteKind {
    /// Who files which request and who owns which part of the path.
    SharedResponsibility,
    /// A rule allows traffic initiated from its source only: the other side needs its own rule.
    Direction,
    /// The source the firewall sees is not the original one (PrivateLink).
    TranslatedSource,
    /// Rules requested on a secondary link or DR region.
    Failover,
    /// A rule must go above an existing deny rule.
    Placement,
    /// Existing or published objects are referenced, not re-created.
    Objects,
    /// Flows that no request can fix.
    Blocked,
    /// A stateless filter (network ACL) on the path: the return traffic needs its own rule.
    Stateless,
    /// A removal: a rule or group refers to what is removed and to other things: narrow it
    /// rather than remove it.
    Narrow,
    /// A removal: a rule or flow expires soon.
    Expiring,
    /// A removal: something mccs cannot judge, to be checked by a person (never guessed).
    Undecided,
    /// A removal: a rule that lets expired access through is kept, as live access needs it.
    Kept,
}

/// A note for the people filing or reviewing a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Note {
    /// What it is about.
    pub kind: NoteKind,
    /// The note.
    pub text: String,
}
