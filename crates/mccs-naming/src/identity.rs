//! The typed identities names are made from: who owns the rule or object, which way the traffic
//! goes, and which of several rules of one environment it is.

use std::fmt;

use mccs_model::{Environment, IdentError, LicensePlate, Ministry, Name, Platform};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Which side initiates the traffic a rule allows. A firewall rule permits connections opened
/// from its source; traffic opened from the other side needs a rule of its own.
///
/// ```
/// use mccs_naming::Direction;
/// assert_eq!(Direction::Inbound.as_str(), "inbound");
/// assert_eq!("outbound".parse::<Direction>(), Ok(Direction::Outbound));
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Initiated by the Project Set side: its VPC/VNet opens connections toward on-premises or
    /// the other cloud. The seed's example rule (`MCCS_CITZ_ALZ_LIVE_abc123_prod`) is outbound.
    Outbound,
    /// Initiated toward the Project Set: for example an on-premises system that opens
    /// connections to a cloud resource.
    Inbound,
}

impl Direction {
    /// Both directions, outbound first.
    pub const ALL: [Direction; 2] = [Direction::Outbound, Direction::Inbound];

    /// `outbound` or `inbound`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Outbound => "outbound",
            Self::Inbound => "inbound",
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was neither `outbound` nor `inbound`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a direction: use `outbound` (initiated by the Project Set) or `inbound` (initiated toward it)"
)]
pub struct DirectionParseError {
    input: String,
}

impl DirectionParseError {
    /// The text that was given.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl std::str::FromStr for Direction {
    type Err = DirectionParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| DirectionParseError {
                input: s.to_owned(),
            })
    }
}

/// Everything that identifies a traffic rule except its sequence number: the owner, the
/// environment and the direction. Rules with the same stem are numbered 1, 2, 3, ...
///
/// ```
/// use mccs_naming::{Direction, RuleStem};
/// let stem = RuleStem {
///     ministry: "CITZ".parse()?,
///     platform: mccs_model::Platform::AzureAlz,
///     license_plate: "abc123".parse()?,
///     environment: "prod".parse()?,
///     direction: Direction::Outbound,
/// };
/// assert_eq!(stem.with_sequence(2).sequence, 2);
/// # Ok::<(), mccs_model::IdentError>(())
/// ```
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct RuleStem {
    /// The ministry that owns the Project Set, e.g. `CITZ`.
    pub ministry: Ministry,
    /// The landing zone the Project Set lives in.
    pub platform: Platform,
    /// The Project Set's license plate, e.g. `abc123`.
    pub license_plate: LicensePlate,
    /// The environment whose VPC/VNet the rule is for.
    pub environment: Environment,
    /// Who initiates the traffic.
    pub direction: Direction,
}

impl RuleStem {
    /// The identity of rule number `sequence` of this stem (the first rule is 1).
    pub fn with_sequence(&self, sequence: u32) -> RuleIdentity {
        RuleIdentity {
            ministry: self.ministry,
            platform: self.platform,
            license_plate: self.license_plate,
            environment: self.environment.clone(),
            direction: self.direction,
            sequence,
        }
    }
}

/// The full identity of one traffic rule: the parts a rule name is made of.
///
/// ```
/// use mccs_naming::{Convention, Direction, RuleIdentity};
/// let id = RuleIdentity {
///     ministry: "CITZ".parse()?,
///     platform: mccs_model::Platform::AzureAlz,
///     license_plate: "abc123".parse()?,
///     environment: "prod".parse()?,
///     direction: Direction::Outbound,
///     sequence: 1,
/// };
/// assert_eq!(Convention::mccs_rule().format_rule(&id)?, "MCCS_CITZ_ALZ_LIVE_abc123_prod");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct RuleIdentity {
    /// The ministry that owns the Project Set, e.g. `CITZ`.
    pub ministry: Ministry,
    /// The landing zone the Project Set lives in.
    pub platform: Platform,
    /// The Project Set's license plate, e.g. `abc123`.
    pub license_plate: LicensePlate,
    /// The environment whose VPC/VNet the rule is for.
    pub environment: Environment,
    /// Who initiates the traffic.
    pub direction: Direction,
    /// Which rule of this stem it is, starting at 1. Zero is rejected when formatting.
    pub sequence: u32,
}

impl RuleIdentity {
    /// The identity without its sequence number.
    pub fn stem(&self) -> RuleStem {
        RuleStem {
            ministry: self.ministry,
            platform: self.platform,
            license_plate: self.license_plate,
            environment: self.environment.clone(),
            direction: self.direction,
        }
    }
}

/// What a firewall object the project creates stands for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ObjectKind {
    /// The Network IP Range Object for the environment's VPC/VNet address space. Its token
    /// depends on the platform (`VPC` for AWS LZA, `VNET` for Azure ALZ by default).
    Network,
    /// A single host the project needs an object for, such as an on-premises endpoint. Give it
    /// a label (the endpoint's name) so several hosts do not collide.
    Host,
    /// A network range written as a CIDR literal that has no centrally published object. Give
    /// it a label, e.g. from [`cidr_label`].
    Range,
}

impl ObjectKind {
    /// All kinds, in a fixed order.
    pub const ALL: [ObjectKind; 3] = [ObjectKind::Network, ObjectKind::Host, ObjectKind::Range];

    /// `network`, `host` or `range`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Network => "network",
            Self::Host => "host",
            Self::Range => "range",
        }
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The identity of a firewall object the project creates: the owner, the environment, what the
/// object stands for and, optionally, a label that tells several objects of one kind apart.
///
/// ```
/// use mccs_naming::{Convention, ObjectIdentity, ObjectKind};
/// let vnet = ObjectIdentity {
///     ministry: "CITZ".parse()?,
///     platform: mccs_model::Platform::AzureAlz,
///     license_plate: "abc123".parse()?,
///     environment: "prod".parse()?,
///     kind: ObjectKind::Network,
///     label: None,
/// };
/// assert_eq!(Convention::mccs_object().format_object(&vnet)?, "MCCS_CITZ_ALZ_abc123_prod_VNET");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct ObjectIdentity {
    /// The ministry that owns the Project Set, e.g. `CITZ`.
    pub ministry: Ministry,
    /// The landing zone the Project Set lives in.
    pub platform: Platform,
    /// The Project Set's license plate, e.g. `abc123`.
    pub license_plate: LicensePlate,
    /// The environment the object belongs to.
    pub environment: Environment,
    /// What the object stands for.
    pub kind: ObjectKind,
    /// A label that tells objects of one kind apart, e.g. the endpoint name of a host object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Name>,
}

/// A name parsed back into its identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "target", rename_all = "lowercase")]
pub enum ParsedName {
    /// A traffic rule name.
    Rule(RuleIdentity),
    /// An object name.
    Object(ObjectIdentity),
}

/// Turns a CIDR literal such as `10.20.30.0/24` into a label usable in an object name
/// (`10.20.30.0-24`): `/` becomes `-` and `:` (IPv6) becomes `.`, because many firewalls reject
/// both characters in names (Check Point, for one, forbids `/` and `:`).
///
/// # Errors
///
/// Returns the model's [`IdentError::Name`] when the result is still not a valid name, e.g. for
/// empty input or input with spaces.
///
/// ```
/// use mccs_naming::cidr_label;
/// assert_eq!(cidr_label("10.20.30.0/24")?.as_str(), "10.20.30.0-24");
/// assert_eq!(cidr_label("fd00:1::/64")?.as_str(), "fd00.1..-64");
/// assert!(cidr_label("not a cidr").is_err());
/// # Ok::<(), mccs_model::IdentError>(())
/// ```
pub fn cidr_label(cidr: &str) -> Result<Name, IdentError> {
    let text: String = cidr
        .trim()
        .chars()
        .map(|c| match c {
            '/' => '-',
            ':' => '.',
            other => other,
        })
        .collect();
    if text.contains(' ') {
        // Names may hold spaces; a CIDR never does.
        return Err(IdentError::Name(text));
    }
    text.parse()
}
