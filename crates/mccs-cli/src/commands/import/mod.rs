//! `mccs import`: cloud provider inventory (AWS `describe-vpcs`, Azure `vnet list`) to a
//! topology document of Project Sets.
//!
//! Each provider module reads its JSON into provider-neutral [`Network`]s; [`map`] turns those
//! into Project Set environments from tags or names, and keeps every network it cannot place,
//! with the reason, so nothing is dropped silently.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use mccs_model::{
    EnvRef, Environment, LicensePlate, Ministry, Platform, ProjectSet, Topology, ValidateOptions,
    VirtualNetwork,
};

use crate::cli::{AwsVpcsArgs, AzureVnetsArgs, TagArgs};
use crate::commands::Ctx;
use crate::input::{Purpose, display_name, read_text};
use crate::{Error, Exit, Result};

mod aws;
mod azure;

/// One VPC or VNet as the provider describes it, before mapping.
#[derive(Debug, Clone, Default)]
struct Network {
    /// How people find it: `vpc-0a1b2c3d (Name abc123-prod)`, `abc123-prod-vnet (resource group rg)`.
    label: String,
    /// The name `<plate>-<env>` may be read from: the AWS `Name` tag, the Azure VNet name.
    name: Option<String>,
    /// AWS account ID or Azure subscription ID.
    account: Option<String>,
    /// Region.
    region: Option<String>,
    /// Address ranges in use, as the provider writes them.
    prefixes: Vec<String>,
    /// Address ranges not in use, with why (e.g. `disassociated`).
    inactive: Vec<(String, String)>,
    /// Tags.
    tags: BTreeMap<String, String>,
    /// Said when the network cannot be mapped (e.g. "the account's default VPC").
    remark: Option<&'static str>,
    /// Why the entry could not even be read, if so.
    unreadable: Option<String>,
}

/// A network that is in the output, and where it came from.
#[derive(Debug)]
struct Placed {
    env: EnvRef,
    label: String,
    left_out: Vec<(String, String)>,
}

/// A network that is not in the output, and why.
#[derive(Debug)]
struct Unplaced {
    label: String,
    reason: String,
}

/// The result of mapping: the topology and what happened to every network.
#[derive(Debug)]
struct Mapped {
    topology: Topology,
    placed: Vec<Placed>,
    unplaced: Vec<Unplaced>,
}

/// What the import is about, for messages.
struct Kind {
    platform: Platform,
    noun: &'static str,
}

const AWS: Kind = Kind {
    platform: Platform::AwsLza,
    noun: "VPC",
};

const AZURE: Kind = Kind {
    platform: Platform::AzureAlz,
    noun: "VNet",
};

pub(crate) fn aws_vpcs(ctx: &mut Ctx<'_>, args: &AwsVpcsArgs) -> Result<Exit> {
    let name = display_name(&args.file);
    let text = read_text(&args.file, Purpose::AwsVpcs)?;
    let networks = aws::parse(&text, &args.region).map_err(|message| Error::BadInput {
        name: name.clone(),
        message,
    })?;
    let mapped = map(&AWS, networks, &args.tags, &args.non_routable);
    let heading = format!(
        "# Project Sets imported by `mccs import aws-vpcs` from {} (region {}).",
        comment_safe(&name),
        comment_safe(&args.region)
    );
    emit(ctx, &AWS, &name, &heading, &mapped)
}

pub(crate) fn azure_vnets(ctx: &mut Ctx<'_>, args: &AzureVnetsArgs) -> Result<Exit> {
    let name = display_name(&args.file);
    let text = read_text(&args.file, Purpose::AzureVnets)?;
    let networks = azure::parse(&text).map_err(|message| Error::BadInput {
        name: name.clone(),
        message,
    })?;
    let mapped = map(&AZURE, networks, &args.tags, &[]);
    let heading = format!(
        "# Project Sets imported by `mccs import azure-vnets` from {}.",
        comment_safe(&name)
    );
    emit(ctx, &AZURE, &name, &heading, &mapped)
}

/// The value of a tag: the exact key, or else the only key equal to it ignoring case.
fn tag<'a>(net: &'a Network, key: &str) -> Option<&'a str> {
    if let Some(v) = net.tags.get(key) {
        return Some(v.trim());
    }
    let mut found = net
        .tags
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.trim());
    match (found.next(), found.next()) {
        (Some(v), None) => Some(v),
        _ => None,
    }
}

/// An environment as tags write it: `Prod`, `production`, `DEV`, ...
fn environment_from_tag(value: &str) -> Option<Environment> {
    let v = value.trim().to_ascii_lowercase();
    let v = match v.as_str() {
        "production" => "prod",
        "development" => "dev",
        "testing" => "test",
        other => other,
    };
    v.parse().ok()
}

/// `<plate>-<env>`, optionally followed by `-<anything>`: `abc123-prod`, `abc123-prod-vpc`,
/// `abc123-prod-vwan-spoke`. Only the four platform environments count here, so a name like
/// `shared-services` is not taken for license plate `shared`, environment `services`.
fn identity_from_name(name: &str) -> Option<(LicensePlate, Environment)> {
    let lower = name.trim().to_ascii_lowercase();
    let mut parts = lower.splitn(3, '-');
    let plate = parts.next()?.parse().ok()?;
    let env: Environment = parts.next()?.parse().ok()?;
    if matches!(env, Environment::Other(_)) {
        return None;
    }
    Some((plate, env))
}

/// Where the license plate, environment and ministry of a network come from.
fn identify(
    kind: &Kind,
    net: &Network,
    tags: &TagArgs,
) -> std::result::Result<(EnvRef, Ministry), String> {
    let from_name = net.name.as_deref().and_then(identity_from_name);
    let name_hint = match &net.name {
        Some(n) => {
            format!("the name `{n}` does not start with `<plate>-<env>` (e.g. `abc123-prod`)")
        }
        None => "it has no name".to_owned(),
    };
    let plate = match tag(net, &tags.plate_tag) {
        Some(v) => v.to_ascii_lowercase().parse::<LicensePlate>().map_err(|_| {
            format!(
                "tag `{}` is `{v}`, not a license plate (6 lower-case letters or digits, e.g. `abc123`)",
                tags.plate_tag
            )
        })?,
        None => match &from_name {
            Some((p, _)) => *p,
            None => {
                return Err(format!(
                    "no license plate: no `{}` tag, and {name_hint}",
                    tags.plate_tag
                ));
            }
        },
    };
    let environment = match tag(net, &tags.env_tag) {
        Some(v) => environment_from_tag(v).ok_or_else(|| {
            format!(
                "tag `{}` is `{v}`, not an environment (dev, test, prod, tools or another lower-case word)",
                tags.env_tag
            )
        })?,
        None => match &from_name {
            Some((p, e)) if *p == plate => e.clone(),
            _ => {
                return Err(format!(
                    "no environment for license plate {plate}: no `{}` tag, and {name_hint}",
                    tags.env_tag
                ));
            }
        },
    };
    let ministry = match tag(net, &tags.ministry_tag) {
        Some(v) => v.to_ascii_uppercase().parse::<Ministry>().map_err(|_| {
            format!(
                "tag `{}` is `{v}`, not a ministry short name (e.g. `CITZ`)",
                tags.ministry_tag
            )
        })?,
        None => tags.ministry.clone().ok_or_else(|| {
            format!(
                "no ministry for {plate}-{environment}: no `{}` tag; tag the {} or pass --ministry",
                tags.ministry_tag, kind.noun
            )
        })?,
    };
    Ok((
        EnvRef {
            license_plate: plate,
            environment,
        },
        ministry,
    ))
}

/// Places every network in a Project Set environment, or says why it cannot.
fn map(kind: &Kind, networks: Vec<Network>, tags: &TagArgs, non_routable: &[String]) -> Mapped {
    let non_routable: Vec<_> = non_routable
        .iter()
        .filter_map(|c| mccs_model::parse_prefix(c))
        .collect();
    let mut sets: BTreeMap<LicensePlate, ProjectSet> = BTreeMap::new();
    let mut origin: BTreeMap<EnvRef, String> = BTreeMap::new();
    let mut placed = Vec::new();
    let mut unplaced = Vec::new();
    for net in networks {
        let mut refuse = |reason: String| {
            let reason = match net.remark {
                Some(r) => format!("{reason} ({r})"),
                None => reason,
            };
            unplaced.push(Unplaced {
                label: net.label.clone(),
                reason,
            });
        };
        if let Some(why) = &net.unreadable {
            refuse(why.clone());
            continue;
        }
        let (env, ministry) = match identify(kind, &net, tags) {
            Ok(x) => x,
            Err(why) => {
                refuse(why);
                continue;
            }
        };
        let Some(account) = net.account.clone().filter(|a| !a.trim().is_empty()) else {
            refuse(format!("no {}", kind.platform.account_noun()));
            continue;
        };
        let Some(region) = net.region.clone().filter(|r| !r.trim().is_empty()) else {
            refuse("no region".to_owned());
            continue;
        };
        let mut vnet = VirtualNetwork::new(account, region, Vec::new());
        let mut left_out = net.inactive.clone();
        for p in &net.prefixes {
            match mccs_model::parse_prefix(p) {
                None => left_out.push((p.clone(), "not a CIDR".to_owned())),
                Some(cidr) if non_routable.iter().any(|n| n.contains(&cidr)) => {
                    left_out.push((p.clone(), "non-routable secondary range".to_owned()));
                }
                Some(cidr) if vnet.address_space.contains(&cidr) => {}
                Some(cidr) => vnet.address_space.push(cidr),
            }
        }
        if vnet.address_space.is_empty() {
            let mut why = format!("no routable address space for {env}");
            if !left_out.is_empty() {
                let list: Vec<String> = left_out.iter().map(|(c, w)| format!("{c}: {w}")).collect();
                why.push_str(&format!(" (left out {})", list.join("; ")));
            }
            refuse(why);
            continue;
        }
        if let Some(first) = origin.get(&env) {
            refuse(format!("{env} is already imported from {first}"));
            continue;
        }
        let set = sets.entry(env.license_plate).or_insert_with(|| ProjectSet {
            license_plate: env.license_plate,
            ministry: ministry.clone(),
            platform: kind.platform,
            name: None,
            environments: BTreeMap::new(),
        });
        if set.ministry != ministry {
            refuse(format!(
                "ministry {ministry} differs from {} of the other networks of Project Set {}",
                set.ministry, env.license_plate
            ));
            continue;
        }
        set.environments.insert(env.environment.clone(), vnet);
        origin.insert(env.clone(), net.label.clone());
        placed.push(Placed {
            env,
            label: net.label.clone(),
            left_out,
        });
    }
    placed.sort_by(|a, b| a.env.cmp(&b.env));
    let mut topology = Topology::new();
    topology.project_sets = sets.into_values().collect();
    Mapped {
        topology,
        placed,
        unplaced,
    }
}

/// The topology as YAML in the order people read it: `version` first, and each Project Set's
/// identity before its environments. Every value is written by [`mccs_model::to_yaml`], so
/// quoting is always what the reader expects; only the outline (with its comments) is laid out
/// here.
fn document(topology: &Topology) -> std::result::Result<String, mccs_model::YamlError> {
    let scalar = |v: &dyn erased::Scalar| v.yaml().map(|s| s.trim_end().to_owned());
    let mut doc = format!("version: {}\n", scalar(&topology.version)?);
    if topology.project_sets.is_empty() {
        doc.push_str("project_sets: []\n");
        return Ok(doc);
    }
    doc.push_str("project_sets:\n");
    for ps in &topology.project_sets {
        let _ = writeln!(doc, "  - license_plate: {}", scalar(&ps.license_plate)?);
        let _ = writeln!(doc, "    ministry: {}", scalar(&ps.ministry)?);
        let _ = writeln!(doc, "    platform: {}", scalar(&ps.platform)?);
        if let Some(name) = &ps.name {
            let _ = writeln!(doc, "    name: {}", scalar(name)?);
        }
        doc.push_str("    environments:\n");
        for line in mccs_model::to_yaml(&ps.environments)?.lines() {
            let _ = writeln!(doc, "      {line}");
        }
    }
    Ok(doc)
}

/// `to_yaml` behind a trait object, so one closure writes scalars of every type.
mod erased {
    pub(super) trait Scalar {
        fn yaml(&self) -> Result<String, mccs_model::YamlError>;
    }

    impl<T: serde::Serialize> Scalar for T {
        fn yaml(&self) -> Result<String, mccs_model::YamlError> {
            mccs_model::to_yaml(self)
        }
    }
}

/// Provider text made safe inside a one-line YAML comment: line breaks (including NEL and the
/// Unicode line and paragraph separators) and other control characters are written as escapes
/// (`\n`, `\u{1b}`), so a value such as a `VpcId` with a line break cannot end the comment and
/// inject YAML into the document.
fn comment_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Writes the document: a comment saying where each environment came from, the YAML, and a
/// closing comment listing the networks left out. Those also go to standard error.
fn emit(
    ctx: &mut Ctx<'_>,
    kind: &Kind,
    name: &str,
    heading: &str,
    mapped: &Mapped,
) -> Result<Exit> {
    let yaml = document(&mapped.topology).map_err(|e| Error::BadInput {
        name: name.to_owned(),
        message: format!("{e}; this is a bug, please report it"),
    })?;
    let mut doc = String::new();
    doc.push_str(heading);
    doc.push('\n');
    let _ = writeln!(
        doc,
        "# Review before use: add `ministries`, firewalls, on-prem zones and flows by hand."
    );
    if !mapped.placed.is_empty() {
        doc.push_str("#\n");
        let width = mapped
            .placed
            .iter()
            .map(|p| p.env.to_string().len())
            .max()
            .unwrap_or(0);
        for p in &mapped.placed {
            let _ = writeln!(
                doc,
                "#   {:width$}  from {}",
                p.env.to_string(),
                comment_safe(&p.label)
            );
            for (cidr, why) in &p.left_out {
                let _ = writeln!(
                    doc,
                    "#   {:width$}    left out {cidr}: {}",
                    "",
                    comment_safe(why)
                );
            }
        }
    }
    doc.push_str(&yaml);
    if !mapped.unplaced.is_empty() {
        let n = mapped.unplaced.len();
        let nouns = if n == 1 {
            kind.noun.to_owned()
        } else {
            format!("{}s", kind.noun)
        };
        let _ = writeln!(
            doc,
            "\n# Not imported: {n} {nouns} could not be mapped to a Project Set environment.\n\
             # Tag them (license plate, environment, ministry) and import again, or add them by hand:"
        );
        for u in &mapped.unplaced {
            let _ = writeln!(
                doc,
                "#   {}: {}",
                comment_safe(&u.label),
                comment_safe(&u.reason)
            );
        }
    }
    ctx.out.write_all(doc.as_bytes())?;

    for u in &mapped.unplaced {
        writeln!(
            ctx.err,
            "mccs: {name}: {} not imported: {}",
            u.label, u.reason
        )?;
    }
    // Check what was produced as `mccs validate` would: overlapping address spaces and the
    // like are worth knowing before the document is merged anywhere.
    let findings = mccs_model::validate(&mapped.topology, &ValidateOptions::default());
    for d in &findings {
        writeln!(
            ctx.err,
            "mccs: {name}: imported {}s: {}: {}",
            kind.noun, d.path, d.problem
        )?;
    }
    Ok(
        if mapped.unplaced.is_empty() && !findings.iter().any(|d| d.is_error()) {
            Exit::Success
        } else {
            Exit::Findings
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_identity() {
        let id = |n| identity_from_name(n).map(|(p, e)| format!("{p}-{e}"));
        assert_eq!(id("abc123-prod").as_deref(), Some("abc123-prod"));
        assert_eq!(id("abc123-prod-vpc").as_deref(), Some("abc123-prod"));
        assert_eq!(id("ABC123-Dev").as_deref(), Some("abc123-dev"));
        assert_eq!(
            id("abc123-tools-vwan-spoke").as_deref(),
            Some("abc123-tools")
        );
        assert_eq!(id("shared-services"), None);
        assert_eq!(id("abc123"), None);
        assert_eq!(id("abc1234-prod"), None);
        assert_eq!(id("Prod_vpc"), None);
    }

    #[test]
    fn document_reads_back_to_the_same_topology() {
        let mut t = mccs_model::examples::reference();
        t.firewalls.clear();
        t.channels.clear();
        t.ministries.clear();
        t.on_prem = None;
        t.hybrid_links.clear();
        t.objects.clear();
        t.services.clear();
        t.flows.clear();
        // Text a YAML reader would take for something else must come back as text.
        t.project_sets[0].name = Some("yes: #1, \"quoted\"".to_owned());
        t.project_sets[1].license_plate = "123456".parse().unwrap();
        let text = document(&t).unwrap();
        let back = mccs_model::load(&text, mccs_model::Format::Yaml);
        assert!(
            back.diagnostics.is_empty(),
            "{:?}\n{text}",
            back.diagnostics
        );
        assert_eq!(back.topology, t, "{text}");
        assert!(text.starts_with("version: 1\nproject_sets:\n  - license_plate: abc123\n"));
    }

    #[test]
    fn environment_tags_are_forgiving() {
        assert_eq!(environment_from_tag("Production"), Some(Environment::Prod));
        assert_eq!(environment_from_tag(" DEV "), Some(Environment::Dev));
        assert_eq!(environment_from_tag("tools"), Some(Environment::Tools));
        assert!(environment_from_tag("not an env").is_none());
    }
}
