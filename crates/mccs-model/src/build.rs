//! Building a topology in code: constructors that take the required fields, typed, and builder
//! methods that take `self` and return it with one more optional field or list element set.
//!
//! Nothing here validates: a topology built in code is checked with [`crate::validate`], as
//! one read from a document is. Fallible parses (`"abc123".parse()?`) stay with the caller.
//!
//! `Topology` already has look-up methods named after its parts (`firewall`, `zone`, ...), so its
//! builder methods are `with_firewall`, `with_project_set`, ...; the other types' builder methods
//! are named after the field they set (`Firewall::rule`, `Zone::endpoint`, ...), except where
//! the type already has a getter of that name (`FirewallObject::with_description`).

use std::net::IpAddr;

use ipnet::IpNet;

use crate::address::{AddressRange, AddressRef, FlowEnd};
use crate::date::Date;
use crate::ident::{EnvRef, Environment, LicensePlate, Ministry, Name, Platform};
use crate::service::{PortRange, Service, ServiceRef};
use crate::topology::{
    Action, Channel, Encryption, Endpoint, ExternalNetwork, Firewall, FirewallKind, FirewallObject,
    Flow, HybridLink, Initiator, LinkKind, NamedService, OnPrem, PrivateLink, PrivateLinkRegion,
    ProjectSet, Redundancy, RegionRole, Rule, Subnet, Topology, VirtualNetwork, Zone,
};

impl From<IpNet> for AddressRef {
    /// [`AddressRef::Prefix`].
    fn from(net: IpNet) -> Self {
        Self::Prefix(net)
    }
}

impl From<IpAddr> for AddressRef {
    /// [`AddressRef::Prefix`] of the single address (a `/32` or `/128`).
    fn from(addr: IpAddr) -> Self {
        Self::Prefix(addr.into())
    }
}

impl From<Name> for AddressRef {
    /// [`AddressRef::Object`]: the firewall object of that name.
    fn from(name: Name) -> Self {
        Self::Object(name)
    }
}

impl From<EnvRef> for FlowEnd {
    /// [`FlowEnd::Environment`].
    fn from(env: EnvRef) -> Self {
        Self::Environment(env)
    }
}

impl From<IpNet> for FlowEnd {
    /// [`FlowEnd::Prefix`].
    fn from(net: IpNet) -> Self {
        Self::Prefix(net)
    }
}

impl From<IpAddr> for FlowEnd {
    /// [`FlowEnd::Prefix`] of the single address (a `/32` or `/128`).
    fn from(addr: IpAddr) -> Self {
        Self::Prefix(addr.into())
    }
}

impl From<Name> for FlowEnd {
    /// [`FlowEnd::Named`]: an endpoint, firewall object or external network of that name.
    fn from(name: Name) -> Self {
        Self::Named(name)
    }
}

impl From<Service> for ServiceRef {
    /// [`ServiceRef::Literal`].
    fn from(service: Service) -> Self {
        Self::Literal(service)
    }
}

impl From<Name> for ServiceRef {
    /// [`ServiceRef::Named`]: the named service of that name.
    fn from(name: Name) -> Self {
        Self::Named(name)
    }
}

impl EnvRef {
    /// The environment `environment` of Project Set `license_plate`.
    ///
    /// ```
    /// use mccs_model::{EnvRef, Environment};
    /// let prod = EnvRef::new("abc123".parse()?, Environment::Prod);
    /// assert_eq!(prod.to_string(), "abc123-prod");
    /// # Ok::<(), mccs_model::IdentError>(())
    /// ```
    pub fn new(license_plate: LicensePlate, environment: Environment) -> Self {
        Self {
            license_plate,
            environment,
        }
    }
}

impl Service {
    /// TCP to one port; `None` for port 0.
    ///
    /// ```
    /// use mccs_model::Service;
    /// assert_eq!(Service::tcp(1521).unwrap().to_string(), "tcp/1521");
    /// assert!(Service::tcp(0).is_none());
    /// ```
    pub fn tcp(port: u16) -> Option<Self> {
        PortRange::single(port).map(Self::Tcp)
    }

    /// UDP to one port; `None` for port 0.
    ///
    /// ```
    /// use mccs_model::Service;
    /// assert_eq!(Service::udp(53).unwrap().to_string(), "udp/53");
    /// ```
    pub fn udp(port: u16) -> Option<Self> {
        PortRange::single(port).map(Self::Udp)
    }
}

impl Topology {
    /// Adds a known ministry (`ministries`).
    ///
    /// Builder methods of `Topology` start with `with_`, since its look-ups by name
    /// ([`Topology::firewall`], [`Topology::zone`], ...) have the plain names.
    ///
    /// ```
    /// use mccs_model::Topology;
    /// let t = Topology::new().with_ministry("CITZ".parse()?);
    /// assert_eq!(t.ministries[0].as_str(), "CITZ");
    /// # Ok::<(), mccs_model::IdentError>(())
    /// ```
    #[must_use]
    pub fn with_ministry(mut self, ministry: Ministry) -> Self {
        self.ministries.push(ministry);
        self
    }

    /// Adds a request channel (`channels`).
    #[must_use]
    pub fn with_channel(mut self, channel: Channel) -> Self {
        self.channels.push(channel);
        self
    }

    /// Adds a firewall (`firewalls`).
    #[must_use]
    pub fn with_firewall(mut self, firewall: Firewall) -> Self {
        self.firewalls.push(firewall);
        self
    }

    /// Adds a Project Set (`project_sets`).
    #[must_use]
    pub fn with_project_set(mut self, project_set: ProjectSet) -> Self {
        self.project_sets.push(project_set);
        self
    }

    /// Sets the on-prem side (`on_prem`), replacing any set before.
    #[must_use]
    pub fn with_on_prem(mut self, on_prem: OnPrem) -> Self {
        self.on_prem = Some(on_prem);
        self
    }

    /// Adds an external network (`external_networks`).
    #[must_use]
    pub fn with_external_network(mut self, network: ExternalNetwork) -> Self {
        self.external_networks.push(network);
        self
    }

    /// Adds a DirectConnect or ExpressRoute link (`hybrid_links`).
    #[must_use]
    pub fn with_hybrid_link(mut self, link: HybridLink) -> Self {
        self.hybrid_links.push(link);
        self
    }

    /// Adds a PrivateLink set-up (`private_links`).
    #[must_use]
    pub fn with_private_link(mut self, link: PrivateLink) -> Self {
        self.private_links.push(link);
        self
    }

    /// Adds a firewall object (`objects`).
    #[must_use]
    pub fn with_object(mut self, object: FirewallObject) -> Self {
        self.objects.push(object);
        self
    }

    /// Adds a named service (`services`).
    #[must_use]
    pub fn with_service(mut self, service: NamedService) -> Self {
        self.services.push(service);
        self
    }

    /// Adds a flow (`flows`).
    #[must_use]
    pub fn with_flow(mut self, flow: Flow) -> Self {
        self.flows.push(flow);
        self
    }
}

impl Channel {
    /// A request channel with its required fields; `form` and `url` are left out.
    ///
    /// ```
    /// use mccs_model::Channel;
    /// let c = Channel::new("on-prem".parse()?, "On-premises firewall request", "Project team", "3PG team")
    ///     .form("STMS Firewall Change Request (iStore)");
    /// assert_eq!(c.form.as_deref(), Some("STMS Firewall Change Request (iStore)"));
    /// # Ok::<(), mccs_model::IdentError>(())
    /// ```
    pub fn new(
        name: Name,
        title: impl Into<String>,
        filed_by: impl Into<String>,
        handled_by: impl Into<String>,
    ) -> Self {
        Self {
            name,
            title: title.into(),
            form: None,
            url: None,
            filed_by: filed_by.into(),
            handled_by: handled_by.into(),
        }
    }

    /// Sets the form to fill in.
    #[must_use]
    pub fn form(mut self, form: impl Into<String>) -> Self {
        self.form = Some(form.into());
        self
    }

    /// Sets where to file requests.
    #[must_use]
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }
}

impl Firewall {
    /// A firewall of `kind`, run by `owner`, changed through `channel`, with no rules.
    ///
    /// ```
    /// use mccs_model::{Action, AddressRef, Firewall, FirewallKind, Rule, Service};
    /// let telnet: Service = "tcp/23".parse()?;
    /// let fw = Firewall::new("3pg".parse()?, FirewallKind::Edge, "On-prem security", "on-prem".parse()?)
    ///     .description("Third-party gateway")
    ///     .rule(Rule::deny("DENY_TELNET".parse()?, [AddressRef::Any], [AddressRef::Any], [telnet]));
    /// assert_eq!(fw.rules[0].action, Action::Deny);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(name: Name, kind: FirewallKind, owner: impl Into<String>, channel: Name) -> Self {
        Self {
            name,
            kind,
            platform: None,
            owner: owner.into(),
            channel,
            description: None,
            rules: Vec::new(),
            outbound_rules: Vec::new(),
            ephemeral_ports: None,
            rulebase: None,
        }
    }

    /// The cloud firewall of `platform` (kind `cloud`).
    ///
    /// ```
    /// use mccs_model::{Firewall, FirewallKind, Platform};
    /// let fw = Firewall::cloud("azure-fw".parse()?, Platform::AzureAlz, "Public Cloud Team", "cloud".parse()?);
    /// assert_eq!((fw.kind, fw.platform), (FirewallKind::Cloud, Some(Platform::AzureAlz)));
    /// # Ok::<(), mccs_model::IdentError>(())
    /// ```
    pub fn cloud(name: Name, platform: Platform, owner: impl Into<String>, channel: Name) -> Self {
        Self::new(name, FirewallKind::Cloud, owner, channel).platform(platform)
    }

    /// Sets the platform (for cloud firewalls and security groups).
    #[must_use]
    pub fn platform(mut self, platform: Platform) -> Self {
        self.platform = Some(platform);
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Appends a rule to the rulebase (`rules`; the inbound list of a security group or network
    /// ACL).
    #[must_use]
    pub fn rule(mut self, rule: Rule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Appends a rule to the outbound list (`outbound_rules`) of a security group or network ACL.
    #[must_use]
    pub fn outbound_rule(mut self, rule: Rule) -> Self {
        self.outbound_rules.push(rule);
        self
    }

    /// Takes the rules from a platform export instead of the document (`rulebase`).
    #[must_use]
    pub fn rulebase(mut self, rulebase: crate::rulebase::RulebaseRef) -> Self {
        self.rulebase = Some(rulebase);
        self
    }

    /// Sets the ephemeral ports of return traffic (network ACLs).
    #[must_use]
    pub fn ephemeral_ports(mut self, ports: PortRange) -> Self {
        self.ephemeral_ports = Some(ports);
        self
    }
}

impl Rule {
    /// A rule that does `action` to traffic from `sources` to `destinations` on `services`.
    ///
    /// Each list takes anything that converts: [`AddressRef`]s, or [`IpNet`]s, [`IpAddr`]s
    /// and object [`Name`]s; [`ServiceRef`]s, or [`Service`]s and service [`Name`]s.
    ///
    /// ```
    /// use mccs_model::{Action, Rule, Service};
    /// use ipnet::IpNet;
    /// let vnet: IpNet = "10.46.8.0/25".parse()?;
    /// let db: mccs_model::Name = "CITZ_ORACLE_DB".parse()?;
    /// let oracle: Service = "tcp/1521".parse()?;
    /// let r = Rule::new("PILOT".parse()?, Action::Allow, [vnet], [db], [oracle])
    ///     .ticket("CLOUDFW-977")
    ///     .expires("2030-03-31".parse()?);
    /// assert_eq!(r.sources[0].to_string(), "10.46.8.0/25");
    /// assert_eq!(r.services[0].to_string(), "tcp/1521");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new<S, D, V>(
        name: Name,
        action: Action,
        sources: impl IntoIterator<Item = S>,
        destinations: impl IntoIterator<Item = D>,
        services: impl IntoIterator<Item = V>,
    ) -> Self
    where
        S: Into<AddressRef>,
        D: Into<AddressRef>,
        V: Into<ServiceRef>,
    {
        Self {
            name,
            sources: sources.into_iter().map(Into::into).collect(),
            destinations: destinations.into_iter().map(Into::into).collect(),
            services: services.into_iter().map(Into::into).collect(),
            action,
            description: None,
            ticket: None,
            expires: None,
            priority: None,
            disabled: false,
            unknown: None,
        }
    }

    /// An allow rule: [`Rule::new`] with [`Action::Allow`].
    ///
    /// ```
    /// use mccs_model::{Action, Rule};
    /// use ipnet::IpNet;
    /// use mccs_model::Name;
    /// let (src, dst, https): (IpNet, Name, Name) = ("10.0.0.0/24".parse()?, "HOST".parse()?, "https".parse()?);
    /// let r = Rule::allow("R1".parse()?, [src], [dst], [https]);
    /// assert_eq!(r.action, Action::Allow);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allow<S, D, V>(
        name: Name,
        sources: impl IntoIterator<Item = S>,
        destinations: impl IntoIterator<Item = D>,
        services: impl IntoIterator<Item = V>,
    ) -> Self
    where
        S: Into<AddressRef>,
        D: Into<AddressRef>,
        V: Into<ServiceRef>,
    {
        Self::new(name, Action::Allow, sources, destinations, services)
    }

    /// A deny rule: [`Rule::new`] with [`Action::Deny`].
    ///
    /// ```
    /// use mccs_model::{AddressRef, Action, Rule, Service};
    /// let telnet: Service = "tcp/23".parse()?;
    /// let r = Rule::deny("DENY_TELNET".parse()?, [AddressRef::Any], [AddressRef::Any], [telnet]);
    /// assert_eq!(r.action, Action::Deny);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn deny<S, D, V>(
        name: Name,
        sources: impl IntoIterator<Item = S>,
        destinations: impl IntoIterator<Item = D>,
        services: impl IntoIterator<Item = V>,
    ) -> Self
    where
        S: Into<AddressRef>,
        D: Into<AddressRef>,
        V: Into<ServiceRef>,
    {
        Self::new(name, Action::Deny, sources, destinations, services)
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the change ticket that created the rule.
    #[must_use]
    pub fn ticket(mut self, ticket: impl Into<String>) -> Self {
        self.ticket = Some(ticket.into());
        self
    }

    /// Sets the last day the rule is meant to be in force.
    #[must_use]
    pub fn expires(mut self, date: Date) -> Self {
        self.expires = Some(date);
        self
    }

    /// Sets the rule number (network ACLs).
    #[must_use]
    pub fn priority(mut self, priority: u32) -> Self {
        self.priority = Some(priority);
        self
    }

    /// Marks the rule disabled: kept and shown, never evaluated.
    #[must_use]
    pub fn disabled(mut self) -> Self {
        self.disabled = true;
        self
    }

    /// Says what else the rule matches on that mccs cannot judge (an FQDN, an App-ID, ...):
    /// traffic reaching it gets the verdict `unknown`.
    ///
    /// ```
    /// use mccs_model::{AddressRef, Rule, Service};
    /// let https: Service = "tcp/443".parse()?;
    /// let r = Rule::allow("WEB_OUT".parse()?, [AddressRef::Any], [AddressRef::Any], [https])
    ///     .unknown("FQDN *.oracle.com");
    /// assert_eq!(r.unknown.as_deref(), Some("FQDN *.oracle.com"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn unknown(mut self, what: impl Into<String>) -> Self {
        self.unknown = Some(what.into());
        self
    }
}

impl ProjectSet {
    /// A Project Set with no environments yet; add them with [`ProjectSet::environment`].
    ///
    /// ```
    /// use mccs_model::{Environment, Platform, ProjectSet, VirtualNetwork};
    /// let vnet = VirtualNetwork::new("sub-3".into(), "canadacentral".into(), vec!["10.46.8.0/24".parse()?]);
    /// let ps = ProjectSet::new("abc123".parse()?, "CITZ".parse()?, Platform::AzureAlz)
    ///     .name("Citizens' Services digital forms")
    ///     .environment(Environment::Prod, vnet);
    /// assert_eq!(ps.environments[&Environment::Prod].region, "canadacentral");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(license_plate: LicensePlate, ministry: Ministry, platform: Platform) -> Self {
        Self {
            license_plate,
            ministry,
            platform,
            name: None,
            environments: std::collections::BTreeMap::new(),
        }
    }

    /// Sets the display name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Adds (or replaces) an environment and its VPC/VNet.
    #[must_use]
    pub fn environment(mut self, environment: Environment, network: VirtualNetwork) -> Self {
        self.environments.insert(environment, network);
        self
    }
}

impl VirtualNetwork {
    /// Adds a security group / NSG (by firewall name).
    ///
    /// ```
    /// use mccs_model::{Subnet, VirtualNetwork};
    /// let vpc = VirtualNetwork::new("111111111103".into(), "ca-central-1".into(), vec!["10.40.12.0/24".parse()?])
    ///     .security_group("app-sg".parse()?)
    ///     .subnet(Subnet::new("data-a".parse()?, "10.40.12.128/26".parse()?).network_acl("data-nacl".parse()?));
    /// assert_eq!(vpc.subnets[0].network_acl.as_ref().map(|n| n.as_str()), Some("data-nacl"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn security_group(mut self, firewall: Name) -> Self {
        self.security_groups.push(firewall);
        self
    }

    /// Adds a subnet.
    #[must_use]
    pub fn subnet(mut self, subnet: Subnet) -> Self {
        self.subnets.push(subnet);
        self
    }

    /// Adds a secondary, non-routable range.
    #[must_use]
    pub fn secondary_range(mut self, range: IpNet) -> Self {
        self.secondary_ranges.push(range);
        self
    }

    /// Adds an address of the private NAT.
    #[must_use]
    pub fn nat_address(mut self, address: IpAddr) -> Self {
        self.nat_addresses.push(address);
        self
    }
}

impl Subnet {
    /// A subnet with the default network ACL.
    ///
    /// ```
    /// use mccs_model::Subnet;
    /// let s = Subnet::new("web-a".parse()?, "10.40.12.0/26".parse()?);
    /// assert!(s.network_acl.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(name: Name, cidr: IpNet) -> Self {
        Self {
            name,
            cidr,
            network_acl: None,
        }
    }

    /// Attaches a network ACL (by firewall name).
    #[must_use]
    pub fn network_acl(mut self, firewall: Name) -> Self {
        self.network_acl = Some(firewall);
        self
    }
}

impl OnPrem {
    /// The on-prem side behind `edge_firewall`, with no zones yet.
    ///
    /// ```
    /// use mccs_model::{OnPrem, Zone};
    /// let on_prem = OnPrem::new("3pg".parse()?)
    ///     .zone(Zone::new("zone-b".parse()?, "zone-b-firewall".parse()?, ["142.34.10.0/24".parse()?]));
    /// assert_eq!(on_prem.zones.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(edge_firewall: Name) -> Self {
        Self {
            edge_firewall,
            zones: Vec::new(),
        }
    }

    /// Adds a zone.
    #[must_use]
    pub fn zone(mut self, zone: Zone) -> Self {
        self.zones.push(zone);
        self
    }
}

impl Zone {
    /// A zone behind `firewall` with these networks and no endpoints yet.
    ///
    /// ```
    /// use mccs_model::{Endpoint, Zone};
    /// let zone = Zone::new("zone-b".parse()?, "zone-b-firewall".parse()?, ["142.34.10.0/24".parse()?])
    ///     .description("Application and database zone")
    ///     .endpoint(Endpoint::new("citz-oracle-db".parse()?, "142.34.10.25".parse()?).object("CITZ_ORACLE_DB".parse()?));
    /// assert_eq!(zone.endpoints[0].address.to_string(), "142.34.10.25");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(name: Name, firewall: Name, networks: impl IntoIterator<Item = IpNet>) -> Self {
        Self {
            name,
            firewall: Some(firewall),
            networks: networks.into_iter().collect(),
            endpoints: Vec::new(),
            description: None,
        }
    }

    /// Adds an endpoint.
    #[must_use]
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoints.push(endpoint);
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

impl Endpoint {
    /// An endpoint at `address`, without an existing object.
    ///
    /// ```
    /// use mccs_model::Endpoint;
    /// let e = Endpoint::new("data-warehouse".parse()?, "142.34.20.15".parse()?)
    ///     .description("Corporate data warehouse");
    /// assert!(e.object.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(name: Name, address: IpAddr) -> Self {
        Self {
            name,
            address,
            object: None,
            description: None,
        }
    }

    /// Sets the existing firewall object that holds the endpoint's address.
    #[must_use]
    pub fn object(mut self, object: Name) -> Self {
        self.object = Some(object);
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

impl ExternalNetwork {
    /// A network with these prefixes behind the firewall `attached_to`.
    ///
    /// ```
    /// use mccs_model::{ExternalNetwork, Platform};
    /// let azure = ExternalNetwork::new("azure-platform".parse()?, ["10.46.0.0/16".parse()?], "xcloud-fw".parse()?)
    ///     .platform(Platform::AzureAlz);
    /// assert_eq!(azure.platform, Some(Platform::AzureAlz));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(name: Name, prefixes: impl IntoIterator<Item = IpNet>, attached_to: Name) -> Self {
        Self {
            name,
            prefixes: prefixes.into_iter().collect(),
            attached_to,
            platform: None,
            description: None,
        }
    }

    /// Sets the platform it belongs to.
    #[must_use]
    pub fn platform(mut self, platform: Platform) -> Self {
        self.platform = Some(platform);
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

impl HybridLink {
    /// A link landing on `on_prem.edge_firewall`.
    ///
    /// ```
    /// use mccs_model::{Encryption, HybridLink, LinkKind, Redundancy};
    /// let er = HybridLink::new("expressroute-primary".parse()?, LinkKind::ExpressRoute, Redundancy::Primary, Encryption::Ipsec);
    /// assert!(er.edge_firewall.is_none());
    /// # Ok::<(), mccs_model::IdentError>(())
    /// ```
    pub fn new(name: Name, kind: LinkKind, redundancy: Redundancy, encryption: Encryption) -> Self {
        Self {
            name,
            kind,
            redundancy,
            encryption,
            edge_firewall: None,
            description: None,
        }
    }

    /// Sets the edge firewall (3PG cluster) the link lands on.
    #[must_use]
    pub fn edge_firewall(mut self, firewall: Name) -> Self {
        self.edge_firewall = Some(firewall);
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

impl PrivateLinkRegion {
    /// One region of a PrivateLink set-up.
    ///
    /// ```
    /// use mccs_model::{PrivateLinkRegion, RegionRole};
    /// let r = PrivateLinkRegion::new("ca-central-1", RegionRole::Primary, ["10.0.0.10".parse()?], ["10.1.0.10".parse()?]);
    /// assert_eq!(r.endpoint_ips.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        region: impl Into<String>,
        role: RegionRole,
        endpoint_service_ips: impl IntoIterator<Item = IpAddr>,
        endpoint_ips: impl IntoIterator<Item = IpAddr>,
    ) -> Self {
        Self {
            region: region.into(),
            role,
            endpoint_service_ips: endpoint_service_ips.into_iter().collect(),
            endpoint_ips: endpoint_ips.into_iter().collect(),
        }
    }
}

impl PrivateLink {
    /// A PrivateLink set-up with no consumers and no regions yet.
    ///
    /// ```
    /// use mccs_model::{Platform, PrivateLink, PrivateLinkRegion, RegionRole};
    /// let pl = PrivateLink::new(
    ///     "to-azure".parse()?, Platform::AwsLza, "333333333333",
    ///     "azure-platform".parse()?, "pl-sg".parse()?, "xcloud-fw".parse()?,
    /// )
    /// .consumer("def456-prod".parse()?)
    /// .region(PrivateLinkRegion::new("ca-central-1", RegionRole::Primary, ["10.0.0.10".parse()?], ["10.1.0.10".parse()?]));
    /// assert_eq!(pl.consumers[0].to_string(), "def456-prod");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        name: Name,
        platform: Platform,
        connectivity_account: impl Into<String>,
        provider: Name,
        security_group: Name,
        firewall: Name,
    ) -> Self {
        Self {
            name,
            platform,
            connectivity_account: connectivity_account.into(),
            consumers: Vec::new(),
            provider,
            security_group,
            firewall,
            regions: Vec::new(),
        }
    }

    /// Adds a consumer environment.
    #[must_use]
    pub fn consumer(mut self, environment: EnvRef) -> Self {
        self.consumers.push(environment);
        self
    }

    /// Adds a region.
    #[must_use]
    pub fn region(mut self, region: PrivateLinkRegion) -> Self {
        self.regions.push(region);
        self
    }
}

impl FirewallObject {
    /// A host object: one address.
    ///
    /// ```
    /// use mccs_model::FirewallObject;
    /// let db = FirewallObject::host("CITZ_ORACLE_DB".parse()?, "142.34.10.25".parse()?)
    ///     .with_description("CITZ forms Oracle database");
    /// assert_eq!(db.kind(), "host");
    /// assert_eq!(db.description(), Some("CITZ forms Oracle database"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn host(name: Name, address: IpAddr) -> Self {
        Self::Host {
            name,
            address,
            published_by: None,
            description: None,
        }
    }

    /// A network object: one CIDR.
    ///
    /// ```
    /// use mccs_model::FirewallObject;
    /// let egress = FirewallObject::network("OCP_SILVER_EGRESS".parse()?, "142.34.208.64/27".parse()?)
    ///     .with_published_by("OpenShift platform team");
    /// assert_eq!(egress.published_by(), Some("OpenShift platform team"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn network(name: Name, address: IpNet) -> Self {
        Self::Network {
            name,
            address,
            published_by: None,
            description: None,
        }
    }

    /// A range object `first-last`.
    ///
    /// ```
    /// use mccs_model::FirewallObject;
    /// let r = FirewallObject::range("POOL".parse()?, "10.0.0.10-10.0.0.20".parse()?);
    /// assert_eq!(r.kind(), "range");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn range(name: Name, range: AddressRange) -> Self {
        Self::Range {
            name,
            range,
            published_by: None,
            description: None,
        }
    }

    /// A group of other objects, by name.
    ///
    /// ```
    /// use mccs_model::FirewallObject;
    /// let g = FirewallObject::group("OCP_SILVER".parse()?, ["OCP_SILVER_INGRESS".parse()?, "OCP_SILVER_EGRESS".parse()?]);
    /// assert_eq!(g.kind(), "group");
    /// # Ok::<(), mccs_model::IdentError>(())
    /// ```
    pub fn group(name: Name, members: impl IntoIterator<Item = Name>) -> Self {
        Self::Group {
            name,
            members: members.into_iter().collect(),
            published_by: None,
            description: None,
        }
    }

    /// Sets who publishes it centrally. (`with_`, since [`FirewallObject::published_by`]
    /// reads it.)
    #[must_use]
    pub fn with_published_by(mut self, publisher: impl Into<String>) -> Self {
        match &mut self {
            Self::Host { published_by, .. }
            | Self::Network { published_by, .. }
            | Self::Range { published_by, .. }
            | Self::Group { published_by, .. } => *published_by = Some(publisher.into()),
        }
        self
    }

    /// Sets the description. (`with_`, since [`FirewallObject::description`] reads it.)
    #[must_use]
    pub fn with_description(mut self, text: impl Into<String>) -> Self {
        match &mut self {
            Self::Host { description, .. }
            | Self::Network { description, .. }
            | Self::Range { description, .. }
            | Self::Group { description, .. } => *description = Some(text.into()),
        }
        self
    }
}

impl NamedService {
    /// A service defined once and referred to by `name`.
    ///
    /// ```
    /// use mccs_model::{NamedService, Service};
    /// let oracle = NamedService::new("oracle".parse()?, ["tcp/1521".parse::<Service>()?])
    ///     .description("Oracle Net listener");
    /// assert_eq!(oracle.services[0].to_string(), "tcp/1521");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(name: Name, services: impl IntoIterator<Item = Service>) -> Self {
        Self {
            name,
            services: services.into_iter().collect(),
            description: None,
        }
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

impl Flow {
    /// A flow from `source` to `destination` on `services`, opened by the source.
    ///
    /// The ends take anything that converts to a [`FlowEnd`]: an [`EnvRef`], an [`IpNet`] or
    /// [`IpAddr`], or the [`Name`] of an endpoint, object or external network. Services take
    /// [`ServiceRef`]s, [`Service`]s or service [`Name`]s.
    ///
    /// ```
    /// use mccs_model::{EnvRef, Flow, Initiator, Name};
    /// let prod: EnvRef = "abc123-prod".parse()?;
    /// let db: Name = "citz-oracle-db".parse()?;
    /// let oracle: Name = "oracle".parse()?;
    /// let f = Flow::new("citz-forms-to-oracle".parse()?, prod, db, [oracle])
    ///     .justification("Forms service reads the CITZ Oracle database")
    ///     .initiator(Initiator::Cloud);
    /// assert_eq!(f.source.to_string(), "abc123-prod");
    /// # Ok::<(), mccs_model::IdentError>(())
    /// ```
    pub fn new<V: Into<ServiceRef>>(
        name: Name,
        source: impl Into<FlowEnd>,
        destination: impl Into<FlowEnd>,
        services: impl IntoIterator<Item = V>,
    ) -> Self {
        Self {
            name,
            source: source.into(),
            destination: destination.into(),
            services: services.into_iter().map(Into::into).collect(),
            initiator: Initiator::Source,
            justification: None,
            requester: None,
            expires: None,
            change_window: None,
        }
    }

    /// Sets who opens connections.
    #[must_use]
    pub fn initiator(mut self, initiator: Initiator) -> Self {
        self.initiator = initiator;
        self
    }

    /// Sets why the flow is needed.
    #[must_use]
    pub fn justification(mut self, text: impl Into<String>) -> Self {
        self.justification = Some(text.into());
        self
    }

    /// Sets who asks for the flow.
    #[must_use]
    pub fn requester(mut self, requester: impl Into<String>) -> Self {
        self.requester = Some(requester.into());
        self
    }

    /// Sets the date after which the rules may be removed.
    #[must_use]
    pub fn expires(mut self, date: Date) -> Self {
        self.expires = Some(date);
        self
    }

    /// Sets when the change may be implemented.
    #[must_use]
    pub fn change_window(mut self, window: impl Into<String>) -> Self {
        self.change_window = Some(window.into());
        self
    }
}
