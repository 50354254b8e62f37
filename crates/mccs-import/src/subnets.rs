//! Subnets: from Azure's `vnet list` (which lists them in each VNet) and from AWS's
//! `aws ec2 describe-subnets` ([`Import::add_aws_subnets`]).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use ipnet::IpNet;

use mccs_model::{Name, Subnet, VirtualNetwork};
use serde::Deserialize;
use serde_json::Value;

use crate::aws::{CidrBlockState, Tag};
use crate::ranges::Disjoint;
use crate::{Import, ImportError, LeftOut, NotImported, RawSubnet};

/// Adds `raw` to `vnet` as subnets; what cannot be added goes to `left_out`, with why. A subnet
/// has one CIDR in the model: its first range inside the network's address space; any other
/// range of it (an IPv6 block beside the IPv4 one) is listed.
pub(crate) fn attach(vnet: &mut VirtualNetwork, raw: &[RawSubnet], left_out: &mut Vec<LeftOut>) {
    let mut taken: BTreeSet<Name> = vnet.subnets.iter().map(|s| s.name.clone()).collect();
    let spaces: HashSet<IpNet> = vnet.address_space.iter().map(IpNet::trunc).collect();
    let mut used: Disjoint<Name> = Disjoint::default();
    for s in &vnet.subnets {
        let _ = used.insert(&s.cidr, s.name.clone());
    }
    for sn in raw {
        let label = match &sn.name {
            Some(n) if *n != sn.id => format!("subnet {} (Name {n})", sn.id),
            _ => format!("subnet {}", sn.id),
        };
        let mut refuse = |range: &str, why: String| {
            left_out.push(LeftOut {
                range: range.to_owned(),
                reason: format!("{label}: {why}"),
            });
        };
        // The `Name` tag when it is a usable, unused name; else the provider's identifier.
        let name = [sn.name.as_deref(), Some(sn.id.as_str())]
            .into_iter()
            .flatten()
            .filter_map(|n| n.parse::<Name>().ok())
            .find(|n| !taken.contains(n));
        let Some(name) = name else {
            for p in &sn.prefixes {
                refuse(p, "neither its name nor its identifier is a free subnet name (letters, digits, `_`, `-`, `.`)".to_owned());
            }
            continue;
        };
        let mut cidr = None;
        for p in &sn.prefixes {
            match mccs_model::parse_prefix(p) {
                None => refuse(p, "not a CIDR".to_owned()),
                Some(c) if !within(&spaces, &c) => refuse(
                    p,
                    "outside the imported address space (in a range left out of it)".to_owned(),
                ),
                Some(_) if cidr.is_some() => refuse(
                    p,
                    "a subnet has one CIDR in the topology, and this is its second".to_owned(),
                ),
                Some(c) => match used.insert(&c, name.clone()) {
                    Err(other) => refuse(p, format!("overlaps subnet `{other}`")),
                    Ok(()) => cidr = Some(c),
                },
            }
        }
        if let Some(cidr) = cidr {
            taken.insert(name.clone());
            vnet.subnets.push(Subnet::new(name, cidr));
        }
    }
}

/// Whether `net` is inside one of `spaces` (truncated prefixes): one of its at most 129
/// supernets is among them, so the cost does not grow with the number of spaces.
fn within(spaces: &HashSet<IpNet>, net: &IpNet) -> bool {
    (0..=net.prefix_len())
        .any(|len| IpNet::new(net.addr(), len).is_ok_and(|n| spaces.contains(&n.trunc())))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AwsSubnet {
    subnet_id: String,
    vpc_id: String,
    cidr_block: Option<String>,
    #[serde(default)]
    ipv6_cidr_block_association_set: Vec<AwsSubnetIpv6>,
    #[serde(default)]
    tags: Vec<Tag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AwsSubnetIpv6 {
    ipv6_cidr_block: String,
    ipv6_cidr_block_state: Option<CidrBlockState>,
}

/// The command whose output [`Import::add_aws_subnets`] reads.
const COMMAND: &str = "aws ec2 describe-subnets --output json";

impl Import {
    /// Adds the subnets of `aws ec2 describe-subnets` (`json`) to the VPCs this import placed,
    /// matched by `VpcId`. Each subnet is named by its `Name` tag, or else its `SubnetId`, and
    /// has no network ACL (the real-rulebase importers attach those). A subnet of a VPC that is
    /// not placed, or whose range cannot be used, is listed with why
    /// ([`Import::not_imported`], [`Placed::left_out`](crate::Placed::left_out)): none is
    /// dropped silently.
    ///
    /// ```
    /// use mccs_import::{ImportOptions, aws_vpcs};
    /// let vpcs = r#"{"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "111111111111",
    ///     "CidrBlock": "10.40.0.0/24", "Tags": [{"Key": "Name", "Value": "abc123-prod"}]}]}"#;
    /// let subnets = r#"{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1",
    ///     "CidrBlock": "10.40.0.0/26", "Tags": [{"Key": "Name", "Value": "data-a"}]}]}"#;
    /// let options = ImportOptions::default().with_ministry("CITZ".parse()?);
    /// let mut import = aws_vpcs(vpcs, "ca-central-1", &options)?;
    /// import.add_aws_subnets(subnets)?;
    /// let vpc = &import.topology().project_sets[0].environments[&"prod".parse()?];
    /// assert_eq!(vpc.subnets[0].name.as_str(), "data-a");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ImportError`] when the text is not such an export; nothing is added then.
    pub fn add_aws_subnets(&mut self, json: &str) -> Result<(), ImportError> {
        let doc: Value = serde_json::from_str(json).map_err(|e| ImportError::NotJson {
            reason: e.to_string(),
            command: COMMAND,
        })?;
        let Some(list) = doc.get("Subnets").and_then(Value::as_array) else {
            return Err(ImportError::NotAnExport {
                name: "aws ec2 describe-subnets",
                expected: "an object with a `Subnets` list",
                command: COMMAND,
            });
        };
        let placed: BTreeMap<&str, usize> = self
            .placed
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i))
            .collect();
        let mut by_vpc: BTreeMap<usize, Vec<RawSubnet>> = BTreeMap::new();
        let mut orphans = Vec::new();
        for (i, value) in list.iter().enumerate() {
            let sn = match AwsSubnet::deserialize(value) {
                Ok(s) => s,
                Err(e) => {
                    let label = value
                        .get("SubnetId")
                        .and_then(Value::as_str)
                        .map_or_else(|| format!("Subnets[{i}]"), |id| format!("subnet {id}"));
                    orphans.push(NotImported {
                        label,
                        reason: format!("not a subnet entry: {e}"),
                    });
                    continue;
                }
            };
            let Some(&at) = placed.get(sn.vpc_id.as_str()) else {
                orphans.push(NotImported {
                    label: format!("subnet {}", sn.subnet_id),
                    reason: format!("its VPC {} is not imported", sn.vpc_id),
                });
                continue;
            };
            let mut prefixes: Vec<String> = sn.cidr_block.into_iter().collect();
            for a in sn.ipv6_cidr_block_association_set {
                match a.ipv6_cidr_block_state.map(|s| s.state) {
                    Some(s) if s != "associated" => orphans.push(NotImported {
                        label: format!("subnet {}", sn.subnet_id),
                        reason: format!("its IPv6 block {} is {s}", a.ipv6_cidr_block),
                    }),
                    _ => prefixes.push(a.ipv6_cidr_block),
                }
            }
            let name = sn
                .tags
                .into_iter()
                .find(|t| t.key == "Name")
                .map(|t| t.value);
            by_vpc.entry(at).or_default().push(RawSubnet {
                id: sn.subnet_id,
                name,
                prefixes,
            });
        }
        for (at, raw) in by_vpc {
            let p = &mut self.placed[at];
            let Some(vnet) = self
                .topology
                .project_sets
                .iter_mut()
                .find(|ps| ps.license_plate == p.env.license_plate)
                .and_then(|ps| ps.environments.get_mut(&p.env.environment))
            else {
                continue;
            };
            attach(vnet, &raw, &mut p.left_out);
        }
        self.not_imported.extend(orphans);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_finds_the_space_that_holds_a_subnet() {
        let spaces: HashSet<IpNet> = ["10.40.0.0/24", "10.50.0.0/16", "2600:1f11::/56"]
            .iter()
            .map(|s| s.parse::<IpNet>().unwrap_or_else(|e| panic!("{e}")).trunc())
            .collect();
        let is = |s: &str| within(&spaces, &s.parse().unwrap_or_else(|e| panic!("{e}")));
        assert!(is("10.40.0.0/24"));
        assert!(is("10.40.0.64/26"));
        assert!(is("10.50.200.0/24"));
        assert!(is("2600:1f11:0:10::/64"));
        assert!(!is("10.40.1.0/26"));
        assert!(
            !is("10.40.0.0/23"),
            "a supernet of a space is not inside it"
        );
        assert!(!is("2600:1f12::/64"));
    }
}
