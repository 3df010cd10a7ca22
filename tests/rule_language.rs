//! The rule-language features of the rule set v2 work (issue 18), on the library rule set so that
//! no samstyring rule is needed: `valid_on` (validity judged per item, on the item's own date),
//! `[ruleset.closed]` (a would-be `pending` is `not_applicable` for a closed document) and an
//! unknown reference date that stays unknown (never replaced by the as-of date).

use samstyr::diag::render;
use samstyr::eval::EvalOptions;
use samstyr::files::RuleFiles;
use samstyr::finding::{Evaluation, Status};
use samstyr::rules::RuleSet;
use samstyr::schema::validate;
use samstyr::source::SourceFile;
use std::path::Path;

const LIBRARY: &str = "fixtures/library/rules";

/// The library rule set with `ruleset.toml` replaced by `ruleset` and `extra` added as a file.
fn library_with(ruleset: &str, extra: &str) -> RuleSet {
    let mut files = match RuleFiles::from_dir(Path::new(LIBRARY)) {
        Ok(f) => f,
        Err(e) => panic!("cannot read the library rule set: {e}"),
    };
    let base = files
        .files
        .iter()
        .find(|f| f.name().ends_with("/ruleset.toml"))
        .map(|f| f.text().to_string())
        .unwrap_or_default();
    files.files.retain(|f| !f.name().ends_with("/ruleset.toml"));
    files.files.push(SourceFile::new(
        format!("{LIBRARY}/ruleset.toml"),
        base.replace("reference_date = \"today\"", ruleset),
    ));
    files
        .files
        .push(SourceFile::new(format!("{LIBRARY}/extra.toml"), extra));
    match RuleSet::load(&files, &[]) {
        Ok(s) => s,
        Err(d) => panic!(
            "the changed library rule set must load:\n{}",
            render(&d.0, false)
        ),
    }
}

fn evaluate<'r>(set: &'r RuleSet, json: &str) -> Evaluation<'r> {
    let doc = match validate(
        set.schema(),
        set.catalog(),
        SourceFile::new("member.json", json.to_string()),
    ) {
        Ok(d) => d,
        Err(d) => panic!("the member must be valid:\n{}", render(&d.0, false)),
    };
    set.evaluate(
        &doc,
        "2026-06-01".parse().unwrap_or_default(),
        &EvalOptions::default(),
    )
}

fn statuses(e: &Evaluation, rule: &str) -> Vec<Status> {
    e.findings
        .iter()
        .filter(|f| f.rule.id == rule)
        .map(|f| f.status)
        .collect()
}

const MEMBER: &str = r#"{
  "schema": "library.member/v1", "id": "M-1", "name": "Kari", "category": "adult", "age": 41,
  "card_issued": "2024-01-10", "deposit_paid": false,
  "loans": [
    { "title": "Sult", "item_type": "book", "borrowed": "2025-12-20", "returned": "2026-01-05", "renewals": 0 },
    { "title": "Kon-Tiki", "item_type": "book", "borrowed": "2026-05-25", "returned": null, "renewals": 0 }
  ]
}"#;

/// Each loan is in force or not by its own date, not by the document's reference date.
const PER_LOAN: &str = r#"
[[obligation]]
id = "LIB-V"
principle = "utlan"
severity = "should"
title = { nb = "Lån fra 2026", nn = "Lån frå 2026", en = "Loans from 2026" }
for_each = "loan in loans"
valid_on = "loan.borrowed"
valid_from = 2026-01-01
require = "false"
remedy = { nb = "–", nn = "–", en = "–" }
[obligation.message]
met = { nb = "ok", nn = "ok", en = "ok" }
violated = { nb = "nei", nn = "nei", en = "no" }
[[obligation.source]]
title = "Test"
"#;

#[test]
fn valid_on_judges_each_item_on_its_own_date() {
    let set = library_with("reference_date = \"today\"", PER_LOAN);
    let e = evaluate(&set, MEMBER);
    assert_eq!(
        statuses(&e, "LIB-V"),
        [Status::NotInForce, Status::Violated],
        "borrowed 2025-12-20 is before 2026, 2026-05-25 is not; the reference date (today) is \
         after both"
    );
}

#[test]
fn a_closed_document_has_nothing_pending() {
    let closed = "reference_date = \"today\"\n\n[ruleset.closed]\nwhen = \"deposit_paid == false\"\n\
                  message = { nb = \"Stengt.\", nn = \"Stengd.\", en = \"Closed.\" }";
    let open = library_with("reference_date = \"today\"", "");
    let shut = library_with(closed, "");
    // Kon-Tiki is not returned and its deadline is ahead: pending while open.
    assert_eq!(
        statuses(&evaluate(&open, MEMBER), "LIB-01"),
        [Status::Met, Status::Pending]
    );
    let e = evaluate(&shut, MEMBER);
    assert_eq!(statuses(&e, "LIB-01"), [Status::Met, Status::NotApplicable]);
    let f = e
        .findings
        .iter()
        .find(|f| f.rule.id == "LIB-01" && f.status == Status::NotApplicable);
    assert_eq!(f.map(|f| f.message.en.as_str()), Some("Closed."));
    assert_eq!(f.and_then(|f| f.deadline), None);
    // Only a would-be `pending` changes: the same member with the deposit paid keeps it.
    let paid = MEMBER.replace("\"deposit_paid\": false", "\"deposit_paid\": true");
    assert_eq!(
        statuses(&evaluate(&shut, &paid), "LIB-01"),
        [Status::Met, Status::Pending]
    );
}

#[test]
fn an_unknown_reference_date_is_not_replaced_by_the_as_of_date() {
    // LIB-03 is in force from 2021-01-01 and applies to children.
    let set = library_with("reference_date = \"card_issued\"", "");
    let child = r#"{ "schema": "library.member/v1", "id": "M-2", "name": "Ola", "category": "child",
      "age": 9, "guardian_consent": true }"#;
    let e = evaluate(&set, child);
    let f = e.findings.iter().find(|f| f.rule.id == "LIB-03");
    assert_eq!(f.map(|f| f.status), Some(Status::Unknown));
    let missing: Vec<&str> = f
        .map(|f| f.missing.iter().map(|m| m.pointer.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(missing, ["/card_issued"]);
    // Stated: judged on it.
    let issued = child.replace(
        "\"age\": 9,",
        "\"age\": 9, \"card_issued\": \"2020-05-01\",",
    );
    let e = evaluate(&set, &issued);
    let f = e.findings.iter().find(|f| f.rule.id == "LIB-03");
    assert_eq!(f.map(|f| f.status), Some(Status::NotInForce));
}
