//! Reading the profile's TOML values: tables, numbers, probabilities, ranges, dates and the
//! top-level sections (`[generator]`, `[pools]`, `[fields]`, `[vars]`), each checked for its shape.

use super::*;

impl<'a> Cx<'a> {
    pub(super) fn table<'v, 'i>(&mut self, v: &'v Val<'i>, what: &str) -> Option<&'v DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.wrong(v, what);
                None
            }
        }
    }

    pub(super) fn spec<'v, 'i>(&mut self, v: &'v Val<'i>) -> Option<Spec<'v, 'i>> {
        let t = self.table(
            v,
            "a table of settings, like `{ weights = { a = 3, b = 1 } }`",
        )?;
        Some(Spec {
            span: span_of(v),
            entries: t
                .iter()
                .map(|(k, v)| (k.get_ref().as_ref(), span_of(k), v))
                .collect(),
        })
    }

    pub(super) fn prob(&mut self, v: &Val<'_>, what: &str) -> Option<f64> {
        match number(v.get_ref()) {
            Some((p, _)) if (0.0..=1.0).contains(&p) => Some(p),
            Some((p, _)) => {
                self.err(
                    ProfileError::OutOfBounds {
                        what: format!("`{what}`"),
                        why: format!("{p} is not a probability between 0 and 1"),
                    },
                    span_of(v),
                );
                None
            }
            None => {
                self.wrong(v, "a probability between 0 and 1");
                None
            }
        }
    }

    /// `[a, b]` of two values read by `read`.
    pub(super) fn pair<T>(
        &mut self,
        v: &Val<'_>,
        what: &str,
        mut read: impl FnMut(&mut Self, &Val<'_>) -> Option<T>,
    ) -> Option<(T, T)> {
        let arr = match v.get_ref() {
            DeValue::Array(a) if a.len() == 2 => a,
            _ => {
                self.wrong(v, &format!("`[low, high]` of {what}"));
                return None;
            }
        };
        let a = read(self, arr.first()?);
        let b = read(self, arr.get(1)?);
        Some((a?, b?))
    }

    pub(super) fn int(&mut self, v: &Val<'_>, what: &str) -> Option<i64> {
        match v.get_ref() {
            DeValue::Integer(_) => number(v.get_ref()).map(|(x, _)| x as i64),
            _ => {
                self.wrong(v, what);
                None
            }
        }
    }

    pub(super) fn date(&mut self, v: &Val<'_>) -> Option<Date> {
        let text = match v.get_ref() {
            DeValue::Datetime(d) if d.time.is_none() && d.offset.is_none() => d.to_string(),
            DeValue::String(s) => s.to_string(),
            _ => {
                self.wrong(v, "a date `YYYY-MM-DD`");
                return None;
            }
        };
        match (text.len() == 10)
            .then(|| text.parse::<Date>().ok())
            .flatten()
        {
            Some(d) => Some(d),
            None => {
                self.err(ProfileError::BadDate { text }, span_of(v));
                None
            }
        }
    }

    pub(super) fn int_range(&mut self, v: &Val<'_>, what: &str, min: i64) -> Option<(i64, i64)> {
        let (lo, hi) = self.pair(v, what, |cx, x| cx.int(x, "an integer"))?;
        if lo < min {
            self.err(
                ProfileError::OutOfBounds {
                    what: format!("{lo}"),
                    why: format!("{what} start at {min}"),
                },
                span_of(v),
            );
            return None;
        }
        if lo > hi {
            self.err(
                ProfileError::EmptyRange {
                    lo: lo.to_string(),
                    hi: hi.to_string(),
                },
                span_of(v),
            );
            return None;
        }
        Some((lo, hi))
    }

    // ---- sections ----
    pub(super) fn read_generator(&mut self, v: &Val<'_>) {
        let Some(t) = self.table(v, "a table") else {
            return;
        };
        for (k, v) in t {
            match k.get_ref().as_ref() {
                "schema" => match v.get_ref().as_str() {
                    Some(s) if s == self.schema.id => {}
                    Some(s) => self.err(
                        ProfileError::SchemaMismatch {
                            found: s.to_string(),
                            expected: self.schema.id.clone(),
                        },
                        span_of(v),
                    ),
                    None => self.wrong(v, "a string"),
                },
                "description" => {
                    if !v.get_ref().is_str() {
                        self.wrong(v, "a string");
                    }
                }
                "dates" => {
                    if let Some((lo, hi)) = self.pair(v, "dates", |cx, x| cx.date(x)) {
                        let days = hi.duration_since(lo).as_hours() / 24;
                        if days < 0 {
                            self.err(
                                ProfileError::EmptyRange {
                                    lo: lo.to_string(),
                                    hi: hi.to_string(),
                                },
                                span_of(v),
                            );
                        } else {
                            self.dates = (lo, days);
                        }
                    }
                }
                "list_len" => {
                    if let Some((lo, hi)) = self.int_range(v, "list lengths", 0) {
                        self.list_len = (clamp_u32(lo), clamp_u32(hi));
                    }
                }
                other => self.unknown_key(other, span_of(k), "`[generator]`", GENERATOR_KEYS),
            }
        }
    }

    pub(super) fn read_pools(&mut self, v: &Val<'_>) {
        let Some(t) = self.table(v, "a table of named string lists") else {
            return;
        };
        for (k, v) in t {
            let items = self.strings(v).unwrap_or_default();
            let lits = items.iter().map(|s| self.str_lit(s)).collect();
            self.pool_names.push(k.get_ref().to_string());
            self.pools.push(lits);
        }
    }

    pub(super) fn strings(&mut self, v: &Val<'_>) -> Option<Vec<String>> {
        let DeValue::Array(a) = v.get_ref() else {
            self.wrong(v, "a non-empty array of strings");
            return None;
        };
        let mut out = Vec::new();
        for item in a.iter() {
            match item.get_ref().as_str() {
                Some(s) => out.push(s.to_string()),
                None => self.wrong(item, "a string"),
            }
        }
        if out.is_empty() {
            self.wrong(v, "a non-empty array of strings");
            return None;
        }
        Some(out)
    }

    /// Indexes `[fields]` by path, reporting paths the schema does not have.
    pub(super) fn read_field_paths(&mut self, v: &'a Val<'a>) {
        let Some(t) = self.table(v, "a table of field paths") else {
            return;
        };
        for (k, v) in t {
            let path = k.get_ref().as_ref();
            if self.resolve_path(path, span_of(k)).is_some() {
                self.specs.insert(path.to_string(), (span_of(k), v));
            }
        }
    }

    /// Reads `[vars]` in dependency order, so that a variable comes after those it reads.
    pub(super) fn read_vars(&mut self, v: &'a Val<'a>) {
        let Some(t) = self.table(v, "a table of variables") else {
            return;
        };
        let entries: Vec<(&str, Span, &Val<'_>)> = t
            .iter()
            .map(|(k, v)| (k.get_ref().as_ref(), span_of(k), v))
            .collect();
        let names: Vec<&str> = entries.iter().map(|(n, _, _)| *n).collect();
        let deps: Vec<Vec<usize>> = entries
            .iter()
            .map(|(_, _, v)| {
                let mut refs = Vec::new();
                var_refs(v.get_ref(), &mut refs);
                refs.iter()
                    .filter_map(|r| names.iter().position(|n| n == r))
                    .collect()
            })
            .collect();
        // Kahn's algorithm, keeping file order among the ready ones.
        let mut done = vec![false; entries.len()];
        let mut order = Vec::new();
        while order.len() < entries.len() {
            let next = (0..entries.len()).find(|&i| {
                !done.get(i).copied().unwrap_or(true)
                    && deps
                        .get(i)
                        .is_some_and(|d| d.iter().all(|&j| done.get(j).copied().unwrap_or(false)))
            });
            match next {
                Some(i) => {
                    if let Some(d) = done.get_mut(i) {
                        *d = true;
                    }
                    order.push(i);
                }
                None => {
                    let rest: Vec<String> = (0..entries.len())
                        .filter(|&i| !done.get(i).copied().unwrap_or(true))
                        .filter_map(|i| names.get(i).map(|n| format!("${n}")))
                        .collect();
                    let span = (0..entries.len())
                        .find(|&i| !done.get(i).copied().unwrap_or(true))
                        .and_then(|i| entries.get(i))
                        .map_or(Span::default(), |e| e.1);
                    self.err(
                        ProfileError::Cycle {
                            cycle: rest.join(" → "),
                        },
                        span,
                    );
                    return;
                }
            }
        }
        for i in order {
            let Some(&(name, _, v)) = entries.get(i) else {
                continue;
            };
            let Some(spec) = self.spec(v) else { continue };
            let class = self.var_class(&spec);
            let ty = match class {
                Class::Num => FieldType::Number {
                    min: None,
                    max: None,
                    integer: false,
                },
                Class::Date => FieldType::Date,
                Class::Bool => FieldType::Bool,
                _ => FieldType::String { max_len: None },
            };
            let path = format!("${name}");
            let site = Site {
                path: &path,
                field: None,
                var: true,
                presence: false,
            };
            let make = self.scalar_gen(Some(&spec), &ty, &[], &site);
            let values = self.values_of(&make);
            self.var_info.push(VarInfo {
                name: name.to_string(),
                class,
                values,
            });
            self.vars.push(make);
        }
    }

    /// `len = [lo, hi]`, or weighted lengths `len = { 0 = 6, 1 = 3, 2 = 1 }`.
    pub(super) fn len(&mut self, v: &Val<'_>) -> Option<Len> {
        let DeValue::Table(t) = v.get_ref() else {
            let (lo, hi) = self.int_range(v, "list lengths", 0)?;
            return Some(Len::Range(clamp_u32(lo), clamp_u32(hi)));
        };
        let mut lens = Vec::new();
        let mut cum = Vec::new();
        let mut total: u64 = 0;
        for (k, w) in t {
            let Ok(n) = k.get_ref().parse::<u32>() else {
                self.err(
                    ProfileError::WrongType {
                        expected: "a list length (0, 1, 2, …)".into(),
                        found: format!("`{}`", k.get_ref()),
                    },
                    span_of(k),
                );
                continue;
            };
            let Some(weight) = self.weight(w) else {
                continue;
            };
            total = total.saturating_add(weight);
            lens.push(n);
            cum.push(total);
        }
        if total == 0 {
            self.err(ProfileError::ZeroWeights, span_of(v));
            return None;
        }
        Some(Len::Weighted { lens, cum })
    }

    pub(super) fn weight(&mut self, w: &Val<'_>) -> Option<u64> {
        match number(w.get_ref()) {
            Some((x, _)) if (0.0..1e12).contains(&x) => Some((x * 1_000_000.0).round() as u64),
            _ => {
                self.wrong(w, "a weight of 0 or more");
                None
            }
        }
    }

    pub(super) fn int_range_any(&mut self, v: &Val<'_>, what: &str) -> Option<(i64, i64)> {
        let (lo, hi) = self.pair(v, what, |cx, x| cx.int(x, "a whole number of days"))?;
        if lo > hi {
            self.err(
                ProfileError::EmptyRange {
                    lo: lo.to_string(),
                    hi: hi.to_string(),
                },
                span_of(v),
            );
            return None;
        }
        Some((lo, hi))
    }
}
