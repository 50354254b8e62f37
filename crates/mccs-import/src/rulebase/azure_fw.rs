//! Azure Firewall Policy: `az network firewall policy rule-collection-group list`.
//!
//! Not built yet: see docs/import.md.

use mccs_model::{ExportFinding, ExportPlace, Firewall, ImportedRulebase};

use super::Export;

/// Reads a policy's rule collection groups (with its parent's and its IP Groups).
///
/// # Errors
///
/// Every problem found in the export, each located in it.
pub fn read(
    export: &Export,
    _parent: Option<&Export>,
    _ip_groups: Option<&Export>,
    _firewall: &Firewall,
) -> Result<ImportedRulebase, Vec<ExportFinding>> {
    Err(vec![ExportFinding::error(
        ExportPlace::new(export.file(), ""),
        "reading this format is not built yet",
    )])
}
