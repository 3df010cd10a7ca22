//! The compiled generator plan: the input schema walked once and joined with a profile, so that
//! generating a document is a walk over plain data with no names to look up and no checks to make.
//!
//! Everything here was validated by `profile`; the runtime in `run` trusts it.

use jiff::civil::Date;

/// A literal value, kept both as raw text (for templates) and as rendered JSON (for output).
/// Literals are interned: equal JSON means equal index, so runtime comparisons are integer ones.
#[derive(Debug, Clone)]
pub(crate) struct Lit {
    pub raw: Box<str>,
    pub json: Box<str>,
}

/// A probability as a threshold on a uniform `u64`: `0` never, `u64::MAX` always.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Prob(pub u64);

impl Prob {
    pub const NEVER: Prob = Prob(0);

    /// `p` is in `0..=1` (checked by the loader). Only exact IEEE operations, so the threshold is the
    /// same on every platform.
    pub fn from_f64(p: f64) -> Prob {
        if p.is_nan() || p <= 0.0 {
            Prob(0)
        } else if p >= 1.0 {
            Prob(u64::MAX)
        } else {
            // 2^64 as f64 is exact; the product is below it, so the cast does not saturate.
            Prob(((p * 18_446_744_073_709_551_616.0) as u64).min(u64::MAX - 1))
        }
    }
}

/// A generated value. Objects and lists live in the document's arena; text in its text buffer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum V {
    Absent,
    Null,
    /// An interned literal (strings, enum values, booleans).
    Lit(u32),
    Int(i64),
    /// `units / 10^scale`.
    Dec(i64, u8),
    Date(Date),
    /// A byte range of the document's text buffer (template output, keys of other documents).
    Text(u32, u32),
    /// The first of the object's field slots in the arena.
    Obj(u32),
    /// The first item slot in the arena and the number of items.
    List(u32, u32),
}

/// Where a value generated earlier is read from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ref {
    /// A per-document variable (`$name`).
    Var(usize),
    /// A field of an enclosing object: `up` objects out from the current one, then down `path`
    /// through object fields (slot indices).
    Field { up: usize, path: Vec<usize> },
}

#[derive(Debug, Clone)]
pub(crate) enum Part {
    Text(Box<str>),
    /// The document's 1-based sequence number, zero-padded to `width`.
    Seq {
        width: usize,
    },
    Ref {
        src: Ref,
        year: bool,
    },
    Pool(usize),
}

#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub parts: Vec<Part>,
    /// Output is cut to this many characters (the schema's `max_len`).
    pub max_len: Option<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct KeyGen {
    /// How far back (in documents) a reference reaches: `lo..=hi`.
    pub back: (u64, u64),
    /// Chance of a key that no document in the output has.
    pub dangling: Prob,
    /// Which of [`Plan::cycles`] decides, per pair of neighbouring documents, whether they refer
    /// to each other through this field.
    pub cycle: Option<usize>,
}

/// How many items a list gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Len {
    Range(u32, u32),
    /// Weighted lengths; `cum` holds cumulative weights.
    Weighted {
        lens: Vec<u32>,
        cum: Vec<u64>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unique {
    No,
    Whole,
    /// Items are objects, distinct in this slot.
    Field(usize),
}

#[derive(Debug, Clone)]
pub(crate) enum Gen {
    Const(V),
    /// Weighted choice among literals; `cum` holds cumulative weights.
    Choice {
        lits: Vec<u32>,
        cum: Vec<u64>,
    },
    /// A number `u / 10^scale` with `u` in `lo..=hi`, a multiple of `step` from `lo`.
    Num {
        lo: i64,
        hi: i64,
        step: i64,
        scale: u8,
        log: bool,
    },
    NumFrom {
        src: Ref,
        add: (i64, i64),
        scale: u8,
        bounds: (Option<i64>, Option<i64>),
        fallback: Box<Gen>,
    },
    Date {
        lo: Date,
        days: i64,
    },
    DateFrom {
        src: Ref,
        add: (i64, i64),
        fallback: Box<Gen>,
    },
    Copy {
        src: Ref,
        fallback: Box<Gen>,
    },
    Template(Template),
    Key(KeyGen),
    Object(ObjPlan),
    List {
        len: Len,
        item: Box<Gen>,
        unique: Unique,
    },
    Variants {
        cum: Vec<u64>,
        gens: Vec<Gen>,
    },
    By {
        src: Ref,
        cases: Vec<(u32, Gen)>,
        default: Box<Gen>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct FieldPlan {
    pub name: Box<str>,
    /// `"name":`, escaped once.
    pub json_name: Box<str>,
    pub absent: Prob,
    pub null: Prob,
    pub make: Gen,
}

#[derive(Debug, Clone)]
pub(crate) struct ObjPlan {
    /// In schema order: the order of output.
    pub fields: Vec<FieldPlan>,
    /// The order of generation: a field comes after the fields it reads.
    pub order: Vec<usize>,
}

/// A compiled profile for one input schema and catalog.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub lits: Vec<Lit>,
    pub pools: Vec<Vec<u32>>,
    /// In generation order (a variable comes after those it reads).
    pub vars: Vec<Gen>,
    pub root: ObjPlan,
    /// The template of the key field, reading only variables and the sequence number, so that
    /// the key of any document can be computed without generating it.
    pub key: Template,
    /// The chance of a reference cycle for each key field that makes them (at most 64).
    pub cycles: Vec<Prob>,
}
