//! Reading rulebase exports (issue 15): a 10,000-rule Azure Firewall Policy and a 10,000-rule
//! PAN-OS configuration (XML and `set` commands) load in ≤ 1 s.
//!
//! `cargo bench -p mccs-benches --bench import`
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(missing_docs)] // criterion's macros generate undocumented functions

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mccs_benches::exports::{azure_policy, panos_set, panos_xml};
use mccs_import::rulebase::Reader;
use mccs_model::{Firewall, FirewallKind, Platform, RulebaseFormat, RulebaseReader, RulebaseRef};

fn read(fw: &Firewall, reference: &RulebaseRef, text: &str) -> usize {
    let mut reader = Reader::new(|_: &str| Ok(text.to_owned()));
    let rb = reader.read(fw, reference).unwrap();
    rb.rules.len()
}

fn import(c: &mut Criterion) {
    let mut group = c.benchmark_group("import-10000-rules");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(10_000));
    let azure = Firewall::cloud(
        "azure-fw".parse().unwrap(),
        Platform::AzureAlz,
        "Public Cloud Team",
        "cloud".parse().unwrap(),
    );
    let policy = azure_policy(10_000);
    let r = RulebaseRef::new(RulebaseFormat::AzureFirewallPolicy, "policy.json");
    assert_eq!(read(&azure, &r, &policy), 10_000);
    group.bench_function("azure-firewall-policy", |b| {
        b.iter(|| read(&azure, &r, black_box(&policy)));
    });
    let edge = Firewall::new(
        "edge".parse().unwrap(),
        FirewallKind::Edge,
        "Network team",
        "onprem".parse().unwrap(),
    );
    let r = RulebaseRef::new(RulebaseFormat::PanOs, "running.xml");
    for (name, text) in [
        ("pan-os-xml", panos_xml(10_000)),
        ("pan-os-set", panos_set(10_000)),
    ] {
        assert_eq!(read(&edge, &r, &text), 10_000);
        group.bench_function(name, |b| {
            b.iter(|| read(&edge, &r, black_box(&text)));
        });
    }
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
