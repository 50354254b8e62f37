//! Who can reach this: every Project Set environment, on-prem zone and external network that
//! can open connections to an end (or that the end can open connections to), through every
//! firewall on every path, with the rules that decide.

use mccs_model::{FlowEnd, Initiator};
use serde::Serialize;

use crate::eval::Verdict;
use crate::graph::NetworkGraph;
use crate::svcset::SvcSet;
use crate::trace::{FlowError, Trace, TraceOptions};

/// Which way the connections go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReachDirection {
    /// Every other end opens connections *to* the given end (`mccs reach --to`).
    To,
    /// The given end opens connections to every other end (`mccs reach --from`).
    From,
}

/// How far the traffic gets between one pair of ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReachOutcome {
    /// Every path delivers it and every firewall allows all of it: it reaches.
    Allowed,
    /// No firewall denies all of it, but at least one allows only part (some addresses or
    /// services): part of it may reach; the trace says which part each firewall lets through.
    Partial,
    /// A firewall's verdict is `unknown` (a rule mccs cannot judge, or a limit): a person must
    /// check; never counted as reaching or not.
    Unknown,
    /// A firewall denies it (by a rule or for want of one) on some path.
    NotAllowed,
    /// Something no rule can fix stops it: no route, a loop, no common address family.
    Blocked,
}

impl ReachOutcome {
    /// `allowed`, `partial`, `unknown`, `not allowed` or `blocked`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::Partial => "partial",
            Self::Unknown => "unknown",
            Self::NotAllowed => "not allowed",
            Self::Blocked => "blocked",
        }
    }
}

impl std::fmt::Display for ReachOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rules of one firewall that let the traffic through (or stop it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Deciding {
    /// The firewall.
    pub firewall: String,
    /// Its verdict, in words (`allowed by R1`, `no matching rule (implicit deny)`).
    pub verdict: String,
    /// The paths (numbered from 1, across the directions traced) on which it gives this
    /// verdict.
    pub paths: Vec<usize>,
}

/// One other end and how far traffic between it and the given end gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Reach {
    /// The other end: an environment (`abc123-prod`), a zone or an external network.
    pub end: String,
    /// What it is: `environment`, `zone` or `external network`.
    pub kind: String,
    /// How far the traffic gets.
    pub outcome: ReachOutcome,
    /// Each firewall on the paths with its verdict, once per distinct verdict, in path order
    /// (primary path first).
    pub firewalls: Vec<Deciding>,
    /// Why it is blocked or unknown.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

/// Every environment, zone and external network of the topology, and how far traffic on
/// `services` between it and `end` gets (`direction` says who opens the connections), best
/// outcome first, then by kind and name. `end` itself, and zones or networks that contain it,
/// are left out.
///
/// # Errors
///
/// When `end` is not an end of the topology (an unknown name, an address in no network): a
/// [`FlowError`] whose diagnosis says which, as `trace` reports it. Never an empty answer.
///
/// ```
/// use mccs_path::{NetworkGraph, ReachDirection, ReachOutcome, SvcSet, TraceOptions, reach};
/// let t = mccs_model::examples::reference();
/// let g = NetworkGraph::build(&t);
/// let https = SvcSet::from_services(&["tcp/443".parse()?]);
/// let found = reach(&g, &"hlth-claims-api".parse()?, &https, ReachDirection::To, &TraceOptions::default())?;
/// // An end the topology does not have is an error, never an empty answer.
/// assert!(reach(&g, &"no-such-host".parse()?, &https, ReachDirection::To, &TraceOptions::default()).is_err());
/// let first = &found[0];
/// assert_eq!((first.end.as_str(), first.outcome), ("def456-prod", ReachOutcome::Allowed));
/// assert!(found[1..].iter().all(|r| r.outcome != ReachOutcome::Allowed));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn reach(
    graph: &NetworkGraph<'_>,
    end: &FlowEnd,
    services: &SvcSet,
    direction: ReachDirection,
    options: &TraceOptions,
) -> Result<Vec<Reach>, FlowError> {
    let which = match direction {
        ReachDirection::To => "destination",
        ReachDirection::From => "source",
    };
    if let Err(d) = graph.check_end(end, which) {
        return Err(FlowError::new(&end.to_string(), vec![d]));
    }
    let t = graph.topology();
    let mut others: Vec<(FlowEnd, &'static str)> = Vec::new();
    for ps in &t.project_sets {
        for env in ps.environments.keys() {
            others.push((
                FlowEnd::Environment(mccs_model::EnvRef::new(ps.license_plate, env.clone())),
                "environment",
            ));
        }
    }
    if let Some(op) = &t.on_prem {
        for z in &op.zones {
            if !zone_holds(z, end) {
                others.push((FlowEnd::Named(z.name.clone()), "zone"));
            }
        }
    }
    for x in &t.external_networks {
        others.push((FlowEnd::Named(x.name.clone()), "external network"));
    }
    let mut out: Vec<Reach> = Vec::with_capacity(others.len());
    for (other, kind) in others {
        if other == *end {
            continue;
        }
        let (src, dst) = match direction {
            ReachDirection::To => (&other, end),
            ReachDirection::From => (end, &other),
        };
        let name = format!("{src} -> {dst}");
        let flows = match graph.directed(&name, src, dst, services, Initiator::Source) {
            Ok(f) => f,
            Err(e) => {
                out.push(Reach {
                    end: other.to_string(),
                    kind: kind.to_owned(),
                    outcome: ReachOutcome::Blocked,
                    firewalls: Vec::new(),
                    reasons: e.diagnoses().iter().map(ToString::to_string).collect(),
                });
                continue;
            }
        };
        let traces: Vec<Trace> = flows.iter().map(|f| graph.trace(f, options)).collect();
        out.push(judge(other.to_string(), kind, &traces));
    }
    out.sort_by(|a, b| {
        (a.outcome, kind_rank(&a.kind), &a.end).cmp(&(b.outcome, kind_rank(&b.kind), &b.end))
    });
    Ok(out)
}

fn kind_rank(kind: &str) -> u8 {
    match kind {
        "environment" => 0,
        "zone" => 1,
        _ => 2,
    }
}

/// Whether zone `z` is `end` or holds it (an endpoint of the zone): a zone does not "reach"
/// its own endpoints through a firewall.
fn zone_holds(z: &mccs_model::Zone, end: &FlowEnd) -> bool {
    match end {
        FlowEnd::Named(n) => {
            z.name == *n
                || z.endpoints
                    .iter()
                    .any(|e| e.name == *n || e.object.as_ref() == Some(n))
        }
        FlowEnd::Prefix(p) => z.networks.iter().any(|net| net.contains(p)),
        FlowEnd::Environment(_) => false,
    }
}

fn judge(end: String, kind: &str, traces: &[Trace]) -> Reach {
    let mut firewalls: Vec<Deciding> = Vec::new();
    let mut reasons: Vec<String> = Vec::new();
    let mut outcome = ReachOutcome::Allowed;
    let worse = |o: &mut ReachOutcome, n: ReachOutcome| {
        if n > *o {
            *o = n;
        }
    };
    let mut path_no = 0;
    for tr in traces {
        for d in &tr.diagnoses {
            let s = d.to_string();
            if !reasons.contains(&s) {
                reasons.push(s);
            }
            if d.is_unjudged() {
                worse(&mut outcome, ReachOutcome::Unknown);
            }
        }
        if tr.paths.is_empty() || tr.paths.iter().any(|p| p.end != crate::PathEnd::Delivered) {
            worse(&mut outcome, ReachOutcome::Blocked);
        }
        for p in &tr.paths {
            path_no += 1;
            for h in &p.hops {
                for v in h.verdict().into_iter().chain(h.return_verdict()) {
                    worse(
                        &mut outcome,
                        match v {
                            Verdict::Allowed { .. } => ReachOutcome::Allowed,
                            Verdict::Partial { .. } => ReachOutcome::Partial,
                            Verdict::Unknown { .. } => ReachOutcome::Unknown,
                            Verdict::Denied { .. } | Verdict::NoMatchingRule => {
                                ReachOutcome::NotAllowed
                            }
                        },
                    );
                }
                if let Some(v) = h.verdict() {
                    let verdict = v.to_string();
                    match firewalls
                        .iter_mut()
                        .find(|f| f.firewall == h.node() && f.verdict == verdict)
                    {
                        Some(f) => {
                            if !f.paths.contains(&path_no) {
                                f.paths.push(path_no);
                            }
                        }
                        None => firewalls.push(Deciding {
                            firewall: h.node().to_owned(),
                            verdict,
                            paths: vec![path_no],
                        }),
                    }
                }
            }
        }
    }
    Reach {
        end,
        kind: kind.to_owned(),
        outcome,
        firewalls,
        reasons,
    }
}
