"""How a query is read before it runs, and why that reading holds: decisions on the engine's own reading.

A check written beside the engine, with a lexer of its own, read queries differently from the engine
and let SERVICE through (`... .SERVICE <http://127.0.0.1/>`, `1 <2#>` and a long string ...). So no security decision
here rests on a reading of ours. Two facts about the engine make that possible
(tests/robustness/test_engine_reading.py checks both on the installed engine, so an upgrade that changes them
fails the suite):

1. The engine matches keywords ASCII-case-insensitively and does not decode \\u escapes outside IRIs and
   strings. So it can read the keyword SERVICE only where the seven letters s-e-r-v-i-c-e stand in the
   text. A text without them has no SERVICE: that is decided here, in linear time, with no parser.
2. Replacing the `v` of such an occurrence by `x` (keeping its case) changes no other token: every
   terminal that matched a letter still matches one, and no other SPARQL keyword overlaps the `v`. The
   grammar is a PEG, so the engine parses the changed ("neutralised") text exactly as the original,
   except that a SERVICE keyword at that occurrence no longer parses. Hence: the engine accepts the
   text with every occurrence neutralised if and only if none of them is a SERVICE keyword in its
   reading of the original. A neutralised text holds no SERVICE, so asking the engine to parse it (a
   query on an empty store, in a sealed worker, under the query timeout) cannot contact anything.

The same holds for FROM (the `r` becomes `x`), whose presence decides whether the default graph is the
union of all graphs: the engine's dataset options override a query's FROM, so that must be known.

Federation (an allow-list of SERVICE hosts) keeps "live" only the occurrences followed by an allowed
absolute IRI written out in full (no prefixed name, no escape, nothing BASE could change), so the target
the engine will call is exactly the text that was checked; every other occurrence is neutralised and
must not be a keyword. The query processes are sealed by the operating system as a second layer
(engine/sandbox.py), so either layer alone holds.

Everything else read here (the query form, an update verb, volatile functions, prefixes) only shapes
the answer (negotiation, the read-only message, caching, Turtle prefixes), never what the engine may do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

SERVICE = "service"
FROM = "from"
_SERVICE_LETTERS = re.compile(SERVICE, re.IGNORECASE | re.ASCII)
_FROM_LETTERS = re.compile(FROM, re.IGNORECASE | re.ASCII)
# The letter that is changed in each keyword, by its index: serVice, fRom.
_CHANGED = {SERVICE: 3, FROM: 1}

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_VERBS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")

# Hints only (see the module text). Strings, IRIs and comments are blanked so that words inside them do
# not count; order matters: long strings before short ones.
_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r"|<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|#[^\n\r]*",
    re.DOTALL,
)
_PROLOGUE = re.compile(r"\A(?:\s+|BASE\s*<>|PREFIX\s+[^\s:]*:\s*<>)*", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[A-Za-z]+")
# Functions whose value differs between two runs: such answers are never cached. Read on the raw text,
# so a word inside a string counts too (an answer not cached is the safe side of a wrong guess).
_VOLATILE = re.compile(r"(?<![\w:?$])(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.\-]*)?:\s*<([^<>\"{}|^`\\\x00-\x20]*)>", re.IGNORECASE)

# What may follow a SERVICE keyword for the federation allow-list: whitespace and comments, SILENT,
# then the target. Only a full IRI counts as an allowed target.
_GAP = re.compile(r"(?:[ \t\r\n]+|#[^\r\n]*)*")
_SILENT = re.compile(r"SILENT(?![\w\-:])", re.IGNORECASE)
_IRIREF = re.compile(r"<([^<>\"{}|^`\\\x00-\x20]*)>")


class QueryRefused(Exception):
    """The query may not run here. `status` is the HTTP status that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Hints:
    """What shapes the answer; never what the engine may do."""

    form: str  # SELECT, ASK, CONSTRUCT, DESCRIBE, or "" when not recognised (the engine will tell)
    update_verb: str  # INSERT, DELETE, LOAD, ... when the text starts like an update, else ""
    volatile: bool
    prefixes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Plan:
    """Where the engine could read SERVICE or FROM, and what must be checked before the query runs."""

    service_at: tuple[int, ...] = ()  # offsets of every s-e-r-v-i-c-e letter sequence
    live: tuple[int, ...] = ()  # of those, the ones with an allow-listed target, kept for federation
    from_at: tuple[int, ...] = ()

    @property
    def federated(self) -> bool:
        return bool(self.live)

    @property
    def needs_service_check(self) -> bool:
        return bool(self.service_at)

    def service_check_text(self, query: str) -> str:
        """The query with every occurrence but the live ones neutralised (the engine must accept it)."""
        live = set(self.live)
        return neutralise(query, [at for at in self.service_at if at not in live], SERVICE)

    def from_check_text(self, query: str) -> str:
        """The query with FROM and every non-live SERVICE occurrence neutralised."""
        return neutralise(self.service_check_text(query), self.from_at, FROM)


def occurrences(text: str, word: str) -> tuple[int, ...]:
    pattern = _SERVICE_LETTERS if word == SERVICE else _FROM_LETTERS
    return tuple(m.start() for m in pattern.finditer(text))


def neutralise(text: str, offsets: list[int] | tuple[int, ...], word: str) -> str:
    """The text with one letter of each occurrence changed to x/X (same length, same positions)."""
    if not offsets:
        return text
    chars = list(text)
    shift = _CHANGED[word]
    for at in offsets:
        chars[at + shift] = "X" if chars[at + shift].isupper() else "x"
    return "".join(chars)


def plan(text: str, allowlist: tuple[str, ...] = ()) -> Plan:
    """Where SERVICE or FROM could stand in the engine's reading; linear in the length of the text."""
    service_at = occurrences(text, SERVICE)
    live: tuple[int, ...] = ()
    if service_at and allowlist:
        live = tuple(at for at in service_at if _allowed_target(text, at + len(SERVICE), allowlist))
    return Plan(service_at=service_at, live=live, from_at=occurrences(text, FROM))


def _allowed_target(text: str, end: int, allowlist: tuple[str, ...]) -> bool:
    pos = _GAP.match(text, end).end()
    silent = _SILENT.match(text, pos)
    if silent:
        pos = _GAP.match(text, silent.end()).end()
    m = _IRIREF.match(text, pos)
    return bool(m) and host_allowed(m.group(1), allowlist)


def refusal_for(query: str, plan_: Plan, position: tuple[int, int] | None, allowlist: tuple[str, ...]) -> QueryRefused:
    """Why a query whose neutralised text the engine rejected is refused.

    When the engine stopped at a neutralised occurrence, that occurrence is a SERVICE keyword; otherwise
    the query has a syntax error of its own at that position (positions are the same in both texts).
    """
    offset = _offset(query, position) if position else None
    live = set(plan_.live)
    for at in plan_.service_at:
        if at not in live and offset is not None and at <= offset <= at + len(SERVICE) + 1:
            line = query.count("\n", 0, at) + 1
            col = at - (query.rfind("\n", 0, at) + 1) + 1
            what = f"SERVICE {_written_target(query, at + len(SERVICE))}(line {line}, column {col})"
            if allowlist:
                return QueryRefused(403, f"{what} is not allowed: this endpoint federates only to "
                                         f"{', '.join(allowlist)}, named by a full IRI such as <https://host/sparql>")
            return QueryRefused(403, f"{what} is not allowed: federation is switched off on this endpoint")
    return QueryRefused(400, "")  # a plain syntax error: the caller words it with the engine's message


_WRITTEN = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]{0,300}>|[?$][\w]{1,100}|[^\s{}]{1,300}")


def _written_target(query: str, end: int) -> str:
    """The target as the query writes it (its own words, shortened), for the refusal message."""
    pos = _GAP.match(query, end).end()
    silent = _SILENT.match(query, pos)
    if silent:
        pos = _GAP.match(query, silent.end()).end()
    m = _WRITTEN.match(query, pos)
    return f"{m.group(0)} " if m else ""


def _offset(text: str, position: tuple[int, int]) -> int | None:
    line, col = position
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    return sum(len(s) + 1 for s in lines[: line - 1]) + col - 1


def error_position(message: str) -> tuple[int, int] | None:
    """(line, column) of the engine's "error at L:C: ..." syntax messages."""
    m = re.match(r"\s*error at (\d+):(\d+)", message)
    return (int(m.group(1)), int(m.group(2))) if m else None


def hints(text: str) -> Hints:
    """The query form, an update verb, volatile functions and prefixes, read lexically (linear time)."""
    bare = _TOKENS.sub(_blank, text)
    rest = bare[_PROLOGUE.match(bare).end():]
    m = _FIRST_WORD.match(rest)
    first = m.group(0).upper() if m else ""
    prefixes = tuple((p or "", iri) for p, iri in _PREFIX_DECL.findall(text) if "://" in iri)
    return Hints(
        form=first if first in QUERY_FORMS else "",
        update_verb=first if first in UPDATE_VERBS else "",
        volatile=bool(_VOLATILE.search(text)),
        prefixes=prefixes,
    )


def _blank(m: re.Match[str]) -> str:
    tok = m.group(0)
    if tok.startswith("<"):
        return "<>"
    if tok.startswith("#"):
        return " "
    return '""'


def host_allowed(iri: str, allowlist: tuple[str, ...]) -> bool:
    """True when an absolute http(s) IRI points at a host (or host:port) on the allow-list."""
    if "\\" in iri or not allowlist:
        return False
    try:
        parts = urlsplit(iri)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return False
    host = parts.hostname.lower()
    effective = port or (443 if parts.scheme == "https" else 80)
    return any(name == host and (p is None or p == effective) for name, p in parse_allowlist(allowlist))


def parse_allowlist(allowlist: tuple[str, ...]) -> list[tuple[str, int | None]]:
    """HOST[:PORT] entries (IPv6 in brackets, a scheme://host tolerated) as (host, port or None)."""
    out: list[tuple[str, int | None]] = []
    for raw in allowlist:
        entry = raw.strip().lower()
        if not entry:
            continue
        if "://" in entry:
            entry = urlsplit(entry).netloc
        if entry.startswith("["):
            name, _, port = entry[1:].partition("]")
            port = port.lstrip(":")
        elif entry.count(":") == 1:
            name, port = entry.split(":")
        else:
            name, port = entry, ""
        if port and not port.isdigit():
            continue
        out.append((name, int(port) if port else None))
    return out


def mask(text: str) -> str:
    """The text with strings, IRIs and comments blanked to spaces: same length, same positions.

    For reading the project's own saved-query files (saved_queries/catalogue.py); never a security check.
    """
    return _TOKENS.sub(lambda m: " " * len(m.group(0)), text)
