//! Checking a topology as a whole: references, names, addresses, groups, expiry.

use std::collections::{BTreeMap, HashMap, HashSet};

use ipnet::IpNet;

use crate::address::{AddressRef, FlowEnd, canonical_net};
use crate::date::Date;
use crate::diag::{Diagnostic, DocPath, Problem};
use crate::ident::{EnvRef, Name};
use crate::index::Index;
use crate::service::ServiceRef;
use crate::topology::{
    Endpoint, Firewall, FirewallKind, FirewallObject, Initiator, MAX_GROUP_DEPTH, RegionRole,
    RuleList, Topology, VirtualNetwork,
};

/// Settings for [`validate`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ValidateOptions {
    /// Today's date, to report expired rules; `None` skips that check (the model reads no clock).
    pub today: Option<Date>,
    /// Names of elements the reader could not read; references to them are not reported again.
    pub unreadable_names: std::collections::BTreeSet<String>,
    /// Top-level sections the reader could not read in full ([`crate::Loaded::incomplete_sections`]):
    /// what they lack is not reported as missing, since the element left out may provide it.
    pub incomplete_sections: std::collections::BTreeSet<String>,
}

impl ValidateOptions {
    /// Options that check rule expiry against `today`.
    #[must_use]
    pub fn with_today(mut self, today: Date) -> Self {
        self.today = Some(today);
        self
    }
}

/// Checks a topology and returns every problem found, errors and warnings, in document order.
/// Never panics and never stops at the first problem.
///
/// ```
/// use mccs_model::{validate, Topology, ValidateOptions};
/// let t = mccs_model::examples::reference();
/// assert!(validate(&t, &ValidateOptions::default()).is_empty());
/// assert!(validate(&Topology::new(), &ValidateOptions::default()).is_empty());
/// ```
pub fn validate(t: &Topology, options: &ValidateOptions) -> Vec<Diagnostic> {
    let mut v = Validator {
        t,
        index: Index::new(t),
        sides: None,
        options,
        out: Vec::new(),
        firewalls: HashMap::new(),
    };
    v.run();
    v.out
}

struct Validator<'a> {
    t: &'a Topology,
    /// Look-ups by name, so that checking each reference costs a hash probe, not a scan.
    index: Index<'a>,
    /// Which addresses are on-prem and which in the cloud, made when a flow first needs it.
    sides: Option<Sides>,
    options: &'a ValidateOptions,
    out: Vec<Diagnostic>,
    firewalls: HashMap<&'a str, FirewallKind>,
}

/// Registers names of one kind and reports duplicates.
struct Names<'a> {
    what: &'static str,
    seen: HashMap<&'a str, DocPath>,
}

impl<'a> Names<'a> {
    fn new(what: &'static str) -> Self {
        Self {
            what,
            seen: HashMap::new(),
        }
    }

    fn add(&mut self, name: &'a str, path: DocPath, out: &mut Vec<Diagnostic>) {
        if let Some(first) = self.seen.get(name) {
            out.push(Diagnostic::error(
                path,
                Problem::Duplicate {
                    what: self.what.into(),
                    name: name.into(),
                    first: first.clone(),
                },
            ));
        } else {
            self.seen.insert(name, path);
        }
    }
}

fn root() -> DocPath {
    DocPath::root()
}

impl<'a> Validator<'a> {
    fn err(&mut self, path: DocPath, problem: Problem) {
        self.out.push(Diagnostic::error(path, problem));
    }

    fn unknown(&mut self, path: DocPath, what: &str, name: &str, hint: String) {
        if self.options.unreadable_names.contains(name) {
            return;
        }
        self.err(
            path,
            Problem::UnknownReference {
                what: what.into(),
                name: name.into(),
                hint,
            },
        );
    }

    fn inconsistent(&mut self, path: DocPath, message: String) {
        self.err(path, Problem::Inconsistent { message });
    }

    fn run(&mut self) {
        self.names();
        self.project_sets();
        self.firewall_refs();
        self.on_prem();
        self.external_and_links();
        self.objects();
        self.services();
        self.rules();
        self.flows();
        self.overlaps();
    }

    fn names(&mut self) {
        let t = self.t;
        let mut out = Vec::new();
        let mut n = Names::new("channel");
        for (i, c) in t.channels.iter().enumerate() {
            n.add(
                c.name.as_str(),
                root().key("channels").index(i).key("name"),
                &mut out,
            );
        }
        let mut n = Names::new("firewall");
        for (i, f) in t.firewalls.iter().enumerate() {
            n.add(
                f.name.as_str(),
                root().key("firewalls").index(i).key("name"),
                &mut out,
            );
            self.firewalls.insert(f.name.as_str(), f.kind);
            let mut rn = Names::new("rule");
            for list in [RuleList::Inbound, RuleList::Outbound] {
                for (j, r) in f.list(list).iter().enumerate() {
                    let p = root()
                        .key("firewalls")
                        .index(i)
                        .key(list.field())
                        .index(j)
                        .key("name");
                    rn.add(r.name.as_str(), p, &mut out);
                }
            }
        }
        let mut n = Names::new("Project Set");
        for (i, p) in t.project_sets.iter().enumerate() {
            n.add(
                p.license_plate.as_str(),
                root().key("project_sets").index(i).key("license_plate"),
                &mut out,
            );
        }
        // Zones, endpoints, objects and external networks share one namespace: a flow end names
        // any of them.
        let mut addr = Names::new("zone, endpoint, object or external network");
        for (i, z) in t.zones().iter().enumerate() {
            let zp = root().key("on_prem").key("zones").index(i);
            addr.add(z.name.as_str(), zp.key("name"), &mut out);
            for (j, e) in z.endpoints.iter().enumerate() {
                addr.add(
                    e.name.as_str(),
                    zp.key("endpoints").index(j).key("name"),
                    &mut out,
                );
            }
        }
        for (i, o) in t.objects.iter().enumerate() {
            addr.add(
                o.name().as_str(),
                root().key("objects").index(i).key("name"),
                &mut out,
            );
        }
        for (i, x) in t.external_networks.iter().enumerate() {
            addr.add(
                x.name.as_str(),
                root().key("external_networks").index(i).key("name"),
                &mut out,
            );
        }
        let mut links = Names::new("link");
        for (i, l) in t.hybrid_links.iter().enumerate() {
            links.add(
                l.name.as_str(),
                root().key("hybrid_links").index(i).key("name"),
                &mut out,
            );
        }
        for (i, l) in t.private_links.iter().enumerate() {
            links.add(
                l.name.as_str(),
                root().key("private_links").index(i).key("name"),
                &mut out,
            );
        }
        let mut n = Names::new("service");
        for (i, s) in t.services.iter().enumerate() {
            n.add(
                s.name.as_str(),
                root().key("services").index(i).key("name"),
                &mut out,
            );
        }
        let mut n = Names::new("flow");
        for (i, f) in t.flows.iter().enumerate() {
            n.add(
                f.name.as_str(),
                root().key("flows").index(i).key("name"),
                &mut out,
            );
        }
        self.out.extend(out);
    }

    fn project_sets(&mut self) {
        let t = self.t;
        let known = t
            .ministries
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        for (i, ps) in t.project_sets.iter().enumerate() {
            let pp = root().key("project_sets").index(i);
            if !t.ministries.is_empty() && !t.ministries.contains(&ps.ministry) {
                self.err(
                    pp.key("ministry"),
                    Problem::UnknownMinistry {
                        ministry: ps.ministry.to_string(),
                        known: known.clone(),
                    },
                );
            }
            // A Project Set the reader could not read in full has had its problem reported.
            let read_in_full = !self
                .options
                .unreadable_names
                .contains(ps.license_plate.as_str());
            if ps.environments.is_empty() && read_in_full {
                self.err(
                    pp.key("environments"),
                    Problem::Empty {
                        what: "`environments`".into(),
                        hint: "list at least one environment (dev, test, prod, tools) with its VPC/VNet".into(),
                    },
                );
            }
            for (env, net) in &ps.environments {
                let ep = pp.key("environments").key(env.as_str());
                if net.address_space.is_empty() {
                    self.err(
                        ep.key("address_space"),
                        Problem::Empty {
                            what: "`address_space`".into(),
                            hint: format!(
                                "give the {} its CIDR, e.g. `10.46.8.0/24`",
                                ps.platform.network_noun()
                            ),
                        },
                    );
                }
                for (k, cidr) in net.address_space.iter().enumerate() {
                    self.host_bits(*cidr, ep.key("address_space").index(k));
                }
                // A group listed twice would be crossed twice on every path (and, with several
                // repeated, the walk would multiply): each group once.
                let mut groups = Names::new("security group of this network");
                let mut repeated = Vec::new();
                for (k, sg) in net.security_groups.iter().enumerate() {
                    self.firewall_ref(
                        sg,
                        FirewallKind::SecurityGroup,
                        ep.key("security_groups").index(k),
                    );
                    groups.add(
                        sg.as_str(),
                        ep.key("security_groups").index(k),
                        &mut repeated,
                    );
                }
                self.out.extend(repeated);
                self.subnets(net, &ep);
                self.secondary_ranges(net, &ep);
            }
        }
    }

    /// Subnets lie inside the network, do not overlap each other, and name network ACLs.
    fn subnets(&mut self, net: &VirtualNetwork, ep: &DocPath) {
        let mut names = Names::new("subnet");
        let mut out = Vec::new();
        let inside = |c: &IpNet| {
            net.address_space
                .iter()
                .chain(&net.secondary_ranges)
                .any(|s| s.contains(c))
        };
        for (k, sn) in net.subnets.iter().enumerate() {
            let sp = ep.key("subnets").index(k);
            names.add(sn.name.as_str(), sp.key("name"), &mut out);
            self.host_bits(sn.cidr, sp.key("cidr"));
            if !inside(&sn.cidr) {
                self.inconsistent(
                    sp.key("cidr"),
                    format!(
                        "subnet `{}` ({}) is outside the network's address space ({}): give it a CIDR inside `address_space` or `secondary_ranges`",
                        sn.name,
                        sn.cidr,
                        join(&net.address_space)
                    ),
                );
            }
            let earlier = net.subnets.iter().take(k);
            if let Some(other) = earlier.into_iter().find(|o| {
                o.cidr.contains(&sn.cidr.network()) || sn.cidr.contains(&o.cidr.network())
            }) {
                self.inconsistent(
                    sp.key("cidr"),
                    format!(
                        "subnet `{}` ({}) overlaps subnet `{}` ({}): subnets of one network never share addresses",
                        sn.name, sn.cidr, other.name, other.cidr
                    ),
                );
            }
            if let Some(acl) = &sn.network_acl {
                self.firewall_ref(acl, FirewallKind::NetworkAcl, sp.key("network_acl"));
            }
        }
        self.out.extend(out);
    }

    /// Secondary ranges are non-routable: they may repeat across Project Sets but not overlap
    /// the network's own routable space; the private NAT's addresses are routable.
    fn secondary_ranges(&mut self, net: &VirtualNetwork, ep: &DocPath) {
        for (k, r) in net.secondary_ranges.iter().enumerate() {
            let rp = ep.key("secondary_ranges").index(k);
            self.host_bits(*r, rp.clone());
            if let Some(own) = net
                .address_space
                .iter()
                .find(|a| a.contains(&r.network()) || r.contains(&a.network()))
            {
                self.inconsistent(
                    rp,
                    format!(
                        "secondary range {r} overlaps the network's own address space {own}: a secondary range is non-routable and must lie outside it"
                    ),
                );
            }
        }
        for (k, a) in net.nat_addresses.iter().enumerate() {
            if !net.address_space.iter().any(|s| s.contains(a)) {
                self.inconsistent(
                    ep.key("nat_addresses").index(k),
                    format!(
                        "NAT address {a} is outside the network's address space ({}): the private NAT translates to routable addresses of the network",
                        join(&net.address_space)
                    ),
                );
            }
        }
        if !net.secondary_ranges.is_empty() && net.nat_addresses.is_empty() {
            self.out.push(Diagnostic::warning(
                ep.key("nat_addresses"),
                Problem::Empty {
                    what: "`nat_addresses`".into(),
                    hint: "traffic from the secondary ranges cannot leave the network without a private NAT; list its addresses".into(),
                },
            ));
        }
    }

    fn host_bits(&mut self, cidr: IpNet, path: DocPath) {
        if cidr.addr() != cidr.network() {
            self.err(
                path,
                Problem::HostBits {
                    cidr: cidr.to_string(),
                    network: cidr.trunc().to_string(),
                },
            );
        }
    }

    fn firewall_ref(&mut self, name: &Name, kind: FirewallKind, path: DocPath) {
        match self.firewalls.get(name.as_str()) {
            None => self.unknown(
                path,
                "firewall",
                name.as_str(),
                format!(
                    ": define it under `firewalls` with `kind: {}`",
                    kind.as_str()
                ),
            ),
            Some(found) if *found != kind => self.err(
                path,
                Problem::WrongKind {
                    name: name.to_string(),
                    found: format!("{} firewall", found.as_str()),
                    expected: format!("{} firewall", kind.as_str()),
                },
            ),
            Some(_) => {}
        }
    }

    fn any_firewall_ref(&mut self, name: &Name, path: DocPath) {
        if !self.firewalls.contains_key(name.as_str()) {
            self.unknown(
                path,
                "firewall",
                name.as_str(),
                ": define it under `firewalls`".into(),
            );
        }
    }

    fn firewall_refs(&mut self) {
        let t = self.t;
        let channels: HashSet<&str> = t.channels.iter().map(|c| c.name.as_str()).collect();
        let mut cloud: BTreeMap<_, usize> = BTreeMap::new();
        for (i, f) in t.firewalls.iter().enumerate() {
            let fp = root().key("firewalls").index(i);
            if !channels.contains(f.channel.as_str()) {
                self.unknown(
                    fp.key("channel"),
                    "channel",
                    f.channel.as_str(),
                    ": define it under `channels`".into(),
                );
            }
            match (f.kind, f.platform) {
                (FirewallKind::Cloud, None) => self.inconsistent(
                    fp.key("platform"),
                    format!(
                        "cloud firewall `{}` has no `platform`: set `aws-lza` or `azure-alz`",
                        f.name
                    ),
                ),
                (FirewallKind::Cloud, Some(p)) => {
                    if let Some(first) = cloud.insert(p, i) {
                        self.inconsistent(
                            fp.key("platform"),
                            format!(
                                "platform {p} already has cloud firewall `{}`; a platform has one central cloud firewall",
                                t.firewalls.get(first).map_or("", |f| f.name.as_str())
                            ),
                        );
                    }
                }
                _ => {}
            }
        }
    }

    fn on_prem(&mut self) {
        let t = self.t;
        let Some(op) = &t.on_prem else { return };
        let op_path = root().key("on_prem");
        self.firewall_ref(
            &op.edge_firewall,
            FirewallKind::Edge,
            op_path.key("edge_firewall"),
        );
        for (i, z) in op.zones.iter().enumerate() {
            let zp = op_path.key("zones").index(i);
            match &z.firewall {
                None => self.err(
                    zp.clone(),
                    Problem::ZoneWithoutFirewall {
                        zone: z.name.to_string(),
                    },
                ),
                Some(fw) => self.firewall_ref(fw, FirewallKind::Zone, zp.key("firewall")),
            }
            if z.networks.is_empty() {
                self.err(
                    zp.key("networks"),
                    Problem::Empty {
                        what: "`networks`".into(),
                        hint: "list the zone's CIDRs".into(),
                    },
                );
            }
            for (k, n) in z.networks.iter().enumerate() {
                self.host_bits(*n, zp.key("networks").index(k));
            }
            for (j, e) in z.endpoints.iter().enumerate() {
                let address = canonical_net(IpNet::from(e.address));
                if !z
                    .networks
                    .iter()
                    .any(|n| canonical_net(*n).contains(&address))
                {
                    self.err(
                        zp.key("endpoints").index(j).key("address"),
                        Problem::EndpointOutsideZone {
                            endpoint: e.name.to_string(),
                            address: e.address.to_string(),
                            zone: z.name.to_string(),
                            networks: join(&z.networks),
                        },
                    );
                }
                if let Some(name) = &e.object {
                    self.endpoint_object(e, name, zp.key("endpoints").index(j).key("object"));
                }
            }
        }
    }

    /// An endpoint's `object` must exist and hold exactly the endpoint's address: requests
    /// reference it in rules, and a wider object would allow more than the flow asks for.
    fn endpoint_object(&mut self, e: &Endpoint, name: &Name, path: DocPath) {
        let Some(o) = self.index.object(name.as_str()) else {
            self.unknown(
                path,
                "object",
                name.as_str(),
                ": define it under `objects`, or drop the endpoint's `object` to have requests create one".into(),
            );
            return;
        };
        let own = IpNet::from(e.address);
        let exact = match o {
            FirewallObject::Group { .. } => false,
            _ => o.own_prefixes().iter().map(|p| p.trunc()).eq([own]),
        };
        if !exact {
            let holds = match o {
                FirewallObject::Group { .. } => "is a group".to_owned(),
                _ => format!("holds {}", join(&o.own_prefixes())),
            };
            self.inconsistent(
                path,
                format!(
                    "endpoint `{}` ({}) names object `{name}`, which {holds}, not just the endpoint's address; name a host object of {} (a wider object would let rules allow more than the flow asks for), or drop `object`",
                    e.name, e.address, e.address
                ),
            );
        }
    }

    fn external_and_links(&mut self) {
        let t = self.t;
        for (i, x) in t.external_networks.iter().enumerate() {
            let xp = root().key("external_networks").index(i);
            self.any_firewall_ref(&x.attached_to, xp.key("attached_to"));
            if x.prefixes.is_empty() {
                self.err(
                    xp.key("prefixes"),
                    Problem::Empty {
                        what: "`prefixes`".into(),
                        hint: "list the network's CIDRs".into(),
                    },
                );
            }
            for (k, n) in x.prefixes.iter().enumerate() {
                self.host_bits(*n, xp.key("prefixes").index(k));
            }
        }
        if t.hybrid_links.len() > crate::MAX_HYBRID_LINKS {
            self.out.push(Diagnostic::error(
                root().key("hybrid_links").index(crate::MAX_HYBRID_LINKS),
                Problem::TooMany {
                    what: "hybrid links".into(),
                    count: t.hybrid_links.len(),
                    limit: crate::MAX_HYBRID_LINKS,
                    hint: "each link routes to every on-prem and every Project Set network of its platform; describe the links a flow can take (a primary and a secondary per platform and 3PG cluster), not every circuit".into(),
                },
            ));
        }
        for (i, l) in t.hybrid_links.iter().enumerate() {
            let lp = root().key("hybrid_links").index(i);
            let platform = l.kind.platform();
            // A firewall that could not be read may be this cloud firewall: reported once, there.
            if t.cloud_firewall(platform).is_none()
                && !self.options.incomplete_sections.contains("firewalls")
            {
                self.inconsistent(
                    lp.key("kind"),
                    format!(
                        "{} link `{}` needs a cloud firewall on {platform}: add a firewall with `kind: cloud` and `platform: {platform}`",
                        platform.hybrid_link_noun(),
                        l.name
                    ),
                );
            }
            if let Some(edge) = &l.edge_firewall {
                self.firewall_ref(edge, FirewallKind::Edge, lp.key("edge_firewall"));
            }
            if t.on_prem.is_none() && !self.options.incomplete_sections.contains("on_prem") {
                self.inconsistent(
                    lp.clone(),
                    format!("hybrid link `{}` needs an `on_prem` section with its edge firewall (the 3PG)", l.name),
                );
            }
        }
        for (i, pl) in t.private_links.iter().enumerate() {
            let pp = root().key("private_links").index(i);
            for (k, c) in pl.consumers.iter().enumerate() {
                self.env_ref(c, pp.key("consumers").index(k));
                if let Some((ps, _)) = self.index.environment(c)
                    && ps.platform != pl.platform
                {
                    self.inconsistent(
                            pp.key("consumers").index(k),
                            format!(
                                "`{c}` is on {}, but PrivateLink `{}` is in a {} connectivity account; consumers must be on the same platform",
                                ps.platform, pl.name, pl.platform
                            ),
                        );
                }
            }
            if pl.consumers.is_empty() {
                self.err(
                    pp.key("consumers"),
                    Problem::Empty {
                        what: "`consumers`".into(),
                        hint: "list the Project Set environments (e.g. `abc123-prod`) that use this PrivateLink".into(),
                    },
                );
            }
            if self.index.external_network(pl.provider.as_str()).is_none() {
                self.unknown(
                    pp.key("provider"),
                    "external network",
                    pl.provider.as_str(),
                    ": define it under `external_networks`".into(),
                );
            }
            self.firewall_ref(
                &pl.security_group,
                FirewallKind::SecurityGroup,
                pp.key("security_group"),
            );
            self.any_firewall_ref(&pl.firewall, pp.key("firewall"));
            let primaries = pl
                .regions
                .iter()
                .filter(|r| r.role == RegionRole::Primary)
                .count();
            if primaries != 1 {
                self.inconsistent(
                    pp.key("regions"),
                    format!(
                        "PrivateLink `{}` has {primaries} primary regions: give it exactly one `role: primary` (and optionally `role: dr`)",
                        pl.name
                    ),
                );
            }
            for (k, r) in pl.regions.iter().enumerate() {
                let rp = pp.key("regions").index(k);
                if r.endpoint_service_ips.is_empty() || r.endpoint_ips.is_empty() {
                    self.err(
                        rp,
                        Problem::Empty {
                            what: "`endpoint_service_ips` or `endpoint_ips`".into(),
                            hint: "list the private IPs of the VPC endpoint service and of the VPC endpoint in this region: firewalls see them as the source".into(),
                        },
                    );
                }
            }
        }
    }

    fn env_ref(&mut self, r: &EnvRef, path: DocPath) {
        match self.index.project_set(&r.license_plate) {
            None => self.unknown(
                path,
                "Project Set",
                r.license_plate.as_str(),
                ": define it under `project_sets`".into(),
            ),
            // Not reported when the Project Set's environments could not all be read.
            Some(ps)
                if !ps.environments.contains_key(&r.environment)
                    && !self
                        .options
                        .unreadable_names
                        .contains(r.license_plate.as_str()) =>
            {
                let known = if ps.environments.is_empty() {
                    "no environments".to_owned()
                } else {
                    ps.environments
                        .keys()
                        .map(|e| e.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                self.unknown(
                    path,
                    "environment",
                    &r.to_string(),
                    format!(": Project Set `{}` has {known}", r.license_plate),
                );
            }
            Some(_) => {}
        }
    }

    fn objects(&mut self) {
        let t = self.t;
        let by_name: HashMap<&str, &FirewallObject> =
            t.objects.iter().map(|o| (o.name().as_str(), o)).collect();
        for (i, o) in t.objects.iter().enumerate() {
            let op = root().key("objects").index(i);
            match o {
                FirewallObject::Network { address, .. } => {
                    self.host_bits(*address, op.key("address"));
                }
                FirewallObject::Group { members, .. } => {
                    if members.is_empty() {
                        self.err(
                            op.key("members"),
                            Problem::Empty {
                                what: "`members`".into(),
                                hint: "list the group's member objects".into(),
                            },
                        );
                    }
                    for (k, m) in members.iter().enumerate() {
                        if !by_name.contains_key(m.as_str()) {
                            self.unknown(
                                op.key("members").index(k),
                                "object",
                                m.as_str(),
                                ": define it under `objects`".into(),
                            );
                        }
                    }
                }
                FirewallObject::Host { .. } | FirewallObject::Range { .. } => {}
            }
        }
        // Cycles: depth-first search with colours; each cycle reported once, at the group that closes it.
        let index: HashMap<&str, usize> = t
            .objects
            .iter()
            .enumerate()
            .map(|(i, o)| (o.name().as_str(), i))
            .collect();
        let mut colour = vec![0u8; t.objects.len()];
        // Nesting height of each finished object: 0 for an address object, 1 + the highest
        // member for a group. A group is reported where its height first passes the limit.
        let mut height = vec![0usize; t.objects.len()];
        for start in 0..t.objects.len() {
            if colour.get(start) != Some(&0) {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            if let Some(c) = colour.get_mut(start) {
                *c = 1;
            }
            while let Some((node, next)) = stack.last().copied() {
                let members: &[Name] = match t.objects.get(node) {
                    Some(FirewallObject::Group { members, .. }) => members,
                    _ => &[],
                };
                if let Some(m) = members.get(next) {
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                    let Some(&child) = index.get(m.as_str()) else {
                        continue;
                    };
                    match colour.get(child) {
                        Some(0) => {
                            if let Some(c) = colour.get_mut(child) {
                                *c = 1;
                            }
                            stack.push((child, 0));
                        }
                        Some(1) => {
                            let from = stack.iter().position(|(n, _)| *n == child).unwrap_or(0);
                            let mut names: Vec<&str> = stack
                                .get(from..)
                                .unwrap_or_default()
                                .iter()
                                .filter_map(|(n, _)| t.objects.get(*n).map(|o| o.name().as_str()))
                                .collect();
                            names.push(m.as_str());
                            self.err(
                                root().key("objects").index(node).key("members").index(next),
                                Problem::GroupCycle {
                                    cycle: names.join(" -> "),
                                },
                            );
                        }
                        _ => {}
                    }
                } else {
                    if let Some(c) = colour.get_mut(node) {
                        *c = 2;
                    }
                    if !members.is_empty() {
                        let h = 1 + members
                            .iter()
                            .filter_map(|m| index.get(m.as_str()))
                            .filter(|&&c| colour.get(c) == Some(&2))
                            .filter_map(|&c| height.get(c))
                            .max()
                            .copied()
                            .unwrap_or(0);
                        if let Some(slot) = height.get_mut(node) {
                            *slot = h;
                        }
                        if h == MAX_GROUP_DEPTH + 1 {
                            self.err(
                                root().key("objects").index(node).key("members"),
                                Problem::GroupTooDeep {
                                    group: t
                                        .objects
                                        .get(node)
                                        .map_or_else(String::new, |o| o.name().to_string()),
                                    limit: MAX_GROUP_DEPTH,
                                },
                            );
                        }
                    }
                    stack.pop();
                }
            }
        }
    }

    fn services(&mut self) {
        for (i, s) in self.t.services.iter().enumerate() {
            if s.services.is_empty() {
                self.err(
                    root().key("services").index(i).key("services"),
                    Problem::Empty {
                        what: "`services`".into(),
                        hint: "list what the service carries, e.g. `tcp/1521`".into(),
                    },
                );
            }
        }
    }

    fn address_ref(&mut self, a: &AddressRef, path: DocPath) {
        match a {
            AddressRef::Object(n) if self.index.object(n.as_str()).is_none() => {
                let hint = looks_like_an_address(n.as_str())
                    .unwrap_or_else(|| ": define it under `objects` or write the CIDR".to_owned());
                self.unknown(path, "object", n.as_str(), hint);
            }
            AddressRef::Prefix(p) => self.host_bits(*p, path),
            _ => {}
        }
    }

    fn service_ref(&mut self, s: &ServiceRef, path: DocPath) {
        if let ServiceRef::Named(n) = s
            && self.index.service(n.as_str()).is_none()
        {
            self.unknown(
                path,
                "service",
                n.as_str(),
                ": define it under `services` or write it out, e.g. `tcp/1521`".into(),
            );
        }
    }

    /// What only some kinds of firewall have: outbound lists, rule numbers, ephemeral ports.
    fn firewall_lists(&mut self, f: &Firewall, fp: &DocPath) {
        if !f.kind.has_two_lists() && !f.outbound_rules.is_empty() {
            self.inconsistent(
                fp.key("outbound_rules"),
                format!(
                    "a {} firewall has one rulebase: move these rules to `rules` (only security groups and network ACLs have `outbound_rules`)",
                    f.kind.as_str()
                ),
            );
        }
        if f.kind != FirewallKind::NetworkAcl && f.ephemeral_ports.is_some() {
            self.inconsistent(
                fp.key("ephemeral_ports"),
                "`ephemeral_ports` is for network ACLs (stateless): remove it, or set `kind: network-acl`".into(),
            );
        }
        for list in [RuleList::Inbound, RuleList::Outbound] {
            let mut numbers: HashMap<u32, DocPath> = HashMap::new();
            for (j, r) in f.list(list).iter().enumerate() {
                let rp = fp.key(list.field()).index(j);
                match (f.kind, r.priority) {
                    (FirewallKind::NetworkAcl, None) => self.err(
                        rp.key("priority"),
                        Problem::Empty {
                            what: "`priority`".into(),
                            hint: format!(
                                "network ACL rules are numbered: give rule `{}` a number (lowest is evaluated first), e.g. `priority: {}`",
                                r.name,
                                (j + 1) * 100
                            ),
                        },
                    ),
                    (FirewallKind::NetworkAcl, Some(n)) => {
                        if let Some(first) = numbers.get(&n) {
                            self.err(
                                rp.key("priority"),
                                Problem::Duplicate {
                                    what: format!("rule number in `{}`", list.field()),
                                    name: n.to_string(),
                                    first: first.clone(),
                                },
                            );
                        } else {
                            numbers.insert(n, rp.key("priority"));
                        }
                    }
                    (_, Some(_)) => self.inconsistent(
                        rp.key("priority"),
                        format!(
                            "rule `{}` has a rule number, but a {} firewall evaluates its rules in document order: remove `priority`",
                            r.name,
                            f.kind.as_str()
                        ),
                    ),
                    (_, None) => {}
                }
            }
        }
    }

    fn rules(&mut self) {
        let t = self.t;
        for (i, f) in t.firewalls.iter().enumerate() {
            let fp = root().key("firewalls").index(i);
            self.firewall_lists(f, &fp);
            let lists = [RuleList::Inbound, RuleList::Outbound];
            let all = lists
                .into_iter()
                .flat_map(|l| f.list(l).iter().enumerate().map(move |(j, r)| (l, j, r)));
            for (list, j, r) in all {
                let rp = fp.key(list.field()).index(j);
                for (field, list) in [("sources", &r.sources), ("destinations", &r.destinations)] {
                    if list.is_empty() {
                        self.err(
                            rp.key(field),
                            Problem::Empty {
                                what: format!("`{field}`"),
                                hint: "write `any` to match every address".into(),
                            },
                        );
                    }
                    for (k, a) in list.iter().enumerate() {
                        self.address_ref(a, rp.key(field).index(k));
                    }
                }
                if r.services.is_empty() {
                    self.err(
                        rp.key("services"),
                        Problem::Empty {
                            what: "`services`".into(),
                            hint: "write `any` to match every service".into(),
                        },
                    );
                }
                for (k, s) in r.services.iter().enumerate() {
                    self.service_ref(s, rp.key("services").index(k));
                }
                if let (Some(today), Some(expires)) = (self.options.today, r.expires)
                    && expires < today
                {
                    self.out.push(Diagnostic::warning(
                        rp.key("expires"),
                        Problem::ExpiredRule {
                            rule: r.name.to_string(),
                            expires: expires.to_string(),
                        },
                    ));
                }
            }
        }
    }

    fn flow_end(&mut self, end: &FlowEnd, path: DocPath) {
        match end {
            FlowEnd::Environment(r) => self.env_ref(r, path),
            FlowEnd::Prefix(p) => self.host_bits(*p, path),
            FlowEnd::Named(n) => {
                let s = n.as_str();
                let x = &self.index;
                if x.endpoint(s).is_none()
                    && x.object(s).is_none()
                    && x.external_network(s).is_none()
                    && x.zone(s).is_none()
                {
                    let hint = looks_like_an_address(s).unwrap_or_else(|| {
                        ": name a Project Set environment (`abc123-prod`), a zone, an endpoint, an object or an external network, or write a CIDR".to_owned()
                    });
                    self.unknown(path, "flow end", s, hint);
                }
            }
        }
    }

    fn flows(&mut self) {
        for (i, f) in self.t.flows.iter().enumerate() {
            let fp = root().key("flows").index(i);
            self.flow_end(&f.source, fp.key("source"));
            self.flow_end(&f.destination, fp.key("destination"));
            if f.services.is_empty() {
                self.err(
                    fp.key("services"),
                    Problem::Empty {
                        what: "`services`".into(),
                        hint: "list the destination services, e.g. `tcp/1521`".into(),
                    },
                );
            }
            for (k, s) in f.services.iter().enumerate() {
                self.service_ref(s, fp.key("services").index(k));
            }
            if let (Some(today), Some(expires)) = (self.options.today, f.expires)
                && expires < today
            {
                self.out.push(Diagnostic::warning(
                    fp.key("expires"),
                    Problem::ExpiredFlow {
                        flow: f.name.to_string(),
                        expires: expires.to_string(),
                    },
                ));
            }
            self.initiator(f, fp.key("initiator"));
        }
    }

    /// `initiator: cloud` / `on-prem` state which side the source is on; a source on the other
    /// side is an error (the ends are never swapped). Ends whose side the document alone does
    /// not tell (an object group, addresses in no network) are left to the path engine.
    fn initiator(&mut self, f: &crate::Flow, path: DocPath) {
        let stated = match f.initiator {
            Initiator::Cloud => Side::Cloud,
            Initiator::OnPrem => Side::OnPrem,
            Initiator::Source | Initiator::Both => return,
        };
        let sides = self.sides.get_or_insert_with(|| Sides::new(self.t));
        let Some(actual) = side_of(&self.index, sides, &f.source) else {
            return;
        };
        if actual != stated {
            self.err(
                path,
                Problem::InitiatorMismatch {
                    initiator: f.initiator.as_str().into(),
                    end: f.source.to_string(),
                    stated: stated.noun().into(),
                    actual: actual.where_().into(),
                },
            );
        }
    }

    /// Address spaces of distinct networks must not overlap (the platforms forbid it).
    fn overlaps(&mut self) {
        let t = self.t;
        // (prefix, path of the prefix, path of its network)
        let mut all: Vec<(IpNet, DocPath, DocPath)> = Vec::new();
        for (i, ps) in t.project_sets.iter().enumerate() {
            for (env, net) in &ps.environments {
                let np = root()
                    .key("project_sets")
                    .index(i)
                    .key("environments")
                    .key(env.as_str());
                for (k, c) in net.address_space.iter().enumerate() {
                    all.push((
                        canonical_net(c.trunc()),
                        np.key("address_space").index(k),
                        np.clone(),
                    ));
                }
            }
        }
        for (i, z) in t.zones().iter().enumerate() {
            let zp = root().key("on_prem").key("zones").index(i);
            for (k, c) in z.networks.iter().enumerate() {
                all.push((
                    canonical_net(c.trunc()),
                    zp.key("networks").index(k),
                    zp.clone(),
                ));
            }
        }
        for (i, x) in t.external_networks.iter().enumerate() {
            let xp = root().key("external_networks").index(i);
            for (k, c) in x.prefixes.iter().enumerate() {
                all.push((
                    canonical_net(c.trunc()),
                    xp.key("prefixes").index(k),
                    xp.clone(),
                ));
            }
        }
        // Sort by first address; any entry that starts at or before the widest end seen so far overlaps it.
        all.sort_by(|a, b| {
            (a.0.network(), a.0.prefix_len(), &a.1).cmp(&(b.0.network(), b.0.prefix_len(), &b.1))
        });
        let mut widest: Option<usize> = None;
        let mut found = Vec::new();
        for (idx, (net, _, _)) in all.iter().enumerate() {
            if let Some(w) = widest.and_then(|w| all.get(w).map(|e| (w, e))) {
                let (w, (wnet, _, _)) = w;
                if wnet.contains(&net.network()) {
                    found.push((idx, w));
                    if net.broadcast() > wnet.broadcast() {
                        widest = Some(idx);
                    }
                    continue;
                }
            }
            widest = Some(idx);
        }
        let mut reports: Vec<(DocPath, Problem)> = found
            .into_iter()
            .filter_map(|(a, b)| {
                let (an, ap, _) = all.get(a)?;
                let (bn, _, bnet) = all.get(b)?;
                // Report on the one that starts later (at the same start, the narrower one).
                Some((
                    ap.clone(),
                    Problem::Overlap {
                        cidr: an.to_string(),
                        other: bnet.clone(),
                        other_cidr: bn.to_string(),
                    },
                ))
            })
            .collect();
        reports.sort_by(|a, b| a.0.cmp(&b.0));
        for (p, problem) in reports {
            self.err(p, problem);
        }
    }
}

/// For a name of digits and dots (`10.0.0.256`, which a name may be) that no element has: it
/// was meant as an IPv4 address, and the hint says what is wrong with it.
fn looks_like_an_address(name: &str) -> Option<String> {
    if !name.contains('.') || !name.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    match crate::parse_ip_addr(name) {
        Err(crate::AddressError::Ip { problem, fix, .. }) => Some(format!(
            ", and it is not an IP address either ({problem}): {fix}"
        )),
        _ => None,
    }
}

fn join(nets: &[IpNet]) -> String {
    nets.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which side of the hybrid connection a flow end is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Cloud,
    OnPrem,
}

impl Side {
    fn noun(self) -> &'static str {
        match self {
            Self::Cloud => "the cloud",
            Self::OnPrem => "on-prem",
        }
    }

    fn where_(self) -> &'static str {
        match self {
            Self::Cloud => "in the cloud",
            Self::OnPrem => "on-prem",
        }
    }
}

/// The side of a flow end, when the document tells it: environments and external networks are
/// in the cloud, zones and endpoints on-prem; addresses (a CIDR, a host, network or range
/// object) are on the side of the network that holds their first address.
fn side_of(index: &Index<'_>, sides: &Sides, end: &FlowEnd) -> Option<Side> {
    let by_address = |a: std::net::IpAddr| {
        if sides.on_prem.contains(a) {
            Some(Side::OnPrem)
        } else if sides.cloud.contains(a) {
            Some(Side::Cloud)
        } else {
            None
        }
    };
    match end {
        FlowEnd::Environment(_) => Some(Side::Cloud),
        FlowEnd::Prefix(p) => by_address(p.network()),
        FlowEnd::Named(n) => {
            let s = n.as_str();
            if index.endpoint(s).is_some() || index.zone(s).is_some() {
                Some(Side::OnPrem)
            } else if index.external_network(s).is_some() {
                Some(Side::Cloud)
            } else {
                match index.object(s)? {
                    FirewallObject::Host { address, .. } => by_address(*address),
                    FirewallObject::Network { address, .. } => by_address(address.network()),
                    FirewallObject::Range { range, .. } => range
                        .to_prefixes()
                        .first()
                        .and_then(|p| by_address(p.network())),
                    FirewallObject::Group { .. } => None,
                }
            }
        }
    }
}

/// The networks of each side as merged address intervals: whether an address lies in one is a
/// binary search, not a scan of every network per flow.
#[derive(Debug)]
struct Sides {
    /// The zones' networks.
    on_prem: Spans,
    /// The Project Set environments' address spaces and the external networks' prefixes.
    cloud: Spans,
}

impl Sides {
    fn new(t: &Topology) -> Self {
        let zones = t.zones().iter().flat_map(|z| z.networks.iter().copied());
        let environments = t
            .project_sets
            .iter()
            .flat_map(|ps| ps.environments.values())
            .flat_map(|net| net.address_space.iter().copied());
        let external = t
            .external_networks
            .iter()
            .flat_map(|x| x.prefixes.iter().copied());
        Self {
            on_prem: Spans::new(zones),
            cloud: Spans::new(environments.chain(external)),
        }
    }
}

/// Sorted, disjoint address intervals `(is IPv4, first, last)`: the union of some networks,
/// each as `IpNet::contains` sees it (from its network address to its broadcast address, in its
/// own family).
#[derive(Debug)]
struct Spans(Vec<(bool, u128, u128)>);

impl Spans {
    fn new(nets: impl Iterator<Item = IpNet>) -> Self {
        let mut all: Vec<(bool, u128, u128)> = nets
            .map(|n| match n {
                IpNet::V4(n) => (
                    true,
                    u128::from(u32::from(n.network())),
                    u128::from(u32::from(n.broadcast())),
                ),
                IpNet::V6(n) => (false, u128::from(n.network()), u128::from(n.broadcast())),
            })
            .collect();
        all.sort_unstable();
        let mut merged: Vec<(bool, u128, u128)> = Vec::with_capacity(all.len());
        for (v4, first, last) in all {
            match merged.last_mut() {
                Some(m) if m.0 == v4 && first <= m.2 => m.2 = m.2.max(last),
                _ => merged.push((v4, first, last)),
            }
        }
        Self(merged)
    }

    fn contains(&self, a: std::net::IpAddr) -> bool {
        let (v4, x) = match a {
            std::net::IpAddr::V4(a) => (true, u128::from(u32::from(a))),
            std::net::IpAddr::V6(a) => (false, u128::from(a)),
        };
        let after = self
            .0
            .partition_point(|&(f, first, _)| (f, first) <= (v4, x));
        after
            .checked_sub(1)
            .and_then(|i| self.0.get(i))
            .is_some_and(|&(f, _, last)| f == v4 && x <= last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The intervals answer what a scan of the networks with `IpNet::contains` answers.
    #[test]
    fn spans_contain_what_the_networks_contain() {
        let nets: Vec<IpNet> = [
            "10.0.0.0/8",
            "10.1.0.0/16",
            "10.255.255.0/24",
            "11.0.0.0/24",
            "11.0.1.0/24",
            "192.168.1.7/24",
            "fd00::/32",
            "fd00:1::/48",
            "::ffff:0:0/96",
        ]
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
        let spans = Spans::new(nets.iter().copied());
        let probes = [
            "9.255.255.255",
            "10.0.0.0",
            "10.1.2.3",
            "10.255.255.255",
            "11.0.0.0",
            "11.0.1.255",
            "11.0.2.0",
            "192.168.1.0",
            "192.168.1.255",
            "192.168.2.0",
            "fd00::1",
            "fd00:1::1",
            "fd01::",
            "::ffff:10.0.0.1",
            "::1",
            "0.0.0.0",
            "255.255.255.255",
        ];
        for p in probes {
            let a: std::net::IpAddr = p.parse().unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
            let scan = nets.iter().any(|n| n.contains(&a));
            assert_eq!(spans.contains(a), scan, "{p}");
        }
    }
}
