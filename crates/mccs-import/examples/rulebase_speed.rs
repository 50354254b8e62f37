//! How long reading a 10,000-rule Azure Firewall Policy export takes (the target: ≤ 1 s).
//!
//! Generates the export in memory (100 rule collections in 10 rule collection groups, network
//! rules of the shape `az network firewall policy rule-collection-group list` prints), then
//! times the reader alone and `mccs_model::check_with` on a topology whose Azure firewall names
//! the export (reading plus validation, what `mccs validate` does). Run it optimised:
//!
//! ```text
//! cargo run --release -p mccs-import --example rulebase_speed [RULES]
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
    let text = policy(n);
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

/// `n` network rules in 10 groups of 10 collections, alternately Deny and Allow.
fn policy(n: usize) -> String {
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
