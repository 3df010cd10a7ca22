//! Lowering checked settings to the plan's generators: weights, pools, variants, templates,
//! relative dates and the defaults made from a schema type alone.

use super::*;

impl Cx<'_> {
    /// Any value: structure here, scalars in [`Cx::scalar_gen`].
    pub(super) fn value_gen(
        &mut self,
        spec: Option<&Spec<'_, '_>>,
        ty: &FieldType,
        steps: &mut Vec<Step>,
        site: &Site<'_>,
        stack: &mut Vec<TypeId>,
    ) -> Gen {
        let class = Class::of(ty);
        match ty {
            FieldType::Object(tid) => {
                if let Some(spec) = spec {
                    self.check_keys(spec, class, site);
                }
                if stack.contains(tid) {
                    // A type that contains itself: stop here rather than recurse forever.
                    return Gen::Const(V::Absent);
                }
                Gen::Object(self.object(*tid, steps, site.path, stack))
            }
            FieldType::List { items, max_items } => {
                let (lo, hi) = self.list_len;
                let mut len = Len::Range(lo, hi);
                let mut unique = Unique::No;
                if let Some(spec) = spec {
                    self.check_keys(spec, class, site);
                    if let Some(v) = spec.get("len")
                        && let Some(l) = self.len(v)
                    {
                        let longest = match &l {
                            Len::Range(_, hi) => *hi,
                            Len::Weighted { lens, .. } => lens.iter().copied().max().unwrap_or(0),
                        };
                        if let Some(m) = max_items
                            && longest as usize > *m
                        {
                            self.err(
                                ProfileError::OutOfBounds {
                                    what: format!("length {longest}"),
                                    why: format!("`{}` holds at most {m} items", site.path),
                                },
                                span_of(v),
                            );
                        }
                        len = l;
                    }
                    if let Some(v) = spec.get("unique") {
                        unique = self.unique(v, items, site.path);
                    }
                }
                if let (Some(m), Len::Range(lo, hi)) = (max_items, &mut len) {
                    let m = clamp_u32(*m as i64);
                    *lo = (*lo).min(m);
                    *hi = (*hi).min(m);
                }
                if stack_blocks(items, stack) {
                    return Gen::List {
                        len: Len::Range(0, 0),
                        item: Box::new(Gen::Const(V::Absent)),
                        unique,
                    };
                }
                let item_path = format!("{}[]", site.path);
                let entry = self.specs.get(&item_path).copied();
                let item_spec = entry.and_then(|(_, v)| self.spec(v));
                let item_site = Site {
                    path: &item_path,
                    field: None,
                    var: false,
                    presence: false,
                };
                steps.push(Step::Item);
                let item = self.value_gen(item_spec.as_ref(), items, steps, &item_site, stack);
                steps.pop();
                Gen::List {
                    len,
                    item: Box::new(item),
                    unique,
                }
            }
            FieldType::KeyRef => {
                let mut k = KeyGen {
                    back: (1, 100),
                    dangling: Prob::NEVER,
                    cycle: None,
                };
                if let Some(spec) = spec {
                    self.check_keys(spec, class, site);
                    if let Some(v) = spec.get("back")
                        && let Some((lo, hi)) = self.int_range(v, "distances back", 1)
                    {
                        k.back = (lo as u64, hi as u64);
                    }
                    if let Some(v) = spec.get("dangling")
                        && let Some(p) = self.prob(v, "dangling")
                    {
                        k.dangling = Prob::from_f64(p);
                    }
                    if let Some(v) = spec.get("cycle")
                        && let Some(p) = self.prob(v, "cycle")
                        && p > 0.0
                    {
                        if self.cycles.len() >= 64 {
                            self.err(
                                ProfileError::OutOfBounds {
                                    what: "`cycle`".into(),
                                    why: "at most 64 fields may make cycles".into(),
                                },
                                span_of(v),
                            );
                        } else {
                            k.cycle = Some(self.cycles.len());
                            self.cycles.push(Prob::from_f64(p));
                        }
                    }
                }
                Gen::Key(k)
            }
            _ => self.scalar_gen(spec, ty, steps, site),
        }
    }

    pub(super) fn unique(&mut self, v: &Val<'_>, items: &FieldType, path: &str) -> Unique {
        match v.get_ref() {
            DeValue::Boolean(true) => Unique::Whole,
            DeValue::Boolean(false) => Unique::No,
            DeValue::String(name) => {
                let FieldType::Object(tid) = items else {
                    self.err(
                        ProfileError::WrongType {
                            expected: "`true`: the items have no fields".into(),
                            found: "a field name".into(),
                        },
                        span_of(v),
                    );
                    return Unique::No;
                };
                let Some(obj) = self.schema.types.get(*tid) else {
                    return Unique::No;
                };
                match obj.field(name) {
                    Some((slot, _)) => Unique::Field(slot),
                    None => {
                        let names: Vec<&str> = obj.fields.iter().map(|f| f.name.as_str()).collect();
                        self.err(
                            ProfileError::UnknownField {
                                name: name.to_string(),
                                within: format!("{path}[]"),
                                suggestion: did_you_mean(name, names.iter().copied())
                                    .map(str::to_string),
                                fields: list(&names),
                            },
                            span_of(v),
                        );
                        Unique::No
                    }
                }
            }
            _ => {
                self.wrong(v, "`true` or the name of an item field");
                Unique::No
            }
        }
    }

    /// Scalars, and the choices among ways of making them (`by`/`cases`).
    pub(super) fn scalar_gen(
        &mut self,
        spec: Option<&Spec<'_, '_>>,
        ty: &FieldType,
        steps: &[Step],
        site: &Site<'_>,
    ) -> Gen {
        let class = Class::of(ty);
        let Some(spec) = spec else {
            return self.default_gen(ty, site);
        };
        self.check_keys(spec, class, site);
        if spec.has("cases") && !spec.has("by") {
            self.err(
                ProfileError::Needs {
                    key: "cases".into(),
                    needs: "by".into(),
                },
                spec.key_span("cases"),
            );
        }
        if let Some(by) = spec.get("by") {
            let default = self.core_gen(
                &spec.without(&["by", "cases", "absent", "null"]),
                ty,
                steps,
                site,
            );
            let Some((src, target)) = self.reference(by, steps, site) else {
                return default;
            };
            let Some(cases_v) = spec.get("cases") else {
                self.err(
                    ProfileError::Needs {
                        key: "by".into(),
                        needs: "cases".into(),
                    },
                    spec.key_span("by"),
                );
                return default;
            };
            let Some(table) = self.table(cases_v, "a table from values to settings") else {
                return default;
            };
            let mut cases = Vec::new();
            for (k, v) in table {
                let key = k.get_ref().as_ref();
                let Some(lit) = self.case_lit(key, span_of(k), &target, by) else {
                    continue;
                };
                let Some(case_spec) = self.spec(v) else {
                    continue;
                };
                let case_site = Site {
                    path: site.path,
                    field: site.field,
                    var: site.var,
                    presence: false,
                };
                let g = self.scalar_gen(Some(&case_spec), ty, steps, &case_site);
                cases.push((lit, g));
            }
            return Gen::By {
                src,
                cases,
                default: Box::new(default),
            };
        }
        self.core_gen(&spec.without(&["absent", "null"]), ty, steps, site)
    }

    /// The literal a case key stands for, checked against the values the reference can have.
    pub(super) fn case_lit(
        &mut self,
        key: &str,
        span: Span,
        target: &Target,
        by: &Val<'_>,
    ) -> Option<u32> {
        let what = by.get_ref().as_str().unwrap_or("?").to_string();
        match target.class {
            Class::Bool => match key {
                "true" => Some(self.bool_lit(true)),
                "false" => Some(self.bool_lit(false)),
                _ => {
                    self.err(
                        ProfileError::UnknownValue {
                            value: key.to_string(),
                            path: what,
                            suggestion: None,
                            values: "`true`, `false`".into(),
                        },
                        span,
                    );
                    None
                }
            },
            c if c.is_text() => {
                let lit = self.str_lit(key);
                let known: Option<Vec<String>> = match (&target.ty, &target.values) {
                    (_, Some(vals)) => Some(
                        vals.iter()
                            .filter_map(|&l| self.lits.get(l as usize).map(|x| x.raw.to_string()))
                            .collect(),
                    ),
                    (Some(ty), None) => self.domain(ty),
                    _ => None,
                };
                if let Some(known) = known
                    && !known.iter().any(|k| k == key)
                {
                    self.unknown_value(key, &what, &known, span);
                    return None;
                }
                Some(lit)
            }
            _ => {
                self.err(
                    ProfileError::BadRef {
                        target: what,
                        why: format!(
                            "`by` chooses among values, and this is {}",
                            target.class.name()
                        ),
                    },
                    span_of(by),
                );
                None
            }
        }
    }

    /// One way of making the value: the `HEADS` settings (at most one) and their companions.
    pub(super) fn core_gen(
        &mut self,
        spec: &Spec<'_, '_>,
        ty: &FieldType,
        steps: &[Step],
        site: &Site<'_>,
    ) -> Gen {
        let class = Class::of(ty);
        let heads: Vec<&str> = HEADS.iter().copied().filter(|h| spec.has(h)).collect();
        if let [a, b, ..] = heads.as_slice() {
            self.err(
                ProfileError::Conflict {
                    a: a.to_string(),
                    b: b.to_string(),
                },
                spec.key_span(b),
            );
        }
        for (companion, head) in [("add", "from"), ("log", "range"), ("step", "range")] {
            if spec.has(companion) && !spec.has(head) {
                self.err(
                    ProfileError::Needs {
                        key: companion.into(),
                        needs: head.into(),
                    },
                    spec.key_span(companion),
                );
            }
        }
        let Some(head) = heads.first().copied() else {
            return self.default_gen(ty, site);
        };
        let Some(v) = spec.get(head) else {
            return self.default_gen(ty, site);
        };
        let made = match head {
            "value" => self.value(v, ty, site).map(Gen::Const),
            "weights" => self.weights(v, ty, site),
            "pool" => self.pool(v, ty, site),
            "template" => match v.get_ref().as_str() {
                Some(s) => {
                    let max_len = match ty {
                        FieldType::String { max_len } => *max_len,
                        _ => None,
                    };
                    let t = self.template(s, span_of(v), max_len, steps, site);
                    if let (Some(t), FieldType::Id { chars, .. }) = (&t, ty) {
                        self.check_id_template(t, chars, span_of(v), site.path);
                    }
                    t.map(Gen::Template)
                }
                None => {
                    self.wrong(v, "a string");
                    None
                }
            },
            "range" => match class {
                Class::Num => self.num_range(spec, v, ty, site),
                Class::Date => self
                    .pair(v, "dates", |cx, x| cx.date(x))
                    .and_then(|(lo, hi)| {
                        let days = hi.duration_since(lo).as_hours() / 24;
                        if days < 0 {
                            cx_empty(self, lo, hi, v);
                            None
                        } else {
                            Some(Gen::Date { lo, days })
                        }
                    }),
                _ => None,
            },
            "from" => self.from(spec, v, ty, steps, site),
            "variants" => self.variants(v, ty, steps, site),
            _ => None,
        };
        made.unwrap_or_else(|| self.default_gen(ty, site))
    }

    pub(super) fn value(&mut self, v: &Val<'_>, ty: &FieldType, site: &Site<'_>) -> Option<V> {
        match ty {
            FieldType::Bool => match v.get_ref() {
                DeValue::Boolean(b) => Some(V::Lit(self.bool_lit(*b))),
                _ => {
                    self.wrong(v, "a bool");
                    None
                }
            },
            FieldType::Number { .. } => {
                let Some((x, d)) = number(v.get_ref()) else {
                    self.wrong(v, "a number");
                    return None;
                };
                self.check_bounds(x, d, ty, span_of(v), site.path)?;
                Some(if d == 0 {
                    V::Int(x as i64)
                } else {
                    V::Dec(to_units(x, d), d)
                })
            }
            FieldType::Date => self.date(v).map(V::Date),
            _ => {
                let Some(s) = v.get_ref().as_str() else {
                    self.wrong(v, "a string");
                    return None;
                };
                self.check_text(s, ty, span_of(v), site.path)
                    .then(|| V::Lit(self.str_lit(s)))
            }
        }
    }

    pub(super) fn weights(&mut self, v: &Val<'_>, ty: &FieldType, site: &Site<'_>) -> Option<Gen> {
        let t = self.table(v, "a table from values to weights")?;
        let mut lits = Vec::new();
        let mut cum = Vec::new();
        let mut total: u64 = 0;
        for (k, w) in t {
            let key = k.get_ref().as_ref();
            let lit = match ty {
                FieldType::Bool => match key {
                    "true" => Some(self.bool_lit(true)),
                    "false" => Some(self.bool_lit(false)),
                    _ => {
                        self.unknown_value(
                            key,
                            site.path,
                            &["true".into(), "false".into()],
                            span_of(k),
                        );
                        None
                    }
                },
                _ => self
                    .check_text(key, ty, span_of(k), site.path)
                    .then(|| self.str_lit(key)),
            };
            let weight = self.weight(w);
            if let (Some(lit), Some(weight)) = (lit, weight) {
                total = total.saturating_add(weight);
                lits.push(lit);
                cum.push(total);
            }
        }
        if total == 0 {
            if !lits.is_empty() {
                self.err(ProfileError::ZeroWeights, span_of(v));
            }
            return None;
        }
        Some(Gen::Choice { lits, cum })
    }

    pub(super) fn pool(&mut self, v: &Val<'_>, ty: &FieldType, site: &Site<'_>) -> Option<Gen> {
        let items: Vec<u32> = match v.get_ref() {
            DeValue::String(name) => {
                match self.pool_names.iter().position(|n| n == name.as_ref()) {
                    Some(i) => self.pools.get(i).cloned().unwrap_or_default(),
                    None => {
                        let suggestion =
                            did_you_mean(name, self.pool_names.iter().map(String::as_str))
                                .map(str::to_string);
                        self.err(
                            ProfileError::UnknownPool {
                                name: name.to_string(),
                                suggestion,
                            },
                            span_of(v),
                        );
                        return None;
                    }
                }
            }
            _ => {
                let strings = self.strings(v)?;
                strings.iter().map(|s| self.str_lit(s)).collect()
            }
        };
        let mut ok = true;
        for &l in &items {
            let raw = self
                .lits
                .get(l as usize)
                .map(|x| x.raw.to_string())
                .unwrap_or_default();
            ok &= self.check_text(&raw, ty, span_of(v), site.path);
        }
        if !ok || items.is_empty() {
            return None;
        }
        let cum = (1..=items.len() as u64).collect();
        Some(Gen::Choice { lits: items, cum })
    }

    pub(super) fn variants(
        &mut self,
        v: &Val<'_>,
        ty: &FieldType,
        steps: &[Step],
        site: &Site<'_>,
    ) -> Option<Gen> {
        let DeValue::Array(arr) = v.get_ref() else {
            self.wrong(v, "an array of tables, each with a `weight`");
            return None;
        };
        let mut gens = Vec::new();
        let mut cum = Vec::new();
        let mut total: u64 = 0;
        for item in arr.iter() {
            let Some(spec) = self.spec(item) else {
                continue;
            };
            let weight = match spec.get("weight") {
                Some(w) => self.weight(w).unwrap_or(0),
                None => {
                    self.err(
                        ProfileError::Needs {
                            key: "a variant".into(),
                            needs: "weight".into(),
                        },
                        spec.span,
                    );
                    0
                }
            };
            let inner = spec.without(&["weight"]);
            let inner_site = Site {
                path: site.path,
                field: site.field,
                var: site.var,
                presence: false,
            };
            gens.push(self.scalar_gen(Some(&inner), ty, steps, &inner_site));
            total = total.saturating_add(weight);
            cum.push(total);
        }
        if total == 0 {
            self.err(ProfileError::ZeroWeights, span_of(v));
            return None;
        }
        Some(Gen::Variants { cum, gens })
    }

    pub(super) fn from(
        &mut self,
        spec: &Spec<'_, '_>,
        v: &Val<'_>,
        ty: &FieldType,
        steps: &[Step],
        site: &Site<'_>,
    ) -> Option<Gen> {
        let (src, target) = self.reference(v, steps, site)?;
        let class = Class::of(ty);
        // Reading a field that is absent or null: null where the field may be null, else the
        // schema default: a date that follows another, unstated, date is itself unstated.
        let fallback = Box::new(match site.field {
            Some(f) if f.nullable => Gen::Const(V::Null),
            _ => self.default_gen(ty, site),
        });
        let what = v.get_ref().as_str().unwrap_or("?").to_string();
        let mismatch = |cx: &mut Self, why: String| {
            cx.err(
                ProfileError::BadRef {
                    target: what.clone(),
                    why,
                },
                span_of(v),
            );
        };
        let add = spec.get("add");
        match class {
            Class::Date => {
                if target.class != Class::Date {
                    mismatch(
                        self,
                        format!(
                            "`{}` is a date, and this is {}",
                            site.path,
                            target.class.name()
                        ),
                    );
                    return None;
                }
                let add = match add {
                    Some(a) => self.int_range_any(a, "days")?,
                    None => (0, 0),
                };
                Some(Gen::DateFrom { src, add, fallback })
            }
            Class::Num => {
                if target.class != Class::Num {
                    mismatch(
                        self,
                        format!(
                            "`{}` is a number, and this is {}",
                            site.path,
                            target.class.name()
                        ),
                    );
                    return None;
                }
                let FieldType::Number { min, max, integer } = ty else {
                    return None;
                };
                let (add, scale) = match add {
                    Some(a) => {
                        let ((lo, dl), (hi, dh)) = self.pair(a, "numbers", |cx, x| {
                            let n = number(x.get_ref());
                            if n.is_none() {
                                cx.wrong(x, "a number");
                            }
                            n
                        })?;
                        let scale = dl.max(dh);
                        if *integer && scale > 0 {
                            self.err(
                                ProfileError::OutOfBounds {
                                    what: format!("`[{lo}, {hi}]`"),
                                    why: format!("`{}` is a whole number", site.path),
                                },
                                span_of(a),
                            );
                            return None;
                        }
                        if lo > hi {
                            self.err(
                                ProfileError::EmptyRange {
                                    lo: lo.to_string(),
                                    hi: hi.to_string(),
                                },
                                span_of(a),
                            );
                            return None;
                        }
                        ((to_units(lo, scale), to_units(hi, scale)), scale)
                    }
                    None => ((0, 0), 0),
                };
                let bounds = (
                    min.map(|m| to_units(m, scale)),
                    max.map(|m| to_units(m, scale)),
                );
                Some(Gen::NumFrom {
                    src,
                    add,
                    scale,
                    bounds,
                    fallback,
                })
            }
            _ => {
                if let Some(a) = add {
                    self.err(
                        ProfileError::NotApplicable {
                            key: "add".into(),
                            path: site.path.to_string(),
                            what: format!("it is {}", class.name()),
                            allowed: "`from` alone, which copies".into(),
                        },
                        span_of(a),
                    );
                }
                let same_type = target.ty.as_ref() == Some(ty);
                let ok = match (class, target.class) {
                    _ if same_type => true,
                    (Class::Str, c) => c.is_text(),
                    (Class::Bool, Class::Bool) => true,
                    (c, t) if c.is_text() && t.is_text() => match &target.values {
                        Some(vals) => {
                            let mut ok = true;
                            for &l in vals {
                                let raw = self
                                    .lits
                                    .get(l as usize)
                                    .map(|x| x.raw.to_string())
                                    .unwrap_or_default();
                                ok &= self.check_text(&raw, ty, span_of(v), site.path);
                            }
                            ok
                        }
                        None => {
                            mismatch(
                                self,
                                format!("its values are not known to be values of `{}`", site.path),
                            );
                            false
                        }
                    },
                    _ => {
                        mismatch(
                            self,
                            format!(
                                "`{}` is {}, and this is {}",
                                site.path,
                                class.name(),
                                target.class.name()
                            ),
                        );
                        false
                    }
                };
                ok.then_some(Gen::Copy { src, fallback })
            }
        }
    }

    pub(super) fn template(
        &mut self,
        text: &str,
        span: Span,
        max_len: Option<usize>,
        steps: &[Step],
        site: &Site<'_>,
    ) -> Option<Template> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut chars = text.chars().peekable();
        let bad = |why: String| ProfileError::Template { why };
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    lit.push('}');
                }
                '}' => {
                    self.err(bad("`}` without `{`".into()), span);
                    return None;
                }
                '{' => {
                    let mut inner = String::new();
                    let mut closed = false;
                    for c in chars.by_ref() {
                        if c == '}' {
                            closed = true;
                            break;
                        }
                        inner.push(c);
                    }
                    if !closed {
                        self.err(bad(format!("`{{{inner}` is not closed")), span);
                        return None;
                    }
                    if !lit.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut lit).into()));
                    }
                    parts.push(self.placeholder(&inner, span, steps, site)?);
                }
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            parts.push(Part::Text(lit.into()));
        }
        Some(Template { parts, max_len })
    }

    pub(super) fn placeholder(
        &mut self,
        inner: &str,
        span: Span,
        steps: &[Step],
        site: &Site<'_>,
    ) -> Option<Part> {
        let (name, fmt) = match inner.split_once(':') {
            Some((n, f)) => (n.trim(), Some(f.trim())),
            None => (inner.trim(), None),
        };
        if name == "seq" {
            let width = match fmt {
                None => 0,
                Some(f) => match f.parse::<usize>() {
                    Ok(w) if w <= 20 => w,
                    _ => {
                        self.err(
                            ProfileError::Template {
                                why: format!("`{{seq:{f}}}` needs a width such as `{{seq:04}}`"),
                            },
                            span,
                        );
                        return None;
                    }
                },
            };
            return Some(Part::Seq { width });
        }
        if let Some(pool) = name.strip_prefix('@') {
            return match self.pool_names.iter().position(|n| n == pool) {
                Some(i) if fmt.is_none() => Some(Part::Pool(i)),
                Some(_) => {
                    self.err(
                        ProfileError::Template {
                            why: format!("`{{{inner}}}`: a pool takes no format"),
                        },
                        span,
                    );
                    None
                }
                None => {
                    let suggestion = did_you_mean(pool, self.pool_names.iter().map(String::as_str))
                        .map(str::to_string);
                    self.err(
                        ProfileError::UnknownPool {
                            name: pool.to_string(),
                            suggestion,
                        },
                        span,
                    );
                    None
                }
            };
        }
        let year = match fmt {
            None => false,
            Some("year") => true,
            Some(f) => {
                self.err(
                    ProfileError::Template {
                        why: format!(
                            "unknown format `{f}` in `{{{inner}}}`; the one format is `year`"
                        ),
                    },
                    span,
                );
                return None;
            }
        };
        let (src, target) = self.reference_text(name, span, steps, site)?;
        if year && target.class != Class::Date {
            self.err(
                ProfileError::Template {
                    why: format!(
                        "`{{{inner}}}`: `year` needs a date, and `{name}` is {}",
                        target.class.name()
                    ),
                },
                span,
            );
            return None;
        }
        Some(Part::Ref { src, year })
    }

    /// What a field the profile does not mention gets: a value made from its schema type alone.
    pub(super) fn default_gen(&mut self, ty: &FieldType, site: &Site<'_>) -> Gen {
        match ty {
            FieldType::String { max_len } => {
                let name = site
                    .path
                    .rsplit('.')
                    .next()
                    .unwrap_or("text")
                    .trim_end_matches("[]")
                    .trim_start_matches('$');
                Gen::Template(Template {
                    parts: vec![
                        Part::Text(format!("{name} ").into()),
                        Part::Seq { width: 0 },
                    ],
                    max_len: *max_len,
                })
            }
            FieldType::Id { chars, .. } => {
                if !id_char('0', chars) {
                    self.err(
                        ProfileError::NotApplicable {
                            key: "(default)".into(),
                            path: site.path.to_string(),
                            what: format!("ids of `{chars}` have no digits for a default"),
                            allowed: "`pool`, `template`, `value`".into(),
                        },
                        Span::default(),
                    );
                }
                Gen::Template(Template {
                    parts: vec![Part::Seq { width: 0 }],
                    max_len: None,
                })
            }
            FieldType::Bool => {
                let t = self.bool_lit(true);
                let f = self.bool_lit(false);
                Gen::Choice {
                    lits: vec![t, f],
                    cum: vec![1, 2],
                }
            }
            FieldType::Number { min, max, integer } => {
                let lo = min.unwrap_or(0.0);
                let hi = max.unwrap_or(lo + 100.0).max(lo);
                let scale = if *integer { 0 } else { 1 };
                Gen::Num {
                    lo: to_units(lo.ceil(), scale),
                    hi: to_units(hi.floor(), scale),
                    step: 1,
                    scale,
                    log: false,
                }
            }
            FieldType::Date => Gen::Date {
                lo: self.dates.0,
                days: self.dates.1,
            },
            FieldType::Enum(_) | FieldType::Ref { .. } => {
                let vals = self.domain(ty).unwrap_or_default();
                let lits: Vec<u32> = vals.iter().map(|v| self.str_lit(v)).collect();
                let cum = (1..=lits.len() as u64).collect();
                Gen::Choice { lits, cum }
            }
            FieldType::KeyRef => Gen::Key(KeyGen {
                back: (1, 100),
                dangling: Prob::NEVER,
                cycle: None,
            }),
            FieldType::List { .. } | FieldType::Object(_) => Gen::Const(V::Absent),
        }
    }
}
