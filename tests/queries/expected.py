"""The report's tables as transcribed in tests/expected/ (from the report text, never from data/).

Each function returns the table in the report's layout: a header row, then one row per printed row
starting with the row label, cells as printed ("1.008", "-", ""). The few normalisations of the text
extraction are made here, each named (see tests/expected/README.md).
"""

from __future__ import annotations

import re
from pathlib import Path

EXPECTED = Path(__file__).resolve().parents[1] / "expected"
THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")


def _lines(name: str) -> list[str]:
    return (EXPECTED / name).read_text(encoding="utf-8").splitlines()


def _tsv(name: str) -> list[list[str]]:
    return [line.split("\t") for line in _lines(name)]


def strip_markup(text: str) -> str:
    """Drop the HTML the text extraction left in (<i>, <ul style=...>)."""
    return re.sub(r"<[^>]+>", "", text).strip()


def bullets(text: str) -> list[str]:
    return [item.strip() for item in strip_markup(text).split("▪") if item.strip()]


def fix_extraction(text: str) -> str:
    """The two extraction slips the graph corrects (and records in a note)."""
    text = text.replace("lets bovengemiddeld", "Iets bovengemiddeld")  # note n-113: capital I read as l
    return re.sub(r"(\S)\((?=[#*]\d+\))", r"\1 (", text)  # note n-110: "Summit Europe(*90)"


def pad(rows: list[list[str]], width: int) -> list[list[str]]:
    return [row + [""] * (width - len(row)) for row in rows]


def cli_number(cell: str) -> str:
    """How the CLI and the CSV write a printed number: without thousands separators."""
    return cell.replace(".", "") if THOUSANDS.match(cell) else cell


def tabel(n: int) -> list[list[str]]:
    """Tabel 1, 2, 3, 5 and 6 (6 as reconstructed by hand) as printed."""
    if n in (1, 2):
        return _tsv(f"tabel-{n}.tsv")
    if n == 3:
        rows = [[fix_extraction(c.strip()) for c in row] for row in _tsv("tabel-3.tsv")]
        return pad(rows, 4)
    if n == 5:
        rows = [[strip_markup(c) for c in row] for row in _tsv("tabel-5.tsv")]
        return pad(rows, 6)
    if n == 6:
        return _tsv("tabel-6.tsv")
    raise ValueError(n)


# The three cells of Tabel 6 that follow from the totals rather than from a printed figure:
# (row, column) -> (what the extraction prints there, the value used).
TABEL_6_RECONSTRUCTED = {("Almere", "Onderzoek"): ("", "1"), ("Europa", "Moeder"): ("7", "2"),
                         ("Totaal", "Onderzoek"): ("", "1")}


def used_beside_printed(used: str, printed: str) -> str:
    """How a download writes a value the data use where the report prints another (or nothing)."""
    return f"{used} (gedrukt: {printed or 'niets'})"


def download(n: int) -> list[list[str]]:
    """The printed table as the downloads write it, losing nothing: list items one per line in their cell
    (Tabel 3), a place without a printed count as the 1 it counts for beside the empty print (Tabel 5, by the
    rule its description states), a reconstructed cell as its value beside the print (Tabel 6)."""
    grid = [[cli_number(c) for c in row] for row in tabel(n)]
    if n == 3:
        return [grid[0]] + [[row[0]] + ["\n".join(entries(c)) for c in row[1:]] for row in grid[1:]]
    if n == 5:
        body = [[used_beside_printed("1", "") if i % 2 == 1 and not c and row[i - 1] else c
                 for i, c in enumerate(row)] for row in grid[1:]]
        return [grid[0]] + body
    if n == 6:
        header = grid[0]
        body = []
        for row in grid[1:]:
            body.append([used_beside_printed(c, TABEL_6_RECONSTRUCTED[(row[0], header[i])][0])
                         if (row[0], header[i]) in TABEL_6_RECONSTRUCTED else c for i, c in enumerate(row)])
        return [header] + body
    return grid


PRINTED_COLUMN = "gedrukt"
DOWNLOAD_CORNER = {3: "Soort vestiging", 6: "Herkomst"}  # queries/tabel-N.rq, layout.download_corner


def sheet(n: int) -> list[list[str]]:
    """The printed table as the CSV downloads write it, adding up: every count a number (a printed '-' as 0, a
    Tabel 5 place without a printed count as 1, a reconstructed Tabel 6 cell as its value), a header for every
    column, and a last column `gedrukt` with what the report prints where the data use another number."""
    grid = [[cli_number(c) for c in row] for row in tabel(n)]
    header = list(grid[0])
    if n in DOWNLOAD_CORNER:
        header[0] = DOWNLOAD_CORNER[n]
    if n in (1, 2):
        return [header] + [[row[0]] + ["0" if c == "-" else c for c in row[1:]] for row in grid[1:]]
    if n == 3:
        return [header] + download(3)[1:]
    if n == 5:
        header = [h or f"{header[i - 1]} (aantal)" for i, h in enumerate(header)] + [PRINTED_COLUMN]
        body = []
        for row in grid[1:]:
            unprinted = [i for i in range(1, len(row), 2) if not row[i] and row[i - 1]]
            body.append(["1" if i in unprinted else c for i, c in enumerate(row)]
                        + ["; ".join(f"{header[i]}: niets" for i in unprinted)])
        return [header] + body
    if n == 6:
        body = []
        for row in grid[1:]:
            cells = [(i, TABEL_6_RECONSTRUCTED.get((row[0], grid[0][i]))) for i in range(len(row))]
            body.append([fix[1] if fix else row[i] for i, fix in cells]
                        + ["; ".join(f"{grid[0][i]}: {fix[0] or 'niets'}" for i, fix in cells if fix)])
        return [header + [PRINTED_COLUMN]] + body
    return grid


def tabel_6_printed() -> list[list[str]]:
    return _tsv("tabel-6-printed.tsv")


def tabel_4() -> list[tuple[str, list[str]]]:
    """(focus as printed, the networks as printed)."""
    out = []
    for line in _lines("tabel-4.txt"):
        label, items = line.split("\t", 1)
        out.append((label.strip(), bullets(items)))
    return out


def pbl(basis: str) -> list[tuple[str, list[str]]]:
    out = []
    for line in _lines(f"pbl-{basis}.txt"):
        label, items = line.split("\t", 1)
        out.append((fix_extraction(label.strip()), bullets(items)))
    return out


def soorten_partners() -> list[tuple[int, str]]:
    out = []
    for line in _lines("soorten-partners.txt"):
        m = re.match(r"^- (\d+) (.*?)[;.]$", line)
        assert m, line
        out.append((int(m.group(1)), m.group(2)))
    return out


def schema_1() -> list[tuple[int, str]]:
    out = []
    for line in _lines("schema-1.txt"):
        m = re.match(r"^(\d+)\. (.*)$", line)
        assert m, line
        out.append((int(m.group(1)), m.group(2)))
    return out


def joint_ventures() -> list[dict[str, str]]:
    rows = _tsv("joint-ventures.tsv")
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


ENTRY = re.compile(r"FF .+?(?=\s+FF\s|$)|.+?\([#*]\d+\)")
FIRM = re.compile(r"^(?:FF (?P<ff>.+)|(?P<name>.+?)(?: \((?P<remark>[^()]*)\))? \((?P<marker>[#*]\d+)\))$")


def entries(cell: str) -> list[str]:
    """The firms run together in a Tabel 3 cell, one string each."""
    return [m.group(0).strip() for m in ENTRY.finditer(cell.strip()) if m.group(0).strip()]


def firm(entry: str) -> tuple[str, str, str]:
    """(name, remark, marker) of one Tabel 3 entry."""
    m = FIRM.match(entry)
    assert m, entry
    if m.group("ff"):
        return m.group("ff"), "", "FF"
    return m.group("name"), m.group("remark") or "", m.group("marker")
