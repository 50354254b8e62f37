//! PAN-OS running configuration (XML).
//!
//! Not built yet: see docs/import.md.

use mccs_model::{ExportFinding, ExportPlace, Firewall, ImportedRulebase};

use super::Export;

/// Reads the security rules of the virtual system `select` names (default `vsys1`).
///
/// # Errors
///
/// Every problem found in the export, each located in it.
pub fn read(
    export: &Export,
    _select: Option<&str>,
    _firewall: &Firewall,
) -> Result<ImportedRulebase, Vec<ExportFinding>> {
    Err(vec![ExportFinding::error(
        ExportPlace::new(export.file(), ""),
        "reading this format is not built yet",
    )])
}
