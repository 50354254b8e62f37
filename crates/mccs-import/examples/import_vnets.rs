//! Imports the saved output of `az network vnet list --output json` (the file given, or a
//! small built-in sample) and prints the topology document `mccs import azure-vnets` writes,
//! then what was left out.
//!
//! `cargo run -p mccs-import --example import_vnets -- vnets.json`
#![allow(clippy::print_stdout)]

use mccs_import::{ImportOptions, azure_vnets};

const SAMPLE: &str = r#"[
  {"name": "abc123-prod-vnet", "location": "canadacentral",
   "id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/abc123-prod-networking/providers/Microsoft.Network/virtualNetworks/abc123-prod-vnet",
   "addressSpace": {"addressPrefixes": ["10.46.7.0/24"]}, "tags": {"Ministry": "CITZ"}},
  {"name": "hub-vnet", "location": "canadacentral",
   "id": "/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/connectivity/providers/Microsoft.Network/virtualNetworks/hub-vnet",
   "addressSpace": {"addressPrefixes": ["10.46.0.0/24"]}}
]"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (source, json) = match std::env::args().nth(1) {
        Some(path) => {
            let text = std::fs::read_to_string(&path)?;
            (path, text)
        }
        None => ("the built-in sample".to_owned(), SAMPLE.to_owned()),
    };
    let import = azure_vnets(
        &json,
        &ImportOptions::default().with_ministry("CITZ".parse()?),
    )?;
    print!("{}", import.document(&source)?);
    println!(
        "\n# {} placed, {} not imported",
        import.placed().len(),
        import.not_imported().len()
    );
    Ok(())
}
