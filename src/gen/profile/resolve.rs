//! Resolving names against the input schema and the catalog: field paths, variables, references
//! between documents, and the walk over the schema's objects that builds each field's plan.

use super::*;

impl Cx<'_> {
    /// The steps and type of a field path (`items[].kind`), or an error at `span`.
    pub(super) fn resolve_path(
        &mut self,
        path: &str,
        span: Span,
    ) -> Option<(Vec<Step>, FieldType)> {
        let schema = self.schema;
        let mut steps = Vec::new();
        let mut ty = FieldType::Object(schema.root);
        let mut within = String::new();
        for seg in path.split('.') {
            let name = seg.trim_end_matches("[]");
            let items = (seg.len() - name.len()) / 2;
            if name.is_empty() || name.len() + items * 2 != seg.len() {
                self.err(
                    ProfileError::BadPath {
                        path: path.to_string(),
                        why: format!("`{seg}` is not a field name"),
                        help: Some(
                            "write paths as `field.sub`, with `[]` after a list: `items[].kind`"
                                .into(),
                        ),
                    },
                    span,
                );
                return None;
            }
            let tid = match &ty {
                FieldType::Object(t) => *t,
                FieldType::List { .. } => {
                    self.err(
                        ProfileError::BadPath {
                            path: path.to_string(),
                            why: format!("`{within}` is a list"),
                            help: Some(format!("name its items as `{within}[]`")),
                        },
                        span,
                    );
                    return None;
                }
                _ => {
                    self.err(
                        ProfileError::BadPath {
                            path: path.to_string(),
                            why: format!("`{within}` has no fields"),
                            help: None,
                        },
                        span,
                    );
                    return None;
                }
            };
            let obj = schema.types.get(tid)?;
            let Some((slot, f)) = obj.field(name) else {
                let names: Vec<&str> = obj.fields.iter().map(|f| f.name.as_str()).collect();
                self.err(
                    ProfileError::UnknownField {
                        name: name.to_string(),
                        within: if within.is_empty() {
                            obj.name.clone()
                        } else {
                            within.clone()
                        },
                        suggestion: did_you_mean(name, names.iter().copied()).map(str::to_string),
                        fields: list(&names),
                    },
                    span,
                );
                return None;
            };
            steps.push(Step::Field(slot));
            ty = f.ty.clone();
            if !within.is_empty() {
                within.push('.');
            }
            within.push_str(name);
            for _ in 0..items {
                match ty {
                    FieldType::List { items, .. } => {
                        steps.push(Step::Item);
                        ty = *items;
                        within.push_str("[]");
                    }
                    _ => {
                        self.err(
                            ProfileError::BadPath {
                                path: path.to_string(),
                                why: format!("`{within}` is not a list, so `[]` cannot follow it"),
                                help: None,
                            },
                            span,
                        );
                        return None;
                    }
                }
            }
        }
        Some((steps, ty))
    }

    /// A variable's class, from the setting that makes it.
    pub(super) fn var_class(&mut self, spec: &Spec<'_, '_>) -> Class {
        if let Some(r) = spec.get("range").and_then(|v| v.get_ref().as_array()) {
            if r.iter().any(|x| x.get_ref().is_datetime()) {
                return Class::Date;
            }
            return Class::Num;
        }
        if let Some(v) = spec.get("value") {
            return match v.get_ref() {
                DeValue::Integer(_) | DeValue::Float(_) => Class::Num,
                DeValue::Datetime(_) => Class::Date,
                DeValue::Boolean(_) => Class::Bool,
                _ => Class::Str,
            };
        }
        if let Some(f) = spec.get("from").and_then(|v| v.get_ref().as_str())
            && let Some(name) = f.strip_prefix('$')
            && let Some(info) = self.var_info.iter().find(|i| i.name == name)
        {
            return info.class;
        }
        if let Some(DeValue::Array(a)) = spec.get("variants").map(|v| v.get_ref())
            && let Some(DeValue::Table(t)) = a.first().map(|v| v.get_ref())
        {
            let inner = Spec {
                span: spec.span,
                entries: t
                    .iter()
                    .map(|(k, v)| (k.get_ref().as_ref(), span_of(k), v))
                    .collect(),
            };
            return self.var_class(&inner);
        }
        Class::Str
    }

    /// The literals a generator can produce, when it produces only literals.
    pub(super) fn values_of(&self, g: &Gen) -> Option<Vec<u32>> {
        match g {
            Gen::Const(V::Lit(l)) => Some(vec![*l]),
            Gen::Choice { lits, .. } => Some(lits.clone()),
            Gen::Variants { gens, .. } => {
                let mut all = Vec::new();
                for g in gens {
                    all.extend(self.values_of(g)?);
                }
                Some(all)
            }
            Gen::By { cases, default, .. } => {
                let mut all = self.values_of(default)?;
                for (_, g) in cases {
                    all.extend(self.values_of(g)?);
                }
                Some(all)
            }
            Gen::Copy {
                src: Ref::Var(i), ..
            } => self.var_info.get(*i)?.values.clone(),
            _ => None,
        }
    }

    // ---- the schema walk ----
    pub(super) fn object(
        &mut self,
        tid: TypeId,
        steps: &mut Vec<Step>,
        path: &str,
        stack: &mut Vec<TypeId>,
    ) -> ObjPlan {
        let schema = self.schema;
        let Some(obj) = schema.types.get(tid) else {
            return ObjPlan {
                fields: Vec::new(),
                order: Vec::new(),
            };
        };
        stack.push(tid);
        self.scopes.push(steps.len());
        let is_root = steps.is_empty();
        let mut fields = Vec::with_capacity(obj.fields.len());
        for (slot, f) in obj.fields.iter().enumerate() {
            let fpath = if path.is_empty() {
                f.name.clone()
            } else {
                format!("{path}.{}", f.name)
            };
            steps.push(Step::Field(slot));
            let entry = self.specs.get(&fpath).copied();
            let spec = entry.and_then(|(_, v)| self.spec(v));
            let site = Site {
                path: &fpath,
                field: Some(f),
                var: false,
                presence: true,
            };
            let (absent, null) = self.presence(spec.as_ref(), &site);
            let make = if is_root && f.name == schema.schema_field {
                self.schema_field(spec.as_ref(), &fpath)
            } else if is_root && f.name == schema.key_field {
                self.key_field(spec.as_ref(), f, &fpath)
            } else {
                self.value_gen(spec.as_ref(), &f.ty, steps, &site, stack)
            };
            steps.pop();
            fields.push(FieldPlan {
                name: f.name.as_str().into(),
                json_name: format!("{}:", serde_json::Value::String(f.name.clone())).into(),
                absent,
                null,
                make,
            });
        }
        self.scopes.pop();
        stack.pop();
        let order = self.order(steps, fields.len(), path);
        ObjPlan { fields, order }
    }

    /// Generation order inside the object at `steps`: schema order, except that a field comes
    /// after the fields its settings read.
    pub(super) fn order(&mut self, steps: &[Step], n: usize, path: &str) -> Vec<usize> {
        let edges: Vec<(usize, usize, Span)> = self
            .edges
            .iter()
            .filter(|e| e.scope == steps)
            .map(|e| (e.before, e.after, e.span))
            .collect();
        let mut done = vec![false; n];
        let mut order = Vec::with_capacity(n);
        while order.len() < n {
            let ready = (0..n).find(|&i| {
                !done.get(i).copied().unwrap_or(true)
                    && edges
                        .iter()
                        .filter(|(_, a, _)| *a == i)
                        .all(|(b, _, _)| done.get(*b).copied().unwrap_or(true))
            });
            match ready {
                Some(i) => {
                    if let Some(d) = done.get_mut(i) {
                        *d = true;
                    }
                    order.push(i);
                }
                None => {
                    let names = self.field_names(steps);
                    let stuck: Vec<String> = (0..n)
                        .filter(|&i| !done.get(i).copied().unwrap_or(true))
                        .filter(|i| edges.iter().any(|(b, a, _)| a == i || b == i))
                        .map(|i| {
                            let name = names.get(i).cloned().unwrap_or_default();
                            if path.is_empty() {
                                name
                            } else {
                                format!("{path}.{name}")
                            }
                        })
                        .collect();
                    let span = edges
                        .iter()
                        .find(|(_, a, _)| !done.get(*a).copied().unwrap_or(true))
                        .map_or(Span::default(), |e| e.2);
                    self.err(
                        ProfileError::Cycle {
                            cycle: stuck.join(" ↔ "),
                        },
                        span,
                    );
                    // Fall back to schema order so the rest can still be checked.
                    for i in 0..n {
                        if !done.get(i).copied().unwrap_or(true) {
                            order.push(i);
                        }
                    }
                    break;
                }
            }
        }
        order
    }

    /// The field names of the object type at `steps`.
    pub(super) fn field_names(&self, steps: &[Step]) -> Vec<String> {
        let mut ty = FieldType::Object(self.schema.root);
        for s in steps {
            ty = match (s, ty) {
                (Step::Field(i), FieldType::Object(t)) => {
                    match self.schema.types.get(t).and_then(|o| o.fields.get(*i)) {
                        Some(f) => f.ty.clone(),
                        None => return Vec::new(),
                    }
                }
                (Step::Item, FieldType::List { items, .. }) => *items,
                _ => return Vec::new(),
            };
        }
        match ty {
            FieldType::Object(t) => self
                .schema
                .types
                .get(t)
                .map(|o| o.fields.iter().map(|f| f.name.clone()).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The chances of absence and of `null`.
    pub(super) fn presence(
        &mut self,
        spec: Option<&Spec<'_, '_>>,
        site: &Site<'_>,
    ) -> (Prob, Prob) {
        let Some(spec) = spec else {
            return (Prob::NEVER, Prob::NEVER);
        };
        if !site.presence {
            return (Prob::NEVER, Prob::NEVER);
        }
        let mut absent = Prob::NEVER;
        let mut null = Prob::NEVER;
        if let (Some(v), Some(f)) = (spec.get("absent"), site.field) {
            if f.required {
                self.err(
                    ProfileError::RequiredAbsent {
                        path: site.path.to_string(),
                    },
                    spec.key_span("absent"),
                );
            } else if let Some(p) = self.prob(v, "absent") {
                absent = Prob::from_f64(p);
            }
        }
        if let (Some(v), Some(f)) = (spec.get("null"), site.field) {
            if !f.nullable {
                self.err(
                    ProfileError::NotNullable {
                        path: site.path.to_string(),
                    },
                    spec.key_span("null"),
                );
            } else if let Some(p) = self.prob(v, "null") {
                null = Prob::from_f64(p);
            }
        }
        (absent, null)
    }

    pub(super) fn schema_field(&mut self, spec: Option<&Spec<'_, '_>>, path: &str) -> Gen {
        let id = self.schema.id.clone();
        if let Some(spec) = spec {
            for (k, span, v) in &spec.entries {
                match *k {
                    "value" => {
                        if v.get_ref().as_str() != Some(id.as_str()) {
                            self.err(
                                ProfileError::UnknownValue {
                                    value: v.get_ref().as_str().unwrap_or("?").to_string(),
                                    path: path.to_string(),
                                    suggestion: Some(id.clone()),
                                    values: format!("`{id}`"),
                                },
                                span_of(v),
                            );
                        }
                    }
                    other => self.err(
                        ProfileError::NotApplicable {
                            key: other.to_string(),
                            path: path.to_string(),
                            what: "it names the input format and is always its id".into(),
                            allowed: "`value`".into(),
                        },
                        *span,
                    ),
                }
            }
        }
        Gen::Const(V::Lit(self.str_lit(&id)))
    }

    pub(super) fn key_field(
        &mut self,
        spec: Option<&Spec<'_, '_>>,
        f: &FieldDef,
        path: &str,
    ) -> Gen {
        let mut text = "{seq}".to_string();
        let mut span = Span::default();
        if let Some(spec) = spec {
            for (k, kspan, v) in &spec.entries {
                match *k {
                    "template" => match v.get_ref().as_str() {
                        Some(s) => {
                            text = s.to_string();
                            span = span_of(v);
                        }
                        None => self.wrong(v, "a string"),
                    },
                    other => self.err(
                        ProfileError::NotApplicable {
                            key: other.to_string(),
                            path: path.to_string(),
                            what: "the key of every document is made from a template".into(),
                            allowed: "`template`".into(),
                        },
                        *kspan,
                    ),
                }
            }
        }
        let max_len = match &f.ty {
            FieldType::String { max_len } => *max_len,
            _ => None,
        };
        let site = Site {
            path,
            field: Some(f),
            var: false,
            presence: true,
        };
        let Some(t) = self.template(&text, span, max_len, &[], &site) else {
            return Gen::Const(V::Absent);
        };
        let bad = |why: &str| ProfileError::KeyTemplate {
            field: path.to_string(),
            why: why.to_string(),
        };
        let mut ok = true;
        for p in &t.parts {
            match p {
                Part::Ref {
                    src: Ref::Field { .. },
                    ..
                } => {
                    self.err(bad("it reads a field; use a `$variable` instead"), span);
                    ok = false;
                }
                Part::Pool(_) => {
                    self.err(
                        bad("it draws from a pool; put the pool in a `$variable`"),
                        span,
                    );
                    ok = false;
                }
                _ => {}
            }
        }
        let ends_in_seq = match t.parts.as_slice() {
            [Part::Seq { .. }] => true,
            [.., Part::Text(sep), Part::Seq { .. }] => {
                sep.chars().last().is_some_and(|c| !c.is_ascii_digit())
            }
            _ => false,
        };
        if ok && !ends_in_seq {
            self.err(bad("it does not end in `{seq}` after a non-digit"), span);
            ok = false;
        }
        if ok && max_len.is_some() {
            self.err(
                bad("the key field has a `max_len`, which could cut the sequence number off"),
                span,
            );
        }
        if let FieldType::Id { chars, .. } = &f.ty {
            self.check_id_template(&t, chars, span, path);
        }
        self.key = Some(t.clone());
        Gen::Template(t)
    }

    /// The values an enum or catalog reference can take.
    pub(super) fn domain(&self, ty: &FieldType) -> Option<Vec<String>> {
        match ty {
            FieldType::Enum(vals) => Some(vals.clone()),
            FieldType::Ref { table } => Some(
                self.catalog
                    .table(table)
                    .map(|t| t.keys().map(str::to_string).collect())
                    .unwrap_or_default(),
            ),
            FieldType::Bool => Some(vec!["true".into(), "false".into()]),
            _ => None,
        }
    }

    /// Resolves `$var` or a field path for a setting at `steps`, recording the order it implies.
    pub(super) fn reference(
        &mut self,
        v: &Val<'_>,
        steps: &[Step],
        site: &Site<'_>,
    ) -> Option<(Ref, Target)> {
        let Some(text) = v.get_ref().as_str() else {
            self.wrong(v, "`$variable` or a field path");
            return None;
        };
        self.reference_text(text, span_of(v), steps, site)
    }

    pub(super) fn reference_text(
        &mut self,
        text: &str,
        span: Span,
        steps: &[Step],
        site: &Site<'_>,
    ) -> Option<(Ref, Target)> {
        if let Some(name) = text.strip_prefix('$') {
            return match self.var_info.iter().position(|i| i.name == name) {
                Some(i) => {
                    let info = self.var_info.get(i)?;
                    Some((
                        Ref::Var(i),
                        Target {
                            class: info.class,
                            ty: None,
                            values: info.values.clone(),
                        },
                    ))
                }
                None => {
                    let suggestion =
                        did_you_mean(name, self.var_info.iter().map(|i| i.name.as_str()))
                            .map(str::to_string);
                    self.err(
                        ProfileError::UnknownVar {
                            name: name.to_string(),
                            suggestion,
                        },
                        span,
                    );
                    None
                }
            };
        }
        if site.var {
            self.err(
                ProfileError::BadRef {
                    target: text.to_string(),
                    why: "a variable may read only other variables".into(),
                },
                span,
            );
            return None;
        }
        let (target, ty) = self.resolve_path(text, span)?;
        let class = Class::of(&ty);
        if matches!(class, Class::List | Class::Object) {
            self.err(
                ProfileError::BadRef {
                    target: text.to_string(),
                    why: format!("it is {}; name one of its fields", class.name()),
                },
                span,
            );
            return None;
        }
        // The deepest enclosing object from which the target is reached through fields only.
        let found = self.scopes.iter().enumerate().rev().find(|&(_, &len)| {
            len < target.len()
                && target.get(..len) == steps.get(..len)
                && target
                    .get(len..)
                    .is_some_and(|rest| rest.iter().all(|s| matches!(s, Step::Field(_))))
        });
        let Some((idx, &len)) = found else {
            self.err(
                ProfileError::OutOfScope {
                    target: text.to_string(),
                    path: site.path.to_string(),
                },
                span,
            );
            return None;
        };
        let (Some(Step::Field(before)), Some(Step::Field(after))) =
            (target.get(len), steps.get(len))
        else {
            self.err(
                ProfileError::OutOfScope {
                    target: text.to_string(),
                    path: site.path.to_string(),
                },
                span,
            );
            return None;
        };
        if before == after {
            self.err(
                ProfileError::BadRef {
                    target: text.to_string(),
                    why: format!("`{}` cannot read itself or a field inside it", site.path),
                },
                span,
            );
            return None;
        }
        self.edges.push(Edge {
            scope: steps.get(..len).map(<[Step]>::to_vec).unwrap_or_default(),
            before: *before,
            after: *after,
            span,
        });
        let path = target
            .get(len..)
            .unwrap_or_default()
            .iter()
            .filter_map(|s| match s {
                Step::Field(i) => Some(*i),
                Step::Item => None,
            })
            .collect();
        let up = self.scopes.len() - 1 - idx;
        Some((
            Ref::Field { up, path },
            Target {
                class,
                ty: Some(ty),
                values: None,
            },
        ))
    }
}
