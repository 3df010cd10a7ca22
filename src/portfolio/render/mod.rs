//! Renderers of a [`Portfolio`]: one module per format. Each takes the plain data of a run and
//! the [`Meta`] that describes it (with the trend, when asked for): no evaluation, no I/O, no
//! clocks, so the same portfolio gives the same bytes. HTML and Markdown also take the [`Listed`]
//! documents and deadlines a [`Digest`] chose from the rows streamed past
//! ([`crate::portfolio::run_rows`]); CSV and XLSX take the rows one at a time; JSON takes none.
//!
//! **Invariant:** nothing here knows a particular rule set: rule ids, group fields, the headline
//! and every rule text come from the model.

pub mod csv;
pub mod diff;
pub mod dot;
pub mod html;
pub mod json;
pub mod markdown;
pub mod table;
pub mod xlsx;

use super::{FindingRow, Grade, Portfolio, ReceivedNote, Row};
use crate::finding::{Principle, Severity, Status, Tri};
use crate::report::RunInfo;
pub use crate::report::{problem_text, received_text};
use crate::rules::RuleSet;
use crate::text::{Lang, Text, pick};
use jiff::civil::Date;

/// What a portfolio report says about the run besides the portfolio.
#[derive(Debug, Clone)]
pub struct Meta {
    pub run: RunInfo,
    /// Group fields (`[ruleset.report.group]`): (field path, title).
    pub groups: Vec<(String, Text)>,
    /// Declared propagations: (fact, link field, direction, title).
    pub propagations: Vec<(String, String, &'static str, Text)>,
    /// The field that names documents (`id`).
    pub key_field: String,
    /// Facts' titles, by id: what a received value is called.
    pub fact_titles: Vec<(String, Text)>,
    /// The same portfolio judged at each date of `--trend` (empty without it).
    pub trend: Vec<TrendPoint>,
    /// Whether the run applies waivers: the CSV and the workbook then have columns for them.
    pub waivers: bool,
}

impl Meta {
    pub fn new(rules: &RuleSet, run: RunInfo) -> Meta {
        Meta {
            groups: rules
                .report_spec()
                .groups
                .iter()
                .map(|g| (g.path.text().to_string(), g.title.clone()))
                .collect(),
            propagations: rules
                .propagations()
                .iter()
                .map(|p| {
                    (
                        p.fact.clone(),
                        p.along.clone(),
                        p.direction.name(),
                        p.title.clone(),
                    )
                })
                .collect(),
            key_field: rules.schema().key_field.clone(),
            fact_titles: rules
                .facts()
                .map(|f| (f.id.clone(), f.title.clone()))
                .collect(),
            trend: Vec::new(),
            waivers: false,
            run,
        }
    }

    pub fn lang(&self) -> Lang {
        self.run.lang
    }

    /// The headline's title in the run's language, if the rule set has a headline.
    pub fn headline_title(&self) -> Option<&str> {
        self.run.headline.as_ref().map(|h| h.title.get(self.lang()))
    }
}

pub fn grade_word(lang: Lang, g: Grade) -> &'static str {
    match g {
        Grade::ViolatedMust => pick(
            lang,
            "brudd på skal-krav",
            "brot på skal-krav",
            "violated must",
        ),
        Grade::ViolatedShould => pick(
            lang,
            "brudd på bør-krav",
            "brot på bør-krav",
            "violated should",
        ),
        Grade::Pending => pick(lang, "venter", "ventar", "pending"),
        Grade::Unknown => pick(lang, "ukjent", "ukjend", "unknown"),
        Grade::Ok => pick(lang, "i orden", "i orden", "ok"),
        Grade::Invalid => pick(lang, "ugyldig", "ugyldig", "invalid"),
    }
}

/// Counts of one principle over all its obligations.
#[derive(Debug, Clone)]
pub struct PrincipleCounts {
    pub principle: Principle,
    pub by_status: [u64; 6],
    /// Violated findings by severity: must, should.
    pub violated: [u64; 2],
}

/// The principles of the run's obligations, in order of first appearance, with their counts.
pub fn principles(meta: &Meta, p: &Portfolio) -> Vec<PrincipleCounts> {
    let mut out: Vec<PrincipleCounts> = Vec::new();
    for (o, c) in meta.run.obligations.iter().zip(&p.aggregates.obligations) {
        let Some(pr) = &o.principle else { continue };
        let at = match out.iter().position(|x| x.principle.id == pr.id) {
            Some(i) => i,
            None => {
                out.push(PrincipleCounts {
                    principle: pr.clone(),
                    by_status: [0; 6],
                    violated: [0; 2],
                });
                out.len() - 1
            }
        };
        if let Some(x) = out.get_mut(at) {
            for (a, b) in x.by_status.iter_mut().zip(c.by_status) {
                *a += b;
            }
            let sev = match o.severity {
                Some(Severity::Should) => 1,
                _ => 0,
            };
            if let Some(v) = x.violated.get_mut(sev) {
                *v += c.by_status.first().copied().unwrap_or(0);
            }
        }
    }
    out
}

/// Days from `a` to `b`.
pub fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

/// Findings worth listing for a document: violated, pending, unknown and waived, most urgent
/// first.
pub fn flagged(j: &super::Judged) -> Vec<&FindingRow> {
    let mut v: Vec<&FindingRow> = j
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.status,
                Status::Violated | Status::Pending | Status::Unknown | Status::Waived
            )
        })
        .collect();
    v.sort_by_key(|f| {
        let sev = match f.rule.severity {
            Some(Severity::Must) => 0,
            _ => 1,
        };
        (
            super::status_index(f.status),
            sev,
            f.deadline,
            f.rule.id.clone(),
        )
    });
    v
}

/// The names of a document's met findings, in evaluation order.
pub fn met_names(j: &super::Judged) -> Vec<String> {
    j.findings
        .iter()
        .filter(|f| f.status == Status::Met)
        .map(finding_name)
        .collect()
}

/// A finding's name: its rule, and the item it is about.
pub fn finding_name(f: &FindingRow) -> String {
    match &f.item {
        Some(i) => format!("{} [{i}]", f.rule.id),
        None => f.rule.id.clone(),
    }
}

/// `value (n %)` style share of a total, rounded to whole percent.
pub fn percent(n: u64, total: u64) -> String {
    if total == 0 {
        return "0 %".into();
    }
    format!("{} %", (n * 100 + total / 2) / total)
}

/// Whether a document's headline answer came from linked documents.
pub fn headline_from_links(row: &Row) -> bool {
    row.judged().is_some_and(|j| j.headline_by_links)
}

/// Status words for column heads, in the order of [`Status::ALL`].
pub fn status_heads(lang: Lang) -> [&'static str; 6] {
    Status::ALL.map(|s| crate::report::status_word(lang, s))
}

pub fn tri(lang: Lang, t: Option<Tri>) -> &'static str {
    match t {
        Some(t) => crate::report::tri_word(lang, t),
        None => "–",
    }
}

/// What a group value is called when a document has none.
pub fn group_value(lang: Lang, v: &Option<String>) -> String {
    match v {
        Some(s) => s.clone(),
        None => pick(lang, "(ikke oppgitt)", "(ikkje oppgitt)", "(not stated)").to_string(),
    }
}

/// Deadlines listed by default in each list (overdue, upcoming) of the HTML and Markdown reports.
pub const LIST_DEADLINES: usize = 200;

/// Documents given a section of their own by default in the HTML and Markdown reports.
pub const LIST_DOCUMENTS: usize = 500;

/// How much of the portfolio a report lists, document by document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Details {
    /// The most urgent documents with something to act on (violated, pending, unknown), and the
    /// most urgent deadlines, at most [`LIST_DOCUMENTS`] and [`LIST_DEADLINES`]; the rest are
    /// counted and found in the CSV and XLSX.
    #[default]
    Act,
    /// Every document and every deadline.
    All,
}

/// One deadline of one document, as the overdue and upcoming lists show it.
#[derive(Debug, Clone)]
pub struct DeadlineEntry {
    /// The document's position in the portfolio.
    pub index: usize,
    pub name: String,
    pub finding: FindingRow,
    pub deadline: Date,
}

/// A bounded selection: the `limit` entries with the least keys, whatever order they come in.
#[derive(Debug)]
struct Least<K: Ord, V> {
    limit: usize,
    heap: std::collections::BinaryHeap<Keyed<K, V>>,
    seen: u64,
}

#[derive(Debug)]
struct Keyed<K, V>(K, V);

impl<K: Ord, V> PartialEq for Keyed<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<K: Ord, V> Eq for Keyed<K, V> {}
impl<K: Ord, V> PartialOrd for Keyed<K, V> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<K: Ord, V> Ord for Keyed<K, V> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

impl<K: Ord, V> Least<K, V> {
    fn new(limit: usize) -> Self {
        Least {
            limit,
            heap: std::collections::BinaryHeap::new(),
            seen: 0,
        }
    }

    fn push(&mut self, key: K, value: V) {
        self.seen += 1;
        if self.limit == 0 {
            return;
        }
        if self.heap.len() >= self.limit {
            // The greatest key kept is at the top: a new entry replaces it only if it is less.
            match self.heap.peek() {
                Some(top) if key < top.0 => {
                    self.heap.pop();
                }
                _ => return,
            }
        }
        self.heap.push(Keyed(key, value));
    }

    /// Whether an entry with this key would be kept now.
    fn would_keep(&self, key: &K) -> bool {
        self.limit > 0
            && (self.heap.len() < self.limit || self.heap.peek().is_some_and(|top| *key < top.0))
    }

    /// Least key first.
    fn sorted(self) -> Vec<V> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|k| k.1)
            .collect()
    }
}

/// How urgent a document is: grade, then more overdue deadlines, then the nearest deadline, then
/// input order.
type Urgency = (Grade, std::cmp::Reverse<u32>, Option<Date>, usize);

/// What the HTML and Markdown reports list about single documents, chosen from the rows as they
/// stream past ([`crate::portfolio::run_rows`]): bounded, so that the report and the memory that
/// makes it do not grow with the portfolio (unless [`Details::All`] is asked for).
#[derive(Debug)]
pub struct Digest {
    pub details: Details,
    as_of: Date,
    overdue: Least<(std::cmp::Reverse<Date>, usize, usize), DeadlineEntry>,
    upcoming: Least<(Date, usize, usize), DeadlineEntry>,
    act: Least<Urgency, (usize, Row)>,
    next: usize,
}

/// A [`Digest`] once every row has passed: its lists, most urgent first, and how many there were.
#[derive(Debug, Default)]
pub struct Listed {
    pub details: Details,
    /// Overdue deadlines, the most recent first (what can still be mended).
    pub overdue: Vec<DeadlineEntry>,
    pub overdue_total: u64,
    /// Upcoming deadlines, the nearest first.
    pub upcoming: Vec<DeadlineEntry>,
    pub upcoming_total: u64,
    /// Documents with something to act on (with [`Details::All`]: every document), the most
    /// urgent first, with their positions.
    pub documents: Vec<(usize, Row)>,
    pub documents_total: u64,
}

impl Digest {
    pub fn new(details: Details, as_of: Date) -> Digest {
        let (deadlines, documents) = match details {
            Details::Act => (LIST_DEADLINES, LIST_DOCUMENTS),
            Details::All => (usize::MAX, usize::MAX),
        };
        Digest {
            details,
            as_of,
            overdue: Least::new(deadlines),
            upcoming: Least::new(deadlines),
            act: Least::new(documents),
            next: 0,
        }
    }

    /// The next row, in input order, with its messages.
    pub fn add(&mut self, row: Row) {
        self.add_refined(row, &|| None);
    }

    /// The next row, in input order; a row without messages is replaced by `full()` (the same
    /// row with them) when it is listed as a document to act on.
    pub fn add_refined(&mut self, row: Row, full: crate::portfolio::Refine<'_>) {
        let index = self.next;
        self.next += 1;
        if let Some(j) = row.judged() {
            for (n, f) in j.findings.iter().enumerate() {
                let Some(d) = f.deadline else { continue };
                let overdue = f.overdue(self.as_of);
                if !overdue && !f.upcoming(self.as_of) {
                    continue;
                }
                let entry = DeadlineEntry {
                    index,
                    name: row.name().to_string(),
                    finding: f.clone(),
                    deadline: d,
                };
                if overdue {
                    self.overdue.push((std::cmp::Reverse(d), index, n), entry);
                } else {
                    self.upcoming.push((d, index, n), entry);
                }
            }
        }
        let g = row.grade();
        // A waived finding is something to act on too: a decision that runs out.
        let acts = matches!(
            g,
            Grade::ViolatedMust | Grade::ViolatedShould | Grade::Pending | Grade::Unknown
        ) || row.judged().is_some_and(|j| j.waived > 0);
        if acts || self.details == Details::All {
            let j = row.judged();
            let key = (
                g,
                std::cmp::Reverse(j.map_or(0, |j| j.overdue)),
                j.and_then(|j| j.next_deadline),
                index,
            );
            // Only a row that is kept (for now) is evaluated again: with rows in input order, a
            // few times the list's length in all.
            if self.act.would_keep(&key) {
                let row = full().unwrap_or(row);
                self.act.push(key, (index, row));
            } else {
                self.act.seen += 1;
            }
        }
    }

    pub fn finish(self) -> Listed {
        Listed {
            details: self.details,
            overdue_total: self.overdue.seen,
            overdue: self.overdue.sorted(),
            upcoming_total: self.upcoming.seen,
            upcoming: self.upcoming.sorted(),
            documents_total: self.act.seen,
            documents: self.act.sorted(),
        }
    }
}

/// A portfolio judged at one date of a trend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendPoint {
    pub as_of: Date,
    /// Documents evaluated (invalid inputs are not judged at any date).
    pub evaluated: u64,
    /// Documents by [`Grade`].
    pub grades: [u64; 6],
    /// Headline answers: yes, no, unknown.
    pub headline: [u64; 3],
    /// Documents with at least one finding of each status.
    pub with_status: [u64; 6],
    pub overdue: u64,
    pub upcoming: u64,
}

impl TrendPoint {
    pub fn of(p: &Portfolio) -> TrendPoint {
        let a = &p.aggregates;
        TrendPoint {
            as_of: p.as_of,
            evaluated: a.evaluated,
            grades: a.grades,
            headline: a.headline,
            with_status: a.with_status,
            overdue: a.overdue,
            upcoming: a.upcoming,
        }
    }

    /// Documents with no violated obligation, of those evaluated, in whole percent: the line a
    /// trend chart draws.
    pub fn compliant_percent(&self) -> u64 {
        let violated =
            self.grades[Grade::ViolatedMust.index()] + self.grades[Grade::ViolatedShould.index()];
        share(self.evaluated.saturating_sub(violated), self.evaluated)
    }
}

/// `n` of `total` in whole percent, rounded.
pub fn share(n: u64, total: u64) -> u64 {
    (n * 100 + total / 2).checked_div(total).unwrap_or(0)
}

/// How a column of a shares table reads its count from a group's counts.
pub type ShareOf = fn(&super::GroupCounts) -> u64;

/// The columns of a shares table: (what it counts, in words; how to read it from a group's
/// counts). Documents with a violated `must`, with something pending, with something unknown,
/// and (when the rule set has a headline) answering it yes.
///
/// With waivers (`p.waivers`), also the documents with something waived.
pub fn share_columns(meta: &Meta, p: &Portfolio) -> Vec<(String, ShareOf)> {
    let lang = meta.lang();
    let mut v: Vec<(String, ShareOf)> = vec![
        (
            pick(
                lang,
                "med brudd på skal-krav",
                "med brot på skal-krav",
                "with a violated must",
            )
            .into(),
            |c| c.grades[Grade::ViolatedMust.index()],
        ),
        (
            pick(
                lang,
                "med noe som venter",
                "med noko som ventar",
                "with something pending",
            )
            .into(),
            |c| c.with_status[super::status_index(Status::Pending)],
        ),
        (
            pick(
                lang,
                "med noe ukjent",
                "med noko ukjend",
                "with something unknown",
            )
            .into(),
            |c| c.with_status[super::status_index(Status::Unknown)],
        ),
    ];
    if !p.waivers.is_empty() {
        v.push((
            crate::text::pick(
                lang,
                "med noe unntatt",
                "med noko unnateke",
                "with something waived",
            )
            .into(),
            |c| c.with_waived,
        ));
    }
    if let Some(h) = meta.headline_title() {
        v.push((format!("{h}: {}", pick(lang, "ja", "ja", "yes")), |c| {
            c.headline[0]
        }));
    }
    v
}

/// How pressing a waiver of the run is, the most pressing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WaiverUrgency {
    /// Past its expiry: it covers nothing, and the findings it covered count again.
    Expired,
    /// In force, running out within [`crate::waiver::EXPIRING_DAYS`].
    ExpiringSoon,
    /// In force.
    InForce,
    /// In force, but no finding needs it.
    NotNeeded,
}

impl WaiverUrgency {
    pub fn name(self) -> &'static str {
        match self {
            WaiverUrgency::Expired => "expired",
            WaiverUrgency::ExpiringSoon => "expiring_soon",
            WaiverUrgency::InForce => "in_force",
            WaiverUrgency::NotNeeded => "not_needed",
        }
    }

    pub fn word(self, lang: Lang) -> &'static str {
        use crate::text::pick;
        match self {
            WaiverUrgency::Expired => pick(lang, "utløpt", "gått ut", "expired"),
            WaiverUrgency::ExpiringSoon => {
                pick(lang, "utløper snart", "går snart ut", "expiring soon")
            }
            WaiverUrgency::InForce => pick(lang, "gjelder", "gjeld", "in force"),
            WaiverUrgency::NotNeeded => {
                pick(lang, "ikke nødvendig", "ikkje naudsynt", "not needed")
            }
        }
    }
}

/// One waiver as the reports list it.
#[derive(Debug, Clone)]
pub struct WaiverLine<'a> {
    pub waiver: &'a crate::finding::Waiver,
    pub urgency: WaiverUrgency,
    /// Findings it covers on the as-of date.
    pub covers: u64,
}

/// The run's waivers, the most pressing first: expired ones (the latest expiry first: the
/// freshest lapse), those expiring within [`crate::waiver::EXPIRING_DAYS`] (the nearest expiry
/// first), those in force, those no finding needs; ties in file order.
pub fn waiver_lines(p: &Portfolio) -> Vec<WaiverLine<'_>> {
    use crate::report::WaiverState;
    let mut v: Vec<(usize, WaiverLine<'_>)> = p
        .waivers
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let (urgency, covers) = match u.state {
                WaiverState::Expired => (WaiverUrgency::Expired, 0),
                WaiverState::NotNeeded => (WaiverUrgency::NotNeeded, 0),
                WaiverState::Used(n) if crate::waiver::expiring_soon(&u.waiver, p.as_of) => {
                    (WaiverUrgency::ExpiringSoon, n as u64)
                }
                WaiverState::Used(n) => (WaiverUrgency::InForce, n as u64),
            };
            let line = WaiverLine {
                waiver: &u.waiver,
                urgency,
                covers,
            };
            (i, line)
        })
        .collect();
    v.sort_by_key(|(i, l)| {
        let expiry = match l.urgency {
            WaiverUrgency::Expired => -days_between(l.waiver.expires, p.as_of),
            _ => days_between(p.as_of, l.waiver.expires),
        };
        (l.urgency, expiry, *i)
    });
    v.into_iter().map(|(_, l)| l).collect()
}

/// The heads of a waiver list's columns.
pub fn waiver_heads(lang: Lang) -> [&'static str; 6] {
    use crate::text::pick;
    [
        pick(lang, "unntak", "unntak", "waiver"),
        pick(lang, "krav", "krav", "rules"),
        pick(
            lang,
            "gjelder til og med",
            "gjeld til og med",
            "in force until",
        ),
        pick(lang, "status", "status", "state"),
        pick(lang, "dekker funn", "dekkjer funn", "findings covered"),
        pick(lang, "begrunnelse", "grunngjeving", "reason"),
    ]
}

/// The waiver list's heading.
pub fn waiver_title(lang: Lang) -> &'static str {
    crate::text::pick(lang, "Unntak", "Unntak", "Waivers")
}

/// The line under the waiver list's heading: what is counted.
pub fn waiver_summary(lang: Lang, p: &Portfolio) -> String {
    let a = &p.aggregates;
    let (n, docs) = (a.waived, a.with_waived);
    let pc = share(docs, a.evaluated);
    match lang {
        Lang::Nb => format!(
            "Unntatte funn: {n}, i {docs} av {} dokumenter ({pc} %). Utløpte unntak dekker ingenting; unntak som utløper innen {} dager, står først etter dem.",
            a.evaluated,
            crate::waiver::EXPIRING_DAYS
        ),
        Lang::Nn => format!(
            "Unnatekne funn: {n}, i {docs} av {} dokument ({pc} %). Unntak som har gått ut, dekkjer ingenting; unntak som går ut innan {} dagar, står først etter dei.",
            a.evaluated,
            crate::waiver::EXPIRING_DAYS
        ),
        Lang::En => format!(
            "Waived findings: {n}, in {docs} of {} documents ({pc} %). Expired waivers cover nothing; waivers expiring within {} days come next.",
            a.evaluated,
            crate::waiver::EXPIRING_DAYS
        ),
    }
}

/// A received value in plain words: what the document received, from which document, through
/// which of its links.
pub fn received_words(meta: &Meta, n: &ReceivedNote) -> String {
    let lang = meta.lang();
    let fact = meta
        .fact_titles
        .iter()
        .find(|(id, _)| *id == n.fact)
        .map(|(_, t)| t.get(lang).to_string())
        .unwrap_or_else(|| n.fact.clone());
    let value = crate::report::tri_word(lang, n.value);
    let mut s = match lang {
        Lang::Nb => format!(
            "«{fact}: {value}» kommer fra {}, som dette dokumentet viser til i feltet «{}»",
            n.via, n.along
        ),
        Lang::Nn => format!(
            "«{fact}: {value}» kjem frå {}, som dette dokumentet viser til i feltet «{}»",
            n.via, n.along
        ),
        Lang::En => format!(
            "\"{fact}: {value}\" comes from {}, which this document names in its field \"{}\"",
            n.via, n.along
        ),
    };
    if let Some(o) = &n.origin {
        s.push_str(&match lang {
            Lang::Nb => format!(" (og dit fra {o})"),
            Lang::Nn => format!(" (og dit frå {o})"),
            Lang::En => format!(" (and there from {o})"),
        });
    }
    s
}

impl Listed {
    /// The lists of a portfolio that kept its rows ([`crate::portfolio::Detail::Rows`]).
    pub fn of(p: &Portfolio, details: Details) -> Listed {
        let mut d = Digest::new(details, p.as_of);
        for row in &p.rows {
            d.add(row.clone());
        }
        d.finish()
    }

    /// The rules whose findings the listed documents show, each once, in order of first
    /// appearance: the appendix of sources.
    pub fn rules(&self) -> Vec<std::sync::Arc<crate::finding::RuleInfo>> {
        let mut out: Vec<std::sync::Arc<crate::finding::RuleInfo>> = Vec::new();
        for (_, row) in &self.documents {
            let Some(j) = row.judged() else { continue };
            for f in flagged(j) {
                if !out.iter().any(|r| r.id == f.rule.id) {
                    out.push(f.rule.clone());
                }
            }
        }
        out
    }
}

/// What a cut list says: how many are not shown, and where they are.
pub fn cut_note(lang: Lang, shown: usize, total: u64) -> Option<String> {
    let rest = total.saturating_sub(shown as u64);
    (rest > 0).then(|| match lang {
        Lang::Nb => format!(
            "{rest} til vises ikke her. Alle står i regnearket (--format xlsx) og i CSV \
             (--format csv --csv-level finding); --details all viser alle i denne rapporten."
        ),
        Lang::Nn => format!(
            "{rest} til er ikkje viste her. Alle står i reknearket (--format xlsx) og i CSV \
             (--format csv --csv-level finding); --details all viser alle i denne rapporten."
        ),
        Lang::En => format!(
            "{rest} more are not shown here. All of them are in the spreadsheet (--format xlsx) \
             and the CSV (--format csv --csv-level finding); --details all shows all of them in \
             this report."
        ),
    })
}

/// A link field named in plain words: "part_of → X" as "names X in its field part_of".
pub fn link_words(lang: Lang, field: &str, key: &str) -> String {
    match lang {
        Lang::Nb | Lang::Nn => format!("viser til {key} i feltet «{field}»"),
        Lang::En => format!("names {key} in its field \"{field}\""),
    }
}

/// The run's declared propagations, as the links section lists them: each one's title, what it
/// does in plain words, and how many documents got another answer from it.
pub fn propagations(meta: &Meta, p: &Portfolio) -> Vec<(String, String, u64)> {
    let lang = meta.lang();
    let mut v = Vec::new();
    for (fact, along, direction, title) in &meta.propagations {
        let n = p.graph.received.iter().find(|(f, _)| f == fact);
        let name = meta.fact_titles.iter().find(|(id, _)| id == fact);
        let name = name.map_or(fact.as_str(), |(_, t)| t.get(lang));
        let words = propagation_words(lang, name, along, direction);
        v.push((title.get(lang).to_string(), words, n.map_or(0, |(_, n)| *n)));
    }
    v
}

/// A declared propagation in plain words.
pub fn propagation_words(lang: Lang, fact: &str, along: &str, direction: &str) -> String {
    let to = direction == "to_target";
    match (lang, to) {
        (Lang::Nb, true) => format!(
            "«{fact}» går videre til dokumentet som et dokument viser til i feltet «{along}»"
        ),
        (Lang::Nb, false) => {
            format!("«{fact}» hentes fra dokumentet som et dokument viser til i feltet «{along}»")
        }
        (Lang::Nn, true) => format!(
            "«{fact}» går vidare til dokumentet som eit dokument viser til i feltet «{along}»"
        ),
        (Lang::Nn, false) => {
            format!(
                "«{fact}» blir henta frå dokumentet som eit dokument viser til i feltet «{along}»"
            )
        }
        (Lang::En, true) => format!(
            "\"{fact}\" passes on to the document a document names in its field \"{along}\""
        ),
        (Lang::En, false) => format!(
            "\"{fact}\" is taken from the document a document names in its field \"{along}\""
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_keeps_the_least_keys_in_any_order_and_counts_all() {
        let mut l: Least<u32, u32> = Least::new(3);
        for k in [9, 1, 7, 3, 8, 2, 5] {
            l.push(k, k * 10);
        }
        assert_eq!(l.seen, 7);
        assert_eq!(l.sorted(), vec![10, 20, 30]);
        let mut none: Least<u32, ()> = Least::new(0);
        none.push(1, ());
        assert_eq!((none.seen, none.sorted().len()), (1, 0));
    }

    #[test]
    fn shares_round_to_whole_percent() {
        assert_eq!(share(1, 3), 33);
        assert_eq!(share(2, 3), 67);
        assert_eq!(share(5, 0), 0);
        assert_eq!(share(7, 7), 100);
    }
}
