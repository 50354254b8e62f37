//! Pictures of each flow's paths for the HTML request ([`BuildOptions::with_pictures`]):
//! drawn from the plan's traces, or from the flow traced again when the plan kept no hops
//! (`PlanOptions::with_hops(false)`, as `mccs plan` plans).
//!
//! [`BuildOptions::with_pictures`]: crate::BuildOptions::with_pictures

use mccs_model::Topology;
use mccs_path::{DirectedPlan, NetworkGraph, Plan, Trace, TraceOptions};

use crate::model::RequestSet;
use crate::picture::{Picture, PictureCounts, svg};

/// The default of [`PictureOptions::max_flows`]: the first 200 flows (with a path traced)
/// get pictures; the HTML page says how many more were left out.
pub const MAX_PICTURED_FLOWS: usize = 200;

/// The default of [`PictureOptions::max_bytes`]: 16 MiB of SVG over the whole set. A flow
/// with the most paths and hops the trace allows (64 × 64) draws about 2 MiB.
pub const MAX_PICTURE_BYTES: usize = 16 << 20;

/// Which flows get pictures of their paths, and how they are traced again when the plan kept
/// no hops: see [`crate::BuildOptions::with_pictures`].
///
/// ```
/// use mccs_request::{PictureOptions, MAX_PICTURED_FLOWS};
/// let o = PictureOptions::default();
/// assert_eq!(o.max_flows, MAX_PICTURED_FLOWS);
/// assert_eq!(o.with_max_flows(5).max_flows, 5);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PictureOptions {
    /// The most flows pictured, in the plan's order ([`MAX_PICTURED_FLOWS`] by default);
    /// flows past it are counted in [`PictureCounts::left_out`]. Flows stopped before any
    /// path is traced (an unknown end) have nothing to draw and do not count.
    pub max_flows: usize,
    /// The most bytes of SVG over the whole set ([`MAX_PICTURE_BYTES`] by default): the
    /// first flow whose pictures would go past it, and every flow after it, is left out.
    pub max_bytes: usize,
    /// The options the plan was traced with (the same `today` and limits): used to trace a
    /// flow again when the plan kept no hops. The default traces with
    /// `TraceOptions::default()`.
    pub trace: TraceOptions,
}

impl Default for PictureOptions {
    fn default() -> Self {
        Self {
            max_flows: MAX_PICTURED_FLOWS,
            max_bytes: MAX_PICTURE_BYTES,
            trace: TraceOptions::default(),
        }
    }
}

impl PictureOptions {
    /// These options with at most `n` flows pictured.
    #[must_use]
    pub fn with_max_flows(mut self, n: usize) -> Self {
        self.max_flows = n;
        self
    }

    /// These options with at most `n` bytes of SVG over the whole set.
    #[must_use]
    pub fn with_max_bytes(mut self, n: usize) -> Self {
        self.max_bytes = n;
        self
    }

    /// These options tracing again with `trace` (pass the plan's own trace options, so the
    /// pictures show the verdicts the requests are built on).
    #[must_use]
    pub fn with_trace(mut self, trace: TraceOptions) -> Self {
        self.trace = trace;
        self
    }
}

/// Whether every path of `d`'s trace kept its hops (a path always has at least one).
fn has_hops(d: &DirectedPlan) -> bool {
    d.trace.paths.iter().all(|p| !p.hops.is_empty())
}

/// Whether `fresh`, traced again, has the paths the plan's `d` has: the same number, each
/// through the same nodes. When it has not (the plan's trace was cut short by the plan's
/// work budget, say), the picture would show something else than the requests: it is not
/// drawn.
fn same_paths(d: &DirectedPlan, fresh: &Trace) -> bool {
    fresh.paths.len() == d.trace.paths.len()
        && fresh
            .paths
            .iter()
            .zip(&d.trace.paths)
            .enumerate()
            .all(|(i, (p, q))| {
                p.role == q.role
                    && p.hops
                        .iter()
                        .map(mccs_path::Hop::node)
                        .eq(d.path_nodes(i).map(|(n, _)| n))
            })
}

/// Draws the pictures of `set`'s flows from `plan` (the plan `set` was built from, made on
/// `topology`).
pub(super) fn attach(set: &mut RequestSet, topology: &Topology, plan: &Plan, o: &PictureOptions) {
    let mut graph: Option<NetworkGraph<'_>> = None;
    let mut counts = PictureCounts {
        drawn: 0,
        left_out: 0,
        not_drawn: 0,
        max_flows: o.max_flows,
        max_bytes: o.max_bytes,
    };
    let mut bytes = 0usize;
    let mut full = false;
    // Each picture's ids start with its number in the page, so no two inline pictures share
    // an id.
    let mut number = 0usize;
    // Summary entries are one per flow of the plan, in its order.
    for (summary, fp) in set.summary.flows.iter_mut().zip(&plan.flows) {
        if fp.directions.is_empty() {
            continue;
        }
        if full || counts.drawn >= o.max_flows {
            counts.left_out += 1;
            continue;
        }
        let mut pictures = Vec::with_capacity(fp.directions.len());
        let mut unmatched = false;
        for d in &fp.directions {
            number += 1;
            let ids = format!("mccs-picture-{number}-");
            if has_hops(d) {
                pictures.push(Picture::new(d.trace.flow.direction, svg(&d.trace, &ids)));
                continue;
            }
            let g = graph.get_or_insert_with(|| NetworkGraph::build(topology));
            let fresh = g.trace(&d.trace.flow, &o.trace);
            if same_paths(d, &fresh) {
                pictures.push(Picture::new(d.trace.flow.direction, svg(&fresh, &ids)));
            } else {
                unmatched = true;
            }
        }
        let size: usize = pictures.iter().map(|p| p.svg().len()).sum();
        if bytes.saturating_add(size) > o.max_bytes {
            full = true;
            counts.left_out += 1;
            continue;
        }
        bytes += size;
        counts.drawn += 1;
        if unmatched {
            counts.not_drawn += 1;
        }
        summary.pictures = pictures;
    }
    set.pictures = Some(counts);
}
