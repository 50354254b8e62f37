//! Cost that grows linearly with the estate (issue 12): reading and validating a document of
//! 100,000 objects and 100,000 rules, reading a document of 100,000 flows, building and
//! rendering the change requests for 1,000 and 10,000 flows, planning and rendering the requests
//! for 10,000 and 100,000 flows, and planning with a 200,000-member object group.
//!
//! `cargo bench -p mccs-benches --bench scale` (about 15 minutes on 2 cores); one group with
//! e.g. `-- requests` or `-- plan-render`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(missing_docs)] // criterion's macros generate undocumented functions

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mccs_benches::{Size, estate, estate_with_group, estate_with_objects};
use mccs_model::{Format, Topology, ValidateOptions, check, load, validate};
use mccs_path::{NetworkGraph, PlanOptions, plan_with};
use mccs_request::{OutputFormat, RenderOptions, RequestSet, Templates, render, render_pending};

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
    // Reading alone (text to topology and source map, no validation).
    group.bench_function("load-yaml", |b| {
        b.iter(|| load(black_box(&yaml), Format::Yaml));
    });
    group.bench_function("load-json", |b| {
        b.iter(|| load(black_box(&json), Format::Json));
    });
    group.finish();
}

/// Reading a flows document (`plan --flows`) of 100,000 flows, YAML and JSON.
fn flows_document(c: &mut Criterion) {
    let mut flows = Topology::new();
    flows.flows = estate(Size {
        flows: 100_000,
        ..Size::LARGE
    })
    .flows;
    let yaml = mccs_model::to_yaml(&flows).unwrap();
    let json = serde_json::to_string(&flows).unwrap();
    let mut group = c.benchmark_group("read-100k-flows");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(100_000));
    group.bench_function("yaml", |b| {
        b.iter(|| load(black_box(&yaml), Format::Yaml));
    });
    group.bench_function("json", |b| {
        b.iter(|| load(black_box(&json), Format::Json));
    });
    group.finish();
}

/// `RequestSet::from_plan` and rendering (Markdown and CSV) for 1,000 and 10,000 flows of the
/// large estate; the plans are made outside the timed part. The linearity target for
/// mccs-request is the ratio of the two medians: ×10 flows should cost at most ×11.
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
        let plan = plan_with(&g, flows, &PlanOptions::default());
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

/// The end-to-end target: plan, build and render (Markdown and CSV; JSON and HTML are
/// not counted) the requests for 10,000 and 100,000 flows of the large estate. The estate and
/// its graph are made outside the timed part. One iteration of 100,000 flows takes seconds, so
/// this group runs the minimum of 10 (about 4 minutes on 2 cores); run one size with
/// `cargo bench -p mccs-benches --bench scale -- plan-render/10000`.
fn plan_render(c: &mut Criterion) {
    let t = estate(Size {
        flows: 100_000,
        ..Size::LARGE
    });
    let g = NetworkGraph::build(&t);
    let (templates, rendering) = (Templates::default(), RenderOptions::default());
    let mut group = c.benchmark_group("plan-render");
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    for n in [10_000, 100_000] {
        let flows = t.flows.get(..n).unwrap();
        // Ten iterations whatever they cost: no warning that the time is too short.
        group.measurement_time(Duration::from_secs(if n > 10_000 { 300 } else { 30 }));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), flows, |b, flows| {
            b.iter(|| {
                // As `mccs plan` plans: without the hops the requests do not read.
                let options = PlanOptions::default().with_hops(false);
                let plan = plan_with(&g, black_box(flows), &options);
                let set = Arc::new(RequestSet::from_plan(&t, &plan));
                drop(plan);
                // As `mccs plan --out` writes: each file made straight into its writer.
                let mut written = 0;
                for format in [OutputFormat::Markdown, OutputFormat::Csv] {
                    for f in render_pending(&set, format, &templates, &rendering).unwrap() {
                        written += f.write_to(&mut std::io::sink()).unwrap();
                    }
                }
                black_box(written)
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
            plan_with(&g, &t.flows, &PlanOptions::default())
        });
    });
    let plan = plan_with(&NetworkGraph::build(&t), &t.flows, &PlanOptions::default());
    group.bench_function("from-plan", |b| {
        b.iter(|| RequestSet::from_plan(&t, black_box(&plan)));
    });
    group.finish();
}

criterion_group!(
    benches,
    validation,
    flows_document,
    requests,
    plan_render,
    wide_group
);
criterion_main!(benches);
