//! Rulebases from exports, as `check_with` merges them: findings located in the export, and
//! objects of the same name in two exports.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mccs_model::{
    AddressRef, ExportFinding, ExportPlace, Firewall, FirewallObject, Format, ImportedRulebase,
    Rule, RulebaseReader, RulebaseRef, Service, ValidateOptions, check_with,
};

/// Each export holds one rule from the object `HOME_NET` to anywhere; the network of `HOME_NET`
/// is the export's file name's first letter: `a.json` 10.1.0.0/16, `b.json` 10.2.0.0/16.
struct HomeNets;

impl RulebaseReader for HomeNets {
    fn read(
        &mut self,
        _: &Firewall,
        r: &RulebaseRef,
    ) -> Result<ImportedRulebase, Vec<ExportFinding>> {
        let mut rb = ImportedRulebase::new();
        let net = if r.file.starts_with('a') {
            "10.1.0.0/16"
        } else {
            "10.2.0.0/16"
        };
        let home = "HOME_NET".parse().unwrap();
        rb.push_object(
            FirewallObject::network(home, net.parse().unwrap()),
            ExportPlace::new(r.file.clone(), "[0].IPSets.HOME_NET"),
        );
        rb.push_rule(
            Rule::allow(
                "R1".parse().unwrap(),
                [AddressRef::Object("HOME_NET".parse().unwrap())],
                [AddressRef::Any],
                ["tcp/443".parse::<Service>().unwrap()],
            ),
            ExportPlace::new(r.file.clone(), "[0].Rules[0]"),
        );
        Ok(rb)
    }
}

const DOC: &str = "version: 1
channels:
  - {name: c, title: C, filed_by: a, handled_by: b}
firewalls:
  - {name: fw-a, kind: other, owner: o, channel: c, rulebase: {format: aws-network-firewall, file: a.json}}
  - {name: fw-b, kind: other, owner: o, channel: c, rulebase: {format: aws-network-firewall, file: b.json}}
  - {name: fw-c, kind: other, owner: o, channel: c, rulebase: {format: aws-network-firewall, file: a2.json}}
";

#[test]
fn an_object_two_exports_define_differently_is_scoped_to_the_second_firewall() {
    let checked = check_with(
        DOC,
        Format::Yaml,
        &ValidateOptions::default(),
        &mut HomeNets,
    );
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    let t = &checked.topology;
    // fw-a's HOME_NET keeps its name; fw-b's is scoped and its rule follows; fw-c's equals
    // fw-a's, so it is the same object.
    let names: Vec<&str> = t.objects.iter().map(|o| o.name().as_str()).collect();
    assert_eq!(names, ["HOME_NET", "fw-b.HOME_NET"]);
    assert_eq!(
        t.firewalls[1].rules[0].sources[0].to_string(),
        "fw-b.HOME_NET"
    );
    assert_eq!(t.firewalls[2].rules[0].sources[0].to_string(), "HOME_NET");
    let warning = checked.diagnostics.iter().find(|d| !d.is_error()).unwrap();
    assert_eq!(
        warning.to_string(),
        "warning: b.json: [0].IPSets.HOME_NET (firewalls[1].rulebase): object `HOME_NET` differs from the one of that name in a.json: [0].IPSets.HOME_NET: it is named `fw-b.HOME_NET` for this firewall"
    );
}

#[test]
fn an_object_that_clashes_with_the_document_is_an_error_in_the_export() {
    let doc = format!("{DOC}objects:\n  - {{kind: host, name: HOME_NET, address: 10.9.9.9}}\n");
    let checked = check_with(
        &doc,
        Format::Yaml,
        &ValidateOptions::default(),
        &mut HomeNets,
    );
    let errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(errors[0].starts_with("error: a.json: [0].IPSets.HOME_NET (firewalls[0].rulebase): object `HOME_NET` is also defined in the document with other content"), "{errors:#?}");
}
