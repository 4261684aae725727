"""A saved query's result laid out as the report prints the table, and written as CSV, JSON or text.

The layout is declared in the query's header (see catalogue.py); this module only follows it:

* pivot: one result row per cell (or per entry of a list cell); row and column dimensions become the
  table's rows and columns, in the order the query gives (or the declared order variables), totals
  where the report prints them. Cells the report leaves empty stay empty.
* side-by-side: lists printed next to each other (Tabel 5: place and count, three times).
* table: a plain list, one result row per table row.

Cells keep the text as printed ("1.008", "-", "") and the number beside it, so that every writer can
choose: the page shows the print, the report-layout CSV writes numbers without thousands separators.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..engine.rows import Rows, Term
from ..settings import CSV_DIALECTS
from ..vocab import slug
from .binding import STANDARD_PREFIXES
from .catalogue import SavedQuery

# A number as the report prints it: digits, with dots between groups of three (Dutch style).
PRINTED_NUMBER = re.compile(r"^-?\d{1,3}(?:\.\d{3})+$|^-?\d+$")
COUNT_WORD = "aantal"  # the downloads of the printed table are in the report's language
PRINTED_WORD = "gedrukt"  # header of the column that says what the report prints where the data differ


@dataclass
class Entry:
    text: str
    iri: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Cell:
    text: str = ""
    value: int | Decimal | float | None = None
    iri: str | None = None  # what the cell is about (a row/column concept, a linked thing)
    observation: str | None = None  # the qb:Observation behind a number
    status: str | None = None  # sdmx-attribute:obsStatus of that observation
    printed: str | None = None  # what the report prints, where the graph uses another value
    entries: list[Entry] = field(default_factory=list)
    joiner: str = " "
    numeric: bool = False
    total: bool = False
    span: int = 1
    lang: str | None = None  # language of the text where it differs from the page's (quotes)
    relabel: bool = False  # the text names cell.iri: the page may show the label in its own language
    gloss: str | None = None  # a printed (Dutch) header's label in the page's language, shown beside it
    notes: list[str] = field(default_factory=list)  # note IRIs (filled in by the page)

    def plain(self, joiner: str | None = None) -> str:
        """The text for CSV and the terminal: list entries joined, numbers without separators."""
        if self.entries:
            return (self.joiner if joiner is None else joiner).join(e.text for e in self.entries)
        if self.value is not None and PRINTED_NUMBER.match(self.text or ""):
            return plain_number(self.value)
        return self.text

    def differs_from_print(self) -> str | None:
        """What the report prints here, when the value the data use is another ('7' where 2 is used, '' where
        a blank counts 1); None when the print is the value (a printed '-' is nihil: 0)."""
        if not self.numeric or self.value is None or self.entries:
            return None
        printed = self.printed if self.printed is not None else (self.text or "")
        if printed.strip() == "-" and self.value == 0:
            return None
        as_printed = printed.replace(".", "") if PRINTED_NUMBER.match(printed) else None
        if as_printed is not None and as_printed.lstrip("-").isdigit() and int(as_printed) == self.value:
            return None
        return printed

    def loss_free(self) -> str:
        """The cell for the downloads: list entries one per line, and where the data use another value than
        the report prints, that value with the print beside it: '2 (gedrukt: 7)', '1 (gedrukt: niets)'."""
        if self.entries:
            return self.plain("\n")
        printed = self.differs_from_print()
        if printed is None:
            return self.plain()
        if self.value is None:
            return self.plain()
        return f"{plain_number(self.value)} (gedrukt: {printed if printed.strip() else 'niets'})"

    def figure(self) -> str:
        """The cell for a spreadsheet: a count as the number the data use (a printed '-' as 0, a blank that counts
        1 as 1), list entries one per line; what the report prints instead goes into the sheet's notes."""
        if self.entries:
            return self.plain("\n")
        if self.numeric and self.value is not None:
            return plain_number(self.value)
        return self.plain()


@dataclass
class Row:
    header: Cell | None  # the row label (None when the table has no row headers, as Tabel 5)
    cells: list[Cell]
    total: bool = False
    iri: str | None = None


@dataclass
class Table:
    kind: str
    header: list[Cell]  # the column headers, the corner first when rows have headers
    rows: list[Row]
    printed_header: bool = True  # False: the report prints no header row; these are ours
    corner: str = ""  # the row labels' header in the downloads, where the report prints none

    def download_header(self) -> list[str]:
        """A header for every column of the downloads: the printed ones, the declared corner where the report
        prints none, and a pair's count column named after its group ('Noordvleugel (aantal)')."""
        head: list[str] = []
        for i, c in enumerate(self.header):
            text = re.sub(r"<[^>]+>", "", c.text) or (self.corner if i == 0 else "")
            head.append(text)
            head.extend(f"{text} ({COUNT_WORD})" for _ in range(c.span - 1))
        return head

    def body_cells(self) -> list[list[Cell]]:
        return [([r.header] if r.header is not None else []) + r.cells for r in self.rows]

    def grid(self) -> list[list[str]]:
        """Header row and body rows as plain texts (spans expanded), the report's layout."""
        head: list[str] = []
        for c in self.header:
            head.append(c.text)
            head.extend([""] * (c.span - 1))
        return [head] + [[c.plain() for c in cells] for cells in self.body_cells()]

    def json_grid(self) -> list[list[Any]]:
        """The body rows for JSON: a list cell as a list of its items, every other cell as in the CSV."""
        return [[[e.text for e in c.entries] if c.entries else c.loss_free()
                 for c in ([r.header] if r.header is not None else []) + r.cells] for r in self.rows]

    def column_names(self) -> list[str]:
        """A name per column of the grid, from its header: unique slugs ('sbi-code-en-sectie', '2-4'); the
        second column of a pair printed side by side is the first one's count ('noordvleugel-aantal')."""
        names: list[str] = []
        for c in self.header:
            base = _slug(c.text) or ("label" if not names else f"col{len(names) + 1}")
            names.append(base)
            names.extend(f"{base}-aantal" for _ in range(c.span - 1))
        seen: dict[str, int] = {}
        out = []
        for n in names:
            seen[n] = seen.get(n, 0) + 1
            out.append(n if seen[n] == 1 else f"{n}-{seen[n]}")
        return out

    def cells(self) -> list[Cell]:
        out = []
        for r in self.rows:
            if r.header is not None:
                out.append(r.header)
            out.extend(r.cells)
        return out


def _slug(text: str) -> str:
    return slug(re.sub(r"<[^>]+>", "", text))


def plain_number(n: int | Decimal | float) -> str:
    if isinstance(n, Decimal):
        return format(n.normalize(), "f") if n == n.to_integral_value() else format(n, "f")
    if isinstance(n, float):
        return repr(n) if n != int(n) else str(int(n))
    return str(n)


def _v(row: dict[str, Term], var: str | None) -> Term | None:
    return row.get(var) if var else None


def _text(row: dict[str, Term], var: str | None) -> str:
    v = _v(row, var)
    return "" if v is None else v.value


def _iri(row: dict[str, Term], var: str | None) -> str | None:
    v = _v(row, var)
    return v.value if v is not None and v.is_iri else None


def _order(row: dict[str, Term], var: str | None, seen: int) -> tuple:
    v = _v(row, var)
    if v is None:
        return (1, seen)
    n = v.number()
    return (0, n if n is not None else v.value, seen)


def layout(query: SavedQuery, result: Rows, lang: str = "nl", transpose: bool = False) -> Table:
    """The table in the report's layout; `transpose` turns a pivot that allows it (`transpose_corner:` in its
    layout) around, as StatLine does: the columns become the rows."""
    kind = query.layout["kind"]
    if kind == "pivot":
        return _pivot(transposed(query.layout) if transpose else query.layout, result, lang)
    if kind == "side-by-side":
        return _side_by_side(query.layout, result)
    return _table(query.layout, result, lang)


PIVOT_AXES = (("row", "column"), ("row_label", "column_label"), ("row_order", "column_order"),
              ("row_total", "column_total"))


def transposed(spec: dict[str, Any]) -> dict[str, Any]:
    """A pivot layout with rows and columns swapped (and the corner that names the new rows)."""
    if spec.get("kind") != "pivot" or not spec.get("transpose_corner"):
        raise ValueError("this layout cannot be turned around")
    out = {k: v for k, v in spec.items() if k not in {a for pair in PIVOT_AXES for a in pair}}
    for row_key, col_key in PIVOT_AXES:
        if spec.get(col_key) is not None:
            out[row_key] = spec[col_key]
        if spec.get(row_key) is not None:
            out[col_key] = spec[row_key]
    out["corner"] = out["download_corner"] = spec["transpose_corner"]
    return out


def _pivot(spec: dict[str, Any], result: Rows, lang: str) -> Table:
    row_var, col_var = spec["row"], spec.get("column")
    rows: dict[str, dict[str, Any]] = {}
    cols: dict[str, dict[str, Any]] = {}
    cells: dict[tuple[str, str], Cell] = {}
    for i, r in enumerate(result.rows):
        rkey = _text(r, row_var)
        if rkey not in rows:
            rows[rkey] = {"label": _text(r, spec["row_label"]), "iri": _iri(r, row_var),
                          "order": _order(r, spec.get("row_order"), i),
                          "total": _truthy(_v(r, spec.get("row_total")))}
        ckey = _text(r, col_var) if col_var else ""
        if ckey not in cols:
            total_v = _v(r, spec.get("column_total"))
            cols[ckey] = {"label": _text(r, spec.get("column_label")) if col_var else "",
                          "iri": _iri(r, col_var), "order": _order(r, spec.get("column_order"), i),
                          "total": bool(total_v and total_v.truthy())}
        cell = cells.get((rkey, ckey))
        if cell is None:
            cell = cells[(rkey, ckey)] = Cell(joiner=spec.get("entry_join", " "))
        if spec.get("entry"):
            text = _text(r, spec["entry"])
            if text:
                cell.entries.append(Entry(text, _iri(r, spec.get("entry_link"))))
            continue
        obs = _iri(r, spec.get("observation"))
        if obs is None and spec.get("observation") and not _text(r, spec.get("cell")):
            continue  # a printed-empty cell (no observation): leave it empty
        value = _v(r, spec.get("value"))
        cell.text = _text(r, spec.get("cell"))
        cell.value = value.number() if value is not None else None
        cell.numeric = True
        cell.observation = obs
        cell.status = _iri(r, spec.get("status"))
        printed = _v(r, spec.get("printed"))
        if printed is not None and printed.value != cell.text:
            cell.printed = printed.value
    row_keys = sorted(rows, key=lambda k: rows[k]["order"])
    col_keys = sorted(cols, key=lambda k: cols[k]["order"])
    corner = spec.get("corner", "")
    corner_text = corner.get(lang, "") if isinstance(corner, dict) else str(corner)
    header = [Cell(corner_text)]
    if col_var:
        header += [Cell(cols[k]["label"], iri=cols[k]["iri"], total=cols[k]["total"],
                        numeric=not spec.get("entry")) for k in col_keys]
    else:
        header.append(Cell(spec["columns_header"][lang]))
    body = []
    for rk in row_keys:
        info = rows[rk]
        line = []
        for ck in col_keys:
            cell = cells.get((rk, ck)) or Cell(numeric=not spec.get("entry"))
            cell.total = info["total"] or cols[ck]["total"]
            if not spec.get("entry"):
                cell.numeric = True
            line.append(cell)
        body.append(Row(Cell(info["label"], iri=info["iri"], total=info["total"]), line,
                        total=info["total"], iri=info["iri"]))
    download_corner = spec.get("download_corner", "")
    return Table("pivot", header, body, printed_header=spec.get("printed_header", True),
                 corner=download_corner.get(lang, "") if isinstance(download_corner, dict) else str(download_corner))


def _side_by_side(spec: dict[str, Any], result: Rows) -> Table:
    groups: dict[str, dict[str, Any]] = {}
    for i, r in enumerate(result.rows):
        gkey = _text(r, spec["group"])
        g = groups.setdefault(gkey, {"label": _text(r, spec["group_label"]), "iri": _iri(r, spec["group"]),
                                     "order": _order(r, spec.get("group_order"), i), "items": []})
        value = _v(r, spec.get("value"))
        g["items"].append((
            Cell(_text(r, spec["item_label"]), iri=_iri(r, spec["item"])),
            Cell(_text(r, spec["cell"]), value=value.number() if value is not None else None, numeric=True,
                 observation=_iri(r, spec.get("observation")), status=_iri(r, spec.get("status"))),
        ))
    ordered = sorted(groups.values(), key=lambda g: g["order"])
    header = [Cell(g["label"], iri=g["iri"], span=2) for g in ordered]
    depth = max((len(g["items"]) for g in ordered), default=0)
    body = []
    for i in range(depth):
        line: list[Cell] = []
        for g in ordered:
            if i < len(g["items"]):
                line.extend(g["items"][i])
            else:
                line.extend([Cell(), Cell(numeric=True)])
        body.append(Row(None, line))
    return Table("side-by-side", header, body, printed_header=spec.get("printed_header", True))


def _table(spec: dict[str, Any], result: Rows, lang: str) -> Table:
    columns = spec["columns"]
    header = [Cell(c["header"][lang] if isinstance(c["header"], dict) else c["header"],
                   numeric=bool(c.get("numeric"))) for c in columns]
    body = []
    for r in result.rows:
        cells = []
        for c in columns:
            v = _v(r, c["var"])
            link = _iri(r, c.get("link")) or (v.value if v is not None and v.is_iri else None)
            number = v.number() if v is not None else None
            # A bare IRI is shown by its label (the page looks it up); a label column may be
            # replaced by the IRI's label in the page's language where the column says so.
            bare = v is not None and v.is_iri and not c.get("link")
            cells.append(Cell(v.value if v is not None else "", value=number, iri=link,
                              numeric=bool(c.get("numeric")), lang=c.get("text_lang"),
                              relabel=bare or bool(c.get("relabel"))))
        # The row may stand for a thing of its own (a relationship, a recommendation): its notes
        # belong on the row.
        body.append(Row(cells[0], cells[1:], iri=_iri(r, spec.get("row")) or cells[0].iri))
    return Table("table", header, body, printed_header=spec.get("printed_header", True))


def sort_rows(result: Rows, var: str, descending: bool = False) -> Rows:
    """The result with its rows ordered by one variable: numbers as numbers, text ignoring case, rows
    without a value last in either direction. Stable, so rows that tie keep the query's order."""
    def key(row: dict[str, Term]) -> tuple:
        v = row.get(var)
        if v is None or v.value == "":
            return (0, 0, "")
        n = v.number()
        return (1, 1, n) if n is not None else (1, 2, v.value.casefold())

    present = [r for r in result.rows if key(r)[0]]
    missing = [r for r in result.rows if not key(r)[0]]
    numbers = sorted((r for r in present if key(r)[1] == 1), key=key, reverse=descending)
    texts = sorted((r for r in present if key(r)[1] == 2), key=key, reverse=descending)
    ordered = numbers + texts if not descending else texts + numbers
    return Rows(list(result.variables), ordered + missing)


# ---------------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------------

DIALECTS = CSV_DIALECTS  # declared with the flag that picks one (settings.py)


def _excel_nl(text: str, value: Any) -> str:
    # Dutch Excel reads "1.5" as a date or text: decimals get a comma (integers are left alone).
    if isinstance(value, (Decimal, float)) and not (isinstance(value, Decimal) and value == value.to_integral_value()):
        return text.replace(".", ",")
    return text


# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection"). In the Excel
# downloads such a cell gets a leading apostrophe, which Excel shows as text and does not display; numbers
# (-12, -1,5) are left alone. The RFC 4180 downloads keep every value exactly as the graph holds it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?[0-9][0-9.]*(,[0-9]+)?$")


def neutralise(cell: str) -> str:
    """A cell Excel would run as a formula, made text ('=1+1 -> '=1+1); numbers stay numbers."""
    if cell.startswith(FORMULA_START) and not _NUMBER.match(cell):
        return "'" + cell
    return cell


def write_csv(grid: list[list[str]], dialect: str = "rfc4180") -> bytes:
    buf = io.StringIO()
    if dialect == "excel-nl":
        writer = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        grid = [[neutralise(c) for c in row] for row in grid]
    else:
        writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(grid)
    data = buf.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if dialect == "excel-nl" else data


def printed_notes(table: Table) -> list[str]:
    """Per body row, what the report prints where the data use another value ('Moeder: 7', 'Noordvleugel
    (aantal): niets'), '' where the row prints what the data use."""
    head = table.download_header()
    out = []
    for cells in table.body_cells():
        found = [(title, c.differs_from_print()) for title, c in zip(head, cells, strict=True)]
        out.append("; ".join(f"{title}: {p if p.strip() else 'niets'}" for title, p in found if p is not None))
    return out


def report_grid(table: Table, dialect: str = "rfc4180") -> list[list[str]]:
    """The table as printed, for a spreadsheet that adds up: a header for every column, every count the number
    the data use (a printed '-' as 0), list items one per line in their cell; where the report prints
    something else than the number used, a last column `gedrukt` says what ('Moeder: 7')."""
    notes = printed_notes(table)
    extra = any(notes)
    out = [table.download_header() + ([PRINTED_WORD] if extra else [])]
    for cells, note in zip(table.body_cells(), notes, strict=True):
        line = [c.figure() for c in cells]
        if dialect == "excel-nl":
            line = [_excel_nl(t, c.value) for t, c in zip(line, cells, strict=True)]
        out.append(line + ([note] if extra else []))
    return out


def _lexical(v: Term | None, dialect: str) -> str:
    if v is None:
        return ""
    return v.value.replace(".", ",") if dialect == "excel-nl" and v.is_decimal else v.value


def tidy_grid(result: Rows, dialect: str = "rfc4180") -> list[list[str]]:
    """The result rows as they come: one column per SELECT variable, IRIs in full."""
    return [list(result.variables)] + [[_lexical(row.get(var), dialect) for var in result.variables]
                                       for row in result.rows]


LABEL_WORD = {"nl": "naam", "en": "label"}


def named_by_layout(spec: dict[str, Any]) -> set[str]:
    """The variables of IRIs whose label the query itself selects (a layout's row/column/group/item label, a
    table column's link): the rows for people need no second label column for them."""
    pairs = (("row", "row_label"), ("column", "column_label"), ("group", "group_label"), ("item", "item_label"))
    named = {spec[var] for var, label in pairs if spec.get(var) and spec.get(label)}
    return named | {c["link"] for c in spec.get("columns", []) if c.get("link")}


def labelled_columns(result: Rows, labels: dict[str, str],
                     named: AbstractSet[str] = frozenset()) -> list[tuple[str, bool]]:
    """The columns of the rows for people: (variable, False) per variable, and right after a variable holding
    IRIs that have labels and no label column of their own (`named`) (variable, True), the column of the labels."""
    out = []
    for var in result.variables:
        out.append((var, False))
        if var not in named and any(row[var].is_iri and row[var].value in labels for row in result.rows if var in row):
            out.append((var, True))
    return out


def column_title(var: str, is_label: bool, headers: dict[str, str], lang: str = "nl") -> str:
    """The header of a column for people: the page's column header where the query declares one, else the
    variable; a label column is named after its IRI column ('sector (naam)')."""
    head = headers.get(var, var)
    return f"{head} ({LABEL_WORD[lang]})" if is_label else head


def labelled_grid(result: Rows, labels: dict[str, str], headers: dict[str, str], dialect: str,
                  named: AbstractSet[str] = frozenset(), lang: str = "nl") -> list[list[str]]:
    """The rows download for a spreadsheet (Dutch Excel): readable headers and the label beside each IRI."""
    cols = labelled_columns(result, labels, named)
    out = [[column_title(var, lab, headers, lang) for var, lab in cols]]
    for row in result.rows:
        out.append([(labels.get(row[var].value, "") if var in row and row[var].is_iri else "") if lab
                    else _lexical(row.get(var), dialect) for var, lab in cols])
    return out


def labelled_rows(result: Rows, labels: dict[str, str], headers: dict[str, str], named: AbstractSet[str] = frozenset(),
                  lang: str = "nl") -> tuple[list[str], list[list[Any]]]:
    """The same columns as labelled_grid, with Python values (numbers as numbers, IRIs as text) for a workbook."""
    cols = labelled_columns(result, labels, named)
    body = []
    for row in result.rows:
        line: list[Any] = []
        for var, lab in cols:
            v = row.get(var)
            if lab:
                line.append(labels.get(v.value) if v is not None and v.is_iri else None)
            else:
                line.append(None if v is None else v.value if v.is_iri else v.python())
        body.append(line)
    return [column_title(var, lab, headers, lang) for var, lab in cols], body


def json_rows(result: Rows) -> list[dict[str, Any]]:
    return [{var: (row[var].python() if var in row else None) for var in result.variables}
            for row in result.rows]


def csvw_datatype(result: Rows, var: str) -> str:
    """The CSVW datatype of a column, from the values it holds (string when they disagree)."""
    kinds = set()
    for row in result.rows:
        v = row.get(var)
        if v is None:
            continue
        if v.is_iri:
            kinds.add("anyURI")
        elif v.datatype and v.datatype.startswith("http://www.w3.org/2001/XMLSchema#"):
            kinds.add(v.datatype.rsplit("#", 1)[1])
        else:
            kinds.add("string")
    return kinds.pop() if len(kinds) == 1 else "string"


INTEGER_TEXT = re.compile(r"^-?\d+$")
BLANK_NOTE = {
    "nl": "Een lege cel: het rapport drukt hier niets en de gegevens hebben hier geen waarde.",
    "en": "An empty cell: the report prints nothing here and the data hold no value here.",
}
NIHIL_NOTE = {
    "nl": "0 is wat het rapport als '-' (nihil) drukt.",
    "en": "0 is what the report prints as '-' (nil).",
}
COUNT_NOTE = {
    "nl": "Het aantal dat de gegevens gebruiken; waar het rapport iets anders drukt, zegt de kolom 'gedrukt' wat.",
    "en": "The count the data use; where the report prints something else, the column 'gedrukt' says what.",
}
PRINTED_NOTE = {
    "nl": "Wat het rapport drukt waar de gegevens een ander aantal gebruiken, als 'kolom: gedrukt' ('niets': het "
          "rapport drukt hier geen getal); de noten bij de tabel zeggen waarom. Leeg: de rij is gedrukt zoals "
          "de gegevens haar tellen.",
    "en": "What the report prints where the data use another count, as 'column: printed' ('niets': the report "
          "prints no number here); the notes of the table say why. Empty: the row is printed as the data count it.",
}
LABEL_NOTE = {"nl": "De naam van het ding in de kolom links ervan (skos:prefLabel of rdfs:label).",
              "en": "The label of the thing in the column to its left (skos:prefLabel or rdfs:label)."}
LIST_NOTE = {"nl": "Meer items in één cel staan elk op een eigen regel.",
             "en": "Several items in one cell stand each on a line of their own."}


def _notes(*notes: dict[str, str]) -> list[dict[str, str]]:
    return [{"@value": " ".join(n[lang] for n in notes), "@language": lang} for lang in ("nl", "en")]


def csvw_report_columns(table: Table, grid: list[list[str]]) -> list[dict[str, Any]]:
    """CSVW columns of the table as printed (report_grid): names from its headers, integer where every cell that
    holds a value is a whole number, and what a blank, a nihil, a list and the column `gedrukt` mean."""
    names = table.column_names()
    cells = table.body_cells()
    width = len(names)  # the table's own columns; a last one beyond them is `gedrukt`
    if len(grid[0]) > width:
        names = [*names, PRINTED_WORD]
    columns = []
    for i, (name, title) in enumerate(zip(names, grid[0], strict=True)):
        values = [row[i] for row in grid[1:]]
        filled = [v for v in values if v != ""]
        col: dict[str, Any] = {"name": name, "titles": title or name, "null": ""}
        notes = [BLANK_NOTE] if "" in values and i < width else []
        if filled and all(INTEGER_TEXT.match(v) for v in filled) and i < width:
            col["datatype"] = "integer"
            if any((c[i].printed or c[i].text).strip() == "-" for c in cells):
                notes.append(NIHIL_NOTE)
            if any(c[i].differs_from_print() is not None for c in cells):
                notes.append(COUNT_NOTE)
        else:
            col["datatype"] = "string"
            if i >= width:
                notes = [PRINTED_NOTE]
            elif any("\n" in v for v in filled):
                notes.append(LIST_NOTE)
        if notes:
            col["dc:description"] = _notes(*notes)
        columns.append(col)
    return columns


def csvw_row_columns(result: Rows, dialect: str, headers: dict[str, dict[str, str]],
                     mapping: dict[str, Any] | None = None, base: str = "", labels: dict[str, str] | None = None,
                     named: AbstractSet[str] = frozenset(), titles: dict[str, str] | None = None
                     ) -> list[dict[str, Any]]:
    """CSVW columns of the result rows: the variables, their datatypes from the values, a decimal comma in
    the Dutch Excel dialect, and the page's column header as a description where the page shows the column.
    With the query's `csvw` mapping: the ontology's term per mapped column (propertyUrl), IRIs as IRIs
    (valueUrl), and every other column left out of the triples (suppressOutput), so that a CSVW processor
    makes the graph's own statements."""
    columns = []
    labelled = {var for var, lab in labelled_columns(result, labels, named) if lab} if labels is not None else set()
    titles = titles or {}
    for var in result.variables:
        kind = csvw_datatype(result, var)
        datatype: Any = kind
        if dialect == "excel-nl" and kind in ("decimal", "double", "float"):
            datatype = {"base": kind, "format": {"decimalChar": ","}}
        col: dict[str, Any] = {"name": var, "titles": column_title(var, False, titles), "datatype": datatype,
                               "null": ""}
        if var in headers:
            col["dc:description"] = [{"@value": headers[var][lang], "@language": lang} for lang in ("nl", "en")]
        if mapping is not None:
            col.update(_csvw_mapped(var, kind, mapping, base))
        columns.append(col)
        if var in labelled:
            columns.append({"name": f"{var}-label", "titles": column_title(var, True, titles), "datatype": "string",
                            "null": "", "dc:description": _notes(LABEL_NOTE),
                            **({"suppressOutput": True} if mapping is not None else {})})
    return columns


def csvw_prefixes(base: str) -> dict[str, str]:
    return {"ak": base.rstrip("/") + "/def/", **dict(STANDARD_PREFIXES)}


def _csvw_mapped(var: str, kind: str, mapping: dict[str, Any], base: str) -> dict[str, Any]:
    # A column of IRIs is a string that the URI templates (aboutUrl, valueUrl) turn into an IRI: templates take
    # the cell's value, and a processor may hand them a parsed anyURI instead of its text.
    text = {"datatype": "string"} if kind == "anyURI" else {}
    spec = mapping["columns"].get(var)
    if spec is None:
        return {"suppressOutput": True, **text}
    prefix, _, local = spec["property"].partition(":")
    out: dict[str, Any] = {"propertyUrl": csvw_prefixes(base)[prefix] + local, **text}
    if kind == "anyURI":
        out["valueUrl"] = "{+" + var + "}"
    if spec.get("about"):
        out["aboutUrl"] = "{+" + spec["about"] + "}"
    if spec.get("datatype"):
        out["datatype"] = spec["datatype"]
    if spec.get("lang"):
        out["lang"] = spec["lang"]
    return out


def text_table(table: Table) -> str:
    """The layout as aligned text for a terminal (list cells wrap onto their own lines)."""
    grid = table.grid()
    widths = [0] * max(len(r) for r in grid)
    for r in grid:
        for i, t in enumerate(r):
            widths[i] = min(60, max(widths[i], len(t)))
    lines = []
    for n, r in enumerate(grid):
        parts = []
        for i, t in enumerate(r):
            right = n > 0 and PRINTED_NUMBER.match(t or "x") is not None or t == "-"
            parts.append(t.rjust(widths[i]) if right else t.ljust(widths[i]))
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _truthy(term: Term | None) -> bool:
    """A boolean cell: true only when it is there and says so."""
    return term is not None and term.truthy()
