//! The portfolio as a spreadsheet (Office Open XML, via `rust_xlsxwriter`): a sheet of documents
//! (one row per input), of findings (one per finding, and one per invalid input), of deadlines
//! (every overdue and upcoming one) and, with `--trend`, of the portfolio judged at each date.
//! Headers in the run's language, counts as numbers, dates as dates; every sheet has a frozen
//! header row and a filter on its columns.
//!
//! Rows are written as a run hands them over ([`crate::portfolio::run_rows`]), each sheet in
//! constant-memory mode (spilled to a temporary file), so the memory does not grow with the
//! portfolio. A sheet holds at most Excel's 1 048 576 rows: a longer one ends with a row that
//! says where it continues, and goes on in a sheet of the same name and a number («Funn 2»),
//! placed after it, with the same header; [`Xlsx::finish`] names the sheets that were continued,
//! for the command to say on standard error. With waivers, a sheet lists them, the most
//! pressing first.
//!
//! The container is compressed at zip level 1, not rust_xlsxwriter's default 6: on 100 000
//! generated documents the deflate of the sheets took about half of the run (perf), and level 1
//! makes the file somewhat larger for much less time (BENCHMARKS.md, portfolio).

use super::{Meta, TrendPoint, csv, received_words, share};
use crate::portfolio::{Grade, Portfolio, Row, RowOutcome};
use crate::report::{status_word, tri_name};
use crate::text::pick;
use jiff::civil::Date;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// Rows in one sheet, the header included (Excel's limit).
pub const MAX_ROWS: u32 = 1_048_576;

/// A cell of a row.
enum Cell {
    Text(String),
    Number(f64),
    Date(Date),
    Empty,
}

/// Zip compression of the workbook (1 fastest … 9 smallest).
const ZIP_LEVEL: u8 = 1;

/// One sheet being written, and the sheets that continue it: its name and header, the index of
/// each part in the workbook, the next row of the last part.
struct Sheet {
    name: String,
    head: Vec<String>,
    parts: Vec<usize>,
    next: u32,
    width: u16,
}

/// A sheet that went on in others because Excel's row limit cut it: (its name, theirs).
pub type Continued = (String, Vec<String>);

/// A workbook being written row by row.
pub struct Xlsx {
    book: Workbook,
    date: Format,
    bold: Format,
    documents: Sheet,
    findings: Sheet,
    deadlines: Sheet,
    trend: Option<Sheet>,
    as_of: Date,
    lang: crate::text::Lang,
    /// Rows of waiver columns (the run applies waivers).
    waivers: bool,
    /// Rows in one sheet, the header included: [`MAX_ROWS`] but in tests.
    limit: u32,
    error: Option<XlsxError>,
}

impl Xlsx {
    /// A workbook with its sheets and header rows.
    pub fn new(meta: &Meta, as_of: Date) -> Result<Xlsx, XlsxError> {
        let lang = meta.lang();
        let mut book = Workbook::new();
        book.set_zip_compression_level(ZIP_LEVEL);
        // The file's creation time is the run's as-of date, not the clock: the same inputs give
        // the same bytes, as every other format does.
        let created =
            ExcelDateTime::from_ymd(as_of.year() as u16, as_of.month() as u8, as_of.day() as u8)?;
        book.set_properties(&DocProperties::new().set_creation_datetime(&created));
        let bold = Format::new().set_bold();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let mut sheet = |name: &str, head: Vec<String>| -> Result<Sheet, XlsxError> {
            let index = add_sheet(&mut book, name, &head, &bold)?;
            Ok(Sheet {
                name: name.to_string(),
                width: col(head.len()),
                head,
                parts: vec![index],
                next: 1,
            })
        };
        let documents = sheet(
            pick(lang, "Dokumenter", "Dokument", "Documents"),
            csv::columns(meta, false),
        )?;
        let findings = sheet(
            pick(lang, "Funn", "Funn", "Findings"),
            csv::columns(meta, true),
        )?;
        let deadlines = sheet(
            pick(lang, "Frister", "Fristar", "Deadlines"),
            deadline_columns(meta),
        )?;
        let trend = if meta.trend.is_empty() {
            None
        } else {
            Some(sheet(
                pick(lang, "Utvikling", "Utvikling", "Trend"),
                trend_columns(meta),
            )?)
        };
        Ok(Xlsx {
            book,
            date,
            bold,
            documents,
            findings,
            deadlines,
            trend,
            as_of,
            lang,
            waivers: meta.waivers,
            limit: MAX_ROWS,
            error: None,
        })
    }

    /// The same workbook with at most `rows` rows in a sheet (at least 3, at most
    /// [`MAX_ROWS`]): for tests of what happens at Excel's limit without a million rows.
    pub fn with_sheet_rows(mut self, rows: u32) -> Xlsx {
        self.limit = rows.clamp(3, MAX_ROWS);
        self
    }

    /// The next input's rows, in input order.
    pub fn add(&mut self, meta: &Meta, row: &Row) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = self.add_inner(meta, row) {
            self.error = Some(e);
        }
    }

    fn add_inner(&mut self, meta: &Meta, row: &Row) -> Result<(), XlsxError> {
        let lang = meta.lang();
        let lead = || {
            let mut v = vec![
                Cell::Text(row.label.clone()),
                text(row.key.clone()),
                text(row.title.clone()),
            ];
            v.extend(row.groups.iter().map(|g| text(g.clone())));
            v
        };
        // Documents.
        let mut v = lead();
        match &row.outcome {
            RowOutcome::Judged(j) => {
                if meta.run.headline.is_some() {
                    v.push(Cell::Text(
                        j.headline.map(tri_name).unwrap_or_default().into(),
                    ));
                    v.push(yes_no(j.headline_by_links));
                }
                v.push(Cell::Text(j.grade.name().into()));
                v.extend(j.violated.iter().map(|n| Cell::Number(f64::from(*n))));
                v.extend(j.counts.iter().map(|n| Cell::Number(f64::from(*n))));
                v.push(Cell::Number(f64::from(j.overdue)));
                v.push(Cell::Number(f64::from(j.upcoming)));
                v.push(j.next_deadline.map_or(Cell::Empty, Cell::Date));
                let r: Vec<String> = j.received.iter().map(|n| received_words(meta, n)).collect();
                v.push(Cell::Text(r.join("; ")));
                let p: Vec<String> = j
                    .problems
                    .iter()
                    .map(|x| super::problem_text(lang, x))
                    .collect();
                v.push(Cell::Text(p.join("; ")));
                if self.waivers {
                    v.push(Cell::Empty);
                    v.push(Cell::Number(f64::from(j.waived)));
                }
            }
            RowOutcome::Invalid(errors) => {
                if meta.run.headline.is_some() {
                    v.extend([Cell::Empty, Cell::Empty]);
                }
                v.push(Cell::Text(Grade::Invalid.name().into()));
                v.extend((0..13).map(|_| Cell::Empty));
                v.push(Cell::Text(errors_text(errors)));
            }
        }
        self.put(Which::Documents, v)?;
        // Findings and deadlines.
        match &row.outcome {
            RowOutcome::Judged(j) => {
                for f in &j.findings {
                    let mut v = lead();
                    v.extend([
                        Cell::Text(f.rule.id.clone()),
                        Cell::Text(f.rule.severity.map(|s| s.name()).unwrap_or_default().into()),
                        text(f.rule.principle.as_ref().map(|x| x.id.clone())),
                        text(f.item.clone()),
                        Cell::Text(f.status.name().into()),
                        f.deadline.map_or(Cell::Empty, Cell::Date),
                        yes_no(f.overdue(self.as_of)),
                        yes_no(f.by_links),
                        Cell::Text(crate::report::message_cell(
                            lang,
                            &f.message,
                            &f.assumptions,
                        )),
                        Cell::Text(f.missing.join(" ")),
                    ]);
                    if self.waivers
                        && let Some(n) = &f.waiver
                    {
                        // After the (empty) errors column, as in the CSV.
                        v.extend([
                            Cell::Empty,
                            Cell::Text(n.waiver.id.clone()),
                            Cell::Date(n.waiver.expires),
                            Cell::Text(n.waiver.reason.clone()),
                        ]);
                    }
                    self.put(Which::Findings, v)?;
                    let Some(d) = f.deadline else { continue };
                    let overdue = f.overdue(self.as_of);
                    if !overdue && !f.upcoming(self.as_of) {
                        continue;
                    }
                    let days = if overdue {
                        super::days_between(d, self.as_of)
                    } else {
                        super::days_between(self.as_of, d)
                    };
                    let mut v = vec![
                        Cell::Text(
                            if overdue {
                                pick(lang, "forfalt", "forfalle", "overdue")
                            } else {
                                pick(lang, "kommende", "komande", "upcoming")
                            }
                            .into(),
                        ),
                        Cell::Date(d),
                        Cell::Number(days as f64),
                    ];
                    v.extend(lead());
                    v.extend([
                        Cell::Text(f.rule.id.clone()),
                        text(f.item.clone()),
                        Cell::Text(status_word(lang, f.status).into()),
                    ]);
                    self.put(Which::Deadlines, v)?;
                }
            }
            RowOutcome::Invalid(errors) => {
                let mut v = lead();
                v.extend((0..4).map(|_| Cell::Empty));
                v.push(Cell::Text(Grade::Invalid.name().into()));
                v.extend((0..5).map(|_| Cell::Empty));
                v.push(Cell::Text(errors_text(errors)));
                self.put(Which::Findings, v)?;
            }
        }
        Ok(())
    }

    fn put(&mut self, which: Which, cells: Vec<Cell>) -> Result<(), XlsxError> {
        let lang = self.lang;
        let (sheet, date) = match which {
            Which::Documents => (&mut self.documents, &self.date),
            Which::Findings => (&mut self.findings, &self.date),
            Which::Deadlines => (&mut self.deadlines, &self.date),
            Which::Trend => match self.trend.as_mut() {
                Some(t) => (t, &self.date),
                None => return Ok(()),
            },
        };
        // The last row of a full sheet says where the rows go on; the next part starts with
        // the same header.
        if sheet.next >= self.limit - 1 {
            let name = format!("{} {}", sheet.name, sheet.parts.len() + 1);
            let last = sheet.parts.last().copied().unwrap_or(0);
            let ws = self.book.worksheet_from_index(last)?;
            let note = match lang {
                crate::text::Lang::Nb => format!(
                    "Excel tar {MAX_ROWS} rader i et ark: radene fortsetter i arket «{name}»"
                ),
                crate::text::Lang::Nn => format!(
                    "Excel tek {MAX_ROWS} rader i eit ark: radene held fram i arket «{name}»"
                ),
                crate::text::Lang::En => format!(
                    "Excel holds {MAX_ROWS} rows in a sheet: the rows go on in the sheet \"{name}\""
                ),
            };
            ws.write_string_with_format(sheet.next, 0, &note, &self.bold)?;
            let index = add_sheet(&mut self.book, &name, &sheet.head, &self.bold)?;
            sheet.parts.push(index);
            sheet.next = 1;
        }
        let at = sheet.parts.last().copied().unwrap_or(0);
        let ws = self.book.worksheet_from_index(at)?;
        write_row(ws, sheet.next, &cells, date)?;
        sheet.next += 1;
        Ok(())
    }

    /// The trend sheet's rows (after the documents), the waivers of `p` (a sheet of their own
    /// when there are any), the filters, and the workbook, written to `out`. Returns the sheets
    /// that went on in others.
    pub fn finish<W: std::io::Write + Send>(
        mut self,
        meta: &Meta,
        p: &Portfolio,
        out: W,
    ) -> Result<Vec<Continued>, XlsxError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        for t in &meta.trend {
            let v = trend_row(meta, t);
            self.put(Which::Trend, v)?;
        }
        let lines = super::waiver_lines(p);
        let mut waivers = None;
        if !lines.is_empty() {
            let lang = meta.lang();
            let head: Vec<String> = super::waiver_heads(lang)
                .iter()
                .map(|h| h.to_string())
                .chain([
                    meta.key_field.clone(),
                    crate::text::pick(lang, "grunnlag", "grunnlag", "basis").into(),
                    crate::text::pick(lang, "besluttet av", "vedteke av", "decided by").into(),
                    crate::text::pick(lang, "besluttet", "vedteke", "decided on").into(),
                ])
                .collect();
            let name = super::waiver_title(lang);
            let index = add_sheet(&mut self.book, name, &head, &self.bold)?;
            let ws = self.book.worksheet_from_index(index)?;
            let mut r = 1u32;
            for l in &lines {
                let w = l.waiver;
                let cells = [
                    Cell::Text(w.id.clone()),
                    Cell::Text(w.rules.join(" ")),
                    Cell::Date(w.expires),
                    Cell::Text(l.urgency.word(lang).into()),
                    Cell::Number(l.covers as f64),
                    Cell::Text(w.reason.clone()),
                    Cell::Text(w.initiatives.join(" ")),
                    Cell::Text(w.basis.clone()),
                    Cell::Text(w.decided_by.clone()),
                    Cell::Date(w.decided_on),
                ];
                write_row(ws, r, &cells, &self.date)?;
                r += 1;
            }
            waivers = Some(Sheet {
                name: name.to_string(),
                width: col(head.len()),
                head,
                parts: vec![index],
                next: r,
            });
        }
        let limit = self.limit;
        let sheets = [
            Some(&self.documents),
            Some(&self.findings),
            Some(&self.deadlines),
            self.trend.as_ref(),
            waivers.as_ref(),
        ];
        let mut continued = Vec::new();
        let mut order = Vec::new();
        for sheet in sheets.into_iter().flatten() {
            let n = sheet.parts.len();
            for (k, &index) in sheet.parts.iter().enumerate() {
                let ws = self.book.worksheet_from_index(index)?;
                // Every part but the last is full, its last row the note.
                let last = if k + 1 < n {
                    limit - 2
                } else {
                    sheet.next.saturating_sub(1).max(1)
                };
                ws.autofilter(0, 0, last, sheet.width.saturating_sub(1))?;
                order.push(index);
            }
            if n > 1 {
                let names = (2..=n).map(|k| format!("{} {k}", sheet.name)).collect();
                continued.push((sheet.name.clone(), names));
            }
        }
        // Each sheet's continuations right after it, not after the sheets made before them.
        let sheets = self.book.worksheets_mut();
        let mut all: Vec<Option<Worksheet>> = sheets.drain(..).map(Some).collect();
        for i in order {
            if let Some(ws) = all.get_mut(i).and_then(Option::take) {
                sheets.push(ws);
            }
        }
        self.book.save_to_writer(out)?;
        Ok(continued)
    }
}

/// A sheet in constant-memory mode with its header row, frozen; its index in the workbook.
fn add_sheet(
    book: &mut Workbook,
    name: &str,
    head: &[String],
    bold: &Format,
) -> Result<usize, XlsxError> {
    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name(name)?;
    let index = book.worksheets_mut().len() - 1;
    let ws = book.worksheet_from_index(index)?;
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, col(c), h, bold)?;
        ws.set_column_width(col(c), (h.chars().count() as f64 + 2.0).clamp(10.0, 40.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(index)
}

enum Which {
    Documents,
    Findings,
    Deadlines,
    Trend,
}

fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

fn text(s: Option<String>) -> Cell {
    s.map_or(Cell::Empty, Cell::Text)
}

fn yes_no(b: bool) -> Cell {
    Cell::Text(if b { "yes" } else { "no" }.into())
}

fn errors_text(errors: &[crate::portfolio::ErrorLine]) -> String {
    let e: Vec<String> = errors.iter().map(|e| e.one_line()).collect();
    e.join("; ")
}

fn write_row(ws: &mut Worksheet, r: u32, cells: &[Cell], date: &Format) -> Result<(), XlsxError> {
    for (c, cell) in cells.iter().enumerate() {
        let c = col(c);
        match cell {
            // Text is written as text: a cell starting with `=` stays a string, not a formula.
            Cell::Text(s) if !s.is_empty() => {
                ws.write_string(r, c, s)?;
            }
            Cell::Number(n) => {
                ws.write_number(r, c, *n)?;
            }
            Cell::Date(d) => {
                let x = excel_date(*d)?;
                ws.write_date_with_format(r, c, &x, date)?;
            }
            Cell::Text(_) | Cell::Empty => {}
        }
    }
    Ok(())
}

fn excel_date(d: Date) -> Result<ExcelDateTime, XlsxError> {
    let y = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
    ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8)
}

fn deadline_columns(meta: &Meta) -> Vec<String> {
    let lang = meta.lang();
    let mut v: Vec<String> = vec![
        pick(lang, "liste", "liste", "list").into(),
        pick(lang, "frist", "frist", "deadline").into(),
        pick(
            lang,
            "dager over eller igjen",
            "dagar over eller att",
            "days late or left",
        )
        .into(),
        pick(lang, "fil", "fil", "file").into(),
        meta.key_field.clone(),
        pick(lang, "tittel", "tittel", "title").into(),
    ];
    v.extend(meta.groups.iter().map(|(_, t)| t.get(lang).to_string()));
    v.extend([
        pick(lang, "krav", "krav", "rule").to_string(),
        pick(lang, "element", "element", "item").to_string(),
        pick(lang, "status", "status", "status").to_string(),
    ]);
    v
}

fn trend_columns(meta: &Meta) -> Vec<String> {
    let lang = meta.lang();
    let mut v: Vec<String> = vec![
        pick(lang, "per", "per", "as of").into(),
        pick(lang, "vurdert", "vurdert", "evaluated").into(),
        pick(
            lang,
            "uten brudd (%)",
            "utan brot (%)",
            "without violation (%)",
        )
        .into(),
    ];
    v.extend(
        Grade::ALL[..5]
            .iter()
            .map(|g| super::grade_word(lang, *g).to_string()),
    );
    if let Some(h) = meta.headline_title() {
        v.push(format!("{h}: {}", pick(lang, "ja", "ja", "yes")));
    }
    v.push(pick(lang, "forfalt", "forfalle", "overdue").into());
    v.push(pick(lang, "snart", "snart", "upcoming").into());
    v
}

fn trend_row(meta: &Meta, t: &TrendPoint) -> Vec<Cell> {
    let mut v = vec![
        Cell::Date(t.as_of),
        Cell::Number(t.evaluated as f64),
        Cell::Number(t.compliant_percent() as f64),
    ];
    v.extend(t.grades[..5].iter().map(|n| Cell::Number(*n as f64)));
    if meta.headline_title().is_some() {
        v.push(Cell::Number(t.headline[0] as f64));
    }
    v.push(Cell::Number(t.overdue as f64));
    v.push(Cell::Number(t.upcoming as f64));
    let _ = share;
    v
}
