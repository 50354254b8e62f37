//! How long reading a 10,000-rule Azure Firewall Policy export takes (the target: ≤ 1 s).
//!
//! Generates the export in memory (100 rule collections in 10 rule collection groups, network
//! rules of the shape `az network firewall policy rule-collection-group list` prints), then
//! times the reader alone and `mccs_model::check_with` on a topology whose Azure firewall names
//! the export (reading plus validation, what `mccs validate` does). Run it optimised:
//!
//! ```text
//! cargo run --release -p mccs-benches --example import_azure_policy [RULES]
//! ```
#![allow(clippy::print_stdout)] // the figure is the output

use std::time::Instant;

use mccs_import::rulebase::Reader;
use mccs_model::{
    Firewall, Format, Platform, RulebaseFormat, RulebaseReader, RulebaseRef, ValidateOptions,
    check_with,
};

const TOPOLOGY: &str = "version: 1
channels:
  - { name: cloud, title: Cloud firewall change request, filed_by: Project team, handled_by: Public Cloud Team }
firewalls:
  - name: azure-fw
    kind: cloud
    platform: azure-alz
    owner: Public Cloud Team
    channel: cloud
    rulebase: { format: azure-firewall-policy, file: policy.json }
";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).map_or(Ok(10_000), |a| a.parse())?;
    let text = mccs_benches::exports::azure_policy(n);
    println!(
        "Azure Firewall Policy export: {n} network rules, {:.1} MB of JSON",
        text.len() as f64 / 1e6
    );
    let fw = Firewall::cloud(
        "azure-fw".parse()?,
        Platform::AzureAlz,
        "Public Cloud Team",
        "cloud".parse()?,
    );
    let reference = RulebaseRef::new(RulebaseFormat::AzureFirewallPolicy, "policy.json");
    let mut best_parse = f64::MAX;
    let mut best_read = f64::MAX;
    let mut best_check = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let v: serde_json::Value = serde_json::from_str(&text)?;
        best_parse = best_parse.min(start.elapsed().as_secs_f64());
        drop(v);

        let t = text.clone();
        let mut reader = Reader::new(move |_: &str| Ok(t.clone()));
        let start = Instant::now();
        let rb = reader
            .read(&fw, &reference)
            .map_err(|e| format!("{} errors, first: {}", e.len(), e[0]))?;
        best_read = best_read.min(start.elapsed().as_secs_f64());
        assert_eq!(rb.rules.len(), n);

        let t = text.clone();
        let mut reader = Reader::new(move |_: &str| Ok(t.clone()));
        let start = Instant::now();
        let checked = check_with(
            TOPOLOGY,
            Format::Yaml,
            &ValidateOptions::default(),
            &mut reader,
        );
        best_check = best_check.min(start.elapsed().as_secs_f64());
        if checked.has_errors() {
            return Err(format!("{:#?}", checked.diagnostics.first()).into());
        }
        assert_eq!(checked.topology.firewalls[0].rules.len(), n);
    }
    println!(
        "read the export (rulebase::Reader):       {:>7.1} ms (best of 5)",
        best_read * 1e3
    );
    println!(
        "  of which parsing the JSON (serde_json):  {:>7.1} ms (best of 5)",
        best_parse * 1e3
    );
    println!(
        "read and validate (mccs_model::check_with): {:>7.1} ms (best of 5)",
        best_check * 1e3
    );
    Ok(())
}
