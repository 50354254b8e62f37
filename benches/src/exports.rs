//! Platform exports of realistic size for the import benchmarks (issue 15): an Azure Firewall
//! Policy's rule collection groups as `az network firewall policy rule-collection-group list`
//! prints them, and a PAN-OS running configuration as XML and as `set` commands. Made by code
//! at bench time, never committed.

use std::fmt::Write as _;

/// One rule's parts, the same for both formats.
struct Parts {
    name: String,
    from: &'static str,
    to: &'static str,
    source: String,
    destination: String,
    application: &'static str,
    service: String,
    action: &'static str,
    disabled: bool,
}

fn parts(i: usize, objects: usize) -> Parts {
    let source = match i % 4 {
        0 => format!("H{}", i % objects),
        1 => format!("G{}", i % 100),
        2 => format!("10.{}.{}.0/24", (i / 256) % 256, i % 256),
        _ => format!("H{}", (i * 7) % objects),
    };
    Parts {
        name: format!("rule {i} CHG{:06}", i * 3),
        from: if i.is_multiple_of(3) {
            "any"
        } else {
            "untrust"
        },
        to: if i.is_multiple_of(3) { "any" } else { "trust" },
        source,
        destination: format!("H{}", (i + 1) % objects),
        application: if i.is_multiple_of(50) { "ssl" } else { "any" },
        service: if i.is_multiple_of(5) {
            "service-https".to_owned()
        } else {
            format!("svc-{}", i % 50)
        },
        action: if i.is_multiple_of(10) {
            "deny"
        } else {
            "allow"
        },
        disabled: i.is_multiple_of(97),
    }
}

/// A PAN-OS running configuration (the XML API's `<response>` wrapper) of `rules` security
/// rules, a tenth as many address objects, 100 address groups and 50 services.
pub fn panos_xml(rules: usize) -> String {
    let objects = (rules / 10).max(1);
    let mut s = String::from(
        "<response status=\"success\"><result><config version=\"10.2.0\" urldb=\"paloaltonetworks\">\n<devices><entry name=\"localhost.localdomain\"><vsys><entry name=\"vsys1\">\n<address>\n",
    );
    for i in 0..objects {
        let _ = writeln!(
            s,
            "  <entry name=\"H{i}\"><ip-netmask>172.{}.{}.0/24</ip-netmask><description>host net {i}</description></entry>",
            16 + (i / 256) % 16,
            i % 256
        );
    }
    s.push_str("</address>\n<address-group>\n");
    for g in 0..100 {
        let _ = writeln!(
            s,
            "  <entry name=\"G{g}\"><static><member>H{}</member><member>H{}</member></static></entry>",
            g % objects,
            (g * 3 + 1) % objects
        );
    }
    s.push_str("</address-group>\n<service>\n");
    for k in 0..50 {
        let _ = writeln!(
            s,
            "  <entry name=\"svc-{k}\"><protocol><tcp><port>{},{}-{}</port></tcp></protocol></entry>",
            8000 + k,
            9000 + k * 10,
            9005 + k * 10
        );
    }
    s.push_str("</service>\n<rulebase><security><rules>\n");
    for i in 0..rules {
        let p = parts(i, objects);
        let _ = writeln!(
            s,
            "  <entry name=\"{}\" uuid=\"00000000-0000-4000-8000-{i:012}\">\n    <from><member>{}</member></from>\n    <to><member>{}</member></to>\n    <source><member>{}</member></source>\n    <destination><member>{}</member></destination>\n    <source-user><member>any</member></source-user>\n    <category><member>any</member></category>\n    <application><member>{}</member></application>\n    <service><member>{}</member></service>\n    <action>{}</action>{}\n    <description>ticket CHG{i:06}</description>\n  </entry>",
            p.name,
            p.from,
            p.to,
            p.source,
            p.destination,
            p.application,
            p.service,
            p.action,
            if p.disabled {
                "\n    <disabled>yes</disabled>"
            } else {
                ""
            },
        );
    }
    s.push_str("</rules></security></rulebase>\n</entry></vsys></entry></devices></config></result></response>\n");
    s
}

/// The configuration of [`panos_xml`] as `set` commands.
pub fn panos_set(rules: usize) -> String {
    let objects = (rules / 10).max(1);
    let mut s = String::new();
    for i in 0..objects {
        let _ = writeln!(
            s,
            "set address H{i} ip-netmask 172.{}.{}.0/24",
            16 + (i / 256) % 16,
            i % 256
        );
    }
    for g in 0..100 {
        let _ = writeln!(
            s,
            "set address-group G{g} static [ H{} H{} ]",
            g % objects,
            (g * 3 + 1) % objects
        );
    }
    for k in 0..50 {
        let _ = writeln!(
            s,
            "set service svc-{k} protocol tcp port {},{}-{}",
            8000 + k,
            9000 + k * 10,
            9005 + k * 10
        );
    }
    for i in 0..rules {
        let p = parts(i, objects);
        let _ = writeln!(
            s,
            "set rulebase security rules \"{}\" from {} to {} source {} destination {} application {} service {} action {}{} description \"ticket CHG{i:06}\"",
            p.name,
            p.from,
            p.to,
            p.source,
            p.destination,
            p.application,
            p.service,
            p.action,
            if p.disabled { " disabled yes" } else { "" },
        );
    }
    s
}

/// `n` network rules in 10 groups of 10 collections, alternately Deny and Allow.
pub fn azure_policy(n: usize) -> String {
    let per = n.div_ceil(100).max(1);
    let mut left = n;
    let mut groups = Vec::new();
    for g in 0..10 {
        let mut colls = Vec::new();
        for c in 0..10 {
            let k = g * 10 + c;
            let take = per.min(left);
            left -= take;
            let rules: Vec<String> = (0..take)
                .map(|r| {
                    format!(
                        r#"
            {{
              "description": "rule {r} of collection {k}",
              "destinationAddresses": ["10.{}.{}.0/24"],
              "destinationFqdns": [],
              "destinationIpGroups": [],
              "destinationPorts": ["{}", "8000-8080"],
              "ipProtocols": ["TCP", "UDP"],
              "name": "r{r:04}",
              "ruleType": "NetworkRule",
              "sourceAddresses": ["10.200.{}.0/24", "10.201.0.{}"],
              "sourceIpGroups": []
            }}"#,
                        k % 250,
                        r % 250,
                        1000 + r,
                        c,
                        r % 250
                    )
                })
                .collect();
            colls.push(format!(
                r#"
        {{
          "action": {{ "type": "{}" }},
          "name": "c{k:03}",
          "priority": {},
          "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
          "rules": [{}
          ]
        }}"#,
                if c % 2 == 0 { "Deny" } else { "Allow" },
                100 + c * 10,
                rules.join(",")
            ));
        }
        groups.push(format!(
            r#"
  {{
    "etag": "00000000-0000-0000-0000-000000000000",
    "id": "/subscriptions/0f3c8a52-6c1e-4d1b-9a7e-0c6a2b9d0d03/resourceGroups/rg-hub/providers/Microsoft.Network/firewallPolicies/fwpol-big/ruleCollectionGroups/g{g}",
    "name": "g{g}",
    "priority": {},
    "provisioningState": "Succeeded",
    "resourceGroup": "rg-hub",
    "ruleCollections": [{}
    ],
    "type": "Microsoft.Network/FirewallPolicies/RuleCollectionGroups"
  }}"#,
            100 + g * 100,
            colls.join(",")
        ));
    }
    format!("[{}\n]\n", groups.join(","))
}
