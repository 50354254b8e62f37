//! Pictures of the paths in the HTML request (`BuildOptions::with_pictures`): one SVG per flow
//! and direction, the same whether the plan kept its hops or they are traced again, bounded,
//! never in the other formats, and nothing from the document or a JSON file breaks out of them.
//! Chromium renders them in `tests/clients.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mccs_model::Topology;
use mccs_path::PlanOptions;
use mccs_request::{
    BuildOptions, OutputFile, OutputFormat, PictureOptions, RequestSet, Templates, render,
};

fn examples() -> [(&'static str, Topology); 3] {
    [
        ("reference", mccs_model::examples::reference()),
        ("cross-cloud", mccs_model::examples::cross_cloud()),
        ("lza-data-subnet", mccs_model::examples::lza_data_subnet()),
    ]
}

fn build(t: &Topology, hops: bool, pictures: Option<PictureOptions>) -> RequestSet {
    let plan = mccs_path::plan(t, &t.flows, &PlanOptions::default().with_hops(hops));
    let mut options = BuildOptions::default();
    if let Some(p) = pictures {
        options = options.with_pictures(p);
    }
    RequestSet::from_plan_with(t, &plan, &options)
}

fn files(set: &RequestSet, format: OutputFormat) -> Vec<OutputFile> {
    render(set, format, &Templates::default()).unwrap()
}

fn html(set: &RequestSet) -> String {
    files(set, OutputFormat::Html).remove(0).contents
}

/// The number of directions traced over all flows: one picture each.
fn directions(set: &RequestSet) -> usize {
    set.summary.flows.iter().map(|f| f.directions.len()).sum()
}

#[test]
fn every_direction_of_every_flow_has_one_picture_with_ids_of_its_own() {
    for (name, t) in examples() {
        let set = build(&t, true, Some(PictureOptions::default()));
        let page = html(&set);
        let n = directions(&set);
        assert!(n > 0, "{name}");
        assert_eq!(page.matches("<svg ").count(), n, "{name}");
        assert_eq!(page.matches("</svg>").count(), n, "{name}");
        assert_eq!(page.matches("<figure class=\"picture\">").count(), n);
        for f in &set.summary.flows {
            assert_eq!(f.pictures().len(), f.directions.len(), "{name}: {}", f.flow);
            for (p, d) in f.pictures().iter().zip(&f.directions) {
                assert_eq!(p.direction(), d.direction);
                assert!(page.contains(p.svg()), "{name}: {} not in the page", f.flow);
            }
        }
        // No two elements of the page share an id.
        let mut ids: Vec<&str> = page
            .split(" id=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        let all = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all, "{name}: an id repeats");
        assert!(page.contains("marker-end=\"url(#mccs-picture-1-arrow)\""));
        let counts = set.pictures().unwrap();
        assert_eq!(
            (counts.drawn, counts.left_out, counts.not_drawn),
            (set.summary.flows.len(), 0, 0),
            "{name}"
        );
        assert!(!page.contains("Pictures left out"));
    }
}

/// `mccs plan` plans without hops: the flows traced again give the very same pictures.
#[test]
fn a_plan_without_hops_is_traced_again_to_the_same_pictures() {
    for (name, t) in examples() {
        let kept = html(&build(&t, true, Some(PictureOptions::default())));
        let traced_again = html(&build(&t, false, Some(PictureOptions::default())));
        assert_eq!(kept, traced_again, "{name}");
    }
}

/// The pictures are the ones `trace_svg` draws (`mccs trace --format svg`), ids apart.
#[test]
fn each_picture_is_the_flows_trace_svg() {
    let t = mccs_model::examples::reference();
    let set = build(&t, false, Some(PictureOptions::default()));
    let g = mccs_path::NetworkGraph::build(&t);
    let mut number = 0;
    for (flow, f) in t.flows.iter().zip(&set.summary.flows) {
        for (df, p) in g.directed_flows(flow).unwrap().iter().zip(f.pictures()) {
            number += 1;
            let svg = mccs_request::trace_svg(&g.trace(df, &mccs_path::TraceOptions::default()));
            let ids = format!("mccs-picture-{number}-arrow");
            assert_eq!(p.svg(), svg.replace("arrow", &ids));
        }
    }
    assert_eq!(number, 4);
}

/// Pictures change the HTML only: Markdown, CSV and JSON are byte for byte the same.
#[test]
fn other_formats_are_the_same_with_pictures() {
    for (name, t) in examples() {
        let plain = build(&t, false, None);
        let pictured = build(&t, false, Some(PictureOptions::default()));
        for format in [
            OutputFormat::Markdown,
            OutputFormat::Csv,
            OutputFormat::Json,
        ] {
            assert_eq!(
                files(&plain, format),
                files(&pictured, format),
                "{name}: {format}"
            );
        }
        assert!(!html(&plain).contains("<svg"), "{name}");
        assert!(plain.pictures().is_none());
        // The JSON Schema does not know of pictures either.
        let schema = serde_json::to_string(&RequestSet::json_schema()).unwrap();
        assert!(!schema.contains("picture"));
    }
}

#[test]
fn pictures_past_the_limit_are_left_out_and_the_page_says_so() {
    let t = mccs_model::examples::reference();
    let flows = t.flows.len();
    assert_eq!(flows, 4);
    let set = build(&t, false, Some(PictureOptions::default().with_max_flows(1)));
    let counts = set.pictures().unwrap();
    assert_eq!((counts.drawn, counts.left_out, counts.max_flows), (1, 3, 1));
    let page = html(&set);
    let first = set.summary.flows[0].directions.len();
    assert_eq!(page.matches("<svg ").count(), first);
    assert!(
        page.contains("Pictures left out for 3 more flows: pictures are drawn for the first 1 flows with a path (and up to a size limit)."),
        "{page}"
    );
    assert!(set.summary.flows[1].pictures().is_empty());

    // No flow at all, and a size limit smaller than one picture: every flow left out.
    for options in [
        PictureOptions::default().with_max_flows(0),
        PictureOptions::default().with_max_bytes(100),
    ] {
        let set = build(&t, false, Some(options));
        assert_eq!(set.pictures().unwrap().left_out, flows);
        let page = html(&set);
        assert!(!page.contains("<svg"));
        assert!(page.contains("Pictures left out for 4 more flows"));
    }
}

/// Text from the document cannot break out of a picture or the page around it: hostile text
/// in every free-text field, and a JSON document with `pictures` of its own (ignored: a
/// picture is never read from a file).
#[test]
fn hostile_text_and_json_cannot_break_out_of_the_pictures() {
    let h = "</svg><script>alert(1)</script><svg onload=alert(2)>";
    let mut t = mccs_model::examples::reference();
    for f in &mut t.flows {
        f.justification = Some(h.to_owned());
        f.requester = Some(h.to_owned());
        f.change_window = Some(h.to_owned());
    }
    for fw in &mut t.firewalls {
        fw.owner = h.to_owned();
        fw.description = Some(h.to_owned());
    }
    for ps in &mut t.project_sets {
        ps.name = Some(h.to_owned());
        for vn in ps.environments.values_mut() {
            vn.account = h.to_owned();
            vn.region = h.to_owned();
        }
    }
    let set = build(&t, false, Some(PictureOptions::default()));
    let page = html(&set);
    let n = directions(&set);
    // The hostile text is there, as text: no element of its own.
    assert!(page.contains(
        "&lt;&#x2f;svg&gt;&lt;script&gt;alert(1)&lt;&#x2f;script&gt;&lt;svg onload=alert(2)&gt;"
    ));
    assert!(!page.contains("<script") && !page.contains("<svg onload"));
    assert_eq!(page.matches("<svg").count(), n);
    assert_eq!(page.matches("</svg>").count(), n);

    // A JSON document claiming pictures: read back, the set has none, and neither has the page.
    let mut json: serde_json::Value =
        serde_json::from_str(&files(&set, OutputFormat::Json).remove(0).contents).unwrap();
    json["pictures"] =
        serde_json::json!({"drawn": 1, "left_out": 0, "not_drawn": 0, "max_flows": 1});
    for f in json["summary"]["flows"].as_array_mut().unwrap() {
        f["pictures"] = serde_json::json!([{"direction": "outbound", "svg": h}]);
    }
    let read: RequestSet = serde_json::from_value(json).unwrap();
    assert!(read.pictures().is_none());
    assert!(read.summary.flows.iter().all(|f| f.pictures().is_empty()));
    let page = html(&read);
    assert!(!page.contains("<svg") && !page.contains("<script"));
}

/// A flow traced again to other paths than the plan's (here: traced with fewer paths allowed
/// than the plan was; in `mccs plan`, a trace cut short by the plan's work budget) is not
/// drawn, since the picture would not show what the requests are built on; the page says so.
#[test]
fn a_flow_traced_again_to_other_paths_than_the_plans_is_not_drawn() {
    let t = mccs_model::examples::reference();
    let plan = mccs_path::plan(&t, &t.flows, &PlanOptions::default().with_hops(false));
    let mut one_path = mccs_path::TraceOptions::default();
    one_path.max_paths = 1;
    let options =
        BuildOptions::default().with_pictures(PictureOptions::default().with_trace(one_path));
    let set = RequestSet::from_plan_with(&t, &plan, &options);
    let counts = *set.pictures().unwrap();
    // Only flows with a failover path (two paths in the plan) differ.
    let two_paths: Vec<bool> = plan
        .flows
        .iter()
        .map(|f| f.directions.iter().any(|d| d.trace.paths.len() > 1))
        .collect();
    let differ = two_paths.iter().filter(|b| **b).count();
    assert!(differ > 0);
    assert_eq!(counts.not_drawn, differ, "{counts:?}");
    for (f, two) in set.summary.flows.iter().zip(&two_paths) {
        assert_eq!(f.pictures().is_empty(), *two, "{}", f.flow);
    }
    let page = html(&set);
    assert_eq!(page.matches("<svg ").count(), t.flows.len() - differ);
    let s = if differ == 1 { " has" } else { "s have" };
    assert!(
        page.contains(&format!("{differ} flow{s} a direction not drawn: traced again, it took other paths than in the plan")),
        "{page}"
    );
}
