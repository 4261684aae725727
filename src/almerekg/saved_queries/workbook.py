"""A saved query's answer as an Excel workbook (.xlsx): what StatLine users download, and a file that adds up.

The CSV downloads leave it to the spreadsheet to guess which text is a number (Dutch Excel guesses per locale);
a workbook says it. Three sheets:

* `Tabel`: the table as printed, laid out by report_grid (a header for every column, every count the number
  the data use, what the report prints instead in the column `gedrukt`), counts written as numbers;
* `Regels`: every result row, a header row of readable column names, numbers as numbers, IRIs in full;
* `Bron`: where it comes from (report, table, page, build, licence, address) and the notes of the table.

Text is always written as text: a cell such as `=1+1` is a string, never a formula.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from .tables import Table, report_grid

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEETS = {"table": "Tabel", "rows": "Regels", "source": "Bron"}


@dataclass
class Source:
    """What the `Bron` sheet says: (label, value) lines, and the notes of the table (one per line)."""

    lines: list[tuple[str, str]]
    notes: list[str]


def _number(value: Any) -> Any:
    # Excel holds doubles; a whole Decimal stays an integer so that a count is never 17.0.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _put(sheet: Worksheet, row: int, col: int, value: Any) -> SheetCell:
    cell = sheet.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would make '=…' a formula
        if "\n" in value:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _header(sheet: Worksheet, names: list[str]) -> None:
    for col, name in enumerate(names, start=1):
        _put(sheet, 1, col, name).font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _table_sheet(sheet: Worksheet, table: Table) -> None:
    grid = report_grid(table)
    _header(sheet, grid[0])
    for r, (texts, cells) in enumerate(zip(grid[1:], table.body_cells(), strict=True), start=2):
        for c, text in enumerate(texts, start=1):
            cell = cells[c - 1] if c <= len(cells) else None
            if cell is not None and cell.numeric and cell.value is not None and not cell.entries:
                _put(sheet, r, c, _number(cell.value))
            elif text != "":
                _put(sheet, r, c, text)


def _rows_sheet(sheet: Worksheet, header: list[str], rows: list[list[Any]]) -> None:
    _header(sheet, header)
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            if value is not None and value != "":
                _put(sheet, r, c, _number(value))


def _source_sheet(sheet: Worksheet, source: Source) -> None:
    for r, (label, value) in enumerate(source.lines, start=1):
        _put(sheet, r, 1, label).font = Font(bold=True)
        _put(sheet, r, 2, value)
    start = len(source.lines) + 2
    if source.notes:
        _put(sheet, start, 1, "Noten").font = Font(bold=True)
        for r, note in enumerate(source.notes, start=start):
            _put(sheet, r, 2, note)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 100


def write_xlsx(table: Table, row_header: list[str], rows: list[list[Any]], source: Source) -> bytes:
    """The workbook as bytes: the printed table, the result rows (header and values) and the source."""
    book = Workbook()
    first = book.worksheets[0]
    first.title = SHEETS["table"]
    _table_sheet(first, table)
    _rows_sheet(book.create_sheet(SHEETS["rows"]), row_header, rows)
    _source_sheet(book.create_sheet(SHEETS["source"]), source)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
