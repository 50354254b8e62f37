//! A shared, immutable piece of text: node names and kinds that every hop of every path
//! repeats, stored once.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// Text shared between the hops that show it; compares, displays and serializes as a string.
///
/// ```
/// # let t = mccs_model::examples::reference();
/// # let g = mccs_path::NetworkGraph::build(&t);
/// # let f = &g.directed(&t, "x", &"def456-prod".parse()?, &"hlth-claims-api".parse()?,
/// #     &mccs_path::SvcSet::from_services(&["tcp/443".parse()?]), mccs_model::Initiator::Cloud).unwrap()[0];
/// let hop = &g.trace(&t, f, &Default::default()).paths[0].hops[1];
/// assert_eq!(hop.node, "aws-cloud-firewall");
/// assert_eq!(hop.kind.as_str(), "cloud firewall");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Label(Arc<str>);

impl Label {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for Label {
    fn from(s: String) -> Self {
        Self(s.into())
    }
}

impl From<&str> for Label {
    fn from(s: &str) -> Self {
        Self(s.into())
    }
}

impl Deref for Label {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Label {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Label {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Label {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Label {
    fn eq(&self, other: &String) -> bool {
        &*self.0 == other.as_str()
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for Label {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl schemars::JsonSchema for Label {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Label".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string"})
    }
}
