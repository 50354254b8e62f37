//! Sets of services (protocol and destination ports) with exact set algebra.

use std::fmt;

use mccs_model::{PortRange, Service};

type Ports = Vec<(u16, u16)>;

fn normalize(mut r: Ports) -> Ports {
    r.sort_unstable();
    let mut out: Ports = Vec::with_capacity(r.len());
    for (a, b) in r {
        match out.last_mut() {
            Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

fn intersect(x: &Ports, y: &Ports) -> Ports {
    let mut out = Vec::new();
    for &(a, b) in x {
        for &(c, d) in y {
            let (lo, hi) = (a.max(c), b.min(d));
            if lo <= hi {
                out.push((lo, hi));
            }
        }
    }
    normalize(out)
}

fn difference(x: &Ports, y: &Ports) -> Ports {
    let mut cur = x.clone();
    for &(c, d) in y {
        let mut next = Vec::new();
        for (a, b) in cur {
            if d < a || c > b {
                next.push((a, b));
                continue;
            }
            if a < c {
                next.push((a, c - 1));
            }
            if d < b {
                next.push((d + 1, b));
            }
        }
        cur = next;
    }
    cur
}

/// Whether `r` is what [`normalize`] makes of it: sorted, each range well-formed, no two
/// overlapping or adjacent.
fn is_normal(r: &Ports) -> bool {
    r.iter().all(|&(a, b)| a <= b)
        && r.windows(2)
            .all(|w| matches!(w, [(_, b), (c, _)] if u32::from(*b) + 1 < u32::from(*c)))
}

/// Whether every range of `y` lies inside one range of `x` (both normalized).
fn ports_cover(x: &Ports, y: &Ports) -> bool {
    y.iter()
        .all(|&(c, d)| x.iter().any(|&(a, b)| a <= c && d <= b))
}

fn ports_overlap(x: &Ports, y: &Ports) -> bool {
    x.iter()
        .any(|&(a, b)| y.iter().any(|&(c, d)| a.max(c) <= b.min(d)))
}

/// A set of services: TCP and UDP destination ports, ICMP, and "other protocols" (which only
/// `any` carries).
///
/// ```
/// use mccs_path::SvcSet;
/// let all_tcp = SvcSet::from_services(&["tcp".parse().unwrap()]);
/// let oracle = SvcSet::from_services(&["tcp/1521".parse().unwrap()]);
/// assert!(all_tcp.covers(&oracle));
/// assert_eq!(oracle.to_string(), "tcp/1521");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SvcSet {
    tcp: Ports,
    udp: Ports,
    icmp: bool,
    other: bool,
}

impl SvcSet {
    /// Every service of every protocol.
    pub fn any() -> Self {
        Self {
            tcp: vec![(1, u16::MAX)],
            udp: vec![(1, u16::MAX)],
            icmp: true,
            other: true,
        }
    }

    /// Whether the set is [`SvcSet::any`], told without making one.
    fn is_any(&self) -> bool {
        self.tcp == [(1, u16::MAX)] && self.udp == [(1, u16::MAX)] && self.icmp && self.other
    }

    /// The union of some services.
    pub fn from_services(services: &[Service]) -> Self {
        let mut s = Self::default();
        for svc in services {
            match svc {
                Service::Tcp(p) => s.tcp.push((p.first(), p.last())),
                Service::Udp(p) => s.udp.push((p.first(), p.last())),
                Service::Icmp => s.icmp = true,
                Service::Any => return Self::any(),
            }
        }
        s.tcp = normalize(s.tcp);
        s.udp = normalize(s.udp);
        s
    }

    /// Whether the set includes protocols other than TCP, UDP and ICMP (only `any` names them).
    pub fn has_other_protocols(&self) -> bool {
        self.other
    }

    /// Whether the set carries nothing.
    pub fn is_empty(&self) -> bool {
        self.tcp.is_empty() && self.udp.is_empty() && !self.icmp && !self.other
    }

    /// Services in both sets.
    #[must_use]
    pub fn intersection(&self, o: &Self) -> Self {
        Self {
            tcp: intersect(&self.tcp, &o.tcp),
            udp: intersect(&self.udp, &o.udp),
            icmp: self.icmp && o.icmp,
            other: self.other && o.other,
        }
    }

    /// Services in `self` but not in `o`.
    #[must_use]
    pub fn difference(&self, o: &Self) -> Self {
        Self {
            tcp: difference(&self.tcp, &o.tcp),
            udp: difference(&self.udp, &o.udp),
            icmp: self.icmp && !o.icmp,
            other: self.other && !o.other,
        }
    }

    /// Services in either set.
    #[must_use]
    pub fn union(&self, o: &Self) -> Self {
        // Nothing to merge into: the other set as it is, when its ranges are already merged
        // (every set made by this type's operations is).
        if self.is_empty() && is_normal(&o.tcp) && is_normal(&o.udp) {
            return o.clone();
        }
        let mut tcp = self.tcp.clone();
        tcp.extend_from_slice(&o.tcp);
        let mut udp = self.udp.clone();
        udp.extend_from_slice(&o.udp);
        Self {
            tcp: normalize(tcp),
            udp: normalize(udp),
            icmp: self.icmp || o.icmp,
            other: self.other || o.other,
        }
    }

    /// Whether every service of `o` is in `self`.
    pub fn covers(&self, o: &Self) -> bool {
        ports_cover(&self.tcp, &o.tcp)
            && ports_cover(&self.udp, &o.udp)
            && (self.icmp || !o.icmp)
            && (self.other || !o.other)
    }

    /// How many port ranges the set is stored as: what operations on it cost.
    pub(crate) fn intervals(&self) -> usize {
        self.tcp.len() + self.udp.len()
    }

    /// Whether the sets have a service in common.
    pub fn overlaps(&self, o: &Self) -> bool {
        ports_overlap(&self.tcp, &o.tcp)
            || ports_overlap(&self.udp, &o.udp)
            || (self.icmp && o.icmp)
            || (self.other && o.other)
    }

    /// The set as model services (`any` when it is every service).
    pub fn to_services(&self) -> Vec<Service> {
        if self.is_any() {
            return vec![Service::Any];
        }
        let mut out = Vec::new();
        for &(a, b) in &self.tcp {
            out.extend(PortRange::new(a, b).map(Service::Tcp));
        }
        for &(a, b) in &self.udp {
            out.extend(PortRange::new(a, b).map(Service::Udp));
        }
        if self.icmp {
            out.push(Service::Icmp);
        }
        out
    }
}

impl fmt::Display for SvcSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.to_services();
        if s.is_empty() {
            return f.write_str("(none)");
        }
        for (i, svc) in s.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{svc}")?;
        }
        if self.other && !self.is_any() {
            f.write_str(", other protocols")?;
        }
        Ok(())
    }
}

impl serde::Serialize for SvcSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.to_services().iter().map(ToString::to_string))
    }
}

impl schemars::JsonSchema for SvcSet {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SvcSet".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "array",
            "items": {"type": "string"},
            "description": "Services such as `tcp/1521`, `udp/5000-5010`, `icmp`, `any`."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &[&str]) -> SvcSet {
        SvcSet::from_services(&x.iter().map(|v| v.parse().unwrap()).collect::<Vec<_>>())
    }

    #[test]
    fn algebra() {
        assert_eq!(
            s(&["tcp/1-100"]).difference(&s(&["tcp/50"])).to_string(),
            "tcp/1-49, tcp/51-100"
        );
        assert!(s(&["any"]).covers(&s(&["udp/53", "icmp"])));
        assert!(!s(&["tcp"]).covers(&s(&["udp/53"])));
        assert_eq!(s(&["tcp/443", "tcp/444"]).to_string(), "tcp/443-444");
        assert!(s(&["any"]).difference(&s(&["tcp", "udp", "icmp"])).other);
        // Union with the empty set normalizes what it is given, as any union does.
        let raw = SvcSet {
            tcp: vec![(5, 9), (1, 4), (20, 30), (25, 26)],
            udp: vec![(7, 7)],
            icmp: false,
            other: false,
        };
        assert_eq!(
            SvcSet::default().union(&raw).to_string(),
            "tcp/1-9, tcp/20-30, udp/7"
        );
        let tidy = s(&["tcp/1-9", "tcp/20-30", "udp/7"]);
        assert_eq!(SvcSet::default().union(&tidy), tidy);
    }

    #[test]
    fn any_is_told_without_making_one() {
        let all = s(&["tcp", "udp", "icmp"]).union(&SvcSet::any());
        for (set, any) in [
            (SvcSet::any(), true),
            (s(&["any"]), true),
            (all, true),
            (s(&["tcp", "udp", "icmp"]), false),
            (SvcSet::any().difference(&s(&["icmp"])), false),
            (SvcSet::any().difference(&s(&["tcp/1"])), false),
            (SvcSet::default(), false),
        ] {
            assert_eq!(set.is_any(), any, "{set}");
            assert_eq!(set.is_any(), set == SvcSet::any(), "{set}");
        }
        assert_eq!(SvcSet::any().to_string(), "any");
        assert_eq!(
            SvcSet::any().difference(&s(&["icmp"])).to_string(),
            "tcp, udp, other protocols"
        );
    }
}
