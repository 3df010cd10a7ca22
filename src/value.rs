//! The validated input value tree: what the evaluator reads and what findings point into.
//!
//! A value tree is produced by validating parsed JSON against an input schema (see `schema`), or
//! by loading catalog tables. Objects are slot vectors in the order of their schema type's fields,
//! so a compiled field path is a list of slot indices, not a list of names to look up.
//!
//! The tree is flat: a [`Tree`] holds every list item and object slot of one document (or of
//! the whole catalog) in two vectors, and a list or object node holds an [`Extent`] of one of
//! them. A string node holds a [`StrRef`]: where its bytes are in the document's source (a string
//! written without escapes is used where it is written) or in the tree's own text (one written
//! with escapes, and the catalog's). Building a document's tree then costs no allocation per
//! object, list or string, a node is a plain copyable value, emptying a tree is free, and a
//! worker reuses one tree's vectors for the next document ([`Tree::clear`]). A span or text
//! also says which kind of tree it belongs to (a document's or the catalog's), so that
//! [`Trees`] can resolve a node reached through either without being told.
//!
//! **Invariants:** an absent field is `None` in its slot and is never confused with
//! `Value::Null` (stated as "none") or with `false`/`0`/`[]`. A span or text is only
//! meaningful in the tree that made it: resolved in a tree of the other kind it gives an empty
//! slice or string, in another tree of the same kind whatever lies there or nothing, and never
//! a panic. A document tree's source strings need its source set ([`Tree::set_source`], which
//! `schema::validate_in` does). Every empty list has the span [`Extent::EMPTY`], so that two
//! empty lists compare equal as values.

use jiff::civil::Date;

/// A value with the byte offset in its source file where it starts, for locating findings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Node {
    /// Byte offset of the first character of the value in its source; `u32::MAX` when synthetic.
    pub at: u32,
    pub value: Value,
}

impl Node {
    pub const SYNTHETIC: u32 = u32::MAX;

    pub fn new(at: u32, value: Value) -> Self {
        Node { at, value }
    }

    pub fn synthetic(value: Value) -> Self {
        Node {
            at: Self::SYNTHETIC,
            value,
        }
    }
}

/// Equality compares spans, not what they hold: it means "the same node of one tree" (use
/// [`Tree::same`] across trees).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// Stated as none (JSON `null`, or a section the schema says means "none" when absent).
    Null,
    Bool(bool),
    Number(f64),
    /// Where the string's bytes are (see [`StrRef`]). Not a string of its own: making one
    /// (allocation, or an inline string built in pieces and read back whole) was a large share
    /// of reading a document.
    Str(StrRef),
    Date(Date),
    /// Items, in the tree's item vector.
    List(Extent),
    /// Field slots in schema order (`None` = absent), in the tree's slot vector.
    Object(Extent),
}

/// Where a list's items or an object's slots are in their [`Tree`]: a start (low half), a
/// length (high half), and in the start's top bit whether the tree is the catalog's. One word,
/// not two fields: a function that returns a span (reading an object) then hands it back in
/// registers, or stores it whole, where two halves stored apart were read back as one word
/// across both stores (a store-forwarding stall).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent(u64);

/// The bit of an [`Extent`]'s start set in the catalog's tree.
const CATALOG: u32 = 1 << 31;

/// The bit of [`StrRef::start`] set for a string in the tree's own text, clear for one in the
/// document's source (most strings: those without escapes are used where they are written).
const OWN: u32 = 1 << 30;

/// Where a string's bytes are: a start and a length in the document's source text or (see
/// [`OWN`]) in its [`Tree`]'s own text, and in the start's top bit whether the tree is the
/// catalog's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrRef {
    start: u32,
    len: u32,
}

impl StrRef {
    fn in_catalog(self) -> bool {
        self.start & CATALOG != 0
    }

    #[inline]
    fn range(self) -> std::ops::Range<usize> {
        let start = (self.start & !(CATALOG | OWN)) as usize;
        start..start + self.len as usize
    }
}

impl Extent {
    /// The span of every empty list.
    pub const EMPTY: Extent = Extent(0);

    #[inline]
    fn new(start: u32, len: u32) -> Extent {
        Extent(u64::from(start) | u64::from(len) << 32)
    }

    /// The start, with the catalog bit.
    #[inline]
    fn start(self) -> u32 {
        self.0 as u32
    }

    pub fn len(self) -> usize {
        (self.0 >> 32) as usize
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    pub(crate) fn in_catalog(self) -> bool {
        self.start() & CATALOG != 0
    }

    /// The range in its tree's vector.
    #[inline]
    pub(crate) fn range(self) -> std::ops::Range<usize> {
        let start = (self.start() & !CATALOG) as usize;
        start..start + self.len()
    }

    /// Where item or slot `i` is in its tree's vector (`None` past the end).
    #[inline(always)]
    pub(crate) fn index(self, i: usize) -> Option<usize> {
        (i < self.len()).then(|| (self.start() & !CATALOG) as usize + i)
    }
}

/// The items and slots of one document's (or the catalog's) lists and objects.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    items: Vec<Node>,
    slots: Vec<Option<Node>>,
    /// The text of the document the tree is of, where most of its strings are.
    source: Option<crate::source::SourceFile>,
    /// The strings that are not in the source as they are (written with escapes, or of the
    /// catalog), one after the other.
    text: String,
    /// [`CATALOG`] in the catalog's tree, 0 in a document's.
    kind: u32,
    /// Items of the lists being read, innermost last: a list's length is known only at its
    /// end, and the items of lists inside its items come first. Empty between documents.
    stack: Vec<Node>,
}

/// What a tree refuses to hold: more than 2³¹ items or slots (a document is limited to far
/// fewer by its size).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

impl Tree {
    /// An empty tree for a document.
    pub fn new() -> Tree {
        Tree::default()
    }

    /// An empty tree for the catalog.
    pub fn catalog() -> Tree {
        Tree {
            kind: CATALOG,
            ..Tree::default()
        }
    }

    /// Every object slot of the tree, for a reader that resolves many spans of it
    /// ([`Extent::range`]).
    pub(crate) fn all_slots(&self) -> &[Option<Node>] {
        &self.slots
    }

    /// Empties the tree, keeping its vectors' capacity for the next document.
    pub fn clear(&mut self) {
        self.items.clear();
        self.slots.clear();
        self.text.clear();
        self.stack.clear();
        self.source = None;
    }

    /// Makes the tree the tree of the document read from `source`: its strings may then be
    /// given by where they are in it ([`Tree::source_str`]).
    pub fn set_source(&mut self, source: crate::source::SourceFile) {
        self.source = Some(source);
    }

    /// Copies `s` into the tree's own text.
    #[inline]
    pub fn push_str(&mut self, s: &str) -> Result<StrRef, Full> {
        let start = self.text.len();
        if start.saturating_add(s.len()) >= OWN as usize {
            return Err(Full);
        }
        self.text.push_str(s);
        Ok(StrRef {
            start: start as u32 | OWN | self.kind,
            len: s.len() as u32,
        })
    }

    /// The string at bytes `start..end` of the source text ([`Tree::set_source`]), which the
    /// caller has read as a string there: no copy is made.
    #[inline]
    pub fn source_str(&self, start: usize, end: usize) -> Result<StrRef, Full> {
        if end >= OWN as usize || start > end {
            return Err(Full);
        }
        Ok(StrRef {
            start: start as u32 | self.kind,
            len: (end - start) as u32,
        })
    }

    /// The bytes of string `t` (empty when `t` is of another tree).
    #[inline(always)]
    fn text_bytes(&self, t: StrRef) -> &[u8] {
        if t.start & CATALOG != self.kind {
            return &[];
        }
        let all = if t.start & OWN != 0 {
            self.text.as_bytes()
        } else {
            match &self.source {
                Some(s) => s.bytes(),
                None => &[],
            }
        };
        all.get(t.range()).unwrap_or(&[])
    }

    /// The string `t` (empty when `t` is of another tree).
    #[inline]
    pub fn text(&self, t: StrRef) -> &str {
        if t.start & CATALOG != self.kind {
            return "";
        }
        let found = if t.start & OWN != 0 {
            self.text.get(t.range())
        } else {
            // One look into the block the source is cut from, not two.
            self.source.as_ref().and_then(|s| s.slice(t.range()))
        };
        found.unwrap_or("")
    }

    /// The string of a string node (`None` for any other value).
    #[inline]
    pub fn str(&self, v: &Value) -> Option<&str> {
        match v {
            Value::Str(t) => Some(self.text(*t)),
            _ => None,
        }
    }

    /// The items of a list node (`None` for any other value or a span of another tree).
    #[inline]
    pub fn list(&self, v: &Value) -> Option<&[Node]> {
        match v {
            Value::List(s) => Some(self.items(*s)),
            _ => None,
        }
    }

    /// The slots of an object node (`None` for any other value).
    #[inline]
    pub fn object(&self, v: &Value) -> Option<&[Option<Node>]> {
        match v {
            Value::Object(s) => Some(self.slots(*s)),
            _ => None,
        }
    }

    /// The items of span `s` (empty when `s` is of another tree).
    #[inline]
    pub fn items(&self, s: Extent) -> &[Node] {
        if s.start() & CATALOG != self.kind {
            return &[];
        }
        self.items.get(s.range()).unwrap_or(&[])
    }

    /// The slots of span `s` (empty when `s` is of another tree).
    #[inline]
    pub fn slots(&self, s: Extent) -> &[Option<Node>] {
        if s.start() & CATALOG != self.kind {
            return &[];
        }
        self.slots.get(s.range()).unwrap_or(&[])
    }

    fn span(&self, start: usize, len: usize) -> Result<Extent, Full> {
        let end = start.checked_add(len).ok_or(Full)?;
        if end > (CATALOG - 1) as usize {
            return Err(Full);
        }
        Ok(Extent::new(start as u32 | self.kind, len as u32))
    }

    /// Appends `items` as one list.
    pub fn push_list(&mut self, items: impl IntoIterator<Item = Node>) -> Result<Extent, Full> {
        let start = self.items.len();
        self.items.extend(items);
        let len = self.items.len() - start;
        if len == 0 {
            return Ok(Extent::EMPTY);
        }
        self.span(start, len)
    }

    /// Appends `slots` as one object.
    pub fn push_slots(
        &mut self,
        slots: impl IntoIterator<Item = Option<Node>>,
    ) -> Result<Extent, Full> {
        let start = self.slots.len();
        self.slots.extend(slots);
        self.span(start, self.slots.len() - start)
    }

    /// Starts reading a list: returns the base to give [`Tree::close_list`].
    #[inline]
    pub fn open_list(&self) -> usize {
        self.stack.len()
    }

    /// The number of items read so far of the list opened at `base`.
    #[inline]
    pub fn read_since(&self, base: usize) -> usize {
        self.stack.len().saturating_sub(base)
    }

    /// One item of the innermost list being read.
    #[inline(always)]
    pub fn push_item(&mut self, node: Node) {
        self.stack.push(node);
    }

    /// Ends the list opened at `base`: its items move into the tree.
    pub fn close_list(&mut self, base: usize) -> Result<Extent, Full> {
        if base >= self.stack.len() {
            self.stack.truncate(base);
            return Ok(Extent::EMPTY);
        }
        let start = self.items.len();
        self.items.extend(self.stack.drain(base..));
        self.span(start, self.items.len() - start)
    }

    /// Reserves `n` empty slots for one object; fill them with [`Tree::fill`].
    pub fn push_object(&mut self, n: usize) -> Result<Extent, Full> {
        let start = self.slots.len();
        let span = self.span(start, n)?;
        self.slots.resize_with(start + n, || None);
        Ok(span)
    }

    /// Puts `node` into slot `i` of object `s` when that slot is empty; `false` (and nothing
    /// done) when it is filled already or out of the object.
    #[inline(always)]
    pub fn fill(&mut self, s: Extent, i: usize, node: Node) -> bool {
        let start = (s.start() & !CATALOG) as usize;
        match self.slots.get_mut(start.wrapping_add(i)) {
            Some(slot @ None) if i < s.len() => {
                *slot = Some(node);
                true
            }
            _ => false,
        }
    }

    /// Whether node `a` of this tree and node `b` of tree `other` hold the same value, spans
    /// followed (two trees of one value may lay it out differently).
    pub fn same(&self, a: &Node, other: &Tree, b: &Node) -> bool {
        if a.at != b.at {
            return false;
        }
        match (&a.value, &b.value) {
            (Value::List(x), Value::List(y)) => {
                let (x, y) = (self.items(*x), other.items(*y));
                x.len() == y.len() && x.iter().zip(y).all(|(a, b)| self.same(a, other, b))
            }
            (Value::Object(x), Value::Object(y)) => {
                let (x, y) = (self.slots(*x), other.slots(*y));
                x.len() == y.len()
                    && x.iter().zip(y).all(|(a, b)| match (a, b) {
                        (None, None) => true,
                        (Some(a), Some(b)) => self.same(a, other, b),
                        _ => false,
                    })
            }
            (Value::Str(x), Value::Str(y)) => self.text(*x) == other.text(*y),
            (x, y) => x == y,
        }
    }

    /// Plain JSON of a node's value for evidence and reports. Objects need their field names,
    /// which only the schema knows, so they render through
    /// [`crate::schema::InputSchema::to_json`]; here they become `{}`.
    pub fn scalar_json(&self, v: &Value) -> serde_json::Value {
        match v {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => number_json(*n),
            Value::Str(t) => serde_json::Value::String(self.text(*t).to_string()),
            Value::Date(d) => serde_json::Value::String(d.to_string()),
            Value::List(s) => serde_json::Value::Array(
                self.items(*s)
                    .iter()
                    .map(|n| self.scalar_json(&n.value))
                    .collect(),
            ),
            Value::Object(_) => serde_json::Value::Object(serde_json::Map::new()),
        }
    }
}

/// A document's tree and the catalog's, side by side: a node reached from a document may be a
/// catalog row (through a reference), and its span says which tree holds its children.
#[derive(Debug, Clone, Copy)]
pub struct Trees<'a> {
    pub doc: &'a Tree,
    pub catalog: &'a Tree,
}

impl<'a> Trees<'a> {
    #[inline]
    fn of(self, s: Extent) -> &'a Tree {
        if s.in_catalog() {
            self.catalog
        } else {
            self.doc
        }
    }

    /// The tree that holds the items, slots or text of `v` (the document's for other values).
    #[inline]
    pub fn holding(self, v: &Value) -> &'a Tree {
        match v {
            Value::List(s) | Value::Object(s) => self.of(*s),
            Value::Str(t) if t.in_catalog() => self.catalog,
            _ => self.doc,
        }
    }

    /// The bytes of a string node, in whichever tree holds them (`None` for any other value):
    /// what comparing strings needs, without checking that the ends are character boundaries.
    #[inline(always)]
    pub fn bytes(self, v: &Value) -> Option<&'a [u8]> {
        match v {
            Value::Str(t) => {
                let tree = if t.in_catalog() {
                    self.catalog
                } else {
                    self.doc
                };
                Some(tree.text_bytes(*t))
            }
            _ => None,
        }
    }

    /// The items of a list node, in whichever tree holds them.
    #[inline]
    pub fn list(self, v: &Value) -> Option<&'a [Node]> {
        match v {
            // The tree is chosen by the span's kind: no need to check it again.
            Value::List(s) => Some(self.of(*s).items.get(s.range()).unwrap_or(&[])),
            _ => None,
        }
    }

    /// The slots of an object node, in whichever tree holds them.
    #[inline]
    pub fn object(self, v: &Value) -> Option<&'a [Option<Node>]> {
        match v {
            Value::Object(s) => Some(self.of(*s).slots.get(s.range()).unwrap_or(&[])),
            _ => None,
        }
    }
}

impl Value {
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<Date> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// The number of items of a list (`None` for any other value); no tree needed.
    pub fn list_len(&self) -> Option<usize> {
        match self {
            Value::List(s) => Some(s.len()),
            _ => None,
        }
    }
}

/// Integers print as integers (`40000000`, not `40000000.0`).
pub fn number_json(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn str_node(tree: &mut Tree, at: u32, s: &str) -> Node {
        Node::new(at, Value::Str(tree.push_str(s).unwrap()))
    }

    /// `{"a": [x], "b": {"c": c}}` laid out with the children after the object and an unrelated
    /// object and list before them.
    fn second_layout(x: &str, c: f64) -> (Tree, Node) {
        let mut two = Tree::new();
        let _unrelated = two.push_object(3).unwrap();
        let inner = two.push_object(1).unwrap();
        assert!(two.fill(inner, 0, Node::new(20, Value::Number(c))));
        let (y, z) = (str_node(&mut two, 1, "y"), str_node(&mut two, 2, "z"));
        let _other = two.push_list([y, z]).unwrap();
        let x = str_node(&mut two, 7, x);
        let list = two.push_list([x]).unwrap();
        let outer = two.push_object(2).unwrap();
        assert!(two.fill(outer, 0, Node::new(6, Value::List(list))));
        assert!(two.fill(outer, 1, Node::new(17, Value::Object(inner))));
        (two, Node::new(0, Value::Object(outer)))
    }

    /// One value laid out in two orders is the same value; a changed item or string is not;
    /// a slot is filled once; and a span resolved in the wrong kind of tree finds nothing rather
    /// than another tree's nodes.
    #[test]
    fn trees_compare_by_value_and_keep_their_spans_apart() {
        // `{"a": ["x"], "b": {"c": 1}}` as an object of two slots, children in two orders.
        let mut one = Tree::new();
        let outer = one.push_object(2).unwrap();
        let x = str_node(&mut one, 7, "x");
        let list = one.push_list([x]).unwrap();
        let inner = one.push_object(1).unwrap();
        assert!(one.fill(inner, 0, Node::new(20, Value::Number(1.0))));
        assert!(one.fill(outer, 0, Node::new(6, Value::List(list))));
        assert!(one.fill(outer, 1, Node::new(17, Value::Object(inner))));
        assert!(
            !one.fill(outer, 1, Node::new(18, Value::Null)),
            "filled already"
        );
        assert!(
            !one.fill(inner, 1, Node::new(21, Value::Null)),
            "past the object"
        );
        let a = Node::new(0, Value::Object(outer));
        let one_list = list;

        let (two, b) = second_layout("x", 1.0);
        assert!(one.same(&a, &two, &b));
        assert_ne!(a, b, "the spans differ; only `same` follows them");
        let (two, b) = second_layout("x", 2.0);
        assert!(!one.same(&a, &two, &b), "a number differs");
        let (two, b) = second_layout("w", 1.0);
        assert!(!one.same(&a, &two, &b), "a string differs");

        let mut cat = Tree::catalog();
        let row = cat.push_object(1).unwrap();
        let k = str_node(&mut cat, 3, "k");
        assert!(cat.fill(row, 0, k));
        assert!(one.slots(row).is_empty() && cat.slots(outer).is_empty());
        assert_eq!(
            one.str(&k.value),
            Some(""),
            "a catalog string is not the document's"
        );
        let trees = Trees {
            doc: &one,
            catalog: &cat,
        };
        assert_eq!(trees.object(&Value::Object(row)).map(<[_]>::len), Some(1));
        assert_eq!(trees.list(&Value::List(one_list)).map(<[_]>::len), Some(1));
        assert_eq!(trees.holding(&k.value).str(&k.value), Some("k"));
        assert_eq!(trees.bytes(&k.value), Some(&b"k"[..]));
        assert_eq!(one.push_list([]), Ok(Extent::EMPTY));
        let base = one.open_list();
        assert_eq!(one.close_list(base), Ok(Extent::EMPTY));
        let outer_list = one.open_list();
        let a = str_node(&mut one, 1, "a");
        one.push_item(a);
        let inner_list = one.open_list();
        let (b, c) = (str_node(&mut one, 2, "b"), str_node(&mut one, 3, "c"));
        one.push_item(b);
        one.push_item(c);
        let inner = one.close_list(inner_list).unwrap();
        one.push_item(Node::new(2, Value::List(inner)));
        let outer = one.close_list(outer_list).unwrap();
        let items = one.items(outer);
        assert_eq!(items.len(), 2);
        assert_eq!(one.str(&items[0].value), Some("a"));
        assert_eq!(one.list(&items[1].value).map(<[_]>::len), Some(2));
        assert_eq!(one.open_list(), 0, "the stack is empty again");
        one.clear();
        assert_eq!(one.str(&a.value), Some(""), "cleared, the text is gone");
    }
}

/// A value read from the document (or derived), as shown in evidence.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    /// The field is not stated.
    Absent,
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Date(Date),
    /// A list, by its length.
    List(usize),
    Object,
}

impl Shown {
    /// How a stated value of a document shows (a list by its length, which its node holds;
    /// a string as `tree` holds it).
    pub fn of(tree: &Tree, v: &Value) -> Shown {
        use Value;
        match v {
            Value::Null => Shown::Null,
            Value::Bool(b) => Shown::Bool(*b),
            Value::Number(n) => Shown::Number(*n),
            Value::Str(s) => Shown::Str(tree.text(*s).to_string()),
            Value::Date(d) => Shown::Date(*d),
            Value::List(s) => Shown::List(s.len()),
            Value::Object(_) => Shown::Object,
        }
    }
}
