//! Traces many flows on the large estate, for a profiler: `perf record cargo run --release
//! -p mccs-benches --example profile_trace [ROUNDS]` (each round traces every flow once; 20 by
//! default, 1 is enough under `valgrind --tool=callgrind`).
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use mccs_benches::{Size, estate};
use mccs_path::{NetworkGraph, TraceOptions};

fn main() {
    let t = estate(Size::LARGE);
    let g = NetworkGraph::build(&t);
    let flows: Vec<_> = t
        .flows
        .iter()
        .flat_map(|f| g.directed_flows(f).unwrap())
        .collect();
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let opts = TraceOptions::default();
    let start = std::time::Instant::now();
    let mut paths = 0;
    for _ in 0..rounds {
        for f in &flows {
            paths += g.trace(f, &opts).paths.len();
        }
    }
    let n = flows.len() * rounds;
    let secs = start.elapsed().as_secs_f64();
    println!("{n} traces, {paths} paths, {:.0} traces/s", n as f64 / secs);
}
