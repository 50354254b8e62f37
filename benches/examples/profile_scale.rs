//! One timed run of each step the `scale` benchmark measures, with sizes from the command line,
//! to see how cost grows (and for a profiler): `cargo run --release -p mccs-benches --example
//! profile_scale -- validate 100000` (objects = rules), `-- requests 1000`, `-- group 200000`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::Instant;

use mccs_benches::{Size, estate, estate_with_group, estate_with_objects};
use mccs_model::{Format, ValidateOptions, check, validate};
use mccs_path::{NetworkGraph, PlanOptions, plan_with};
use mccs_request::{OutputFormat, RequestSet, Templates, render};

fn time<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    println!("{what}: {:.3} s", start.elapsed().as_secs_f64());
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map_or("validate", String::as_str);
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let opts = ValidateOptions::default();
    match what {
        "validate" => {
            let t = estate_with_objects(
                Size {
                    rules: n,
                    flows: 0,
                    ..Size::LARGE
                },
                n,
            );
            let Ok(yaml) = mccs_model::to_yaml(&t) else {
                eprintln!("cannot write YAML");
                return;
            };
            let Ok(json) = serde_json::to_string(&t) else {
                eprintln!("cannot write JSON");
                return;
            };
            println!(
                "{n} objects, {n} rules; YAML {} bytes, JSON {} bytes",
                yaml.len(),
                json.len()
            );
            let d = time("validate", || validate(&t, &opts));
            println!("  {} findings", d.len());
            time("check (YAML)", || check(&yaml, Format::Yaml, &opts));
            time("check (JSON)", || check(&json, Format::Json, &opts));
        }
        "requests" => {
            let t = estate(Size {
                flows: n,
                ..Size::LARGE
            });
            let g = NetworkGraph::build(&t);
            let plan = time("plan", || {
                plan_with(&g, &t, &t.flows, &PlanOptions::default())
            });
            let set = time("from_plan", || RequestSet::from_plan(&t, &plan));
            let templates = Templates::default();
            let rendered = time("render (Markdown + CSV)", || {
                render(&set, OutputFormat::Markdown, &templates).and_then(|md| {
                    let csv = render(&set, OutputFormat::Csv, &templates)?;
                    Ok(md
                        .iter()
                        .chain(&csv)
                        .map(|f| f.contents.len())
                        .sum::<usize>())
                })
            });
            match rendered {
                Ok(bytes) => println!(
                    "  {} requests, {} traffic rows, {} objects, {bytes} bytes rendered",
                    set.requests.len(),
                    set.summary.totals.traffic_rows,
                    set.requests.iter().map(|r| r.objects.len()).sum::<usize>()
                ),
                Err(e) => eprintln!("render failed: {e}"),
            }
        }
        "group" => {
            let t = estate_with_group(
                Size {
                    flows: 100,
                    ..Size::LARGE
                },
                n,
            );
            let d = time("validate", || validate(&t, &opts));
            println!("  {} findings", d.len());
            let g = time("graph", || NetworkGraph::build(&t));
            let plan = time("plan", || {
                plan_with(&g, &t, &t.flows, &PlanOptions::default())
            });
            println!("  {} planned rules", plan.rules.len());
            time("from_plan", || RequestSet::from_plan(&t, &plan));
        }
        other => eprintln!("unknown step `{other}`: validate, requests or group"),
    }
}
