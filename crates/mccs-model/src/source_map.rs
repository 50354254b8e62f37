//! Where each node of a document starts, kept compactly: one small record per node of the text
//! and per key, not a document path per node.
//!
//! The map is a tree laid out in two arrays. `nodes` holds every node in document order
//! (pre-order), each with its location and the range of its children in `edges`; the children of
//! one node are contiguous, those of a mapping sorted by key so a look-up is a binary search.
//! Keys are interned: the schema's keys repeat on every element, so a document with 100,000 rules
//! stores each key's text once. Memory is about 40 bytes per node, a fraction of the text's own
//! size times a small constant, and building it allocates nothing per node.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::diag::{Diagnostic, DocPath, Location, Segment};

/// Where each node of a document starts: from a document path to a line and column.
///
/// Built by [`load`](crate::load) for YAML and JSON documents. A path that goes below what the
/// map knows (inside an aliased value, say) is located at its nearest ancestor.
///
/// For JSON the map is built on the first look-up, from a copy of the text: a document with no
/// findings never pays for it.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    tree: OnceLock<Tree>,
    /// The JSON text the tree is built from on first use.
    lazy: Option<Arc<str>>,
    /// The end of the text: no location points past it (an empty value at the very end of a
    /// document is reported at the end, not on a line that does not exist).
    end: Option<Location>,
}

#[derive(Debug, Clone, Default)]
struct Tree {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    keys: HashMap<Box<str>, u32>,
}

/// A line and column, 1-based, stored in 32 bits each (a document is far smaller than 4 Gi
/// lines; larger values saturate).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Pos {
    line: u32,
    column: u32,
}

impl Pos {
    fn of(l: Location) -> Self {
        Self {
            line: u32::try_from(l.line).unwrap_or(u32::MAX),
            column: u32::try_from(l.column).unwrap_or(u32::MAX),
        }
    }

    fn location(self) -> Location {
        Location {
            line: self.line as usize,
            column: self.column as usize,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Leaf,
    Sequence,
    Mapping,
}

#[derive(Debug, Clone, Copy)]
struct Node {
    at: Pos,
    kind: Kind,
    /// This node's children: `edges[first..first + len]`.
    first: u32,
    len: u32,
}

#[derive(Debug, Clone, Copy)]
struct Edge {
    /// The interned key of a mapping entry (unused for a sequence item).
    key: u32,
    node: u32,
}

/// An open container while the map is built.
#[derive(Debug)]
struct Open {
    node: u32,
    /// Where this container's children start in [`SourceMapBuilder::pending`].
    mark: usize,
}

/// Builds a [`SourceMap`] from a document read in order: containers are opened and closed
/// around their children, each node is added before its children.
#[derive(Debug, Default)]
pub(crate) struct SourceMapBuilder {
    map: Tree,
    /// Children of the open containers, innermost last, moved to `map.edges` on close.
    pending: Vec<Edge>,
    open: Vec<Open>,
    /// The key of the next node added to the innermost open mapping.
    next_key: u32,
}

impl SourceMapBuilder {
    /// Interns the key of the next entry of the innermost open mapping.
    pub(crate) fn key(&mut self, key: &str) {
        let next = u32::try_from(self.map.keys.len()).unwrap_or(u32::MAX);
        self.next_key = match self.map.keys.get(key) {
            Some(&id) => id,
            None => {
                self.map.keys.insert(key.into(), next);
                next
            }
        };
    }

    fn add(&mut self, at: Location, kind: Kind) -> u32 {
        let id = u32::try_from(self.map.nodes.len()).unwrap_or(u32::MAX);
        self.map.nodes.push(Node {
            at: Pos::of(at),
            kind,
            first: 0,
            len: 0,
        });
        if !self.open.is_empty() {
            self.pending.push(Edge {
                key: self.next_key,
                node: id,
            });
        }
        id
    }

    /// Adds a scalar or alias node at `at`.
    pub(crate) fn leaf(&mut self, at: Location) {
        self.add(at, Kind::Leaf);
    }

    /// Opens a sequence (`mapping == false`) or mapping at `at`; its nodes follow until
    /// [`close`](Self::close).
    pub(crate) fn open(&mut self, at: Location, mapping: bool) {
        let kind = if mapping {
            Kind::Mapping
        } else {
            Kind::Sequence
        };
        let node = self.add(at, kind);
        self.open.push(Open {
            node,
            mark: self.pending.len(),
        });
    }

    /// Closes the innermost open container.
    pub(crate) fn close(&mut self) {
        let Some(open) = self.open.pop() else { return };
        let children = &mut self.pending[open.mark..];
        let node = &mut self.map.nodes[open.node as usize];
        if node.kind == Kind::Mapping {
            // Keys are unique within a mapping (the reader rejects duplicates): a stable sort
            // keeps the first if one ever slipped through.
            children.sort_by_key(|e| e.key);
        }
        node.first = u32::try_from(self.map.edges.len()).unwrap_or(u32::MAX);
        node.len = u32::try_from(children.len()).unwrap_or(u32::MAX);
        self.map.edges.extend(self.pending.drain(open.mark..));
    }

    /// The finished map.
    pub(crate) fn finish(self) -> SourceMap {
        SourceMap {
            tree: OnceLock::from(self.map),
            lazy: None,
            end: None,
        }
    }
}

impl SourceMap {
    /// The location of `path`, or of its nearest ancestor that has one.
    pub fn locate(&self, path: &DocPath) -> Option<Location> {
        let tree = self.tree.get_or_init(|| {
            // JSON is YAML 1.2 flow syntax: the YAML reader finds its locations. If it
            // disagrees with the JSON reader, the document has no locations.
            self.lazy
                .as_deref()
                .and_then(|text| crate::load::yaml_to_value(text).ok())
                .and_then(|(_, map)| map.tree.into_inner())
                .unwrap_or_default()
        });
        let mut node = tree.nodes.first()?;
        for seg in path.segments() {
            let children = tree
                .edges
                .get(node.first as usize..(node.first as usize + node.len as usize))
                .unwrap_or_default();
            let next = match (node.kind, seg) {
                (Kind::Sequence, Segment::Index(i)) => children.get(*i),
                (Kind::Mapping, Segment::Key(k)) => tree.keys.get(k.as_str()).and_then(|id| {
                    children
                        .binary_search_by_key(id, |e| e.key)
                        .ok()
                        .map(|i| &children[i])
                }),
                _ => None,
            };
            match next.and_then(|e| tree.nodes.get(e.node as usize)) {
                Some(n) => node = n,
                None => break,
            }
        }
        let l = node.at.location();
        Some(match self.end {
            Some(end) if (l.line, l.column) > (end.line, end.column) => end,
            _ => l,
        })
    }

    /// Fills in the location of every diagnostic that has none.
    pub fn locate_all(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics {
            if d.location.is_none() {
                d.location = self.locate(&d.path);
            }
        }
    }

    /// A map of a JSON text (such as a platform export), built from a copy of it on the first
    /// look-up, so a text without findings costs only the copy.
    ///
    /// ```
    /// use mccs_model::{DocPath, SourceMap};
    /// let map = SourceMap::json("[\n  {\"name\": \"a\"},\n  {\"name\": \"b\"}\n]");
    /// let at = map.locate(&DocPath::root().index(1).key("name")).unwrap();
    /// assert_eq!((at.line, at.column), (3, 12));
    /// ```
    pub fn json(json: &str) -> Self {
        Self::lazy(json)
    }

    /// A map of a JSON text, built from a copy of it on the first look-up.
    pub(crate) fn lazy(json: &str) -> Self {
        Self {
            lazy: Some(json.into()),
            ..Self::default()
        }
    }

    /// Sets where the text ends.
    pub(crate) fn set_end(&mut self, end: Location) {
        self.end = Some(end);
    }

    /// How many nodes the map holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.tree.get().map_or(0, |t| t.nodes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Location {
        Location { line, column }
    }

    #[test]
    fn finds_nodes_by_key_and_index_and_falls_back_to_the_nearest_ancestor() {
        // {b: [x, y], a: {}}
        let mut b = SourceMapBuilder::default();
        b.open(at(1, 1), true);
        b.key("b");
        b.open(at(1, 2), false);
        b.leaf(at(2, 3));
        b.leaf(at(3, 3));
        b.close();
        b.key("a");
        b.open(at(4, 1), true);
        b.close();
        b.close();
        let mut m = b.finish();
        let root = DocPath::root();
        assert_eq!(m.locate(&root), Some(at(1, 1)));
        assert_eq!(m.locate(&root.key("b").index(1)), Some(at(3, 3)));
        assert_eq!(m.locate(&root.key("a")), Some(at(4, 1)));
        // Below a leaf, past a list's end, an unknown key: the nearest ancestor.
        assert_eq!(m.locate(&root.key("b").index(1).key("z")), Some(at(3, 3)));
        assert_eq!(m.locate(&root.key("b").index(7)), Some(at(1, 2)));
        assert_eq!(m.locate(&root.key("nope")), Some(at(1, 1)));
        assert_eq!(m.locate(&root.index(0)), Some(at(1, 1)));
        // Nothing points past the end of the text.
        m.set_end(at(3, 1));
        assert_eq!(m.locate(&root.key("a")), Some(at(3, 1)));
        assert_eq!(m.len(), 5);
        assert_eq!(SourceMap::default().locate(&root), None);
    }
}
