//! Azure network security groups: `az network nsg list` / `show`.
//!
//! Not built yet: see docs/import.md.

use mccs_model::{ExportFinding, ExportPlace, Firewall, ImportedRulebase};

use super::Export;

/// Reads the NSG `select` names.
///
/// # Errors
///
/// Every problem found in the export, each located in it.
pub fn read(
    export: &Export,
    _select: &str,
    _firewall: &Firewall,
) -> Result<ImportedRulebase, Vec<ExportFinding>> {
    Err(vec![ExportFinding::error(
        ExportPlace::new(export.file(), ""),
        "reading this format is not built yet",
    )])
}
