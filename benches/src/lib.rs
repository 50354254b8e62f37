//! Synthetic estates for the benchmarks: the shape of the reference topology, at the size of a
//! large organisation.

use mccs_model::{
    AddressRef, Channel, Encryption, Endpoint, EnvRef, Environment, Firewall, FirewallKind,
    FirewallObject, Flow, HybridLink, Initiator, LinkKind, Name, OnPrem, Platform, PortRange,
    ProjectSet, Redundancy, Rule, Service, Topology, VirtualNetwork, Zone,
};

pub mod exports;

/// Every benchmark and profiling program runs on the allocator the `mccs` binary uses
/// (mimalloc), so their figures are the ones a user of the command gets. An embedder picks its
/// own allocator; docs/performance.md gives the figures with the system allocator too.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How big an estate to build.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    /// Project Sets (each with dev, test, prod and tools).
    pub project_sets: usize,
    /// On-prem zones, each behind its own firewall.
    pub zones: usize,
    /// On-prem endpoints, spread over the zones.
    pub endpoints: usize,
    /// Rules, spread over the cloud firewalls, the 3PG and the zone firewalls.
    pub rules: usize,
    /// Flows (Project Set environment to endpoint).
    pub flows: usize,
}

impl Size {
    /// The estate of the performance targets: 5,000 Project Sets x 4 environments, 200 zones,
    /// 2,000 endpoints, 100,000 rules, 10,000 flows.
    pub const LARGE: Size = Size {
        project_sets: 5_000,
        zones: 200,
        endpoints: 2_000,
        rules: 100_000,
        flows: 10_000,
    };
}

/// A small deterministic pseudo-random sequence (SplitMix64), so every run builds the same estate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }
}

const ENVS: [Environment; 4] = [
    Environment::Dev,
    Environment::Test,
    Environment::Prod,
    Environment::Tools,
];

fn name<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    match s.parse() {
        Ok(v) => v,
        Err(e) => unreachable!("generated name `{s}` is invalid: {e:?}"),
    }
}

fn env_cidr(n: usize) -> ipnet::IpNet {
    name(&format!("10.{}.{}.0/24", n / 256, n % 256))
}

fn zone_cidr(z: usize) -> ipnet::IpNet {
    name(&format!("172.{}.{}.0/24", 16 + z / 256, z % 256))
}

fn endpoint_addr(size: Size, e: usize) -> std::net::IpAddr {
    let z = e % size.zones.max(1);
    name(&format!(
        "172.{}.{}.{}",
        16 + z / 256,
        z % 256,
        10 + e / size.zones.max(1)
    ))
}

fn firewall(n: &str, kind: FirewallKind, channel: &str) -> Firewall {
    Firewall::new(name(n), kind, "Network team", name(channel))
}

/// `tcp/<port>`.
fn tcp(port: u16) -> Service {
    Service::Tcp(PortRange::single(port).unwrap_or(PortRange::ALL))
}

/// Environment `env` of the estate: `p<env / 4>-<ENVS[env % 4]>`.
fn env_ref(env: usize) -> EnvRef {
    EnvRef::new(name(&format!("p{:05}", env / 4)), ENVS[env % 4].clone())
}

/// Builds an estate of `size`. Environment `n` owns `10.(n/256).(n%256).0/24`; zone `z` owns
/// `172.(16+z/256).(z%256).0/24`; rules allow random environment-to-endpoint pairs on random
/// ports; flows are other random pairs, so some are allowed and most need rules.
pub fn estate(size: Size) -> Topology {
    let mut rng = Rng(0x5EED);
    let mut t = Topology::new();
    for c in ["cloud", "onprem"] {
        t.channels
            .push(Channel::new(name(c), c, "Project team", "Network team"));
    }
    t.firewalls
        .push(firewall("aws-fw", FirewallKind::Cloud, "cloud").platform(Platform::AwsLza));
    t.firewalls
        .push(firewall("azure-fw", FirewallKind::Cloud, "cloud").platform(Platform::AzureAlz));
    t.firewalls
        .push(firewall("3pg", FirewallKind::Edge, "onprem"));
    for i in 0..size.project_sets {
        let platform = if i % 2 == 0 {
            Platform::AwsLza
        } else {
            Platform::AzureAlz
        };
        let ps = ProjectSet::new(name(&format!("p{i:05}")), name("CITZ"), platform);
        t.project_sets
            .push(ENVS.iter().enumerate().fold(ps, |ps, (e, env)| {
                let n = i * 4 + e;
                let vpc = VirtualNetwork::new(
                    format!("{n:012}"),
                    "ca-central-1".into(),
                    vec![env_cidr(n)],
                );
                ps.environment(env.clone(), vpc)
            }));
    }
    let mut zones: Vec<Zone> = (0..size.zones)
        .map(|z| {
            let fw = format!("zone{z}-fw");
            t.firewalls
                .push(firewall(&fw, FirewallKind::Zone, "onprem"));
            Zone::new(name(&format!("zone{z}")), name(&fw), [zone_cidr(z)])
        })
        .collect();
    for e in 0..size.endpoints {
        if let Some(z) = zones.get_mut(e % size.zones.max(1)) {
            z.endpoints.push(Endpoint::new(
                name(&format!("host{e}")),
                endpoint_addr(size, e),
            ));
        }
    }
    t.on_prem = Some(
        zones
            .into_iter()
            .fold(OnPrem::new(name("3pg")), OnPrem::zone),
    );
    for (i, (kind, redundancy)) in [
        (LinkKind::DirectConnect, Redundancy::Primary),
        (LinkKind::DirectConnect, Redundancy::Secondary),
        (LinkKind::ExpressRoute, Redundancy::Primary),
        (LinkKind::ExpressRoute, Redundancy::Secondary),
    ]
    .into_iter()
    .enumerate()
    {
        let link = name(&format!("link{i}"));
        t.hybrid_links
            .push(HybridLink::new(link, kind, redundancy, Encryption::Ipsec));
    }
    let envs = size.project_sets * 4;
    for r in 0..size.rules {
        let env = rng.below(envs);
        let ep = rng.below(size.endpoints);
        let port = 1000 + u16::try_from(rng.below(200)).unwrap_or(0);
        let fw = match r % 3 {
            0 => (env / 4) % 2,
            1 => 2,
            _ => 3 + ep % size.zones.max(1),
        };
        let rule = Rule::allow(
            name(&format!("R{r}")),
            [env_cidr(env)],
            [endpoint_addr(size, ep)],
            [tcp(port)],
        );
        if let Some(f) = t.firewalls.get_mut(fw) {
            f.rules.push(rule);
        }
    }
    for f in 0..size.flows {
        let env = rng.below(envs);
        let ep = rng.below(size.endpoints);
        let port = 1000 + u16::try_from(rng.below(200)).unwrap_or(0);
        let host: Name = name(&format!("host{ep}"));
        t.flows.push(
            Flow::new(name(&format!("flow{f}")), env_ref(env), host, [tcp(port)])
                .initiator(Initiator::Cloud),
        );
    }
    t
}

/// The address of host object `k` of `objects`: inside environment `k % envs`'s `/24`, so the
/// objects are spread over the whole estate and distinct (up to 240 per environment).
fn object_addr(envs: usize, k: usize) -> std::net::IpAddr {
    let envs = envs.max(1);
    let n = k % envs;
    name(&format!(
        "10.{}.{}.{}",
        n / 256,
        n % 256,
        10 + (k / envs) % 240
    ))
}

fn host_object(n: &str, address: std::net::IpAddr) -> FirewallObject {
    FirewallObject::host(name(n), address)
}

/// [`estate`] with `objects` host objects (`obj0`, `obj1`, ...), each in a Project Set
/// environment, that the rules name: rule `r` has source `obj(r % objects)` instead of a CIDR.
/// The document of the validation benchmark (100,000 objects and 100,000 rules).
pub fn estate_with_objects(size: Size, objects: usize) -> Topology {
    let mut t = estate(size);
    let envs = size.project_sets * 4;
    t.objects.reserve(objects);
    for k in 0..objects {
        t.objects
            .push(host_object(&format!("obj{k}"), object_addr(envs, k)));
    }
    if objects > 0 {
        let mut r = 0usize;
        for f in &mut t.firewalls {
            for rule in &mut f.rules {
                rule.sources = vec![AddressRef::Object(name(&format!("obj{}", r % objects)))];
                r += 1;
            }
        }
    }
    t
}

/// [`estate`] with one object group `BIG` of `members` host objects (`m0`, `m1`, ...), spread
/// over the Project Set environments, that the first rule of the 3PG names as its source
/// (allowing `tcp/443` to endpoint `host0`), and `size.flows` flows from environments holding
/// members to `host0` on `tcp/443`, so planning meets the group on every flow. The document of
/// the wide-group benchmark (200,000 members).
pub fn estate_with_group(size: Size, members: usize) -> Topology {
    let mut t = estate(Size { flows: 0, ..size });
    let envs = size.project_sets * 4;
    t.objects.reserve(members + 1);
    let mut names = Vec::with_capacity(members);
    for k in 0..members {
        let n: mccs_model::Name = name(&format!("m{k}"));
        t.objects
            .push(host_object(n.as_str(), object_addr(envs, k)));
        names.push(n);
    }
    t.objects.push(FirewallObject::group(name("BIG"), names));
    let https = tcp(443);
    let rule = Rule::allow(
        name("BIG_TO_HOST0"),
        [AddressRef::Object(name("BIG"))],
        [AddressRef::from(endpoint_addr(size, 0))],
        [https],
    );
    if let Some(edge) = t
        .firewalls
        .iter_mut()
        .find(|f| f.kind == FirewallKind::Edge)
    {
        edge.rules.insert(0, rule);
    }
    let step = (envs / size.flows.max(1)).max(1);
    for f in 0..size.flows {
        let env = (f * step) % envs.max(1);
        let host0: Name = name("host0");
        t.flows.push(
            Flow::new(name(&format!("flow{f}")), env_ref(env), host0, [https])
                .initiator(Initiator::Cloud),
        );
    }
    t
}

/// The estate of `size` (its rules left out) with one edge firewall (the 3PG) of `rules` rules,
/// for the rule analysis (`mccs rules`): mostly environment-to-endpoint allows on random ports,
/// with every 50th rule a wide allow (an environment's /22 to a zone's /24, all TCP) that
/// covers some later rules, and every 97th a deny of a port from anywhere.
pub fn estate_with_big_firewall(size: Size, rules: usize) -> Topology {
    let mut t = estate(Size { rules: 0, ..size });
    let mut rng = Rng(0x0A11_A5E5);
    let envs = size.project_sets * 4;
    let mut list = Vec::with_capacity(rules);
    for r in 0..rules {
        let env = rng.below(envs);
        let ep = rng.below(size.endpoints);
        let rule = if r % 50 == 0 {
            let wide: ipnet::IpNet = name(&format!("10.{}.{}.0/22", env / 256, (env % 256) & !3));
            Rule::allow(
                name(&format!("WIDE{r}")),
                [wide],
                [zone_cidr(ep % size.zones.max(1))],
                [Service::Tcp(PortRange::ALL)],
            )
        } else if r % 97 == 0 {
            Rule::deny(
                name(&format!("DENY{r}")),
                [AddressRef::Any],
                [AddressRef::Any],
                [tcp(1000 + u16::try_from(rng.below(200)).unwrap_or(0))],
            )
        } else {
            Rule::allow(
                name(&format!("R{r}")),
                [env_cidr(env)],
                [endpoint_addr(size, ep)],
                [tcp(1000 + u16::try_from(rng.below(200)).unwrap_or(0))],
            )
        };
        list.push(rule);
    }
    if let Some(f) = t.firewalls.iter_mut().find(|f| f.name == "3pg") {
        f.rules = list;
    }
    t
}

/// Two versions of the [`estate`] of `size` for the topology diff (`mccs diff`): the new one
/// differs in `changes` rules, a third each removed, added and reordered. Removed: every
/// 997th rule of the 3PG. Added: rules on the 3PG allowing the first declared flows exactly
/// (their environment's `/24` to their endpoint on their port), each at the top. Reordered:
/// rules of the first zone firewalls moved from the end of their list to the top.
pub fn estate_pair_for_diff(size: Size, changes: usize) -> (Topology, Topology) {
    let old = estate(size);
    let mut new = old.clone();
    let third = changes / 3;
    let added = changes - 2 * third;
    let edge = new.firewalls.iter().position(|f| f.name == "3pg");
    if let Some(fw) = edge.and_then(|i| new.firewalls.get_mut(i)) {
        let mut removed = 0;
        let mut k = 0;
        fw.rules.retain(|_| {
            k += 1;
            let drop = removed < third && k % 997 == 0;
            removed += usize::from(drop);
            !drop
        });
    }
    let envs = size.project_sets * 4;
    let mut new_rules = Vec::with_capacity(added);
    for f in old.flows.iter().take(added) {
        let mccs_model::FlowEnd::Environment(env) = &f.source else {
            continue;
        };
        let n = (0..envs).find(|n| env_ref(*n) == *env).unwrap_or(0);
        let host = f.destination.to_string();
        let e: usize = host.trim_start_matches("host").parse().unwrap_or(0);
        new_rules.push(Rule::allow(
            name(&format!("NEW_{}", f.name)),
            [env_cidr(n)],
            [endpoint_addr(size, e)],
            f.services.iter().filter_map(|s| match s {
                mccs_model::ServiceRef::Literal(s) => Some(*s),
                mccs_model::ServiceRef::Named(_) => None,
            }),
        ));
    }
    if let Some(fw) = edge.and_then(|i| new.firewalls.get_mut(i)) {
        fw.rules.splice(0..0, new_rules);
    }
    let mut moved = 0;
    for fw in new
        .firewalls
        .iter_mut()
        .filter(|f| f.kind == FirewallKind::Zone)
    {
        if moved >= third {
            break;
        }
        if let Some(last) = fw.rules.pop() {
            fw.rules.insert(0, last);
            moved += 1;
        }
    }
    (old, new)
}
