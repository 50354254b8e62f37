//! Building in code gives the same topology as reading the equivalent document: the reference
//! and cross-cloud examples built with the constructors and builder methods equal the embedded
//! documents, built topologies validate without a finding, and the `build_in_code` example
//! runs and builds exactly `examples/build_in_code.yaml`.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mccs_model::{
    AddressRef, Channel, Encryption, Endpoint, Environment, ExternalNetwork, Firewall,
    FirewallKind, FirewallObject, Flow, Format, HybridLink, LinkKind, Name, NamedService, OnPrem,
    Platform, PrivateLink, PrivateLinkRegion, ProjectSet, Redundancy, RegionRole, Rule, ServiceRef,
    Topology, ValidateOptions, VirtualNetwork, Zone, examples, load, to_yaml, validate,
};

#[path = "../examples/build_in_code.rs"]
mod build_in_code;

fn n(s: &str) -> Name {
    s.parse().unwrap()
}

fn a(s: &str) -> AddressRef {
    s.parse().unwrap()
}

fn svc(s: &str) -> ServiceRef {
    s.parse().unwrap()
}

fn net(account: &str, region: &str, space: &str) -> VirtualNetwork {
    VirtualNetwork::new(account.into(), region.into(), vec![space.parse().unwrap()])
}

fn no_findings(t: &Topology) {
    let found: Vec<String> = validate(t, &ValidateOptions::default())
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(found.is_empty(), "{found:#?}");
}

/// The reference topology (`examples/reference.yaml`), built in code.
fn reference() -> Topology {
    let (cloud, on_prem) = (n("cloud-firewall-request"), n("on-prem-firewall-request"));
    let (team, security) = ("Public Cloud Team", "On-premises network security");
    let def456_vpc = a("MCCS_HLTH_LZA_def456_prod_VPC");
    let claims = a("HLTH_CLAIMS_API");
    let https = svc("https");
    let def456 = |ticket| {
        Rule::allow(
            n("MCCS_HLTH_LZA_LIVE_def456_prod"),
            [def456_vpc.clone()],
            [claims.clone()],
            [https.clone()],
        )
        .ticket(ticket)
    };
    let zone_fw = |name, description| {
        Firewall::new(n(name), FirewallKind::Zone, security, on_prem.clone())
            .description(description)
    };
    let azure = "0f3c8a52-6c1e-4d1b-9a7e-0c6a2b9d0d0";
    let link =
        |name, kind, redundancy| HybridLink::new(n(name), kind, redundancy, Encryption::Ipsec);
    let ocp = "OpenShift platform team";
    Topology::new()
        .with_ministry("CITZ".parse().unwrap())
        .with_ministry("HLTH".parse().unwrap())
        .with_ministry("EMLI".parse().unwrap())
        .with_ministry("PSSG".parse().unwrap())
        .with_channel(
            Channel::new(
                cloud.clone(),
                "Cloud firewall change request",
                "Project team",
                team,
            )
            .form("Public Cloud service desk - firewall change")
            .url("https://citz-do.atlassian.net/servicedesk/customer/portal/3/group/18"),
        )
        .with_channel(
            Channel::new(
                on_prem.clone(),
                "On-premises firewall request",
                "Project team",
                "On-premises network security (3PG and zone firewalls)",
            )
            .form("STMS Firewall Change Request (iStore)")
            .url("https://ssbc-client.gov.bc.ca/services/3rdpartygateway/order.htm"),
        )
        .with_firewall(
            Firewall::cloud(
                n("aws-cloud-firewall"),
                Platform::AwsLza,
                team,
                cloud.clone(),
            )
            .description("Central AWS Network Firewall in the LZA perimeter account")
            .rule(
                def456("CLOUDFW-1042").description("Claims service calls the on-prem claims API"),
            ),
        )
        .with_firewall(
            Firewall::cloud(n("azure-cloud-firewall"), Platform::AzureAlz, team, cloud)
                .description("Central Azure Firewall in the vWAN hub")
                .rule(
                    Rule::allow(
                        n("MCCS_CITZ_ALZ_LIVE_abc123_prod_PILOT"),
                        [a("10.46.8.0/25")],
                        [a("CITZ_ORACLE_DB")],
                        [svc("oracle")],
                    )
                    .ticket("CLOUDFW-977")
                    .expires("2030-03-31".parse().unwrap()),
                ),
        )
        .with_firewall(
            Firewall::new(n("3pg"), FirewallKind::Edge, security, on_prem.clone())
                .description("Third-party gateway, the on-prem edge firewall")
                .rule(
                    Rule::deny(
                        n("DENY_TELNET"),
                        [AddressRef::Any],
                        [AddressRef::Any],
                        [svc("tcp/23")],
                    )
                    .description("Legacy protocols are never allowed through the edge"),
                )
                .rule(def456("STMS-55120")),
        )
        .with_firewall(
            zone_fw("zone-b-firewall", "Zone B (application and database zone)")
                .rule(def456("STMS-55120")),
        )
        .with_firewall(zone_fw("zone-c-firewall", "Zone C (restricted data zone)"))
        .with_firewall(zone_fw(
            "ocp-silver-firewall",
            "Zone firewall in front of the Silver OpenShift cluster",
        ))
        .with_project_set(
            ProjectSet::new(
                "abc123".parse().unwrap(),
                "CITZ".parse().unwrap(),
                Platform::AzureAlz,
            )
            .name("Citizens' Services digital forms")
            .environment(
                Environment::Dev,
                net(&format!("{azure}1"), "canadacentral", "10.46.6.0/24"),
            )
            .environment(
                Environment::Test,
                net(&format!("{azure}2"), "canadacentral", "10.46.7.0/24"),
            )
            .environment(
                Environment::Prod,
                net(&format!("{azure}3"), "canadacentral", "10.46.8.0/24"),
            ),
        )
        .with_project_set(
            ProjectSet::new(
                "def456".parse().unwrap(),
                "HLTH".parse().unwrap(),
                Platform::AwsLza,
            )
            .name("Health claims")
            .environment(
                Environment::Dev,
                net("111111111101", "ca-central-1", "10.40.10.0/24"),
            )
            .environment(
                Environment::Prod,
                net("111111111103", "ca-central-1", "10.40.12.0/24"),
            )
            .environment(
                Environment::Tools,
                net("111111111104", "ca-central-1", "10.40.13.0/24"),
            ),
        )
        .with_project_set(
            ProjectSet::new(
                "ghi789".parse().unwrap(),
                "EMLI".parse().unwrap(),
                Platform::AwsLza,
            )
            .name("Mines permitting")
            .environment(
                Environment::Test,
                net("222222222202", "ca-central-1", "10.40.21.0/24"),
            )
            .environment(
                Environment::Prod,
                net("222222222203", "ca-central-1", "10.40.22.0/24"),
            ),
        )
        .with_on_prem(
            OnPrem::new(n("3pg"))
                .zone(
                    Zone::new(
                        n("zone-b"),
                        n("zone-b-firewall"),
                        ["142.34.10.0/24".parse().unwrap()],
                    )
                    .description("Application and database zone")
                    .endpoint(
                        Endpoint::new(n("citz-oracle-db"), "142.34.10.25".parse().unwrap())
                            .object(n("CITZ_ORACLE_DB"))
                            .description("CITZ forms Oracle database"),
                    )
                    .endpoint(
                        Endpoint::new(n("hlth-claims-api"), "142.34.10.40".parse().unwrap())
                            .object(n("HLTH_CLAIMS_API")),
                    ),
                )
                .zone(
                    Zone::new(
                        n("zone-c"),
                        n("zone-c-firewall"),
                        ["142.34.20.0/24".parse().unwrap()],
                    )
                    .description("Restricted data zone")
                    .endpoint(
                        Endpoint::new(n("data-warehouse"), "142.34.20.15".parse().unwrap())
                            .description("Corporate data warehouse (pulls from the cloud)"),
                    ),
                )
                .zone(
                    Zone::new(
                        n("ocp-silver"),
                        n("ocp-silver-firewall"),
                        ["142.34.208.0/24".parse().unwrap()],
                    )
                    .description("Silver OpenShift cluster"),
                ),
        )
        .with_hybrid_link(link(
            "directconnect-primary",
            LinkKind::DirectConnect,
            Redundancy::Primary,
        ))
        .with_hybrid_link(link(
            "directconnect-secondary",
            LinkKind::DirectConnect,
            Redundancy::Secondary,
        ))
        .with_hybrid_link(link(
            "expressroute-primary",
            LinkKind::ExpressRoute,
            Redundancy::Primary,
        ))
        .with_hybrid_link(link(
            "expressroute-secondary",
            LinkKind::ExpressRoute,
            Redundancy::Secondary,
        ))
        .with_object(
            FirewallObject::network(
                n("MCCS_HLTH_LZA_def456_prod_VPC"),
                "10.40.12.0/24".parse().unwrap(),
            )
            .with_description("Network IP Range Object of def456-prod"),
        )
        .with_object(FirewallObject::host(
            n("HLTH_CLAIMS_API"),
            "142.34.10.40".parse().unwrap(),
        ))
        .with_object(FirewallObject::host(
            n("CITZ_ORACLE_DB"),
            "142.34.10.25".parse().unwrap(),
        ))
        .with_object(
            FirewallObject::host(n("OCP_SILVER_INGRESS"), "142.34.208.10".parse().unwrap())
                .with_published_by(ocp)
                .with_description("Silver cluster API and application ingress"),
        )
        .with_object(
            FirewallObject::network(n("OCP_SILVER_EGRESS"), "142.34.208.64/27".parse().unwrap())
                .with_published_by(ocp)
                .with_description("Silver cluster egress addresses"),
        )
        .with_object(
            FirewallObject::group(
                n("OCP_SILVER"),
                [n("OCP_SILVER_INGRESS"), n("OCP_SILVER_EGRESS")],
            )
            .with_published_by(ocp),
        )
        .with_service(
            NamedService::new(n("oracle"), ["tcp/1521".parse().unwrap()])
                .description("Oracle Net listener"),
        )
        .with_service(NamedService::new(n("https"), ["tcp/443".parse().unwrap()]))
        .with_flow(
            Flow::new(
                n("citz-forms-to-oracle"),
                "abc123-prod".parse::<mccs_model::EnvRef>().unwrap(),
                n("citz-oracle-db"),
                [n("oracle")],
            )
            .justification(
                "Forms service reads and writes applications in the CITZ Oracle database",
            )
            .requester("CITZ forms product owner <forms.owner@example.gov.bc.ca>")
            .change_window("Sat 22:00-02:00 PT"),
        )
        .with_flow(
            Flow::new(
                n("warehouse-pulls-forms"),
                n("data-warehouse"),
                "abc123-prod".parse::<mccs_model::EnvRef>().unwrap(),
                [n("https")],
            )
            .justification("The data warehouse pulls nightly extracts from the forms API")
            .requester("Corporate data warehouse team <dw.team@example.gov.bc.ca>")
            .expires("2032-03-31".parse().unwrap()),
        )
        .with_flow(
            Flow::new(
                n("hlth-claims"),
                "def456-prod".parse::<mccs_model::EnvRef>().unwrap(),
                n("hlth-claims-api"),
                [n("https")],
            )
            .justification("Claims service calls the on-prem claims API"),
        )
        .with_flow(
            Flow::new(
                n("permits-to-openshift"),
                "ghi789-prod".parse::<mccs_model::EnvRef>().unwrap(),
                n("OCP_SILVER_INGRESS"),
                [n("https")],
            )
            .justification("Permitting calls the mapping service hosted on the Silver cluster"),
        )
}

/// The cross-cloud PrivateLink topology (`examples/cross-cloud.yaml`), built in code.
fn cross_cloud() -> Topology {
    let (cloud, sg_change) = (n("cloud-team-request"), n("security-group-change"));
    let team = "Cloud platform team";
    let ips = |a: &str, b: &str| [a.parse().unwrap(), b.parse().unwrap()];
    Topology::new()
        .with_channel(
            Channel::new(
                cloud.clone(),
                "Cloud team firewall request",
                "Product team",
                team,
            )
            .form("Cloud connectivity change"),
        )
        .with_channel(
            Channel::new(
                sg_change.clone(),
                "Security group change",
                "Product team",
                team,
            )
            .form("Pull request to the connectivity account's infrastructure repository"),
        )
        .with_firewall(
            Firewall::new(n("cross-cloud-firewall"), FirewallKind::Other, team, cloud)
                .description(
                    "The firewall opening between the central AWS account and the Azure platform",
                )
                .rule(
                    Rule::allow(
                        n("MCCS_DNB_LZA_LIVE_api001_prod"),
                        [a("PL_SERVICE_EU_NORTH_1")],
                        [a("AZURE_PAYMENTS_APP")],
                        [svc("tcp/443")],
                    )
                    .ticket("NET-2044"),
                ),
        )
        .with_firewall(
            Firewall::new(
                n("connectivity-endpoint-sg"),
                FirewallKind::SecurityGroup,
                team,
                sg_change.clone(),
            )
            .platform(Platform::AwsLza)
            .description("Security group on the VPC endpoints in the connectivity account")
            .rule(Rule::allow(
                n("consumers-https"),
                [a("10.60.3.0/24")],
                [AddressRef::Any],
                [svc("tcp/443")],
            )),
        )
        .with_firewall(
            Firewall::new(
                n("api001-prod-app-sg"),
                FirewallKind::SecurityGroup,
                "Product team",
                sg_change,
            )
            .platform(Platform::AwsLza)
            .description("App security group of the api001 prod VPC"),
        )
        .with_project_set(
            ProjectSet::new(
                "api001".parse().unwrap(),
                "DNB".parse().unwrap(),
                Platform::AwsLza,
            )
            .name("Open banking API")
            .environment(
                Environment::Dev,
                net("333333333301", "eu-north-1", "10.60.1.0/24"),
            )
            .environment(
                Environment::Test,
                net("333333333302", "eu-north-1", "10.60.2.0/24"),
            )
            .environment(
                Environment::Prod,
                net("333333333303", "eu-north-1", "10.60.3.0/24")
                    .security_group(n("api001-prod-app-sg")),
            ),
        )
        .with_external_network(
            ExternalNetwork::new(
                n("azure-platform"),
                ["10.200.0.0/24".parse().unwrap()],
                n("cross-cloud-firewall"),
            )
            .platform(Platform::AzureAlz)
            .description("The Azure platform the API must reach"),
        )
        .with_private_link(
            PrivateLink::new(
                n("aws-azure-privatelink"),
                Platform::AwsLza,
                "444444444444",
                n("azure-platform"),
                n("connectivity-endpoint-sg"),
                n("cross-cloud-firewall"),
            )
            .consumer("api001-dev".parse().unwrap())
            .consumer("api001-prod".parse().unwrap())
            .region(PrivateLinkRegion::new(
                "eu-north-1",
                RegionRole::Primary,
                ips("10.250.0.10", "10.250.0.11"),
                ips("10.250.0.20", "10.250.0.21"),
            ))
            .region(PrivateLinkRegion::new(
                "eu-west-1",
                RegionRole::Dr,
                ips("10.251.0.10", "10.251.0.11"),
                ips("10.251.0.20", "10.251.0.21"),
            )),
        )
        .with_object(
            FirewallObject::range(
                n("PL_SERVICE_EU_NORTH_1"),
                "10.250.0.10-10.250.0.11".parse().unwrap(),
            )
            .with_description("VPC endpoint service private IPs, primary region"),
        )
        .with_object(FirewallObject::host(
            n("AZURE_PAYMENTS_APP"),
            "10.200.0.10".parse().unwrap(),
        ))
        .with_flow(
            Flow::new(
                n("api-to-azure-payments"),
                "api001-prod".parse::<mccs_model::EnvRef>().unwrap(),
                n("AZURE_PAYMENTS_APP"),
                [svc("tcp/443")],
            )
            .justification("The API calls the payments application on the Azure platform"),
        )
        .with_flow(
            Flow::new(
                n("azure-payments-callback"),
                n("AZURE_PAYMENTS_APP"),
                "api001-prod".parse::<mccs_model::EnvRef>().unwrap(),
                [svc("tcp/8443")],
            )
            .justification("The payments application calls back the API with settlement results"),
        )
}

#[test]
fn reference_built_in_code_equals_the_document() {
    let built = reference();
    let read = examples::reference();
    // Part by part first, so a difference names the part.
    assert_eq!(built.channels, read.channels);
    assert_eq!(built.firewalls, read.firewalls);
    assert_eq!(built.project_sets, read.project_sets);
    assert_eq!(built.on_prem, read.on_prem);
    assert_eq!(built.hybrid_links, read.hybrid_links);
    assert_eq!(built.objects, read.objects);
    assert_eq!(built.services, read.services);
    assert_eq!(built.flows, read.flows);
    assert_eq!(built, read);
    no_findings(&built);
}

#[test]
fn cross_cloud_built_in_code_equals_the_document() {
    let built = cross_cloud();
    let read = examples::cross_cloud();
    assert_eq!(built.firewalls, read.firewalls);
    assert_eq!(built.project_sets, read.project_sets);
    assert_eq!(built.external_networks, read.external_networks);
    assert_eq!(built.private_links, read.private_links);
    assert_eq!(built, read);
    no_findings(&built);
}

#[test]
fn example_builds_its_yaml_and_runs() {
    let built = build_in_code::topology().unwrap();
    no_findings(&built);
    let yaml = include_str!("../examples/build_in_code.yaml");
    let loaded = load(yaml, Format::Yaml);
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    assert_eq!(built, loaded.topology);
    assert_eq!(to_yaml(&built).unwrap(), yaml);
    // The example's `main` (validate, print) succeeds.
    build_in_code::main().unwrap();
}

#[test]
fn conversions_build_what_parsing_reads() {
    let ip: std::net::IpAddr = "142.34.10.25".parse().unwrap();
    let cidr: ipnet::IpNet = "10.46.8.0/24".parse().unwrap();
    assert_eq!(AddressRef::from(ip), a("142.34.10.25"));
    assert_eq!(AddressRef::from(cidr), a("10.46.8.0/24"));
    assert_eq!(AddressRef::from(n("CITZ_ORACLE_DB")), a("CITZ_ORACLE_DB"));
    let end = |s: &str| s.parse::<mccs_model::FlowEnd>().unwrap();
    assert_eq!(mccs_model::FlowEnd::from(ip), end("142.34.10.25"));
    assert_eq!(mccs_model::FlowEnd::from(cidr), end("10.46.8.0/24"));
    assert_eq!(
        mccs_model::FlowEnd::from(n("citz-oracle-db")),
        end("citz-oracle-db")
    );
    let prod = mccs_model::EnvRef::new("abc123".parse().unwrap(), Environment::Prod);
    assert_eq!(mccs_model::FlowEnd::from(prod), end("abc123-prod"));
    let tcp = mccs_model::Service::tcp(443).unwrap();
    assert_eq!(ServiceRef::from(tcp), svc("tcp/443"));
    assert_eq!(ServiceRef::from(n("https")), svc("https"));
    assert_eq!(mccs_model::Service::udp(53).unwrap().to_string(), "udp/53");
}

#[test]
fn guide_shows_the_example_and_its_line_counts() {
    // docs/ is absent when the crate is built from its published package.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/guide.md");
    let Ok(guide) = std::fs::read_to_string(path) else {
        return;
    };
    let example = include_str!("../examples/build_in_code.rs");
    let start = example.find("pub(crate) fn topology").unwrap();
    let end = start + example[start..].find("\n}\n").unwrap() + 3;
    let function = &example[start..end];
    assert!(
        guide.contains(function),
        "docs/guide.md shows the example's `topology` function verbatim"
    );
    let code = function.lines().count() - 2; // the body, without the signature and the brace
    let yaml = include_str!("../examples/build_in_code.yaml")
        .lines()
        .count();
    assert!(guide.contains(&format!("These {code} lines (the function's body)")));
    assert!(guide.contains(&format!("the {yaml} lines of YAML")));
    assert!(guide.contains(&format!("| {code} lines | {yaml} lines |")));
}
