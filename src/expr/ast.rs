//! The syntax tree of one expression, as parsed: every node carries its span in the rule file.
//! Names are not resolved here; that is the compiler's job (`compile`).

use crate::source::Span;
use jiff::civil::Date;
use std::sync::Arc;

/// One parsed expression: its tree and the text it was parsed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub(crate) root: Node,
    /// The expression text as given to [`crate::expr::parse`].
    pub(crate) text: Arc<str>,
    /// Byte offset in the rule file where `text` starts; spans are `offset + position in text`.
    pub(crate) offset: usize,
}

impl Expr {
    /// Every `@fact` reference with its span (for the fact dependency graph), in source order.
    pub fn fact_refs(&self) -> Vec<(String, Span)> {
        let mut out = Vec::new();
        self.root.walk(&mut |n| {
            if let Kind::Fact(id) = &n.kind {
                out.push((id.clone(), n.span));
            }
        });
        out
    }

    /// Every `$param` reference with its span, in source order.
    pub fn param_refs(&self) -> Vec<(String, Span)> {
        let mut out = Vec::new();
        self.root.walk(&mut |n| {
            if let Kind::Param(id) = &n.kind {
                out.push((id.clone(), n.span));
            }
        });
        out
    }

    /// The span of the whole expression in the rule file.
    pub fn span(&self) -> Span {
        self.root.span
    }

    /// The expression text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The root of the tree.
    pub fn root(&self) -> &Node {
        &self.root
    }
}

/// One node of the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub span: Span,
    /// Height of the subtree (a leaf is 1); bounded by [`crate::expr::MAX_DEPTH`].
    pub(crate) height: u16,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Date(Date),
    /// `[a, b, …]`
    List(Vec<Node>),
    /// `AMOUNT unit`: the amount is a number literal, a parameter, a fact or a parenthesised
    /// expression.
    Duration {
        amount: Box<Node>,
        unit: Unit,
    },
    /// A bare identifier: a bound name or a field of the document root.
    Name(String),
    Today,
    RefDate,
    /// `catalog.TABLE`
    Catalog {
        table: String,
    },
    Fact(String),
    Param(String),
    /// `base.name`
    Field {
        base: Box<Node>,
        name: String,
        name_span: Span,
    },
    /// `base[index]`
    Index {
        base: Box<Node>,
        index: Box<Node>,
    },
    Not(Box<Node>),
    Neg(Box<Node>),
    /// `a and b and …`, flattened so long chains stay shallow.
    And(Vec<Node>),
    /// `a or b or …`, flattened.
    Or(Vec<Node>),
    /// `a ?? b ?? …`, flattened.
    Coalesce(Vec<Node>),
    Binary {
        op: BinOp,
        lhs: Box<Node>,
        rhs: Box<Node>,
    },
    Present(Box<Node>),
    Len(Box<Node>),
    /// `kind(var in list: body)`
    Quant {
        kind: QuantKind,
        var: String,
        var_span: Span,
        list: Box<Node>,
        body: Box<Node>,
    },
    /// `min(a, b, …)` / `max(a, b, …)`
    Extreme {
        max: bool,
        args: Vec<Node>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::NotIn => "not in",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantKind {
    Any,
    All,
    Count,
    Filter,
    First,
    Min,
    Max,
    Sum,
}

impl QuantKind {
    pub fn name(self) -> &'static str {
        match self {
            QuantKind::Any => "any",
            QuantKind::All => "all",
            QuantKind::Count => "count",
            QuantKind::Filter => "filter",
            QuantKind::First => "first",
            QuantKind::Min => "min",
            QuantKind::Max => "max",
            QuantKind::Sum => "sum",
        }
    }
}

/// A calendar unit. Weeks are seven days and years twelve months, so a duration is always a
/// number of months and a number of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Day,
    Week,
    Month,
    Year,
}

impl Unit {
    pub fn parse(word: &str) -> Option<Unit> {
        Some(match word {
            "day" | "days" => Unit::Day,
            "week" | "weeks" => Unit::Week,
            "month" | "months" => Unit::Month,
            "year" | "years" => Unit::Year,
            _ => return None,
        })
    }
}

impl Node {
    pub(crate) fn new(kind: Kind, span: Span) -> Node {
        let height = 1 + kind.children().map(|c| c.height).max().unwrap_or(0);
        Node { kind, span, height }
    }

    /// Pre-order walk. Recursion is bounded by the parser's depth limit.
    pub fn walk(&self, f: &mut dyn FnMut(&Node)) {
        f(self);
        for c in self.kind.children() {
            c.walk(f);
        }
    }
}

impl Kind {
    /// The direct sub-expressions, in source order.
    pub fn children(&self) -> Box<dyn Iterator<Item = &Node> + '_> {
        match self {
            Kind::Null
            | Kind::Bool(_)
            | Kind::Number(_)
            | Kind::Str(_)
            | Kind::Date(_)
            | Kind::Name(_)
            | Kind::Today
            | Kind::RefDate
            | Kind::Catalog { .. }
            | Kind::Fact(_)
            | Kind::Param(_) => Box::new(std::iter::empty()),
            Kind::List(items)
            | Kind::And(items)
            | Kind::Or(items)
            | Kind::Coalesce(items)
            | Kind::Extreme { args: items, .. } => Box::new(items.iter()),
            Kind::Duration { amount: a, .. }
            | Kind::Field { base: a, .. }
            | Kind::Not(a)
            | Kind::Neg(a)
            | Kind::Present(a)
            | Kind::Len(a) => Box::new(std::iter::once(&**a)),
            Kind::Index { base: a, index: b }
            | Kind::Binary { lhs: a, rhs: b, .. }
            | Kind::Quant {
                list: a, body: b, ..
            } => Box::new([&**a, &**b].into_iter()),
        }
    }
}
