//! Every kind of [`Problem`] a document can have: reported at the exact path into the document
//! and, for YAML, at the line and column of the offending text; all at once, without cascades.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mccs_model::{Date, Diagnostic, Format, Location, Problem, Severity, ValidateOptions, check};

/// A small valid document; tests change one thing in it.
const BASE: &str = "\
version: 1
ministries: [CITZ, HLTH]
channels:
  - name: cloud-req
    title: Cloud firewall change request
    filed_by: Project team
    handled_by: Public Cloud Team
firewalls:
  - name: azure-fw
    kind: cloud
    platform: azure-alz
    owner: Public Cloud Team
    channel: cloud-req
    rules:
      - name: R1
        sources: [10.46.8.0/24]
        destinations: [DB_HOST]
        services: [oracle]
        action: allow
  - name: 3pg
    kind: edge
    owner: On-prem network security
    channel: cloud-req
  - name: zone-b-fw
    kind: zone
    owner: On-prem network security
    channel: cloud-req
project_sets:
  - license_plate: abc123
    ministry: CITZ
    platform: azure-alz
    environments:
      prod:
        account: sub-1
        region: canadacentral
        address_space: [10.46.8.0/24]
on_prem:
  edge_firewall: 3pg
  zones:
    - name: zone-b
      firewall: zone-b-fw
      networks: [142.34.10.0/24]
      endpoints:
        - name: db
          address: 142.34.10.25
objects:
  - kind: host
    name: DB_HOST
    address: 142.34.10.25
services:
  - name: oracle
    services: [tcp/1521]
flows:
  - name: to-db
    source: abc123-prod
    destination: db
    services: [oracle]
";

/// `BASE` with each `(old, new)` applied; each `old` must occur exactly once.
fn edit(edits: &[(&str, &str)]) -> String {
    let mut text = BASE.to_owned();
    for (old, new) in edits {
        assert_eq!(
            text.matches(old).count(),
            1,
            "`{old}` must occur once in the document"
        );
        text = text.replacen(old, new, 1);
    }
    text
}

fn diagnostics(text: &str, format: Format) -> Vec<Diagnostic> {
    check(text, format, &ValidateOptions::default()).diagnostics
}

/// The one finding of a YAML document.
fn only(text: &str) -> Diagnostic {
    let found = diagnostics(text, Format::Yaml);
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(
        found.len(),
        1,
        "expected one finding in\n{text}\ngot {shown:#?}"
    );
    found.into_iter().next().unwrap()
}

/// Line and column (1-based, in characters) of the `nth` (from 0) occurrence of `needle`.
fn at_nth(text: &str, needle: &str, nth: usize) -> Location {
    let (offset, _) = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` occurs fewer than {} times", nth + 1));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    Location { line, column }
}

/// Line and column of the value of the key at the `nth` occurrence of `needle` (the text after
/// the first `: ` from there): findings about a scalar point at the value.
fn value_of_nth(text: &str, needle: &str, nth: usize) -> Location {
    let (offset, _) = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` occurs fewer than {} times", nth + 1));
    let colon = text[offset..]
        .find(": ")
        .expect("a `key: value` at the needle")
        + 2;
    let before = &text[..offset + colon];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    Location { line, column }
}

/// [`value_of_nth`] for the only occurrence of `needle`.
fn value_of(text: &str, needle: &str) -> Location {
    assert_eq!(
        text.matches(needle).count(),
        1,
        "`{needle}` must occur once"
    );
    value_of_nth(text, needle, 0)
}

/// Line and column of the only occurrence of `needle`.
fn at(text: &str, needle: &str) -> Location {
    assert_eq!(
        text.matches(needle).count(),
        1,
        "`{needle}` must occur once"
    );
    at_nth(text, needle, 0)
}

/// Asserts a finding's severity, path, location and message.
#[track_caller]
fn assert_finding(d: &Diagnostic, path: &str, location: Option<Location>, message: &str) {
    assert_eq!(d.path.to_string(), path, "{d}");
    assert_eq!(d.location, location, "{d}");
    assert_eq!(d.problem.to_string(), message, "{d}");
}

#[test]
fn base_document_is_clean() {
    assert_eq!(diagnostics(BASE, Format::Yaml), []);
}

// ---------------------------------------------------------------------------------------------
// Syntax

#[test]
fn yaml_syntax_error_is_located() {
    let text = edit(&[(
        "title: Cloud firewall change request",
        "title: Cloud: firewall",
    )]);
    let d = only(&text);
    assert!(d.is_error());
    assert!(matches!(d.problem, Problem::Syntax { .. }), "{d}");
    assert_eq!(d.path.to_string(), "(document)");
    // The reader stops at the second `:` on the line.
    assert_eq!(d.location, Some(at(&text, ": firewall")));
    assert_eq!(
        d.problem.to_string(),
        "syntax error: mapping values are not allowed in this context"
    );
}

#[test]
fn yaml_bad_indentation_and_unclosed_flow() {
    let text = "version: 1\nchannels:\n  - name: a\n   title: x\n";
    let d = only(text);
    assert!(matches!(d.problem, Problem::Syntax { .. }), "{d}");
    assert_eq!(d.location, Some(at(text, "title")));

    let text = "version: 1\nministries: [CITZ\n";
    let d = only(text);
    assert!(matches!(d.problem, Problem::Syntax { .. }), "{d}");
    assert_eq!(d.location, Some(Location { line: 3, column: 1 }), "{d}");
}

#[test]
fn yaml_reader_refusals_are_syntax_errors() {
    let dup = "version: 1\nversion: 1\n";
    let d = only(dup);
    assert_finding(
        &d,
        "(document)",
        Some(Location { line: 2, column: 1 }),
        "syntax error: duplicate key `version`: each key may appear once in a mapping",
    );

    let two = "version: 1\n---\nversion: 1\n";
    let d = only(two);
    assert!(matches!(d.problem, Problem::Syntax { .. }), "{d}");
    assert_eq!(d.location.map(|l| l.line), Some(2));
    assert!(d.to_string().contains("more than one YAML document"), "{d}");

    let alias = "version: 1\nministries: [*nope]\n";
    let d = only(alias);
    assert!(matches!(d.problem, Problem::Syntax { .. }), "{d}");
    assert_eq!(d.location.map(|l| l.line), Some(2));
}

#[test]
fn json_syntax_error_is_located() {
    let text = "{\n  \"version\": 1\n  \"flows\": []\n}\n";
    let found = diagnostics(text, Format::Json);
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = &found[0];
    assert!(matches!(d.problem, Problem::Syntax { .. }), "{d}");
    assert_eq!(d.path.to_string(), "(document)");
    assert_eq!(d.location, Some(at(text, "\"flows\"")));
    assert_eq!(
        d.problem.to_string(),
        "syntax error: expected `,` or `}` at line 3 column 3"
    );
}

#[test]
fn toml_syntax_error_is_located() {
    let text = "version = 1\n[[firewalls]\nname = \"x\"\n";
    let found = diagnostics(text, Format::Toml);
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = &found[0];
    assert!(matches!(d.problem, Problem::Syntax { .. }), "{d}");
    assert_eq!(d.path.to_string(), "(document)");
    // Where the closing `]` is missing: the end of `[[firewalls]`.
    assert_eq!(
        d.location,
        Some(Location {
            line: 2,
            column: 13
        }),
        "{d}"
    );
    assert_eq!(
        d.problem.to_string(),
        "syntax error: unclosed array table, expected `]`"
    );
}

// ---------------------------------------------------------------------------------------------
// Shape

#[test]
fn bad_license_plate() {
    // (The flow names `abc123`, which is then genuinely unknown: give it a CIDR source.)
    let text = edit(&[
        ("license_plate: abc123", "license_plate: abc1234"),
        ("source: abc123-prod", "source: 10.46.8.0/24"),
    ]);
    let d = only(&text);
    assert!(matches!(d.problem, Problem::Shape { .. }), "{d}");
    assert_finding(
        &d,
        "project_sets[0].license_plate",
        Some(value_of(&text, "license_plate")),
        "`abc1234` is not a license plate: use exactly 6 lower-case letters or digits (e.g. `abc123`)",
    );
}

#[test]
fn bad_ministry_case() {
    let text = edit(&[("ministry: CITZ", "ministry: citz")]);
    let d = only(&text);
    assert!(matches!(d.problem, Problem::Shape { .. }), "{d}");
    assert_finding(
        &d,
        "project_sets[0].ministry",
        Some(value_of(&text, "ministry: citz")),
        "`citz` is not a ministry short name: use 2 to 10 upper-case letters or digits, starting with a letter (e.g. `CITZ`)",
    );

    let text = edit(&[("ministries: [CITZ, HLTH]", "ministries: [CITZ, Hlth]")]);
    let d = only(&text);
    assert_eq!(d.path.to_string(), "ministries[1]");
    assert_eq!(d.location, Some(at(&text, "Hlth")));
}

#[test]
fn unknown_field() {
    let text = edit(&[(
        "    owner: Public Cloud Team\n",
        "    owner: Public Cloud Team\n    colour: red\n",
    )]);
    let d = only(&text);
    assert!(matches!(d.problem, Problem::Shape { .. }), "{d}");
    assert_finding(
        &d,
        "firewalls[0].colour",
        Some(value_of(&text, "colour")),
        "unknown field `colour`, expected one of `name`, `kind`, `platform`, `owner`, `channel`, `description`, `rules`, `outbound_rules`, `ephemeral_ports`, `rulebase`",
    );

    let text = edit(&[("version: 1\n", "version: 1\nzones: []\n")]);
    let d = only(&text);
    assert_eq!(d.path.to_string(), "zones");
    assert_eq!(d.location, Some(Location { line: 2, column: 1 }));
    assert!(
        d.to_string()
            .contains("unknown section `zones`, expected one of: version, ministries"),
        "{d}"
    );
}

#[test]
fn wrong_type() {
    let text = edit(&[(
        "address_space: [10.46.8.0/24]",
        "address_space: 10.46.8.0/24",
    )]);
    let d = only(&text);
    assert!(matches!(d.problem, Problem::Shape { .. }), "{d}");
    assert_finding(
        &d,
        "project_sets[0].environments.prod.address_space",
        Some(value_of(&text, "address_space")),
        "invalid type: string \"10.46.8.0/24\", expected a sequence",
    );

    // An unquoted number where text is expected is accepted as its digits...
    let text = edit(&[("account: sub-1", "account: 111111111101")]);
    let d = only(&text);
    // ...only for the model's text types; a free-text field wants quotes.
    assert_finding(
        &d,
        "project_sets[0].environments.prod.account",
        Some(value_of(&text, "account")),
        "invalid type: integer `111111111101`, expected a string",
    );

    let text = format!(
        "{}flows: {{name: to-db}}\n",
        &BASE[..BASE.find("flows:").unwrap()]
    );
    let found = diagnostics(&text, Format::Yaml);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].path.to_string(), "flows");
    assert_eq!(
        found[0].problem.to_string(),
        "expected a list, found a mapping"
    );
}

#[test]
fn bad_values_inside_lists_and_maps() {
    let text = edit(&[(
        "sources: [10.46.8.0/24]",
        "sources: [10.46.8.0/24, bad name!]",
    )]);
    let d = only(&text);
    assert_finding(
        &d,
        "firewalls[0].rules[0].sources[1]",
        Some(at(&text, "bad name!")),
        "`bad name!` is not an address: write an IP (`10.0.0.5`), a CIDR (`10.0.0.0/24`), `any`, or the name of an object",
    );

    let text = edit(&[
        ("      prod:\n", "      Prod:\n"),
        ("source: abc123-prod", "source: 10.46.8.0/24"),
    ]);
    let d = only(&text);
    assert_eq!(d.path.to_string(), "project_sets[0].environments.Prod");
    assert_eq!(d.location, Some(at(&text, "Prod")));
    assert!(matches!(d.problem, Problem::Shape { .. }), "{d}");

    let text = edit(&[("services: [tcp/1521]", "services: [tcp/0]")]);
    let d = only(&text);
    assert_eq!(d.path.to_string(), "services[0].services[0]");
    assert_eq!(d.location, Some(at(&text, "tcp/0")));
}

#[test]
fn missing_fields() {
    let text = edit(&[("    owner: Public Cloud Team\n", "")]);
    let d = only(&text);
    assert_finding(
        &d,
        "firewalls[0]",
        Some(at(&text, "name: azure-fw")),
        "missing field `owner`: add `owner:` to this element",
    );

    let text = BASE.replacen("version: 1\n", "", 1);
    let d = only(&text);
    // Located at the start of the document.
    assert_finding(
        &d,
        "version",
        Some(Location { line: 1, column: 1 }),
        "missing `version`: add `version: 1`",
    );
}

#[test]
fn version_must_be_one() {
    let text = edit(&[("version: 1", "version: 2")]);
    let d = only(&text);
    assert_eq!(
        d.problem,
        Problem::UnsupportedVersion {
            found: 2,
            supported: 1
        }
    );
    assert_finding(
        &d,
        "version",
        Some(Location {
            line: 1,
            column: 10,
        }),
        "format version 2 is not supported: this tool reads version 1; set `version: 1`",
    );

    let text = edit(&[("version: 1", "version: \"1\"")]);
    let d = only(&text);
    assert!(matches!(d.problem, Problem::Shape { .. }), "{d}");
    assert_eq!(
        d.problem.to_string(),
        "`version` must be the number 1, found text"
    );
}

// ---------------------------------------------------------------------------------------------
// Duplicates

#[test]
fn duplicate_firewalls() {
    let text = edit(&[(
        "project_sets:\n",
        "  - name: zone-b-fw\n    kind: zone\n    owner: x\n    channel: cloud-req\nproject_sets:\n",
    )]);
    let d = only(&text);
    assert_finding(
        &d,
        "firewalls[3].name",
        Some(value_of_nth(&text, "name: zone-b-fw", 1)),
        "duplicate firewall `zone-b-fw`: first defined at firewalls[2].name; give each firewall its own name",
    );
}

#[test]
fn zones_objects_endpoints_and_external_networks_share_a_namespace() {
    let text = edit(&[
        ("    name: DB_HOST\n", "    name: db\n"),
        ("destinations: [DB_HOST]", "destinations: [db]"),
    ]);
    let d = only(&text);
    assert_finding(
        &d,
        "objects[0].name",
        Some(value_of(&text, "name: db\n    address")),
        "duplicate zone, endpoint, object or external network `db`: first defined at on_prem.zones[0].endpoints[0].name; \
         give each zone, endpoint, object or external network its own name",
    );

    let text = edit(&[(
        "objects:\n",
        "external_networks:\n  - name: DB_HOST\n    prefixes: [10.200.0.0/24]\n    attached_to: azure-fw\nobjects:\n",
    )]);
    let d = only(&text);
    assert_eq!(d.path.to_string(), "external_networks[0].name");
    assert!(
        matches!(&d.problem, Problem::Duplicate { name, first, .. } if name == "DB_HOST" && first.to_string() == "objects[0].name"),
        "{d}"
    );
}

#[test]
fn duplicate_rule_names_within_one_firewall_only() {
    let rule2 = "        action: allow\n      - name: R1\n        sources: [any]\n        destinations: [any]\n        services: [any]\n        action: deny\n";
    let text = edit(&[("        action: allow\n", rule2)]);
    let d = only(&text);
    assert_finding(
        &d,
        "firewalls[0].rules[1].name",
        Some(value_of_nth(&text, "name: R1", 1)),
        "duplicate rule `R1`: first defined at firewalls[0].rules[0].name; give each rule its own name",
    );

    // The same rule name on two firewalls is fine: each firewall has its own rulebase.
    let other = "    owner: On-prem network security\n    channel: cloud-req\n    rules:\n      - name: R1\n        sources: [any]\n        destinations: [any]\n        services: [any]\n        action: allow\n  - name: zone-b-fw\n";
    let text = edit(&[(
        "    owner: On-prem network security\n    channel: cloud-req\n  - name: zone-b-fw\n",
        other,
    )]);
    assert_eq!(diagnostics(&text, Format::Yaml), []);
}

#[test]
fn duplicate_flows_services_zones_channels_plates_and_links() {
    let text = format!(
        "{BASE}  - name: to-db\n    source: abc123-prod\n    destination: DB_HOST\n    services: [tcp/22]\n"
    );
    let d = only(&text);
    assert_finding(
        &d,
        "flows[1].name",
        Some(value_of_nth(&text, "name: to-db", 1)),
        "duplicate flow `to-db`: first defined at flows[0].name; give each flow its own name",
    );

    let text = edit(&[(
        "services:\n  - name: oracle\n",
        "services:\n  - name: oracle\n    services: [tcp/1]\n  - name: oracle\n",
    )]);
    let d = only(&text);
    assert_eq!(d.path.to_string(), "services[1].name");
    assert!(
        matches!(&d.problem, Problem::Duplicate { what, .. } if what == "service"),
        "{d}"
    );

    let text = edit(&[(
        "channels:\n",
        "channels:\n  - name: cloud-req\n    title: t\n    filed_by: a\n    handled_by: b\n",
    )]);
    let d = only(&text);
    assert_eq!(d.path.to_string(), "channels[1].name");
    assert!(
        matches!(&d.problem, Problem::Duplicate { what, first, .. } if what == "channel" && first.to_string() == "channels[0].name"),
        "{d}"
    );

    let text = edit(&[(
        "on_prem:\n",
        "  - license_plate: abc123\n    ministry: HLTH\n    platform: aws-lza\n    environments:\n      dev:\n        account: \"1\"\n        region: r\n        address_space: [10.50.0.0/24]\non_prem:\n",
    )]);
    let d = only(&text);
    assert_eq!(d.path.to_string(), "project_sets[1].license_plate");
    assert!(
        matches!(&d.problem, Problem::Duplicate { what, .. } if what == "Project Set"),
        "{d}"
    );

    let text = edit(&[(
        "objects:\n",
        "    - name: zone-b\n      firewall: zone-b-fw\n      networks: [142.34.11.0/24]\nobjects:\n",
    )]);
    let d = only(&text);
    assert_eq!(d.path.to_string(), "on_prem.zones[1].name");
    assert!(
        matches!(&d.problem, Problem::Duplicate { what, .. } if what == "zone, endpoint, object or external network"),
        "{d}"
    );
}

#[test]
fn hybrid_and_private_links_share_a_namespace() {
    let links = "hybrid_links:\n  - name: link-1\n    kind: express-route\n    redundancy: primary\n    encryption: ipsec\n  - name: link-1\n    kind: express-route\n    redundancy: secondary\n    encryption: ipsec\nobjects:\n";
    let text = edit(&[("objects:\n", links)]);
    let d = only(&text);
    assert_finding(
        &d,
        "hybrid_links[1].name",
        Some(value_of_nth(&text, "name: link-1", 1)),
        "duplicate link `link-1`: first defined at hybrid_links[0].name; give each link its own name",
    );
}

#[test]
fn more_hybrid_links_than_the_model_follows_is_one_finding_at_the_first_past_the_limit() {
    let n = mccs_model::MAX_HYBRID_LINKS;
    let mut links = String::from("hybrid_links:\n");
    for i in 0..=n {
        links.push_str(&format!(
            "  - name: link-{i}\n    kind: express-route\n    redundancy: secondary\n    encryption: ipsec\n"
        ));
    }
    links.push_str("objects:\n");
    let text = edit(&[("objects:\n", &links)]);
    let d = only(&text);
    assert_finding(
        &d,
        &format!("hybrid_links[{n}]"),
        Some(at(&text, &format!("name: link-{n}\n"))),
        &format!(
            "{} hybrid links, more than the {n} the model follows: each link routes to every on-prem and every Project Set network of its platform; describe the links a flow can take (a primary and a secondary per platform and 3PG cluster), not every circuit",
            n + 1
        ),
    );
    // At the limit, no finding.
    let at_limit = links.replacen(&format!("  - name: link-{n}\n    kind: express-route\n    redundancy: secondary\n    encryption: ipsec\n"), "", 1);
    assert!(diagnostics(&edit(&[("objects:\n", &at_limit)]), Format::Yaml).is_empty());
}

// ---------------------------------------------------------------------------------------------
// References

#[test]
fn unknown_object_in_a_rule() {
    let text = edit(&[("destinations: [DB_HOST]", "destinations: [DB_HOTS]")]);
    let d = only(&text);
    assert_finding(
        &d,
        "firewalls[0].rules[0].destinations[0]",
        Some(at(&text, "DB_HOTS")),
        "unknown object `DB_HOTS`: define it under `objects` or write the CIDR",
    );
}

#[test]
fn unknown_services() {
    let text = edit(&[(
        "        services: [oracle]\n",
        "        services: [tcp/22, orcale]\n",
    )]);
    let d = only(&text);
    assert_finding(
        &d,
        "firewalls[0].rules[0].services[1]",
        Some(at(&text, "orcale")),
        "unknown service `orcale`: define it under `services` or write it out, e.g. `tcp/1521`",
    );

    let text = edit(&[(
        "db\n    services: [oracle]\n",
        "db\n    services: [oracel]\n",
    )]);
    let d = only(&text);
    assert_eq!(d.path.to_string(), "flows[0].services[0]");
    assert_eq!(d.location, Some(at(&text, "oracel")));
}

#[test]
fn unknown_channel() {
    let text = edit(&[(
        "  - name: 3pg\n    kind: edge\n    owner: On-prem network security\n    channel: cloud-req\n",
        "  - name: 3pg\n    kind: edge\n    owner: On-prem network security\n    channel: stms\n",
    )]);
    let d = only(&text);
    assert_finding(
        &d,
        "firewalls[1].channel",
        Some(value_of(&text, "channel: stms")),
        "unknown channel `stms`: define it under `channels`",
    );
}

#[test]
fn unknown_firewalls() {
    let text = edit(&[("      firewall: zone-b-fw\n", "      firewall: zone-x-fw\n")]);
    let d = only(&text);
    assert_finding(
        &d,
        "on_prem.zones[0].firewall",
        Some(value_of(&text, "firewall: zone-x-fw")),
        "unknown firewall `zone-x-fw`: define it under `firewalls` with `kind: zone`",
    );

    let text = edit(&[("  edge_firewall: 3pg\n", "  edge_firewall: 4pg\n")]);
    let d = only(&text);
    assert_eq!(d.path.to_string(), "on_prem.edge_firewall");
    assert_eq!(
        d.problem.to_string(),
        "unknown firewall `4pg`: define it under `firewalls` with `kind: edge`"
    );

    let text = edit(&[(
        "        address_space: [10.46.8.0/24]\n",
        "        address_space: [10.46.8.0/24]\n        security_groups: [app-sg]\n",
    )]);
    let d = only(&text);
    assert_eq!(
        d.path.to_string(),
        "project_sets[0].environments.prod.security_groups[0]"
    );
    assert_eq!(d.location, Some(at(&text, "app-sg")));
    assert_eq!(
        d.problem.to_string(),
        "unknown firewall `app-sg`: define it under `firewalls` with `kind: security-group`"
    );
}

#[test]
fn unknown_flow_ends() {
    let text = edit(&[("destination: db", "destination: dbb")]);
    let d = only(&text);
    assert_finding(
        &d,
        "flows[0].destination",
        Some(value_of(&text, "destination: dbb")),
        "unknown flow end `dbb`: name a Project Set environment (`abc123-prod`), a zone, an endpoint, an object or an external network, or write a CIDR",
    );

    let text = edit(&[("source: abc123-prod", "source: abc123-dev")]);
    let d = only(&text);
    assert_finding(
        &d,
        "flows[0].source",
        Some(value_of(&text, "source: abc123-dev")),
        "unknown environment `abc123-dev`: Project Set `abc123` has prod",
    );

    let text = edit(&[("source: abc123-prod", "source: zzz999-prod")]);
    let d = only(&text);
    assert_finding(
        &d,
        "flows[0].source",
        Some(value_of(&text, "source: zzz999-prod")),
        "unknown Project Set `zzz999`: define it under `project_sets`",
    );
}

/// A document with a PrivateLink: an AWS Project Set, its consumers, the provider network and
/// the security group and firewall of the connectivity account.
const PRIVATE_LINK: &str = "\
version: 1
channels:
  - {name: c, title: t, filed_by: a, handled_by: b}
firewalls:
  - {name: sg, kind: security-group, platform: aws-lza, owner: o, channel: c}
  - {name: x-fw, kind: other, owner: o, channel: c}
project_sets:
  - license_plate: api001
    ministry: DNB
    platform: aws-lza
    environments:
      prod: {account: '3', region: eu-north-1, address_space: [10.60.3.0/24]}
  - license_plate: abc123
    ministry: CITZ
    platform: azure-alz
    environments:
      prod: {account: s, region: canadacentral, address_space: [10.46.8.0/24]}
external_networks:
  - {name: azure-platform, prefixes: [10.200.0.0/24], attached_to: x-fw}
private_links:
  - name: pl
    platform: aws-lza
    connectivity_account: '4'
    consumers: [api001-prod]
    provider: azure-platform
    security_group: sg
    firewall: x-fw
    regions:
      - region: eu-north-1
        role: primary
        endpoint_service_ips: [10.250.0.10]
        endpoint_ips: [10.250.0.20]
";

fn pl_edit(old: &str, new: &str) -> String {
    assert_eq!(PRIVATE_LINK.matches(old).count(), 1, "{old}");
    PRIVATE_LINK.replacen(old, new, 1)
}

#[test]
fn private_link_references() {
    assert_eq!(diagnostics(PRIVATE_LINK, Format::Yaml), []);

    let text = pl_edit(
        "consumers: [api001-prod]",
        "consumers: [api001-prod, api002-prod, api001-dev]",
    );
    let found = diagnostics(&text, Format::Yaml);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_finding(
        &found[0],
        "private_links[0].consumers[1]",
        Some(at(&text, "api002-prod")),
        "unknown Project Set `api002`: define it under `project_sets`",
    );
    assert_finding(
        &found[1],
        "private_links[0].consumers[2]",
        Some(at(&text, "api001-dev")),
        "unknown environment `api001-dev`: Project Set `api001` has prod",
    );

    let text = pl_edit("provider: azure-platform", "provider: azure");
    let d = only(&text);
    assert_eq!(d.path.to_string(), "private_links[0].provider");
    assert_eq!(
        d.problem.to_string(),
        "unknown external network `azure`: define it under `external_networks`"
    );

    let text = pl_edit("firewall: x-fw", "firewall: y-fw");
    let d = only(&text);
    assert_eq!(d.path.to_string(), "private_links[0].firewall");
    assert_eq!(
        d.problem.to_string(),
        "unknown firewall `y-fw`: define it under `firewalls`"
    );

    let text = pl_edit("attached_to: x-fw", "attached_to: z-fw");
    let d = only(&text);
    assert_eq!(d.path.to_string(), "external_networks[0].attached_to");
}

#[test]
fn unknown_group_member() {
    let text = with_objects(
        "objects:\n  - {kind: network, name: db-net, address: 142.34.10.0/24}\n  - kind: group\n    name: G\n    members: [db-net, NOPE]\n",
    );
    let d = only(&text);
    assert_finding(
        &d,
        "objects[1].members[1]",
        Some(at(&text, "NOPE")),
        "unknown object `NOPE`: define it under `objects`",
    );
}

#[test]
fn wrong_kind_of_firewall() {
    let text = edit(&[("      firewall: zone-b-fw\n", "      firewall: 3pg\n")]);
    let d = only(&text);
    assert_eq!(
        d.problem,
        Problem::WrongKind {
            name: "3pg".into(),
            found: "edge firewall".into(),
            expected: "zone firewall".into()
        }
    );
    assert_finding(
        &d,
        "on_prem.zones[0].firewall",
        Some(value_of(&text, "      firewall: 3pg")),
        "`3pg` is an edge firewall, but a zone firewall is needed here",
    );

    let text = edit(&[("  edge_firewall: 3pg\n", "  edge_firewall: zone-b-fw\n")]);
    let d = only(&text);
    assert_eq!(d.path.to_string(), "on_prem.edge_firewall");
    assert_eq!(
        d.problem.to_string(),
        "`zone-b-fw` is a zone firewall, but an edge firewall is needed here"
    );

    let text = pl_edit("security_group: sg", "security_group: x-fw");
    let d = only(&text);
    assert_eq!(d.path.to_string(), "private_links[0].security_group");
    assert_eq!(
        d.problem.to_string(),
        "`x-fw` is an other firewall, but a security-group firewall is needed here"
    );
}

// ---------------------------------------------------------------------------------------------
// Addresses

#[test]
fn host_bits_everywhere() {
    let text = edit(&[("networks: [142.34.10.0/24]", "networks: [142.34.10.1/24]")]);
    let d = only(&text);
    assert_finding(
        &d,
        "on_prem.zones[0].networks[0]",
        Some(at(&text, "142.34.10.1/24")),
        "`142.34.10.1/24` has host bits set: write the network address `142.34.10.0/24`",
    );

    let text = edit(&[("sources: [10.46.8.0/24]", "sources: [10.46.8.7/24]")]);
    let d = only(&text);
    assert_eq!(d.path.to_string(), "firewalls[0].rules[0].sources[0]");
    assert!(matches!(d.problem, Problem::HostBits { .. }), "{d}");

    let text = edit(&[("source: abc123-prod", "source: 10.46.8.7/24")]);
    let d = only(&text);
    assert_eq!(d.path.to_string(), "flows[0].source");
    assert_eq!(d.location, Some(value_of(&text, "source: 10.46.8.7/24")));

    let text = edit(&[(
        "    address: 142.34.10.25\nservices",
        "    address: 142.34.10.25\n  - kind: network\n    name: N\n    address: 10.9.9.9/16\nservices",
    )]);
    let d = only(&text);
    assert_eq!(d.path.to_string(), "objects[1].address");
    assert_eq!(
        d.problem.to_string(),
        "`10.9.9.9/16` has host bits set: write the network address `10.9.0.0/16`"
    );

    let text = pl_edit("prefixes: [10.200.0.0/24]", "prefixes: [10.200.0.1/24]");
    let d = only(&text);
    assert_eq!(d.path.to_string(), "external_networks[0].prefixes[0]");
    assert_eq!(d.location, Some(at(&text, "10.200.0.1/24")));
}

#[test]
fn overlap_between_two_project_sets() {
    let second = "  - license_plate: def456\n    ministry: HLTH\n    platform: aws-lza\n    environments:\n      prod:\n        account: \"1\"\n        region: ca-central-1\n        address_space: [10.40.0.0/24, 10.46.8.128/25]\non_prem:\n";
    let text = edit(&[("on_prem:\n", second)]);
    let d = only(&text);
    assert!(
        matches!(&d.problem, Problem::Overlap { cidr, other, other_cidr }
            if cidr == "10.46.8.128/25" && other.to_string() == "project_sets[0].environments.prod" && other_cidr == "10.46.8.0/24"),
        "{d}"
    );
    assert_finding(
        &d,
        "project_sets[1].environments.prod.address_space[1]",
        Some(at(&text, "10.46.8.128/25")),
        "address space 10.46.8.128/25 overlaps 10.46.8.0/24 of `project_sets[0].environments.prod`; give each network its own range",
    );
}

#[test]
fn overlap_between_an_environment_and_a_zone() {
    let text = edit(&[(
        "networks: [142.34.10.0/24]",
        "networks: [142.34.10.0/24, 10.46.0.0/16]",
    )]);
    let found = diagnostics(&text, Format::Yaml);
    assert_eq!(found.len(), 1, "{found:#?}");
    // Reported on the narrower of the two (the one whose range starts later, or at the same
    // start, the longer prefix), naming the other network.
    assert_finding(
        &found[0],
        "project_sets[0].environments.prod.address_space[0]",
        Some(at(&text, "address_space")).map(|l| Location {
            column: l.column + "address_space: [".len(),
            ..l
        }),
        "address space 10.46.8.0/24 overlaps 10.46.0.0/16 of `on_prem.zones[0]`; give each network its own range",
    );
}

#[test]
fn unknown_ministry() {
    let text = edit(&[("ministries: [CITZ, HLTH]", "ministries: [HLTH, EMLI]")]);
    let d = only(&text);
    assert_finding(
        &d,
        "project_sets[0].ministry",
        Some(value_of(&text, "ministry: CITZ")),
        "ministry `CITZ` is not in `ministries` (HLTH, EMLI); add it there or fix the spelling",
    );
    // Without a `ministries` list any well-formed ministry goes.
    let text = edit(&[("ministries: [CITZ, HLTH]\n", "")]);
    assert_eq!(diagnostics(&text, Format::Yaml), []);
}

#[test]
fn zone_without_firewall() {
    let text = edit(&[("      firewall: zone-b-fw\n", "")]);
    let d = only(&text);
    assert_eq!(
        d.problem,
        Problem::ZoneWithoutFirewall {
            zone: "zone-b".into()
        }
    );
    assert_finding(
        &d,
        "on_prem.zones[0]",
        Some(at(&text, "name: zone-b\n")),
        "zone `zone-b` has no firewall: set `firewall` to the zone firewall's name",
    );
}

#[test]
fn endpoint_outside_its_zone() {
    let text = edit(&[(
        "          address: 142.34.10.25\n",
        "          address: 142.34.11.25\n",
    )]);
    let d = only(&text);
    assert_finding(
        &d,
        "on_prem.zones[0].endpoints[0].address",
        Some(value_of(&text, "address: 142.34.11.25")),
        "endpoint `db` (142.34.11.25) is outside zone `zone-b` (142.34.10.0/24); fix the address or move it to its zone",
    );
}

#[test]
fn endpoint_object_is_referenced_when_it_holds_exactly_the_address() {
    let text = edit(&[(
        "          address: 142.34.10.25
",
        "          address: 142.34.10.25
          object: DB_HOST
",
    )]);
    assert_eq!(diagnostics(&text, Format::Yaml), []);
    let t = check(&text, Format::Yaml, &ValidateOptions::default()).topology;
    let (_, e) = t.endpoint("db").unwrap();
    assert_eq!(e.object.as_ref().map(|o| o.as_str()), Some("DB_HOST"));
}

#[test]
fn endpoint_object_must_exist() {
    let text = edit(&[(
        "          address: 142.34.10.25
",
        "          address: 142.34.10.25
          object: DB_HOTS
",
    )]);
    let d = only(&text);
    assert_finding(
        &d,
        "on_prem.zones[0].endpoints[0].object",
        Some(value_of(&text, "object: DB_HOTS")),
        "unknown object `DB_HOTS`: define it under `objects`, or drop the endpoint's `object` to have requests create one",
    );
}

#[test]
fn endpoint_object_must_hold_just_the_endpoint_address() {
    let text = edit(&[
        (
            "          address: 142.34.10.25
",
            "          address: 142.34.10.25
          object: ZONE_B
",
        ),
        (
            "objects:\n",
            "objects:\n  - kind: network\n    name: ZONE_B\n    address: 142.34.10.0/24\n",
        ),
    ]);
    let d = only(&text);
    assert_finding(
        &d,
        "on_prem.zones[0].endpoints[0].object",
        Some(value_of(&text, "object: ZONE_B")),
        "endpoint `db` (142.34.10.25) names object `ZONE_B`, which holds 142.34.10.0/24, not just the endpoint's address; name a host object of 142.34.10.25 (a wider object would let rules allow more than the flow asks for), or drop `object`",
    );
}

// ---------------------------------------------------------------------------------------------
// Groups, expiry, emptiness, consistency

fn with_objects(objects: &str) -> String {
    edit(&[(
        "objects:\n  - kind: host\n    name: DB_HOST\n    address: 142.34.10.25\n",
        objects,
    )])
    .replace("destinations: [DB_HOST]", "destinations: [db-net]")
}

#[test]
fn group_cycles() {
    let text = with_objects(
        "objects:\n  - {kind: network, name: db-net, address: 142.34.10.0/24}\n  - kind: group\n    name: A\n    members: [B]\n  - kind: group\n    name: B\n    members: [db-net, A]\n",
    );
    let d = only(&text);
    assert_eq!(
        d.problem,
        Problem::GroupCycle {
            cycle: "A -> B -> A".into()
        }
    );
    assert_finding(
        &d,
        "objects[2].members[1]",
        Some(at(&text, "A]")),
        "object group cycle: A -> B -> A; remove one membership to break it",
    );

    let text = with_objects(
        "objects:\n  - {kind: network, name: db-net, address: 142.34.10.0/24}\n  - {kind: group, name: SELF, members: [SELF]}\n",
    );
    let d = only(&text);
    assert_eq!(
        d.problem,
        Problem::GroupCycle {
            cycle: "SELF -> SELF".into()
        }
    );
    assert_eq!(d.path.to_string(), "objects[1].members[0]");
    assert_eq!(d.location, Some(at(&text, "SELF]")));

    // A diamond (two paths to one group) is not a cycle.
    let text = with_objects(
        "objects:\n  - {kind: network, name: db-net, address: 142.34.10.0/24}\n  - {kind: group, name: L, members: [db-net]}\n  - {kind: group, name: M, members: [L]}\n  - {kind: group, name: N, members: [L, M]}\n",
    );
    assert_eq!(diagnostics(&text, Format::Yaml), []);
}

#[test]
fn expired_flow_is_a_warning_only_with_today() {
    let text = edit(&[(
        "    destination: db\n",
        "    destination: db\n    expires: 2024-01-31\n",
    )]);
    assert_eq!(
        diagnostics(&text, Format::Yaml),
        [],
        "no clock, no expiry check"
    );
    let checked = check(
        &text,
        Format::Yaml,
        &ValidateOptions::default().with_today("2024-02-01".parse().unwrap()),
    );
    assert_eq!(checked.diagnostics.len(), 1, "{:#?}", checked.diagnostics);
    let d = &checked.diagnostics[0];
    assert_eq!(d.severity, Severity::Warning);
    assert_finding(
        d,
        "flows[0].expires",
        Some(value_of(&text, "expires: 2024-01-31")),
        "flow `to-db` expired on 2024-01-31; extend `expires` if it is still needed, or remove the flow and its rules",
    );
    // The expiry date is the last day the flow is needed.
    let checked = check(
        &text,
        Format::Yaml,
        &ValidateOptions::default().with_today("2024-01-31".parse().unwrap()),
    );
    assert_eq!(checked.diagnostics, []);
}

#[test]
fn expired_rule_is_a_warning_only_with_today() {
    let text = edit(&[(
        "        action: allow\n",
        "        action: allow\n        expires: 2024-01-31\n",
    )]);
    assert_eq!(
        diagnostics(&text, Format::Yaml),
        [],
        "no clock, no expiry check"
    );

    let today: Date = "2024-02-01".parse().unwrap();
    let checked = check(
        &text,
        Format::Yaml,
        &ValidateOptions::default().with_today(today),
    );
    assert_eq!(checked.diagnostics.len(), 1, "{:#?}", checked.diagnostics);
    let d = &checked.diagnostics[0];
    assert_eq!(d.severity, Severity::Warning);
    assert!(!checked.has_errors());
    assert_finding(
        d,
        "firewalls[0].rules[0].expires",
        Some(value_of(&text, "expires")),
        "rule `R1` expired on 2024-01-31; renew it with a new ticket or remove it",
    );
    assert!(d.to_string().starts_with("warning: "), "{d}");

    // The expiry date is the last day in force.
    let last_day: Date = "2024-01-31".parse().unwrap();
    let checked = check(
        &text,
        Format::Yaml,
        &ValidateOptions::default().with_today(last_day),
    );
    assert_eq!(checked.diagnostics, []);
}

#[test]
fn empty_lists() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "address_space: [10.46.8.0/24]",
            "address_space: []",
            "project_sets[0].environments.prod.address_space",
            "`address_space` is empty: give the VNet its CIDR, e.g. `10.46.8.0/24`",
        ),
        (
            "sources: [10.46.8.0/24]",
            "sources: []",
            "firewalls[0].rules[0].sources",
            "`sources` is empty: write `any` to match every address",
        ),
        (
            "        services: [oracle]\n",
            "        services: []\n",
            "firewalls[0].rules[0].services",
            "`services` is empty: write `any` to match every service",
        ),
        (
            "    services: [tcp/1521]\n",
            "    services: []\n",
            "services[0].services",
            "`services` is empty: list what the service carries, e.g. `tcp/1521`",
        ),
        (
            "    destination: db\n    services: [oracle]\n",
            "    destination: db\n    services: []\n",
            "flows[0].services",
            "`services` is empty: list the destination services, e.g. `tcp/1521`",
        ),
        (
            "networks: [142.34.10.0/24]",
            "networks: []",
            "on_prem.zones[0].networks",
            "`networks` is empty: list the zone's CIDRs",
        ),
    ];
    for (old, new, path, message) in cases {
        let text = edit(&[(old, new)]);
        let found = diagnostics(&text, Format::Yaml);
        let empty: Vec<_> = found
            .iter()
            .filter(|d| matches!(d.problem, Problem::Empty { .. }))
            .collect();
        assert_eq!(empty.len(), 1, "{new}: {found:#?}");
        assert_eq!(empty[0].path.to_string(), *path);
        assert_eq!(empty[0].problem.to_string(), *message);
    }

    let text = edit(&[
        (
            "      prod:\n        account: sub-1\n        region: canadacentral\n        address_space: [10.46.8.0/24]\n",
            "      {}\n",
        ),
        ("source: abc123-prod", "source: 10.46.8.0/24"),
    ]);
    let d = only(&text);
    assert_finding(
        &d,
        "project_sets[0].environments",
        Some(at(&text, "environments")),
        "`environments` is empty: list at least one environment (dev, test, prod, tools) with its VPC/VNet",
    );

    let text = pl_edit("consumers: [api001-prod]", "consumers: []");
    let d = only(&text);
    assert_eq!(d.path.to_string(), "private_links[0].consumers");
    assert!(matches!(d.problem, Problem::Empty { .. }), "{d}");

    let text = pl_edit("endpoint_ips: [10.250.0.20]", "endpoint_ips: []");
    let d = only(&text);
    assert_eq!(d.path.to_string(), "private_links[0].regions[0]");
    assert_eq!(
        d.location,
        Some(at(&text, "- region: eu-north-1")).map(|l| Location {
            column: l.column + 2,
            ..l
        })
    );

    let text = with_objects(
        "objects:\n  - {kind: network, name: db-net, address: 142.34.10.0/24}\n  - {kind: group, name: G, members: []}\n",
    );
    let d = only(&text);
    assert_eq!(d.path.to_string(), "objects[1].members");
    assert_eq!(
        d.problem.to_string(),
        "`members` is empty: list the group's member objects"
    );
}

#[test]
fn inconsistent_combinations() {
    let text = edit(&[("    platform: azure-alz\n    owner", "    owner")]);
    let d = only(&text);
    assert!(matches!(d.problem, Problem::Inconsistent { .. }), "{d}");
    assert_finding(
        &d,
        "firewalls[0].platform",
        Some(at(&text, "name: azure-fw")),
        "cloud firewall `azure-fw` has no `platform`: set `aws-lza` or `azure-alz`",
    );

    let text = edit(&[(
        "project_sets:\n",
        "  - {name: azure-fw-2, kind: cloud, platform: azure-alz, owner: o, channel: cloud-req}\nproject_sets:\n",
    )]);
    let d = only(&text);
    assert_finding(
        &d,
        "firewalls[3].platform",
        Some(value_of(&text, "platform: azure-alz, owner")),
        "platform azure-alz already has cloud firewall `azure-fw`; a platform has one central cloud firewall",
    );

    let links = "hybrid_links:\n  - {name: dx, kind: direct-connect, redundancy: primary, encryption: ipsec}\nobjects:\n";
    let text = edit(&[("objects:\n", links)]);
    let d = only(&text);
    assert_finding(
        &d,
        "hybrid_links[0].kind",
        Some(value_of(&text, "kind: direct-connect")),
        "DirectConnect link `dx` needs a cloud firewall on aws-lza: add a firewall with `kind: cloud` and `platform: aws-lza`",
    );

    let text = pl_edit(
        "external_networks:\n",
        "hybrid_links:\n  - {name: er, kind: express-route, redundancy: primary, encryption: macsec}\nexternal_networks:\n",
    );
    let found = diagnostics(&text, Format::Yaml);
    assert_eq!(found.len(), 2, "{found:#?}");
    // Document order: the element's start comes before its `kind` field.
    assert_eq!(found[0].path.to_string(), "hybrid_links[0]");
    assert_eq!(found[1].path.to_string(), "hybrid_links[0].kind");
    assert_eq!(
        found[0].problem.to_string(),
        "hybrid link `er` needs an `on_prem` section with its edge firewall (the 3PG)"
    );

    let text = pl_edit(
        "consumers: [api001-prod]",
        "consumers: [api001-prod, abc123-prod]",
    );
    let d = only(&text);
    assert_finding(
        &d,
        "private_links[0].consumers[1]",
        Some(at(&text, "abc123-prod]")),
        "`abc123-prod` is on azure-alz, but PrivateLink `pl` is in a aws-lza connectivity account; consumers must be on the same platform",
    );

    let text = pl_edit("role: primary", "role: dr");
    let d = only(&text);
    assert_eq!(d.path.to_string(), "private_links[0].regions");
    assert_eq!(
        d.problem.to_string(),
        "PrivateLink `pl` has 0 primary regions: give it exactly one `role: primary` (and optionally `role: dr`)"
    );
}

// ---------------------------------------------------------------------------------------------
// All at once, no cascades, hostile input

#[test]
fn every_problem_is_reported_at_once() {
    let text = edit(&[
        ("ministry: CITZ", "ministry: citz"),                   // shape
        ("destinations: [DB_HOST]", "destinations: [DB_HOTS]"), // unknown object
        ("networks: [142.34.10.0/24]", "networks: [142.34.10.1/24]"), // host bits
        (
            "          address: 142.34.10.25\n",
            "          address: 142.34.99.25\n",
        ), // outside its zone
        ("version: 1\n", "version: 3\n"),                       // unsupported version
    ]);
    let found = diagnostics(&text, Format::Yaml);
    let mut summary: Vec<(String, &str)> = found
        .iter()
        .map(|d| {
            let kind = match d.problem {
                Problem::Shape { .. } => "shape",
                Problem::UnknownReference { .. } => "unknown",
                Problem::HostBits { .. } => "host-bits",
                Problem::EndpointOutsideZone { .. } => "outside-zone",
                Problem::UnsupportedVersion { .. } => "version",
                _ => "other",
            };
            (d.path.to_string(), kind)
        })
        .collect();
    summary.sort();
    assert_eq!(
        summary,
        [
            (
                "firewalls[0].rules[0].destinations[0]".to_owned(),
                "unknown"
            ),
            (
                "on_prem.zones[0].endpoints[0].address".to_owned(),
                "outside-zone"
            ),
            ("on_prem.zones[0].networks[0]".to_owned(), "host-bits"),
            ("project_sets[0].ministry".to_owned(), "shape"),
            ("version".to_owned(), "version"),
        ],
        "{found:#?}"
    );
    assert!(found.iter().all(|d| d.location.is_some()), "{found:#?}");
}

#[test]
fn malformed_elements_do_not_cascade() {
    // A malformed object is reported once, not again where the rule and flow name it, at the
    // field that is wrong (objects are told apart by `kind`, and serde reads such values whole:
    // the reader checks their address first).
    let text = edit(&[
        (
            "    address: 142.34.10.25\nservices",
            "    address: 142.34.10.999\nservices",
        ),
        ("destination: db", "destination: DB_HOST"),
    ]);
    let d = only(&text);
    assert_finding(
        &d,
        "objects[0].address",
        Some(at(&text, "142.34.10.999")),
        "`142.34.10.999`: part 999 is larger than 255: write four numbers from 0 to 255 separated by dots, e.g. `10.46.8.5`",
    );

    // A malformed service, channel, firewall, Project Set.
    let text = edit(&[("services: [tcp/1521]", "services: [tcp/99999]")]);
    assert_eq!(only(&text).path.to_string(), "services[0].services[0]");
    let text = edit(&[("    filed_by: Project team\n", "")]);
    assert_eq!(only(&text).path.to_string(), "channels[0]");
    let text = edit(&[("    kind: zone\n", "    kind: zonal\n")]);
    assert_eq!(only(&text).path.to_string(), "firewalls[2].kind");
    let text = edit(&[(
        "    platform: azure-alz\n    environments",
        "    platform: gcp\n    environments",
    )]);
    assert_eq!(only(&text).path.to_string(), "project_sets[0].platform");

    // A malformed environment: the flow from it is not reported as unknown.
    let text = edit(&[("        region: canadacentral\n", "")]);
    let d = only(&text);
    assert_finding(
        &d,
        "project_sets[0].environments.prod",
        Some(at(&text, "prod:")),
        "missing field `region`: add `region:` to this element",
    );

    // A malformed zone: its endpoints' names are not reported as unknown where flows use them.
    let text = edit(&[(
        "      networks: [142.34.10.0/24]\n",
        "      networks: [142.34.10.0/24]\n      owner: me\n",
    )]);
    let d = only(&text);
    assert_eq!(d.path.to_string(), "on_prem.zones[0].owner");

    // A malformed endpoint.
    let text = edit(&[(
        "          address: 142.34.10.25\n",
        "          address: somewhere\n",
    )]);
    let d = only(&text);
    assert_eq!(d.path.to_string(), "on_prem.zones[0].endpoints[0].address");

    // A malformed `on_prem`: nothing under it is reported as unknown either.
    let text = edit(&[(
        "  edge_firewall: 3pg\n",
        "  edge_firewall: 3pg\n  site: Kamloops\n",
    )]);
    let d = only(&text);
    assert_eq!(d.path.to_string(), "on_prem.site");
}

#[test]
fn not_a_mapping_is_a_clear_error() {
    for (text, found) in [
        ("", "nothing"),
        ("[]", "a list"),
        ("hello", "text"),
        ("42", "a number"),
        ("~", "nothing"),
    ] {
        let checked = check(text, Format::Yaml, &ValidateOptions::default());
        assert_eq!(
            checked.diagnostics.len(),
            1,
            "{text:?}: {:#?}",
            checked.diagnostics
        );
        let d = &checked.diagnostics[0];
        assert!(matches!(d.problem, Problem::Shape { .. }), "{d}");
        assert_eq!(d.path.to_string(), "(document)");
        assert_eq!(
            d.problem.to_string(),
            format!("expected a mapping with `version` and the topology's sections, found {found}")
        );
        assert_eq!(checked.topology, mccs_model::Topology::new());
    }
    let d = &diagnostics("", Format::Json)[0];
    assert!(matches!(d.problem, Problem::Syntax { .. }), "{d}");
    assert_eq!(d.location, Some(Location { line: 1, column: 1 }));
    let d = &diagnostics("[]", Format::Json)[0];
    assert_eq!(
        d.problem.to_string(),
        "expected a mapping with `version` and the topology's sections, found a list"
    );
    // An empty TOML file is an empty table: only `version` is missing.
    let found = diagnostics("", Format::Toml);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path.to_string(), "version");
}

// ---------------------------------------------------------------------------------------------
// JSON and TOML documents get the same paths

#[test]
fn json_findings_have_paths_and_locations() {
    let text = "{\n  \"version\": 1,\n  \"project_sets\": [\n    {\n      \"license_plate\": \"abc1234\",\n      \"ministry\": \"CITZ\",\n      \"platform\": \"azure-alz\",\n      \"environments\": {}\n    }\n  ]\n}\n";
    let d = &diagnostics(text, Format::Json)[0];
    assert_eq!(d.path.to_string(), "project_sets[0].license_plate");
    assert_eq!(d.location, Some(value_of(text, "\"license_plate\"")));
}

#[test]
fn toml_findings_have_paths() {
    let text = "version = 1\n\n[[project_sets]]\nlicense_plate = \"abc123\"\nministry = \"CITZ\"\nplatform = \"azure-alz\"\n\n[project_sets.environments.prod]\naccount = \"s\"\nregion = \"r\"\naddress_space = [\"10.0.0.1/24\"]\n";
    let found = diagnostics(text, Format::Toml);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].path.to_string(),
        "project_sets[0].environments.prod.address_space[0]"
    );
    assert!(matches!(found[0].problem, Problem::HostBits { .. }));
    // TOML findings other than syntax errors carry no line and column.
    assert_eq!(found[0].location, None);
}

// ---------------------------------------------------------------------------------------------
// Who opens the connection

#[test]
fn an_initiator_that_contradicts_the_source_is_an_error_at_the_initiator() {
    // The source is the VNet (in the cloud), but the flow says on-prem opens the connection.
    let text = BASE.replace(
        "    destination: db\n    services: [oracle]\n",
        "    destination: db\n    services: [oracle]\n    initiator: on-prem\n",
    );
    let d = only(&text);
    assert_finding(
        &d,
        "flows[0].initiator",
        Some(value_of(&text, "initiator: on-prem")),
        "`initiator: on-prem` says the source opens the connection from on-prem, but the source \
         `abc123-prod` is in the cloud: swap `source` and `destination`, or use `initiator: both` \
         if both ends open connections",
    );
    assert!(matches!(d.problem, Problem::InitiatorMismatch { .. }));
}

#[test]
fn an_initiator_that_matches_the_source_is_accepted_for_every_kind_of_end() {
    for (source, initiator) in [
        ("abc123-prod", "cloud"),
        ("db", "on-prem"),
        ("zone-b", "on-prem"),
        ("DB_HOST", "on-prem"),
        ("142.34.10.0/24", "on-prem"),
        ("10.46.8.0/24", "cloud"),
        ("abc123-prod", "both"),
        ("db", "source"),
    ] {
        let text = BASE.replace(
            "    source: abc123-prod\n    destination: db\n",
            &format!("    source: {source}\n    destination: db\n    initiator: {initiator}\n"),
        );
        let found = diagnostics(&text, Format::Yaml);
        assert!(found.is_empty(), "{source} / {initiator}: {found:?}");
    }
    // A zone end on the wrong side is an error too.
    let text = BASE.replace(
        "    source: abc123-prod\n    destination: db\n",
        "    source: zone-b\n    destination: abc123-prod\n    initiator: cloud\n",
    );
    let d = only(&text);
    assert_eq!(d.path.to_string(), "flows[0].initiator");
}

#[test]
fn a_hybrid_link_names_an_edge_firewall() {
    let link = "hybrid_links:\n  - name: er\n    kind: express-route\n    redundancy: primary\n    encryption: ipsec\n    edge_firewall: ";
    let ok = edit(&[("objects:\n", &format!("{link}3pg\nobjects:\n"))]);
    assert!(diagnostics(&ok, Format::Yaml).is_empty());
    let wrong = edit(&[("objects:\n", &format!("{link}zone-b-fw\nobjects:\n"))]);
    let d = only(&wrong);
    assert_eq!(d.path.to_string(), "hybrid_links[0].edge_firewall");
    assert!(matches!(d.problem, Problem::WrongKind { .. }), "{d}");
}

#[test]
fn ipv4_mapped_addresses_overlap_their_ipv4_networks() {
    // The zone's network written as IPv4-mapped IPv6 overlaps the same network in IPv4.
    let text = edit(&[(
        "        address_space: [10.46.8.0/24]\n",
        "        address_space: [10.46.8.0/24, \"::ffff:142.34.10.0/120\"]\n",
    )]);
    let d = only(&text);
    assert!(matches!(d.problem, Problem::Overlap { .. }), "{d}");
}

// ---------------------------------------------------------------------------------------------
// Group nesting

#[test]
fn groups_nested_deeper_than_the_limit_are_reported_once_where_they_pass_it() {
    use mccs_model::{FirewallObject, MAX_GROUP_DEPTH, Topology, validate};
    let group = |n: String, m: String| FirewallObject::Group {
        name: n.parse().unwrap(),
        members: vec![m.parse().unwrap()],
        published_by: None,
        description: None,
    };
    let mut t = Topology::new();
    t.objects.push(FirewallObject::Host {
        name: "H".parse().unwrap(),
        address: "10.0.0.1".parse().unwrap(),
        published_by: None,
        description: None,
    });
    t.objects.push(group("G0".into(), "H".into()));
    // 25,000 deep: no recursion, so no stack overflow, and one finding.
    for i in 1..25_000 {
        t.objects
            .push(group(format!("G{i}"), format!("G{}", i - 1)));
    }
    let found = validate(&t, &ValidateOptions::default());
    assert_eq!(found.len(), 1, "{found:?}");
    // G0 is one group deep, so G32 is the first group nested 33 deep.
    assert_eq!(found[0].path.to_string(), "objects[33].members");
    assert_eq!(
        found[0].problem,
        Problem::GroupTooDeep {
            group: "G32".into(),
            limit: MAX_GROUP_DEPTH
        }
    );
    // At the limit exactly, nothing is reported.
    t.objects.truncate(1 + MAX_GROUP_DEPTH);
    assert!(validate(&t, &ValidateOptions::default()).is_empty());
}

#[test]
fn a_security_group_listed_twice_on_one_network_is_an_error() {
    let text = edit(&[
        (
            "        address_space: [10.46.8.0/24]\n",
            "        address_space: [10.46.8.0/24]\n        security_groups: [sg-app, sg-app]\n",
        ),
        (
            "  - name: 3pg\n",
            "  - name: sg-app\n    kind: security-group\n    platform: azure-alz\n    owner: team\n    channel: cloud-req\n  - name: 3pg\n",
        ),
    ]);
    let d = only(&text);
    assert_eq!(
        d.path.to_string(),
        "project_sets[0].environments.prod.security_groups[1]"
    );
    assert!(
        matches!(&d.problem, Problem::Duplicate { name, .. } if name == "sg-app"),
        "{d}"
    );
}

/// The reference example with `old` (occurring once) replaced by `new`.
fn reference_with(old: &str, new: &str) -> String {
    let text = mccs_model::examples::REFERENCE_YAML;
    assert_eq!(text.matches(old).count(), 1, "`{old}` must occur once");
    text.replacen(old, new, 1)
}

/// Every error of `text`, shown, for assertions that say what came out.
fn errors(text: &str) -> Vec<String> {
    diagnostics(text, Format::Yaml)
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect()
}

#[test]
fn one_mistake_one_error() {
    // A cloud firewall without `owner`: the hybrid links of its platform are not also told
    // that the platform has no cloud firewall.
    let text = reference_with(
        "  - name: aws-cloud-firewall\n    kind: cloud\n    platform: aws-lza\n    owner: Public Cloud Team\n",
        "  - name: aws-cloud-firewall\n    kind: cloud\n    platform: aws-lza\n",
    );
    let found = errors(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("firewalls[0]: missing field `owner`"),
        "{found:#?}"
    );

    // A cloud firewall of a misspelt kind: one error, at `kind`.
    let text = reference_with(
        "  - name: azure-cloud-firewall\n    kind: cloud\n",
        "  - name: azure-cloud-firewall\n    kind: clod\n",
    );
    let found = errors(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("firewalls[1].kind: unknown variant `clod`"),
        "{found:#?}"
    );

    // A Project Set with a malformed ministry: the flows from and to its environments are not
    // reported as naming an unknown Project Set (it has a display `name`, and references use
    // its license plate).
    let text = reference_with("    ministry: CITZ\n", "    ministry: citz\n");
    let found = errors(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("project_sets[0].ministry"), "{found:#?}");

    // A malformed `on_prem`: the hybrid links are not also told there is no `on_prem`.
    let text = reference_with(
        "  edge_firewall: 3pg\n",
        "  edge_firewall: 3pg\n  site: Kamloops\n",
    );
    let found = errors(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("on_prem.site: unknown field `site`"),
        "{found:#?}"
    );

    // An edge firewall without `owner`: `on_prem.edge_firewall` does not call it unknown.
    let text = reference_with(
        "  - name: 3pg\n    kind: edge\n    owner: On-premises network security\n",
        "  - name: 3pg\n    kind: edge\n",
    );
    let found = errors(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("firewalls[2]: missing field `owner`"),
        "{found:#?}"
    );
}

#[test]
fn a_firewall_really_missing_is_still_reported() {
    // The suppression is for elements that could not be read, not for absent ones.
    let text = reference_with(
        "  - name: aws-cloud-firewall\n    kind: cloud\n",
        "  - name: aws-cloud-firewall\n    kind: other\n",
    );
    let found = errors(&text);
    assert!(
        found
            .iter()
            .any(|e| e.contains("needs a cloud firewall on aws-lza")),
        "{found:#?}"
    );
}

#[test]
fn address_errors_quote_the_value_point_at_the_field_and_say_the_fix() {
    let cases = [
        (
            "        address_space: [10.46.8.0/24]\n",
            "        address_space: [10.46.8.0/33]\n",
            "project_sets[0].environments.prod.address_space[0]",
            "`10.46.8.0/33`: prefix length 33 is longer than 32, the most an IPv4 network has: write a prefix length from 0 to 32, e.g. `10.46.8.0/24`",
        ),
        (
            "        address_space: [10.46.8.0/24]\n",
            "        address_space: [10.46.8.0]\n",
            "project_sets[0].environments.prod.address_space[0]",
            "`10.46.8.0`: no prefix length: write the network in CIDR notation, e.g. `10.46.8.0/32` for this one address",
        ),
        (
            "        address_space: [10.46.8.0/24]\n",
            "        address_space: [010.46.8.0/24]\n",
            "project_sets[0].environments.prod.address_space[0]",
            "`010.46.8.0/24`: part `010` has a leading zero (some tools read it as octal): write `10`",
        ),
        (
            "        address_space: [10.46.8.0/24]\n",
            "        address_space: [10.46.8.0/+24]\n",
            "project_sets[0].environments.prod.address_space[0]",
            "`10.46.8.0/+24`: prefix length `+24` is not a plain number: write a prefix length from 0 to 32, e.g. `10.46.8.0/24`",
        ),
        (
            "        address_space: [10.46.8.0/24]\n",
            "        address_space: [\"fd00::/129\"]\n",
            "project_sets[0].environments.prod.address_space[0]",
            "`fd00::/129`: prefix length 129 is longer than 128, the most an IPv6 network has: write a prefix length from 0 to 128, e.g. `fd00::/64`",
        ),
        (
            "      networks: [142.34.10.0/24]\n",
            "      networks: [142.34.10/24]\n",
            "on_prem.zones[0].networks[0]",
            "`142.34.10/24`: an IPv4 address has four parts, this has 3: write four numbers from 0 to 255 separated by dots, e.g. `10.46.8.5`",
        ),
        (
            "          address: 142.34.10.25\n",
            "          address: 142.34.10.256\n",
            "on_prem.zones[0].endpoints[0].address",
            "`142.34.10.256`: part 256 is larger than 255: write four numbers from 0 to 255 separated by dots, e.g. `10.46.8.5`",
        ),
        (
            "          address: 142.34.10.25\n",
            "          address: 142.34.10.25/32\n",
            "on_prem.zones[0].endpoints[0].address",
            "`142.34.10.25/32`: a network, not one address: write the address alone (e.g. `142.34.10.25`)",
        ),
        (
            "          address: 142.34.10.25\n",
            "          address: \"fd00::1::5\"\n",
            "on_prem.zones[0].endpoints[0].address",
            "`fd00::1::5`: `::` appears more than once (it stands for one run of zero groups): write up to eight groups of 1 to 4 hex digits separated by `:`, with `::` once for a run of zero groups, e.g. `fd00::5`",
        ),
        (
            "          address: 142.34.10.25\n",
            "          address: somewhere\n",
            "on_prem.zones[0].endpoints[0].address",
            "`somewhere`: not an IP address: write an IPv4 address such as `10.46.8.5` or an IPv6 address such as `fd00::5`",
        ),
    ];
    for (old, new, path, message) in cases {
        let text = edit(&[(old, new)]);
        let d = only(&text);
        assert_eq!(d.path.to_string(), path, "{d}");
        assert_eq!(d.problem.to_string(), message, "{d}");
        // The location is the bad value's, not the enclosing element's.
        let value = new.split_once(": ").unwrap().1.trim_end();
        let value = value.trim_start_matches('[').trim_start_matches('"');
        let loc = d.location.expect("located");
        let line = text.lines().nth(loc.line - 1).unwrap();
        assert!(
            line.chars()
                .skip(loc.column - 1)
                .collect::<String>()
                .trim_start_matches(['[', '"'])
                .starts_with(value),
            "{d} at {loc:?}: {line}"
        );
    }
}

#[test]
fn rule_and_flow_addresses_that_are_not_addresses_say_why() {
    // Text with `/` or `:` is never a name, so it is explained as the address it was meant to be.
    for (text, message) in [
        (
            "10.0.0.0/33",
            "`10.0.0.0/33`: prefix length 33 is longer than 32, the most an IPv4 network has: write a prefix length from 0 to 32, e.g. `10.0.0.0/24`",
        ),
        (
            "fd00::zz",
            "`fd00::zz`: `z` is not a hex digit: write up to eight groups of 1 to 4 hex digits separated by `:`, with `::` once for a run of zero groups, e.g. `fd00::5`",
        ),
    ] {
        let e = text.parse::<mccs_model::AddressRef>().unwrap_err();
        assert_eq!(e.to_string(), message);
        let e = text.parse::<mccs_model::FlowEnd>().unwrap_err();
        assert_eq!(e.to_string(), message);
    }
    // A name stays a name.
    assert!("DB_HOST".parse::<mccs_model::AddressRef>().is_ok());
    let e = "bad name!".parse::<mccs_model::AddressRef>().unwrap_err();
    assert!(e.to_string().contains("is not an address"), "{e}");
}

#[test]
fn network_and_range_objects_are_reported_at_the_field() {
    let t = "version: 1\nobjects:\n  - kind: network\n    name: N\n    address: 10.0.0.0/40\n  - kind: range\n    name: R\n    range: 10.0.0.9-10.0.0.1\n";
    let found = diagnostics(t, Format::Yaml);
    let paths: Vec<String> = found.iter().map(|d| d.path.to_string()).collect();
    assert_eq!(
        paths,
        ["objects[0].address", "objects[1].range"],
        "{found:#?}"
    );
    assert!(
        found[0]
            .to_string()
            .contains("prefix length 40 is longer than 32"),
        "{}",
        found[0]
    );
    assert_eq!(found[1].location.map(|l| l.line), Some(8));
}

#[test]
fn a_name_that_was_meant_as_an_address_says_so() {
    // `10.46.8.256` is a valid name, so it reads as one; no object has it, and the finding says
    // what is wrong with it as an address.
    let text = reference_with(
        "        sources: [MCCS_HLTH_LZA_def456_prod_VPC]\n        destinations: [HLTH_CLAIMS_API]\n        services: [https]\n        action: allow\n        description: Claims service calls",
        "        sources: [MCCS_HLTH_LZA_def456_prod_VPC]\n        destinations: [10.46.8.256]\n        services: [https]\n        action: allow\n        description: Claims service calls",
    );
    let found = errors(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains(
            "unknown object `10.46.8.256`, and it is not an IP address either (part 256 is larger than 255): write four numbers from 0 to 255 separated by dots"
        ),
        "{found:#?}"
    );
}
