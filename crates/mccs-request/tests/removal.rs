//! Removal requests (`RequestSet::for_removal`) on the small estate `tests/data/removal.yaml`:
//! exactly which rules and objects each removal lists, and the goldens of every format under
//! `tests/golden/removal-retire` and `tests/golden/removal-expired`.
//! `UPDATE_EXPECT=1 cargo test -p mccs-request --test removal` rewrites the goldens.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use mccs_model::Topology;
use mccs_request::{
    BuildOptions, NoteKind, ObjectStatus, OutputFormat, Removal, RemovalError, RequestSet,
    RuleAction, Templates, render,
};

fn topology() -> Topology {
    let text = include_str!("data/removal.yaml");
    let checked = mccs_model::check(text, mccs_model::Format::Yaml, &Default::default());
    assert!(
        checked.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        checked.diagnostics
    );
    checked.topology
}

fn retire(env: &str) -> RequestSet {
    let removal = Removal::RetireEnvironment(env.parse().unwrap());
    RequestSet::for_removal(&topology(), &removal, &BuildOptions::default()).unwrap()
}

fn expired(today: &str, within_days: u32) -> RequestSet {
    let removal = Removal::Expired {
        today: today.parse().unwrap(),
        within_days,
    };
    RequestSet::for_removal(&topology(), &removal, &BuildOptions::default()).unwrap()
}

/// Every Traffic Table row as `request: firewall list#position rule`.
fn rows(set: &RequestSet) -> Vec<String> {
    set.requests
        .iter()
        .flat_map(|r| {
            r.traffic.iter().map(move |row| {
                assert_eq!(row.action, RuleAction::Remove);
                let a = &row.apply_on[0];
                format!(
                    "{}: {}#{} {}",
                    r.id,
                    a.firewall,
                    a.position.unwrap(),
                    row.rule
                )
            })
        })
        .collect()
}

/// Every Object Table row as `request: name status`.
fn objects(set: &RequestSet) -> Vec<String> {
    set.requests
        .iter()
        .flat_map(|r| {
            r.objects
                .iter()
                .map(move |o| format!("{}: {} {:?}", r.id, o.name, o.status))
        })
        .collect()
}

fn notes(set: &RequestSet) -> Vec<(NoteKind, &str)> {
    set.notes
        .iter()
        .map(|n| (n.kind, n.text.as_str()))
        .collect()
}

#[test]
fn retiring_an_environment_removes_exactly_its_rules() {
    let set = retire("abc123-prod");
    assert_eq!(
        rows(&set),
        [
            "cloud-firewall-request: azure-cloud-firewall#1 MCCS_CITZ_ALZ_LIVE_abc123_prod",
            "cloud-firewall-request: azure-cloud-firewall#2 MCCS_CITZ_ALZ_LIVE_abc123_prod_02",
            "on-prem-firewall-request: 3pg#1 MCCS_CITZ_ALZ_LIVE_abc123_prod",
            "on-prem-firewall-request: zone-b-firewall#1 MCCS_CITZ_ALZ_LIVE_abc123_prod",
        ]
    );
    let removal = set.removal.as_ref().unwrap();
    assert_eq!(removal.kind, "retire-environment");
    assert_eq!(removal.environment.as_deref(), Some("abc123-prod"));
    assert_eq!(removal.rules_to_remove, 4);
    assert_eq!(removal.objects_to_delete, 2);
    assert_eq!(removal.rules_to_narrow, 2);
    assert_eq!(removal.undecided, 1);
    assert_eq!(set.summary.totals.traffic_lines, 4);
    let row = &set.requests[0].traffic[0];
    assert_eq!(row.owner.as_deref(), Some("abc123-prod"));
    assert_eq!(row.direction, mccs_path::Direction::Outbound);
    assert_eq!(strs(&row.justifications), ["abc123-prod is retired"]);
    assert_eq!(
        &*row.cloud_ends[0].account,
        "0f3c8a52-6c1e-4d1b-9a7e-0c6a2b9d0d03"
    );
}

#[test]
fn retiring_keeps_objects_others_still_use_and_deletes_the_rest() {
    let set = retire("abc123-prod");
    assert_eq!(
        objects(&set),
        [
            "cloud-firewall-request: MCCS_CITZ_ALZ_abc123_prod_VNET Keep",
            "cloud-firewall-request: CITZ_ORACLE_DB Keep",
            "cloud-firewall-request: OCP_SILVER_INGRESS Keep",
            "cloud-firewall-request: SILVER_TEMP Delete",
            "on-prem-firewall-request: MCCS_CITZ_ALZ_abc123_prod_VNET Keep",
            "on-prem-firewall-request: CITZ_ORACLE_DB Keep",
            "on-prem-firewall-request: MCCS_CITZ_ALZ_abc123_prod_APP Delete",
        ]
    );
    // The VNet object stays: a mixed rule and a group still name it.
    let vnet = &set.requests[0].objects[0];
    assert_eq!(
        vnet.still_used_by,
        [
            "CITZ_DEV_AND_PROD_TO_DB on azure-cloud-firewall",
            "group SHARED_REPORTING"
        ]
    );
    assert_eq!(strs(&vnet.used_by), ["MCCS_CITZ_ALZ_LIVE_abc123_prod"]);
    // A published object is never deleted, even when nothing else uses it.
    let published = &set.requests[0].objects[2];
    assert!(published.still_used_by.is_empty());
    assert_eq!(published.status, ObjectStatus::Keep);
}

#[test]
fn retiring_notes_mixed_rules_and_groups_instead_of_removing_them() {
    let set = retire("abc123-prod");
    assert_eq!(
        notes(&set),
        [
            (
                NoteKind::Narrow,
                "Rule CITZ_DEV_AND_PROD_TO_DB on azure-cloud-firewall (cloud-firewall-request) \
                 refers to abc123-prod and to other addresses: narrow it rather than remove it: \
                 take MCCS_CITZ_ALZ_abc123_prod_VNET out of its sources."
            ),
            (
                NoteKind::Narrow,
                "Rule REPORTING on azure-cloud-firewall (cloud-firewall-request) refers to \
                 abc123-prod and to other addresses: narrow it rather than remove it: take \
                 abc123-prod's objects out of SHARED_REPORTING (in its sources)."
            ),
            (
                NoteKind::Undecided,
                "Rule MCCS_CITZ_ALZ_LIVE_abc123_prod_02 on zone-b-firewall is named for \
                 abc123-prod, but none of its addresses are abc123-prod's: check whether it is \
                 still needed (it is not removed)."
            ),
            (
                NoteKind::Narrow,
                "Group SHARED_REPORTING holds MCCS_CITZ_ALZ_abc123_prod_VNET of abc123-prod: \
                 take it out of it."
            ),
        ]
    );
}

#[test]
fn retiring_another_environment_keeps_what_its_group_and_others_use() {
    let set = retire("def456-prod");
    // Only the rule that names nothing but its VPC goes; the VPC object stays for the group.
    assert_eq!(
        rows(&set),
        ["on-prem-firewall-request: 3pg#3 MCCS_HLTH_LZA_LIVE_def456_prod"]
    );
    assert_eq!(
        objects(&set),
        [
            "on-prem-firewall-request: MCCS_HLTH_LZA_def456_prod_VPC Keep",
            "on-prem-firewall-request: CITZ_ORACLE_DB Keep",
        ]
    );
}

#[test]
fn an_unknown_environment_is_an_error() {
    let removal = Removal::RetireEnvironment("zzz999-prod".parse().unwrap());
    let err = RequestSet::for_removal(&topology(), &removal, &BuildOptions::default()).unwrap_err();
    assert_eq!(
        err,
        RemovalError::UnknownEnvironment {
            environment: "zzz999-prod".to_owned()
        }
    );
    assert!(err.to_string().contains("abc123-prod"), "{err}");
}

#[test]
fn expired_rules_and_the_rules_only_expired_flows_need_are_removed() {
    let set = expired("2026-12-20", 30);
    assert_eq!(
        rows(&set),
        [
            "cloud-firewall-request: azure-cloud-firewall#2 MCCS_CITZ_ALZ_LIVE_abc123_prod_02",
            "on-prem-firewall-request: 3pg#2 MCCS_CITZ_ALZ_LIVE_abc123_dev",
            "on-prem-firewall-request: 3pg#3 MCCS_HLTH_LZA_LIVE_def456_prod",
        ]
    );
    let on_prem = set.request("on-prem-firewall-request").unwrap();
    assert_eq!(strs(&on_prem.traffic[0].flows), ["citz-dev-to-oracle"]);
    assert_eq!(
        strs(&on_prem.traffic[0].justifications),
        ["only expired flow citz-dev-to-oracle needs it"]
    );
    assert_eq!(strs(&on_prem.traffic[0].requesters), ["CITZ forms team"]);
    assert_eq!(strs(&on_prem.flows), ["citz-dev-to-oracle"]);
    assert_eq!(
        strs(&on_prem.traffic[1].justifications),
        ["expired: its last day was 2026-11-30"]
    );
    assert_eq!(
        objects(&set),
        [
            "cloud-firewall-request: OCP_SILVER_INGRESS Keep",
            "cloud-firewall-request: SILVER_TEMP Delete",
            "on-prem-firewall-request: MCCS_CITZ_ALZ_abc123_dev_VNET Keep",
            "on-prem-firewall-request: CITZ_ORACLE_DB Keep",
            "on-prem-firewall-request: MCCS_HLTH_LZA_def456_prod_VPC Keep",
        ]
    );
    assert_eq!(
        notes(&set),
        [
            (
                NoteKind::Expiring,
                "Rule REPORTING on azure-cloud-firewall expires on 2027-01-10: file its removal \
                 after that day, or extend it."
            ),
            (
                NoteKind::Expiring,
                "Flow hlth-to-oracle expires on 2027-01-05: the rules only it needs can be \
                 removed after that day."
            ),
            (
                NoteKind::Undecided,
                "Rule CITZ_DEV_AND_PROD_TO_DB on azure-cloud-firewall lets expired flow \
                 citz-dev-to-oracle through and allows more than that traffic: mccs cannot tell \
                 whether anything else needs it; check before removing it (it is not removed)."
            ),
            (
                NoteKind::Kept,
                "Rule ZONE_B_CITZ on zone-b-firewall lets expired flow citz-dev-to-oracle \
                 through, and live flow citz-prod-to-oracle too: keep it."
            ),
        ]
    );
    let removal = set.removal.as_ref().unwrap();
    assert_eq!((removal.rules_to_remove, removal.objects_to_delete), (3, 1));
    assert_eq!((removal.expiring_soon, removal.undecided), (2, 1));
}

#[test]
fn expiry_is_judged_on_the_day_given_and_warned_within_the_days_given() {
    // The last day of a rule is still in force: 2026-11-30 is not expired on 2026-11-30.
    let set = expired("2026-11-30", 0);
    assert!(
        !rows(&set).iter().any(|r| r.contains("def456")),
        "{:?}",
        rows(&set)
    );
    let warned: Vec<&str> = notes(&set)
        .into_iter()
        .filter(|(k, _)| *k == NoteKind::Expiring)
        .map(|(_, t)| t)
        .collect();
    assert_eq!(
        warned,
        [
            "Rule MCCS_HLTH_LZA_LIVE_def456_prod on 3pg expires on 2026-11-30: file its removal \
          after that day, or extend it."
        ]
    );
    // A day later it goes.
    assert!(
        rows(&expired("2026-12-01", 0))
            .iter()
            .any(|r| r.contains("def456"))
    );
    // 30 days ahead of 2026-12-20 reach 2027-01-19: REPORTING (2027-01-10) and hlth-to-oracle
    // (2027-01-05) are warned; 20 days reach 2027-01-09: only the flow.
    let kinds = |set: &RequestSet| {
        set.notes
            .iter()
            .filter(|n| n.kind == NoteKind::Expiring)
            .count()
    };
    assert_eq!(kinds(&expired("2026-12-20", 30)), 2);
    assert_eq!(kinds(&expired("2026-12-20", 20)), 1);
    assert_eq!(kinds(&expired("2026-12-20", 0)), 0);
}

#[test]
fn flows_mccs_cannot_judge_keep_the_rules_of_expired_flows() {
    // A rule on zone B that matches on an FQDN: no flow through it can be judged, the live
    // citz-prod-to-oracle included, so it may need any rule: none is removed for the expired
    // flow, and both are said.
    let text = include_str!("data/removal.yaml").replace(
        "    channel: on-prem-firewall-request\n    rules:\n      - name: MCCS_CITZ_ALZ_LIVE_abc123_prod\n        sources: [MCCS_CITZ_ALZ_abc123_prod_APP]",
        "    channel: on-prem-firewall-request\n    rules:\n      - name: FQDN_RULE\n        sources: [any]\n        destinations: [any]\n        services: [any]\n        action: allow\n        unknown: FQDN *.oracle.com\n      - name: MCCS_CITZ_ALZ_LIVE_abc123_prod\n        sources: [MCCS_CITZ_ALZ_abc123_prod_APP]",
    );
    assert!(text.contains("FQDN_RULE"));
    let t = mccs_model::check(&text, mccs_model::Format::Yaml, &Default::default()).topology;
    let removal = Removal::Expired {
        today: "2026-12-20".parse().unwrap(),
        within_days: 0,
    };
    let set = RequestSet::for_removal(&t, &removal, &BuildOptions::default()).unwrap();
    // Only the rules expired by their own date.
    assert_eq!(
        rows(&set),
        [
            "cloud-firewall-request: azure-cloud-firewall#2 MCCS_CITZ_ALZ_LIVE_abc123_prod_02",
            "on-prem-firewall-request: 3pg#3 MCCS_HLTH_LZA_LIVE_def456_prod",
        ]
    );
    let undecided: Vec<&str> = notes(&set)
        .into_iter()
        .filter(|(k, _)| *k == NoteKind::Undecided)
        .map(|(_, t)| t)
        .collect();
    assert_eq!(undecided.len(), 3, "{undecided:#?}");
    assert!(
        undecided[0].starts_with(
            "Expired flow citz-dev-to-oracle could not be judged (zone-b-firewall: rule `FQDN_RULE`"
        ),
        "{}",
        undecided[0]
    );
    assert!(
        undecided.iter().any(|n| n.starts_with(
            "Rule MCCS_CITZ_ALZ_LIVE_abc123_dev on 3pg lets expired flow citz-dev-to-oracle \
             through but live flow citz-prod-to-oracle could not be judged and may need it"
        )),
        "{undecided:#?}"
    );
}

#[test]
fn nothing_expired_files_nothing() {
    let set = expired("2020-01-01", 0);
    assert!(set.requests.is_empty());
    let md = render(&set, OutputFormat::Markdown, &Templates::default()).unwrap();
    assert!(
        md[0]
            .contents
            .contains("0 requests to file (0 rules to remove"),
        "{}",
        md[0].contents
    );
}

/// Compares (or with `UPDATE_EXPECT=1` writes) every format of `set` under `tests/golden/NAME`.
fn golden(name: &str, set: &RequestSet) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    for format in OutputFormat::ALL {
        let sub = dir.join(format.as_str());
        let files = render(set, format, &Templates::default()).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        if let Ok(entries) = std::fs::read_dir(&sub) {
            for e in entries {
                let file = e.unwrap().file_name().to_string_lossy().into_owned();
                if !names.contains(&file.as_str()) {
                    if update {
                        std::fs::remove_file(sub.join(&file)).unwrap();
                    } else {
                        failures.push(format!("{}/{file} is no longer generated", sub.display()));
                    }
                }
            }
        }
        for f in files {
            let path = sub.join(&f.path);
            if update {
                std::fs::create_dir_all(&sub).unwrap();
                std::fs::write(&path, &f.contents).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(f.contents.as_str()) {
                failures.push(format!("{} differs", path.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "removal goldens differ:\n  {}\nrun `UPDATE_EXPECT=1 cargo test -p mccs-request --test removal`, review the diff and commit it",
        failures.join("\n  ")
    );
}

#[test]
fn golden_retire_environment() {
    golden("removal-retire", &retire("abc123-prod"));
}

#[test]
fn golden_expired() {
    golden("removal-expired", &expired("2026-12-20", 30));
}

#[test]
fn removal_json_validates_against_the_schema_and_reads_back() {
    for set in [retire("abc123-prod"), expired("2026-12-20", 30)] {
        let json = &render(&set, OutputFormat::Json, &Templates::default()).unwrap()[0].contents;
        let back: RequestSet = serde_json::from_str(json).unwrap();
        assert_eq!(back, set);
        let schema: serde_json::Value = serde_json::to_value(RequestSet::json_schema()).unwrap();
        let instance: serde_json::Value = serde_json::from_str(json).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        assert!(validator.is_valid(&instance));
    }
}

/// A list of shared texts as plain `&str`s, to compare with literals.
fn strs(v: &[std::sync::Arc<str>]) -> Vec<&str> {
    v.iter().map(|s| &**s).collect()
}
