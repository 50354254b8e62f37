//! The firewall change requests to file for an mccs plan, pre-filled: one request per request
//! channel (the cloud firewall change request, the on-premises iStore / STMS firewall request,
//! ...), each with its **Object Table** and **Traffic Table**, a summary of every flow (already
//! allowed, needs rules, blocked), and the notes a reviewer expects. Rendered as Markdown, CSV,
//! JSON (with a JSON Schema) or a printable HTML page.
//!
//! ```
//! use mccs_request::{render, ObjectStatus, OutputFormat, RequestSet, Templates};
//!
//! let t = mccs_model::examples::reference();
//! let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
//! let set = RequestSet::from_plan(&t, &plan);
//!
//! // The seed's example: the CITZ forms VNet (abc123, prod) to the on-prem Oracle database.
//! let on_prem = set.request("on-prem-firewall-request").unwrap();
//! let vnet = &on_prem.objects[0];
//! assert_eq!(&*vnet.name, "MCCS_CITZ_ALZ_abc123_prod_VNET");
//! assert_eq!(vnet.type_name, "Network IP Range Object");
//! assert_eq!(vnet.status, ObjectStatus::Create);
//! let rule = &on_prem.traffic[0];
//! assert_eq!(&*rule.rule, "MCCS_CITZ_ALZ_LIVE_abc123_prod");
//! assert_eq!(&*rule.sources[0], "MCCS_CITZ_ALZ_abc123_prod_VNET");
//! assert_eq!(&*rule.destinations[0], "CITZ_ORACLE_DB"); // an existing object, referenced
//!
//! // Ready to paste into a ticket.
//! let md = render(&set, OutputFormat::Markdown, &Templates::default())?;
//! assert!(md[0].contents.contains("## Request 2 of 2: On-premises firewall request"));
//! # Ok::<(), mccs_request::RenderError>(())
//! ```
//!
//! # What goes where
//!
//! - [`RequestSet::from_plan`] groups the plan's rules by channel into [`Request`]s. Objects
//!   are named per `mccs_naming::Convention::mccs_object`, or reference an object of the
//!   topology that holds exactly the addresses ([`ObjectStatus::Existing`]) or a centrally
//!   published one ([`ObjectStatus::Published`]).
//! - [`render`] writes a [`RequestSet`] in an [`OutputFormat`] ([`render_with`] takes
//!   [`RenderOptions`], such as CSV files without a byte order mark; [`render_shared`] renders
//!   a set behind an `Arc` without copying it). Markdown and HTML go through minijinja
//!   [`Templates`] that teams can replace, which read the set row by row as they need it;
//!   every value from the input is escaped for its format ([`escape`]).
//! - The JSON output is the [`RequestSet`] itself; its schema is [`RequestSet::json_schema`],
//!   committed at `crates/mccs-request/schema/requests.schema.json`.
//!
//! Output is deterministic: the same plan gives byte-identical files in every format.
//!
//! Architecture invariant: this crate does no file output itself (only
//! [`Templates::from_dir`] reads); the caller writes the [`OutputFile`]s.

mod build;
#[cfg(feature = "csv")]
mod csv_out;
mod error;
pub mod escape;
#[cfg(feature = "templates")]
mod md_rows;
mod model;
mod output;
mod picture;
mod render;
#[cfg(feature = "templates")]
mod view;
mod vocabulary;

pub use build::{
    BuildOptions, MAX_PICTURE_BYTES, MAX_PICTURED_FLOWS, PictureOptions, Removal, RemovalError,
};
pub use error::RenderError;
pub use model::{
    CloudEnd, DirectionSummary, FORMAT_VERSION, FirewallInfo, FirewallRules, FlowDetails,
    FlowStatus, FlowSummary, Note, NoteKind, ObjectRow, ObjectStatus, ObjectType, PartialAllowance,
    PathRole, Placement, Problem, RemovalSummary, Request, RequestSet, RequestedRule, RuleAction,
    RuleTarget, Summary, Totals, TrafficLine, TrafficRow,
};
pub use output::{BYTE_ORDER_MARK, FormatParseError, OutputFile, OutputFormat, RenderOptions};
pub use picture::{MAX_DRAWN_HOPS, Picture, PictureCounts, trace_dot, trace_svg};
pub use render::{
    DEFAULT_HTML_TEMPLATE, DEFAULT_MARKDOWN_TEMPLATE, MAX_TEMPLATE_BYTES, PendingFile, Templates,
    render, render_pending, render_shared, render_with,
};
pub use vocabulary::{Vocabularies, Vocabulary, VocabularyError};
