//! One timed run of each step the `scale` benchmark measures, with sizes from the command line,
//! to see how cost grows (and for a profiler): `cargo run --release -p mccs-benches --example
//! profile_scale -- validate 100000` (objects = rules), `-- requests 1000`, `-- group 200000`,
//! `-- plan 100000` (graph and plan only), `-- plan-render 100000` (plan, `from_plan` and
//! each render, as the "plan and render 100,000 flows" target counts them) and
//! `-- read 100000` (reading alone, `load` of YAML and JSON: the `validate` document of N
//! objects and N rules, then a document of N flows; `-- read 100000 5 yaml` reads each YAML
//! text five times and no JSON, for a profiler) and `-- pictures 10000` (what the HTML
//! request's path pictures add).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::Instant;

use mccs_benches::{Size, estate, estate_with_group, estate_with_objects};
use mccs_model::{Format, Topology, ValidateOptions, check, load, validate};
use mccs_path::{NetworkGraph, PlanOptions, plan_with};
use mccs_request::{OutputFormat, RenderOptions, RequestSet, Templates, render, render_pending};

/// This thread's CPU time in seconds (Linux: `/proc/thread-self/schedstat`), `None` elsewhere:
/// on a shared machine the wall clock counts the time other work takes from us, this does not.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a over `bytes`, from `hash`: a digest of the rendered files, to compare the output of
/// two builds without keeping hundreds of megabytes.
fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The peak resident set so far, in MiB (Linux: `VmHWM` of `/proc/self/status`).
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// A writer that keeps only the FNV-1a digest and the length of what it is given.
struct Digest {
    hash: u64,
    bytes: u64,
}

impl std::io::Write for Digest {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.hash = fnv1a(self.hash, buf);
        self.bytes += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn time<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let (start, cpu) = (Instant::now(), cpu_seconds());
    let out = f();
    let wall = start.elapsed().as_secs_f64();
    let peak = peak_mib().map_or_else(String::new, |p| format!(", peak RSS {p:.0} MiB"));
    match (cpu, cpu_seconds()) {
        (Some(a), Some(b)) => println!("{what}: {wall:.3} s (CPU {:.3} s{peak})", b - a),
        _ => println!("{what}: {wall:.3} s{peak}"),
    }
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
        "read" => {
            let repeat: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
            let only = args.get(4).map(|s| s.to_ascii_uppercase());
            let rules = estate_with_objects(
                Size {
                    rules: n,
                    flows: 0,
                    ..Size::LARGE
                },
                n,
            );
            let mut flows = Topology::new();
            flows.flows = estate(Size {
                flows: n,
                ..Size::LARGE
            })
            .flows;
            for (doc, t, per) in [("objects + rules", &rules, 2 * n), ("flows", &flows, n)] {
                let (Ok(yaml), Ok(json)) = (mccs_model::to_yaml(t), serde_json::to_string(t))
                else {
                    eprintln!("cannot write the documents");
                    return;
                };
                println!(
                    "{doc}: {per} elements; YAML {} bytes, JSON {} bytes",
                    yaml.len(),
                    json.len()
                );
                for (name, text, format) in
                    [("YAML", &yaml, Format::Yaml), ("JSON", &json, Format::Json)]
                {
                    if only.as_deref().is_some_and(|o| o != name) {
                        continue;
                    }
                    let cpu = cpu_seconds();
                    let loaded = time(&format!("  load ({name}) x{repeat}"), || {
                        (0..repeat).fold(None, |_, _| Some(load(text, format)))
                    });
                    if let (Some(a), Some(b)) = (cpu, cpu_seconds()) {
                        println!(
                            "    {:.2} µs per element (CPU), {} findings",
                            (b - a) * 1e6 / (per * repeat.max(1)) as f64,
                            loaded.map_or(0, |l| l.diagnostics.len())
                        );
                    }
                }
            }
        }
        "requests" => {
            let t = estate(Size {
                flows: n,
                ..Size::LARGE
            });
            let g = NetworkGraph::build(&t);
            let plan = time("plan", || plan_with(&g, &t.flows, &PlanOptions::default()));
            let set = time("from_plan", || RequestSet::from_plan(&t, &plan));
            // As `mccs plan` does: the plan (every flow's trace) goes before rendering.
            drop(plan);
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
        "plan" | "plan-render" => {
            // The target: plan and render the requests for N flows of the large estate
            // (each phase timed; the estate and its graph are made outside the figure).
            let t = estate(Size {
                flows: n,
                ..Size::LARGE
            });
            let g = time("graph", || NetworkGraph::build(&t));
            let (start, cpu) = (Instant::now(), cpu_seconds());
            // As `mccs plan` plans: without the hops the requests do not read.
            let options = PlanOptions::default().with_hops(false);
            let plan = time("plan", || plan_with(&g, &t.flows, &options));
            println!("  {} planned rules", plan.rules.len());
            if what == "plan" {
                return;
            }
            // As `mccs plan` does: its graph lives inside `plan` and is gone when the plan is made.
            drop(g);
            // Shared, as `mccs plan` renders it (the templates read it without a copy).
            let set = std::sync::Arc::new(time("from_plan", || RequestSet::from_plan(&t, &plan)));
            // As `mccs plan` does: the plan goes before the text is made.
            drop(plan);
            let templates = Templates::default();
            let options = RenderOptions::default();
            // As `mccs plan --out DIR` writes: each file made straight into its writer, never
            // held whole. The timed writer only counts the bytes (the command's is a buffered
            // file); the digest that shows the output unchanged is taken by a second, untimed
            // rendering, so the figure holds mccs's work and not the digest's (FNV-1a, a byte at
            // a time, about 0.3 s for the 258 MB of 100,000 flows).
            let formats = [OutputFormat::Markdown, OutputFormat::Csv];
            let mut bytes = 0;
            for format in formats {
                let rendered = time(&format!("render {format}"), || {
                    for f in render_pending(&set, format, &templates, &options)? {
                        bytes += f.write_to(&mut std::io::sink())?;
                    }
                    Ok::<_, mccs_request::RenderError>(())
                });
                if let Err(e) = rendered {
                    eprintln!("render failed: {e}");
                }
            }
            println!(
                "plan + from_plan + render (Markdown + CSV): {:.3} s (CPU {:.3} s)",
                start.elapsed().as_secs_f64(),
                cpu_seconds().zip(cpu).map_or(f64::NAN, |(b, a)| b - a)
            );
            let mut digest = Digest {
                hash: FNV_OFFSET,
                bytes: 0,
            };
            let digested = time("digest (not in the figure above)", || {
                for format in formats {
                    for f in render_pending(&set, format, &templates, &options)? {
                        digest.hash = fnv1a(digest.hash, f.path().as_bytes());
                        f.write_to(&mut digest)?;
                    }
                }
                Ok::<_, mccs_request::RenderError>(())
            });
            if let Err(e) = digested {
                eprintln!("render failed: {e}");
            }
            if digest.bytes != bytes {
                eprintln!(
                    "the second rendering wrote {} bytes, the first {bytes}",
                    digest.bytes
                );
            }
            println!(
                "  {} requests, {} traffic rows, {bytes} bytes rendered (FNV-1a {:016x})",
                set.requests.len(),
                set.summary.totals.traffic_rows,
                digest.hash,
            );
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
            let plan = time("plan", || plan_with(&g, &t.flows, &PlanOptions::default()));
            println!("  {} planned rules", plan.rules.len());
            time("from_plan", || RequestSet::from_plan(&t, &plan));
        }
        "pictures" => {
            // What the HTML request's pictures cost, as `mccs plan --format html` draws them: a
            // plan without hops, the first MAX_PICTURED_FLOWS flows traced again.
            let t = estate(Size {
                flows: n,
                ..Size::LARGE
            });
            let g = NetworkGraph::build(&t);
            let plan = plan_with(&g, &t.flows, &PlanOptions::default().with_hops(false));
            let plain = time("from_plan", || RequestSet::from_plan(&t, &plan));
            let with = mccs_request::BuildOptions::default()
                .with_pictures(mccs_request::PictureOptions::default());
            let pictured = time("from_plan with pictures", || {
                RequestSet::from_plan_with(&t, &plan, &with)
            });
            println!("  {:?}", pictured.pictures());
            let templates = Templates::default();
            for (name, set) in [("without", &plain), ("with", &pictured)] {
                match time(&format!("render html {name} pictures"), || {
                    render(set, OutputFormat::Html, &templates)
                }) {
                    Ok(files) => println!("  {} bytes", files[0].contents.len()),
                    Err(e) => eprintln!("render failed: {e}"),
                }
            }
        }
        other => {
            eprintln!(
                "unknown step `{other}`: validate, read, requests, plan, plan-render, pictures or group"
            );
        }
    }
}
