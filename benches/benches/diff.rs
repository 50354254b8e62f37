//! The topology diff of issue 16 (`mccs diff`): two 20,000-VPC/VNet, 100,000-rule estates with
//! 10,000 declared flows that differ in 100 rules (33 removed, 34 added, 33 reordered). Goal:
//! under 2 s on one core.
//!
//! `cargo bench -p mccs-benches --bench diff`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)] // a bench reports what it measured
#![allow(missing_docs)] // criterion's macros generate undocumented functions

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use mccs_benches::{Size, estate_pair_for_diff};
use mccs_path::{DiffOptions, NetworkGraph, diff};

fn topology_diff(c: &mut Criterion) {
    let (old, new) = estate_pair_for_diff(Size::LARGE, 100);
    let started = Instant::now();
    let (g0, g1) = (NetworkGraph::build(&old), NetworkGraph::build(&new));
    let d = diff(&g0, &g1, &DiffOptions::default());
    let changed: usize = d.rulebases.iter().map(|r| r.rules.len()).sum();
    eprintln!(
        "diff: {:?} for both graphs and the diff; {changed} rule changes on {} lists, {} declared flows ({} judged again), {} sampled, {} flows changed, {} requests added or dropped",
        started.elapsed(),
        d.rulebases.len(),
        d.declared,
        d.rejudged,
        d.sampled.traced,
        d.flows.len(),
        d.requests.len(),
    );
    let mut group = c.benchmark_group("topology-diff");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(15));
    group.bench_function("diff-20000-networks-100000-rules-100-changed", |b| {
        b.iter(|| diff(black_box(&g0), black_box(&g1), &DiffOptions::default()));
    });
    group.bench_function("build-both-and-diff", |b| {
        b.iter(|| {
            let (g0, g1) = (NetworkGraph::build(&old), NetworkGraph::build(&new));
            diff(black_box(&g0), black_box(&g1), &DiffOptions::default())
        });
    });
    group.finish();
}

criterion_group!(benches, topology_diff);
criterion_main!(benches);
