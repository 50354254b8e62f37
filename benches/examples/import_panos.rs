//! Times reading a PAN-OS running configuration of 10,000 security rules (1,000 address
//! objects, 100 address groups, 50 service objects; realistic rules with zones, groups,
//! literal addresses, App-ID and disabled rules), built in memory, as XML and as `set`
//! commands. Target: each under 1 s in a release build.
//!
//! `cargo run --release -p mccs-benches --example import_panos [RULES]`
#![allow(clippy::print_stdout)]

use std::time::Instant;

use mccs_import::rulebase::{Export, panos};
use mccs_model::{Firewall, FirewallKind};

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
    for (format, text) in [
        ("XML", mccs_benches::exports::panos_xml(rules)),
        ("set", mccs_benches::exports::panos_set(rules)),
    ] {
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
