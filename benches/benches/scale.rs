//! Cost that grows linearly with the estate (issue 12): validating a document of 100,000
//! objects and 100,000 rules, building and rendering the change requests for 1,000 and 10,000
//! flows, and planning with a 200,000-member object group.
//!
//! `cargo bench -p mccs-benches --bench scale` (a few minutes on 2 cores)
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(missing_docs)] // criterion's macros generate undocumented functions

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mccs_benches::{Size, estate, estate_with_group, estate_with_objects};
use mccs_model::{Format, ValidateOptions, check, validate};
use mccs_path::{NetworkGraph, PlanOptions, plan_with};
use mccs_request::{OutputFormat, RequestSet, Templates, render};

/// 100,000 objects + 100,000 rules on the large estate (no flows): reading and validating the
/// text (YAML and JSON, serialized once outside the timed part), and validating alone.
fn validation(c: &mut Criterion) {
    let t = estate_with_objects(
        Size {
            flows: 0,
            ..Size::LARGE
        },
        100_000,
    );
    let yaml = mccs_model::to_yaml(&t).unwrap();
    let json = serde_json::to_string(&t).unwrap();
    let opts = ValidateOptions::default();
    let mut group = c.benchmark_group("validate-100k-objects-100k-rules");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(15));
    // Throughput per rule: the reading target is 3 µs per rule.
    group.throughput(Throughput::Elements(100_000));
    group.bench_function("check-yaml", |b| {
        b.iter(|| check(black_box(&yaml), Format::Yaml, &opts));
    });
    group.bench_function("check-json", |b| {
        b.iter(|| check(black_box(&json), Format::Json, &opts));
    });
    group.bench_function("validate", |b| {
        b.iter(|| validate(black_box(&t), &opts));
    });
    group.finish();
}

/// `RequestSet::from_plan` and rendering (Markdown and CSV) for 1,000 and 10,000 flows of the
/// large estate; the plans are made outside the timed part.
fn requests(c: &mut Criterion) {
    let t = estate(Size::LARGE);
    let g = NetworkGraph::build(&t);
    let templates = Templates::default();
    let mut group = c.benchmark_group("requests");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for n in [1_000, 10_000] {
        let flows = t.flows.get(..n).unwrap();
        let plan = plan_with(&g, &t, flows, &PlanOptions::default());
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("from-plan+render", n), &plan, |b, plan| {
            b.iter(|| {
                let set = RequestSet::from_plan(&t, black_box(plan));
                let md = render(&set, OutputFormat::Markdown, &templates).unwrap();
                let csv = render(&set, OutputFormat::Csv, &templates).unwrap();
                black_box((md, csv))
            });
        });
    }
    group.finish();
}

/// A 200,000-member object group named by a 3PG rule, on the large estate, with 100 flows that
/// meet it: graph build and plan, then the change requests.
fn wide_group(c: &mut Criterion) {
    let t = estate_with_group(
        Size {
            flows: 100,
            ..Size::LARGE
        },
        200_000,
    );
    let mut group = c.benchmark_group("group-200k-members");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(15));
    group.bench_function("graph+plan", |b| {
        b.iter(|| {
            let g = NetworkGraph::build(black_box(&t));
            plan_with(&g, &t, &t.flows, &PlanOptions::default())
        });
    });
    let plan = plan_with(
        &NetworkGraph::build(&t),
        &t,
        &t.flows,
        &PlanOptions::default(),
    );
    group.bench_function("from-plan", |b| {
        b.iter(|| RequestSet::from_plan(&t, black_box(&plan)));
    });
    group.finish();
}

criterion_group!(benches, validation, requests, wide_group);
criterion_main!(benches);
