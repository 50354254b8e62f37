//! Times reading a PAN-OS running configuration of 10,000 security rules (1,000 address
//! objects, 100 address groups, 50 service objects; realistic rules with zones, groups,
//! literal addresses, App-ID and disabled rules), built in memory, as XML and as `set`
//! commands. Target: each under 1 s in a release build.
//!
//! `cargo run --release -p mccs-import --example panos_speed [RULES]`
#![allow(clippy::print_stdout)]

use std::fmt::Write as _;
use std::time::Instant;

use mccs_import::rulebase::{Export, panos};
use mccs_model::{Firewall, FirewallKind};

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

fn xml(rules: usize) -> String {
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

fn set(rules: usize) -> String {
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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rules: usize = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 10_000,
    };
    let fw = Firewall::new(
        "zone-fw".parse()?,
        FirewallKind::Zone,
        "On-prem",
        "on-prem".parse()?,
    );
    for (format, text) in [("XML", xml(rules)), ("set", set(rules))] {
        let export = Export::new("running-config", text);
        let mut best = f64::INFINITY;
        let mut read = 0;
        for _ in 0..5 {
            let start = Instant::now();
            let rb = panos::read(&export, None, &fw).map_err(|e| format!("{e:?}"))?;
            best = best.min(start.elapsed().as_secs_f64());
            read = rb.rules.len();
        }
        println!(
            "{format}: {read} rules ({:.1} MB) read in {:.0} ms (best of 5)",
            export.text().len() as f64 / 1e6,
            best * 1e3
        );
    }
    Ok(())
}
