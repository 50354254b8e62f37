//! The command line: every command, argument and option, as clap derive types.
//!
//! To add a command: add a variant to [`Command`] with its arguments struct here, a module under
//! `src/commands/`, and one line in `commands::dispatch`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use mccs_model::{Date, EnvRef, Environment, LicensePlate, Ministry};

/// The exit codes and what each means, for `--help`, the man page and docs/cli.md.
pub const EXIT_CODES: &[(u8, &str)] = &[
    (
        0,
        "success: nothing wrong was found (warnings alone do not fail a command)",
    ),
    (
        1,
        "findings: a flow is blocked by something no rule can fix (no route, unknown address, no common address family), the topology has errors, rule names break the naming convention, or an import left networks out",
    ),
    (
        2,
        "usage error (such as no topology: give -t FILE or --example), or an input that cannot be used: missing, a directory, over 64 MiB, not UTF-8, empty or unparseable; for commands other than validate, also a topology with errors",
    ),
    (
        3,
        "with --check (plan, trace): no flow is blocked, but rules must be requested for one to be allowed on every path; (retire, expired): there are rules to remove",
    ),
    (101, "internal error: a bug, please report it"),
];

/// Example invocations, for `--help` and the man page.
pub const EXAMPLES: &[(&str, &str)] = &[
    ("mccs validate topology.yaml", "check a topology document"),
    (
        "mccs example > topology.yaml",
        "start a topology from the reference example",
    ),
    (
        "mccs plan -t topology.yaml --check",
        "exit 0 if every flow is allowed today, 3 if rules must be requested, 1 if one is blocked",
    ),
    (
        "mccs import aws-vpcs vpcs.json --region ca-central-1 > aws.yaml",
        "Project Sets from `aws ec2 describe-vpcs`",
    ),
];

const LONG_ABOUT: &str = "\
Model hybrid and multi-cloud connectivity and produce firewall change requests.

mccs reads a topology document (YAML, JSON or TOML) describing Project Sets with their AWS VPCs \
and Azure VNets, the cloud firewalls, DirectConnect / ExpressRoute, the on-prem edge (3PG) and \
zone firewalls, and cross-cloud PrivateLink. A command that reads a topology needs one: a file, \
given as `-t FILE` or as an argument, or `--example` to work on the built-in example topology \
(see `mccs example`), whose names and addresses are illustrative.";

/// The text after the options in `--help`: examples and exit codes, wrapped to 96 columns.
fn after_long_help() -> String {
    let mut s = String::from("Examples:\n");
    for (cmd, what) in EXAMPLES {
        s.push_str(&format!("  {cmd}\n      {what}\n"));
    }
    s.push_str("\nExit codes:\n");
    for (code, what) in EXIT_CODES {
        let mut line = format!("  {code:<4} ");
        let mut width = line.len();
        for word in what.split(' ') {
            if width + word.len() > 96 {
                // No space left at the end of a wrapped line.
                line.truncate(line.trim_end().len());
                line.push_str("\n       ");
                width = 7;
            }
            line.push_str(word);
            line.push(' ');
            width += word.len() + 1;
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

/// The `mccs` command line.
#[derive(Debug, Parser)]
#[command(
    name = "mccs",
    version,
    about = "Model hybrid and multi-cloud connectivity and produce firewall change requests",
    long_about = LONG_ABOUT,
    after_long_help = after_long_help(),
    propagate_version = true,
    arg_required_else_help = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// When to use colour and graphical diagnostics: `auto` uses them when standard output is a
    /// terminal
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Which topology a command reads: a file (positional or `-t`), or, only when asked for with
/// `--example`, a built-in example. With neither the command stops with exit code 2.
#[derive(Debug, Clone, Args)]
pub struct TopologyArgs {
    /// The topology document (the same as --topology)
    #[arg(value_name = "TOPOLOGY", conflicts_with_all = ["topology", "example"])]
    pub file: Option<PathBuf>,

    /// The topology document: .yaml/.yml, .json or .toml by extension, otherwise YAML; `-`
    /// reads standard input. Required unless --example is given
    #[arg(short = 't', long, value_name = "FILE", conflicts_with = "example")]
    pub topology: Option<PathBuf>,

    /// Use a built-in example topology instead of a file (`reference` when no NAME is given);
    /// its names and addresses are illustrative, not a real estate
    #[arg(
        long,
        value_enum,
        value_name = "NAME",
        num_args = 0..=1,
        require_equals = false,
        default_missing_value = "reference"
    )]
    pub example: Option<ExampleName>,
}

impl TopologyArgs {
    /// The topology file given, positional or with `--topology`.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.file.as_deref().or(self.topology.as_deref())
    }
}

/// When to use colour and graphical diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When standard output is a terminal (colour unless `NO_COLOR` is set).
    Auto,
    /// Always, even into a pipe or file.
    Always,
    /// Never: plain `file:line:col: error: path: message` lines.
    Never,
}

/// How a command writes its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum OutputFormat {
    /// Text for people (and `grep`).
    #[default]
    Text,
    /// JSON for programs.
    Json,
}

/// What `mccs trace` prints.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum TraceFormat {
    /// Text for people (and `grep`).
    #[default]
    Text,
    /// JSON for programs.
    Json,
    /// Graphviz DOT: a digraph of the paths (`dot -Tsvg` draws it).
    Dot,
    /// SVG: the paths drawn, one row per path.
    Svg,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a topology document and report every problem at once
    #[command(long_about = "\
Check a topology document and report every problem at once.

Every finding has a path into the document (such as \
`project_sets[0].environments.prod.address_space[0]`) and, for YAML and JSON, a line and column. \
On a terminal the findings are shown with the source around them; otherwise (or with \
`--color never`) as `file:line:col: error: path: message` lines. A flow that no firewall rule \
can ever let through (an end in no network of the topology, ends with no address family in \
common, an initiator on the wrong side) is an error too; a missing route shows when the paths \
are followed, in `trace` and `plan`. Exits 1 when there are errors; warnings (such as an expired \
rule) alone exit 0.")]
    Validate(ValidateArgs),

    /// Follow a flow hop by hop: every path, the addresses each hop sees, each firewall's verdict
    #[command(long_about = "\
Follow a flow hop by hop: every path it takes (primary and failover), the source and destination \
as each hop sees them (after PrivateLink translation), and each firewall's verdict: allowed by a \
rule, denied by a rule, no matching rule (implicit deny), or partial with the part left out.

FROM and TO take a Project Set environment (`abc123-prod`), a zone, endpoint, object or \
external network name, or an address or CIDR. FROM opens the connection; the hops are printed \
from FROM to TO, fitted to --width columns: the flow's source, destination and services once, \
then per hop its kind, any address it translates and its verdict. A flow is allowed only when \
every path allows it. Exits 1 when the flow is blocked (no route, loop, no common address \
family); with `--check`, exits 3 when it is not blocked but not allowed on every path (rules \
must be requested). `--format json` is the stable format for programs.")]
    Trace(TraceArgs),

    /// Plan flows and print the firewall change requests to file
    #[command(long_about = "\
Plan flows and print the firewall change requests to file.

Traces every direction of every flow (the flows of the topology, or of --flows FILE) on every \
path, and writes one request per request channel (the cloud firewall change request, the \
on-premises firewall request, ...), each with its Object Table and Traffic Table, a summary of \
the flows already allowed (with the rules that allow them) and of those that are blocked, and \
notes. Only what is missing is requested.

Writes to standard output, or with --out DIR one file per request and table. With --emit \
terraform|pan-os|aerleon, writes the missing rules themselves, in the format they are applied \
in, instead of the requests (ready for review; mccs never applies them). Exits 1 when a \
flow is blocked (something no rule can fix); with --check, exits 3 when no flow is blocked but \
some flow is not already allowed on every path (rules must be requested).")]
    Plan(PlanArgs),

    /// The removal requests that retire a Project Set environment: every rule and object that refers to it
    #[command(long_about = "\
The removal requests that retire a Project Set environment: every rule and object that refers \
to it, on every firewall, one request per request channel.

A rule refers to the environment when a source or destination is an address inside its address \
space, an object inside it or named for it (`MCCS_CITZ_ALZ_abc123_prod_VNET`), or a group \
holding such an object. The rule is removed when all its sources, or all its destinations, are \
the environment's; when it also names other addresses (another network, a shared group), it is \
not removed: a note says to narrow it. A rule named for the environment whose addresses are not \
its own is a note too. The Object Table lists the objects the removed rules use: `delete` when \
no rule or group that stays refers to them (published objects never), else `keep`, with who \
still uses them. Same formats, --out and --force as `plan`. Exits 0; with --check, 3 when there \
are rules to remove.")]
    Retire(RetireArgs),

    /// The removal requests for expired access: rules and flows whose expiry date has passed
    #[command(long_about = "\
The removal requests for expired access: rules and flows whose expiry date has passed.

A rule whose `expires` is before --today (its last day in force) is removed. For a flow whose \
`expires` has passed, the rules the plan says let it through are removed when no live flow \
needs them and they allow nothing beyond that flow's traffic on their firewall; otherwise a note \
says why they stay or that a person must check (mccs never guesses). Rules and flows that expire \
within --within days (inclusive) are warned about in notes. Same formats, --out and --force as \
`plan`. Exits 0; with --check, 3 when there are rules to remove.")]
    Expired(ExpiredArgs),

    /// Find rules that do nothing: shadowed, duplicate, redundant, or for networks that are gone
    #[command(long_about = "\
Find rules that do nothing: shadowed, duplicate, redundant, or for networks that are gone.

For every firewall (or only --firewall NAME), each rule's match is evaluated against the rules \
before it and the rules after it, exactly (the same interval sets that judge flows): a rule \
that earlier rules cover completely never matches (shadowed, naming the covering rules, and \
whether one does the opposite); one equal to an earlier rule is a duplicate; one whose traffic \
would get the same action without it (from later rules or the implicit deny) is redundant; a \
rule whose sources or destinations lie in no network of the topology is for a network that is \
gone. A rule covered only in part is not reported. Nothing is claimed past a rule mccs cannot \
judge (`unknown:`). Each finding holds on its own: remove one rule at a time and run again. \
Exits 0 (with --check: 3 when there are findings).")]
    Rules(RulesArgs),

    /// Who can reach an end (--to), or what an end can reach (--from), through every firewall
    #[command(long_about = "\
Who can reach an end (--to), or what an end can reach (--from), through every firewall.

Traces the service from every Project Set environment, on-prem zone and external network of the \
topology to the end (or from the end to each of them) on every path, primary and failover, and \
prints each with its outcome and each firewall's verdict: allowed (every path, every firewall, \
all of the traffic), partial (no firewall denies all of it, one allows only part: the trace \
says which), unknown (a rule mccs cannot judge, or a limit: a person checks), not allowed, or \
blocked (no route). By default only the first three are listed; --all lists every end. The end \
is what `trace` takes: an environment, zone, endpoint, object or external network, or an \
address.")]
    Reach(ReachArgs),

    /// What changed between two topologies: rulebases, verdicts and why, requests to add or drop
    #[command(long_about = "\
What changed between two topologies: rulebases, verdicts and why, requests to add or drop.

Compares each firewall's rules in OLD and NEW (matched by name, then by what they match): \
rules added, removed, reordered, changed or renamed. Then, for every declared flow and for \
flows sampled between the networks the changed rules touch (every pair of networks is \
quadratic: at most --max-sampled), which firewall's verdict changed and why: the rule added, \
removed, changed or reordered that now decides (such as a deny now above an allow). Only the \
flows a change can reach are traced again, so a diff of a large estate takes about as long as \
tracing its flows once. Last, the requests a plan of the changed flows would add or drop. \
What mccs cannot judge is `unknown`, never guessed. Exits 0; with --check, exits 3 when a \
verdict or a request changed (rulebase changes that change no verdict exit 0).")]
    Diff(DiffArgs),

    /// Print an embedded example topology (a starting point for your own)
    Example(ExampleArgs),

    /// Print the JSON Schema of a document (for editors and other tools)
    Schema(SchemaArgs),

    /// Firewall rule naming conventions
    #[command(subcommand)]
    Names(NamesCommand),

    /// Turn cloud provider inventory into topology entries
    #[command(subcommand)]
    Import(ImportCommand),

    /// Print a shell completion script
    #[command(long_about = "\
Print a shell completion script.

For example: `mccs completions bash > ~/.local/share/bash-completion/completions/mccs`, \
`mccs completions zsh > ~/.zfunc/_mccs`, or \
`mccs completions fish > ~/.config/fish/completions/mccs.fish`.")]
    Completions(CompletionsArgs),
}

/// Arguments of `mccs validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The topology.
    #[command(flatten)]
    pub topology: TopologyArgs,

    /// The day rule expiry is checked against (default: today, from the system clock, UTC)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<Date>,

    /// Output format: `json` prints an array of the findings
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

/// Arguments of `mccs rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// The topology.
    #[command(flatten)]
    pub topology: TopologyArgs,

    /// Only this firewall
    #[arg(long, value_name = "NAME")]
    pub firewall: Option<mccs_model::Name>,

    /// Output format: `json` prints an array of the findings; `markdown`, `csv` and `html` a
    /// table of them
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,

    /// Exit 3 when any rule does nothing (for CI)
    #[arg(long)]
    pub check: bool,
}

/// Arguments of `mccs reach`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("end").required(true).args(["to", "from"])))]
pub struct ReachArgs {
    /// The topology.
    #[command(flatten)]
    pub topology: TopologyArgs,

    /// Who can open connections to this end
    #[arg(long, value_name = "END")]
    pub to: Option<mccs_model::FlowEnd>,

    /// What this end can open connections to
    #[arg(long, value_name = "END")]
    pub from: Option<mccs_model::FlowEnd>,

    /// Protocol: tcp, udp, icmp or any
    #[arg(long, default_value = "tcp")]
    pub proto: String,

    /// Destination port or range (`1521`, `5000-5010`); all ports when left out
    #[arg(long)]
    pub port: Option<String>,

    /// List every end, also those not allowed or blocked
    #[arg(long)]
    pub all: bool,

    /// Output format: `json` prints every end (as with --all) as an array; `markdown`, `csv`
    /// and `html` a table of every end
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,

    /// The day rule expiry is checked against (default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<Date>,

    /// Limits of the walk and of rule evaluation.
    #[command(flatten, next_help_heading = "Limits (docs/limits.md)")]
    pub limits: LimitArgs,
}

/// What `mccs rules`, `mccs reach` and `mccs diff` print.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Text for people (and `grep`).
    #[default]
    Text,
    /// JSON for programs.
    Json,
    /// Markdown, to paste into a review or a ticket.
    Markdown,
    /// CSV: one row per finding, for a spreadsheet.
    Csv,
    /// A standalone HTML page with the table.
    Html,
}

impl ReportFormat {
    /// `table` written in this format; `None` for text and JSON, which each command writes
    /// its own way.
    pub(crate) fn write_table(
        self,
        table: &crate::table::Table,
    ) -> Option<std::io::Result<Vec<u8>>> {
        match self {
            Self::Text | Self::Json => None,
            Self::Markdown => Some(Ok(table.markdown().into_bytes())),
            Self::Csv => Some(table.csv()),
            Self::Html => Some(Ok(table.html().into_bytes())),
        }
    }

    /// Whether this format is one table ([`ReportFormat::write_table`]).
    pub(crate) fn is_table(self) -> bool {
        matches!(self, Self::Markdown | Self::Csv | Self::Html)
    }
}

/// Arguments of `mccs diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The topology before the change (`-` reads standard input)
    #[arg(value_name = "OLD")]
    pub old: PathBuf,

    /// The topology after the change
    #[arg(value_name = "NEW")]
    pub new: PathBuf,

    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,

    /// Exit 3 when a verdict or a request changed (for CI)
    #[arg(long)]
    pub check: bool,

    /// The day rule expiry is checked against (default: today, UTC)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<Date>,

    /// The most flows sampled between pairs of networks, over both topologies
    #[arg(long, value_name = "N", default_value_t = mccs_path::MAX_SAMPLED_PAIRS, help_heading = "Limits (docs/limits.md)")]
    pub max_sampled: usize,

    /// Limits of the walk and of rule evaluation.
    #[command(flatten, next_help_heading = "Limits (docs/limits.md)")]
    pub limits: LimitArgs,
}

/// Arguments of `mccs trace`.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// The topology.
    #[command(flatten)]
    pub topology: TopologyArgs,

    /// Where connections come from: `abc123-prod`, an endpoint or object name, or an address
    #[arg(long, value_name = "X")]
    pub from: mccs_model::FlowEnd,

    /// Where they go: `abc123-prod`, an endpoint or object name, or an address
    #[arg(long, value_name = "Y")]
    pub to: mccs_model::FlowEnd,

    /// Protocol: tcp, udp, icmp or any
    #[arg(long, default_value = "tcp")]
    pub proto: String,

    /// Destination port or range (`1521`, `5000-5010`); all ports when left out
    #[arg(long)]
    pub port: Option<String>,

    /// Who opens connections: the --from end (the default), or both ends (two directions). `cloud` and `on-prem` also check that --from is on that side
    #[arg(long, value_enum, default_value_t = InitiatorArg::Source)]
    pub initiator: InitiatorArg,

    /// The day rule expiry is checked against (default: today, UTC)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<Date>,

    /// Exit 3 when the flow is not blocked but not allowed on every path (a blocked flow always
    /// exits 1)
    #[arg(long)]
    pub check: bool,

    /// Output format: `json` (the stable format for programs) prints the traces as an array;
    /// `dot` (Graphviz) and `svg` draw the paths, one picture per direction
    #[arg(long, value_enum, default_value_t = TraceFormat::Text)]
    pub format: TraceFormat,

    /// Fit the text to this many columns (default: the terminal's width, or 100 when standard
    /// output is not a terminal)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(40..))]
    pub width: Option<u16>,

    /// Limits of the walk and of rule evaluation.
    #[command(flatten, next_help_heading = "Limits (docs/limits.md)")]
    pub limits: LimitArgs,
}

/// Who opens connections, on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitiatorArg {
    /// The --from end opens connections.
    Source,
    /// The --from end opens connections, and it is in the cloud (checked).
    Cloud,
    /// The --from end opens connections, and it is on-prem (checked).
    OnPrem,
    /// Both sides: two directions, each with its own rules.
    Both,
}

/// Arguments of `mccs plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The topology.
    #[command(flatten)]
    pub topology: TopologyArgs,

    /// A flows document (`version: 1` and `flows:`); default: the flows of the topology
    #[arg(long, value_name = "FILE")]
    pub flows: Option<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = RequestFormat::Markdown)]
    pub format: RequestFormat,

    /// Write the planned rules as they are applied instead of the requests: Terraform, PAN-OS
    /// `set` commands or Aerleon policies (docs/export.md); never applied by mccs
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with_all = ["format", "templates", "vocabulary", "no_csv_bom", "no_pictures"])]
    pub emit: Option<EmitFormat>,

    /// Write one file per request and table (with --emit: per firewall) into this directory instead of standard output (each file atomically; never through a symbolic link)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// With --out, replace files that already exist there (never a symbolic link)
    #[arg(long, requires = "out")]
    pub force: bool,

    /// With --format csv --out, write CSV files without the UTF-8 byte order mark that lets spreadsheets read non-ASCII names (standard output never has one)
    #[arg(long, requires = "out")]
    pub no_csv_bom: bool,

    /// With --format html, leave out the pictures of each flow's paths (drawn by default for
    /// the first 200 flows; docs/requests.md)
    #[arg(long)]
    pub no_pictures: bool,

    /// A directory with `requests.md.jinja` and/or `requests.html.jinja` replacing the layouts
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,

    /// A JSON file of request words (table headings, object types) per platform or channel,
    /// replacing the built-in ones
    #[arg(long, value_name = "FILE")]
    pub vocabulary: Option<PathBuf>,

    /// The day rule expiry is checked against (default: today, UTC)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<Date>,

    /// Exit 3 when no flow is blocked but some flow is not already allowed on every path (a
    /// blocked flow always exits 1)
    #[arg(long)]
    pub check: bool,

    /// Limits of the walk and of rule evaluation.
    #[command(flatten, next_help_heading = "Limits (docs/limits.md)")]
    pub limits: LimitArgs,

    /// The most work for the whole plan, besides 5,000 per flow (then: flows left blocked)
    #[arg(long, value_name = "N", default_value_t = mccs_path::MAX_PLAN_WORK, help_heading = "Limits (docs/limits.md)")]
    pub max_plan_work: u64,
}

/// How removal requests are written: the options they share with `mccs plan`.
#[derive(Debug, Args)]
pub struct RemovalOutputArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = RequestFormat::Markdown)]
    pub format: RequestFormat,

    /// Write one file per request and table into this directory instead of standard output (each file atomically; never through a symbolic link)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// With --out, replace files that already exist there (never a symbolic link)
    #[arg(long, requires = "out")]
    pub force: bool,

    /// With --format csv --out, write CSV files without the UTF-8 byte order mark
    #[arg(long, requires = "out")]
    pub no_csv_bom: bool,

    /// A directory with `requests.md.jinja` and/or `requests.html.jinja` replacing the layouts
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,

    /// A JSON file of request words (table headings, object types) per platform or channel
    #[arg(long, value_name = "FILE")]
    pub vocabulary: Option<PathBuf>,

    /// Exit 3 when there are rules to remove
    #[arg(long)]
    pub check: bool,
}

/// Arguments of `mccs retire`.
#[derive(Debug, Args)]
pub struct RetireArgs {
    /// The topology.
    #[command(flatten)]
    pub topology: TopologyArgs,

    /// The environment to retire: its license plate and environment, e.g. abc123-prod
    #[arg(long, value_name = "PLATE-ENV")]
    pub environment: EnvRef,

    /// Output.
    #[command(flatten)]
    pub output: RemovalOutputArgs,
}

/// Arguments of `mccs expired`.
#[derive(Debug, Args)]
pub struct ExpiredArgs {
    /// The topology.
    #[command(flatten)]
    pub topology: TopologyArgs,

    /// Warn about rules and flows that expire within this many days of --today (inclusive)
    #[arg(long, value_name = "DAYS", default_value_t = 0)]
    pub within: u32,

    /// The day expiry is judged on (default: today, UTC)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<Date>,

    /// Output.
    #[command(flatten)]
    pub output: RemovalOutputArgs,
}

/// The limits of the walk and of rule evaluation (docs/limits.md); the defaults are the
/// library's.
#[derive(Debug, Clone, Copy, Args)]
pub struct LimitArgs {
    /// The most paths followed per flow (more: the flow is blocked, never judged on some)
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub max_paths: usize,

    /// The most hops on one path
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub max_hops: usize,

    /// The most nodes the walk enters per flow, over all its paths
    #[arg(long, value_name = "N", default_value_t = 20_000)]
    pub max_steps: usize,

    /// The parts one firewall's rules may cut a flow into, besides four per rule (more: verdict unknown)
    #[arg(long, value_name = "N", default_value_t = 4096)]
    pub max_parts: usize,

    /// The most work per flow: comparisons of a part with a rule, plus 64 per node entered
    #[arg(long, value_name = "N", default_value_t = mccs_path::MAX_WORK)]
    pub max_work: u64,
}

impl LimitArgs {
    /// These limits on `options`.
    pub fn apply(self, options: mccs_path::TraceOptions) -> mccs_path::TraceOptions {
        options
            .with_max_paths(self.max_paths)
            .with_max_hops(self.max_hops)
            .with_max_steps(self.max_steps)
            .with_max_parts(self.max_parts)
            .with_max_work(self.max_work)
    }
}

/// Formats of the change requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RequestFormat {
    /// Markdown, to paste into a ticket.
    Markdown,
    /// CSV, one file per table (use --out).
    Csv,
    /// JSON, the whole request set (see `mccs schema requests`).
    Json,
    /// One self-contained printable HTML page.
    Html,
}

/// Formats of `mccs plan --emit`: the planned rules as they are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EmitFormat {
    /// Terraform (HCL) for Azure Firewall Policy, AWS security groups, network ACLs and Network
    /// Firewall.
    Terraform,
    /// PAN-OS `set` commands for the on-premises edge and zone firewalls.
    PanOs,
    /// Aerleon policies and definitions (YAML), for any platform Aerleon generates for.
    Aerleon,
}

/// Arguments of `mccs example`.
#[derive(Debug, Args)]
pub struct ExampleArgs {
    /// Which example
    #[arg(value_enum, default_value_t = ExampleName::Reference)]
    pub name: ExampleName,
}

/// The embedded examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExampleName {
    /// Both platforms, cloud firewalls, DirectConnect / ExpressRoute, 3PG, zones, Project Sets.
    Reference,
    /// AWS to Azure through PrivateLink in a central connectivity account, with a DR region.
    CrossCloud,
    /// An AWS LZA VPC whose Data subnets have a network ACL (stateless) admitting only the App
    /// subnets, a security group with egress rules, and a secondary range behind a private NAT.
    LzaDataSubnet,
}

/// Arguments of `mccs schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which document
    #[arg(value_enum)]
    pub document: SchemaDocument,
}

/// Documents with a JSON Schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[non_exhaustive]
pub enum SchemaDocument {
    /// The topology document.
    Topology,
    /// The JSON output of `mccs plan --format json`.
    Requests,
}

/// `mccs names` commands.
#[derive(Debug, Subcommand)]
pub enum NamesCommand {
    /// Check every firewall rule name of the topology against the naming convention
    #[command(long_about = "\
Check every firewall rule name of the topology against the naming convention.

MCCS rule names follow `MCCS_<ministry>_<LZA|ALZ>_LIVE_<license plate>_<env>`, e.g. \
`MCCS_CITZ_ALZ_LIVE_abc123_prod`. One finding per line: firewall, rule index, rule name and \
what is wrong. Exits 1 when there are findings.")]
    Check(NamesCheckArgs),
}

/// Arguments of `mccs names check`.
#[derive(Debug, Args)]
pub struct NamesCheckArgs {
    /// The topology.
    #[command(flatten)]
    pub topology: TopologyArgs,

    /// Check only rules whose name starts with `MCCS` (in any case), leaving platform rules
    /// such as `DENY_TELNET` alone
    #[arg(long)]
    pub mccs_only: bool,

    /// Output format: `json` prints an array of the findings
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

/// `mccs import` commands.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Project Sets from the JSON of `aws ec2 describe-vpcs`
    #[command(long_about = "\
Project Sets from the JSON of `aws ec2 describe-vpcs`.

Prints a topology document (`version: 1` and `project_sets:`) on standard output. Each VPC \
becomes the environment of a Project Set: the license plate, environment and ministry come from \
tags (see --plate-tag, --env-tag, --ministry-tag, --ministry), or the license plate and \
environment from a Name tag `<plate>-<env>[-anything]` such as `abc123-prod` or \
`abc123-prod-vpc` (env: dev, test, prod or tools). The account is the VPC's OwnerId, the address \
space its associated IPv4 CIDR blocks, without non-routable secondary ranges (see \
--non-routable). describe-vpcs does not say the region: give it with --region.

VPCs that cannot be mapped are listed, with the reason, in a comment at the end of the output \
and on standard error, and the command exits 1. So do address spaces that overlap.")]
    AwsVpcs(AwsVpcsArgs),

    /// Project Sets from the JSON of `az network vnet list`
    #[command(long_about = "\
Project Sets from the JSON of `az network vnet list`.

Prints a topology document (`version: 1` and `project_sets:`) on standard output. Each VNet \
becomes the environment of a Project Set: the license plate, environment and ministry come from \
tags (see --plate-tag, --env-tag, --ministry-tag, --ministry), or the license plate and \
environment from the VNet name `<plate>-<env>[-anything]` such as `abc123-prod` or \
`abc123-prod-vwan-spoke` (env: dev, test, prod or tools). The subscription comes from the VNet's \
resource ID, the region from its location, the address space from its address prefixes.

VNets that cannot be mapped are listed, with the reason, in a comment at the end of the output \
and on standard error, and the command exits 1. So do address spaces that overlap.")]
    AzureVnets(AzureVnetsArgs),
}

/// The default of `--plate-tag`.
pub(crate) const DEFAULT_PLATE_TAG: &str = mccs_import::DEFAULT_PLATE_TAG;
/// The default of `--env-tag`.
pub(crate) const DEFAULT_ENV_TAG: &str = mccs_import::DEFAULT_ENV_TAG;
/// The default of `--ministry-tag`.
pub(crate) const DEFAULT_MINISTRY_TAG: &str = mccs_import::DEFAULT_MINISTRY_TAG;
/// The default of `import aws-vpcs --non-routable`: the LZA's secondary range.
pub(crate) const DEFAULT_NON_ROUTABLE: &str = mccs_import::DEFAULT_NON_ROUTABLE;

/// How provider tags map to Project Sets.
#[derive(Debug, Args)]
pub struct TagArgs {
    /// Tag holding the Project Set license plate
    #[arg(long, value_name = "KEY", default_value = DEFAULT_PLATE_TAG)]
    pub plate_tag: String,

    /// Tag holding the environment (dev, test, prod, tools, ...)
    #[arg(long, value_name = "KEY", default_value = DEFAULT_ENV_TAG)]
    pub env_tag: String,

    /// Tag holding the ministry short name
    #[arg(long, value_name = "KEY", default_value = DEFAULT_MINISTRY_TAG)]
    pub ministry_tag: String,

    /// Ministry for networks without a ministry tag, when no other network of their Project
    /// Set (in the export or the topology) has one
    #[arg(long, value_name = "SHORT_NAME")]
    pub ministry: Option<Ministry>,

    /// License plate for networks whose tags and name give none
    #[arg(long, value_name = "PLATE")]
    pub plate: Option<LicensePlate>,

    /// Environment for networks whose tags and name give none
    #[arg(long, value_name = "ENV")]
    pub env: Option<Environment>,

    /// Place one network by hand: its VPC ID or VNet name, then `=<plate>-<env>` (repeatable)
    #[arg(long, value_name = "ID=PLATE-ENV", value_parser = parse_assignment)]
    pub assign: Vec<(String, EnvRef)>,
}

fn parse_assignment(s: &str) -> Result<(String, EnvRef), String> {
    let Some((id, env)) = s.rsplit_once('=') else {
        return Err(format!(
            "`{s}` is not ID=PLATE-ENV, e.g. vpc-0a1b2c3d=abc123-prod"
        ));
    };
    let env = env
        .parse::<EnvRef>()
        .map_err(|e| format!("`{env}` is not <plate>-<env> such as abc123-prod: {e}"))?;
    if id.trim().is_empty() {
        return Err(format!("`{s}` names no network before `=`"));
    }
    Ok((id.to_owned(), env))
}

/// Arguments of `mccs import aws-vpcs`.
#[derive(Debug, Args)]
pub struct AwsVpcsArgs {
    /// The saved output of `aws ec2 describe-vpcs --output json` (`-` for standard input)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The region the VPCs are in (describe-vpcs does not say), e.g. ca-central-1
    #[arg(long)]
    pub region: String,

    /// CIDR of non-routable secondary ranges, left out of the address space (repeatable)
    #[arg(long, value_name = "CIDR", default_value = DEFAULT_NON_ROUTABLE, value_parser = parse_cidr)]
    pub non_routable: Vec<String>,

    /// The saved output of `aws ec2 describe-subnets --output json`: the VPCs' subnets
    #[arg(long, value_name = "FILE")]
    pub subnets: Option<PathBuf>,

    /// Merge into this topology document: print it with the imported environments added
    /// (Project Sets matched by license plate; nothing it already says is changed; overlaps
    /// and conflicts are left out, with why)
    #[arg(short = 't', long = "topology", value_name = "FILE")]
    pub topology: Option<PathBuf>,

    /// Tag mapping.
    #[command(flatten)]
    pub tags: TagArgs,
}

/// Arguments of `mccs import azure-vnets`.
#[derive(Debug, Args)]
pub struct AzureVnetsArgs {
    /// The saved output of `az network vnet list --output json` (`-` for standard input)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Merge into this topology document: print it with the imported environments added
    /// (Project Sets matched by license plate; nothing it already says is changed; overlaps
    /// and conflicts are left out, with why)
    #[arg(short = 't', long = "topology", value_name = "FILE")]
    pub topology: Option<PathBuf>,

    /// Tag mapping.
    #[command(flatten)]
    pub tags: TagArgs,
}

/// Arguments of `mccs completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

fn parse_cidr(s: &str) -> Result<String, String> {
    match mccs_model::parse_prefix(s) {
        Some(p) if p.addr() == p.network() => Ok(p.to_string()),
        Some(p) => Err(format!("`{s}` has host bits set: write `{}`", p.trunc())),
        None => Err(format!("`{s}` is not a CIDR such as 10.10.0.0/16")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn the_limit_defaults_are_the_librarys() {
        let cli = Cli::try_parse_from(["mccs", "trace", "--from", "a", "--to", "b"]);
        let Ok(Cli {
            command: Command::Trace(args),
            ..
        }) = cli
        else {
            unreachable!("a valid command line");
        };
        let ours = args.limits.apply(mccs_path::TraceOptions::default());
        let library = mccs_path::TraceOptions::default();
        assert_eq!(
            (
                ours.max_paths,
                ours.max_hops,
                ours.max_steps,
                ours.max_parts,
                ours.max_work
            ),
            (
                library.max_paths,
                library.max_hops,
                library.max_steps,
                library.max_parts,
                library.max_work
            )
        );
        let Ok(Cli {
            command: Command::Plan(args),
            ..
        }) = Cli::try_parse_from(["mccs", "plan", "--example"])
        else {
            unreachable!("a valid command line");
        };
        assert_eq!(
            args.max_plan_work,
            mccs_path::PlanOptions::default().max_work
        );
    }

    #[test]
    fn exit_codes_are_in_the_long_help() {
        let help = after_long_help();
        for (code, _) in EXIT_CODES {
            assert!(help.contains(&format!("  {code:<4} ")), "{help}");
        }
        assert!(help.lines().all(|l| l.len() <= 96), "{help}");
    }
}
