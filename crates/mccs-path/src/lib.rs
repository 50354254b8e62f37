//! Path resolution and policy evaluation for hybrid and multi-cloud flows.
//!
//! Builds a directed graph (petgraph) of a [`mccs_model::Topology`]: Project Set networks,
//! enforcement points (cloud firewalls, the 3PG, zone firewalls, security groups), transports
//! (DirectConnect, ExpressRoute, PrivateLink regions), on-prem zones and endpoints and external
//! networks. Edges carry the prefixes reachable through them; forwarding is a longest-prefix
//! match at every node, and redundant links or a DR region give several paths, each marked
//! primary or failover. PrivateLink hops replace the source as the far side sees it.
//!
//! Each firewall evaluates its ordered rulebase (first match wins) over exact address and
//! service sets, through an index on destination prefixes; the verdict says which rule allows
//! or denies the traffic, that none matches, or which part is left out.
//!
//! ```
//! use mccs_path::{plan, apply, PlanOptions, Status};
//!
//! let topology = mccs_model::examples::reference();
//! let p = plan(&topology, &topology.flows, &PlanOptions::default());
//!
//! // The seed's example: the CITZ forms VNet to the on-prem Oracle database.
//! let seed = &p.flows[0];
//! assert_eq!(seed.status(), Status::NeedsRules);
//! // One rule on the on-prem request, named by the seed's pattern, for the 3PG and the zone firewall.
//! let rule = p.rules.iter()
//!     .find(|r| r.channel == "on-prem-firewall-request"
//!         && r.owner.as_ref().is_some_and(|o| o.to_string() == "abc123-prod"))
//!     .unwrap();
//! assert_eq!(&*rule.name, "MCCS_CITZ_ALZ_LIVE_abc123_prod");
//! let on: Vec<_> = rule.targets.iter().map(|t| t.firewall.as_str()).collect();
//! assert_eq!(on, ["3pg", "zone-b-firewall"]);
//!
//! // Applying the plan leaves nothing to request.
//! let after = apply(&topology, &p);
//! assert!(plan(&after, &after.flows, &PlanOptions::default()).rules.is_empty());
//! ```
//!
//! Firewalls are stateful: a rule allows traffic initiated from its sources, and the return
//! traffic of an allowed session needs no rule. A flow initiated from the other side is another
//! directed flow with its own rules ([`mccs_model::Initiator`]). The exception is the AWS
//! network ACL, a stateless filter on subnets: a hop through one also judges the return traffic
//! (with its other list, to the ephemeral ports; [`Hop::return_verdict`]), and the plan requests
//! a rule for it when needed ([`PlannedRule::return_traffic`]). Security groups / NSGs judge
//! traffic into a network with their inbound list and traffic out of it with their outbound list
//! ([`Hop::list`]); a private NAT translates sources in a VPC's secondary ranges on the way out.
//!
//! Architecture invariant: this crate does no I/O and renders nothing; it turns a topology and
//! flows into traces and plans.

mod addrset;
mod analysis;
mod diff;
mod eval;
mod graph;
mod label;
mod plan;
mod prefix;
mod reach;
mod resolve;
mod svcset;
mod trace;
mod trace_text;

pub use addrset::{AddrSet, prefix_text};
pub use analysis::{AnalysisOptions, IMPLICIT_DENY, RuleFinding, RuleFindingKind, analysis_of};
pub use diff::{
    Diff, DiffOptions, FirewallStatus, FlowChange, FlowOrigin, MAX_REORDER_CHECKS,
    MAX_SAMPLED_PAIRS, NETWORKS_PER_RULE, Reason, RequestChange, RequestChangeKind, RuleChange,
    RuleChangeKind, RulebaseChange, Sampled, VerdictChange, diff,
};
pub use eval::{FlowBox, MAX_BOXES, Verdict};
pub use graph::{Edge, NetworkGraph, Node, Party, PrivateLinkSide, Translation};
pub use mccs_naming::Direction;
pub use plan::{
    DirectedPlan, FlowPlan, MAX_PLAN_WORK, PLAN_WORK_PER_FLOW, Placement, Plan, PlanOptions,
    PlannedRule, Status, Step, Target, apply, plan, plan_with,
};
pub use reach::{Deciding, Reach, ReachDirection, ReachOutcome, reach};
pub use resolve::object_sets;
pub use svcset::SvcSet;
pub use trace::{
    Addresses, Diagnosis, DirectedFlow, FlowError, Hop, MAX_WORK, Path, PathEnd, PathRole,
    STEP_WORK, Trace, TraceOptions,
};
pub use trace_text::{DEFAULT_TRACE_WIDTH, TraceText};

/// Resolves a flow's services (literal or named) to a set.
pub fn resolve_services(graph: &NetworkGraph<'_>, services: &[mccs_model::ServiceRef]) -> SvcSet {
    graph.resolver.service_refs(services)
}
