"""Read a `samstyr report --format xlsx` workbook back with openpyxl and hold it against the JSON
report of the same run: sheet names, header rows, dates typed as dates, frozen header rows and
filters, and row counts equal to the JSON's. Used by tests/portfolio.rs (xlsx_read_back_by_openpyxl).

    python3 scripts/xlsx_check.py REPORT.xlsx REPORT.json
"""
import datetime
import json
import sys

import openpyxl


def main(xlsx_path, json_path):
    report = json.load(open(json_path, encoding="utf-8"))
    # read_only=False: freeze panes and filters are only read in the full mode.
    book = openpyxl.load_workbook(xlsx_path)
    nb = report["lang"] == "nb"
    names = ["Dokumenter", "Funn", "Frister", "Utvikling"] if nb else [
        "Documents", "Findings", "Deadlines", "Trend"]
    assert book.sheetnames == names, book.sheetnames
    docs, findings, deadlines, trend = (book[n] for n in names)

    def header(ws):
        return [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]

    def rows(ws):
        return ws.max_row - 1

    head = header(docs)
    key = "vurdering" if nb else "standing"
    assert head[:3] == (["fil", "id", "tittel"] if nb else ["file", "id", "title"]), head
    assert key in head, head
    assert "Departement" in head if nb else "Ministry" in head, head
    totals = report["totals"]
    assert rows(docs) == totals["inputs"], (rows(docs), totals)
    by_status = report["findings"]["by_status"]
    # One row per finding, and one per invalid input.
    assert rows(findings) == sum(by_status.values()) + totals["invalid"], (
        rows(findings), by_status, totals)
    d = report["deadlines"]
    assert rows(deadlines) == d["overdue"] + d["upcoming"], (rows(deadlines), d)
    assert rows(trend) == len(report["trend"]) > 0, (rows(trend), len(report["trend"]))
    for ws in (docs, findings, deadlines, trend):
        assert ws.freeze_panes == "A2", (ws.title, ws.freeze_panes)
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), (ws.title, ws.auto_filter.ref)
        assert all(isinstance(v, str) and v for v in header(ws)), (ws.title, header(ws))
    # Dates are dates: the deadlines sheet's second column, the trend's first.
    deadline = deadlines.cell(row=2, column=2)
    assert deadline.is_date and isinstance(deadline.value, datetime.datetime), deadline.value
    first = trend.cell(row=2, column=1)
    assert first.is_date, first.value
    assert first.value.date().isoformat() == report["trend"][0]["as_of"], first.value
    # Counts are numbers.
    col = head.index("brudd skal" if nb else "violated must") + 1
    numbers = [docs.cell(row=r, column=col).value for r in range(2, docs.max_row + 1)]
    assert any(isinstance(v, (int, float)) for v in numbers), numbers
    print(f"ok: {xlsx_path}: {book.sheetnames}, rows {rows(docs)}/{rows(findings)}/{rows(deadlines)}/{rows(trend)}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
