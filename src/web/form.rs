//! `GET /`: the form, generated from the rule set's input format, with the result panel beside
//! it.
//!
//! Every control carries what the script needs to turn the form into the document and back:
//! `data-field` (the field's name in its object), `data-kind` (how its value is read) and an id
//! made from its JSON pointer ([`field_id`]), which is how a finding or a validation error links
//! to it. Lists are repeating groups: a `<template>` of one item, cloned by the script.

use super::Host;
use super::{page, page_lang, text_in};
use crate::schema::{FieldDef, FieldType, InputSchema, TypeId};
use crate::text::{Lang, Text, pick};
use axum::extract::Request;
use axum::response::Response;
use maud::{Markup, html};
use std::sync::Arc;

/// Enums with at most this many values are radio buttons (all visible at once); longer ones
/// are a select.
const RADIO_MAX: usize = 6;

/// The id of the control (or group) of the value at JSON pointer `pointer`: `f` and the
/// pointer's segments joined by dots (`/owner/ministry` → `f.owner.ministry`). The script
/// computes the same ids when it adds, removes or moves items.
pub(crate) fn field_id(pointer: &str) -> String {
    let mut s = String::from("f");
    for seg in pointer.split('/').skip(1) {
        s.push('.');
        s.push_str(seg);
    }
    s
}

/// A field's doc split into a label and a help text: the label is the doc up to the first
/// `: ` or end of sentence (`. `, `? `), the help is the rest. A word that holds a dot of its
/// own (`f.eks.`, `e.g.`) does not end a sentence.
pub(crate) fn label_and_help(doc: &str) -> (String, String) {
    let doc = doc.trim();
    let b = doc.as_bytes();
    let mut word_start = 0;
    for (i, c) in doc.char_indices() {
        if c == ' ' {
            word_start = i + 1;
            continue;
        }
        let next_is_space = b.get(i + 1).is_none_or(|&n| n == b' ');
        if !next_is_space {
            continue;
        }
        let cut = match c {
            ':' | ';' => Some((i, i + 1)),
            '?' => Some((i + 1, i + 1)),
            '.' if !doc[word_start..i].contains('.') => Some((i, i + 1)),
            _ => None,
        };
        if let Some((end, rest)) = cut {
            let label = doc[..end].trim().to_string();
            let help = doc[rest..].trim();
            let help = capitalised(help);
            return (label, help);
        }
    }
    (doc.to_string(), String::new())
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

async fn page_handler<S: Host>(state: Arc<S>, req: Request) -> Response {
    let (lang, remember) = page_lang(req.uri().query(), req.headers());
    let schema = state.rules().schema();
    let (title, title_lang) = text_in(&schema.title, lang);
    let (desc, desc_lang) = text_in(&schema.description, lang);
    let today = jiff::Zoned::now().date();
    let form = Form {
        schema,
        catalog: state.rules().catalog(),
        lang,
    };
    let body = html! {
        h1 lang=[title_lang] { (title) }
        p.lead lang=[desc_lang] { (desc) }
        div.layout {
            section.form-col aria-labelledby="form-h" {
                h2 #form-h { (pick(lang, "Opplysninger", "Opplysningar", "Details")) }
                div #error-summary .error-summary tabindex="-1" hidden {}
                details.tools {
                    summary { (pick(lang, "Last inn, last ned eller skriv ut", "Last inn, last ned eller skriv ut", "Load, download or print")) }
                    div.tool {
                        label for="load-file" { (pick(lang, "Last inn en fil (JSON)", "Last inn ei fil (JSON)", "Load a file (JSON)")) }
                        input #load-file type="file" accept=".json,application/json";
                    }
                    div.tool {
                        label for="paste" { (pick(lang, "Eller lim inn JSON", "Eller lim inn JSON", "Or paste JSON")) }
                        textarea #paste rows="4" spellcheck="false" {}
                        button #paste-load type="button" { (pick(lang, "Last inn teksten", "Last inn teksten", "Load the text")) }
                    }
                    div.tool.row {
                        button #download type="button" { (pick(lang, "Last ned som JSON", "Last ned som JSON", "Download as JSON")) }
                        button #print type="button" { (pick(lang, "Skriv ut vurderingen", "Skriv ut vurderinga", "Print the assessment")) }
                        button #clear type="button" { (pick(lang, "Tøm skjemaet", "Tøm skjemaet", "Clear the form")) }
                    }
                    p #load-status .note role="status" {}
                }
                form #doc novalidate data-schema=(schema.id) {
                    input type="hidden" data-field=(schema.schema_field) data-kind="const" value=(schema.id);
                    (form.fields(schema.root, "", true))
                }
            }
            section.result-col aria-labelledby="result-h" {
                h2 #result-h { (pick(lang, "Vurdering", "Vurdering", "Assessment")) }
                div.check-bar {
                    label for="as-of" { (pick(lang, "Vurdert per dato", "Vurdert per dato", "Assessed as of")) }
                    input #as-of type="date" value=(today.to_string());
                    button #check type="button" { (pick(lang, "Vurder nå", "Vurder no", "Check now")) }
                }
                p #status .status role="status" aria-live="polite" {}
                div #result {
                    p.note { (pick(lang,
                        "Fyll ut skjemaet. Vurderingen oppdateres mens du skriver.",
                        "Fyll ut skjemaet. Vurderinga blir oppdatert medan du skriv.",
                        "Fill in the form. The assessment is updated as you type.")) }
                }
            }
        }
        (form.templates())
        div #texts hidden data-lang=(lang.code())
            data-checking=(pick(lang, "Vurderer …", "Vurderer …", "Checking …"))
            data-loaded=(pick(lang, "Lastet inn.", "Lasta inn.", "Loaded."))
            data-dropped=(pick(lang, "Disse feltene finnes ikke i skjemaet og ble ikke lastet inn:", "Desse felta finst ikkje i skjemaet og vart ikkje lasta inn:", "These fields are not in the form and were not loaded:"))
            data-bad-json=(pick(lang, "Teksten er ikke gyldig JSON:", "Teksten er ikkje gyldig JSON:", "The text is not valid JSON:"))
            data-failed=(pick(lang, "Vurderingen kunne ikke hentes. Prøv igjen.", "Vurderinga kunne ikkje hentast. Prøv igjen.", "The assessment could not be fetched. Try again."))
            data-confirm-clear=(pick(lang, "Tømme skjemaet? Det du har fylt ut, blir borte.", "Tømme skjemaet? Det du har fylt ut, blir borte.", "Clear the form? What you have filled in will be lost."))
            data-item=(pick(lang, "Element", "Element", "Item"))
            data-see-list=(pick(lang, "Se listen over feil øverst i skjemaet", "Sjå lista over feil øvst i skjemaet", "See the list of problems at the top of the form"))
            {}
    };
    page(lang, remember, title, "/", body)
}

pub async fn handler<S: Host>(
    axum::extract::State(state): axum::extract::State<Arc<S>>,
    req: Request,
) -> Response {
    page_handler(state, req).await
}

struct Form<'a> {
    schema: &'a InputSchema,
    catalog: &'a crate::catalog::Catalog,
    lang: Lang,
}

impl Form<'_> {
    /// The fields of object type `ty` at `pointer`.
    fn fields(&self, ty: TypeId, pointer: &str, root: bool) -> Markup {
        let Some(t) = self.schema.types.get(ty) else {
            return html! {};
        };
        html! {
            div.fields {
                @for f in &t.fields {
                    @if !(root && f.name == self.schema.schema_field) {
                        (self.field(f, &format!("{pointer}/{}", f.name)))
                    }
                }
            }
        }
    }

    fn doc(&self, t: &Text) -> (String, String, Option<&'static str>) {
        let (text, lang) = text_in(t, self.lang);
        let (label, help) = label_and_help(text);
        (label, help, lang)
    }

    fn field(&self, f: &FieldDef, pointer: &str) -> Markup {
        let (label, help, doc_lang) = self.doc(&f.doc);
        // A list whose absence means "not stated" can also be stated empty: that is its "none".
        let none = f.nullable
            || (matches!(f.ty, FieldType::List { .. })
                && f.absent == crate::schema::Absent::Unknown);
        self.control(
            &f.name, &f.ty, &f.labels, f.required, none, pointer, &label, &help, doc_lang,
        )
    }

    #[expect(clippy::too_many_arguments, reason = "one control's whole description")]
    fn control(
        &self,
        name: &str,
        ty: &FieldType,
        labels: &[Text],
        required: bool,
        nullable: bool,
        pointer: &str,
        label: &str,
        help: &str,
        doc_lang: Option<&'static str>,
    ) -> Markup {
        let id = field_id(pointer);
        let lang = self.lang;
        let help_id = format!("{id}-help");
        let err_id = format!("{id}-err");
        let described = if help.is_empty() {
            err_id.clone()
        } else {
            format!("{help_id} {err_id}")
        };
        let req_mark = html! {
            @if required { " " span.req { "(" (pick(lang, "må fylles ut", "må fyllast ut", "required")) ")" } }
        };
        let name_code = html! { @if !name.is_empty() { " " code.fname { (name) } } };
        let help_p = html! {
            @if !help.is_empty() { p.help id=(help_id) lang=[doc_lang] { (help) } }
        };
        let err_p = html! { p.err id=(err_id) hidden {} };
        let null_box = |kind: &str| {
            html! {
                @if nullable {
                    span.null {
                        input type="checkbox" id={ (id) "-null" } data-null="1" data-for=(kind);
                        label for={ (id) "-null" } { (pick(lang, "Oppgitt som ingen (null)", "Oppgitt som ingen (null)", "Stated as none (null)")) }
                    }
                }
            }
        };
        let none_list = |on: bool| {
            html! {
                @if on {
                    span.null {
                        input type="checkbox" id={ (id) "-none" } data-none="1";
                        label for={ (id) "-none" } { (pick(lang, "Ingen (oppgitt som tom liste)", "Ingen (oppgitt som tom liste)", "None (stated as an empty list)")) }
                    }
                }
            }
        };
        let scalar = |kind: &str, input: Markup| {
            html! {
                div.fld data-field=(name) data-kind=(kind) {
                    label for=(id) { span lang=[doc_lang] { (label) } (name_code) (req_mark) }
                    (help_p)
                    (input)
                    (null_box(kind))
                    (err_p)
                }
            }
        };
        match ty {
            FieldType::String { max_len } => scalar(
                "string",
                html! { input id=(id) type="text" maxlength=[*max_len] aria-describedby=(described) autocomplete="off"; },
            ),
            FieldType::Id { chars, .. } => scalar(
                "string",
                html! { input id=(id) type="text" aria-describedby=(described) autocomplete="off" spellcheck="false" data-chars=(chars); },
            ),
            FieldType::KeyRef => scalar(
                "string",
                html! { input id=(id) type="text" aria-describedby=(described) autocomplete="off" spellcheck="false"; },
            ),
            FieldType::Number { integer, .. } => scalar(
                "number",
                html! { input id=(id) type="text" inputmode=(if *integer { "numeric" } else { "decimal" }) aria-describedby=(described) autocomplete="off"; },
            ),
            FieldType::Date => scalar(
                "date",
                html! { input id=(id) type="date" aria-describedby=(described); },
            ),
            FieldType::Bool => {
                let answers = [
                    ("true", pick(lang, "Ja", "Ja", "Yes")),
                    ("false", pick(lang, "Nei", "Nei", "No")),
                    (
                        "",
                        pick(lang, "Ikke oppgitt", "Ikkje oppgitt", "Not stated"),
                    ),
                ];
                html! {
                    fieldset.fld.choice id=(id) tabindex="-1" data-field=(name) data-kind="radio" aria-describedby=(described) {
                        legend { span lang=[doc_lang] { (label) } (name_code) (req_mark) }
                        (help_p)
                        div.options.inline {
                            @for (i, (v, word)) in answers.iter().enumerate() {
                                span.opt {
                                    input type="radio" id={ (id) "-" (i) } name=(id) value=(v) data-json="bool" checked[v.is_empty()];
                                    label for={ (id) "-" (i) } { (word) }
                                }
                            }
                        }
                        (err_p)
                    }
                }
            }
            FieldType::Enum(values) if values.len() <= RADIO_MAX => html! {
                fieldset.fld.choice id=(id) tabindex="-1" data-field=(name) data-kind="radio" aria-describedby=(described) {
                    legend { span lang=[doc_lang] { (label) } (name_code) (req_mark) }
                    (help_p)
                    div.options {
                        @for (i, v) in values.iter().enumerate() {
                            span.opt {
                                input type="radio" id={ (id) "-" (i) } name=(id) value=(v);
                                label for={ (id) "-" (i) } {
                                    @match labels.get(i).map(|t| text_in(t, lang)) {
                                        Some((word, wl)) => { span lang=[wl] { (word) } " " code.val { (v) } }
                                        None => { code { (v) } }
                                    }
                                }
                            }
                        }
                        span.opt {
                            input type="radio" id={ (id) "-none" } name=(id) value="" checked;
                            label for={ (id) "-none" } { (pick(lang, "Ikke oppgitt", "Ikkje oppgitt", "Not stated")) }
                        }
                    }
                    (null_box("radio"))
                    (err_p)
                }
            },
            FieldType::Enum(values) => scalar(
                "select",
                html! {
                    select id=(id) aria-describedby=(described) {
                        option value="" { (pick(lang, "Ikke oppgitt", "Ikkje oppgitt", "Not stated")) }
                        @for (i, v) in values.iter().enumerate() {
                            @match labels.get(i).map(|t| text_in(t, lang)) {
                                Some((word, wl)) => option value=(v) lang=[wl] { (word) " (" (v) ")" },
                                None => option value=(v) { (v) },
                            }
                        }
                    }
                },
            ),
            FieldType::Ref { table } => {
                let rows = self.rows(table);
                scalar(
                    "select",
                    html! {
                        select id=(id) aria-describedby=(described) {
                            option value="" { (pick(lang, "Ikke oppgitt", "Ikkje oppgitt", "Not stated")) }
                            @for (k, text) in &rows { option value=(k) { (k) @if !text.is_empty() { " – " (text) } } }
                        }
                    },
                )
            }
            FieldType::List { items, .. } => match items.as_ref() {
                FieldType::Ref { table } => self.ref_list(
                    name, table, pointer, label, help, doc_lang, required, nullable,
                ),
                item => html! {
                    fieldset.fld.group id=(id) tabindex="-1" data-field=(name) data-kind="list" data-template={ "tpl-" (self.template_key(item, labels)) } aria-describedby=(described) {
                        legend { span lang=[doc_lang] { (label) } (name_code) (req_mark) }
                        (help_p)
                        ol.items {}
                        button.add type="button" data-add="1" { (pick(lang, "Legg til", "Legg til", "Add")) span.vh { ": " (label) } }
                        (none_list(nullable))
                        (err_p)
                    }
                },
            },
            FieldType::Object(t) => {
                let (tlabel, thelp, tlang) = self
                    .schema
                    .types
                    .get(*t)
                    .map(|o| self.doc(&o.doc))
                    .unwrap_or_default();
                html! {
                    fieldset.fld.object id=(id) tabindex="-1" data-field=(name) data-kind="object" aria-describedby=(described) {
                        legend { span lang=[doc_lang] { (label) } (name_code) (req_mark) }
                        @if !help.is_empty() { p.help id=(help_id) lang=[doc_lang] { (help) } }
                        @else if !thelp.is_empty() || tlabel != label { p.help id=(help_id) lang=[tlang] { (tlabel) @if !thelp.is_empty() { ". " (thelp) } } }
                        (self.fields(*t, pointer, false))
                        (err_p)
                    }
                }
            }
        }
    }

    /// A list of catalog references: one checkbox per row, showing its text, and a filter.
    #[expect(clippy::too_many_arguments, reason = "one control's whole description")]
    fn ref_list(
        &self,
        name: &str,
        table: &str,
        pointer: &str,
        label: &str,
        help: &str,
        doc_lang: Option<&'static str>,
        required: bool,
        stated_none: bool,
    ) -> Markup {
        let id = field_id(pointer);
        let lang = self.lang;
        let rows = self.rows(table);
        let rows_lang = self.rows_lang(table);
        let help_id = format!("{id}-help");
        let err_id = format!("{id}-err");
        html! {
            fieldset.fld.group id=(id) tabindex="-1" data-field=(name) data-kind="refs" aria-describedby={ @if !help.is_empty() { (help_id) " " } (err_id) } {
                legend { span lang=[doc_lang] { (label) } " " code.fname { (name) }
                    @if required { " " span.req { "(" (pick(lang, "må fylles ut", "må fyllast ut", "required")) ")" } } }
                @if !help.is_empty() { p.help id=(help_id) lang=[doc_lang] { (help) } }
                @if rows.len() > 8 {
                    div.filter {
                        label for={ (id) "-filter" } { (pick(lang, "Søk i listen", "Søk i lista", "Search the list")) }
                        input.filter-input type="search" id={ (id) "-filter" } data-filter="1" autocomplete="off";
                    }
                }
                ul.checks {
                    @for (i, (k, text)) in rows.iter().enumerate() {
                        li {
                            input type="checkbox" id={ (id) "-" (i) } value=(k);
                            label for={ (id) "-" (i) } { strong { (k) } @if !text.is_empty() { " " span lang=(rows_lang) { (text) } } }
                        }
                    }
                }
                @if stated_none {
                    span.null {
                        input type="checkbox" id={ (id) "-none" } data-none="1";
                        label for={ (id) "-none" } { (pick(lang, "Ingen av disse (oppgitt som tom liste)", "Ingen av desse (oppgitt som tom liste)", "None of these (stated as an empty list)")) }
                    }
                }
                p.err id=(err_id) hidden {}
            }
        }
    }

    /// The rows of a catalog table as (key, text): the text is the row's `title`, `name`,
    /// `text` or `label` column, the first of these it has (catalogs name their texts so), in
    /// the page's language where the catalog writes it in the user-facing languages.
    fn rows(&self, table: &str) -> Vec<(String, String)> {
        let Some(t) = self.catalog.table(table) else {
            return Vec::new();
        };
        let tree = self.catalog.tree();
        let col = ["title", "name", "text", "label"]
            .into_iter()
            .find(|c| t.column(c).is_some());
        t.rows()
            .iter()
            .map(|r| {
                let text = col
                    .and_then(|c| t.text(tree, r, c, self.lang))
                    .unwrap_or("");
                (r.key.clone(), text.to_string())
            })
            .collect()
    }

    /// The language of a catalog table's row texts on this page: the page's where the catalog
    /// writes them in the user-facing languages, bokmål (as written) otherwise.
    fn rows_lang(&self, table: &str) -> &'static str {
        let text = self.catalog.table(table).is_some_and(|t| {
            ["title", "name", "text", "label"]
                .into_iter()
                .find_map(|c| t.column(c))
                .is_some_and(|(_, c)| c.text)
        });
        if text { self.lang.code() } else { "nb" }
    }

    /// A name for the template of a list's items, unique per item type (and, for enums, per
    /// words for their values).
    fn template_key(&self, item: &FieldType, labels: &[Text]) -> String {
        let worded = if labels.is_empty() { "" } else { "-w" };
        match item {
            FieldType::Object(t) => format!("o{t}"),
            FieldType::String { .. } | FieldType::Id { .. } | FieldType::KeyRef => "string".into(),
            FieldType::Number { .. } => "number".into(),
            FieldType::Date => "date".into(),
            FieldType::Bool => "bool".into(),
            FieldType::Enum(v) => format!("enum-{}{worded}", v.join("-")),
            FieldType::Ref { table } => format!("ref-{table}"),
            FieldType::List { .. } => "list".into(),
        }
    }

    /// One `<template>` per item type of every list in the schema: an item of the list, its
    /// pointer written with `__i__` where its index goes (the script puts the index in).
    fn templates(&self) -> Markup {
        let mut seen: Vec<String> = Vec::new();
        let mut items: Vec<(&FieldType, &[Text])> = Vec::new();
        for t in &self.schema.types {
            for f in &t.fields {
                if let FieldType::List { items: it, .. } = &f.ty
                    && !matches!(it.as_ref(), FieldType::Ref { .. })
                {
                    let key = self.template_key(it, &f.labels);
                    if !seen.contains(&key) {
                        seen.push(key);
                        items.push((it, &f.labels));
                    }
                }
            }
        }
        let lang = self.lang;
        html! {
            @for (key, (item, labels)) in seen.iter().zip(items) {
                template id={ "tpl-" (key) } {
                    li.item data-kind=(if matches!(item, FieldType::Object(_)) { "object" } else { "scalar" }) {
                        div.item-head {
                            h3.item-title { span.item-no {} }
                            div.item-tools {
                                button type="button" data-move="-1" { (pick(lang, "Flytt opp", "Flytt opp", "Move up")) }
                                button type="button" data-move="1" { (pick(lang, "Flytt ned", "Flytt ned", "Move down")) }
                                button type="button" data-remove="1" { (pick(lang, "Fjern", "Fjern", "Remove")) }
                            }
                        }
                        @match item {
                            FieldType::Object(t) => (self.fields(*t, "/__i__", false)),
                            other => div.fields {
                                (self.control("", other, labels, false, false, "/__i__",
                                    pick(lang, "Verdi", "Verdi", "Value"), "", None))
                            },
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_split_into_label_and_help() {
        let split = |s: &str| label_and_help(s);
        assert_eq!(
            split("Milepæler og beslutningspunkter. Utelatt: ingen."),
            (
                "Milepæler og beslutningspunkter".into(),
                "Utelatt: ingen.".into()
            )
        );
        assert_eq!(
            split("Hva slags tiltak: utvikling (development) eller annet (other)."),
            (
                "Hva slags tiltak".into(),
                "Utvikling (development) eller annet (other).".into()
            )
        );
        assert_eq!(
            split("Endrer tiltaket kommunenes oppgaver?"),
            ("Endrer tiltaket kommunenes oppgaver?".into(), String::new())
        );
        assert_eq!(
            split("Ansvarlig departement, f.eks. «DFD»."),
            ("Ansvarlig departement, f.eks. «DFD»".into(), String::new())
        );
        assert_eq!(split("Lån."), ("Lån".into(), String::new()));
    }

    #[test]
    fn ids_follow_pointers() {
        assert_eq!(field_id("/owner/ministry"), "f.owner.ministry");
        assert_eq!(field_id("/milestones/0/kind"), "f.milestones.0.kind");
        assert_eq!(field_id(""), "f");
    }
}
