//! Fitting an import into an existing topology ([`Import::merge_into`]).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use std::collections::BTreeMap;

use mccs_model::{EnvRef, Name, Subnet, Topology, VirtualNetwork};

use crate::ranges::{Disjoint, Index};
use crate::{Import, NotImported, comment_list, comment_safe};

/// An import merged into an existing topology: the topology with the new Project Sets and
/// environments, and what happened to each imported environment.
///
/// The existing topology is never changed where it already says something: an environment it
/// has is kept as it is (reported as [`Merged::unchanged`] when the export agrees, listed in
/// [`Merged::left_out`] with the difference when it does not), and an imported network that
/// overlaps an existing network or zone is left out, with the range it overlaps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    topology: Topology,
    added: Vec<EnvRef>,
    unchanged: Vec<EnvRef>,
    subnets_added: Vec<(EnvRef, Name)>,
    left_out: Vec<NotImported>,
}

impl Merged {
    /// The existing topology with the imported environments added.
    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    /// The merged topology, to write or use.
    pub fn into_topology(self) -> Topology {
        self.topology
    }

    /// The environments added, in order.
    pub fn added(&self) -> &[EnvRef] {
        &self.added
    }

    /// The environments the topology already had, with the same account, region and address
    /// space as the export.
    pub fn unchanged(&self) -> &[EnvRef] {
        &self.unchanged
    }

    /// The subnets the export adds to environments the topology already had (whose network
    /// is the same): those not in the topology, neither by name nor by range.
    pub fn subnets_added(&self) -> &[(EnvRef, Name)] {
        &self.subnets_added
    }

    /// The imported environments not merged, and why: those the export could not place
    /// ([`Import::not_imported`]) come first, then conflicts with the topology.
    pub fn left_out(&self) -> &[NotImported] {
        &self.left_out
    }

    /// The merged topology as a YAML document, with a heading saying what was merged from
    /// `source` into `into` and, at the end, what was left out and why (as comments, escaped).
    /// Comments of the original document are not carried over: compare the two with `diff`.
    ///
    /// # Errors
    ///
    /// When the topology cannot be written as YAML, which would be a bug.
    pub fn document(&self, source: &str, into: &str) -> Result<String, mccs_model::YamlError> {
        let mut doc = format!(
            "# {} merged from {} by `mccs import`: {} added, {} already there, {} left out.\n",
            comment_safe(into),
            comment_safe(source),
            self.added.len(),
            self.unchanged.len(),
            self.left_out.len()
        );
        for env in &self.added {
            let _ = writeln!(doc, "#   added {env}");
        }
        for (env, subnet) in &self.subnets_added {
            let _ = writeln!(doc, "#   added subnet {subnet} to {env}");
        }
        doc.push_str(&mccs_model::to_yaml(&self.topology)?);
        if !self.left_out.is_empty() {
            doc.push_str("\n# Left out, and why:\n");
            comment_list(&mut doc, &self.left_out);
        }
        Ok(doc)
    }
}

/// Who owns a range of the existing topology, for overlap messages.
#[derive(Debug, Clone)]
enum Owner {
    Environment(EnvRef),
    Zone(String),
}

impl std::fmt::Display for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Environment(e) => write!(f, "environment {e}"),
            Self::Zone(z) => write!(f, "on-prem zone {z}"),
        }
    }
}

impl Import {
    /// Merges the Project Sets of this import into `existing`: Project Sets are matched by
    /// license plate; an environment the topology lacks is added; one it has is kept as it is;
    /// an imported network whose address space overlaps an existing network, secondary range
    /// or on-prem zone is left out. Nothing is dropped silently: [`Merged::left_out`] lists
    /// every imported network not in the result, with why. Cost grows as `n log n` with the
    /// networks of both.
    ///
    /// ```
    /// use mccs_import::{ImportOptions, aws_vpcs};
    /// let existing = mccs_model::examples::reference();
    /// let json = r#"{"Vpcs": [
    ///   {"VpcId": "vpc-1", "OwnerId": "111111111111", "CidrBlock": "10.99.0.0/24",
    ///    "Tags": [{"Key": "Name", "Value": "xyz789-dev"}]},
    ///   {"VpcId": "vpc-2", "OwnerId": "111111111111", "CidrBlock": "10.99.1.0/24",
    ///    "Tags": [{"Key": "Name", "Value": "xyz789-test"}]}]}"#;
    /// let options = ImportOptions::default().with_ministry("CITZ".parse()?).with_known(&existing);
    /// let merged = aws_vpcs(json, "ca-central-1", &options)?.merge_into(&existing);
    /// assert_eq!(merged.added().len(), 2);
    /// assert_eq!(merged.topology().project_sets.len(), existing.project_sets.len() + 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn merge_into(&self, existing: &Topology) -> Merged {
        let mut topology = existing.clone();
        let mut added = Vec::new();
        let mut unchanged = Vec::new();
        let mut subnets_added = Vec::new();
        let mut left_out = self.not_imported.clone();
        let mut ranges: Vec<(ipnet::IpNet, Owner)> = Vec::new();
        for ps in &existing.project_sets {
            for (env, net) in &ps.environments {
                let owner = Owner::Environment(EnvRef {
                    license_plate: ps.license_plate,
                    environment: env.clone(),
                });
                for r in net.address_space.iter().chain(&net.secondary_ranges) {
                    ranges.push((*r, owner.clone()));
                }
            }
        }
        if let Some(on_prem) = &existing.on_prem {
            for z in &on_prem.zones {
                for r in &z.networks {
                    ranges.push((*r, Owner::Zone(z.name.to_string())));
                }
            }
        }
        let index = Index::new(ranges);
        let mut plates: std::collections::BTreeMap<mccs_model::LicensePlate, usize> = topology
            .project_sets
            .iter()
            .enumerate()
            .rev()
            .map(|(i, ps)| (ps.license_plate, i))
            .collect();
        let labels: std::collections::BTreeMap<&EnvRef, &str> = self
            .placed
            .iter()
            .map(|p| (&p.env, p.label.as_str()))
            .collect();
        for ps in &self.topology.project_sets {
            for (env, net) in &ps.environments {
                let env_ref = EnvRef {
                    license_plate: ps.license_plate,
                    environment: env.clone(),
                };
                let label = labels.get(&env_ref).copied().unwrap_or_default().to_owned();
                let mut refuse = |reason: String| {
                    left_out.push(NotImported {
                        label: label.clone(),
                        reason,
                    });
                };
                let at = plates.get(&ps.license_plate).copied();
                if let Some(at) = at {
                    let there = &topology.project_sets[at];
                    if there.platform != ps.platform {
                        refuse(format!(
                            "Project Set {} is on {} in the topology, and this network is on {}",
                            ps.license_plate, there.platform, ps.platform
                        ));
                        continue;
                    }
                    if there.ministry != ps.ministry {
                        refuse(format!(
                            "Project Set {} belongs to {} in the topology, and the export says {}; fix the tag or pass --ministry",
                            ps.license_plate, there.ministry, ps.ministry
                        ));
                        continue;
                    }
                    if let Some(old) = there.environments.get(env) {
                        let same = old.account == net.account
                            && old.region == net.region
                            && old.address_space.iter().collect::<BTreeSet<_>>()
                                == net.address_space.iter().collect::<BTreeSet<_>>();
                        if same {
                            let had = topology.project_sets[at].environments.get_mut(env);
                            for (name, why) in had
                                .map(|old| add_subnets(old, &net.subnets))
                                .unwrap_or_default()
                            {
                                match why {
                                    None => subnets_added.push((env_ref.clone(), name)),
                                    Some(why) => refuse(why),
                                }
                            }
                            unchanged.push(env_ref);
                        } else {
                            refuse(format!(
                                "{env_ref} is already in the topology (account {}, region {}, address space {}) and the export differs (account {}, region {}, address space {}); edit the topology by hand if the network changed",
                                old.account,
                                old.region,
                                list(&old.address_space),
                                net.account,
                                net.region,
                                list(&net.address_space)
                            ));
                        }
                        continue;
                    }
                }
                if let Some((r, owner)) = net
                    .address_space
                    .iter()
                    .find_map(|r| index.overlapping(r).map(|o| (r, o)))
                {
                    refuse(format!(
                        "its address space {r} overlaps {owner} of the topology; an address belongs to one network"
                    ));
                    continue;
                }
                match at {
                    Some(at) => {
                        topology.project_sets[at]
                            .environments
                            .insert(env.clone(), net.clone());
                    }
                    None => {
                        let mut new = ps.clone();
                        new.environments.clear();
                        new.environments.insert(env.clone(), net.clone());
                        plates.insert(ps.license_plate, topology.project_sets.len());
                        topology.project_sets.push(new);
                    }
                }
                added.push(env_ref);
            }
        }
        Merged {
            topology,
            added,
            unchanged,
            subnets_added,
            left_out,
        }
    }
}

/// Adds to `net` (an environment the topology has) the imported `subnets` it lacks: a subnet
/// equal to one it has is skipped, one whose name it uses for another range or whose range
/// overlaps one of its subnets is refused. Returns each subnet added (`None`) or refused
/// (`Some(why)`).
fn add_subnets(net: &mut VirtualNetwork, subnets: &[Subnet]) -> Vec<(Name, Option<String>)> {
    let mut out = Vec::new();
    let mut names: BTreeMap<Name, ipnet::IpNet> = net
        .subnets
        .iter()
        .map(|s| (s.name.clone(), s.cidr))
        .collect();
    let mut used: Disjoint<Name> = Disjoint::default();
    for s in &net.subnets {
        let _ = used.insert(&s.cidr, s.name.clone());
    }
    for s in subnets {
        match names.get(&s.name) {
            Some(cidr) if *cidr == s.cidr => continue,
            Some(cidr) => {
                out.push((
                    s.name.clone(),
                    Some(format!(
                        "subnet `{}` ({}) is in the topology with range {cidr}; edit the topology by hand if it changed",
                        s.name, s.cidr
                    )),
                ));
                continue;
            }
            None => {}
        }
        match used.insert(&s.cidr, s.name.clone()) {
            Err(other) => out.push((
                s.name.clone(),
                Some(format!(
                    "subnet `{}` ({}) overlaps subnet `{other}` of the topology",
                    s.name, s.cidr
                )),
            )),
            Ok(()) => {
                names.insert(s.name.clone(), s.cidr);
                net.subnets.push(s.clone());
                out.push((s.name.clone(), None));
            }
        }
    }
    out
}

fn list(nets: &[ipnet::IpNet]) -> String {
    nets.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
