//! Prints the plan of an example topology's flows: every path, hop and verdict.
//!
//! `cargo run -p mccs-path --example trace -- [reference|cross-cloud]`
#![allow(clippy::print_stdout)]

use mccs_path::{PlanOptions, plan};

fn main() {
    let which = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "reference".into());
    let t = if which == "cross-cloud" {
        mccs_model::examples::cross_cloud()
    } else {
        mccs_model::examples::reference()
    };
    let p = plan(&t, &t.flows, &PlanOptions::default());
    for f in &p.flows {
        println!("flow {} -> {:?}", f.flow, f.status());
        for d in &f.diagnoses {
            println!("  ! {d}");
        }
        for dp in &f.directions {
            let fl = &dp.trace.flow;
            println!(
                "  {} -> {} [{}] {:?} {:?}",
                fl.source, fl.destination, fl.services, fl.direction, dp.status
            );
            for (i, path) in dp.trace.paths.iter().enumerate() {
                println!("    path {i} ({}) {:?}", path.role.as_str(), path.end);
                for h in &path.hops {
                    let v = h
                        .verdict()
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    println!(
                        "      {:<28} {:<22} {} -> {}  {v}",
                        h.node(),
                        h.kind(),
                        h.source(),
                        h.destination()
                    );
                }
            }
            for d in &dp.trace.diagnoses {
                println!("    ! {d}");
            }
        }
    }
    for r in &p.rules {
        let on: Vec<_> = r
            .targets
            .iter()
            .map(|t| format!("{} {:?} {:?}", t.firewall, t.placement, t.roles))
            .collect();
        let src: Vec<_> = r.sources.iter().map(ToString::to_string).collect();
        let dst: Vec<_> = r.destinations.iter().map(ToString::to_string).collect();
        println!(
            "RULE {} [{}] {:?} {} -> {} {} on {}",
            r.name,
            r.channel,
            r.direction,
            src.join("; "),
            dst.join("; "),
            r.services,
            on.join(", ")
        );
    }
}
