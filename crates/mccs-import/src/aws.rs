//! Reading the JSON of `aws ec2 describe-vpcs`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::{ImportError, Network};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Vpc {
    vpc_id: String,
    owner_id: Option<String>,
    cidr_block: Option<String>,
    #[serde(default)]
    cidr_block_association_set: Vec<CidrAssociation>,
    #[serde(default)]
    ipv6_cidr_block_association_set: Vec<Ipv6Association>,
    #[serde(default)]
    tags: Vec<Tag>,
    #[serde(default)]
    is_default: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CidrAssociation {
    cidr_block: String,
    cidr_block_state: Option<CidrBlockState>,
}

/// An IPv6 block of a VPC (`Ipv6CidrBlockAssociationSet`), Amazon-provided or BYOIP.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Ipv6Association {
    pub(crate) ipv6_cidr_block: String,
    pub(crate) ipv6_cidr_block_state: Option<CidrBlockState>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CidrBlockState {
    pub(crate) state: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Tag {
    pub(crate) key: String,
    pub(crate) value: String,
}

/// The command whose output this reads.
const COMMAND: &str = "aws ec2 describe-vpcs --output json";

/// The VPCs of a `describe-vpcs` document, in its order. Entries that are not VPCs come back
/// as unreadable networks, so they are reported rather than dropped.
pub(crate) fn parse(text: &str, region: &str) -> Result<Vec<Network>, ImportError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| ImportError::NotJson {
        reason: e.to_string(),
        command: COMMAND,
    })?;
    let Some(vpcs) = doc.get("Vpcs").and_then(Value::as_array) else {
        return Err(ImportError::NotAnExport {
            name: "aws ec2 describe-vpcs",
            expected: "an object with a `Vpcs` list",
            command: COMMAND,
        });
    };
    Ok(vpcs
        .iter()
        .enumerate()
        .map(|(i, v)| read_vpc(i, v, region))
        .collect())
}

fn read_vpc(index: usize, value: &Value, region: &str) -> Network {
    let vpc = match Vpc::deserialize(value) {
        Ok(v) => v,
        Err(e) => {
            let label = value
                .get("VpcId")
                .and_then(Value::as_str)
                .map_or_else(|| format!("Vpcs[{index}]"), str::to_owned);
            return Network {
                id: label.clone(),
                label,
                unreadable: Some(format!("not a VPC entry: {e}")),
                ..Network::default()
            };
        }
    };
    let tags: BTreeMap<String, String> = vpc.tags.into_iter().map(|t| (t.key, t.value)).collect();
    let name = tags.get("Name").cloned();
    let label = match &name {
        Some(n) => format!("{} (Name {n})", vpc.vpc_id),
        None => vpc.vpc_id.clone(),
    };
    let mut prefixes = Vec::new();
    let mut inactive = Vec::new();
    if vpc.cidr_block_association_set.is_empty() {
        prefixes.extend(vpc.cidr_block);
    } else {
        for a in vpc.cidr_block_association_set {
            match a.cidr_block_state.map(|s| s.state) {
                Some(s) if s != "associated" => inactive.push((a.cidr_block, s)),
                _ => prefixes.push(a.cidr_block),
            }
        }
    }
    for a in vpc.ipv6_cidr_block_association_set {
        match a.ipv6_cidr_block_state.map(|s| s.state) {
            Some(s) if s != "associated" => inactive.push((a.ipv6_cidr_block, s)),
            _ => prefixes.push(a.ipv6_cidr_block),
        }
    }
    Network {
        id: vpc.vpc_id,
        label,
        name,
        account: vpc.owner_id,
        region: Some(region.to_owned()),
        prefixes,
        inactive,
        tags,
        remark: vpc.is_default.then_some("the account's default VPC"),
        unreadable: None,
        subnets: Vec::new(),
    }
}
