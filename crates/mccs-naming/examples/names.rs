//! Names for a Project Set built in code: formats the first rule and the VNet object of
//! `abc123`'s prod environment, reads a name back into its parts, checks a firewall's rulebase
//! and picks the next free rule names.
//!
//! `cargo run -p mccs-naming --example names`
#![allow(clippy::print_stdout)]

use mccs_model::{
    Environment, Firewall, Name, Platform, ProjectSet, Rule, Service, VirtualNetwork,
};
use mccs_naming::{
    Conventions, Direction, ObjectIdentity, ObjectKind, ParseOptions, RuleIdentity, RuleStem,
    check_rulebase, next_free,
};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

pub(crate) fn main() -> Result<()> {
    // The Project Set, built in code.
    let vnet = VirtualNetwork::new(
        "sub-3".into(),
        "canadacentral".into(),
        vec!["10.46.8.0/24".parse()?],
    );
    let ps = ProjectSet::new("abc123".parse()?, "CITZ".parse()?, Platform::AzureAlz)
        .environment(Environment::Prod, vnet);

    // Format: the first outbound rule and the VNet's Network IP Range Object.
    let conventions = Conventions::default();
    let (rules, objects) = (conventions.rule(), conventions.object());
    let first = RuleIdentity {
        ministry: ps.ministry,
        platform: ps.platform,
        license_plate: ps.license_plate,
        environment: Environment::Prod,
        direction: Direction::Outbound,
        sequence: 1,
    };
    let rule_name = rules.format_rule(&first)?;
    let vnet_object = ObjectIdentity {
        ministry: ps.ministry,
        platform: ps.platform,
        license_plate: ps.license_plate,
        environment: Environment::Prod,
        kind: ObjectKind::Network,
        label: None,
    };
    let object_name = objects.format_object(&vnet_object)?;
    println!("rule name:   {rule_name}");
    println!("object name: {object_name}");

    // Parse: a name reads back into the identity it was made from; a malformed one says why.
    let parsed = rules.parse_rule(&rule_name)?;
    println!(
        "{rule_name} reads back as {} / {} / {} / {}, {}, rule {}",
        parsed.ministry,
        parsed.platform,
        parsed.license_plate,
        parsed.environment,
        parsed.direction.as_str(),
        parsed.sequence
    );
    let bad = "MCCS_CITZ_alz_LIVE_abc123_prod";
    if let Err(e) = rules.parse_rule(bad) {
        println!("{bad}: {e}");
    }

    // Check: a cloud firewall's rulebase, built in code, with a stray name and a duplicate.
    let (vnet_obj, db): (Name, Name) = (object_name.parse()?, "CITZ_ORACLE_DB".parse()?);
    let oracle: Service = "tcp/1521".parse()?;
    let allow = |name: Name| Rule::allow(name, [vnet_obj.clone()], [db.clone()], [oracle]);
    let fw = Firewall::cloud(
        "azure-fw".parse()?,
        Platform::AzureAlz,
        "Public Cloud Team",
        "cloud".parse()?,
    )
    .rule(allow(rule_name.parse()?))
    .rule(allow("allow-forms-db".parse()?))
    .rule(allow(
        rules.format_rule(&first.stem().with_sequence(2))?.parse()?,
    ))
    .rule(allow(rule_name.parse()?));
    let names: Vec<&str> = fw.rules.iter().map(|r| r.name.as_str()).collect();
    for finding in check_rulebase(rules, &ParseOptions::default(), &names) {
        println!("{}: {finding}", fw.name);
    }

    // Next free: the names for one more outbound and the first inbound rule.
    let inbound = RuleStem {
        direction: Direction::Inbound,
        ..first.stem()
    };
    println!(
        "next outbound: {}",
        next_free(rules, &first.stem(), &names)?
    );
    println!("first inbound: {}", next_free(rules, &inbound, &names)?);
    Ok(())
}
