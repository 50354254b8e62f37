//! Names for MCCS firewall rules and objects: write them from typed identity, read them back
//! with precise errors, check an existing rulebase, and pick the next free unique name.
//!
//! ```
//! use mccs_model::Platform;
//! use mccs_naming::{next_free, Conventions, Direction, RuleStem};
//!
//! let conventions = Conventions::default();
//! let rules = conventions.rule();
//!
//! // The seed's example reads back as CITZ / azure-alz / abc123 / prod, outbound, rule 1.
//! let seed = rules.parse_rule("MCCS_CITZ_ALZ_LIVE_abc123_prod")?;
//! assert_eq!(seed.platform, Platform::AzureAlz);
//! assert_eq!((seed.direction, seed.sequence), (Direction::Outbound, 1));
//!
//! // A second outbound flow and the first on-prem-initiated flow get their own names.
//! let used = ["MCCS_CITZ_ALZ_LIVE_abc123_prod"];
//! assert_eq!(next_free(rules, &seed.stem(), used)?, "MCCS_CITZ_ALZ_LIVE_abc123_prod_02");
//! let inbound = RuleStem { direction: Direction::Inbound, ..seed.stem() };
//! assert_eq!(next_free(rules, &inbound, used)?, "MCCS_CITZ_ALZ_LIVE_abc123_prod_IN");
//!
//! // Malformed names say which part is wrong and how to fix it.
//! let err = rules.parse_rule("MCCS_CITZ_alz_LIVE_abc123_prod").unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "part 3 `alz` is not a platform token: platform tokens are written exactly: `ALZ` for azure-alz"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The scheme
//!
//! Traffic rules follow [`Convention::mccs_rule`]:
//! `MCCS_{ministry}_{platform}_LIVE_{plate}_{env}_{direction?}_{sequence?}`. The seed's
//! pattern is the prefix; an optional part is left out, with its separator, when empty.
//! Outbound rules (initiated by the Project Set) have no direction part, inbound ones
//! (initiated toward it, e.g. from on-premises) end in `_IN`; the first rule of an environment
//! and direction has no sequence part, later ones `_02`, `_03`, ... So the first outbound rule
//! is the seed's name verbatim:
//!
//! | rule | name |
//! | --- | --- |
//! | 1st outbound | `MCCS_CITZ_ALZ_LIVE_abc123_prod` |
//! | 2nd outbound | `MCCS_CITZ_ALZ_LIVE_abc123_prod_02` |
//! | 1st inbound | `MCCS_CITZ_ALZ_LIVE_abc123_prod_IN` |
//! | 2nd inbound | `MCCS_CITZ_ALZ_LIVE_abc123_prod_IN_02` |
//!
//! Objects follow [`Convention::mccs_object`]:
//! `MCCS_{ministry}_{platform}_{plate}_{env}_{kind}_{label?}`, e.g.
//! `MCCS_CITZ_ALZ_abc123_prod_VNET` for the Network IP Range Object of a VNet.
//!
//! Conventions are data ([`ConventionSpec`]): another organisation can load its own template,
//! tokens and limits from a configuration file. See `docs/naming.md` for the full description
//! and the name-length limits of common firewalls.

mod check;
mod convention;
mod format;
mod identity;
mod parse;

pub use check::{Finding, check_rulebase, next_free};
pub use convention::{
    Convention, ConventionError, ConventionSpec, Conventions, ConventionsSpec, DirectionTokens,
    KindTokens, Limits, Placeholder, PlatformTokens, Target,
};
pub use format::FormatError;
pub use identity::{
    Direction, DirectionParseError, ObjectIdentity, ObjectKind, ParsedName, RuleIdentity, RuleStem,
    cidr_label,
};
pub use parse::{ParseError, ParseOptions};
