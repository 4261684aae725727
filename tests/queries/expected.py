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
