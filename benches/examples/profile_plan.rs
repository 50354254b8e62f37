//! Plans the large estate's 10,000 flows, for a profiler: `perf record cargo run --release
//! -p mccs-benches --example profile_plan`.
#![allow(clippy::print_stdout)]

use mccs_benches::{Size, estate};
use mccs_path::{NetworkGraph, PlanOptions, plan_with};

fn main() {
    let t = estate(Size::LARGE);
    let g = NetworkGraph::build(&t);
    let start = std::time::Instant::now();
    let p = plan_with(&g, &t.flows, &PlanOptions::default());
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} flows, {} planned rules, {secs:.3} s ({:.0} flows/s)",
        t.flows.len(),
        p.rules.len(),
        t.flows.len() as f64 / secs
    );
}
