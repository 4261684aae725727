"""Reading the curated CSV files so that every value remembers the file and line it came from."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, overload

if TYPE_CHECKING:
    from _csv import Reader  # the type of csv.reader(...) (a function, not a class, at run time)


class DataError(Exception):
    """A data file is wrong in a way a person must fix; the message names the file, row and column."""


@dataclass(frozen=True)
class Row:
    file: str
    line: int
    values: dict[str, str]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def __getitem__(self, column: str) -> str:
        if column not in self.values:
            raise DataError(f"{self.where}: column {column!r} is missing")
        return self.values[column]

    def get(self, column: str, default: str = "") -> str:
        value = self.values.get(column)
        return default if value is None else value

    def required(self, column: str) -> str:
        value = self[column].strip()
        if not value:
            raise DataError(f"{self.where}: column {column!r} must not be empty")
        return value

    @overload
    def integer(self, column: str, *, optional: Literal[False] = False) -> int: ...

    @overload
    def integer(self, column: str, *, optional: bool) -> int | None: ...

    def integer(self, column: str, *, optional: bool = False) -> int | None:
        raw = self[column].strip()
        if not raw:
            if optional:
                return None
            raise DataError(f"{self.where}: column {column!r} must hold a whole number, found nothing")
        try:
            return int(raw)
        except ValueError as exc:
            raise DataError(f"{self.where}: column {column!r} must hold a whole number, found {raw!r}") from exc

    def fail(self, message: str) -> DataError:
        return DataError(f"{self.where}: {message}")


def read_csv(path: Path, required: tuple[str, ...] = ()) -> list[Row]:
    """All rows of a data file; line numbers are those a text editor shows (the header is line 1)."""
    if not path.is_file():
        raise DataError(f"{path.name}: file is missing from {path.parent}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path.name}: not valid UTF-8 at byte {exc.start}") from exc
    reader = csv.reader(text.splitlines(keepends=True))
    rows: list[Row] = []
    header: list[str] | None = None
    for record in _records(reader, path.name):
        line, cells = record
        if header is None:
            header = [h.strip() for h in cells]
            missing = [c for c in required if c not in header]
            if missing:
                raise DataError(f"{path.name}:1: header lacks column(s) {', '.join(missing)}")
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise DataError(f"{path.name}:{line}: {len(cells)} cells but the header has {len(header)} columns")
        rows.append(Row(path.name, line, dict(zip(header, cells, strict=True))))
    if header is None:
        raise DataError(f"{path.name}: file is empty")
    return rows


def _records(reader: Reader, name: str) -> Iterator[tuple[int, list[str]]]:
    # csv.reader.line_num counts physical lines read so far; a record starts on the line after the
    # previous record ended, which is what an editor shows for quoted cells that span lines.
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"{name}:{reader.line_num}: {exc}") from exc


def printed_number(text: str, where: str) -> int | None:
    """A number as the report prints it: '1.008' -> 1008; '-' (nihil) and '' -> None."""
    raw = text.strip()
    if raw in ("", "-"):
        return None
    digits = raw.replace(".", "")
    if not digits.isdigit():
        raise DataError(f"{where}: {raw!r} is not a number as the report prints them (e.g. 1.008, 0 or -)")
    return int(digits)
