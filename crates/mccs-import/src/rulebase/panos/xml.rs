//! The XML front end: `show config running` (XML output) or the XML API's
//! `type=config&action=show` (the `<config>` inside `<response><result>`).

use mccs_model::{ExportFinding, ExportPlace, Location};
use roxmltree::{Document, Node, ParsingOptions};

use super::{AddrKind, Address, AddressGroup, Config, Lines, Place, RawRule, Scope, Svc, SvcGroup};
use crate::rulebase::Export;

/// What the reader accepts, for messages.
const WRITTEN_BY: &str =
    "the XML `show config running` or the XML API (`type=config&action=show`) writes";

struct Ctx<'t> {
    lines: Lines<'t>,
}

impl Ctx<'_> {
    fn place(&self, node: Node<'_, '_>) -> Place {
        let mut parts = Vec::new();
        for n in node.ancestors().filter(Node::is_element) {
            let tag = n.tag_name().name();
            match n.attribute("name") {
                Some(name) => parts.push(format!("{tag}[@name='{name}']")),
                None => parts.push(tag.to_owned()),
            }
            if tag == "config" {
                break;
            }
        }
        parts.reverse();
        Place {
            path: format!("/{}", parts.join("/")),
            location: Some(self.lines.location(node.range().start)),
        }
    }
}

fn child<'a, 'i>(node: Node<'a, 'i>, tag: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.has_tag_name(tag))
}

fn path<'a, 'i>(node: Node<'a, 'i>, tags: &[&str]) -> Option<Node<'a, 'i>> {
    tags.iter().try_fold(node, |n, t| child(n, t))
}

fn entries<'a, 'i>(node: Option<Node<'a, 'i>>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.into_iter()
        .flat_map(|n| n.children().filter(|c| c.has_tag_name("entry")))
}

fn text(node: Node<'_, '_>, tag: &str) -> Option<String> {
    child(node, tag)
        .and_then(|c| c.text())
        .map(|t| t.trim().to_owned())
}

fn members(node: Option<Node<'_, '_>>) -> Vec<String> {
    node.into_iter()
        .flat_map(|n| n.children().filter(|c| c.has_tag_name("member")))
        .filter_map(|m| m.text())
        .map(|t| t.trim().to_owned())
        .collect()
}

fn yes(node: Node<'_, '_>, tag: &str) -> bool {
    text(node, tag).as_deref() == Some("yes")
}

/// Reads the XML text of `export`, selecting the virtual system or device group `select`.
pub(super) fn read(export: &Export, select: Option<&str>) -> Result<Config, Vec<ExportFinding>> {
    let text = export.text();
    let lines = Lines::new(text);
    let options = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    let doc = match Document::parse_with_options(text, options) {
        Ok(d) => d,
        Err(e) => {
            let (location, message) = match e {
                roxmltree::Error::DtdDetected => (
                    text.find("<!DOCTYPE")
                        .map_or(Location { line: 1, column: 1 }, |o| lines.location(o)),
                    format!(
                        "the XML has a DOCTYPE (a DTD, which can define entities); {WRITTEN_BY} has none, and mccs does not read one: remove it"
                    ),
                ),
                other => {
                    let p = other.pos();
                    (
                        Location {
                            line: (p.row as usize).max(1),
                            column: (p.col as usize).max(1),
                        },
                        format!("not the XML {WRITTEN_BY}: {other}"),
                    )
                }
            };
            return Err(vec![ExportFinding::error(
                ExportPlace::new(export.file(), "").at(location),
                message,
            )]);
        }
    };
    let ctx = Ctx { lines };
    let root = doc.root_element();
    let config = if root.has_tag_name("config") {
        Some(root)
    } else if root.has_tag_name("response") {
        path(root, &["result", "config"])
    } else {
        None
    };
    let Some(config) = config else {
        return Err(vec![ExportFinding::error(
            export.place_at("", Some(ctx.lines.location(root.range().start))),
            format!(
                "the root element is <{}>, not <config> (or <response><result><config>): this is not {WRITTEN_BY}",
                root.tag_name().name()
            ),
        )]);
    };
    let want = select.unwrap_or("vsys1");
    let mut available = Vec::new();
    let mut found = None;
    for device in entries(child(config, "devices")) {
        for v in entries(child(device, "vsys")) {
            let name = v.attribute("name").unwrap_or_default();
            available.push(format!("vsys {name}"));
            if found.is_none() && name == want {
                found = Some((v, false));
            }
        }
        for dg in entries(child(device, "device-group")) {
            let name = dg.attribute("name").unwrap_or_default();
            available.push(format!("device group {name}"));
            if found.is_none() && name == want {
                found = Some((dg, true));
            }
        }
    }
    let Some((target, device_group)) = found else {
        let has = if available.is_empty() {
            "it has none".to_owned()
        } else {
            format!("it has {}", available.join(", "))
        };
        return Err(vec![ExportFinding::error(
            export.place_at(
                "/config/devices",
                Some(ctx.lines.location(config.range().start)),
            ),
            format!(
                "no virtual system or device group `{want}` in the configuration ({has}): set `select` to one of them"
            ),
        )]);
    };
    let mut out = Config {
        label: if device_group {
            format!("device group {want}")
        } else {
            format!("vsys {want}")
        },
        ..Config::default()
    };
    if let Some(shared) = child(config, "shared") {
        scope(&ctx, shared, &mut out.shared);
    }
    scope(&ctx, target, &mut out.target);
    Ok(out)
}

/// Reads the objects and rules under a `shared`, vsys or device-group element.
fn scope(ctx: &Ctx<'_>, node: Node<'_, '_>, out: &mut Scope) {
    for e in entries(child(node, "address")) {
        let kind = if let Some(v) = text(e, "ip-netmask") {
            AddrKind::Netmask(v)
        } else if let Some(v) = text(e, "ip-range") {
            AddrKind::Range(v)
        } else if let Some(v) = text(e, "fqdn") {
            AddrKind::Fqdn(v)
        } else if let Some(v) = text(e, "ip-wildcard") {
            AddrKind::Wildcard(v)
        } else {
            AddrKind::Missing
        };
        out.addresses.push(Address {
            name: e.attribute("name").unwrap_or_default().to_owned(),
            at: ctx.place(e),
            kind,
            description: text(e, "description"),
        });
    }
    for e in entries(child(node, "address-group")) {
        let dynamic = child(e, "dynamic").map(|d| text(d, "filter").unwrap_or_default());
        let mut list = members(child(e, "static"));
        if list.is_empty() && dynamic.is_none() {
            // PAN-OS before 6.0 wrote the members directly.
            list = members(Some(e));
        }
        out.groups.push(AddressGroup {
            name: e.attribute("name").unwrap_or_default().to_owned(),
            at: ctx.place(e),
            members: list,
            dynamic,
            description: text(e, "description"),
        });
    }
    for e in entries(child(node, "service")) {
        let proto = child(e, "protocol").and_then(|p| p.children().find(Node::is_element));
        out.services.push(Svc {
            name: e.attribute("name").unwrap_or_default().to_owned(),
            at: ctx.place(e),
            protocol: proto
                .map(|p| p.tag_name().name().to_owned())
                .unwrap_or_default(),
            ports: proto.and_then(|p| text(p, "port")),
            source_ports: proto.and_then(|p| text(p, "source-port")),
            description: text(e, "description"),
        });
    }
    for e in entries(child(node, "service-group")) {
        let mut list = members(child(e, "members"));
        if list.is_empty() {
            list = members(Some(e));
        }
        out.service_groups.push(SvcGroup {
            name: e.attribute("name").unwrap_or_default().to_owned(),
            at: ctx.place(e),
            members: list,
        });
    }
    for e in entries(child(node, "external-list")) {
        out.dynamic_lists
            .push(e.attribute("name").unwrap_or_default().to_owned());
    }
    for e in entries(child(node, "region")) {
        out.regions
            .push(e.attribute("name").unwrap_or_default().to_owned());
    }
    let lists = [
        ("rulebase", &mut out.rules),
        ("pre-rulebase", &mut out.pre_rules),
        ("post-rulebase", &mut out.post_rules),
    ];
    for (base, list) in lists {
        for e in entries(path(node, &[base, "security", "rules"])) {
            list.push(rule(ctx, e));
        }
        for e in entries(path(node, &[base, "default-security-rules", "rules"])) {
            if e.attribute("name") == Some("interzone-default")
                && let Some(action) = text(e, "action")
            {
                out.interzone_default = Some((action, ctx.place(e)));
            }
        }
    }
}

fn rule(ctx: &Ctx<'_>, e: Node<'_, '_>) -> RawRule {
    let mut hip = Vec::new();
    for tag in ["source-hip", "destination-hip", "hip-profiles"] {
        hip.extend(members(child(e, tag)).into_iter().filter(|m| m != "any"));
    }
    RawRule {
        name: e.attribute("name").unwrap_or_default().to_owned(),
        at: ctx.place(e),
        from: members(child(e, "from")),
        to: members(child(e, "to")),
        source: members(child(e, "source")),
        destination: members(child(e, "destination")),
        source_user: members(child(e, "source-user")),
        category: members(child(e, "category")),
        application: members(child(e, "application")),
        service: members(child(e, "service")),
        hip,
        action: text(e, "action"),
        disabled: yes(e, "disabled"),
        negate_source: yes(e, "negate-source"),
        negate_destination: yes(e, "negate-destination"),
        description: text(e, "description"),
        rule_type: text(e, "rule-type"),
        schedule: text(e, "schedule"),
    }
}
