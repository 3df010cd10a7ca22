//! The portfolio as a spreadsheet (Office Open XML, via `rust_xlsxwriter`): a sheet of documents
//! (one row per input), of findings (one per finding, and one per invalid input), of deadlines
//! (every overdue and upcoming one) and, with `--trend`, of the portfolio judged at each date.
//! Headers in the run's language, counts as numbers, dates as dates; every sheet has a frozen
//! header row and a filter on its columns.
//!
//! Rows are written as a run hands them over ([`crate::portfolio::run_rows`]), each sheet in
//! constant-memory mode (spilled to a temporary file), so the memory does not grow with the
//! portfolio. A sheet holds at most Excel's 1 048 576 rows: a longer one ends with a row that
//! says how many more there were and where they are (the CSV).

use super::{Meta, TrendPoint, csv, received_words, share};
use crate::portfolio::{Grade, Row, RowOutcome};
use crate::report::{status_word, tri_name};
use crate::text::pick;
use jiff::civil::Date;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// Rows in one sheet, the header included (Excel's limit).
pub const MAX_ROWS: u32 = 1_048_576;

/// A cell of a row.
enum Cell {
    Text(String),
    Number(f64),
    Date(Date),
    Empty,
}

/// One sheet being written: its next row, its width, how many rows did not fit.
struct Sheet {
    index: usize,
    next: u32,
    width: u16,
    dropped: u64,
}

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
    error: Option<XlsxError>,
}

impl Xlsx {
    /// A workbook with its sheets and header rows.
    pub fn new(meta: &Meta, as_of: Date) -> Result<Xlsx, XlsxError> {
        let lang = meta.lang();
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let mut sheet = |name: &str, head: Vec<String>| -> Result<Sheet, XlsxError> {
            let ws = book.add_worksheet_with_constant_memory()?;
            ws.set_name(name)?;
            let index = book.worksheets_mut().len() - 1;
            let ws = book.worksheet_from_index(index)?;
            for (c, h) in head.iter().enumerate() {
                ws.write_string_with_format(0, col(c), h, &bold)?;
                ws.set_column_width(col(c), (h.chars().count() as f64 + 2.0).clamp(10.0, 40.0))?;
            }
            ws.set_freeze_panes(1, 0)?;
            Ok(Sheet {
                index,
                next: 1,
                width: col(head.len()),
                dropped: 0,
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
            error: None,
        })
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
                        Cell::Text(f.message.get(lang).to_string()),
                        Cell::Text(f.missing.join(" ")),
                    ]);
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
        let (sheet, date) = match which {
            Which::Documents => (&mut self.documents, &self.date),
            Which::Findings => (&mut self.findings, &self.date),
            Which::Deadlines => (&mut self.deadlines, &self.date),
            Which::Trend => match self.trend.as_mut() {
                Some(t) => (t, &self.date),
                None => return Ok(()),
            },
        };
        // The last row of a full sheet is kept for the note that says what did not fit.
        if sheet.next >= MAX_ROWS - 1 {
            sheet.dropped += 1;
            return Ok(());
        }
        let ws = self.book.worksheet_from_index(sheet.index)?;
        write_row(ws, sheet.next, &cells, date)?;
        sheet.next += 1;
        Ok(())
    }

    /// The trend sheet's rows (after the documents), the filters, and the workbook, written to
    /// `out`.
    pub fn finish<W: std::io::Write + Send>(
        mut self,
        meta: &Meta,
        out: W,
    ) -> Result<(), XlsxError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        for t in &meta.trend {
            let v = trend_row(meta, t);
            self.put(Which::Trend, v)?;
        }
        let lang = meta.lang();
        let sheets = [
            Some(&self.documents),
            Some(&self.findings),
            Some(&self.deadlines),
            self.trend.as_ref(),
        ];
        for sheet in sheets.into_iter().flatten() {
            let ws = self.book.worksheet_from_index(sheet.index)?;
            if sheet.dropped > 0 {
                let note = match lang {
                    crate::text::Lang::Nb => format!(
                        "{} rader til fikk ikke plass (Excel tar {MAX_ROWS} rader); alle står i CSV (--format csv)",
                        sheet.dropped
                    ),
                    crate::text::Lang::Nn => format!(
                        "{} rader til fekk ikkje plass (Excel tek {MAX_ROWS} rader); alle står i CSV (--format csv)",
                        sheet.dropped
                    ),
                    crate::text::Lang::En => format!(
                        "{} more rows did not fit (Excel holds {MAX_ROWS} rows); all of them are in the CSV (--format csv)",
                        sheet.dropped
                    ),
                };
                ws.write_string_with_format(sheet.next, 0, &note, &self.bold)?;
            }
            let last = sheet.next.saturating_sub(1).max(1);
            ws.autofilter(0, 0, last, sheet.width.saturating_sub(1))?;
        }
        self.book.save_to_writer(out)
    }
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
