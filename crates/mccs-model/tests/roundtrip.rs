//! Model -> document -> model gives back the same model, in YAML, JSON and TOML, for arbitrary
//! valid topologies; and reading never panics, whatever the text.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use mccs_model::{
    Action, AddressRange, AddressRef, Channel, Date, Endpoint, Environment, ExternalNetwork,
    Firewall, FirewallKind, FirewallObject, Flow, FlowEnd, Format, HybridLink, Initiator,
    LicensePlate, LinkKind, Ministry, Name, NamedService, OnPrem, Platform, PortRange, PrivateLink,
    PrivateLinkRegion, ProjectSet, Redundancy, RegionRole, Rule, Service, ServiceRef, Topology,
    ValidateOptions, VirtualNetwork, Zone, check, load, to_yaml, validate,
};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

// ---------------------------------------------------------------------------------------------
// Leaf strategies

/// Free text: ordinary words, and text that YAML would misread unquoted.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z][A-Za-z0-9 ,.'()/-]{0,20}",
        2 => prop::sample::select(vec![
            "", "123", "111111111101", "-7", "1.5", "1e3", "true", "False", "yes", "null", "~", " lead",
            "trail ", "a: b", "#x", "- y", "x #y", "line\nbreak", "tab\there", "quote\"s", "back\\slash",
            "é ü 中文", "[x]", "{y}", "*a", "&b", "!c", "%d", "@e", "`f`", "'g'", ">", "|", "?", ":", "...",
            "---", "0x1F", "nel\u{85}", "\u{feff}bom", "2030-03-31", "nul\u{0}", "\r\n",
        ])
        .prop_map(str::to_owned),
        1 => "\\PC{0,12}",
    ]
}

fn ministry() -> impl Strategy<Value = Ministry> {
    "[A-Z][A-Z0-9]{1,9}".prop_map(|s| s.parse().unwrap())
}

fn plate() -> impl Strategy<Value = LicensePlate> {
    "[a-z0-9]{6}".prop_map(|s| s.parse().unwrap())
}

fn environment() -> impl Strategy<Value = Environment> {
    prop_oneof![
        prop::sample::select(vec!["dev", "test", "prod", "tools"]).prop_map(str::to_owned),
        "[a-z][a-z0-9-]{0,15}",
    ]
    .prop_map(|s| s.parse().unwrap())
}

/// The start of a name; the builder appends `_<n>` to make every name unique (and never an
/// address, a service or `<plate>-<env>`, which a name in a rule or flow could be mistaken for).
fn name_base() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9_.-]{0,10}"
}

fn service() -> impl Strategy<Value = Service> {
    let ports =
        (1..=u16::MAX, 1..=u16::MAX).prop_map(|(a, b)| PortRange::new(a.min(b), a.max(b)).unwrap());
    prop_oneof![
        ports.clone().prop_map(Service::Tcp),
        ports.prop_map(Service::Udp),
        (1..=u16::MAX).prop_map(|p| Service::Tcp(PortRange::single(p).unwrap())),
        Just(Service::Tcp(PortRange::ALL)),
        Just(Service::Icmp),
        Just(Service::Any),
    ]
}

fn date() -> impl Strategy<Value = Date> {
    (1u16..=9999, 1u8..=12, 1u8..=31).prop_filter_map("a real day", |(y, m, d)| Date::new(y, m, d))
}

fn ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<u32>().prop_map(|a| IpAddr::V4(Ipv4Addr::from(a))),
        any::<u128>().prop_map(|a| IpAddr::V6(Ipv6Addr::from(a))),
    ]
}

/// Any prefix without host bits.
fn prefix() -> impl Strategy<Value = IpNet> {
    prop_oneof![
        (any::<u32>(), 0u8..=32)
            .prop_map(|(a, l)| IpNet::V4(Ipv4Net::new(Ipv4Addr::from(a), l).unwrap().trunc())),
        (any::<u128>(), 0u8..=128)
            .prop_map(|(a, l)| IpNet::V6(Ipv6Net::new(Ipv6Addr::from(a), l).unwrap().trunc())),
    ]
}

// ---------------------------------------------------------------------------------------------
// A valid topology, built from pools of leaves and a tape of choices

struct Pools {
    tape: Vec<u32>,
    texts: Vec<String>,
    bases: Vec<String>,
    ministries: Vec<Ministry>,
    plates: Vec<LicensePlate>,
    envs: Vec<Environment>,
    services: Vec<Service>,
    dates: Vec<Date>,
    ips: Vec<IpAddr>,
    prefixes: Vec<IpNet>,
}

/// Draws from the pools in turn: every name unique, every network in its own address block.
struct Builder {
    p: Pools,
    at: [usize; 9],
    names: usize,
    blocks: u32,
}

fn cycle<T: Clone>(pool: &[T], at: &mut usize) -> T {
    let v = pool[*at % pool.len()].clone();
    *at += 1;
    v
}

impl Builder {
    /// A number in `0..n` (0 when `n` is 0).
    fn choose(&mut self, n: usize) -> usize {
        let v = cycle(&self.p.tape, &mut self.at[0]) as usize;
        if n == 0 { 0 } else { v % n }
    }
    fn flip(&mut self) -> bool {
        self.choose(2) == 1
    }
    fn text(&mut self) -> String {
        cycle(&self.p.texts, &mut self.at[1])
    }
    fn maybe_text(&mut self) -> Option<String> {
        self.flip().then(|| self.text())
    }
    fn name(&mut self) -> Name {
        let base = cycle(&self.p.bases, &mut self.at[2]);
        self.names += 1;
        format!("{base}_{}", self.names).parse().unwrap()
    }
    fn ministry(&mut self) -> Ministry {
        cycle(&self.p.ministries, &mut self.at[3])
    }
    fn env(&mut self) -> Environment {
        cycle(&self.p.envs, &mut self.at[4])
    }
    fn service(&mut self) -> Service {
        cycle(&self.p.services, &mut self.at[5])
    }
    fn date(&mut self) -> Date {
        cycle(&self.p.dates, &mut self.at[6])
    }
    fn ip(&mut self) -> IpAddr {
        cycle(&self.p.ips, &mut self.at[7])
    }
    fn prefix(&mut self) -> IpNet {
        cycle(&self.p.prefixes, &mut self.at[8])
    }
    fn platform(&mut self) -> Platform {
        Platform::ALL[self.choose(2)]
    }
    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.choose(items.len())].clone()
    }
    fn some<T>(&mut self, min: usize, max: usize, mut f: impl FnMut(&mut Self) -> T) -> Vec<T> {
        let n = min + self.choose(max - min + 1);
        (0..n).map(|_| f(self)).collect()
    }

    /// A network no other network overlaps: a slice of a fresh 10.x.y.0/24 or fd00:0:0:x::/64.
    fn fresh_network(&mut self) -> IpNet {
        self.blocks += 1;
        let k = self.blocks;
        let r = self.choose(usize::MAX) as u128;
        if self.flip() {
            let len = 24 + self.choose(7) as u8; // /24 to /30
            let size = 1u32 << (32 - len);
            let offset = (r as u32 % (1 << (len - 24))) * size;
            let base = u32::from(Ipv4Addr::new(10, (k >> 8) as u8, k as u8, 0)) + offset;
            IpNet::V4(Ipv4Net::new(Ipv4Addr::from(base), len).unwrap())
        } else {
            let len = 64 + self.choose(57) as u8; // /64 to /120
            let size = 1u128 << (128 - len);
            let offset = (r % (1u128 << (len - 64).min(32))) * size;
            let base = (0xfd00u128 << 112) | (u128::from(k) << 64);
            IpNet::V6(Ipv6Net::new(Ipv6Addr::from(base + offset), len).unwrap())
        }
    }

    /// An address inside `net`.
    fn address_in(&mut self, net: IpNet) -> IpAddr {
        let r = self.choose(usize::MAX) as u128;
        match net {
            IpNet::V4(n) => {
                let size = 1u128 << (32 - n.prefix_len());
                IpAddr::V4(Ipv4Addr::from(u32::from(n.network()) + (r % size) as u32))
            }
            IpNet::V6(n) => {
                let size = 1u128 << (128 - n.prefix_len()).min(64);
                IpAddr::V6(Ipv6Addr::from(u128::from(n.network()) + r % size))
            }
        }
    }

    fn firewall(
        &mut self,
        kind: FirewallKind,
        platform: Option<Platform>,
        channels: &[Name],
    ) -> Firewall {
        let name = self.name();
        let owner = self.text();
        let mut fw = Firewall::new(name, kind, owner, self.pick(channels));
        fw.platform = platform;
        fw.description = self.maybe_text();
        fw
    }
}

fn build(p: Pools) -> Topology {
    let mut b = Builder {
        p,
        at: [0; 9],
        names: 0,
        blocks: 0,
    };
    let mut t = Topology::new();

    let channels: Vec<Channel> = b.some(1, 2, |b| {
        let (name, title, form, url) = (b.name(), b.text(), b.maybe_text(), b.maybe_text());
        let mut c = Channel::new(name, title, b.text(), b.text());
        c.form = form;
        c.url = url;
        c
    });
    let channel_names: Vec<Name> = channels.iter().map(|c| c.name.clone()).collect();
    t.channels = channels;

    // Objects: groups only name objects before them, so there is no cycle.
    let n_objects = b.choose(5);
    for i in 0..n_objects {
        let name = b.name();
        let published_by = b.maybe_text();
        let description = b.maybe_text();
        let kind = b.choose(4);
        let object = match kind {
            0 => FirewallObject::Host {
                name,
                address: b.ip(),
                published_by,
                description,
            },
            1 => FirewallObject::Network {
                name,
                address: b.prefix(),
                published_by,
                description,
            },
            3 if i > 0 => {
                let members = b.some(1, 3, |b| {
                    let j = b.choose(i);
                    t.objects[j].name().clone()
                });
                FirewallObject::Group {
                    name,
                    members,
                    published_by,
                    description,
                }
            }
            _ => {
                let (x, y) = (b.ip(), b.ip());
                let (first, last) = match (x, y) {
                    (IpAddr::V4(_), IpAddr::V4(_)) | (IpAddr::V6(_), IpAddr::V6(_)) => {
                        (x.min(y), x.max(y))
                    }
                    _ => (x, x),
                };
                FirewallObject::Range {
                    name,
                    range: AddressRange::new(first, last).unwrap(),
                    published_by,
                    description,
                }
            }
        };
        t.objects.push(object);
    }
    let object_names: Vec<Name> = t.objects.iter().map(|o| o.name().clone()).collect();

    t.services = b.some(0, 3, |b| {
        let name = b.name();
        let mut s = NamedService::new(name, b.some(1, 3, Builder::service));
        s.description = b.maybe_text();
        s
    });
    let service_names: Vec<Name> = t.services.iter().map(|s| s.name.clone()).collect();

    // Firewalls of every kind; one cloud firewall per platform at most.
    let mut clouds: Vec<Platform> = Vec::new();
    let n_firewalls = 1 + b.choose(5);
    for _ in 0..n_firewalls {
        let kinds = [
            FirewallKind::Cloud,
            FirewallKind::Edge,
            FirewallKind::Zone,
            FirewallKind::SecurityGroup,
            FirewallKind::Other,
        ];
        let mut kind = b.pick(&kinds);
        let mut platform = b.flip().then(|| b.platform());
        if kind == FirewallKind::Cloud {
            let free: Vec<Platform> = Platform::ALL
                .into_iter()
                .filter(|p| !clouds.contains(p))
                .collect();
            if free.is_empty() {
                kind = FirewallKind::Other;
            } else {
                let p = b.pick(&free);
                clouds.push(p);
                platform = Some(p);
            }
        }
        let mut fw = b.firewall(kind, platform, &channel_names);
        fw.rules = b.some(0, 3, |b| {
            let mut address = |b: &mut Builder| match b.choose(3) {
                0 => AddressRef::Any,
                1 if !object_names.is_empty() => AddressRef::Object(b.pick(&object_names)),
                _ => AddressRef::Prefix(b.prefix()),
            };
            let name = b.name();
            let sources = b.some(1, 3, &mut address);
            let destinations = b.some(1, 3, &mut address);
            let services = b.some(1, 3, |b| {
                if !service_names.is_empty() && b.flip() {
                    ServiceRef::Named(b.pick(&service_names))
                } else {
                    ServiceRef::Literal(b.service())
                }
            });
            let action = if b.flip() {
                Action::Allow
            } else {
                Action::Deny
            };
            let mut r = Rule::new(name, action, sources, destinations, services);
            r.description = b.maybe_text();
            r.ticket = b.maybe_text();
            r.expires = b.flip().then(|| b.date());
            r
        });
        t.firewalls.push(fw);
    }

    // A firewall of `kind`, made when there is none.
    fn of_kind(b: &mut Builder, t: &mut Topology, kind: FirewallKind, channels: &[Name]) -> Name {
        let existing: Vec<Name> = t
            .firewalls
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.name.clone())
            .collect();
        if existing.is_empty() {
            let platform = (kind == FirewallKind::SecurityGroup).then(|| b.platform());
            let fw = b.firewall(kind, platform, channels);
            let name = fw.name.clone();
            t.firewalls.push(fw);
            name
        } else {
            b.pick(&existing)
        }
    }

    // Project Sets.
    let plates = b.p.plates.clone();
    for plate in plates {
        let platform = b.platform();
        let mut environments = BTreeMap::new();
        for _ in 0..1 + b.choose(3) {
            let env = b.env();
            let address_space = b.some(1, 2, Builder::fresh_network);
            let security_groups = if b.choose(3) == 0 {
                vec![of_kind(
                    &mut b,
                    &mut t,
                    FirewallKind::SecurityGroup,
                    &channel_names,
                )]
            } else {
                Vec::new()
            };
            let account = b.text();
            let mut net = VirtualNetwork::new(account, b.text(), address_space);
            net.security_groups = security_groups;
            environments.insert(env, net);
        }
        let mut ps = ProjectSet::new(plate, b.ministry(), platform);
        ps.name = b.maybe_text();
        ps.environments = environments;
        t.project_sets.push(ps);
    }
    if b.flip() {
        let mut known: Vec<Ministry> = t.project_sets.iter().map(|p| p.ministry).collect();
        known.push(b.ministry());
        known.sort();
        known.dedup();
        t.ministries = known;
    }

    // On-prem: the edge, zones behind zone firewalls, endpoints inside their zones.
    if b.choose(4) != 0 {
        let edge_firewall = of_kind(&mut b, &mut t, FirewallKind::Edge, &channel_names);
        let mut zones = Vec::new();
        for _ in 0..b.choose(4) {
            let firewall = of_kind(&mut b, &mut t, FirewallKind::Zone, &channel_names);
            let networks = b.some(1, 2, Builder::fresh_network);
            let endpoints = b.some(0, 3, |b| {
                let net = b.pick(&networks);
                let name = b.name();
                let mut e = Endpoint::new(name, b.address_in(net));
                e.description = b.maybe_text();
                e
            });
            let name = b.name();
            let mut zone = Zone::new(name, firewall, networks);
            zone.endpoints = endpoints;
            zone.description = b.maybe_text();
            zones.push(zone);
        }
        let mut on_prem = OnPrem::new(edge_firewall);
        on_prem.zones = zones;
        t.on_prem = Some(on_prem);
    }

    let firewall_names: Vec<Name> = t.firewalls.iter().map(|f| f.name.clone()).collect();
    t.external_networks = b.some(0, 2, |b| {
        let name = b.name();
        let prefixes = b.some(1, 2, Builder::fresh_network);
        let mut x = ExternalNetwork::new(name, prefixes, b.pick(&firewall_names));
        x.platform = b.flip().then(|| b.platform());
        x.description = b.maybe_text();
        x
    });

    // Hybrid links need their platform's cloud firewall and the on-prem edge.
    if t.on_prem.is_some() && !clouds.is_empty() {
        t.hybrid_links = b.some(0, 3, |b| {
            let platform = b.pick(&clouds);
            let name = b.name();
            let kind = match platform {
                Platform::AwsLza => LinkKind::DirectConnect,
                Platform::AzureAlz => LinkKind::ExpressRoute,
            };
            let redundancy = if b.flip() {
                Redundancy::Primary
            } else {
                Redundancy::Secondary
            };
            let encryption = b.pick(&[
                mccs_model::Encryption::Ipsec,
                mccs_model::Encryption::Macsec,
                mccs_model::Encryption::None,
            ]);
            let mut link = HybridLink::new(name, kind, redundancy, encryption);
            link.description = b.maybe_text();
            link
        });
    }

    // PrivateLinks: consumers on the link's platform, a provider network, one primary region.
    for _ in 0..b.choose(3) {
        let platform = b.platform();
        let consumers: Vec<_> = t
            .environments()
            .filter(|(_, ps, _)| ps.platform == platform)
            .map(|(r, ..)| r)
            .collect();
        if consumers.is_empty() || t.external_networks.is_empty() {
            continue;
        }
        let mut chosen = b.some(1, 2, |b| b.pick(&consumers));
        chosen.dedup();
        let provider = t.external_networks[b.choose(t.external_networks.len())]
            .name
            .clone();
        let security_group = of_kind(&mut b, &mut t, FirewallKind::SecurityGroup, &channel_names);
        let firewall = b.pick(
            &t.firewalls
                .iter()
                .map(|f| f.name.clone())
                .collect::<Vec<_>>(),
        );
        let mut regions = vec![RegionRole::Primary];
        if b.flip() {
            regions.push(RegionRole::Dr);
        }
        let regions = regions
            .into_iter()
            .map(|role| {
                let region = b.text();
                let service_ips = b.some(1, 2, Builder::ip);
                PrivateLinkRegion::new(region, role, service_ips, b.some(1, 2, Builder::ip))
            })
            .collect();
        let name = b.name();
        let mut pl = PrivateLink::new(name, platform, b.text(), provider, security_group, firewall);
        pl.consumers = chosen;
        pl.regions = regions;
        t.private_links.push(pl);
    }

    // Flows between anything a flow may name.
    let mut ends: Vec<FlowEnd> = t
        .environments()
        .map(|(r, ..)| FlowEnd::Environment(r))
        .collect();
    ends.extend(
        t.zones()
            .iter()
            .flat_map(|z| &z.endpoints)
            .map(|e| FlowEnd::Named(e.name.clone())),
    );
    ends.extend(object_names.iter().cloned().map(FlowEnd::Named));
    ends.extend(
        t.external_networks
            .iter()
            .map(|x| FlowEnd::Named(x.name.clone())),
    );
    t.flows = b.some(0, 4, |b| {
        let end = |b: &mut Builder| {
            if ends.is_empty() || b.choose(4) == 0 {
                FlowEnd::Prefix(b.prefix())
            } else {
                b.pick(&ends)
            }
        };
        let name = b.name();
        let source = end(b);
        let destination = end(b);
        let services = b.some(1, 3, |b| {
            if !service_names.is_empty() && b.flip() {
                ServiceRef::Named(b.pick(&service_names))
            } else {
                ServiceRef::Literal(b.service())
            }
        });
        let mut f = Flow::new(name, source, destination, services);
        // `cloud` / `on-prem` must match the source's side (validation checks it), which
        // random ends do not; `source` and `both` are valid whatever the ends.
        f.initiator = b.pick(&[Initiator::Source, Initiator::Both]);
        f.justification = b.maybe_text();
        f.requester = b.maybe_text();
        f.expires = b.flip().then(|| b.date());
        f.change_window = b.maybe_text();
        f
    });
    t
}

fn topology() -> impl Strategy<Value = Topology> {
    use prop::collection::{btree_set, vec};
    (
        vec(any::<u32>(), 16..64),
        vec(text(), 1..12),
        vec(name_base(), 1..8),
        vec(ministry(), 1..4),
        btree_set(plate(), 0..4),
        vec(environment(), 1..6),
        vec(service(), 1..6),
        vec(date(), 1..4),
        vec(ip(), 1..8),
        vec(prefix(), 1..8),
    )
        .prop_map(
            |(tape, texts, bases, ministries, plates, envs, services, dates, ips, prefixes)| {
                build(Pools {
                    tape,
                    texts,
                    bases,
                    ministries,
                    plates: plates.into_iter().collect(),
                    envs,
                    services,
                    dates,
                    ips,
                    prefixes,
                })
            },
        )
}

// ---------------------------------------------------------------------------------------------
// Round trips

fn read_back(text: &str, format: Format) -> Result<Topology, String> {
    let loaded = load(text, format);
    if loaded.diagnostics.is_empty() {
        Ok(loaded.topology)
    } else {
        let found: Vec<String> = loaded.diagnostics.iter().map(ToString::to_string).collect();
        Err(format!("{found:#?}\n--- document ---\n{text}"))
    }
}

/// TOML has no null, but the model never writes one (absent options are left out), so every
/// topology has a TOML form.
fn to_toml(t: &Topology) -> String {
    toml::to_string(t).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn generated_topologies_are_valid(t in topology()) {
        let found: Vec<String> = validate(&t, &ValidateOptions::default()).iter().map(ToString::to_string).collect();
        prop_assert!(found.is_empty(), "{:#?}", found);
    }

    #[test]
    fn yaml_round_trip(t in topology()) {
        let text = to_yaml(&t).unwrap();
        // Read and validated in one step, with nothing to report.
        prop_assert_eq!(check(&text, Format::Yaml, &ValidateOptions::default()).diagnostics, []);
        prop_assert_eq!(read_back(&text, Format::Yaml), Ok(t), "{}", text);
    }

    #[test]
    fn json_round_trip(t in topology()) {
        let text = serde_json::to_string_pretty(&t).unwrap();
        prop_assert_eq!(read_back(&text, Format::Json), Ok(t.clone()), "{}", text);
        let compact = serde_json::to_string(&t).unwrap();
        prop_assert_eq!(read_back(&compact, Format::Json), Ok(t));
    }

    #[test]
    fn toml_round_trip(t in topology()) {
        let text = to_toml(&t);
        prop_assert_eq!(read_back(&text, Format::Toml), Ok(t), "{}", text);
    }
}

#[test]
fn examples_round_trip_in_every_format() {
    for (name, yaml) in mccs_model::examples::ALL {
        let t = read_back(yaml, Format::Yaml).unwrap();
        assert_eq!(
            read_back(&to_yaml(&t).unwrap(), Format::Yaml).as_ref(),
            Ok(&t),
            "{name} as YAML"
        );
        let json = serde_json::to_string_pretty(&t).unwrap();
        assert_eq!(
            read_back(&json, Format::Json).as_ref(),
            Ok(&t),
            "{name} as JSON"
        );
        assert_eq!(
            read_back(&to_toml(&t), Format::Toml).as_ref(),
            Ok(&t),
            "{name} as TOML"
        );
    }
}

#[test]
fn yaml_output_quotes_what_needs_it() {
    let t = mccs_model::examples::reference();
    let text = to_yaml(&t).unwrap();
    // Account IDs of digits stay text; CIDRs, dates and names stay plain.
    assert!(text.contains("account: \"111111111103\"\n"), "{text}");
    assert!(text.contains("address_space: [10.40.12.0/24]\n"), "{text}");
    assert!(text.contains("expires: 2030-03-31\n"), "{text}");
    assert!(
        text.contains("name: Citizens' Services digital forms\n"),
        "{text}"
    );
    // Fields in declaration order: the document reads like the hand-written one.
    assert!(
        text.starts_with("version: 1\nministries: [CITZ, HLTH, EMLI, PSSG]\nchannels:\n"),
        "{text}"
    );
}

/// The generator covers every kind of thing the model has (checked over a fixed sample, so a
/// change to the builder that loses a variant fails here rather than silently testing less).
#[test]
fn generator_covers_every_variant() {
    let mut runner = TestRunner::deterministic();
    let strategy = topology();
    let mut seen: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for _ in 0..300 {
        let t = strategy.new_tree(&mut runner).unwrap().current();
        let mut see = |s: String| {
            seen.insert(s);
        };
        for f in &t.firewalls {
            see(format!("firewall {}", f.kind.as_str()));
            for r in &f.rules {
                see(format!("action {}", r.action.as_str()));
                for a in r.sources.iter().chain(&r.destinations) {
                    see(match a {
                        AddressRef::Any => "address any",
                        AddressRef::Prefix(IpNet::V4(_)) => "address v4",
                        AddressRef::Prefix(IpNet::V6(_)) => "address v6",
                        AddressRef::Object(_) => "address object",
                    }
                    .into());
                }
                for s in &r.services {
                    see(match s {
                        ServiceRef::Literal(s) => {
                            format!("service {}", s.protocol().map_or("any", |p| p.as_str()))
                        }
                        ServiceRef::Named(_) => "service named".into(),
                    });
                }
                if r.expires.is_some() {
                    see("rule expires".into());
                }
            }
        }
        for o in &t.objects {
            see(format!("object {}", o.kind()));
        }
        for ps in &t.project_sets {
            see(format!("platform {}", ps.platform));
            for (env, net) in &ps.environments {
                see(format!(
                    "env {}",
                    if matches!(env, Environment::Other(_)) {
                        "custom"
                    } else {
                        "builtin"
                    }
                ));
                if !net.security_groups.is_empty() {
                    see("security groups".into());
                }
            }
        }
        if !t.ministries.is_empty() {
            see("ministries".into());
        }
        for z in t.zones() {
            if !z.endpoints.is_empty() {
                see("endpoints".into());
            }
        }
        if !t.external_networks.is_empty() {
            see("external networks".into());
        }
        for l in &t.hybrid_links {
            see(format!("link {:?}", l.kind));
        }
        for pl in &t.private_links {
            see(format!("private link regions {}", pl.regions.len()));
        }
        for f in &t.flows {
            see(format!("initiator {}", f.initiator.as_str()));
            for end in [&f.source, &f.destination] {
                see(match end {
                    FlowEnd::Environment(_) => "end environment",
                    FlowEnd::Prefix(_) => "end prefix",
                    FlowEnd::Named(_) => "end named",
                }
                .into());
            }
        }
    }
    let want = [
        "firewall cloud",
        "firewall edge",
        "firewall zone",
        "firewall security-group",
        "firewall other",
        "action allow",
        "action deny",
        "address any",
        "address v4",
        "address v6",
        "address object",
        "service tcp",
        "service udp",
        "service icmp",
        "service any",
        "service named",
        "rule expires",
        "object host",
        "object network",
        "object range",
        "object group",
        "platform aws-lza",
        "platform azure-alz",
        "env custom",
        "env builtin",
        "security groups",
        "ministries",
        "endpoints",
        "external networks",
        "link DirectConnect",
        "link ExpressRoute",
        "private link regions 1",
        "private link regions 2",
        "initiator source",
        "initiator both",
        "end environment",
        "end prefix",
        "end named",
    ];
    let missing: Vec<&str> = want
        .iter()
        .copied()
        .filter(|w| !seen.contains(*w))
        .collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
}

// ---------------------------------------------------------------------------------------------
// Reading never panics

/// Reads `text` as `format`: every finding is well located (when located at all), and a text
/// without findings gives a topology that round-trips.
fn check_never_panics(text: &str, format: Format) -> Result<(), TestCaseError> {
    let checked = check(text, format, &ValidateOptions::default());
    // A lone CR is a line break too (old Mac line ends), as the reader counts lines.
    let lines = text.replace("\r\n", "\n").split(['\n', '\r']).count();
    for d in &checked.diagnostics {
        prop_assert!(!d.to_string().is_empty());
        if let Some(l) = d.location {
            prop_assert!(
                l.line >= 1 && l.line <= lines,
                "{} (text has {} lines)",
                d,
                lines
            );
            prop_assert!(l.column >= 1, "{}", d);
        }
    }
    if checked.diagnostics.is_empty() {
        // Whatever was read without a finding is written and read back unchanged.
        let again = read_back(&to_yaml(&checked.topology).unwrap(), Format::Yaml);
        prop_assert_eq!(again.as_ref(), Ok(&checked.topology));
    }
    Ok(())
}

/// YAML-ish text: indicators, indentation, quotes and scalars in random order.
fn yamlish() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "\n",
        "  ",
        "- ",
        ": ",
        "{",
        "}",
        "[",
        "]",
        ", ",
        "\"",
        "'",
        "#",
        "&a ",
        "*a",
        "!!str ",
        "|\n",
        ">\n",
        "---\n",
        "...\n",
        "version",
        "1",
        "firewalls",
        "name",
        "x",
        "\t",
        "? ",
        "%YAML 1.2\n",
        "\\",
        "~",
    ]);
    prop::collection::vec(token, 0..40).prop_map(|v| v.concat())
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(prop::sample::Index, usize),
    Insert(prop::sample::Index, String),
    Replace(prop::sample::Index, char),
    DuplicateLine(prop::sample::Index),
    SwapLines(prop::sample::Index, prop::sample::Index),
    Truncate(prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    use prop::sample::Index;
    prop_oneof![
        (any::<Index>(), 1usize..20).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<Index>(), prop_oneof!["\\PC{1,4}", yamlish()])
            .prop_map(|(i, s)| Mutation::Insert(i, s)),
        (any::<Index>(), any::<char>()).prop_map(|(i, c)| Mutation::Replace(i, c)),
        any::<Index>().prop_map(Mutation::DuplicateLine),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<Index>().prop_map(Mutation::Truncate),
    ]
}

/// A char boundary of `text` near the index.
fn boundary(text: &str, i: &prop::sample::Index) -> usize {
    let mut at = i.index(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut text = text.to_owned();
    for m in mutations {
        match m {
            Mutation::Delete(i, n) => {
                let a = boundary(&text, i);
                let mut b = (a + n).min(text.len());
                while !text.is_char_boundary(b) {
                    b += 1;
                }
                text.replace_range(a..b, "");
            }
            Mutation::Insert(i, s) => {
                let a = boundary(&text, i);
                text.insert_str(a, s);
            }
            Mutation::Replace(i, c) => {
                let a = boundary(&text, i);
                if let Some(old) = text[a..].chars().next() {
                    text.replace_range(a..a + old.len_utf8(), &c.to_string());
                }
            }
            Mutation::DuplicateLine(i) => {
                let mut lines: Vec<&str> = text.split('\n').collect();
                let k = i.index(lines.len());
                lines.insert(k, lines[k]);
                text = lines.join("\n");
            }
            Mutation::SwapLines(a, b) => {
                let mut lines: Vec<&str> = text.split('\n').collect();
                let (x, y) = (a.index(lines.len()), b.index(lines.len()));
                lines.swap(x, y);
                text = lines.join("\n");
            }
            Mutation::Truncate(i) => {
                let a = boundary(&text, i);
                text.truncate(a);
            }
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn arbitrary_text_never_panics(text in prop_oneof![any::<String>(), yamlish(), "[ -~\n]{0,200}"]) {
        for format in [Format::Yaml, Format::Json, Format::Toml] {
            check_never_panics(&text, format)?;
        }
    }

    #[test]
    fn mutated_reference_never_panics(mutations in prop::collection::vec(mutation(), 1..6)) {
        let reference = mccs_model::examples::reference();
        let yaml = mutate(mccs_model::examples::REFERENCE_YAML, &mutations);
        check_never_panics(&yaml, Format::Yaml)?;
        let json = mutate(&serde_json::to_string_pretty(&reference).unwrap(), &mutations);
        check_never_panics(&json, Format::Json)?;
        let toml = mutate(&to_toml(&reference), &mutations);
        check_never_panics(&toml, Format::Toml)?;
    }

    #[test]
    fn mutated_cross_cloud_never_panics(mutations in prop::collection::vec(mutation(), 1..4)) {
        check_never_panics(&mutate(mccs_model::examples::CROSS_CLOUD_YAML, &mutations), Format::Yaml)?;
    }
}
