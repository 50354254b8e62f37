//! The table rows of the default Markdown layout, written by code instead of by the template
//! engine: the four long tables (summary flows, flow details, objects, traffic) are most of
//! the text, and a template spends about a hundred engine steps per cell on them.
//!
//! Each function is a template function the default layout calls once per row, with the row
//! the template loop gives it; custom templates may call them too (docs/requests.md). Every
//! value is Markdown-escaped exactly as the template's formatter escapes a `{{ value }}`
//! ([`crate::escape::markdown`]), and the text is the one the former template lines wrote,
//! byte for byte (the golden files and `tests::rows_match_the_template_lines` keep it so).

use std::sync::Arc;

use minijinja::value::{Object, ObjectRepr, Value};
use minijinja::{Error, ErrorKind};
use serde::Serialize;

use crate::build::roles_text;
use crate::escape;
use crate::model::{FlowDetails, FlowSummary, ObjectRow, ObjectStatus, RuleAction, TrafficRow};
use crate::view::{Item, Seq};

/// Appends `text` as a `{{ value }}` prints it in a Markdown template.
fn cell(out: &mut String, text: &str) {
    if escape::markdown_is_plain(text) {
        out.push_str(text);
    } else {
        out.push_str(&escape::markdown(text));
    }
}

/// Appends the items of `list` joined by `sep`, as `{{ list | join(sep) }}` prints them.
///
/// When every item is plain ([`escape::markdown_is_plain`]) and so is `sep`
/// (`, ` and `; ` are), the joined text is plain too: a line start is only the first item's,
/// and a `_` at an item's edge already made that item not plain. So the items are written one
/// by one, without the joined copy.
fn joined<S: std::borrow::Borrow<str>>(out: &mut String, list: &[S], sep: &str) {
    match list {
        [] => {}
        [one] => cell(out, one.borrow()),
        _ if escape::markdown_is_plain(sep)
            && list.iter().all(|s| escape::markdown_is_plain(s.borrow())) =>
        {
            for (i, s) in list.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                out.push_str(s.borrow());
            }
        }
        _ => cell(out, &list.join(sep)),
    }
}

/// Appends a number as `{{ n }}` prints it: digits alone are plain Markdown.
fn number(out: &mut String, n: impl std::fmt::Display) {
    use std::fmt::Write as _;
    // Writing into a `String` cannot fail.
    let _ = write!(out, "{n}");
}

/// The name a value of a plain enum has in the JSON and the templates (`allow`, `outbound`).
fn word<T: Serialize>(value: &T) -> String {
    Value::from_serialize(value).to_string()
}

/// The row an [`Item`] argument shows, or an error naming the function and what it expects.
fn row<'v, T: 'static>(value: &'v Value, function: &str, what: &str) -> Result<&'v T, Error> {
    value
        .downcast_object_ref::<Item>()
        .and_then(Item::get::<T>)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("{function} expects {what} of the request set, as its loop gives them"),
            )
        })
}

/// The lines `write_row` writes for the row `value` shows, as a value printed as it is; or an
/// error naming `function` and the row it expects (`what`).
fn one_row<T: 'static>(
    value: &Value,
    function: &str,
    what: &str,
    write_row: fn(&mut String, &T),
) -> Result<Value, Error> {
    let mut out = String::new();
    write_row(&mut out, row(value, function, what)?);
    Ok(Value::from_safe_string(out))
}

/// `markdown_traffic_row(row)`: the Traffic Table lines of one row of `r.traffic` (one per
/// firewall it is applied on and per protocol line).
pub(crate) fn traffic_row(value: &Value) -> Result<Value, Error> {
    one_row::<TrafficRow>(
        value,
        "markdown_traffic_row",
        "a row of `r.traffic`",
        write_traffic_row,
    )
}

/// Appends what [`traffic_row`] writes for `row`.
fn write_traffic_row(out: &mut String, row: &TrafficRow) {
    let direction = word(&row.direction);
    let action = word(&row.action);
    let remove = row.action == RuleAction::Remove;
    let list = row.list.as_ref().map(word);
    for a in &row.apply_on {
        for line in &a.lines {
            out.push_str("| ");
            number(out, line.number);
            out.push_str(" | ");
            cell(out, &row.rule);
            out.push_str(" | ");
            joined(out, &row.sources, ", ");
            out.push_str(" | ");
            joined(out, &row.destinations, ", ");
            out.push_str(" | ");
            cell(out, &line.protocol);
            out.push_str(" | ");
            cell(out, &line.port);
            out.push_str(" | ");
            if remove {
                out.push_str("**remove**");
            } else {
                cell(out, &action);
            }
            out.push_str(" | ");
            cell(out, &a.firewall);
            out.push_str(" | ");
            if let Some(list) = &list {
                cell(out, list);
                out.push_str(" list, ");
            }
            if let Some(n) = a.rule_number.filter(|n| *n != 0) {
                out.push_str("rule number ");
                number(out, n);
                out.push_str(", ");
            }
            match a.position.filter(|p| *p != 0) {
                Some(p) => {
                    out.push_str("position ");
                    number(out, p);
                }
                None => cell(out, &a.placement.to_string()),
            }
            out.push_str(" | ");
            if row.owner.as_deref().is_none_or(str::is_empty) {
                cell(out, &direction);
                out.push_str(" (initiated by the source)");
            } else if direction == "outbound" {
                out.push_str("outbound (initiated by the Project Set)");
            } else {
                out.push_str("inbound (initiated toward the Project Set)");
            }
            if row.return_traffic {
                out.push_str("<br>**return traffic** (stateless filter)");
            }
            out.push_str(" | ");
            if !remove {
                cell(out, roles_text(&a.roles));
                if !row.failover_path {
                    out.push_str(" (no failover path)");
                }
            }
            out.push_str(" | ");
            joined(out, &row.flows, ", ");
            out.push_str(" | ");
            joined(out, &row.justifications, "; ");
            out.push_str(" |\n");
        }
    }
}

/// `markdown_object_row(o)`: the Object Table line of one row of `r.objects`.
pub(crate) fn object_row(value: &Value) -> Result<Value, Error> {
    one_row::<ObjectRow>(
        value,
        "markdown_object_row",
        "a row of `r.objects`",
        write_object_row,
    )
}

/// Appends what [`object_row`] writes for `o`.
fn write_object_row(out: &mut String, o: &ObjectRow) {
    out.push_str("| ");
    cell(out, &o.name);
    out.push_str(" | ");
    cell(out, &o.type_name);
    out.push_str(" | ");
    joined(out, &o.addresses, ", ");
    out.push_str(" | ");
    match o.status {
        ObjectStatus::Create => out.push_str("**create**"),
        ObjectStatus::Published => {
            out.push_str("published by ");
            cell(out, o.published_by.as_deref().unwrap_or(""));
            out.push_str(": reference, do not create");
        }
        ObjectStatus::Delete => out.push_str("**delete**"),
        ObjectStatus::Keep => {
            out.push_str("keep");
            if !o.still_used_by.is_empty() {
                out.push_str(": still used by ");
                joined(out, &o.still_used_by, ", ");
            } else if let Some(by) = o.published_by.as_deref().filter(|b| !b.is_empty()) {
                out.push_str(": published by ");
                cell(out, by);
            }
        }
        ObjectStatus::Existing => out.push_str("existing: reference, do not create"),
    }
    out.push_str(" | ");
    cell(out, &o.stands_for);
    out.push_str(" | ");
    joined(out, &o.used_by, ", ");
    out.push_str(" |\n");
}

/// `markdown_flow_row(f)`: the Flows table line of one row of `r.flow_details`.
pub(crate) fn flow_row(value: &Value) -> Result<Value, Error> {
    one_row::<FlowDetails>(
        value,
        "markdown_flow_row",
        "a row of `r.flow_details`",
        write_flow_row,
    )
}

/// Appends what [`flow_row`] writes for `f`.
fn write_flow_row(out: &mut String, f: &FlowDetails) {
    out.push_str("| ");
    cell(out, &f.flow);
    out.push_str(" | ");
    cell(out, f.requester.as_deref().unwrap_or(""));
    out.push_str(" | ");
    for (i, c) in f.cloud_ends.iter().enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        cell(out, &c.environment);
        out.push_str(": ");
        let noun = if word(&c.platform) == "azure-alz" {
            "subscription"
        } else {
            "account"
        };
        out.push_str(noun);
        out.push(' ');
        cell(out, &c.account);
        out.push_str(", ");
        cell(out, &c.region);
    }
    out.push_str(" | ");
    if let Some(d) = &f.expires {
        cell(out, &word(d));
    }
    out.push_str(" | ");
    cell(out, f.change_window.as_deref().unwrap_or(""));
    out.push_str(" | ");
    cell(out, f.justification.as_deref().unwrap_or(""));
    out.push_str(" |\n");
}

/// `markdown_summary_row(f)`: the Summary lines of one row of `summary.flows` (one per
/// direction, or one for a flow stopped before it had any).
pub(crate) fn summary_row(value: &Value) -> Result<Value, Error> {
    one_row::<FlowSummary>(
        value,
        "markdown_summary_row",
        "a row of `summary.flows`",
        write_summary_row,
    )
}

/// Appends what [`summary_row`] writes for `f`.
fn write_summary_row(out: &mut String, f: &FlowSummary) {
    if f.directions.is_empty() {
        out.push_str("| ");
        cell(out, &f.flow);
        out.push_str(" | | ");
        cell(out, f.status.label());
        out.push_str(" | ");
        for (i, p) in f.problems.iter().enumerate() {
            if i > 0 {
                out.push_str("<br>");
            }
            out.push_str("blocked: ");
            cell(out, &p.message);
        }
        out.push_str(" |\n");
    }
    for d in &f.directions {
        out.push_str("| ");
        cell(out, &f.flow);
        out.push_str(" | ");
        cell(out, &word(&d.direction));
        out.push_str(" | ");
        cell(out, d.status.label());
        if !d.partial.is_empty() {
            out.push_str(" (partly allowed today)");
        }
        out.push_str(" | ");
        for (i, x) in d.details.iter().enumerate() {
            if i > 0 {
                out.push_str("<br>");
            }
            cell(out, x);
        }
        out.push_str(" |\n");
    }
}

/// Which table a [`Rows`] writes: its template function, the list it takes and how it
/// writes a row of it.
#[derive(Debug, Clone, Copy)]
enum Table {
    Summary,
    Flows,
    Objects,
    Traffic,
}

impl Table {
    /// The template function and the list it expects, for its error.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::Summary => ("markdown_summary_rows", "`summary.flows`"),
            Self::Flows => ("markdown_flow_rows", "`r.flow_details`"),
            Self::Objects => ("markdown_object_rows", "`r.objects`"),
            Self::Traffic => ("markdown_traffic_rows", "`r.traffic`"),
        }
    }

    /// Writes the lines of `list`'s rows into `out` (when given), one row at a time; `None`
    /// when `list` is not this table's list.
    fn write(self, list: &Seq, out: Option<&mut dyn std::fmt::Write>) -> Option<std::fmt::Result> {
        fn each<T: 'static>(
            list: &Seq,
            out: Option<&mut dyn std::fmt::Write>,
            write_row: fn(&mut String, &T),
        ) -> Option<std::fmt::Result> {
            let rows = list.rows::<T>()?;
            let Some(out) = out else {
                return Some(Ok(()));
            };
            let mut line = String::new();
            Some(rows.iter().try_for_each(|row| {
                line.clear();
                write_row(&mut line, row);
                out.write_str(&line)
            }))
        }
        match self {
            Self::Summary => each(list, out, write_summary_row),
            Self::Flows => each(list, out, write_flow_row),
            Self::Objects => each(list, out, write_object_row),
            Self::Traffic => each(list, out, write_traffic_row),
        }
    }

    /// Whether `list` is this table's list.
    fn takes(self, list: &Seq) -> bool {
        self.write(list, None).is_some()
    }
}

/// The lines of a whole table, written when printed: what a `{% for %}` loop calling the
/// table's row function once per row prints, without an engine step or a copy per row.
///
/// Printed in a Markdown template, the lines go out as they are (each row is escaped as it is
/// written); anywhere else they are a value like any other text.
#[derive(Debug)]
pub(crate) struct Rows {
    /// The table's list ([`Table::takes`] it).
    list: Arc<Seq>,
    table: Table,
}

impl Rows {
    /// Writes the table's lines, one row at a time (the rows are never held as one text).
    pub(crate) fn write(&self, out: &mut dyn std::fmt::Write) -> std::fmt::Result {
        self.table.write(&self.list, Some(out)).unwrap_or(Ok(()))
    }
}

impl Object for Rows {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.write(f)
    }
}

/// The [`Rows`] of `table` for `value`, or an error naming the table's function and the list
/// it expects.
fn rows(value: &Value, table: Table) -> Result<Value, Error> {
    match value.downcast_object::<Seq>() {
        Some(list) if table.takes(&list) => Ok(Value::from_object(Rows { list, table })),
        _ => {
            let (function, list) = table.names();
            Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("{function} expects {list} of the request set"),
            ))
        }
    }
}

/// `markdown_summary_rows(summary.flows)`: the Summary lines of every flow, as
/// [`summary_row`] writes them.
pub(crate) fn summary_rows(value: &Value) -> Result<Value, Error> {
    rows(value, Table::Summary)
}

/// `markdown_flow_rows(r.flow_details)`: the Flows lines of a request, as [`flow_row`]
/// writes them.
pub(crate) fn flow_rows(value: &Value) -> Result<Value, Error> {
    rows(value, Table::Flows)
}

/// `markdown_object_rows(r.objects)`: the Object Table lines of a request, as [`object_row`]
/// writes them.
pub(crate) fn object_rows(value: &Value) -> Result<Value, Error> {
    rows(value, Table::Objects)
}

/// `markdown_traffic_rows(r.traffic)`: the Traffic Table lines of a request, as
/// [`traffic_row`] writes them.
pub(crate) fn traffic_rows(value: &Value) -> Result<Value, Error> {
    rows(value, Table::Traffic)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::model::{ObjectStatus, PartialAllowance, Problem, RequestSet, RuleAction};
    use crate::render::{MARKDOWN_NAME, environment};

    /// The template lines the row functions replace, as the default layout had them: the
    /// oracle the functions are checked against.
    const TEMPLATE_LINES: &str = r#"{% for f in summary.flows %}
{% if f.directions %}
{% for d in f.directions %}
| {{ f.flow }} | {{ d.direction }} | {{ d.status | status_label }}{% if d.partial %} (partly allowed today){% endif %} | {% for x in d.details %}{{ x }}{% if not loop.last %}<br>{% endif %}{% endfor %} |
{% endfor %}
{% else %}
| {{ f.flow }} | | {{ f.status | status_label }} | {% for p in f.problems %}blocked: {{ p.message }}{% if not loop.last %}<br>{% endif %}{% endfor %} |
{% endif %}
{% endfor %}
{% for r in requests %}
{% for f in r.flow_details %}
| {{ f.flow }} | {{ f.requester or "" }} | {% for c in f.cloud_ends %}{{ c.environment }}: {{ "subscription" if c.platform == "azure-alz" else "account" }} {{ c.account }}, {{ c.region }}{% if not loop.last %}<br>{% endif %}{% endfor %} | {{ f.expires or "" }} | {{ f.change_window or "" }} | {{ f.justification or "" }} |
{% endfor %}
{% for o in r.objects %}
| {{ o.name }} | {{ o.type_name }} | {{ o.addresses | join(", ") }} | {% if o.status == "create" %}**create**{% elif o.status == "published" %}published by {{ o.published_by }}: reference, do not create{% elif o.status == "delete" %}**delete**{% elif o.status == "keep" %}keep{% if o.still_used_by %}: still used by {{ o.still_used_by | join(", ") }}{% elif o.published_by %}: published by {{ o.published_by }}{% endif %}{% else %}existing: reference, do not create{% endif %} | {{ o.stands_for }} | {{ o.used_by | join(", ") }} |
{% endfor %}
{% for row in r.traffic %}
{% for a in row.apply_on %}
{% for line in a.lines %}
| {{ line.number }} | {{ row.rule }} | {{ row.sources | join(", ") }} | {{ row.destinations | join(", ") }} | {{ line.protocol }} | {{ line.port }} | {% if row.action == "remove" %}**remove**{% else %}{{ row.action }}{% endif %} | {{ a.firewall }} | {% if row.list %}{{ row.list }} list, {% endif %}{% if a.rule_number %}rule number {{ a.rule_number }}, {% endif %}{% if a.position %}position {{ a.position }}{% else %}{{ a.placement | placement_text }}{% endif %} | {% if not row.owner %}{{ row.direction }} (initiated by the source){% elif row.direction == "outbound" %}outbound (initiated by the Project Set){% else %}inbound (initiated toward the Project Set){% endif %}{% if row.return_traffic %}<br>**return traffic** (stateless filter){% endif %} | {% if row.action != "remove" %}{{ a.roles | roles_text }}{% if not row.failover_path %} (no failover path){% endif %}{% endif %} | {{ row.flows | join(", ") }} | {{ row.justifications | join("; ") }} |
{% endfor %}
{% endfor %}
{% endfor %}
{% endfor %}
"#;

    /// The same tables through the row functions.
    const FUNCTIONS: &str = r"{% for f in summary.flows %}
{{ markdown_summary_row(f) }}{% endfor %}
{% for r in requests %}
{% for f in r.flow_details %}
{{ markdown_flow_row(f) }}{% endfor %}
{% for o in r.objects %}
{{ markdown_object_row(o) }}{% endfor %}
{% for row in r.traffic %}
{{ markdown_traffic_row(row) }}{% endfor %}
{% endfor %}
";

    /// The same tables through the table functions, as the default layout writes them.
    const TABLES: &str = r"{{ markdown_summary_rows(summary.flows) }}{# rows #}
{% for r in requests %}
{{ markdown_flow_rows(r.flow_details) }}{# rows #}
{{ markdown_object_rows(r.objects) }}{# rows #}
{{ markdown_traffic_rows(r.traffic) }}{# rows #}
{% endfor %}
";

    fn render(source: &str, set: &RequestSet) -> String {
        let mut env = environment();
        env.add_template(MARKDOWN_NAME, source).unwrap();
        let template = env.get_template(MARKDOWN_NAME).unwrap();
        template
            .render(crate::view::context(Arc::new(set.clone())))
            .unwrap()
    }

    /// `set` with `text` in every free-text field of its rows, and each optional part both
    /// set and unset across the rows.
    fn hostile(mut set: RequestSet, text: &str) -> RequestSet {
        for (i, f) in set.summary.flows.iter_mut().enumerate() {
            f.flow = format!("{text}{i}").into();
            f.problems.push(Problem {
                kind: "x".into(),
                message: text.into(),
            });
            if i % 2 == 0 {
                f.directions.clear();
            }
            for d in &mut f.directions {
                d.details.push(text.into());
                d.partial.push(PartialAllowance {
                    firewall: text.into(),
                    list: None,
                    return_traffic: false,
                    allowed_by: Vec::new(),
                    denied_by: Vec::new(),
                    left_out_sources: String::new(),
                    left_out_destinations: String::new(),
                    left_out_services: String::new(),
                    roles: Vec::new(),
                });
            }
        }
        for r in &mut set.requests {
            for (i, f) in r.flow_details.iter_mut().enumerate() {
                f.flow = text.into();
                f.requester = (i % 2 == 0).then(|| text.into());
                f.justification = Some(text.into());
                f.change_window = (i % 2 == 1).then(|| text.into());
                let mut ends = f.cloud_ends.to_vec();
                for c in &mut ends {
                    c.environment = text.into();
                    c.account = text.into();
                    c.region = text.into();
                }
                f.cloud_ends = ends.into();
            }
            for (i, o) in r.objects.iter_mut().enumerate() {
                o.name = text.into();
                o.type_name = text.into();
                o.addresses = vec![text.into(), text.into()];
                o.stands_for = text.into();
                o.used_by.push(text.into());
                o.status = [
                    ObjectStatus::Create,
                    ObjectStatus::Existing,
                    ObjectStatus::Published,
                    ObjectStatus::Delete,
                    ObjectStatus::Keep,
                ][i % 5];
                o.still_used_by = vec![text.into(); i % 2];
                o.published_by = (i % 2 == 0).then(|| text.to_owned());
            }
            for (i, row) in r.traffic.iter_mut().enumerate() {
                row.rule = text.into();
                row.sources = vec![text.into(); i % 3].into();
                row.destinations = vec![text.into()].into();
                row.flows.push(text.into());
                row.justifications = vec![text.into(); i % 3];
                row.return_traffic = i % 2 == 0;
                if i % 2 == 1 {
                    row.action = RuleAction::Remove;
                }
                row.failover_path = i % 3 == 0;
                row.owner = [None, Some("".into()), Some(text.into())]
                    .into_iter()
                    .nth(i % 3)
                    .flatten();
                for a in &mut row.apply_on {
                    a.firewall = text.into();
                    a.rule_number = [None, Some(0), Some(7)][i % 3];
                    a.position = [None, Some(0), Some(3)][i % 3];
                    for line in &mut a.lines {
                        line.protocol = text.into();
                        line.port = text.into();
                    }
                }
            }
        }
        set
    }

    proptest::proptest! {
        /// Items written one by one (when each is plain) give the text the escaped join gives.
        #[test]
        fn joined_items_are_the_escaped_join(
            list in proptest::collection::vec("[a-z0-9_#1. ,;*|-]{0,6}", 0..5),
            sep in proptest::sample::select(vec![", ", "; ", "_", "* "]),
        ) {
            let mut out = String::new();
            super::joined(&mut out, &list, sep);
            proptest::prop_assert_eq!(out, crate::escape::markdown(&list.join(sep)));
        }
    }

    #[test]
    fn rows_match_the_template_lines() {
        for t in [
            mccs_model::examples::reference(),
            mccs_model::examples::cross_cloud(),
            mccs_model::examples::lza_data_subnet(),
        ] {
            let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
            let set = RequestSet::from_plan(&t, &plan);
            assert!(set.requests.iter().any(|r| !r.traffic.is_empty()));
            assert_eq!(render(FUNCTIONS, &set), render(TEMPLATE_LINES, &set));
            assert_eq!(render(TABLES, &set), render(TEMPLATE_LINES, &set));
            for text in [
                "<b>|x</b>\n# h",
                "=1+2",
                "-",
                "a_b _c_ `d` [e](f) \\ ~",
                "\r\n\u{2028}\t",
                "",
                "1. x",
            ] {
                let set = hostile(set.clone(), text);
                let lines = render(TEMPLATE_LINES, &set);
                assert_eq!(render(FUNCTIONS, &set), lines, "{text:?}");
                assert_eq!(render(TABLES, &set), lines, "{text:?}");
            }
        }
    }

    #[test]
    fn a_table_function_refuses_what_is_not_its_table() {
        let t = mccs_model::examples::reference();
        let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
        let set = Arc::new(RequestSet::from_plan(&t, &plan));
        for (source, expected) in [
            (
                "{{ markdown_traffic_rows(summary.flows) }}",
                "markdown_traffic_rows expects `r.traffic` of the request set",
            ),
            (
                "{{ markdown_object_rows(requests[0].objects[0]) }}",
                "markdown_object_rows expects `r.objects` of the request set",
            ),
            (
                "{{ markdown_summary_rows(42) }}",
                "markdown_summary_rows expects `summary.flows` of the request set",
            ),
        ] {
            let mut env = environment();
            env.add_template(MARKDOWN_NAME, source).unwrap();
            let template = env.get_template(MARKDOWN_NAME).unwrap();
            let err = template
                .render(crate::view::context(Arc::clone(&set)))
                .unwrap_err();
            assert!(err.to_string().contains(expected), "{err}");
        }
    }

    #[test]
    fn a_table_outside_markdown_is_text_like_any_other() {
        let t = mccs_model::examples::reference();
        let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
        let set = Arc::new(hostile(RequestSet::from_plan(&t, &plan), "<b>x</b>"));
        let mut env = environment();
        env.add_template(
            MARKDOWN_NAME,
            "{{ markdown_traffic_rows(requests[0].traffic) }}",
        )
        .unwrap();
        env.add_template(
            "rows.txt",
            "{{ markdown_traffic_rows(requests[0].traffic) }}",
        )
        .unwrap();
        env.add_template(
            crate::render::HTML_NAME,
            "{{ markdown_traffic_rows(requests[0].traffic) }}",
        )
        .unwrap();
        let out = |name: &str| {
            env.get_template(name)
                .unwrap()
                .render(crate::view::context(Arc::clone(&set)))
                .unwrap()
        };
        let markdown = out(MARKDOWN_NAME);
        assert!(markdown.starts_with("| 1 | "), "{markdown}");
        assert_eq!(out("rows.txt"), markdown);
        // In HTML the Markdown text is escaped like any text from the set.
        let html = out(crate::render::HTML_NAME);
        assert_eq!(html, minijinja::HtmlEscape(&markdown).to_string());
        assert_ne!(html, markdown);
    }

    #[test]
    fn a_row_function_refuses_what_is_not_its_row() {
        let t = mccs_model::examples::reference();
        let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
        let set = RequestSet::from_plan(&t, &plan);
        let mut env = environment();
        env.add_template(
            MARKDOWN_NAME,
            "{{ markdown_traffic_row(summary.flows[0]) }}",
        )
        .unwrap();
        let template = env.get_template(MARKDOWN_NAME).unwrap();
        let err = template
            .render(crate::view::context(Arc::new(set)))
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("markdown_traffic_row expects a row of `r.traffic`"),
            "{err}"
        );
    }
}
