//! Checking settings against what the schema allows: keys that fit a field's kind, texts, numeric
//! bounds and ranges, identifier templates, and values of closed domains.

use super::*;

impl Cx<'_> {
    /// Reports settings that are unknown or do not apply to this class and place.
    pub(super) fn check_keys(&mut self, spec: &Spec<'_, '_>, class: Class, site: &Site<'_>) {
        let mut allowed: Vec<&str> = class.keys().to_vec();
        if site.presence && site.field.is_some() {
            allowed.extend(["absent", "null"]);
        }
        for (k, span, _) in &spec.entries {
            if allowed.contains(k) {
                continue;
            }
            let known = ALL_KEYS.contains(k);
            if known {
                let what = if matches!(*k, "absent" | "null") {
                    "it is a list item or a variable, which is always present".to_string()
                } else {
                    format!("it is {}", class.name())
                };
                self.err(
                    ProfileError::NotApplicable {
                        key: k.to_string(),
                        path: site.path.to_string(),
                        what,
                        allowed: list(&allowed),
                    },
                    *span,
                );
            } else {
                self.unknown_key(
                    k,
                    *span,
                    &format!("the settings of `{}`", site.path),
                    &allowed,
                );
            }
        }
    }

    pub(super) fn unknown_value(&mut self, value: &str, path: &str, known: &[String], span: Span) {
        let shown: Vec<&str> = known.iter().map(String::as_str).take(30).collect();
        self.err(
            ProfileError::UnknownValue {
                value: value.to_string(),
                path: path.to_string(),
                suggestion: did_you_mean(value, known.iter().map(String::as_str))
                    .map(str::to_string),
                values: list(&shown),
            },
            span,
        );
    }

    /// Whether text is a valid value of an enum, catalog reference, id or bounded string.
    pub(super) fn check_text(&mut self, s: &str, ty: &FieldType, span: Span, path: &str) -> bool {
        if let Some(known) = self.domain(ty)
            && !matches!(ty, FieldType::Bool)
        {
            if known.iter().any(|k| k == s) {
                return true;
            }
            self.unknown_value(s, path, &known, span);
            return false;
        }
        match ty {
            FieldType::Id { chars, .. } => {
                if s.is_empty() || !s.chars().all(|c| id_char(c, chars)) {
                    self.err(
                        ProfileError::OutOfBounds {
                            what: format!("`{s}`"),
                            why: format!("`{path}` may hold only the characters `{chars}`"),
                        },
                        span,
                    );
                    return false;
                }
                true
            }
            FieldType::String { max_len: Some(m) } if s.chars().count() > *m => {
                self.err(
                    ProfileError::OutOfBounds {
                        what: format!("`{s}`"),
                        why: format!("`{path}` holds at most {m} characters"),
                    },
                    span,
                );
                false
            }
            _ => true,
        }
    }

    pub(super) fn check_bounds(
        &mut self,
        x: f64,
        decimals: u8,
        ty: &FieldType,
        span: Span,
        path: &str,
    ) -> Option<()> {
        let FieldType::Number { min, max, integer } = ty else {
            return Some(());
        };
        let mut why = None;
        if *integer && decimals > 0 {
            why = Some(format!("`{path}` is a whole number"));
        } else if let Some(m) = min
            && x < *m
        {
            why = Some(format!("`{path}` is at least {m}"));
        } else if let Some(m) = max
            && x > *m
        {
            why = Some(format!("`{path}` is at most {m}"));
        }
        match why {
            Some(why) => {
                self.err(
                    ProfileError::OutOfBounds {
                        what: format!("{x}"),
                        why,
                    },
                    span,
                );
                None
            }
            None => Some(()),
        }
    }

    pub(super) fn num_range(
        &mut self,
        spec: &Spec<'_, '_>,
        v: &Val<'_>,
        ty: &FieldType,
        site: &Site<'_>,
    ) -> Option<Gen> {
        let ((lo, dl), (hi, dh)) = self.pair(v, "numbers", |cx, x| {
            let n = number(x.get_ref());
            if n.is_none() {
                cx.wrong(x, "a number");
            }
            n
        })?;
        let mut scale = dl.max(dh);
        let mut step_x = None;
        if let Some(s) = spec.get("step") {
            match number(s.get_ref()) {
                Some((x, d)) if x > 0.0 => {
                    scale = scale.max(d);
                    step_x = Some(x);
                }
                Some((x, _)) => {
                    self.err(
                        ProfileError::OutOfBounds {
                            what: "`step`".into(),
                            why: format!("{x} is not above 0"),
                        },
                        span_of(s),
                    );
                    return None;
                }
                None => {
                    self.wrong(s, "a number above 0");
                    return None;
                }
            }
        }
        let log = match spec.get("log") {
            Some(l) => match l.get_ref() {
                DeValue::Boolean(b) => *b,
                _ => {
                    self.wrong(l, "a bool");
                    false
                }
            },
            None => false,
        };
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
        self.check_bounds(lo, scale, ty, span_of(v), site.path)?;
        self.check_bounds(hi, scale, ty, span_of(v), site.path)?;
        if log && lo < 0.0 {
            self.err(
                ProfileError::OutOfBounds {
                    what: format!("{lo}"),
                    why: "a log scale starts at 0 or above".into(),
                },
                span_of(v),
            );
            return None;
        }
        let step = step_x.map_or(1, |s| to_units(s, scale)).max(1);
        Some(Gen::Num {
            lo: to_units(lo, scale),
            hi: to_units(hi, scale),
            step,
            scale,
            log,
        })
    }

    /// Checks what can be known of a template's output against an id field's characters.
    pub(super) fn check_id_template(&mut self, t: &Template, chars: &str, span: Span, path: &str) {
        let mut texts: Vec<String> = Vec::new();
        for p in &t.parts {
            match p {
                Part::Text(s) => texts.push(s.to_string()),
                Part::Seq { .. } => texts.push("0123456789".into()),
                Part::Ref { year: true, .. } => texts.push("0123456789".into()),
                Part::Ref {
                    src: Ref::Var(i), ..
                } => {
                    if let Some(vals) = self.var_info.get(*i).and_then(|v| v.values.clone()) {
                        for l in vals {
                            if let Some(lit) = self.lits.get(l as usize) {
                                texts.push(lit.raw.to_string());
                            }
                        }
                    }
                }
                Part::Pool(i) => {
                    for &l in self.pools.get(*i).cloned().unwrap_or_default().iter() {
                        if let Some(lit) = self.lits.get(l as usize) {
                            texts.push(lit.raw.to_string());
                        }
                    }
                }
                Part::Ref { .. } => {}
            }
        }
        for s in texts {
            if let Some(c) = s.chars().find(|&c| !id_char(c, chars)) {
                self.err(
                    ProfileError::OutOfBounds {
                        what: format!("`{c}` in `{s}`"),
                        why: format!("`{path}` may hold only the characters `{chars}`"),
                    },
                    span,
                );
                return;
            }
        }
    }
}
