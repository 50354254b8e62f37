//! Each platform's own words, as data: what an Azure Firewall, an AWS Network Firewall and the
//! on-premises (iStore / STMS) form call their objects and tables.
//!
//! Like naming conventions, the words are data a team can replace: [`Vocabularies`] holds one
//! [`Vocabulary`] per kind of request (with built-in defaults) and per-channel overrides, is
//! loadable with serde (`Vocabularies::from_json`), and is chosen with
//! [`crate::BuildOptions::with_vocabularies`]. The words live in `mccs-request`, not in
//! `mccs-naming`: they are how a request *reads* (table headings, object-type words), while
//! `mccs-naming` decides identifiers that end up on firewalls.

use std::collections::BTreeMap;

use mccs_model::{FirewallKind, Platform};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::ObjectType;

/// The words one kind of request uses for its tables and its object types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Vocabulary {
    /// Which vocabulary this is: `on-prem`, `azure-firewall`, `aws-network-firewall`,
    /// `generic`, or a team's own name.
    pub name: String,
    /// The heading of the Object Table, e.g. "Object Table" or "IP Groups".
    pub object_table: String,
    /// The heading of the Traffic Table, e.g. "Traffic Table" or "Network rules".
    pub traffic_table: String,
    /// The word for an object of one or more CIDRs, e.g. "Network IP Range Object".
    pub network_object: String,
    /// The word for an object of one address, e.g. "Host Object".
    pub host_object: String,
    /// The word for an object of `first-last` address ranges, e.g. "Address Range Object".
    pub range_object: String,
    /// The word for a group of objects, e.g. "Group Object".
    pub group_object: String,
}

impl Vocabulary {
    /// The on-premises firewall request (iStore / STMS form), in the seed's words: "Object
    /// Table", "Traffic Table", "Network IP Range Object", "Host Object", "Address Range
    /// Object", "Group Object".
    pub fn on_prem() -> Self {
        Self {
            name: "on-prem".to_owned(),
            object_table: "Object Table".to_owned(),
            traffic_table: "Traffic Table".to_owned(),
            network_object: ObjectType::Network.form_name().to_owned(),
            host_object: ObjectType::Host.form_name().to_owned(),
            range_object: ObjectType::Range.form_name().to_owned(),
            group_object: ObjectType::Group.form_name().to_owned(),
        }
    }

    /// Azure Firewall (Firewall Policy): addresses are IP Groups, rules go in a network rule
    /// collection.
    pub fn azure_firewall() -> Self {
        Self {
            name: "azure-firewall".to_owned(),
            object_table: "IP Groups".to_owned(),
            traffic_table: "Network rules (rule collection)".to_owned(),
            network_object: "IP Group".to_owned(),
            host_object: "IP Group".to_owned(),
            range_object: "IP Group".to_owned(),
            group_object: "IP Group".to_owned(),
        }
    }

    /// AWS Network Firewall: addresses are managed prefix lists (IP set references), rules go
    /// in a stateful rule group.
    pub fn aws_network_firewall() -> Self {
        Self {
            name: "aws-network-firewall".to_owned(),
            object_table: "Prefix lists".to_owned(),
            traffic_table: "Stateful rule group rules".to_owned(),
            network_object: "Managed prefix list".to_owned(),
            host_object: "Managed prefix list".to_owned(),
            range_object: "Managed prefix list".to_owned(),
            group_object: "Managed prefix list".to_owned(),
        }
    }

    /// Requests of any other kind (security groups, mixed platforms): the generic form words.
    pub fn generic() -> Self {
        Self {
            name: "generic".to_owned(),
            ..Self::on_prem()
        }
    }

    /// The word for an object of `kind`.
    pub fn object_word(&self, kind: ObjectType) -> &str {
        match kind {
            ObjectType::Network => &self.network_object,
            ObjectType::Host => &self.host_object,
            ObjectType::Range => &self.range_object,
            ObjectType::Group => &self.group_object,
        }
    }
}

/// The vocabularies a request set is built with: one per kind of request, and overrides per
/// request channel. Every field may be left out of a file; what is left out keeps its default.
///
/// A request takes, in this order: the vocabulary of its channel in `channels`; `on_prem` when
/// every firewall it changes is an edge (3PG) or zone firewall; `azure_firewall` or
/// `aws_network_firewall` when every firewall is a cloud firewall of that platform; else
/// `generic`. The request's headings come from that choice over all its firewalls; each object's
/// type word from the same choice over the firewalls of the rules that use it (so in one request
/// to both cloud firewalls, the Azure VNet's object is an "IP Group" and the AWS VPC's a
/// "Managed prefix list").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Vocabularies {
    /// For the on-premises firewall request (3PG and zone firewalls).
    pub on_prem: Vocabulary,
    /// For requests to Azure Firewall (the ALZ cloud firewall).
    pub azure_firewall: Vocabulary,
    /// For requests to AWS Network Firewall (the LZA cloud firewall).
    pub aws_network_firewall: Vocabulary,
    /// For any other request (security groups, other firewalls, mixed platforms).
    pub generic: Vocabulary,
    /// Per request channel (by the channel's name), overriding the choice above.
    pub channels: BTreeMap<String, Vocabulary>,
}

impl Default for Vocabularies {
    fn default() -> Self {
        Self {
            on_prem: Vocabulary::on_prem(),
            azure_firewall: Vocabulary::azure_firewall(),
            aws_network_firewall: Vocabulary::aws_network_firewall(),
            generic: Vocabulary::generic(),
            channels: BTreeMap::new(),
        }
    }
}

/// A vocabularies file that cannot be read.
#[derive(Debug, Error)]
#[error(
    "the vocabularies document is not valid at line {line}, column {column}: {message}; \
     write a JSON object with any of `on_prem`, `azure_firewall`, `aws_network_firewall`, \
     `generic` (each with `name`, `object_table`, `traffic_table`, `network_object`, \
     `host_object`, `range_object`, `group_object`) and `channels` (channel name to such a \
     vocabulary), see docs/requests.md"
)]
pub struct VocabularyError {
    /// The line (1-based) of the problem.
    pub line: usize,
    /// The column (1-based) of the problem.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl Vocabularies {
    /// Reads vocabularies from JSON; fields left out keep their defaults.
    ///
    /// # Errors
    ///
    /// [`VocabularyError`] when the text is not JSON, a field has the wrong type, a vocabulary
    /// misses one of its words, or a field is unknown; with the line and column.
    ///
    /// ```
    /// let v = mccs_request::Vocabularies::from_json(
    ///     r#"{"channels": {"cloud-firewall-request": {"name": "team", "object_table": "Objects",
    ///        "traffic_table": "Rules", "network_object": "Network", "host_object": "Host",
    ///        "range_object": "Range", "group_object": "Group"}}}"#,
    /// ).unwrap();
    /// assert_eq!(v.on_prem.host_object, "Host Object");
    /// assert_eq!(v.channels["cloud-firewall-request"].object_table, "Objects");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, VocabularyError> {
        serde_json::from_str(text).map_err(|e| VocabularyError {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    }

    /// The vocabulary for a request of `channel` that changes firewalls of these kinds and
    /// platforms.
    pub fn for_request(
        &self,
        channel: &str,
        firewalls: &[(FirewallKind, Option<Platform>)],
    ) -> &Vocabulary {
        if let Some(v) = self.channels.get(channel) {
            return v;
        }
        if firewalls.is_empty() {
            return &self.generic;
        }
        if firewalls
            .iter()
            .all(|(k, _)| matches!(k, FirewallKind::Edge | FirewallKind::Zone))
        {
            return &self.on_prem;
        }
        let cloud_on = |p: Platform| {
            firewalls
                .iter()
                .all(|(k, q)| *k == FirewallKind::Cloud && *q == Some(p))
        };
        if cloud_on(Platform::AzureAlz) {
            &self.azure_firewall
        } else if cloud_on(Platform::AwsLza) {
            &self.aws_network_firewall
        } else {
            &self.generic
        }
    }
}
