//! The parser: tokens → [`ast::Node`](super::ast::Node), by recursive descent.
//!
//! Precedence, loosest first: `??`, `or`, `and`, `not`, comparison and `in`/`not in` (not
//! chainable), `+ -`, `* /`, unary `-`, then postfix `.field`, `[index]` and duration units.
//! Recursion is bounded twice: by the number of nested sub-expressions being parsed, and by the
//! height of the tree built, so neither deep parentheses nor long operator chains can overflow
//! the stack here or in the later passes that walk the tree.
//!
//! The parser stops at its first error: after a syntax error, later "errors" are mostly echoes.
//! The lexer has already reported every lexical problem.

use super::MAX_DEPTH;
use super::ast::{BinOp, Kind, Node, QuantKind, Unit};
use super::error::SyntaxError;
use super::lexer::{Tok, Token};
use crate::source::Span;

type R<T> = Result<T, (SyntaxError, Span)>;

const KEYWORDS: &[&str] = &[
    "and", "or", "not", "in", "true", "false", "null", "today", "ref_date", "catalog", "present",
    "len", "any", "all", "count", "filter", "first", "min", "max", "sum",
];

pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Parse a whole expression from its tokens (which end with `Eof`).
pub fn parse(tokens: Vec<Token>) -> R<Node> {
    let mut p = Parser {
        toks: tokens,
        pos: 0,
        depth: 0,
    };
    if p.at_eof() {
        return Err((SyntaxError::Empty, p.span()));
    }
    let node = p.expr()?;
    if !p.at_eof() {
        let found = p.peek().describe();
        return Err((SyntaxError::Trailing { found }, p.span()));
    }
    Ok(node)
}

/// Parse `NAME in EXPR` (the `for_each` form): the name, its span and the list expression.
pub fn parse_binding(tokens: Vec<Token>) -> R<(String, Span, Node)> {
    let mut p = Parser {
        toks: tokens,
        pos: 0,
        depth: 0,
    };
    if p.at_eof() {
        return Err((SyntaxError::Empty, p.span()));
    }
    let (name, span) = p.binder()?;
    p.expect_kw("in", "`in`")?;
    let list = p.expr()?;
    if !p.at_eof() {
        let found = p.peek().describe();
        return Err((SyntaxError::Trailing { found }, p.span()));
    }
    Ok((name, span, list))
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
}

fn join(a: Span, b: Span) -> Span {
    Span {
        start: a.start.min(b.start),
        end: a.end.max(b.end),
    }
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).map(|t| &t.tok).unwrap_or(&Tok::Eof)
    }

    fn peek_at(&self, ahead: usize) -> &Tok {
        self.toks
            .get(self.pos + ahead)
            .map(|t| &t.tok)
            .unwrap_or(&Tok::Eof)
    }

    fn span(&self) -> Span {
        self.toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .map(|t| t.span)
            .unwrap_or_default()
    }

    fn at_eof(&self) -> bool {
        matches!(self.peek(), Tok::Eof)
    }

    fn bump(&mut self) -> Span {
        let s = self.span();
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        s
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Ident(w) if w == kw)
    }

    fn eat(&mut self, tok: &Tok) -> Option<Span> {
        if self.peek() == tok {
            Some(self.bump())
        } else {
            None
        }
    }

    fn expected<T>(&self, expected: &'static str) -> R<T> {
        Err((
            SyntaxError::Expected {
                expected,
                found: self.peek().describe(),
            },
            self.span(),
        ))
    }

    fn expect(&mut self, tok: &Tok, expected: &'static str) -> R<Span> {
        match self.eat(tok) {
            Some(s) => Ok(s),
            None => self.expected(expected),
        }
    }

    fn expect_kw(&mut self, kw: &str, expected: &'static str) -> R<Span> {
        if self.is_kw(kw) {
            Ok(self.bump())
        } else {
            self.expected(expected)
        }
    }

    /// A closing bracket; at the end of the text, the error points at the opening one.
    fn close(&mut self, tok: &Tok, open: char, open_span: Span, expected: &'static str) -> R<Span> {
        if let Some(s) = self.eat(tok) {
            return Ok(s);
        }
        if self.at_eof() {
            return Err((SyntaxError::Unclosed(open), open_span));
        }
        self.expected(expected)
    }

    fn node(&self, kind: Kind, span: Span) -> R<Node> {
        let node = Node::new(kind, span);
        if usize::from(node.height) > MAX_DEPTH {
            return Err((SyntaxError::TooDeep { max: MAX_DEPTH }, span));
        }
        Ok(node)
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err((SyntaxError::TooDeep { max: MAX_DEPTH }, self.span()));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// A full expression (the loosest level), as inside parentheses or arguments.
    fn expr(&mut self) -> R<Node> {
        self.enter()?;
        let r = self.binary(Prec::Coalesce);
        self.leave();
        r
    }

    /// The binary operator at the cursor, its precedence and how many tokens it takes.
    fn operator(&self) -> Option<(Op, Prec, usize)> {
        Some(match self.peek() {
            Tok::Coalesce => (Op::Coalesce, Prec::Coalesce, 1),
            Tok::Ident(w) if w == "or" => (Op::Or, Prec::Or, 1),
            Tok::Ident(w) if w == "and" => (Op::And, Prec::And, 1),
            Tok::EqEq => (Op::Bin(BinOp::Eq), Prec::Compare, 1),
            Tok::Ne => (Op::Bin(BinOp::Ne), Prec::Compare, 1),
            Tok::Lt => (Op::Bin(BinOp::Lt), Prec::Compare, 1),
            Tok::Le => (Op::Bin(BinOp::Le), Prec::Compare, 1),
            Tok::Gt => (Op::Bin(BinOp::Gt), Prec::Compare, 1),
            Tok::Ge => (Op::Bin(BinOp::Ge), Prec::Compare, 1),
            Tok::Ident(w) if w == "in" => (Op::Bin(BinOp::In), Prec::Compare, 1),
            Tok::Ident(w)
                if w == "not" && matches!(self.peek_at(1), Tok::Ident(v) if v == "in") =>
            {
                (Op::Bin(BinOp::NotIn), Prec::Compare, 2)
            }
            Tok::Plus => (Op::Bin(BinOp::Add), Prec::Sum, 1),
            Tok::Minus => (Op::Bin(BinOp::Sub), Prec::Sum, 1),
            Tok::Star => (Op::Bin(BinOp::Mul), Prec::Product, 1),
            Tok::Slash => (Op::Bin(BinOp::Div), Prec::Product, 1),
            _ => return None,
        })
    }

    /// Precedence climbing: everything that binds at least as tightly as `min`. One function
    /// for all binary levels keeps the recursion per nesting level short (and the stack small).
    /// Chains of `and`, `or` and `??` are collected into one node; comparisons do not chain.
    fn binary(&mut self, min: Prec) -> R<Node> {
        let mut lhs = self.prefix(min)?;
        // The open chain of `and`/`or`/`??` operands, if `lhs` is one.
        let mut chain: Option<(Op, Vec<Node>)> = None;
        let mut compared = false;
        while let Some((op, prec, len)) = self.operator() {
            if prec < min {
                break;
            }
            if prec == Prec::Compare && compared {
                return Err((SyntaxError::ChainedComparison, self.span()));
            }
            for _ in 0..len {
                self.bump();
            }
            let rhs = self.binary(prec.tighter())?;
            match op {
                Op::Bin(bin) => {
                    lhs = self.close_chain(lhs, &mut chain)?;
                    lhs = self.binary_node(bin, lhs, rhs)?;
                    compared = prec == Prec::Compare;
                }
                Op::And | Op::Or | Op::Coalesce => {
                    match &mut chain {
                        Some((open, items)) if *open == op => items.push(rhs),
                        _ => {
                            let first = self.close_chain(lhs, &mut chain)?;
                            chain = Some((op, vec![first, rhs]));
                        }
                    }
                    lhs = Node::new(Kind::Null, Span::default());
                    compared = false;
                }
            }
        }
        self.close_chain(lhs, &mut chain)
    }

    #[inline(never)]
    fn binary_node(&self, op: BinOp, lhs: Node, rhs: Node) -> R<Node> {
        let span = join(lhs.span, rhs.span);
        let kind = Kind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        };
        self.node(kind, span)
    }

    /// The node of an open chain (replacing the placeholder `lhs`), or `lhs` itself.
    #[inline(never)]
    fn close_chain(&self, lhs: Node, chain: &mut Option<(Op, Vec<Node>)>) -> R<Node> {
        let Some((op, items)) = chain.take() else {
            return Ok(lhs);
        };
        let span = span_of(&items);
        let kind = match op {
            Op::And => Kind::And(items),
            Op::Or => Kind::Or(items),
            _ => Kind::Coalesce(items),
        };
        self.node(kind, span)
    }

    /// A prefix `not` or `-` (when allowed at this precedence), else a postfix expression.
    fn prefix(&mut self, min: Prec) -> R<Node> {
        let is_not = self.is_kw("not") && !matches!(self.peek_at(1), Tok::Ident(w) if w == "in");
        let is_neg = matches!(self.peek(), Tok::Minus);
        // `not` binds looser than comparisons, so it cannot start the operand of one.
        if !(is_not && min <= Prec::Not || is_neg) {
            return self.postfix();
        }
        let start = self.bump();
        self.enter()?;
        let inner = self.binary(if is_not { Prec::Not } else { Prec::Neg });
        self.leave();
        let inner = Box::new(inner?);
        let span = join(start, inner.span);
        let kind = if is_not {
            Kind::Not(inner)
        } else {
            Kind::Neg(inner)
        };
        self.node(kind, span)
    }

    // The functions on the recursion path (`binary`, `prefix`, `postfix`, `primary`, `word` and
    // the call parsers) keep their own work small and leave node building to helpers, so that
    // each nesting level costs little stack even in unoptimised builds.

    fn postfix(&mut self) -> R<Node> {
        let (mut node, may_take_unit) = self.primary()?;
        if may_take_unit
            && let Tok::Ident(w) = self.peek()
            && let Some(unit) = Unit::parse(w)
        {
            return self.duration(node, unit);
        }
        loop {
            node = match self.peek() {
                Tok::Dot => self.field(node)?,
                Tok::LBracket => {
                    let open = self.bump();
                    let index = self.expr()?;
                    self.index(node, index, open)?
                }
                Tok::Ident(w) if Unit::parse(w).is_some() => {
                    return Err((
                        SyntaxError::UnitWithoutAmount { unit: w.clone() },
                        self.span(),
                    ));
                }
                _ => return Ok(node),
            };
        }
    }

    #[inline(never)]
    fn duration(&mut self, amount: Node, unit: Unit) -> R<Node> {
        if let Kind::Number(n) = amount.kind
            && n.fract() != 0.0
        {
            return Err((SyntaxError::FractionalDuration(format!("{n}")), amount.span));
        }
        let unit_span = self.bump();
        let span = join(amount.span, unit_span);
        let kind = Kind::Duration {
            amount: Box::new(amount),
            unit,
        };
        self.node(kind, span)
    }

    #[inline(never)]
    fn field(&mut self, base: Node) -> R<Node> {
        self.bump();
        let (name, name_span) = match self.peek().clone() {
            Tok::Ident(w) => (w, self.bump()),
            _ => return self.expected("a field name after `.`"),
        };
        let span = join(base.span, name_span);
        let kind = Kind::Field {
            base: Box::new(base),
            name,
            name_span,
        };
        self.node(kind, span)
    }

    #[inline(never)]
    fn index(&mut self, base: Node, index: Node, open: Span) -> R<Node> {
        let close = self.close(&Tok::RBracket, '[', open, "`]`")?;
        let span = join(base.span, close);
        let kind = Kind::Index {
            base: Box::new(base),
            index: Box::new(index),
        };
        self.node(kind, span)
    }

    /// A primary expression, and whether a duration unit may follow it.
    fn primary(&mut self) -> R<(Node, bool)> {
        match self.peek() {
            Tok::LParen => {
                let open = self.bump();
                let inner = self.expr()?;
                Ok((self.parenthesised(inner, open)?, true))
            }
            Tok::LBracket => Ok((self.list()?, false)),
            Tok::Ident(_) => self.word(),
            _ => self.leaf(),
        }
    }

    #[inline(never)]
    fn parenthesised(&mut self, mut inner: Node, open: Span) -> R<Node> {
        let close = self.close(&Tok::RParen, '(', open, "`)` or an operator")?;
        // The parentheses belong to the sub-expression, so traces show them.
        inner.span = join(open, close);
        Ok(inner)
    }

    /// A literal, a fact or a parameter.
    #[inline(never)]
    fn leaf(&mut self) -> R<(Node, bool)> {
        let span = self.span();
        let (kind, may_take_unit) = match self.peek().clone() {
            Tok::Number(n) => (Kind::Number(n), true),
            Tok::Str(s) => (Kind::Str(s), false),
            Tok::Date(d) => (Kind::Date(d), false),
            Tok::Fact(id) => (Kind::Fact(id), true),
            Tok::Param(id) => (Kind::Param(id), true),
            _ => return self.expected("an expression"),
        };
        self.bump();
        Ok((Node::new(kind, span), may_take_unit))
    }

    fn list(&mut self) -> R<Node> {
        let open = self.bump();
        let mut items = Vec::new();
        while !matches!(self.peek(), Tok::RBracket) {
            items.push(self.expr()?);
            if self.eat(&Tok::Comma).is_none() {
                break;
            }
        }
        let close = self.close(&Tok::RBracket, '[', open, "`,` or `]`")?;
        self.node(Kind::List(items), join(open, close))
    }

    fn word(&mut self) -> R<(Node, bool)> {
        let Tok::Ident(word) = self.peek() else {
            return self.expected("an expression");
        };
        match word.as_str() {
            "present" | "len" => Ok((self.call1()?, false)),
            "any" | "all" | "count" | "filter" | "first" | "sum" | "min" | "max" => {
                Ok((self.call_n()?, false))
            }
            _ => self.simple_word(),
        }
    }

    /// A keyword that stands alone, `catalog.TABLE`, or a name.
    #[inline(never)]
    fn simple_word(&mut self) -> R<(Node, bool)> {
        let span = self.span();
        let word = match self.peek() {
            Tok::Ident(w) => w.clone(),
            _ => return self.expected("an expression"),
        };
        let kind = match word.as_str() {
            "true" => Kind::Bool(true),
            "false" => Kind::Bool(false),
            "null" => Kind::Null,
            "today" => Kind::Today,
            "ref_date" => Kind::RefDate,
            "catalog" => {
                self.bump();
                self.expect(&Tok::Dot, "`.` and a table name after `catalog`")?;
                return match self.peek().clone() {
                    Tok::Ident(table) => {
                        let end = self.bump();
                        Ok((Node::new(Kind::Catalog { table }, join(span, end)), false))
                    }
                    _ => self.expected("a catalog table name"),
                };
            }
            w if is_keyword(w) => return self.expected("an expression"),
            _ => Kind::Name(word),
        };
        self.bump();
        Ok((Node::new(kind, span), false))
    }

    /// `present(x)` or `len(x)`.
    fn call1(&mut self) -> R<Node> {
        let (start, open, is_present) = self.call_start()?;
        let arg = self.expr()?;
        let close = self.close(&Tok::RParen, '(', open, "`)`")?;
        let arg = Box::new(arg);
        let kind = if is_present {
            Kind::Present(arg)
        } else {
            Kind::Len(arg)
        };
        self.node(kind, join(start, close))
    }

    /// The name of a call and its `(`: the span of the name, of the parenthesis, and whether it
    /// is `present`.
    #[inline(never)]
    fn call_start(&mut self) -> R<(Span, Span, bool)> {
        let is_present = self.is_kw("present");
        let start = self.bump();
        let open = self.expect(&Tok::LParen, "`(`")?;
        Ok((start, open, is_present))
    }

    /// A quantifier `any(x in list: cond)` … or `min(a, b, …)`/`max(a, b, …)`.
    fn call_n(&mut self) -> R<Node> {
        let kind = self.quant_kind();
        let (start, open, _) = self.call_start()?;
        let quantifier = matches!(self.peek(), Tok::Ident(w) if !is_keyword(w))
            && matches!(self.peek_at(1), Tok::Ident(w) if w == "in");
        if !quantifier && matches!(kind, QuantKind::Min | QuantKind::Max) {
            let mut args = Vec::new();
            loop {
                args.push(self.expr()?);
                if self.eat(&Tok::Comma).is_none() {
                    break;
                }
            }
            let close = self.close(&Tok::RParen, '(', open, "`,` or `)`")?;
            let kind = Kind::Extreme {
                max: kind == QuantKind::Max,
                args,
            };
            return self.node(kind, join(start, close));
        }
        let (var, var_span) = self.binder()?;
        self.expect_kw("in", "`in` after the item name")?;
        let list = self.expr()?;
        self.expect(&Tok::Colon, "`:` between the list and the condition")?;
        let body = self.expr()?;
        self.quantifier(kind, start, open, (var, var_span), list, body)
    }

    fn quant_kind(&self) -> QuantKind {
        match self.peek() {
            Tok::Ident(w) if w == "any" => QuantKind::Any,
            Tok::Ident(w) if w == "all" => QuantKind::All,
            Tok::Ident(w) if w == "count" => QuantKind::Count,
            Tok::Ident(w) if w == "filter" => QuantKind::Filter,
            Tok::Ident(w) if w == "first" => QuantKind::First,
            Tok::Ident(w) if w == "sum" => QuantKind::Sum,
            Tok::Ident(w) if w == "min" => QuantKind::Min,
            _ => QuantKind::Max,
        }
    }

    #[inline(never)]
    fn quantifier(
        &mut self,
        kind: QuantKind,
        start: Span,
        open: Span,
        (var, var_span): (String, Span),
        list: Node,
        body: Node,
    ) -> R<Node> {
        let close = self.close(&Tok::RParen, '(', open, "`)`")?;
        let kind = Kind::Quant {
            kind,
            var,
            var_span,
            list: Box::new(list),
            body: Box::new(body),
        };
        self.node(kind, join(start, close))
    }

    /// The name bound by a quantifier or `for_each`.
    fn binder(&mut self) -> R<(String, Span)> {
        match self.peek().clone() {
            Tok::Ident(w) if !is_keyword(&w) => Ok((w, self.bump())),
            _ => self.expected("a name for the item"),
        }
    }
}

/// Binding strength, loosest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    Coalesce,
    Or,
    And,
    Not,
    Compare,
    Sum,
    Product,
    Neg,
}

impl Prec {
    /// The level just above: the right operand of a left-associative operator.
    fn tighter(self) -> Prec {
        match self {
            Prec::Coalesce => Prec::Or,
            Prec::Or => Prec::And,
            Prec::And => Prec::Not,
            Prec::Not => Prec::Compare,
            Prec::Compare => Prec::Sum,
            Prec::Sum => Prec::Product,
            Prec::Product | Prec::Neg => Prec::Neg,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    And,
    Or,
    Coalesce,
    Bin(BinOp),
}

fn span_of(items: &[Node]) -> Span {
    match (items.first(), items.last()) {
        (Some(a), Some(b)) => join(a.span, b.span),
        _ => Span::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexer::lex;
    use super::*;

    fn p(text: &str) -> R<Node> {
        let (toks, errs) = lex(text, 0);
        assert!(errs.is_empty(), "{errs:?}");
        parse(toks)
    }

    /// A compact rendering of the tree, to check precedence.
    fn show(n: &Node) -> String {
        match &n.kind {
            Kind::Null => "null".into(),
            Kind::Bool(b) => b.to_string(),
            Kind::Number(x) => x.to_string(),
            Kind::Str(s) => format!("'{s}'"),
            Kind::Date(d) => d.to_string(),
            Kind::List(items) => format!(
                "[{}]",
                items.iter().map(show).collect::<Vec<_>>().join(", ")
            ),
            Kind::Duration { amount, unit } => format!("({} {unit:?})", show(amount)),
            Kind::Name(s) => s.clone(),
            Kind::Today => "today".into(),
            Kind::RefDate => "ref_date".into(),
            Kind::Catalog { table } => format!("catalog.{table}"),
            Kind::Fact(f) => format!("@{f}"),
            Kind::Param(p) => format!("${p}"),
            Kind::Field { base, name, .. } => format!("{}.{name}", show(base)),
            Kind::Index { base, index } => format!("{}[{}]", show(base), show(index)),
            Kind::Not(a) => format!("(not {})", show(a)),
            Kind::Neg(a) => format!("(-{})", show(a)),
            Kind::And(v) => format!("({})", v.iter().map(show).collect::<Vec<_>>().join(" and ")),
            Kind::Or(v) => format!("({})", v.iter().map(show).collect::<Vec<_>>().join(" or ")),
            Kind::Coalesce(v) => {
                format!("({})", v.iter().map(show).collect::<Vec<_>>().join(" ?? "))
            }
            Kind::Binary { op, lhs, rhs } => {
                format!("({} {} {})", show(lhs), op.symbol(), show(rhs))
            }
            Kind::Present(a) => format!("present({})", show(a)),
            Kind::Len(a) => format!("len({})", show(a)),
            Kind::Quant {
                kind,
                var,
                list,
                body,
                ..
            } => {
                format!("{}({var} in {}: {})", kind.name(), show(list), show(body))
            }
            Kind::Extreme { max, args } => format!(
                "{}({})",
                if *max { "max" } else { "min" },
                args.iter().map(show).collect::<Vec<_>>().join(", ")
            ),
        }
    }

    fn ok(text: &str) -> String {
        match p(text) {
            Ok(n) => show(&n),
            Err(e) => panic!("{text}: {e:?}"),
        }
    }

    fn err(text: &str) -> (SyntaxError, Span) {
        match p(text) {
            Ok(n) => panic!("{text} parsed as {}", show(&n)),
            Err(e) => e,
        }
    }

    #[test]
    fn precedence() {
        assert_eq!(
            ok("a ?? b or c and not d == 1 + 2 * -3"),
            "(a ?? (b or (c and (not (d == (1 + (2 * (-3))))))))"
        );
        assert_eq!(ok("a - b - c"), "((a - b) - c)");
        assert_eq!(
            ok("x not in [1, 2] and y in z"),
            "((x not in [1, 2]) and (y in z))"
        );
        assert_eq!(ok("not a in b"), "(not (a in b))");
        assert_eq!(ok("d + 3 months - $p days"), "((d + (3 Month)) - ($p Day))");
        assert_eq!(ok("-(x) days"), "(-(x Day))");
        assert_eq!(ok("@f-x - 1 day"), "(@f-x - (1 Day))");
    }

    #[test]
    fn postfix_and_calls() {
        assert_eq!(ok("catalog.measures[m].joint"), "catalog.measures[m].joint");
        assert_eq!(ok("items[0].name"), "items[0].name");
        assert_eq!(ok("any(b in items: b.n > 0)"), "any(b in items: (b.n > 0))");
        assert_eq!(ok("min(a, b, 3)"), "min(a, b, 3)");
        assert_eq!(ok("max(m in ms: m.planned)"), "max(m in ms: m.planned)");
        assert_eq!(ok("present(funding.scheme)"), "present(funding.scheme)");
        assert_eq!(ok("[]"), "[]");
        assert_eq!(ok("2026-01-31 + 1 month"), "(2026-01-31 + (1 Month))");
    }

    #[test]
    fn flattened_chains_stay_shallow() {
        let long = vec!["a"; 500].join(" or ");
        let n = p(&long).expect("parses");
        assert_eq!(n.height, 2);
    }

    #[test]
    fn errors_point_at_the_problem() {
        assert_eq!(
            err("(a or b"),
            (SyntaxError::Unclosed('('), Span::new(0, 1))
        );
        assert_eq!(err("a < b < c").0, SyntaxError::ChainedComparison);
        assert_eq!(err("a b").1, Span::new(2, 3));
        assert!(matches!(
            err("x days").0,
            SyntaxError::UnitWithoutAmount { .. }
        ));
        assert!(matches!(
            err("1.5 days").0,
            SyntaxError::FractionalDuration(_)
        ));
        assert!(matches!(
            err("any(b items: x)").0,
            SyntaxError::Expected { .. }
        ));
        assert!(matches!(err("a and").0, SyntaxError::Expected { .. }));
        assert_eq!(err("").0, SyntaxError::Empty);
    }

    #[test]
    fn depth_is_limited() {
        let deep = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(matches!(err(&deep).0, SyntaxError::TooDeep { .. }));
        let nots = format!("{}a", "not ".repeat(10_000));
        assert!(matches!(err(&nots).0, SyntaxError::TooDeep { .. }));
        let sum = vec!["1"; 1000].join(" + ");
        assert!(matches!(err(&sum).0, SyntaxError::TooDeep { .. }));
        let ok_depth = format!("{}a{}", "(".repeat(30), ")".repeat(30));
        assert!(p(&ok_depth).is_ok());
    }
}
