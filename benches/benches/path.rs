//! Graph build, trace throughput, plan time, and how trace cost grows with the rule count.
//!
//! `cargo bench -p mccs-benches`
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(missing_docs)] // criterion's macros generate undocumented functions

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mccs_benches::{Size, estate};
use mccs_path::{DirectedFlow, NetworkGraph, PlanOptions, TraceOptions, plan_with};

fn directed(g: &NetworkGraph<'_>, t: &mccs_model::Topology, n: usize) -> Vec<DirectedFlow> {
    t.flows
        .iter()
        .take(n)
        .flat_map(|f| g.directed_flows(f).unwrap())
        .collect()
}

fn large(c: &mut Criterion) {
    let t = estate(Size::LARGE);
    let mut group = c.benchmark_group("large-estate");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("graph-build", |b| {
        b.iter(|| NetworkGraph::build(black_box(&t)));
    });

    let g = NetworkGraph::build(&t);
    let flows = directed(&g, &t, 1_000);
    let opts = TraceOptions::default();
    group.throughput(Throughput::Elements(flows.len() as u64));
    group.bench_function("trace-1000-flows", |b| {
        b.iter(|| {
            for f in &flows {
                black_box(g.trace(f, &opts));
            }
        });
    });
    group.throughput(Throughput::Elements(t.flows.len() as u64));
    group.bench_function("plan-10000-flows", |b| {
        b.iter(|| plan_with(&g, black_box(&t.flows), &PlanOptions::default()));
    });
    group.finish();
}

fn rule_scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("trace-vs-rules");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    for rules in [1_000, 10_000, 100_000] {
        let t = estate(Size {
            rules,
            flows: 1_000,
            ..Size::LARGE
        });
        let g = NetworkGraph::build(&t);
        let flows = directed(&g, &t, 1_000);
        let opts = TraceOptions::default();
        group.throughput(Throughput::Elements(flows.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(rules), &rules, |b, _| {
            b.iter(|| {
                for f in &flows {
                    black_box(g.trace(f, &opts));
                }
            });
        });
    }
    group.finish();
}

criterion_group!(benches, large, rule_scaling);
criterion_main!(benches);
