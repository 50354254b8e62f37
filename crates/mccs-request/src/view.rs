//! The request set as the templates see it, made on demand.
//!
//! `Value::from_serialize(set)` copies the whole request set into template values before the
//! first line is written: at 100,000 flows about 1.2 GiB for 200 MB of text. These views
//! give the templates the same values, field by field and row by row, as they are read:
//! the set itself, each request and the summary are maps whose fields are taken from the
//! types' own `Serialize` (so renames and skipped fields are exactly as in the JSON), and the
//! long lists (requests, their objects, traffic rows, flows and flow details, the summary's
//! flows) are sequences whose items are made when a template reaches them and dropped after.

use std::sync::{Arc, OnceLock};

use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use serde::Serialize;
use serde::ser::{self, Impossible, SerializeStruct};

use crate::RequestSet;

/// The template context for `set`: a view, not a copy.
pub(crate) fn context(set: Arc<RequestSet>) -> Value {
    Value::from_object(Node { set, at: At::Set })
}

/// Which struct of the set a [`Node`] shows.
#[derive(Debug, Clone, Copy)]
enum At {
    Set,
    Summary,
    Request(usize),
}

/// A struct of the request set, as a map whose values are made when read.
#[derive(Debug)]
struct Node {
    set: Arc<RequestSet>,
    at: At,
}

/// A long list of the request set, as a sequence whose items are made when read.
#[derive(Debug, Clone, Copy)]
enum List {
    Requests,
    Objects(usize),
    Traffic(usize),
    Flows(usize),
    FlowDetails(usize),
    SummaryFlows,
}

/// A long list of the request set as the templates see it (`r.traffic`, `summary.flows`, ...).
#[derive(Debug)]
pub(crate) struct Seq {
    set: Arc<RequestSet>,
    list: List,
}

impl Node {
    /// Field `key` of the struct this node shows ([`pick`]).
    fn field(&self, key: &str) -> Option<Value> {
        let s = &*self.set;
        match self.at {
            At::Set => pick(s, key),
            At::Summary => pick(&s.summary, key),
            At::Request(i) => pick(s.requests.get(i)?, key),
        }
    }

    /// The names of the fields of the struct this node shows ([`field_names`]).
    fn names(&self) -> Vec<&'static str> {
        let s = &*self.set;
        match self.at {
            At::Set => field_names(s),
            At::Summary => field_names(&s.summary),
            At::Request(i) => s.requests.get(i).map(field_names).unwrap_or_default(),
        }
    }

    /// The long lists of this struct, by their serialized field names.
    fn list(&self, key: &str) -> Option<List> {
        Some(match (self.at, key) {
            (At::Set, "requests") => List::Requests,
            (At::Summary, "flows") => List::SummaryFlows,
            (At::Request(i), "objects") => List::Objects(i),
            (At::Request(i), "traffic") => List::Traffic(i),
            (At::Request(i), "flows") => List::Flows(i),
            (At::Request(i), "flow_details") => List::FlowDetails(i),
            _ => return None,
        })
    }
}

impl Object for Node {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        if let (At::Set, "summary") = (self.at, key) {
            return Some(Value::from_object(Node {
                set: self.set.clone(),
                at: At::Summary,
            }));
        }
        if let (At::Set, "pictures") = (self.at, key) {
            return pictures(&self.set);
        }
        if let Some(list) = self.list(key) {
            return Some(Value::from_object(Seq {
                set: self.set.clone(),
                list,
            }));
        }
        self.field(key)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.names().into_iter().map(Value::from).collect())
    }
}

impl Seq {
    /// The rows of this list, as their own type: `None` when they are not `T`s.
    pub(crate) fn rows<T: 'static>(&self) -> Option<&[T]> {
        rows_of(&self.set, self.list)
    }

    fn len(&self) -> usize {
        let s = &*self.set;
        let request = |i: usize| s.requests.get(i);
        match self.list {
            List::Requests => s.requests.len(),
            List::SummaryFlows => s.summary.flows.len(),
            List::Objects(i) => request(i).map_or(0, |r| r.objects.len()),
            List::Traffic(i) => request(i).map_or(0, |r| r.traffic.len()),
            List::Flows(i) => request(i).map_or(0, |r| r.flows.len()),
            List::FlowDetails(i) => request(i).map_or(0, |r| r.flow_details.len()),
        }
    }
}

impl Object for Seq {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let n = usize::try_from(key.as_i64()?).ok()?;
        let s = &*self.set;
        let request = |i: usize| s.requests.get(i);
        Some(match self.list {
            List::Requests => {
                s.requests.get(n)?;
                Value::from_object(Node {
                    set: self.set.clone(),
                    at: At::Request(n),
                })
            }
            List::Flows(i) => Value::from_serialize(request(i)?.flows.get(n)?),
            List::SummaryFlows | List::Objects(_) | List::Traffic(_) | List::FlowDetails(_) => {
                if n >= self.len() {
                    return None;
                }
                let item = Item {
                    set: self.set.clone(),
                    list: self.list,
                    index: n,
                    copy: OnceLock::new(),
                };
                Value::from_object(item)
            }
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.len())
    }
}

/// The rows of `list` in `set` as their own type: `None` when they are not `T`s, or `list`
/// is not a list of rows (the requests, a request's flow names).
fn rows_of<T: 'static>(set: &RequestSet, list: List) -> Option<&[T]> {
    let request = |i: usize| set.requests.get(i);
    let any: &dyn std::any::Any = match list {
        List::SummaryFlows => &set.summary.flows,
        List::Objects(i) => &request(i)?.objects,
        List::Traffic(i) => &request(i)?.traffic,
        List::FlowDetails(i) => &request(i)?.flow_details,
        List::Requests | List::Flows(_) => return None,
    };
    any.downcast_ref::<Vec<T>>().map(Vec::as_slice)
}

/// `pictures` of the set, for templates: how many flows have pictures (`drawn`,
/// `left_out`, `not_drawn`, `max_flows`); `None` (undefined) when the set has none. Not a
/// field of the JSON, so not among the set's enumerated keys.
fn pictures(set: &RequestSet) -> Option<Value> {
    let c = set.pictures()?;
    Some(Value::from_iter([
        ("drawn", Value::from(c.drawn)),
        ("left_out", Value::from(c.left_out)),
        ("not_drawn", Value::from(c.not_drawn)),
        ("max_flows", Value::from(c.max_flows)),
    ]))
}

/// One row of a long list (a summary flow, flow details, an object or traffic row): a map
/// holding what the row's `Serialize` writes, copied on the first read of a field. The default
/// Markdown layout reads no field: it hands the row to a row function (`crate::md_rows`),
/// which reads the typed row through [`Item::get`], so no row is ever copied.
#[derive(Debug)]
pub(crate) struct Item {
    set: Arc<RequestSet>,
    list: List,
    index: usize,
    copy: OnceLock<Value>,
}

impl Item {
    /// The row, as its own type: `None` when it is not a `T`.
    pub(crate) fn get<T: 'static>(&self) -> Option<&T> {
        rows_of::<T>(&self.set, self.list)?.get(self.index)
    }

    /// The row as template values (`None` when the row does not exist).
    fn serialize_row(&self) -> Option<Value> {
        let s = &*self.set;
        let request = |i: usize| s.requests.get(i);
        let n = self.index;
        Some(match self.list {
            List::SummaryFlows => Value::from_serialize(s.summary.flows.get(n)?),
            List::Objects(i) => Value::from_serialize(request(i)?.objects.get(n)?),
            List::Traffic(i) => Value::from_serialize(request(i)?.traffic.get(n)?),
            List::FlowDetails(i) => Value::from_serialize(request(i)?.flow_details.get(n)?),
            List::Requests | List::Flows(_) => return None,
        })
    }

    /// The copy of the row, made on first use.
    fn copy(&self) -> &Value {
        self.copy
            .get_or_init(|| self.serialize_row().unwrap_or_default())
    }
}

impl Object for Item {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        if key == "pictures" {
            // The pictures of a summary flow: a list of `{direction, svg}` whose `svg` is
            // marked safe (drawn by us, every text from the document escaped: see
            // `crate::picture`), so the HTML template prints it as it is. Not a JSON field.
            let flow = self.get::<crate::model::FlowSummary>()?;
            if flow.pictures.is_empty() {
                return None;
            }
            return Some(Value::from_iter(flow.pictures.iter().map(|p| {
                Value::from_iter([
                    ("direction", Value::from_serialize(p.direction())),
                    ("svg", Value::from_safe_string(p.svg().to_owned())),
                ])
            })));
        }
        self.copy()
            .get_item(&Value::from(key))
            .ok()
            .filter(|v| !v.is_undefined())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let pictured = self
            .get::<crate::model::FlowSummary>()
            .is_some_and(|f| !f.pictures.is_empty());
        match self.copy().try_iter() {
            Ok(keys) => Enumerator::Values(
                keys.chain(pictured.then(|| Value::from("pictures")))
                    .collect(),
            ),
            Err(_) => Enumerator::Empty,
        }
    }
}

/// The value of field `key` of struct `s` as template value, made by `s`'s own `Serialize`
/// (only that field is converted); `None` when `s` has no such field (or skips it).
fn pick<T: Serialize + ?Sized>(s: &T, key: &str) -> Option<Value> {
    let mut picker = Picker {
        key,
        found: None,
        names: None,
    };
    s.serialize(&mut picker).ok()?;
    picker.found
}

/// The names of the fields `s` writes, in order.
fn field_names<T: Serialize + ?Sized>(s: &T) -> Vec<&'static str> {
    let mut picker = Picker {
        key: "",
        found: None,
        names: Some(Vec::new()),
    };
    let _ = s.serialize(&mut picker);
    picker.names.unwrap_or_default()
}

/// A serializer that only looks at one struct: it keeps the value of the field named `key`
/// (or, with `names`, the name of each field) and ignores the rest.
struct Picker<'k> {
    key: &'k str,
    found: Option<Value>,
    names: Option<Vec<&'static str>>,
}

/// Why a [`Picker`] stopped: it was given something other than a struct.
#[derive(Debug)]
struct NotAStruct;

impl std::fmt::Display for NotAStruct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a struct")
    }
}

impl std::error::Error for NotAStruct {}

impl ser::Error for NotAStruct {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        NotAStruct
    }
}

impl<'p, 'k> SerializeStruct for &'p mut Picker<'k> {
    type Ok = ();
    type Error = NotAStruct;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), NotAStruct> {
        if let Some(names) = &mut self.names {
            names.push(key);
        } else if key == self.key && self.found.is_none() {
            self.found = Some(Value::from_serialize(value));
        }
        Ok(())
    }

    fn end(self) -> Result<(), NotAStruct> {
        Ok(())
    }
}

/// Everything but a struct is refused.
macro_rules! refuse {
    ($($name:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $name(self, $(_: $arg),*) -> Result<(), NotAStruct> { Err(NotAStruct) })*
    };
}

impl<'p, 'k> ser::Serializer for &'p mut Picker<'k> {
    type Ok = ();
    type Error = NotAStruct;
    type SerializeSeq = Impossible<(), NotAStruct>;
    type SerializeTuple = Impossible<(), NotAStruct>;
    type SerializeTupleStruct = Impossible<(), NotAStruct>;
    type SerializeTupleVariant = Impossible<(), NotAStruct>;
    type SerializeMap = Impossible<(), NotAStruct>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), NotAStruct>;

    refuse!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<(), NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, NotAStruct> {
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotAStruct> {
        Err(NotAStruct)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::value::ValueKind;

    /// `a` (the view) holds exactly what `b` (the copy) holds: the same keys in the same
    /// order, the same items, the same scalars, all the way down.
    fn same(a: &Value, b: &Value, at: &str) {
        assert_eq!(a.kind(), b.kind(), "{at}");
        match b.kind() {
            ValueKind::Map => {
                let keys = |v: &Value| -> Vec<Value> {
                    v.try_iter()
                        .unwrap_or_else(|e| panic!("{at}: {e}"))
                        .collect()
                };
                let (ka, kb) = (keys(a), keys(b));
                assert_eq!(ka, kb, "{at}: keys");
                for k in kb {
                    let (va, vb) = (a.get_item(&k), b.get_item(&k));
                    let (va, vb) = (va.unwrap_or_default(), vb.unwrap_or_default());
                    same(&va, &vb, &format!("{at}.{k}"));
                }
            }
            ValueKind::Seq => {
                assert_eq!(a.len(), b.len(), "{at}: length");
                let items = |v: &Value| -> Vec<Value> {
                    v.try_iter()
                        .unwrap_or_else(|e| panic!("{at}: {e}"))
                        .collect()
                };
                for (i, (x, y)) in items(a).iter().zip(items(b).iter()).enumerate() {
                    same(x, y, &format!("{at}[{i}]"));
                }
            }
            _ => assert_eq!(a, b, "{at}"),
        }
    }

    /// With pictures, a pictured flow holds what the copy holds, and `pictures` besides: each
    /// picture's `svg` marked safe; the set holds the counts.
    #[test]
    fn a_pictured_flow_holds_what_a_copy_holds_and_its_pictures() {
        let t = mccs_model::examples::reference();
        let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
        let options =
            crate::BuildOptions::default().with_pictures(crate::PictureOptions::default());
        let set = RequestSet::from_plan_with(&t, &plan, &options);
        let copy = Value::from_serialize(&set);
        let view = context(Arc::new(set.clone()));
        let flows = view
            .get_attr("summary")
            .and_then(|s| s.get_attr("flows"))
            .unwrap_or_default();
        let copies = copy
            .get_attr("summary")
            .and_then(|s| s.get_attr("flows"))
            .unwrap_or_default();
        for (i, f) in set.summary.flows.iter().enumerate() {
            let (a, b) = (
                flows.get_item(&Value::from(i)).unwrap_or_default(),
                copies.get_item(&Value::from(i)).unwrap_or_default(),
            );
            for key in b.try_iter().unwrap_or_else(|e| panic!("{e}")) {
                same(
                    &a.get_item(&key).unwrap_or_default(),
                    &b.get_item(&key).unwrap_or_default(),
                    &format!("flows[{i}].{key}"),
                );
            }
            let pictures = a.get_attr("pictures").unwrap_or_default();
            assert_eq!(pictures.len(), Some(f.pictures().len()));
            let svg = pictures
                .get_item(&Value::from(0))
                .and_then(|p| p.get_attr("svg"))
                .unwrap_or_default();
            assert!(svg.is_safe());
            assert_eq!(svg.as_str(), f.pictures().first().map(|p| p.svg()));
        }
        let counts = view.get_attr("pictures").unwrap_or_default();
        assert_eq!(
            counts.get_attr("drawn").ok().and_then(|v| v.as_usize()),
            Some(set.summary.flows.len())
        );
        assert!(copy.get_attr("pictures").is_ok_and(|v| v.is_undefined()));
    }

    #[test]
    fn the_view_holds_what_a_copy_holds() {
        for t in [
            mccs_model::examples::reference(),
            mccs_model::examples::cross_cloud(),
        ] {
            let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
            let with_banner = crate::BuildOptions::default().with_banner("EXAMPLE: <b>");
            for set in [
                RequestSet::from_plan(&t, &plan),
                RequestSet::from_plan_with(&t, &plan, &with_banner),
            ] {
                assert!(set.requests.iter().any(|r| !r.traffic.is_empty()));
                let copy = Value::from_serialize(&set);
                let view = context(Arc::new(set));
                same(&view, &copy, "set");
                // Absent fields stay absent, and out-of-range items do not exist.
                assert!(
                    view.get_attr("no_such_field")
                        .is_ok_and(|v| v.is_undefined())
                );
                let requests = view.get_attr("requests").unwrap_or_default();
                let beyond = requests.get_item(&Value::from(1_000));
                assert!(beyond.map_or(true, |v| v.is_undefined()));
            }
        }
    }
}
