//! Reading the JSON of `az network vnet list`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::{ImportError, Network, RawSubnet};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Vnet {
    name: String,
    id: Option<String>,
    location: Option<String>,
    resource_group: Option<String>,
    address_space: Option<AddressSpace>,
    #[serde(default)]
    tags: Option<BTreeMap<String, String>>,
    #[serde(default)]
    subnets: Option<Vec<VnetSubnet>>,
}

/// A subnet as `vnet list` writes it: `addressPrefix`, or `addressPrefixes` when it has several
/// (an IPv4 and an IPv6 range, say).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct VnetSubnet {
    name: String,
    address_prefix: Option<String>,
    #[serde(default)]
    address_prefixes: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AddressSpace {
    #[serde(default)]
    address_prefixes: Vec<String>,
}

/// The command whose output this reads.
const COMMAND: &str = "az network vnet list --output json";

/// The VNets of a `vnet list` document, in its order. Entries that are not VNets come back as
/// unreadable networks, so they are reported rather than dropped.
pub(crate) fn parse(text: &str) -> Result<Vec<Network>, ImportError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| ImportError::NotJson {
        reason: e.to_string(),
        command: COMMAND,
    })?;
    let Some(vnets) = doc.as_array() else {
        return Err(ImportError::NotAnExport {
            name: "az network vnet list",
            expected: "a list of VNets",
            command: COMMAND,
        });
    };
    Ok(vnets
        .iter()
        .enumerate()
        .map(|(i, v)| read_vnet(i, v))
        .collect())
}

/// The subscription ID of an Azure resource ID `/subscriptions/<id>/resourceGroups/...`.
fn subscription(id: &str) -> Option<&str> {
    let mut parts = id.split('/');
    parts.find(|p| p.eq_ignore_ascii_case("subscriptions"))?;
    parts.next().filter(|s| !s.is_empty())
}

fn read_vnet(index: usize, value: &Value) -> Network {
    let vnet = match Vnet::deserialize(value) {
        Ok(v) => v,
        Err(e) => {
            let label = value
                .get("name")
                .and_then(Value::as_str)
                .map_or_else(|| format!("[{index}]"), str::to_owned);
            return Network {
                id: label.clone(),
                label,
                unreadable: Some(format!("not a VNet entry: {e}")),
                ..Network::default()
            };
        }
    };
    let label = match &vnet.resource_group {
        Some(rg) => format!("{} (resource group {rg})", vnet.name),
        None => vnet.name.clone(),
    };
    let account = vnet.id.as_deref().and_then(subscription).map(str::to_owned);
    let unreadable = account.is_none().then(|| {
        "no subscription: `id` is not a resource ID `/subscriptions/<id>/resourceGroups/...`"
            .to_owned()
    });
    let subnets = vnet
        .subnets
        .unwrap_or_default()
        .into_iter()
        .map(|s| RawSubnet {
            id: s.name.clone(),
            prefixes: s
                .address_prefixes
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| s.address_prefix.into_iter().collect()),
            name: Some(s.name),
        })
        .collect();
    Network {
        id: vnet.name.clone(),
        label,
        name: Some(vnet.name),
        account,
        region: vnet.location,
        prefixes: vnet
            .address_space
            .map(|a| a.address_prefixes)
            .unwrap_or_default(),
        inactive: Vec::new(),
        tags: vnet.tags.unwrap_or_default(),
        remark: None,
        unreadable,
        subnets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscription_from_resource_id() {
        let id = "/subscriptions/0f3c8a52-6c1e-4d1b-9a7e-0c6a2b9d0d03/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v";
        assert_eq!(
            subscription(id),
            Some("0f3c8a52-6c1e-4d1b-9a7e-0c6a2b9d0d03")
        );
        assert_eq!(subscription("/resourceGroups/rg"), None);
        assert_eq!(subscription("/subscriptions/"), None);
    }
}
