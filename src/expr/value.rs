//! Run-time values of the expression language: what an expression evaluates to ([`Val`], three-
//! valued: [`Val::Unknown`] for what the document leaves open), durations ([`Dur`]), lists as
//! they are read or built ([`ListVal`]), bounds known of a value not stated ([`Within`]), and
//! where a value was read ([`Path`], [`Read`]). The evaluator (`eval.rs`) computes them; the rule
//! set keeps its parameters as them; nothing here evaluates anything.

use crate::catalog::Row;
use crate::schema::{FieldType, InputSchema};
use crate::value::{Node, Shown, Tree, Value};
use jiff::civil::Date;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// A calendar duration: whole months and whole days (weeks are 7 days, years 12 months).
/// Months are added before days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dur {
    pub months: i32,
    pub days: i32,
}

impl Dur {
    pub(super) fn checked_add(self, o: Dur) -> Option<Dur> {
        Some(Dur {
            months: self.months.checked_add(o.months)?,
            days: self.days.checked_add(o.days)?,
        })
    }

    pub(super) fn checked_neg(self) -> Option<Dur> {
        Some(Dur {
            months: self.months.checked_neg()?,
            days: self.days.checked_neg()?,
        })
    }

    /// `date + self`, clamping month ends as the calendar does (2026-01-31 + 1 month =
    /// 2026-02-28). `None` when the result leaves jiff's range (years -9999..=9999).
    pub fn add_to(self, date: Date) -> Option<Date> {
        let mut d = date;
        if self.months != 0 {
            d = d
                .checked_add(jiff::Span::new().try_months(self.months).ok()?)
                .ok()?;
        }
        if self.days != 0 {
            d = d
                .checked_add(jiff::Span::new().try_days(self.days).ok()?)
                .ok()?;
        }
        Some(d)
    }
}

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = |n: i32, one: &str, many: &str| {
            if n.abs() == 1 {
                format!("{n} {one}")
            } else {
                format!("{n} {many}")
            }
        };
        match (self.months, self.days) {
            (0, d) => f.write_str(&part(d, "day", "days")),
            (m, 0) => f.write_str(&part(m, "month", "months")),
            (m, d) => write!(
                f,
                "{} {}",
                part(m, "month", "months"),
                part(d, "day", "days")
            ),
        }
    }
}

/// Where a value sits in the document: the slot index of each field and the index of each list
/// item from the root down. `Copy` and small, so values carry it at no cost; it is spelled out as
/// a JSON pointer only on demand ([`Path::pointer`]).
///
/// It holds up to [`Path::MAX_SEGS`] steps, each below 65 536. A value deeper than that, or an
/// item past index 65 535, keeps the path of its deepest representable ancestor and is marked
/// truncated: its pointer then names that ancestor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Path {
    /// Number of steps, or [`Path::NONE`].
    len: u8,
    truncated: bool,
    segs: [u16; Path::MAX_SEGS],
}

impl Path {
    pub const MAX_SEGS: usize = 8;
    const NONE: u8 = u8::MAX;

    /// The document root.
    pub fn root() -> Path {
        Path {
            len: 0,
            truncated: false,
            segs: [0; Path::MAX_SEGS],
        }
    }

    /// Not in the document (a catalog row, a computed value).
    pub fn none() -> Path {
        Path {
            len: Path::NONE,
            truncated: false,
            segs: [0; Path::MAX_SEGS],
        }
    }

    pub fn is_none(&self) -> bool {
        self.len == Path::NONE
    }

    /// Whether the path stops short of the value (see the type's documentation).
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    pub fn segments(&self) -> &[u16] {
        if self.is_none() {
            return &[];
        }
        self.segs.get(..usize::from(self.len)).unwrap_or(&[])
    }

    #[inline]
    pub fn child(&self, seg: u32) -> Path {
        let mut p = *self;
        if p.is_none() || p.truncated {
            return p;
        }
        match (p.segs.get_mut(usize::from(p.len)), u16::try_from(seg)) {
            (Some(slot), Ok(seg)) => {
                *slot = seg;
                p.len += 1;
            }
            _ => p.truncated = true,
        }
        p
    }

    /// The RFC 6901 JSON pointer, with field names from the schema (`/items/2/name`). `None`
    /// for values not in the document.
    pub fn pointer(&self, schema: &InputSchema) -> Option<String> {
        use std::fmt::Write;
        if self.is_none() {
            return None;
        }
        let mut out = String::with_capacity(8 * usize::from(self.len));
        let mut ty = Some(&FieldType::Object(schema.root));
        for &seg in self.segments() {
            out.push('/');
            let field = match ty {
                Some(FieldType::Object(t)) => schema
                    .types
                    .get(*t)
                    .and_then(|o| o.fields.get(usize::from(seg))),
                _ => None,
            };
            match (field, ty) {
                (Some(f), _) => {
                    escape_into(&mut out, &f.name);
                    ty = Some(&f.ty);
                }
                (None, Some(FieldType::List { items, .. })) => {
                    // Writing into a String cannot fail.
                    let _ = write!(out, "{seg}");
                    ty = Some(items);
                }
                (None, _) => {
                    let _ = write!(out, "{seg}");
                    ty = None;
                }
            }
        }
        Some(out)
    }
}

fn escape_into(out: &mut String, name: &str) {
    if !name.contains(['~', '/']) {
        out.push_str(name);
        return;
    }
    for c in name.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// A list value.
#[derive(Debug, Clone)]
pub enum ListVal<'a> {
    /// A list in the document or a catalog cell (the list's node, and the tree that holds its
    /// items); items are read where they are.
    Nodes {
        node: &'a Node,
        tree: &'a Tree,
        path: Path,
    },
    /// The rows of a catalog table.
    Rows(&'a [Row]),
    /// Some items of a list in the document (at most 32), as `filter` picks them:
    /// bit `i` of `keep` set = item `i` kept. Saves building a list.
    Picked {
        node: &'a Node,
        tree: &'a Tree,
        path: Path,
        keep: u32,
    },
    /// A computed list (`filter`, a list literal).
    Vals(Arc<[Val<'a>]>),
}

/// The position of the `n`-th set bit of `bits`.
fn nth_bit(mut bits: u32, n: usize) -> Option<usize> {
    for _ in 0..n {
        if bits == 0 {
            return None;
        }
        bits &= bits - 1;
    }
    (bits != 0).then(|| bits.trailing_zeros() as usize)
}

impl<'a> ListVal<'a> {
    pub fn len(&self) -> usize {
        match self {
            ListVal::Nodes { node, .. } => node.value.list_len().unwrap_or(0),
            ListVal::Rows(rows) => rows.len(),
            ListVal::Picked { keep, .. } => keep.count_ones() as usize,
            ListVal::Vals(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Item `i`, or `None` past the end.
    pub fn get(&self, i: usize) -> Option<Val<'a>> {
        match self {
            ListVal::Nodes { node, tree, path } => tree
                .list(&node.value)
                .and_then(|items| items.get(i))
                .map(|n| Val::from_node(n, path.child(i as u32), tree)),
            ListVal::Rows(rows) => rows.get(i).map(|r| Val::row(&r.node)),
            ListVal::Picked { tree, .. } => self.node(i).map(|(n, p)| Val::from_node(n, p, tree)),
            ListVal::Vals(v) => v.get(i).cloned(),
        }
    }

    /// The document node of item `i` and its path, for lists of nodes.
    pub(super) fn node(&self, i: usize) -> Option<(&'a Node, Path)> {
        let (node, tree, path, j) = match self {
            ListVal::Nodes { node, tree, path } => (node, tree, path, i),
            ListVal::Picked {
                node,
                tree,
                path,
                keep,
            } => (node, tree, path, nth_bit(*keep, i)?),
            _ => return None,
        };
        tree.list(&node.value)
            .and_then(|items| items.get(j))
            .map(|n| (n, path.child(j as u32)))
    }
}

/// A number or a date: what bounds are made of.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scalar {
    Num(f64),
    Date(Date),
}

impl Scalar {
    pub(super) fn of(v: &Val<'_>) -> Option<Scalar> {
        match v {
            Val::Number(n) => Some(Scalar::Num(*n)),
            Val::Date(d) => Some(Scalar::Date(*d)),
            _ => None,
        }
    }

    fn val<'a>(self) -> Val<'a> {
        match self {
            Scalar::Num(n) => Val::Number(n),
            Scalar::Date(d) => Val::Date(d),
        }
    }

    pub(super) fn cmp(self, o: Scalar) -> Option<Ordering> {
        match (self, o) {
            (Scalar::Num(a), Scalar::Num(b)) => a.partial_cmp(&b),
            (Scalar::Date(a), Scalar::Date(b)) => Some(a.cmp(&b)),
            _ => None,
        }
    }
}

/// What is known of an unknown number or date: whatever the missing fields turn out to be, it
/// is a number or a date (never null) within `lo..=hi` (`None`: unbounded on that side).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Within {
    pub lo: Option<Scalar>,
    pub hi: Option<Scalar>,
}

impl Within {
    /// The bounds of a value: a known number or date is its own bounds, `Unknown` has none.
    pub fn of(v: &Val<'_>) -> Option<Within> {
        match v {
            Val::Within(w) => Some(*w),
            Val::Unknown => Some(Within { lo: None, hi: None }),
            v => Scalar::of(v).map(|s| Within {
                lo: Some(s),
                hi: Some(s),
            }),
        }
    }

    /// The value these bounds describe: exact when they meet.
    pub(super) fn val<'a>(self) -> Val<'a> {
        match (self.lo, self.hi) {
            (Some(a), Some(b)) if a == b => a.val(),
            (None, None) => Val::Unknown,
            _ => Val::Within(self),
        }
    }
}

/// A run-time value.
#[derive(Debug, Clone)]
pub enum Val<'a> {
    /// Not decidable for lack of a stated field; the missing fields are in [`Ctx::reads`].
    Unknown,
    /// Unknown too, but known to be a number or a date within bounds (see [`Within`]): enough
    /// to decide a comparison, a `min` or a deadline that the bounds decide.
    Within(Within),
    Null,
    Bool(bool),
    Number(f64),
    Str(Cow<'a, str>),
    Date(Date),
    Duration(Dur),
    List(ListVal<'a>),
    /// An object of the document (with its path) or a catalog row (with [`Path::none`]).
    Obj {
        node: &'a Node,
        path: Path,
    },
}

impl<'a> Val<'a> {
    /// The value of a node found at `path`; a list's items are in `tree` (see
    /// [`Trees::holding`]). Inline where it is used: a value made out of line came back
    /// through memory and was read back across the stores that made it (store-forwarding
    /// stalls, seen binding the items of a quantifier).
    #[inline(always)]
    pub fn from_node(node: &'a Node, path: Path, tree: &'a Tree) -> Val<'a> {
        match &node.value {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => Val::Number(*n),
            Value::Str(s) => Val::Str(Cow::Borrowed(tree.text(*s))),
            Value::Date(d) => Val::Date(*d),
            Value::List(_) => Val::List(ListVal::Nodes { node, tree, path }),
            Value::Object(_) => Val::Obj { node, path },
        }
    }

    /// The value of a catalog row: an object (null for a row without one).
    pub fn row(node: &'a Node) -> Val<'a> {
        match &node.value {
            Value::Object(_) => Val::Obj {
                node,
                path: Path::none(),
            },
            _ => Val::Null,
        }
    }

    /// The same value, borrowing what it owns (so reading a constant or a parameter is free).
    /// The plain kinds are copied here, not by `clone`: out of line, that was a call per
    /// parameter read.
    #[inline]
    pub fn reborrow(&'a self) -> Val<'a> {
        match self {
            Val::Unknown => Val::Unknown,
            Val::Null => Val::Null,
            Val::Bool(b) => Val::Bool(*b),
            Val::Number(n) => Val::Number(*n),
            Val::Str(s) => Val::Str(Cow::Borrowed(s)),
            Val::Date(d) => Val::Date(*d),
            Val::Duration(d) => Val::Duration(*d),
            Val::Within(w) => Val::Within(*w),
            other => other.clone(),
        }
    }

    /// The value as evidence shows it (`Shown::Absent` for unknown). Inlined: a fact's value is
    /// shown for every document, and a result read back from memory at once stalls.
    #[inline]
    pub fn shown(&self) -> Shown {
        match self {
            Val::Unknown | Val::Within(_) => Shown::Absent,
            Val::Null => Shown::Null,
            Val::Bool(b) => Shown::Bool(*b),
            Val::Number(n) => Shown::Number(*n),
            Val::Str(s) => Shown::Str(s.to_string()),
            Val::Date(d) => Shown::Date(*d),
            Val::Duration(d) => Shown::Str(d.to_string()),
            Val::List(l) => Shown::List(l.len()),
            Val::Obj { .. } => Shown::Object,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<Date> {
        match self {
            Val::Date(d) => Some(*d),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<f64> {
        match self {
            Val::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&ListVal<'a>> {
        match self {
            Val::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Val::Unknown | Val::Within(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    /// Where the value is in the document, for values read from it.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Val::Obj { path, .. } | Val::List(ListVal::Nodes { path, .. }) if !path.is_none() => {
                Some(path)
            }
            _ => None,
        }
    }

    /// Byte offset of an object in its source.
    pub fn at(&self) -> Option<u32> {
        match self {
            Val::Obj { node, .. } => Some(node.at),
            _ => None,
        }
    }

    /// Truth in a condition: `null` counts as false (stated as none), unknown is `None`.
    pub fn truth(&self) -> Option<bool> {
        match self {
            Val::Unknown | Val::Within(_) => None,
            Val::Bool(b) => Some(*b),
            _ => Some(false),
        }
    }
}

/// How a value is written into a message: dates `YYYY-MM-DD`, numbers without needless decimals,
/// unknown as `?`, null as `–`, lists comma-separated.
impl fmt::Display for Val<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::Unknown | Val::Within(_) => f.write_str("?"),
            Val::Null => f.write_str("–"),
            Val::Bool(b) => write!(f, "{b}"),
            Val::Number(n) => {
                if n.fract() == 0.0 && n.abs() < 9.0e15 {
                    write!(f, "{}", *n as i64)
                } else {
                    write!(f, "{n}")
                }
            }
            Val::Str(s) => f.write_str(s),
            Val::Date(d) => write!(f, "{d}"),
            Val::Duration(d) => write!(f, "{d}"),
            Val::List(l) => {
                for i in 0..l.len() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if let Some(v) = l.get(i) {
                        write!(f, "{v}")?;
                    }
                }
                Ok(())
            }
            Val::Obj { .. } => f.write_str("{…}"),
        }
    }
}

/// One field of the document read during evaluation: where it is, and its node (`None` when the
/// field is absent).
#[derive(Debug, Clone, Copy)]
pub struct Read<'a> {
    pub path: Path,
    /// Byte offset of the value, or for an absent field of the object that should hold it.
    pub at: u32,
    pub node: Option<&'a Node>,
}

impl Read<'_> {
    pub fn is_absent(&self) -> bool {
        self.node.is_none()
    }

    /// The value read, as evidence shows it; `tree` is the document's (reads are of the
    /// document).
    pub fn value(&self, tree: &Tree) -> Shown {
        match self.node {
            None => Shown::Absent,
            Some(n) => Shown::of(tree, &n.value),
        }
    }

    pub fn pointer(&self, schema: &InputSchema) -> String {
        self.path.pointer(schema).unwrap_or_default()
    }
}
