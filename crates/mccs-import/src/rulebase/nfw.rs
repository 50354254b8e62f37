//! AWS Network Firewall: `describe-firewall-policy` and `describe-rule-group`.
//!
//! Not built yet: see docs/import.md.

use mccs_model::{ExportFinding, ExportPlace, Firewall, ImportedRulebase};

use super::Export;

/// Reads a firewall policy and its rule groups.
///
/// # Errors
///
/// Every problem found in the export, each located in it.
pub fn read(
    export: &Export,
    _rule_groups: &[Export],
    _firewall: &Firewall,
) -> Result<ImportedRulebase, Vec<ExportFinding>> {
    Err(vec![ExportFinding::error(
        ExportPlace::new(export.file(), ""),
        "reading this format is not built yet",
    )])
}
