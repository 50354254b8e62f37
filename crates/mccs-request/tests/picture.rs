//! Pictures of paths: golden DOT and SVG of every directed flow of both examples
//! (`UPDATE_EXPECT=1 cargo test -p mccs-request --test picture` rewrites them), and the SVG is
//! well-formed and names every hop.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use mccs_model::Topology;
use mccs_path::{NetworkGraph, Trace, TraceOptions};
use mccs_request::{trace_dot, trace_svg};

fn traces(t: &Topology) -> Vec<Trace> {
    let g = NetworkGraph::build(t);
    t.flows
        .iter()
        .flat_map(|f| g.directed_flows(f).unwrap())
        .map(|f| g.trace(&f, &TraceOptions::default()))
        .collect()
}

fn update() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1")
}

#[test]
fn pictures_of_both_examples_match_their_golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/pictures");
    let mut failures = Vec::new();
    for (example, t) in [
        ("reference", mccs_model::examples::reference()),
        ("cross-cloud", mccs_model::examples::cross_cloud()),
    ] {
        for (i, tr) in traces(&t).iter().enumerate() {
            for (ext, text) in [("dot", trace_dot(tr)), ("svg", trace_svg(tr))] {
                let path = dir.join(format!("{example}-{i}.{ext}"));
                if update() {
                    std::fs::create_dir_all(&dir).unwrap();
                    std::fs::write(&path, &text).unwrap();
                } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                    failures.push(path.display().to_string());
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "pictures differ: {failures:?}\nrun `UPDATE_EXPECT=1 cargo test -p mccs-request --test picture`, review the diff and commit it"
    );
}

#[test]
fn every_hop_is_drawn_and_the_svg_is_balanced() {
    for t in [
        mccs_model::examples::reference(),
        mccs_model::examples::cross_cloud(),
    ] {
        for tr in traces(&t) {
            let svg = trace_svg(&tr);
            let boxes = svg.matches("<rect ").count();
            let hops: usize = tr.paths.iter().map(|p| p.hops.len()).sum();
            assert_eq!(boxes, hops, "one box per hop");
            // Every element opened is closed (a structural check; Chromium renders it in
            // tests/clients.rs).
            for tag in ["g", "text", "title", "svg", "defs", "marker"] {
                assert_eq!(
                    svg.matches(&format!("<{tag}>")).count()
                        + svg.matches(&format!("<{tag} ")).count(),
                    svg.matches(&format!("</{tag}>")).count(),
                    "<{tag}> balanced in {svg}"
                );
            }
            let dot = trace_dot(&tr);
            for p in &tr.paths {
                for h in &p.hops {
                    assert!(dot.contains(&format!("label=\"{}\\n", h.node())), "{dot}");
                }
            }
            // Failover paths are dashed in both pictures.
            if tr
                .paths
                .iter()
                .any(|p| p.role == mccs_path::PathRole::Failover)
            {
                assert!(dot.contains("style=dashed"));
                assert!(svg.contains("stroke-dasharray"));
            }
        }
    }
}
