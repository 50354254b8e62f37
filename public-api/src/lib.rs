//! The public surface of a crate as a sorted text listing, read from rustdoc's JSON output.
//!
//! `tests/public_api.rs` runs `cargo doc` with `--output-format json` for every published library
//! crate of the workspace, renders each crate's public surface with [`render`] and compares it
//! with the committed `public-api.txt` beside the crate's manifest (see docs/api.md).
//!
//! The JSON is read as a [`serde_json::Value`], not through `rustdoc-types`: a toolchain update
//! that bumps the format version does not break the build, and the few fields read here (`index`,
//! `paths`, `root`, each item's `visibility`, `attrs` and `inner`) have kept their shape for
//! years. A shape that is not understood is rendered as `{?kind}`, visibly, never dropped.
//!
//! One line per item, sorted and deduplicated:
//!
//! ```text
//! pub mod mccs_naming
//! #[non_exhaustive] pub struct mccs_naming::RuleStem
//! pub mccs_naming::RuleStem::direction: mccs_naming::Direction
//! pub enum mccs_naming::Direction
//! pub mccs_naming::Direction::Inbound
//! pub fn mccs_naming::Convention::parse_rule(&self, name: &str) -> core::result::Result<..>
//! impl core::clone::Clone for mccs_naming::Convention
//! pub use mccs_request::Placement = mccs_path::Placement
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{Map, Value};

/// A rustdoc JSON document that is not usable (no `index`, no `root`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rustdoc JSON not understood: {}", self.0)
    }
}

impl std::error::Error for Error {}

/// Auto traits whose implementations are listed (a type that stops being `Send` breaks its
/// users); the compiler's unstable ones (`Freeze`, `UnsafeUnpin`) are left out so that a toolchain
/// update does not change the listing.
const LISTED_AUTO_TRAITS: [&str; 5] = ["Send", "Sync", "Unpin", "UnwindSafe", "RefUnwindSafe"];

/// Marker traits the compiler implements for derives; unstable, not part of any API.
const UNLISTED_TRAITS: [&str; 1] = ["StructuralPartialEq"];

/// The key of an id in `index` and `paths`: ids are numbers in recent formats, strings in old ones.
fn id_key(id: &Value) -> Option<String> {
    match id {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// The single key of an externally tagged enum value (`{"struct": {...}}` → `("struct", ...)`),
/// or a bare string variant (`"unit"` → `("unit", Null)`).
fn tagged(v: &Value) -> (&str, &Value) {
    match v {
        Value::Object(m) if m.len() == 1 => m
            .iter()
            .next()
            .map_or(("", &Value::Null), |(k, v)| (k.as_str(), v)),
        Value::String(s) => (s.as_str(), &Value::Null),
        _ => ("", &Value::Null),
    }
}

fn str_of<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn arr<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// A rustdoc JSON document with the look-ups rendering needs.
struct Doc<'a> {
    index: &'a Map<String, Value>,
    paths: Option<&'a Map<String, Value>>,
    /// Local item id → the public path it is listed under (the shortest, then the smallest).
    public: BTreeMap<String, String>,
    /// Canonical paths of other crates' items → their public paths (see [`public_paths`]).
    others: &'a BTreeMap<String, String>,
}

/// Where each public item of the crate can be named from outside: canonical path (as rustdoc's
/// `paths` records it, through private modules) → public path (the shortest). [`render`] uses the
/// maps of the workspace's other crates so that a type of another workspace crate is written as its
/// users write it, and moving it between private modules changes no listing.
///
/// # Errors
///
/// When the document has no `index` or `root`.
pub fn public_paths(doc: &Value) -> Result<BTreeMap<String, String>, Error> {
    let empty = BTreeMap::new();
    let d = Doc::new(doc, &empty)?;
    let mut out = BTreeMap::new();
    if let Some(paths) = d.paths {
        for (id, public) in &d.public {
            if let Some(entry) = paths.get(id) {
                let canonical: Vec<&str> = arr(entry, "path")
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                if !canonical.is_empty() {
                    out.insert(canonical.join("::"), public.clone());
                }
            }
        }
    }
    Ok(out)
}

/// The crate's public surface, one item per line, sorted, ending with a newline.
/// `others` maps other crates' canonical paths to public ones ([`public_paths`]).
///
/// # Errors
///
/// When the document has no `index` or `root`.
pub fn render(doc: &Value, others: &BTreeMap<String, String>) -> Result<String, Error> {
    let d = Doc::new(doc, others)?;
    let root = doc
        .get("root")
        .and_then(id_key)
        .ok_or_else(|| Error("no `root`".into()))?;
    let mut lines = Lines::default();
    let mut seen = BTreeSet::new();
    if let Some(item) = d.index.get(&root) {
        let name = str_of(item, "name").to_owned();
        d.walk_module(item, &name, &mut lines, &mut seen);
    }
    let mut text = String::new();
    let mut written = BTreeSet::new();
    for (_, _, line) in lines.0 {
        // A trait impl of a local trait for a local type is found from both; list it once.
        if written.insert(line.clone()) {
            text.push_str(&line);
            text.push('\n');
        }
    }
    Ok(text)
}

/// The listing being built, sorted by the item a line belongs to, then by section (the item
/// itself, its fields or variants, its methods and associated items, its trait impls), then by
/// text: everything about one type sits together, so a diff reads item by item.
#[derive(Default)]
struct Lines(BTreeSet<(String, u8, String)>);

impl Lines {
    fn put(&mut self, owner: &str, section: u8, line: String) {
        self.0.insert((owner.to_owned(), section, line));
    }
}

impl<'a> Doc<'a> {
    fn new(doc: &'a Value, others: &'a BTreeMap<String, String>) -> Result<Self, Error> {
        let index = doc
            .get("index")
            .and_then(Value::as_object)
            .ok_or_else(|| Error("no `index` object".into()))?;
        let root = doc
            .get("root")
            .and_then(id_key)
            .ok_or_else(|| Error("no `root`".into()))?;
        let mut d = Doc {
            index,
            paths: doc.get("paths").and_then(Value::as_object),
            public: BTreeMap::new(),
            others,
        };
        let mut found = BTreeMap::new();
        if let Some(item) = index.get(&root) {
            let name = str_of(item, "name").to_owned();
            d.collect(item, &name, &mut found, &mut BTreeSet::new());
        }
        d.public = found;
        Ok(d)
    }

    fn item(&self, id: &Value) -> Option<&'a Value> {
        id_key(id).and_then(|k| self.index.get(&k))
    }

    /// The public items of a module and the names they are reachable by, `use` resolved.
    fn module_items(&self, module: &'a Value, path: &str) -> Vec<(String, &'a Value, String)> {
        let mut out = Vec::new();
        let (_, inner) = tagged(&module["inner"]);
        for id in arr(inner, "items") {
            let Some(item) = self.item(id) else { continue };
            if item.get("visibility").and_then(Value::as_str) != Some("public") {
                continue;
            }
            let key = id_key(id).unwrap_or_default();
            out.push((key, item, format!("{path}::{}", str_of(item, "name"))));
        }
        out
    }

    fn collect(
        &self,
        module: &'a Value,
        path: &str,
        found: &mut BTreeMap<String, String>,
        seen: &mut BTreeSet<String>,
    ) {
        if !seen.insert(path.to_owned()) || path.matches("::").count() > 32 {
            return;
        }
        for (key, item, item_path) in self.module_items(module, path) {
            let (kind, inner) = tagged(&item["inner"]);
            if kind == "use" {
                let Some(target) = inner.get("id").and_then(|id| self.item(id)) else {
                    continue;
                };
                let target_key = inner.get("id").and_then(id_key).unwrap_or_default();
                if flag(inner, "is_glob") {
                    self.collect(target, path, found, seen);
                } else {
                    let p = format!("{path}::{}", str_of(inner, "name"));
                    offer(found, &target_key, &p);
                    if tagged(&target["inner"]).0 == "module" {
                        self.collect(target, &p, found, seen);
                    }
                }
            } else {
                offer(found, &key, &item_path);
                if kind == "module" {
                    self.collect(item, &item_path, found, seen);
                }
            }
        }
    }

    fn walk_module(
        &self,
        module: &'a Value,
        path: &str,
        lines: &mut Lines,
        seen: &mut BTreeSet<String>,
    ) {
        if !seen.insert(path.to_owned()) || path.matches("::").count() > 32 {
            return;
        }
        lines.put(path, 0, format!("pub mod {path}"));
        for (_, item, item_path) in self.module_items(module, path) {
            let (kind, inner) = tagged(&item["inner"]);
            if kind == "use" {
                let target = inner.get("id").and_then(|id| self.item(id));
                let name = str_of(inner, "name");
                match target {
                    Some(t) if flag(inner, "is_glob") => {
                        if tagged(&t["inner"]).0 == "module" {
                            self.walk_items(t, path, lines, seen);
                        }
                    }
                    Some(t) => self.item_lines(t, &format!("{path}::{name}"), lines, seen),
                    None => {
                        let source = inner.get("id").and_then(|id| self.external_path(id));
                        let source = source.unwrap_or_else(|| str_of(inner, "source").to_owned());
                        if flag(inner, "is_glob") {
                            lines.put(path, 0, format!("pub use {source}::* in {path}"));
                        } else {
                            lines.put(
                                &format!("{path}::{name}"),
                                0,
                                format!("pub use {path}::{name} = {source}"),
                            );
                        }
                    }
                }
            } else {
                self.item_lines(item, &item_path, lines, seen);
            }
        }
    }

    /// A glob re-export: the module's items as if declared in `path`.
    fn walk_items(
        &self,
        module: &'a Value,
        path: &str,
        lines: &mut Lines,
        seen: &mut BTreeSet<String>,
    ) {
        for (_, item, _) in self.module_items(module, path) {
            let name = str_of(item, "name");
            if tagged(&item["inner"]).0 != "use" {
                self.item_lines(item, &format!("{path}::{name}"), lines, seen);
            }
        }
    }

    fn external_path(&self, id: &Value) -> Option<String> {
        let entry = self.paths?.get(&id_key(id)?)?;
        let canonical: Vec<&str> = arr(entry, "path")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        if canonical.is_empty() {
            return None;
        }
        let canonical = canonical.join("::");
        Some(self.others.get(&canonical).cloned().unwrap_or(canonical))
    }

    /// How a path to item `id` is written: its public path if local, else its canonical path.
    fn path_of(&self, id: Option<&Value>, written: &str) -> String {
        let Some(id) = id else {
            return written.to_owned();
        };
        if let Some(p) = id_key(id).and_then(|k| self.public.get(&k)) {
            return p.clone();
        }
        self.external_path(id).unwrap_or_else(|| written.to_owned())
    }

    fn item_lines(
        &self,
        item: &'a Value,
        path: &str,
        lines: &mut Lines,
        seen: &mut BTreeSet<String>,
    ) {
        let (kind, inner) = tagged(&item["inner"]);
        let attrs = attrs(item);
        match kind {
            "module" => self.walk_module(item, path, lines, seen),
            "struct" | "union" => {
                let generics = self.generics(&inner["generics"]);
                let wh = self.where_clause(&inner["generics"]);
                let (shape, fields) = if kind == "union" {
                    ("plain", &inner["fields"])
                } else {
                    let (shape, v) = tagged(&inner["kind"]);
                    (shape, v)
                };
                let mut head = format!("{attrs}pub {kind} {path}{generics}");
                match shape {
                    "tuple" => {
                        let parts: Vec<String> = fields
                            .as_array()
                            .map_or(&[][..], Vec::as_slice)
                            .iter()
                            .map(|f| match self.item(f) {
                                Some(field) if field["visibility"] == "public" => {
                                    format!("pub {}", self.ty(&field["inner"]["struct_field"]))
                                }
                                _ => "_".to_owned(),
                            })
                            .collect();
                        head.push_str(&format!("({})", parts.join(", ")));
                    }
                    "plain" => {
                        let list = if kind == "union" { inner } else { fields };
                        if flag(list, "has_stripped_fields") {
                            head.push_str(" { /* private fields */ }");
                        }
                        for f in arr(list, "fields") {
                            if let Some(field) = self.item(f)
                                && field["visibility"] == "public"
                            {
                                self.field_line(field, path, path, lines);
                            }
                        }
                    }
                    _ => {}
                }
                head.push_str(&wh);
                lines.put(path, 0, head);
                self.impls(arr(inner, "impls"), path, lines);
            }
            "enum" => {
                let mut head = format!(
                    "{attrs}pub enum {path}{}",
                    self.generics(&inner["generics"])
                );
                if flag(inner, "has_stripped_variants") {
                    head.push_str(" { /* some variants omitted */ }");
                }
                head.push_str(&self.where_clause(&inner["generics"]));
                lines.put(path, 0, head);
                for v in arr(inner, "variants") {
                    if let Some(variant) = self.item(v) {
                        self.variant_lines(variant, path, lines);
                    }
                }
                self.impls(arr(inner, "impls"), path, lines);
            }
            "function" => {
                lines.put(
                    path,
                    0,
                    format!("{attrs}{}", self.function(inner, path, "pub ")),
                );
            }
            "trait" => {
                let mut head = String::from(&attrs);
                head.push_str("pub ");
                if flag(inner, "is_unsafe") {
                    head.push_str("unsafe ");
                }
                if flag(inner, "is_auto") {
                    head.push_str("auto ");
                }
                head.push_str(&format!(
                    "trait {path}{}",
                    self.generics(&inner["generics"])
                ));
                let bounds = self.bounds(arr(inner, "bounds"));
                if !bounds.is_empty() {
                    head.push_str(&format!(": {bounds}"));
                }
                head.push_str(&self.where_clause(&inner["generics"]));
                lines.put(path, 0, head);
                for member in arr(inner, "items") {
                    if let Some(m) = self.item(member) {
                        self.assoc_line(m, path, "", true, path, lines);
                    }
                }
                self.impls(arr(inner, "implementations"), path, lines);
            }
            "constant" => {
                lines.put(
                    path,
                    0,
                    format!("{attrs}pub const {path}: {}", self.ty(&inner["type"])),
                );
            }
            "static" => {
                let m = if flag(inner, "is_mutable") {
                    "mut "
                } else {
                    ""
                };
                lines.put(
                    path,
                    0,
                    format!("{attrs}pub static {m}{path}: {}", self.ty(&inner["type"])),
                );
            }
            "type_alias" => {
                let g = self.generics(&inner["generics"]);
                lines.put(
                    path,
                    0,
                    format!("{attrs}pub type {path}{g} = {}", self.ty(&inner["type"])),
                );
            }
            "macro" => {
                lines.put(path, 0, format!("{attrs}pub macro {path}!"));
            }
            "proc_macro" => {
                lines.put(path, 0, format!("{attrs}pub proc_macro {path}!"));
            }
            "extern_crate" => {
                lines.put(path, 0, format!("pub extern crate {path}"));
            }
            "trait_alias" => {
                lines.put(
                    path,
                    0,
                    format!(
                        "{attrs}pub trait {path} = {}",
                        self.bounds(arr(inner, "params"))
                    ),
                );
            }
            "primitive" | "impl" | "use" | "struct_field" | "variant" => {}
            other => {
                lines.put(path, 0, format!("{attrs}pub {{?{other}}} {path}"));
            }
        }
    }

    fn field_line(&self, field: &Value, parent: &str, owner: &str, lines: &mut Lines) {
        let attrs = attrs(field);
        let name = str_of(field, "name");
        let ty = self.ty(&field["inner"]["struct_field"]);
        lines.put(owner, 1, format!("{attrs}pub {parent}::{name}: {ty}"));
    }

    fn variant_lines(&self, variant: &Value, parent: &str, lines: &mut Lines) {
        let attrs = attrs(variant);
        let name = str_of(variant, "name");
        let inner = &variant["inner"]["variant"];
        let path = format!("{parent}::{name}");
        let (shape, v) = tagged(&inner["kind"]);
        let mut line = format!("{attrs}pub {path}");
        match shape {
            "tuple" => {
                let parts: Vec<String> = v
                    .as_array()
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .map(|f| {
                        self.item(f).map_or_else(
                            || "_".to_owned(),
                            |f| self.ty(&f["inner"]["struct_field"]),
                        )
                    })
                    .collect();
                line.push_str(&format!("({})", parts.join(", ")));
            }
            "struct" => {
                if flag(v, "has_stripped_fields") {
                    line.push_str(" { /* private fields */ }");
                } else {
                    line.push_str(" { .. }");
                }
                for f in arr(v, "fields") {
                    if let Some(field) = self.item(f) {
                        self.field_line(field, &path, parent, lines);
                    }
                }
            }
            _ => {}
        }
        if let Some(expr) = inner
            .get("discriminant")
            .and_then(|d| d.get("expr"))
            .and_then(Value::as_str)
        {
            line.push_str(&format!(" = {expr}"));
        }
        lines.put(parent, 1, line);
    }

    /// Implementations of a type or trait: trait impls by their header (auto traits only the
    /// stable ones; blanket impls are the standard library's business), inherent impls by their
    /// public items.
    fn impls(&self, ids: &[Value], owner: &str, lines: &mut Lines) {
        for id in ids {
            let Some(imp) = self.item(id) else { continue };
            let inner = &imp["inner"]["impl"];
            if !inner.get("blanket_impl").is_none_or(Value::is_null) {
                continue;
            }
            let for_ty = self.ty(&inner["for"]);
            let generics = &inner["generics"];
            match inner.get("trait").filter(|t| !t.is_null()) {
                Some(tr) => {
                    let name = tr
                        .get("path")
                        .or_else(|| tr.get("name"))
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    let last = name.rsplit("::").next().unwrap_or(name);
                    if UNLISTED_TRAITS.contains(&last) {
                        continue;
                    }
                    if flag(inner, "is_synthetic") && !LISTED_AUTO_TRAITS.contains(&last) {
                        continue;
                    }
                    let unsafety = if flag(inner, "is_unsafe") {
                        "unsafe "
                    } else {
                        ""
                    };
                    let neg = if flag(inner, "is_negative") { "!" } else { "" };
                    lines.put(
                        owner,
                        3,
                        format!(
                            "{unsafety}impl{} {neg}{} for {for_ty}{}",
                            self.generics(generics),
                            self.path_ty(tr),
                            self.where_clause(generics)
                        ),
                    );
                }
                None => {
                    let context = if arr(generics, "params").is_empty()
                        && arr(generics, "where_predicates").is_empty()
                    {
                        String::new()
                    } else {
                        format!(
                            " [in impl{} {for_ty}{}]",
                            self.generics(generics),
                            self.where_clause(generics)
                        )
                    };
                    for member in arr(inner, "items") {
                        if let Some(m) = self.item(member)
                            && m["visibility"] == "public"
                        {
                            self.assoc_line(m, &for_ty, &context, false, owner, lines);
                        }
                    }
                }
            }
        }
    }

    /// A trait's item or an inherent impl's public item, under `parent`.
    fn assoc_line(
        &self,
        m: &Value,
        parent: &str,
        context: &str,
        in_trait: bool,
        owner: &str,
        lines: &mut Lines,
    ) {
        let attrs = attrs(m);
        let path = format!("{parent}::{}", str_of(m, "name"));
        let (kind, inner) = tagged(&m["inner"]);
        let line = match kind {
            "function" => {
                let mut s = self.function(inner, &path, "pub ");
                if in_trait && flag(inner, "has_body") {
                    s.push_str(" { .. }");
                }
                s
            }
            "assoc_const" => {
                let mut s = format!("pub const {path}: {}", self.ty(&inner["type"]));
                if in_trait
                    && !inner
                        .get("value")
                        .or_else(|| inner.get("default"))
                        .is_none_or(Value::is_null)
                {
                    s.push_str(" = ..");
                }
                s
            }
            "assoc_type" => {
                let mut s = format!("pub type {path}{}", self.generics(&inner["generics"]));
                let bounds = self.bounds(arr(inner, "bounds"));
                if !bounds.is_empty() {
                    s.push_str(&format!(": {bounds}"));
                }
                if let Some(t) = inner
                    .get("type")
                    .or_else(|| inner.get("default"))
                    .filter(|t| !t.is_null())
                {
                    s.push_str(&format!(" = {}", self.ty(t)));
                }
                s
            }
            other => format!("pub {{?{other}}} {path}"),
        };
        lines.put(owner, 2, format!("{attrs}{line}{context}"));
    }

    fn function(&self, f: &Value, path: &str, vis: &str) -> String {
        let header = &f["header"];
        let mut s = String::from(vis);
        if flag(header, "is_const") {
            s.push_str("const ");
        }
        if flag(header, "is_async") {
            s.push_str("async ");
        }
        if flag(header, "is_unsafe") {
            s.push_str("unsafe ");
        }
        match header.get("abi") {
            None | Some(Value::Null) => {}
            Some(Value::String(abi)) if abi == "Rust" => {}
            Some(abi) => s.push_str(&format!("extern \"{}\" ", tagged(abi).0)),
        }
        let sig = f
            .get("sig")
            .or_else(|| f.get("decl"))
            .unwrap_or(&Value::Null);
        s.push_str(&format!(
            "fn {path}{}({})",
            self.generics(&f["generics"]),
            self.params(sig)
        ));
        s.push_str(&self.output(sig));
        s.push_str(&self.where_clause(&f["generics"]));
        s
    }

    fn params(&self, sig: &Value) -> String {
        let mut parts: Vec<String> = arr(sig, "inputs")
            .iter()
            .map(|p| {
                let name = p.get(0).and_then(Value::as_str).unwrap_or("_");
                let ty = p.get(1).unwrap_or(&Value::Null);
                if name == "self" {
                    match tagged(ty) {
                        ("generic", Value::String(g)) if g == "Self" => return "self".to_owned(),
                        ("borrowed_ref", r) if r["type"]["generic"] == "Self" => {
                            let lt = r
                                .get("lifetime")
                                .and_then(Value::as_str)
                                .map_or(String::new(), |l| format!("{l} "));
                            let m = if flag(r, "is_mutable") { "mut " } else { "" };
                            return format!("&{lt}{m}self");
                        }
                        _ => {}
                    }
                }
                format!("{name}: {}", self.ty(ty))
            })
            .collect();
        if flag(sig, "is_c_variadic") {
            parts.push("...".to_owned());
        }
        parts.join(", ")
    }

    fn output(&self, sig: &Value) -> String {
        match sig.get("output") {
            None | Some(Value::Null) => String::new(),
            Some(t) => format!(" -> {}", self.ty(t)),
        }
    }

    fn ty(&self, t: &Value) -> String {
        let (kind, v) = tagged(t);
        match kind {
            "resolved_path" => self.path_ty(v),
            "generic" | "primitive" => v.as_str().unwrap_or("?").to_owned(),
            "tuple" => {
                let parts: Vec<String> = v
                    .as_array()
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .map(|t| self.ty(t))
                    .collect();
                if parts.len() == 1 {
                    format!("({},)", parts.join(""))
                } else {
                    format!("({})", parts.join(", "))
                }
            }
            "slice" => format!("[{}]", self.ty(v)),
            "array" => format!("[{}; {}]", self.ty(&v["type"]), str_of(v, "len")),
            "borrowed_ref" => {
                let lt = v
                    .get("lifetime")
                    .and_then(Value::as_str)
                    .map_or(String::new(), |l| format!("{l} "));
                let m = if flag(v, "is_mutable") { "mut " } else { "" };
                format!("&{lt}{m}{}", self.ty(&v["type"]))
            }
            "raw_pointer" => {
                let m = if flag(v, "is_mutable") {
                    "mut"
                } else {
                    "const"
                };
                format!("*{m} {}", self.ty(&v["type"]))
            }
            "impl_trait" => format!(
                "impl {}",
                self.bounds(v.as_array().map_or(&[][..], Vec::as_slice))
            ),
            "dyn_trait" => {
                let mut parts: Vec<String> = arr(v, "traits")
                    .iter()
                    .map(|p| {
                        format!(
                            "{}{}",
                            self.hrtb(arr(p, "generic_params")),
                            self.path_ty(&p["trait"])
                        )
                    })
                    .collect();
                if let Some(lt) = v.get("lifetime").and_then(Value::as_str) {
                    parts.push(lt.to_owned());
                }
                format!("dyn {}", parts.join(" + "))
            }
            "function_pointer" => {
                let sig = v
                    .get("sig")
                    .or_else(|| v.get("decl"))
                    .unwrap_or(&Value::Null);
                let unsafety = if flag(&v["header"], "is_unsafe") {
                    "unsafe "
                } else {
                    ""
                };
                format!(
                    "{}{unsafety}fn({}){}",
                    self.hrtb(arr(v, "generic_params")),
                    self.params(sig),
                    self.output(sig)
                )
            }
            "qualified_path" => {
                let self_ty = self.ty(&v["self_type"]);
                let name = str_of(v, "name");
                let args = self.args(&v["args"]);
                match v.get("trait").filter(|t| !t.is_null()) {
                    Some(tr) => format!("<{self_ty} as {}>::{name}{args}", self.path_ty(tr)),
                    None => format!("{self_ty}::{name}{args}"),
                }
            }
            "infer" => "_".to_owned(),
            "pat" => self.ty(&v["type"]),
            other => format!("{{?{other}}}"),
        }
    }

    /// A `Path` (a type or a trait): its path as a user writes it, then its generic arguments.
    fn path_ty(&self, p: &Value) -> String {
        let written = p
            .get("path")
            .or_else(|| p.get("name"))
            .and_then(Value::as_str)
            .unwrap_or("");
        format!(
            "{}{}",
            self.path_of(p.get("id"), written),
            self.args(&p["args"])
        )
    }

    fn args(&self, args: &Value) -> String {
        let (kind, v) = tagged(args);
        match kind {
            "angle_bracketed" => {
                let mut parts: Vec<String> = arr(v, "args")
                    .iter()
                    .map(|a| match tagged(a) {
                        ("lifetime", l) => l.as_str().unwrap_or("'?").to_owned(),
                        ("type", t) => self.ty(t),
                        ("const", c) => str_of(c, "expr").to_owned(),
                        ("infer", _) => "_".to_owned(),
                        (other, _) => format!("{{?{other}}}"),
                    })
                    .collect();
                let constraints = v.get("constraints").or_else(|| v.get("bindings"));
                for c in constraints
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice)
                {
                    let name = format!("{}{}", str_of(c, "name"), self.args(&c["args"]));
                    match tagged(&c["binding"]) {
                        ("equality", term) => {
                            let rhs = match tagged(term) {
                                ("type", t) => self.ty(t),
                                ("constant", k) => str_of(k, "expr").to_owned(),
                                (other, _) => format!("{{?{other}}}"),
                            };
                            parts.push(format!("{name} = {rhs}"));
                        }
                        ("constraint", b) => {
                            parts.push(format!(
                                "{name}: {}",
                                self.bounds(b.as_array().map_or(&[][..], Vec::as_slice))
                            ));
                        }
                        (other, _) => parts.push(format!("{name}{{?{other}}}")),
                    }
                }
                if parts.is_empty() {
                    String::new()
                } else {
                    format!("<{}>", parts.join(", "))
                }
            }
            "parenthesized" => {
                let inputs: Vec<String> = arr(v, "inputs").iter().map(|t| self.ty(t)).collect();
                let out = match v.get("output") {
                    None | Some(Value::Null) => String::new(),
                    Some(t) => format!(" -> {}", self.ty(t)),
                };
                format!("({}){out}", inputs.join(", "))
            }
            "return_type_notation" => "(..)".to_owned(),
            "" => String::new(),
            other => format!("{{?{other}}}"),
        }
    }

    fn bounds(&self, bounds: &[Value]) -> String {
        let parts: Vec<String> = bounds
            .iter()
            .map(|b| match tagged(b) {
                ("trait_bound", tb) => {
                    let modifier = match tb.get("modifier").and_then(Value::as_str) {
                        Some("maybe") => "?",
                        Some("maybe_const") => "~const ",
                        _ => "",
                    };
                    format!(
                        "{}{modifier}{}",
                        self.hrtb(arr(tb, "generic_params")),
                        self.path_ty(&tb["trait"])
                    )
                }
                ("outlives", l) => l.as_str().unwrap_or("'?").to_owned(),
                ("use", u) => {
                    let args: Vec<String> = u
                        .as_array()
                        .map_or(&[][..], Vec::as_slice)
                        .iter()
                        .map(|a| match a {
                            Value::String(s) => s.clone(),
                            other => tagged(other).1.as_str().unwrap_or("?").to_owned(),
                        })
                        .collect();
                    format!("use<{}>", args.join(", "))
                }
                (other, _) => format!("{{?{other}}}"),
            })
            .collect();
        parts.join(" + ")
    }

    fn hrtb(&self, params: &[Value]) -> String {
        if params.is_empty() {
            String::new()
        } else {
            format!("for{} ", self.params_list(params))
        }
    }

    fn generics(&self, g: &Value) -> String {
        self.params_list(arr(g, "params"))
    }

    fn params_list(&self, params: &[Value]) -> String {
        let parts: Vec<String> = params
            .iter()
            .filter_map(|p| {
                let name = str_of(p, "name");
                match tagged(&p["kind"]) {
                    ("lifetime", l) => {
                        let outlives: Vec<&str> = arr(l, "outlives")
                            .iter()
                            .filter_map(Value::as_str)
                            .collect();
                        Some(if outlives.is_empty() {
                            name.to_owned()
                        } else {
                            format!("{name}: {}", outlives.join(" + "))
                        })
                    }
                    ("type", t) => {
                        if flag(t, "is_synthetic") {
                            return None;
                        }
                        let mut s = name.to_owned();
                        let bounds = self.bounds(arr(t, "bounds"));
                        if !bounds.is_empty() {
                            s.push_str(&format!(": {bounds}"));
                        }
                        if let Some(d) = t.get("default").filter(|d| !d.is_null()) {
                            s.push_str(&format!(" = {}", self.ty(d)));
                        }
                        Some(s)
                    }
                    ("const", c) => Some(format!("const {name}: {}", self.ty(&c["type"]))),
                    (other, _) => Some(format!("{name}{{?{other}}}")),
                }
            })
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!("<{}>", parts.join(", "))
        }
    }

    fn where_clause(&self, g: &Value) -> String {
        let parts: Vec<String> = arr(g, "where_predicates")
            .iter()
            .map(|p| match tagged(p) {
                ("bound_predicate", b) => format!(
                    "{}{}: {}",
                    self.hrtb(arr(b, "generic_params")),
                    self.ty(&b["type"]),
                    self.bounds(arr(b, "bounds"))
                ),
                ("lifetime_predicate", l) => {
                    let outlives: Vec<&str> = arr(l, "outlives")
                        .iter()
                        .filter_map(Value::as_str)
                        .collect();
                    format!("{}: {}", str_of(l, "lifetime"), outlives.join(" + "))
                }
                ("eq_predicate", e) => {
                    let rhs = match tagged(&e["rhs"]) {
                        ("type", t) => self.ty(t),
                        ("constant", k) => str_of(k, "expr").to_owned(),
                        (other, _) => format!("{{?{other}}}"),
                    };
                    format!("{} = {rhs}", self.ty(&e["lhs"]))
                }
                (other, _) => format!("{{?{other}}}"),
            })
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!(" where {}", parts.join(", "))
        }
    }
}

/// Records `path` for item `key` if it is the first, or shorter (then smaller) than the one known.
fn offer(found: &mut BTreeMap<String, String>, key: &str, path: &str) {
    let better = found.get(key).is_none_or(|known| {
        let (a, b) = (path.matches("::").count(), known.matches("::").count());
        a < b || (a == b && path < known.as_str())
    });
    if better {
        found.insert(key.to_owned(), path.to_owned());
    }
}

/// The attributes that are part of the API, as a prefix: `#[non_exhaustive]`, `#[deprecated]`.
fn attrs(item: &Value) -> String {
    let mut out = String::new();
    let non_exhaustive = arr(item, "attrs").iter().any(|a| match a {
        Value::String(s) => s == "non_exhaustive" || s.contains("#[non_exhaustive]"),
        Value::Object(m) => {
            m.contains_key("non_exhaustive")
                || m.values().any(|v| v.as_str() == Some("#[non_exhaustive]"))
        }
        _ => false,
    });
    if non_exhaustive {
        out.push_str("#[non_exhaustive] ");
    }
    if !item.get("deprecation").is_none_or(Value::is_null) {
        out.push_str("#[deprecated] ");
    }
    out
}

/// The lines only in `expected` (`-`) and only in `actual` (`+`), in the listings' order, or
/// `None` when the texts are equal. Lines present in both but moved are not shown: the listing's
/// order follows from its content, so a move is always explained by a `-` or `+` line.
pub fn diff(expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    let old: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = actual.lines().collect();
    let in_old: BTreeSet<&str> = old.iter().copied().collect();
    let in_new: BTreeSet<&str> = new.iter().copied().collect();
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        match (old.get(i), new.get(j)) {
            (Some(a), Some(b)) if a == b => (i, j) = (i + 1, j + 1),
            (Some(a), _) if !in_new.contains(a) => {
                out.push_str(&format!("-{a}\n"));
                i += 1;
            }
            (_, Some(b)) if !in_old.contains(b) => {
                out.push_str(&format!("+{b}\n"));
                j += 1;
            }
            // Both lines exist on the other side, elsewhere: a move; skip the old one.
            (Some(_), _) => i += 1,
            (None, _) => j += 1,
        }
    }
    if out.is_empty() {
        out.push_str("(same items; the order of the lines differs)\n");
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use serde_json::json;

    /// A crate `demo` in the shape rustdoc (format 57) writes: a public struct re-exported from a
    /// private module, with a public and a private field, an inherent method, a derived trait and
    /// an auto trait; a `#[non_exhaustive]` enum with a tuple and a struct variant; a function.
    fn demo() -> Value {
        let string = json!({"resolved_path": {"path": "String", "id": 90, "args": null}});
        json!({
            "root": 0,
            "format_version": 57,
            "index": {
                "0": {"name": "demo", "visibility": "public", "attrs": [], "inner": {"module": {"is_crate": true, "items": [1, 2, 3, 4], "is_stripped": false}}},
                "1": {"name": null, "visibility": "public", "attrs": [], "inner": {"use": {"source": "inner::Thing", "name": "Thing", "id": 10, "is_glob": false}}},
                "2": {"name": "Kind", "visibility": "public", "attrs": ["non_exhaustive"], "inner": {"enum": {"generics": {"params": [], "where_predicates": []}, "has_stripped_variants": false, "variants": [20, 21], "impls": []}}},
                "3": {"name": "make", "visibility": "public", "attrs": [], "inner": {"function": {
                    "sig": {"inputs": [["name", {"borrowed_ref": {"lifetime": null, "is_mutable": false, "type": {"primitive": "str"}}}]],
                            "output": {"resolved_path": {"path": "Result", "id": 91, "args": {"angle_bracketed": {"args": [
                                {"type": {"resolved_path": {"path": "inner::Thing", "id": 10, "args": null}}},
                                {"type": string}], "constraints": []}}}},
                            "is_c_variadic": false},
                    "generics": {"params": [], "where_predicates": []},
                    "header": {"is_const": false, "is_unsafe": false, "is_async": false, "abi": "Rust"}, "has_body": true}}},
                "4": {"name": null, "visibility": "public", "attrs": [], "inner": {"use": {"source": "other::Placement", "name": "Placement", "id": 92, "is_glob": false}}},
                "10": {"name": "Thing", "visibility": "public", "attrs": [], "inner": {"struct": {"kind": {"plain": {"fields": [11, 12], "has_stripped_fields": false}}, "generics": {"params": [], "where_predicates": []}, "impls": [30, 31, 32, 33]}}},
                "11": {"name": "name", "visibility": "public", "attrs": [], "inner": {"struct_field": string}},
                "12": {"name": "secret", "visibility": "default", "attrs": [], "inner": {"struct_field": {"primitive": "u8"}}},
                "20": {"name": "One", "visibility": "default", "attrs": [], "inner": {"variant": {"kind": {"tuple": [22]}, "discriminant": null}}},
                "21": {"name": "Two", "visibility": "default", "attrs": [], "inner": {"variant": {"kind": {"struct": {"fields": [23], "has_stripped_fields": false}}, "discriminant": null}}},
                "22": {"name": "0", "visibility": "default", "attrs": [], "inner": {"struct_field": {"primitive": "u16"}}},
                "23": {"name": "at", "visibility": "default", "attrs": [], "inner": {"struct_field": {"resolved_path": {"path": "Thing", "id": 10, "args": null}}}},
                "30": {"name": null, "visibility": "default", "attrs": [], "inner": {"impl": {"is_unsafe": false, "generics": {"params": [], "where_predicates": []}, "provided_trait_methods": [], "trait": null, "for": {"resolved_path": {"path": "Thing", "id": 10, "args": null}}, "items": [34, 35], "is_negative": false, "is_synthetic": false, "blanket_impl": null}}},
                "31": {"name": null, "visibility": "default", "attrs": ["automatically_derived"], "inner": {"impl": {"is_unsafe": false, "generics": {"params": [], "where_predicates": []}, "provided_trait_methods": [], "trait": {"path": "Clone", "id": 93, "args": null}, "for": {"resolved_path": {"path": "Thing", "id": 10, "args": null}}, "items": [], "is_negative": false, "is_synthetic": false, "blanket_impl": null}}},
                "32": {"name": null, "visibility": "default", "attrs": [], "inner": {"impl": {"is_unsafe": false, "generics": {"params": [], "where_predicates": []}, "provided_trait_methods": [], "trait": {"path": "Send", "id": 94, "args": null}, "for": {"resolved_path": {"path": "Thing", "id": 10, "args": null}}, "items": [], "is_negative": false, "is_synthetic": true, "blanket_impl": null}}},
                "33": {"name": null, "visibility": "default", "attrs": [], "inner": {"impl": {"is_unsafe": false, "generics": {"params": [{"name": "T", "kind": {"type": {"bounds": [], "default": null, "is_synthetic": false}}}], "where_predicates": []}, "provided_trait_methods": [], "trait": {"path": "Into", "id": 95, "args": null}, "for": {"generic": "T"}, "items": [], "is_negative": false, "is_synthetic": false, "blanket_impl": {"generic": "T"}}}},
                "34": {"name": "len", "visibility": "public", "attrs": [{"must_use": {"reason": null}}], "inner": {"function": {
                    "sig": {"inputs": [["self", {"borrowed_ref": {"lifetime": null, "is_mutable": false, "type": {"generic": "Self"}}}]], "output": {"primitive": "usize"}, "is_c_variadic": false},
                    "generics": {"params": [], "where_predicates": []},
                    "header": {"is_const": true, "is_unsafe": false, "is_async": false, "abi": "Rust"}, "has_body": true}}},
                "35": {"name": "helper", "visibility": "crate", "attrs": [], "inner": {"function": {
                    "sig": {"inputs": [], "output": null, "is_c_variadic": false},
                    "generics": {"params": [], "where_predicates": []},
                    "header": {"is_const": false, "is_unsafe": false, "is_async": false, "abi": "Rust"}, "has_body": true}}}
            },
            "paths": {
                "10": {"crate_id": 0, "path": ["demo", "inner", "Thing"], "kind": "struct"},
                "90": {"crate_id": 3, "path": ["alloc", "string", "String"], "kind": "struct"},
                "91": {"crate_id": 2, "path": ["core", "result", "Result"], "kind": "enum"},
                "92": {"crate_id": 7, "path": ["other", "plan", "Placement"], "kind": "enum"},
                "93": {"crate_id": 2, "path": ["core", "clone", "Clone"], "kind": "trait"},
                "94": {"crate_id": 2, "path": ["core", "marker", "Send"], "kind": "trait"},
                "95": {"crate_id": 2, "path": ["core", "convert", "Into"], "kind": "trait"}
            }
        })
    }

    fn others() -> BTreeMap<String, String> {
        BTreeMap::from([(
            "other::plan::Placement".to_owned(),
            "other::Placement".to_owned(),
        )])
    }

    #[test]
    fn renders_every_kind_of_public_item_sorted() {
        let text = render(&demo(), &others()).unwrap();
        let expected = "\
pub mod demo
#[non_exhaustive] pub enum demo::Kind
pub demo::Kind::One(u16)
pub demo::Kind::Two { .. }
pub demo::Kind::Two::at: demo::Thing
pub use demo::Placement = other::Placement
pub struct demo::Thing
pub demo::Thing::name: alloc::string::String
pub const fn demo::Thing::len(&self) -> usize
impl core::clone::Clone for demo::Thing
impl core::marker::Send for demo::Thing
pub fn demo::make(name: &str) -> core::result::Result<demo::Thing, alloc::string::String>
";
        assert_eq!(text, expected);
    }

    #[test]
    fn private_items_and_blanket_impls_are_not_listed() {
        let text = render(&demo(), &others()).unwrap();
        assert!(!text.contains("secret"), "{text}");
        assert!(!text.contains("helper"), "{text}");
        assert!(!text.contains("Into"), "{text}");
        assert!(!text.contains("inner::"), "a private module leaked: {text}");
    }

    #[test]
    fn public_paths_maps_canonical_to_public() {
        let map = public_paths(&demo()).unwrap();
        assert_eq!(
            map.get("demo::inner::Thing").map(String::as_str),
            Some("demo::Thing")
        );
    }

    /// The check fails on a change: a new public function, a field that turns private and a
    /// variant that loses `#[non_exhaustive]` each show up in the diff.
    #[test]
    fn a_change_of_the_surface_changes_the_listing() {
        let before = render(&demo(), &others()).unwrap();

        let mut added = demo();
        added["index"]["0"]["inner"]["module"]["items"]
            .as_array_mut()
            .unwrap()
            .push(json!(40));
        added["index"]["40"] = json!({"name": "extra", "visibility": "public", "attrs": [], "inner": {"function": {
            "sig": {"inputs": [], "output": null, "is_c_variadic": false},
            "generics": {"params": [], "where_predicates": []},
            "header": {"is_const": false, "is_unsafe": false, "is_async": false, "abi": "Rust"}, "has_body": true}}});
        let d = diff(&before, &render(&added, &others()).unwrap()).unwrap();
        assert_eq!(d, "+pub fn demo::extra()\n");

        let mut hidden = demo();
        hidden["index"]["11"]["visibility"] = json!("crate");
        let d = diff(&before, &render(&hidden, &others()).unwrap()).unwrap();
        assert_eq!(d, "-pub demo::Thing::name: alloc::string::String\n");

        let mut exhaustive = demo();
        exhaustive["index"]["2"]["attrs"] = json!([]);
        let d = diff(&before, &render(&exhaustive, &others()).unwrap()).unwrap();
        assert_eq!(
            d,
            "-#[non_exhaustive] pub enum demo::Kind\n+pub enum demo::Kind\n"
        );
    }

    #[test]
    fn older_formats_string_ids_and_attribute_strings_are_read() {
        let mut old = demo();
        old["root"] = json!("0");
        old["index"]["2"]["attrs"] = json!(["#[non_exhaustive]"]);
        assert_eq!(
            render(&old, &others()).unwrap(),
            render(&demo(), &others()).unwrap()
        );
    }

    #[test]
    fn unknown_shapes_are_shown_not_dropped() {
        let mut odd = demo();
        odd["index"]["11"]["inner"]["struct_field"] = json!({"new_kind_of_type": {}});
        let text = render(&odd, &others()).unwrap();
        assert!(
            text.contains("pub demo::Thing::name: {?new_kind_of_type}"),
            "{text}"
        );
    }

    #[test]
    fn a_document_without_index_is_an_error() {
        let err = render(&json!({"root": 0}), &BTreeMap::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "rustdoc JSON not understood: no `index` object"
        );
    }

    #[test]
    fn diff_lists_removed_and_added_lines_only() {
        assert_eq!(diff("a\nb\n", "a\nb\n"), None);
        assert_eq!(diff("a\nb\nc\n", "a\nc\nd\n").unwrap(), "-b\n+d\n");
        assert_eq!(
            diff("b\na\n", "a\nb\n").unwrap(),
            "(same items; the order of the lines differs)\n"
        );
    }
}
