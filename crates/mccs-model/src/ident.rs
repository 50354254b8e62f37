//! Identity: who owns a network. Ministry, license plate, environment, platform, and the names
//! used for everything else in the document.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use crate::text::text_serde;

/// Why a piece of identity text was rejected. Each variant says what is wrong and what is expected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum IdentError {
    /// A ministry short name that is not 2 to 10 upper-case letters or digits.
    #[error(
        "`{0}` is not a ministry short name: use 2 to 10 upper-case letters or digits, starting with a letter (e.g. `CITZ`)"
    )]
    Ministry(String),
    /// A license plate that is not six lower-case letters or digits.
    #[error(
        "`{0}` is not a license plate: use exactly 6 lower-case letters or digits (e.g. `abc123`)"
    )]
    LicensePlate(String),
    /// An environment name that is not a lower-case word.
    #[error(
        "`{0}` is not an environment: use `dev`, `test`, `prod`, `tools`, or another lower-case word of up to 16 letters, digits or `-`"
    )]
    Environment(String),
    /// A platform token that is neither AWS LZA nor Azure ALZ.
    #[error(
        "`{0}` is not a platform: use `aws-lza` (AWS Landing Zone Accelerator) or `azure-alz` (Azure Landing Zone)"
    )]
    Platform(String),
    /// A name with characters a firewall would not accept.
    #[error(
        "`{0}` is not a valid name: use 1 to 128 letters, digits, `_`, `-`, `.` or single spaces, starting with a letter or digit and not ending in a space"
    )]
    Name(String),
    /// A Project Set environment reference that is not `<plate>-<env>`.
    #[error(
        "`{0}` is not a Project Set environment: write `<license plate>-<environment>`, e.g. `abc123-prod`"
    )]
    EnvRef(String),
}

/// A ministry short name, such as `CITZ`: 2 to 10 upper-case ASCII letters or digits, starting
/// with a letter.
///
/// ```
/// use mccs_model::Ministry;
/// let m: Ministry = "CITZ".parse()?;
/// assert_eq!(m.as_str(), "CITZ");
/// assert!("citz".parse::<Ministry>().is_err());
/// # Ok::<(), mccs_model::IdentError>(())
/// ```
///
/// Kept inline (a name read back or copied allocates nothing); it compares and orders as its
/// text, and `Debug` shows it as text (`Ministry("CITZ")`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ministry(
    /// The name, padded with zero bytes: the name has none, so padded arrays compare and order
    /// as the names do.
    [u8; Ministry::MAX_LEN],
);

impl Ministry {
    /// The longest short name.
    const MAX_LEN: usize = 10;

    /// The short name as written.
    pub fn as_str(&self) -> &str {
        let len = self.0.iter().position(|b| *b == 0).unwrap_or(Self::MAX_LEN);
        // Only ASCII bytes are ever stored, so this cannot fail; fall back to "" to stay total.
        self.0
            .get(..len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

impl FromStr for Ministry {
    type Err = IdentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = (2..=Self::MAX_LEN).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_uppercase())
            && s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        let mut bytes = [0; Self::MAX_LEN];
        match bytes.get_mut(..s.len()) {
            Some(to) if ok => {
                to.copy_from_slice(s.as_bytes());
                Ok(Self(bytes))
            }
            _ => Err(IdentError::Ministry(s.to_owned())),
        }
    }
}

impl fmt::Display for Ministry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Ministry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Ministry").field(&self.as_str()).finish()
    }
}

text_serde!(Ministry, "Ministry", {
    "type": "string",
    "pattern": "^[A-Z][A-Z0-9]{1,9}$",
    "description": "Ministry short name, e.g. `CITZ`."
});

/// A Project Set license plate, such as `abc123`: exactly six lower-case ASCII letters or digits.
///
/// ```
/// use mccs_model::LicensePlate;
/// let p: LicensePlate = "abc123".parse()?;
/// assert_eq!(p.to_string(), "abc123");
/// assert!("abc1234".parse::<LicensePlate>().is_err());
/// assert!("ABC123".parse::<LicensePlate>().is_err());
/// # Ok::<(), mccs_model::IdentError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LicensePlate([u8; 6]);

impl LicensePlate {
    /// The plate as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII bytes are ever stored, so this cannot fail; fall back to "" to stay total.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl FromStr for LicensePlate {
    type Err = IdentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes: [u8; 6] = s
            .as_bytes()
            .try_into()
            .map_err(|_| IdentError::LicensePlate(s.to_owned()))?;
        if bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            Ok(Self(bytes))
        } else {
            Err(IdentError::LicensePlate(s.to_owned()))
        }
    }
}

impl fmt::Display for LicensePlate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

text_serde!(LicensePlate, "LicensePlate", {
    "type": "string",
    "pattern": "^[a-z0-9]{6}$",
    "description": "Project Set license plate: six lower-case letters or digits, e.g. `abc123`."
});

/// An environment of a Project Set. The four the platforms provision are variants; others are
/// allowed as [`Environment::Other`] and can only be built through parsing, so `Other` never
/// holds one of the four.
///
/// ```
/// use mccs_model::Environment;
/// assert_eq!("prod".parse::<Environment>()?, Environment::Prod);
/// assert_eq!("sandbox".parse::<Environment>()?.to_string(), "sandbox");
/// assert!("Prod".parse::<Environment>().is_err());
/// # Ok::<(), mccs_model::IdentError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Environment {
    /// `dev`
    Dev,
    /// `test`
    Test,
    /// `prod`
    Prod,
    /// `tools`
    Tools,
    /// Any other lower-case environment name.
    Other(CustomEnvironment),
}

/// The name of an environment other than dev, test, prod and tools. Built only by parsing an
/// [`Environment`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CustomEnvironment(String);

impl CustomEnvironment {
    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Environment {
    /// The lower-case name, as written in documents and rule names.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Dev => "dev",
            Self::Test => "test",
            Self::Prod => "prod",
            Self::Tools => "tools",
            Self::Other(c) => c.as_str(),
        }
    }
}

impl FromStr for Environment {
    type Err = IdentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "dev" => Self::Dev,
            "test" => Self::Test,
            "prod" => Self::Prod,
            "tools" => Self::Tools,
            _ => {
                let ok = (1..=16).contains(&s.len())
                    && s.starts_with(|c: char| c.is_ascii_lowercase())
                    && s.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if !ok {
                    return Err(IdentError::Environment(s.to_owned()));
                }
                Self::Other(CustomEnvironment(s.to_owned()))
            }
        })
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

text_serde!(Environment, "Environment", {
    "type": "string",
    "pattern": "^[a-z][a-z0-9-]{0,15}$",
    "description": "Environment name: `dev`, `test`, `prod`, `tools`, or another lower-case word."
});

/// The cloud landing zone a Project Set lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Platform {
    /// AWS Landing Zone Accelerator (`aws-lza`); rule-name token `LZA`.
    AwsLza,
    /// Azure Landing Zone (`azure-alz`); rule-name token `ALZ`.
    AzureAlz,
}

impl Platform {
    /// Both platforms, in a fixed order.
    pub const ALL: [Platform; 2] = [Platform::AwsLza, Platform::AzureAlz];

    /// The document spelling: `aws-lza` or `azure-alz`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AwsLza => "aws-lza",
            Self::AzureAlz => "azure-alz",
        }
    }

    /// The token used in rule names: `LZA` or `ALZ`.
    pub fn token(self) -> &'static str {
        match self {
            Self::AwsLza => "LZA",
            Self::AzureAlz => "ALZ",
        }
    }

    /// The platform whose rule-name token is `token` (`LZA` or `ALZ`, exact case).
    pub fn from_token(token: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.token() == token)
    }

    /// What the provider calls a network: `VPC` or `VNet`.
    pub fn network_noun(self) -> &'static str {
        match self {
            Self::AwsLza => "VPC",
            Self::AzureAlz => "VNet",
        }
    }

    /// What the provider calls the container of an environment: `account` or `subscription`.
    pub fn account_noun(self) -> &'static str {
        match self {
            Self::AwsLza => "account",
            Self::AzureAlz => "subscription",
        }
    }

    /// The name of the private hybrid link on this platform.
    pub fn hybrid_link_noun(self) -> &'static str {
        match self {
            Self::AwsLza => "DirectConnect",
            Self::AzureAlz => "ExpressRoute",
        }
    }
}

impl FromStr for Platform {
    type Err = IdentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| IdentError::Platform(s.to_owned()))
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

text_serde!(Platform, "Platform", {
    "type": "string",
    "enum": ["aws-lza", "azure-alz"],
    "description": "Cloud landing zone: `aws-lza` (AWS Landing Zone Accelerator) or `azure-alz` (Azure Landing Zone)."
});

/// The name of a thing in the document: a firewall, object, service, zone, endpoint, link...
/// 1 to 128 ASCII letters, digits, `_`, `-`, `.` or spaces, starting with a letter or digit
/// and not ending in a space: what firewall managers accept as an object name (PAN-OS allows
/// spaces, as in `Allow web`; one space at a time).
///
/// ```
/// use mccs_model::Name;
/// assert!("OCP_SILVER_EGRESS".parse::<Name>().is_ok());
/// assert!("Allow web".parse::<Name>().is_ok());
/// assert!("bad  name".parse::<Name>().is_err());
/// assert!("bad/name".parse::<Name>().is_err());
/// ```
///
/// A name is shared text: cloning one (a plan copies a firewall's or a flow's name into every
/// step, need and rule that refers to it) counts a reference instead of copying the text.
/// Names compare, order and hash as their text; two clones of one name compare equal without
/// reading it.
#[derive(Debug, Clone, Eq)]
pub struct Name(std::sync::Arc<str>);

/// As the text (`str`'s hash), so a name is found in a map by its text ([`Borrow<str>`]).
///
/// [`Borrow<str>`]: std::borrow::Borrow
impl std::hash::Hash for Name {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

/// As the text, told at once for two clones of one name (a plan compares the names its keys
/// share with the topology many times over; the text may be far away in memory).
///
/// ```
/// let a: mccs_model::Name = "zone-b".parse()?;
/// let b: mccs_model::Name = "zone-b".parse()?; // the same text, another copy
/// assert_eq!(a, a.clone());
/// assert_eq!(a, b);
/// assert_ne!(a, "zone-c".parse::<mccs_model::Name>()?);
/// # Ok::<(), mccs_model::IdentError>(())
/// ```
impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// In the order of the text ([`str`]'s), told at once for two clones of one name.
impl Ord for Name {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if std::sync::Arc::ptr_eq(&self.0, &other.0) {
            std::cmp::Ordering::Equal
        } else {
            self.0.cmp(&other.0)
        }
    }
}

impl Name {
    /// The longest name accepted.
    pub const MAX_LEN: usize = 128;

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Name {
    type Err = IdentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = (1..=Self::MAX_LEN).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_alphanumeric())
            && !s.ends_with(' ')
            && !s.contains("  ")
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b' '));
        if ok {
            Ok(Self(s.into()))
        } else {
            Err(IdentError::Name(s.to_owned()))
        }
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A name compares equal to the text it is: `name == "aws-cloud-firewall"`.
///
/// ```
/// let n: mccs_model::Name = "aws-cloud-firewall".parse()?;
/// assert!(n == "aws-cloud-firewall");
/// assert!("aws-cloud-firewall" == n);
/// assert!(n == String::from("aws-cloud-firewall"));
/// # Ok::<(), mccs_model::IdentError>(())
/// ```
impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        *self == *other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// The name's text as shared text, without a copy: what a request row or a report that keeps
/// the name as `Arc<str>` holds.
///
/// ```
/// use std::sync::Arc;
/// let n: mccs_model::Name = "aws-cloud-firewall".parse()?;
/// let shared = Arc::<str>::from(&n);
/// assert_eq!(&*shared, "aws-cloud-firewall");
/// assert!(std::ptr::eq(shared.as_ptr(), n.as_str().as_ptr())); // the same text, not a copy
/// # Ok::<(), mccs_model::IdentError>(())
/// ```
impl From<&Name> for std::sync::Arc<str> {
    fn from(name: &Name) -> Self {
        std::sync::Arc::clone(&name.0)
    }
}

text_serde!(Name, "Name", {
    "type": "string",
    "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]*( [A-Za-z0-9_.-]+)*$",
    "maxLength": 128,
    "description": "A name: letters, digits, `_`, `-`, `.` and single spaces inside."
});

/// One environment of one Project Set, written `<plate>-<env>` (e.g. `abc123-prod`).
///
/// ```
/// use mccs_model::{EnvRef, Environment};
/// let r: EnvRef = "abc123-prod".parse()?;
/// assert_eq!(r.environment, Environment::Prod);
/// assert_eq!(r.to_string(), "abc123-prod");
/// # Ok::<(), mccs_model::IdentError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EnvRef {
    /// The Project Set.
    pub license_plate: LicensePlate,
    /// The environment in it.
    pub environment: Environment,
}

impl FromStr for EnvRef {
    type Err = IdentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || IdentError::EnvRef(s.to_owned());
        let (plate, env) = s.split_once('-').ok_or_else(err)?;
        Ok(Self {
            license_plate: plate.parse().map_err(|_| err())?,
            environment: env.parse().map_err(|_| err())?,
        })
    }
}

impl fmt::Display for EnvRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.license_plate, self.environment)
    }
}

text_serde!(EnvRef, "EnvRef", {
    "type": "string",
    "pattern": "^[a-z0-9]{6}-[a-z][a-z0-9-]{0,15}$",
    "description": "A Project Set environment: `<license plate>-<environment>`, e.g. `abc123-prod`."
});

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The inline ministry reads, compares, orders and hashes as its text; anything that
        /// is not a short name is refused whatever its length.
        #[test]
        fn ministry_is_its_text(a in "[A-Z][A-Z0-9]{1,9}", b in "[A-Z][A-Z0-9]{1,9}", bad in "\\PC{0,14}") {
            let (ma, mb): (Ministry, Ministry) = (a.parse().unwrap(), b.parse().unwrap());
            prop_assert_eq!(ma.as_str(), a.as_str());
            prop_assert_eq!(ma.to_string(), a.as_str());
            prop_assert_eq!(ma.cmp(&mb), a.cmp(&b));
            prop_assert_eq!(ma == mb, a == b);
            let state = std::hash::RandomState::new();
            let h = |m: &Ministry| std::hash::BuildHasher::hash_one(&state, m);
            if a == b {
                prop_assert_eq!(h(&ma), h(&mb));
            }
            let valid = (2..=10).contains(&bad.len())
                && bad.starts_with(|c: char| c.is_ascii_uppercase())
                && bad.bytes().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            prop_assert_eq!(bad.parse::<Ministry>().is_ok(), valid);
        }

        /// A name compares and orders as its text whether the two are clones of one name or
        /// separate copies, and hashes alike when equal (the short cut for clones changes
        /// nothing).
        #[test]
        fn name_compares_as_its_text(a in "[a-z0-9][a-z0-9_.-]{0,8}", b in "[a-z0-9][a-z0-9_.-]{0,8}") {
            let (na, nb): (Name, Name) = (a.parse().unwrap(), b.parse().unwrap());
            let copy: Name = a.parse().unwrap();
            let state = std::hash::RandomState::new();
            let h = |n: &Name| std::hash::BuildHasher::hash_one(&state, n);
            for other in [na.clone(), copy] {
                prop_assert_eq!(&na, &other);
                prop_assert_eq!(na.cmp(&other), std::cmp::Ordering::Equal);
                prop_assert_eq!(h(&na), h(&other));
            }
            prop_assert_eq!(na.cmp(&nb), a.cmp(&b));
            prop_assert_eq!(na.partial_cmp(&nb), Some(a.cmp(&b)));
            prop_assert_eq!(na == nb, a == b);
        }
    }

    #[test]
    fn ministry_refuses_long_and_empty_names() {
        assert!("".parse::<Ministry>().is_err());
        assert!("A".parse::<Ministry>().is_err());
        assert!("ABCDEFGHIJK".parse::<Ministry>().is_err());
        assert_eq!(
            "ABCDEFGHIJ".parse::<Ministry>().unwrap().as_str(),
            "ABCDEFGHIJ"
        );
        assert!("AB\0".parse::<Ministry>().is_err());
        let m: Ministry = "CITZ".parse().unwrap();
        assert_eq!(format!("{m:?}"), r#"Ministry("CITZ")"#);
    }

    #[test]
    fn plate_rejects_wrong_length_and_case() {
        assert!("abc12".parse::<LicensePlate>().is_err());
        assert!("abc1234".parse::<LicensePlate>().is_err());
        assert!("abC123".parse::<LicensePlate>().is_err());
        assert!("abc-12".parse::<LicensePlate>().is_err());
        assert!("é12345".parse::<LicensePlate>().is_err());
        assert_eq!("a1b2c3".parse::<LicensePlate>().unwrap().as_str(), "a1b2c3");
    }

    #[test]
    fn environment_other_never_shadows_builtins() {
        assert_eq!("tools".parse::<Environment>().unwrap(), Environment::Tools);
        assert!(matches!(
            "perf".parse::<Environment>().unwrap(),
            Environment::Other(_)
        ));
        assert!("".parse::<Environment>().is_err());
        assert!("1dev".parse::<Environment>().is_err());
    }

    #[test]
    fn platform_tokens() {
        assert_eq!(Platform::from_token("ALZ"), Some(Platform::AzureAlz));
        assert_eq!(Platform::from_token("alz"), None);
        assert_eq!("aws-lza".parse::<Platform>().unwrap(), Platform::AwsLza);
    }

    #[test]
    fn env_ref_needs_both_parts() {
        assert!("abc123".parse::<EnvRef>().is_err());
        assert!("abc123-".parse::<EnvRef>().is_err());
        assert_eq!(
            "abc123-my-env"
                .parse::<EnvRef>()
                .unwrap()
                .environment
                .as_str(),
            "my-env"
        );
    }
}
