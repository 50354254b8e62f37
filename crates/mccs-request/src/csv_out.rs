//! CSV tables: `summary.csv`, and per request its Object Table and Traffic Table.
//!
//! Every cell goes through [`escape::csv`] (no cell can start a spreadsheet formula); the csv
//! writer quotes separators, quotes and line breaks. Lists in one cell are joined with `; `.

use crate::build::roles_text;
use crate::error::RenderError;
use crate::escape;
use crate::model::{Placement, RequestSet};
use crate::render::{OutputFile, file_stem};

fn table(file: &str, header: &[&str], rows: &[Vec<String>]) -> Result<OutputFile, RenderError> {
    let err = |source| RenderError::Csv {
        file: file.to_owned(),
        source,
    };
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(header.iter().map(|h| escape::csv(h).into_owned()))
        .map_err(err)?;
    for row in rows {
        w.write_record(row.iter().map(|c| escape::csv(c).into_owned()))
            .map_err(err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| err(csv::Error::from(e.into_error())))?;
    Ok(OutputFile {
        path: file.to_owned(),
        contents: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

fn join(items: &[String]) -> String {
    items.join("; ")
}

/// `abc123-prod: subscription 0f3c..., canadacentral` per cloud end.
fn cloud_ends(ends: &[crate::CloudEnd]) -> Vec<String> {
    ends.iter()
        .map(|c| {
            let what = match c.platform {
                mccs_model::Platform::AzureAlz => "subscription",
                mccs_model::Platform::AwsLza => "account",
            };
            format!("{}: {what} {}, {}", c.environment, c.account, c.region)
        })
        .collect()
}

pub(crate) fn render(set: &RequestSet) -> Result<Vec<OutputFile>, RenderError> {
    let mut files = Vec::new();
    let mut summary = Vec::new();
    for f in &set.summary.flows {
        let justification = f.justification.clone().unwrap_or_default();
        let meta = [
            f.requester.clone().unwrap_or_default(),
            f.expires.map(|d| d.to_string()).unwrap_or_default(),
            f.change_window.clone().unwrap_or_default(),
            join(&cloud_ends(&f.cloud_ends)),
        ];
        if f.directions.is_empty() {
            summary.push(vec![
                f.flow.clone(),
                String::new(),
                f.status.label().to_owned(),
                String::new(),
                String::new(),
                String::new(),
                join(
                    &f.problems
                        .iter()
                        .map(|p| format!("blocked: {}", p.message))
                        .collect::<Vec<_>>(),
                ),
                justification,
            ]);
            if let Some(row) = summary.last_mut() {
                row.extend(meta.iter().cloned());
            }
            continue;
        }
        for d in &f.directions {
            let mut details = d.details.clone();
            if d.status != f.status {
                details.insert(0, format!("flow: {}", f.status.label()));
            }
            summary.push(vec![
                f.flow.clone(),
                d.direction.to_string(),
                d.status.label().to_owned(),
                d.source.clone(),
                d.destination.clone(),
                join(&d.services),
                join(&details),
                justification.clone(),
            ]);
            if let Some(row) = summary.last_mut() {
                row.extend(meta.iter().cloned());
            }
        }
    }
    files.push(table(
        "summary.csv",
        &[
            "Flow",
            "Direction",
            "Status",
            "Source",
            "Destination",
            "Services",
            "Details",
            "Justification",
            "Requester",
            "Expires",
            "Change window",
            "Cloud ends",
        ],
        &summary,
    )?);
    let mut taken = Vec::new();
    for r in &set.requests {
        let stem = file_stem(&r.id, &mut taken);
        let objects: Vec<Vec<String>> = r
            .objects
            .iter()
            .map(|o| {
                vec![
                    o.name.clone(),
                    o.type_name.clone(),
                    join(&o.addresses),
                    match o.status {
                        crate::ObjectStatus::Create => "create",
                        crate::ObjectStatus::Existing => "existing",
                        crate::ObjectStatus::Published => "published",
                    }
                    .to_owned(),
                    o.published_by.clone().unwrap_or_default(),
                    o.stands_for.clone(),
                    join(&o.used_by),
                ]
            })
            .collect();
        files.push(table(
            &format!("{stem}.objects.csv"),
            &[
                "Object name",
                "Type",
                "Addresses",
                "Status",
                "Published by",
                "Stands for",
                "Used by",
            ],
            &objects,
        )?);
        let traffic: Vec<Vec<String>> = r
            .traffic
            .iter()
            .map(|t| {
                let apply_on: Vec<String> = t
                    .apply_on
                    .iter()
                    .map(|a| {
                        let at = match &a.placement {
                            Placement::Append => "append".to_owned(),
                            Placement::Above { rule } => format!("above rule {rule}"),
                        };
                        let list = t
                            .list
                            .map_or_else(String::new, |l| format!("{} list, ", l.as_str()));
                        let number = a
                            .rule_number
                            .map_or_else(String::new, |n| format!("rule number {n}, "));
                        format!(
                            "{} ({list}{number}{at}, {})",
                            a.firewall,
                            roles_text(&a.roles)
                        )
                    })
                    .collect();
                vec![
                    t.rule.clone(),
                    join(&t.sources),
                    join(&t.destinations),
                    join(&t.services),
                    "allow".to_owned(),
                    join(&apply_on),
                    if t.return_traffic {
                        format!("{}; return traffic", t.direction)
                    } else {
                        t.direction.to_string()
                    },
                    if t.failover_path {
                        roles_text(&t.roles).to_owned()
                    } else {
                        format!("{} (no failover path)", roles_text(&t.roles))
                    },
                    join(&t.source_addresses),
                    join(&t.destination_addresses),
                    join(&t.flows),
                    join(&t.justifications),
                    join(&t.requesters),
                    t.expires.map(|d| d.to_string()).unwrap_or_default(),
                    join(&t.change_windows),
                    join(&cloud_ends(&t.cloud_ends)),
                ]
            })
            .collect();
        files.push(table(
            &format!("{stem}.traffic.csv"),
            &[
                "Rule name",
                "Source",
                "Destination",
                "Service",
                "Action",
                "Apply on",
                "Direction",
                "Paths",
                "Source addresses",
                "Destination addresses",
                "Flows",
                "Justification",
                "Requesters",
                "Expires",
                "Change windows",
                "Cloud ends",
            ],
            &traffic,
        )?);
    }
    Ok(files)
}
