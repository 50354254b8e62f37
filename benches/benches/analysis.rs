//! The rule analysis of issue 16 (`mccs rules`): shadowed, duplicate and redundant rules of one
//! 10,000-rule firewall on the large estate. Goal: under 2 s on one core.
//!
//! `cargo bench -p mccs-benches --bench analysis`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)] // a bench reports what it measured
#![allow(missing_docs)] // criterion's macros generate undocumented functions

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mccs_benches::{Size, estate_with_big_firewall};
use mccs_path::{AnalysisOptions, NetworkGraph, analysis_of};

fn shadowed_rules(c: &mut Criterion) {
    let t = estate_with_big_firewall(
        Size {
            flows: 0,
            ..Size::LARGE
        },
        10_000,
    );
    let g = NetworkGraph::build(&t);
    let fw = "3pg".parse().unwrap();
    let found = analysis_of(&g, Some(&fw), &AnalysisOptions::default());
    let mut kinds = std::collections::BTreeMap::new();
    for f in &found {
        let k = serde_json::to_value(f).unwrap()["kind"]
            .as_str()
            .unwrap()
            .to_owned();
        *kinds.entry(k).or_insert(0) += 1;
    }
    eprintln!(
        "rules analysis: {} findings on 10,000 rules: {kinds:?}",
        found.len()
    );
    let mut group = c.benchmark_group("rules-analysis");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("one-firewall-10000-rules", |b| {
        b.iter(|| analysis_of(black_box(&g), Some(&fw), &AnalysisOptions::default()));
    });
    group.finish();
}

criterion_group!(benches, shadowed_rules);
criterion_main!(benches);
