//! Name resolution, type checking and compilation: [`Expr`] → [`Compiled`].
//!
//! Names are resolved once, here: a field path becomes slot indices, a fact or parameter an index
//! into the run-time values, a bound name a distance from the top of the binding stack, a literal
//! catalog key a row index. The evaluator never looks a name up.
//!
//! Checking goes on after a problem: an erroneous sub-expression gets the type `Any` so it is
//! reported once, and every problem in the expression is returned together.

use super::ast::{self, BinOp, Expr, Kind, QuantKind, Unit};
use super::error::TypeError;
use super::types::{ObjType, Type};
use super::value::{ListVal, Val};
use crate::catalog::Catalog;
use crate::diag::{Diagnostic, Diagnostics};
use crate::schema::{FieldType, InputSchema};
use crate::source::{SourceFile, Span};
use std::borrow::Cow;
use std::sync::Arc;

/// What names mean when compiling one expression.
pub struct Names<'a> {
    pub schema: &'a InputSchema,
    pub catalog: &'a Catalog,
    /// Facts compiled so far, by id: (index into the run-time fact values, type).
    pub facts: &'a dyn Fn(&str) -> Option<(usize, Type)>,
    /// Parameters by id: (index into the run-time parameter values, type).
    pub params: &'a dyn Fn(&str) -> Option<(usize, Type)>,
    /// Names bound by `for_each` (and `deadline`), innermost last. At run time
    /// [`super::Ctx::bindings`] must end with their values in the same order.
    pub bindings: &'a [Binding],
    /// Whether `ref_date` may be used (false inside `[ruleset].reference_date`).
    pub ref_date: bool,
    /// Ids of all declared facts and parameters, for did-you-mean on unknown ones.
    pub fact_ids: &'a [String],
    pub param_ids: &'a [String],
}

/// A name bound around an expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub name: String,
    pub ty: Type,
}

/// A compiled expression: immutable, `Send + Sync`, cheap to evaluate (see [`Compiled::eval`]).
#[derive(Debug, Clone)]
pub struct Compiled {
    pub(crate) code: Code,
    ty: Type,
    text: Arc<str>,
    offset: usize,
}

impl Compiled {
    pub fn ty(&self) -> &Type {
        &self.ty
    }

    /// The source text of the expression.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The span of the whole expression in its rule file.
    pub fn span(&self) -> Span {
        self.code.span
    }

    /// The text of a sub-expression, by its span in the rule file.
    pub(crate) fn source_text(&self, span: Span) -> &str {
        let start = (span.start as usize).saturating_sub(self.offset);
        let end = (span.end as usize).saturating_sub(self.offset);
        self.text.get(start..end).unwrap_or("")
    }
}

/// A node of the compiled tree. Its span is kept for traces.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    pub op: Op,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Where a [`Op::Chain`] starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Start {
    Root,
    /// A bound name, by its distance from the top of the binding stack.
    Binding(u32),
}

/// One field read of a chain; `catalog` when read from a catalog row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Step {
    pub slot: u32,
    pub catalog: bool,
}

/// The operation reading field `slot` of what `base` gives; field reads that start at the root or
/// a bound name are folded into one [`Op::Chain`].
fn field_op(base: Code, slot: u32, catalog: bool) -> Op {
    let step = Step { slot, catalog };
    match base.op {
        Op::RootField(first) => Op::Chain {
            start: Start::Root,
            steps: Box::new([
                Step {
                    slot: first,
                    catalog: false,
                },
                step,
            ]),
        },
        Op::Binding(k) => Op::Chain {
            start: Start::Binding(k),
            steps: Box::new([step]),
        },
        Op::Chain { start, steps } => {
            let mut steps = steps.into_vec();
            steps.push(step);
            Op::Chain {
                start,
                steps: steps.into(),
            }
        }
        op => Op::Field {
            base: Box::new(Code {
                op,
                span: base.span,
            }),
            slot,
            catalog,
        },
    }
}

impl CmpOp {
    /// The operator with its operands swapped: `a < b` is `b > a`.
    fn flipped(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            other => other,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone)]
pub(crate) enum Op {
    Const(Val<'static>),
    /// A field of the document root, by slot.
    RootField(u32),
    /// Fields read one after the other from the root or a bound name (`a.b.c`, `item.x`), in
    /// one step.
    Chain {
        start: Start,
        steps: Box<[Step]>,
    },
    /// A field of an object; `catalog` when the object is a catalog row (absent cells are null).
    Field {
        base: Box<Code>,
        slot: u32,
        catalog: bool,
    },
    Index {
        base: Box<Code>,
        index: Box<Code>,
    },
    /// A bound name, by its distance from the top of the binding stack.
    Binding(u32),
    Fact(u32),
    Param(u32),
    Today,
    RefDate,
    Table(u32),
    Row {
        table: u32,
        key: Box<Code>,
    },
    ConstRow {
        table: u32,
        row: u32,
    },
    Not(Box<Code>),
    Neg(Box<Code>),
    And(Vec<Code>),
    Or(Vec<Code>),
    Coalesce(Vec<Code>),
    Cmp {
        op: CmpOp,
        lhs: Box<Code>,
        rhs: Box<Code>,
    },
    /// A comparison with a constant (the most common condition), without evaluating the
    /// constant as a node.
    CmpConst {
        op: CmpOp,
        lhs: Box<Code>,
        rhs: Val<'static>,
    },
    In {
        negate: bool,
        lhs: Box<Code>,
        rhs: Box<Code>,
    },
    /// `x in [a, b, …]`: the items are tested one by one, no list is built.
    InList {
        negate: bool,
        lhs: Box<Code>,
        items: Vec<Code>,
    },
    /// `x in [a, b, …]` with constant items.
    InConsts {
        negate: bool,
        lhs: Box<Code>,
        items: Box<[Val<'static>]>,
    },
    Arith {
        op: ArOp,
        lhs: Box<Code>,
        rhs: Box<Code>,
    },
    Present(Box<Code>),
    Len(Box<Code>),
    Quant {
        kind: QuantKind,
        list: Box<Code>,
        body: Box<Code>,
    },
    Extreme {
        max: bool,
        args: Vec<Code>,
    },
    Duration {
        amount: Box<Code>,
        unit: Unit,
    },
    List(Vec<Code>),
}

/// The set of values a string may take, when the schema says: an enum field's values, or the
/// keys of the catalog table a `ref:` field points into. Lets the checker catch misspelt
/// literals (`status == 'actve'`).
#[derive(Debug, Clone)]
enum Dom<'n> {
    Enum {
        field: &'n str,
        values: &'n [String],
    },
    Ref {
        table: usize,
    },
}

struct Typed<'n> {
    code: Code,
    ty: Type,
    dom: Option<Dom<'n>>,
}

struct Local<'n> {
    name: String,
    ty: Type,
    dom: Option<Dom<'n>>,
}

/// The likeliest meant name: among the candidates `diag::did_you_mean` would accept, the one
/// fewest edits away (so `borower` suggests `borrower`, not `borrowed`).
fn did_you_mean<'c, I>(word: &str, candidates: I) -> Option<&'c str>
where
    I: IntoIterator<Item = &'c str>,
{
    let close: Vec<&str> = candidates
        .into_iter()
        .filter(|c| crate::diag::did_you_mean(word, [*c]).is_some())
        .collect();
    let best = crate::diag::did_you_mean(word, close.iter().copied())?;
    let edits = |c: &str| strsim::levenshtein(word, c);
    Some(
        close
            .into_iter()
            .filter(|c| edits(c) < edits(best))
            .min_by_key(|c| edits(c))
            .unwrap_or(best),
    )
}

/// Resolve names, type-check and compile. Reports every problem at once, each with its span.
pub fn compile(expr: &Expr, names: &Names, file: &SourceFile) -> Result<Compiled, Diagnostics> {
    let mut c = Checker {
        names,
        file,
        diags: Diagnostics::new(),
        locals: Vec::new(),
    };
    let t = c.check(&expr.root);
    let compiled = Compiled {
        code: t.code,
        ty: t.ty,
        text: expr.text.clone(),
        offset: expr.offset,
    };
    c.diags.into_result(compiled)
}

struct Checker<'n, 'f> {
    names: &'n Names<'n>,
    file: &'f SourceFile,
    diags: Diagnostics,
    locals: Vec<Local<'n>>,
}

fn code(op: Op, span: Span) -> Code {
    Code { op, span }
}

fn bx(t: Typed<'_>) -> Box<Code> {
    Box::new(t.code)
}

impl<'n> Checker<'n, '_> {
    fn error(&mut self, e: TypeError, span: Span) {
        self.diags.push(Diagnostic::at(&e, self.file, span));
    }

    fn describe(&self, t: &Type) -> String {
        t.describe(self.names.schema, self.names.catalog)
    }

    fn plural(&self, t: &Type) -> String {
        t.plural(self.names.schema, self.names.catalog)
    }

    fn typed(&self, op: Op, span: Span, ty: Type) -> Typed<'n> {
        Typed {
            code: code(op, span),
            ty,
            dom: None,
        }
    }

    /// A placeholder after an error: evaluates to null, fits anywhere.
    fn poison(&self, span: Span) -> Typed<'n> {
        self.typed(Op::Const(Val::Null), span, Type::Any)
    }

    fn dom_of(&self, name: &'n str, ty: &'n FieldType) -> Option<Dom<'n>> {
        match ty {
            FieldType::Enum(values) => Some(Dom::Enum {
                field: name,
                values,
            }),
            FieldType::Ref { table } => self
                .names
                .catalog
                .tables
                .iter()
                .position(|t| &t.name == table)
                .map(|table| Dom::Ref { table }),
            FieldType::List { items, .. } => self.dom_of(name, items),
            _ => None,
        }
    }

    /// A string literal compared with (or tested for membership in) a value with a domain must be
    /// one of the domain's values.
    fn check_literal(&mut self, dom: &Option<Dom<'n>>, lit: &ast::Node) {
        let (Some(dom), Kind::Str(s)) = (dom, &lit.kind) else {
            return;
        };
        match dom {
            Dom::Enum { field, values } => {
                if !values.iter().any(|v| v == s) {
                    let suggestion =
                        did_you_mean(s, values.iter().map(String::as_str)).map(str::to_string);
                    let e = TypeError::NotInEnum {
                        value: s.clone(),
                        field: field.to_string(),
                        values: values.to_vec(),
                        suggestion,
                    };
                    self.error(e, lit.span);
                }
            }
            Dom::Ref { table } => {
                if let Some(t) = self.names.catalog.tables.get(*table)
                    && t.row(s).is_none()
                {
                    let e = TypeError::UnknownKey {
                        key: s.clone(),
                        table: t.name.clone(),
                        suggestion: did_you_mean(s, t.keys()).map(str::to_string),
                    };
                    self.error(e, lit.span);
                }
            }
        }
    }

    fn check(&mut self, n: &ast::Node) -> Typed<'n> {
        let span = n.span;
        match &n.kind {
            Kind::Null => self.typed(Op::Const(Val::Null), span, Type::Null),
            Kind::Bool(b) => self.typed(Op::Const(Val::Bool(*b)), span, Type::Bool),
            Kind::Number(x) => self.typed(Op::Const(Val::Number(*x)), span, Type::Number),
            Kind::Str(s) => self.typed(
                Op::Const(Val::Str(Cow::Owned(s.clone()))),
                span,
                Type::String,
            ),
            Kind::Date(d) => self.typed(Op::Const(Val::Date(*d)), span, Type::Date),
            Kind::List(items) => self.list(items, span),
            Kind::Duration { amount, unit } => {
                let a = self.check(amount);
                if !matches!(a.ty, Type::Number | Type::Null | Type::Any) {
                    let found = self.describe(&a.ty);
                    self.error(
                        TypeError::Mismatch {
                            op: unit_word(*unit).into(),
                            expected: "a number",
                            found,
                        },
                        amount.span,
                    );
                }
                let op = Op::Duration {
                    amount: bx(a),
                    unit: *unit,
                };
                self.typed(op, span, Type::Duration)
            }
            Kind::Name(name) => self.name(name, span),
            Kind::Today => self.typed(Op::Today, span, Type::Date),
            Kind::RefDate => {
                if !self.names.ref_date {
                    self.error(TypeError::RefDateNotAllowed, span);
                }
                self.typed(Op::RefDate, span, Type::Date)
            }
            Kind::Catalog { table } => match self.table(table, span) {
                Some(t) => self.typed(
                    Op::Table(t as u32),
                    span,
                    Type::List(Box::new(Type::Object(ObjType::CatalogRow(t)))),
                ),
                None => self.poison(span),
            },
            Kind::Fact(id) => match (self.names.facts)(id) {
                Some((i, ty)) => self.typed(Op::Fact(i as u32), span, ty),
                None => {
                    let suggestion =
                        did_you_mean(id, self.names.fact_ids.iter().map(String::as_str))
                            .map(str::to_string);
                    self.error(
                        TypeError::UnknownFact {
                            id: id.clone(),
                            suggestion,
                        },
                        span,
                    );
                    self.poison(span)
                }
            },
            Kind::Param(id) => match (self.names.params)(id) {
                Some((i, ty)) => self.typed(Op::Param(i as u32), span, ty),
                None => {
                    let suggestion =
                        did_you_mean(id, self.names.param_ids.iter().map(String::as_str))
                            .map(str::to_string);
                    self.error(
                        TypeError::UnknownParam {
                            id: id.clone(),
                            suggestion,
                        },
                        span,
                    );
                    self.poison(span)
                }
            },
            Kind::Field {
                base,
                name,
                name_span,
            } => self.field(base, name, *name_span, span),
            Kind::Index { base, index } => self.index(base, index, span),
            Kind::Not(a) => {
                let a = self.bool_operand(a, "not");
                self.typed(Op::Not(bx(a)), span, Type::Bool)
            }
            Kind::Neg(a) => {
                let t = self.check(a);
                let ty = match t.ty {
                    Type::Number | Type::Duration | Type::Any => t.ty.clone(),
                    Type::Null => Type::Any,
                    _ => {
                        let found = self.describe(&t.ty);
                        self.error(
                            TypeError::Mismatch {
                                op: "-".into(),
                                expected: "a number or a duration",
                                found,
                            },
                            a.span,
                        );
                        Type::Any
                    }
                };
                self.typed(Op::Neg(bx(t)), span, ty)
            }
            Kind::And(items) | Kind::Or(items) => {
                let is_and = matches!(n.kind, Kind::And(_));
                let word = if is_and { "and" } else { "or" };
                let codes = items
                    .iter()
                    .map(|i| self.bool_operand(i, word).code)
                    .collect();
                let op = if is_and {
                    Op::And(codes)
                } else {
                    Op::Or(codes)
                };
                self.typed(op, span, Type::Bool)
            }
            Kind::Coalesce(items) => self.coalesce(items, span),
            Kind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, span),
            Kind::Present(a) => {
                let t = self.check(a);
                let is_path = matches!(
                    t.code.op,
                    Op::RootField(_) | Op::Field { .. } | Op::Chain { .. } | Op::Index { .. }
                );
                if !is_path && t.ty != Type::Any {
                    self.error(TypeError::NotAPath, a.span);
                }
                self.typed(Op::Present(bx(t)), span, Type::Bool)
            }
            Kind::Len(a) => {
                let t = self.check(a);
                if !matches!(t.ty, Type::List(_) | Type::Null | Type::Any) {
                    let found = self.describe(&t.ty);
                    self.error(
                        TypeError::Mismatch {
                            op: "len".into(),
                            expected: "a list",
                            found,
                        },
                        a.span,
                    );
                }
                self.typed(Op::Len(bx(t)), span, Type::Number)
            }
            Kind::Quant {
                kind,
                var,
                var_span: _,
                list,
                body,
            } => self.quant(*kind, var, list, body, span),
            Kind::Extreme { max, args } => {
                let name = if *max { "max" } else { "min" };
                let mut ty = Type::Null;
                let mut codes = Vec::new();
                for a in args {
                    let t = self.check(a);
                    match ty.unify(&t.ty) {
                        Some(u)
                            if matches!(
                                u,
                                Type::Number | Type::Date | Type::String | Type::Null | Type::Any
                            ) =>
                        {
                            ty = u
                        }
                        _ => {
                            let found = self.describe(&t.ty);
                            self.error(
                                TypeError::Mismatch {
                                    op: name.into(),
                                    expected: if ty == Type::Null {
                                        "numbers, dates or strings"
                                    } else {
                                        "arguments of one type"
                                    },
                                    found,
                                },
                                a.span,
                            );
                        }
                    }
                    codes.push(t.code);
                }
                if args.is_empty() {
                    self.error(TypeError::NoArguments { name }, span);
                }
                self.typed(
                    Op::Extreme {
                        max: *max,
                        args: codes,
                    },
                    span,
                    ty,
                )
            }
        }
    }

    fn list(&mut self, items: &[ast::Node], span: Span) -> Typed<'n> {
        let mut ty = Type::Any;
        let mut codes = Vec::with_capacity(items.len());
        for item in items {
            let t = self.check(item);
            match ty.unify(&t.ty) {
                Some(u) => ty = u,
                None => {
                    let (first, other) = (self.describe(&ty), self.describe(&t.ty));
                    self.error(TypeError::MixedList { first, other }, item.span);
                }
            }
            codes.push(t.code);
        }
        let ty = Type::List(Box::new(ty));
        // A list of constants is built once, here.
        let consts: Option<Vec<Val<'static>>> = codes
            .iter()
            .map(|c| match &c.op {
                Op::Const(v) => Some(v.clone()),
                _ => None,
            })
            .collect();
        match consts {
            Some(vals) => self.typed(Op::Const(Val::List(ListVal::Vals(vals.into()))), span, ty),
            None => self.typed(Op::List(codes), span, ty),
        }
    }

    fn bool_operand(&mut self, n: &ast::Node, op: &str) -> Typed<'n> {
        let t = self.check(n);
        if !matches!(t.ty, Type::Bool | Type::Null | Type::Any) {
            let found = self.describe(&t.ty);
            self.error(
                TypeError::Mismatch {
                    op: op.into(),
                    expected: "a bool (true or false)",
                    found,
                },
                n.span,
            );
        }
        t
    }

    fn table(&mut self, name: &str, span: Span) -> Option<usize> {
        let tables = &self.names.catalog.tables;
        match tables.iter().position(|t| t.name == name) {
            Some(i) => Some(i),
            None => {
                let suggestion =
                    did_you_mean(name, tables.iter().map(|t| t.name.as_str())).map(str::to_string);
                self.error(
                    TypeError::UnknownTable {
                        table: name.to_string(),
                        suggestion,
                    },
                    span,
                );
                None
            }
        }
    }

    fn name(&mut self, name: &str, span: Span) -> Typed<'n> {
        if let Some(pos) = self.locals.iter().rposition(|l| l.name == name) {
            let k = self.locals.len() - 1 - pos;
            let (ty, dom) = match self.locals.get(pos) {
                Some(l) => (l.ty.clone(), l.dom.clone()),
                None => (Type::Any, None),
            };
            let mut t = self.typed(Op::Binding(k as u32), span, ty);
            t.dom = dom;
            return t;
        }
        let bindings = self.names.bindings;
        if let Some(pos) = bindings.iter().rposition(|b| b.name == name) {
            let k = self.locals.len() + (bindings.len() - 1 - pos);
            let ty = bindings.get(pos).map(|b| b.ty.clone()).unwrap_or(Type::Any);
            return self.typed(Op::Binding(k as u32), span, ty);
        }
        let schema = self.names.schema;
        if let Some(root) = schema.types.get(schema.root)
            && let Some((slot, f)) = root.field(name)
        {
            let mut t = self.typed(Op::RootField(slot as u32), span, Type::of_field(&f.ty));
            t.dom = self.dom_of(&f.name, &f.ty);
            return t;
        }
        let mut candidates: Vec<&str> = self.locals.iter().map(|l| l.name.as_str()).collect();
        candidates.extend(bindings.iter().map(|b| b.name.as_str()));
        if let Some(root) = schema.types.get(schema.root) {
            candidates.extend(root.fields.iter().map(|f| f.name.as_str()));
        }
        candidates.extend(["today", "ref_date", "true", "false", "null", "catalog"]);
        let suggestion = did_you_mean(name, candidates).map(str::to_string);
        self.error(
            TypeError::UnknownName {
                name: name.to_string(),
                suggestion,
            },
            span,
        );
        self.poison(span)
    }

    fn field(&mut self, base: &ast::Node, name: &str, name_span: Span, span: Span) -> Typed<'n> {
        let b = self.check(base);
        let schema = self.names.schema;
        let catalog = self.names.catalog;
        match b.ty.clone() {
            Type::Object(ObjType::Input(t)) => {
                let Some(ty) = schema.types.get(t) else {
                    return self.poison(span);
                };
                match ty.field(name) {
                    Some((slot, f)) => {
                        let mut r = self.typed(
                            field_op(b.code, slot as u32, false),
                            span,
                            Type::of_field(&f.ty),
                        );
                        r.dom = self.dom_of(&f.name, &f.ty);
                        r
                    }
                    None => {
                        let suggestion =
                            did_you_mean(name, ty.fields.iter().map(|f| f.name.as_str()))
                                .map(str::to_string);
                        self.error(
                            TypeError::UnknownField {
                                field: name.to_string(),
                                owner: ty.name.clone(),
                                suggestion,
                            },
                            name_span,
                        );
                        self.poison(span)
                    }
                }
            }
            Type::Object(ObjType::CatalogRow(t)) => {
                let Some(table) = catalog.tables.get(t) else {
                    return self.poison(span);
                };
                match table.column(name) {
                    Some((slot, col)) => {
                        let mut r = self.typed(
                            field_op(b.code, slot as u32, true),
                            span,
                            Type::of_column(col.ty),
                        );
                        if col.name == table.key {
                            r.dom = Some(Dom::Ref { table: t });
                        }
                        r
                    }
                    None => {
                        let suggestion =
                            did_you_mean(name, table.columns.iter().map(|c| c.name.as_str()))
                                .map(str::to_string);
                        self.error(
                            TypeError::UnknownColumn {
                                column: name.to_string(),
                                table: table.name.clone(),
                                suggestion,
                            },
                            name_span,
                        );
                        self.poison(span)
                    }
                }
            }
            Type::Any | Type::Null => self.poison(span),
            other => {
                let found = self.describe(&other);
                let is_list = matches!(other, Type::List(_));
                self.error(TypeError::NoFields { found, is_list }, name_span);
                self.poison(span)
            }
        }
    }

    fn index(&mut self, base: &ast::Node, index: &ast::Node, span: Span) -> Typed<'n> {
        // `catalog.T[key]` is a row lookup, not a list index.
        if let Kind::Catalog { table } = &base.kind {
            let Some(t) = self.table(table, base.span) else {
                self.check(index);
                return self.poison(span);
            };
            let ty = Type::Object(ObjType::CatalogRow(t));
            if let Kind::Str(key) = &index.kind {
                let Some(tab) = self.names.catalog.tables.get(t) else {
                    return self.poison(span);
                };
                return match tab.position(key) {
                    Some(row) => self.typed(
                        Op::ConstRow {
                            table: t as u32,
                            row: row as u32,
                        },
                        span,
                        ty,
                    ),
                    None => {
                        let e = TypeError::UnknownKey {
                            key: key.clone(),
                            table: tab.name.clone(),
                            suggestion: did_you_mean(key, tab.keys()).map(str::to_string),
                        };
                        self.error(e, index.span);
                        self.poison(span)
                    }
                };
            }
            let k = self.check(index);
            if !matches!(k.ty, Type::String | Type::Null | Type::Any) {
                let found = self.describe(&k.ty);
                self.error(
                    TypeError::Mismatch {
                        op: format!("catalog.{table}[…]"),
                        expected: "a string key",
                        found,
                    },
                    index.span,
                );
            }
            let op = Op::Row {
                table: t as u32,
                key: bx(k),
            };
            return self.typed(op, span, ty);
        }
        let b = self.check(base);
        let i = self.check(index);
        if !matches!(i.ty, Type::Number | Type::Null | Type::Any) {
            let found = self.describe(&i.ty);
            self.error(
                TypeError::Mismatch {
                    op: "[…]".into(),
                    expected: "a number (the position, from 0)",
                    found,
                },
                index.span,
            );
        }
        let ty = match &b.ty {
            Type::List(item) => (**item).clone(),
            Type::Any | Type::Null => Type::Any,
            other => {
                let found = self.describe(other);
                self.error(TypeError::NotIndexable { found }, base.span);
                Type::Any
            }
        };
        let dom = b.dom.clone();
        let mut t = self.typed(
            Op::Index {
                base: bx(b),
                index: bx(i),
            },
            span,
            ty,
        );
        t.dom = dom;
        t
    }

    fn coalesce(&mut self, items: &[ast::Node], span: Span) -> Typed<'n> {
        let mut ty = Type::Null;
        let mut dom = None;
        let mut codes = Vec::with_capacity(items.len());
        for item in items {
            let t = self.check(item);
            match ty.unify(&t.ty) {
                Some(u) => ty = u,
                None => {
                    let (left, right) = (self.describe(&ty), self.describe(&t.ty));
                    self.error(TypeError::CoalesceMismatch { left, right }, item.span);
                }
            }
            if dom.is_none() {
                dom = t.dom.clone();
            }
            codes.push(t.code);
        }
        let mut t = self.typed(Op::Coalesce(codes), span, ty);
        t.dom = dom;
        t
    }

    fn binary(&mut self, op: BinOp, lhs: &ast::Node, rhs: &ast::Node, span: Span) -> Typed<'n> {
        match op {
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let l = self.check(lhs);
                let r = self.check(rhs);
                let ordering = !matches!(op, BinOp::Eq | BinOp::Ne);
                let ok = match l.ty.unify(&r.ty) {
                    None => false,
                    Some(_) if !ordering => true,
                    Some(u) => matches!(
                        u,
                        Type::Number | Type::Date | Type::String | Type::Null | Type::Any
                    ),
                };
                if !ok {
                    let (left, right) = (self.describe(&l.ty), self.describe(&r.ty));
                    self.error(TypeError::CannotCompare { left, right }, span);
                }
                self.check_literal(&l.dom, rhs);
                self.check_literal(&r.dom, lhs);
                let cmp = match op {
                    BinOp::Eq => CmpOp::Eq,
                    BinOp::Ne => CmpOp::Ne,
                    BinOp::Lt => CmpOp::Lt,
                    BinOp::Le => CmpOp::Le,
                    BinOp::Gt => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                let op = match (l.code.op, r.code.op) {
                    (Op::Const(a), Op::Const(b)) => Op::Cmp {
                        op: cmp,
                        lhs: Box::new(code(Op::Const(a), l.code.span)),
                        rhs: Box::new(code(Op::Const(b), r.code.span)),
                    },
                    (lop, Op::Const(c)) => Op::CmpConst {
                        op: cmp,
                        lhs: Box::new(code(lop, l.code.span)),
                        rhs: c,
                    },
                    (Op::Const(c), rop) => Op::CmpConst {
                        op: cmp.flipped(),
                        lhs: Box::new(code(rop, r.code.span)),
                        rhs: c,
                    },
                    (lop, rop) => Op::Cmp {
                        op: cmp,
                        lhs: Box::new(code(lop, l.code.span)),
                        rhs: Box::new(code(rop, r.code.span)),
                    },
                };
                self.typed(op, span, Type::Bool)
            }
            BinOp::In | BinOp::NotIn => {
                let negate = op == BinOp::NotIn;
                let l = self.check(lhs);
                if let Kind::List(items) = &rhs.kind {
                    let mut codes = Vec::with_capacity(items.len());
                    for item in items {
                        let t = self.check(item);
                        if !l.ty.compatible(&t.ty) {
                            let (elem, found) = (self.plural(&l.ty), self.describe(&t.ty));
                            self.error(
                                TypeError::BadMembership {
                                    elem,
                                    found: format!("an item that is {found}"),
                                },
                                item.span,
                            );
                        }
                        self.check_literal(&l.dom, item);
                        codes.push(t.code);
                    }
                    let consts: Option<Vec<Val<'static>>> = codes
                        .iter()
                        .map(|c| match &c.op {
                            Op::Const(v) => Some(v.clone()),
                            _ => None,
                        })
                        .collect();
                    let op = match consts {
                        Some(items) => Op::InConsts {
                            negate,
                            lhs: bx(l),
                            items: items.into(),
                        },
                        None => Op::InList {
                            negate,
                            lhs: bx(l),
                            items: codes,
                        },
                    };
                    return self.typed(op, span, Type::Bool);
                }
                let r = self.check(rhs);
                let ok = match &r.ty {
                    Type::List(item) => l.ty.compatible(item),
                    Type::Any | Type::Null => true,
                    _ => false,
                };
                if !ok {
                    let (elem, found) = (self.plural(&l.ty), self.describe(&r.ty));
                    self.error(TypeError::BadMembership { elem, found }, rhs.span);
                }
                self.check_literal(&r.dom, lhs);
                let op = Op::In {
                    negate,
                    lhs: bx(l),
                    rhs: bx(r),
                };
                self.typed(op, span, Type::Bool)
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let l = self.check(lhs);
                let r = self.check(rhs);
                let ty = arith_type(op, &l.ty, &r.ty);
                let ty = match ty {
                    Some(t) => t,
                    None => {
                        let (left, right) = (self.describe(&l.ty), self.describe(&r.ty));
                        self.error(
                            TypeError::BadOperands {
                                op: op.symbol(),
                                left,
                                right,
                            },
                            span,
                        );
                        Type::Any
                    }
                };
                let ar = match op {
                    BinOp::Add => ArOp::Add,
                    BinOp::Sub => ArOp::Sub,
                    BinOp::Mul => ArOp::Mul,
                    _ => ArOp::Div,
                };
                let op = Op::Arith {
                    op: ar,
                    lhs: bx(l),
                    rhs: bx(r),
                };
                self.typed(op, span, ty)
            }
        }
    }

    fn quant(
        &mut self,
        kind: QuantKind,
        var: &str,
        list: &ast::Node,
        body: &ast::Node,
        span: Span,
    ) -> Typed<'n> {
        let l = self.check(list);
        let item = match &l.ty {
            Type::List(item) => (**item).clone(),
            Type::Any | Type::Null => Type::Any,
            other => {
                let found = self.describe(other);
                self.error(
                    TypeError::Mismatch {
                        op: kind.name().into(),
                        expected: "a list",
                        found,
                    },
                    list.span,
                );
                Type::Any
            }
        };
        self.locals.push(Local {
            name: var.to_string(),
            ty: item.clone(),
            dom: l.dom.clone(),
        });
        let b = self.check(body);
        self.locals.pop();
        let want_bool = matches!(
            kind,
            QuantKind::Any
                | QuantKind::All
                | QuantKind::Count
                | QuantKind::Filter
                | QuantKind::First
        );
        let ty = if want_bool {
            if !matches!(b.ty, Type::Bool | Type::Null | Type::Any) {
                let found = self.describe(&b.ty);
                self.error(
                    TypeError::Mismatch {
                        op: kind.name().into(),
                        expected: "a condition (a bool)",
                        found,
                    },
                    body.span,
                );
            }
            match kind {
                QuantKind::Any | QuantKind::All => Type::Bool,
                QuantKind::Count => Type::Number,
                QuantKind::Filter => Type::List(Box::new(item)),
                _ => item,
            }
        } else {
            let ok = match kind {
                QuantKind::Sum => matches!(b.ty, Type::Number | Type::Null | Type::Any),
                _ => matches!(
                    b.ty,
                    Type::Number | Type::Date | Type::String | Type::Null | Type::Any
                ),
            };
            if !ok {
                let found = self.describe(&b.ty);
                self.error(
                    TypeError::Mismatch {
                        op: kind.name().into(),
                        expected: if kind == QuantKind::Sum {
                            "numbers"
                        } else {
                            "numbers, dates or strings"
                        },
                        found,
                    },
                    body.span,
                );
            }
            if kind == QuantKind::Sum {
                Type::Number
            } else {
                b.ty.clone()
            }
        };
        let dom = if matches!(kind, QuantKind::Filter | QuantKind::First) {
            l.dom.clone()
        } else {
            None
        };
        let op = Op::Quant {
            kind,
            list: bx(l),
            body: bx(b),
        };
        let mut t = self.typed(op, span, ty);
        t.dom = dom;
        t
    }
}

fn unit_word(u: Unit) -> &'static str {
    match u {
        Unit::Day => "days",
        Unit::Week => "weeks",
        Unit::Month => "months",
        Unit::Year => "years",
    }
}

/// The result type of arithmetic, or `None` when the operands do not fit.
fn arith_type(op: BinOp, l: &Type, r: &Type) -> Option<Type> {
    use Type::*;
    let loose = |t: &Type| matches!(t, Null | Any);
    match (op, l, r) {
        (_, Number, Number) => Some(Number),
        (BinOp::Add, Date, Duration) | (BinOp::Add, Duration, Date) => Some(Date),
        (BinOp::Sub, Date, Duration) => Some(Date),
        (BinOp::Sub, Date, Date) => Some(Number),
        (BinOp::Add | BinOp::Sub, Duration, Duration) => Some(Duration),
        // With an operand of unknown type, the other one says what the result is, if it can.
        (BinOp::Mul | BinOp::Div, a, b)
            if (loose(a) || *a == Number) && (loose(b) || *b == Number) =>
        {
            Some(Number)
        }
        (BinOp::Add | BinOp::Sub, a, b) if loose(a) || loose(b) => {
            let other = if loose(a) { b } else { a };
            match other {
                Number | Duration | Null | Any => {
                    Some(if *other == Null { Any } else { other.clone() })
                }
                Date => Some(Any),
                _ => None,
            }
        }
        _ => None,
    }
}

/// What the code of an expression holds, gathered for the oracle of exact answers and for
/// remedies, which take their candidate values from the rule's own constants.
#[derive(Debug, Default, Clone)]
pub struct Constants {
    /// Numbers, dates, durations and strings written in the expression (or compared with a
    /// field).
    pub values: Vec<Val<'static>>,
    /// The name of each field whose absence the rule gives a meaning of its own: read in an
    /// operand but the last of a `??` (a default, `d.actual ?? d.planned`) or tested by
    /// `present`.
    pub defaulted: Vec<String>,
}

impl Compiled {
    /// The constants of the expression, and the fields it defaults with `??` (see
    /// [`Constants`]), added to `out`.
    pub fn constants(&self, out: &mut Constants) {
        walk(self, &self.code, out);
    }
}

fn walk(c: &Compiled, code: &Code, out: &mut Constants) {
    let mut val = |v: &Val<'static>| {
        if matches!(
            v,
            Val::Number(_) | Val::Date(_) | Val::Duration(_) | Val::Str(_)
        ) {
            out.values.push(v.clone());
        }
    };
    match &code.op {
        Op::Const(v) => val(v),
        Op::CmpConst { lhs, rhs, .. } => {
            val(rhs);
            walk(c, lhs, out);
        }
        Op::InConsts { lhs, items, .. } => {
            items.iter().for_each(&mut val);
            walk(c, lhs, out);
        }
        Op::RootField(_)
        | Op::Chain { .. }
        | Op::Binding(_)
        | Op::Fact(_)
        | Op::Param(_)
        | Op::Today
        | Op::RefDate
        | Op::Table(_)
        | Op::ConstRow { .. } => {}
        Op::Present(base) => {
            fields_read(c, base, &mut out.defaulted);
            walk(c, base, out)
        }
        Op::Field { base, .. } | Op::Not(base) | Op::Neg(base) | Op::Len(base) => {
            walk(c, base, out)
        }
        Op::Row { key, .. } => walk(c, key, out),
        Op::Index { base, index } => {
            walk(c, base, out);
            walk(c, index, out);
        }
        Op::And(items) | Op::Or(items) | Op::List(items) | Op::Extreme { args: items, .. } => {
            items.iter().for_each(|i| walk(c, i, out))
        }
        Op::Coalesce(items) => {
            if let Some((_, init)) = items.split_last() {
                for i in init {
                    fields_read(c, i, &mut out.defaulted);
                }
            }
            items.iter().for_each(|i| walk(c, i, out))
        }
        Op::Cmp { lhs, rhs, .. } | Op::In { lhs, rhs, .. } | Op::Arith { lhs, rhs, .. } => {
            walk(c, lhs, out);
            walk(c, rhs, out);
        }
        Op::InList { lhs, items, .. } => {
            walk(c, lhs, out);
            items.iter().for_each(|i| walk(c, i, out))
        }
        Op::Quant { list, body, .. } => {
            walk(c, list, out);
            walk(c, body, out);
        }
        Op::Duration { amount, unit } => {
            if let Op::Const(Val::Number(n)) = amount.op
                && let Some(d) = super::eval::duration(n, *unit)
            {
                out.values.push(Val::Duration(d));
            }
            walk(c, amount, out)
        }
    }
}

/// The names of the fields `code` reads (by their source text's last segment).
fn fields_read(c: &Compiled, code: &Code, out: &mut Vec<String>) {
    if matches!(
        code.op,
        Op::RootField(_) | Op::Chain { .. } | Op::Field { .. }
    ) {
        let text = c.source_text(code.span);
        let name = text.rsplit('.').next().unwrap_or(text).trim();
        out.push(name.to_string());
    }
    match &code.op {
        Op::Field { base, .. }
        | Op::Not(base)
        | Op::Neg(base)
        | Op::Present(base)
        | Op::Len(base) => fields_read(c, base, out),
        Op::Index { base, index } => {
            fields_read(c, base, out);
            fields_read(c, index, out);
        }
        Op::And(items)
        | Op::Or(items)
        | Op::List(items)
        | Op::Extreme { args: items, .. }
        | Op::Coalesce(items) => items.iter().for_each(|i| fields_read(c, i, out)),
        Op::Cmp { lhs, rhs, .. } | Op::In { lhs, rhs, .. } | Op::Arith { lhs, rhs, .. } => {
            fields_read(c, lhs, out);
            fields_read(c, rhs, out);
        }
        Op::CmpConst { lhs, .. } | Op::InConsts { lhs, .. } => fields_read(c, lhs, out),
        Op::InList { lhs, items, .. } => {
            fields_read(c, lhs, out);
            items.iter().for_each(|i| fields_read(c, i, out))
        }
        Op::Quant { list, body, .. } => {
            fields_read(c, list, out);
            fields_read(c, body, out);
        }
        Op::Duration { amount, .. } => fields_read(c, amount, out),
        Op::Row { key, .. } => fields_read(c, key, out),
        _ => {}
    }
}

/// Where a list quantified over starts: the document root, or a name bound outside the
/// expression (by its distance from the top of the bindings the expression is evaluated with).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStart {
    Root,
    Bound(u32),
}

/// A document list an expression quantifies over (`any(x in involvement: …)`, also through
/// `filter`): what a remedy may add an item to.
#[derive(Debug, Clone)]
pub struct Quantified {
    pub start: ListStart,
    /// The slots of the fields from `start` to the list.
    pub steps: Vec<u32>,
    /// The slots of the item's fields the conditions over the items read, first read first.
    pub item_fields: Vec<u32>,
}

impl Compiled {
    /// The document lists the expression quantifies over (see [`Quantified`]).
    pub fn quantified(&self) -> Vec<Quantified> {
        let mut out = Vec::new();
        quants(&self.code, 0, &mut out);
        out
    }
}

impl Compiled {
    /// The document fields the expression reads outside quantifiers, each as where it starts
    /// and the slots of its fields (catalog look-ups excluded): the fields a remedy may state.
    pub fn reads(&self) -> Vec<(ListStart, Vec<u32>)> {
        let mut out = Vec::new();
        reads(&self.code, &mut out);
        out
    }
}

fn reads(code: &Code, out: &mut Vec<(ListStart, Vec<u32>)>) {
    let path = match &code.op {
        Op::RootField(slot) => Some((ListStart::Root, vec![*slot])),
        Op::Chain { start, steps } => {
            let steps: Vec<u32> = steps
                .iter()
                .take_while(|s| !s.catalog)
                .map(|s| s.slot)
                .collect();
            let start = match start {
                Start::Root => Some(ListStart::Root),
                Start::Binding(k) => Some(ListStart::Bound(*k)),
            };
            start.filter(|_| !steps.is_empty()).map(|s| (s, steps))
        }
        // Inside a quantifier the names are bound anew: what its items read is
        // [`Compiled::quantified`]'s; the list it reads is a read of its own.
        Op::Quant { list, .. } => {
            reads(list, out);
            return;
        }
        _ => None,
    };
    if let Some(p) = path
        && !out.contains(&p)
    {
        out.push(p);
    }
    children(code, &mut |c| reads(c, out));
}

/// The list a quantifier's `list` operand reads, at quantifier depth `depth`, and the
/// conditions that pick its items on the way (`filter`).
fn list_of(code: &Code, depth: u32) -> Option<(ListStart, Vec<u32>, Vec<&Code>)> {
    match &code.op {
        Op::RootField(slot) => Some((ListStart::Root, vec![*slot], Vec::new())),
        Op::Chain { start, steps } if steps.iter().all(|s| !s.catalog) => {
            let start = match start {
                Start::Root => ListStart::Root,
                Start::Binding(k) => ListStart::Bound(k.checked_sub(depth)?),
            };
            Some((start, steps.iter().map(|s| s.slot).collect(), Vec::new()))
        }
        Op::Quant {
            kind: QuantKind::Filter,
            list,
            body,
        } => {
            let (s, steps, mut conds) = list_of(list, depth)?;
            conds.push(body);
            Some((s, steps, conds))
        }
        _ => None,
    }
}

/// The slots of the fields of the item bound at `level` (0: innermost) that `code` reads.
fn item_reads(code: &Code, level: u32, out: &mut Vec<u32>) {
    match &code.op {
        Op::Chain {
            start: Start::Binding(k),
            steps,
        } if *k == level => {
            if let Some(s) = steps.first()
                && !out.contains(&s.slot)
            {
                out.push(s.slot);
            }
        }
        Op::Quant { list, body, .. } => {
            item_reads(list, level, out);
            item_reads(body, level + 1, out);
        }
        _ => children(code, &mut |c| item_reads(c, level, out)),
    }
}

fn quants(code: &Code, depth: u32, out: &mut Vec<Quantified>) {
    if let Op::Quant { list, body, .. } = &code.op {
        if let Some((start, steps, conds)) = list_of(list, depth) {
            let mut item_fields = Vec::new();
            for c in conds.iter().copied().chain(std::iter::once(&**body)) {
                item_reads(c, 0, &mut item_fields);
            }
            out.push(Quantified {
                start,
                steps,
                item_fields,
            });
        }
        quants(list, depth, out);
        quants(body, depth + 1, out);
        return;
    }
    children(code, &mut |c| quants(c, depth, out));
}

/// Calls `f` on each operand of `code` (not into quantifiers' bodies' scopes: callers that
/// track bindings handle `Op::Quant` themselves).
fn children<'c>(code: &'c Code, f: &mut dyn FnMut(&'c Code)) {
    match &code.op {
        Op::Field { base, .. }
        | Op::Not(base)
        | Op::Neg(base)
        | Op::Present(base)
        | Op::Len(base) => f(base),
        Op::Row { key, .. } => f(key),
        Op::Index { base, index } => {
            f(base);
            f(index);
        }
        Op::And(items)
        | Op::Or(items)
        | Op::List(items)
        | Op::Coalesce(items)
        | Op::Extreme { args: items, .. } => items.iter().for_each(f),
        Op::Cmp { lhs, rhs, .. } | Op::In { lhs, rhs, .. } | Op::Arith { lhs, rhs, .. } => {
            f(lhs);
            f(rhs);
        }
        Op::CmpConst { lhs, .. } | Op::InConsts { lhs, .. } => f(lhs),
        Op::InList { lhs, items, .. } => {
            f(lhs);
            items.iter().for_each(f);
        }
        Op::Quant { list, body, .. } => {
            f(list);
            f(body);
        }
        Op::Duration { amount, .. } => f(amount),
        _ => {}
    }
}
