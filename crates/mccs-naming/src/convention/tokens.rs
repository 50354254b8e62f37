//! The tokens placeholders render to and are read back from: directions, platforms and object
//! kinds.

use mccs_model::Platform;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::identity::{Direction, ObjectKind};

/// The tokens `{direction}` renders to. One of them may be empty when the placeholder is
/// optional: that direction is then written by leaving the part out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectionTokens {
    /// Token for [`Direction::Outbound`]; empty by default, so the first outbound rule is the
    /// seed's name exactly.
    pub outbound: String,
    /// Token for [`Direction::Inbound`]; `IN` by default.
    pub inbound: String,
}

impl Default for DirectionTokens {
    fn default() -> Self {
        Self {
            outbound: String::new(),
            inbound: "IN".to_owned(),
        }
    }
}

impl DirectionTokens {
    /// The token for `direction`.
    pub fn token(&self, direction: Direction) -> &str {
        match direction {
            Direction::Outbound => &self.outbound,
            Direction::Inbound => &self.inbound,
        }
    }

    /// The direction whose token is `token` (exact case).
    pub fn direction(&self, token: &str) -> Option<Direction> {
        Direction::ALL.into_iter().find(|d| self.token(*d) == token)
    }
}

/// The tokens `{platform}` renders to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlatformTokens {
    /// Token for AWS Landing Zone Accelerator; `LZA` by default.
    pub aws_lza: String,
    /// Token for Azure Landing Zone; `ALZ` by default.
    pub azure_alz: String,
}

impl Default for PlatformTokens {
    fn default() -> Self {
        Self {
            aws_lza: Platform::AwsLza.token().to_owned(),
            azure_alz: Platform::AzureAlz.token().to_owned(),
        }
    }
}

impl PlatformTokens {
    /// The token for `platform`.
    pub fn token(&self, platform: Platform) -> &str {
        match platform {
            Platform::AwsLza => &self.aws_lza,
            Platform::AzureAlz => &self.azure_alz,
        }
    }

    /// The platform whose token is `token` (exact case).
    pub fn platform(&self, token: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| self.token(*p) == token)
    }
}

/// The tokens `{kind}` renders to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KindTokens {
    /// The network object of an AWS LZA VPC; `VPC` by default.
    pub vpc: String,
    /// The network object of an Azure ALZ VNet; `VNET` by default.
    pub vnet: String,
    /// A host object; `HOST` by default.
    pub host: String,
    /// A CIDR range object; `NET` by default.
    pub range: String,
}

impl Default for KindTokens {
    fn default() -> Self {
        Self {
            vpc: "VPC".to_owned(),
            vnet: "VNET".to_owned(),
            host: "HOST".to_owned(),
            range: "NET".to_owned(),
        }
    }
}

impl KindTokens {
    /// The token for an object of `kind` on `platform`.
    pub fn token(&self, kind: ObjectKind, platform: Platform) -> &str {
        match (kind, platform) {
            (ObjectKind::Network, Platform::AwsLza) => &self.vpc,
            (ObjectKind::Network, Platform::AzureAlz) => &self.vnet,
            (ObjectKind::Host, _) => &self.host,
            (ObjectKind::Range, _) => &self.range,
        }
    }

    /// The kind whose token is `token` (exact case) and, for network objects, the platform the
    /// token belongs to.
    pub fn kind(&self, token: &str) -> Option<(ObjectKind, Option<Platform>)> {
        if token == self.vpc {
            Some((ObjectKind::Network, Some(Platform::AwsLza)))
        } else if token == self.vnet {
            Some((ObjectKind::Network, Some(Platform::AzureAlz)))
        } else if token == self.host {
            Some((ObjectKind::Host, None))
        } else if token == self.range {
            Some((ObjectKind::Range, None))
        } else {
            None
        }
    }

    pub(super) fn all(&self) -> [&str; 4] {
        [&self.vpc, &self.vnet, &self.host, &self.range]
    }
}
