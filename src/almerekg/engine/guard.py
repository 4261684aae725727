"""How a query is read before it runs, and why that reading holds: decisions on the engine's own reading.

A check written beside the engine, with a lexer of its own, read queries differently from the engine
and let SERVICE through (`... .SERVICE <http://127.0.0.1/>`, `1 <2#>` and a long string ...). So no security decision
here rests on a reading of ours: the engine's own parser decides, on a changed ("neutralised") text that cannot
call anything. Why its verdict on that text is its verdict on the original, for every text:

0. The engine (pyoxigraph 0.5, its parser spargebra: a PEG written with rust-peg) matches keywords
   ASCII-case-insensitively, with no word boundary (`trueSERVICE` is `true` then `SERVICE`), and decodes no
   \\u escapes outside IRIs and strings. So it can read the keyword SERVICE only where the seven letters
   s-e-r-v-i-c-e stand in the text. A text without them has no SERVICE: decided here, in linear time.
1. The neutralised text T' is the text T with the `v` of every `vice` (any case, so every SERVICE
   candidate and every other `vice`) replaced by a marker letter m, keeping its case: `q`, or `j` when the
   text holds `qice`; a text holding both `qice` and `jice` is refused outright. Lemma: every test the
   parser makes gives the same answer on T' as on T, except the keyword SERVICE at a neutralised place.
   The parser's tests are of four kinds, each checked against its grammar:
   a. character classes: m and `v` are both ASCII letters, and no class of the grammar tells them apart
      (the letter-specific ones are hex digits a-f, the exponent e, the escapes t b n r f u after a
      backslash); IRIs (RFC 3987) and language tags (BCP 47) also treat them alike in every place they stand;
   b. keywords and fixed words: none contains m followed by `i` or ends in m (m = q: no keyword has a q;
      m = j: ADJUST, OBJECT, SUBJECT), and the only one holding `vi` followed by `c` is SERVICE, so a fixed
      word matches T' over a changed letter exactly when it matches T there, unless it is SERVICE;
   c. names compared with one another (declared and used prefixes, blank-node labels, variables): a name
      is a maximal run of name characters, so one that holds a changed letter holds the `ice` after it;
      two names are equal in T' exactly when they are equal in T, because every `vice` was changed and
      T held no m followed by `ice` to be confused with a changed one. (This is what the earlier choice, `x` in
      SERVICE only, lacked: `PREFIX trueSERXICE: <…> … trueSERVICE:x {…}` declared the changed name.)
   d. values compared with the grammar's constants (cast functions, `rdf:type`, …): none contains
      `vice`, m followed by `ice`, or a word the change could complete.
   A kept ("live", see below) occurrence is never inside a name: it stands after a space, a brace, `;` or
   `)` and before a space, a comment, SILENT or `<`, so (c) holds with it too.
2. So the engine's run on T' is its run on T with the SERVICE keyword made to fail at the neutralised
   places. The keyword is tried at one place of the grammar only: as one alternative of a group's pattern
   (GraphPatternNotTriples) after a triples block or another pattern. Where the run on T reads SERVICE at
   a place k, the run on T' is the same up to k (a PEG never re-reads a part it has finished); at k no
   other alternative can start with the letters `SER` (they start with `{` or OPTIONAL, LATERAL, MINUS,
   GRAPH, FILTER, BIND, VALUES), so the group's item loop stops at k, where only its closing `}` may
   stand: the group fails. Every rule that holds a group (WHERE, OPTIONAL, MINUS, GRAPH, SERVICE, LATERAL,
   UNION, [NOT] EXISTS, a sub-select, the query forms) then fails too, or stops before a keyword or brace
   that the rule around it does not accept, up to the query, which fails. Hence the engine accepts
   T' if and only if none of the neutralised places is a SERVICE keyword in its reading of T.
   Lemma 1 is checked rule by rule against the grammar (spargebra's parser.rs as released with oxigraph
   0.5.9); step 2 is an argument over the grammar's rules, not a mechanical proof. On the installed engine
   tests/robustness/test_service_generator.py tries it the way an attacker would (keywords, literals and
   punctuation glued to SERVICE, in every case, with prefixes declared to mimic the changed text) against
   a listener, and tests/robustness/test_engine_reading.py checks facts 0 and 1a, so an upgrade that
   changes them fails the suite.
3. T' holds no SERVICE keyword (no `vice` is left but live ones), so asking the engine to parse it (a query
   on an empty store, in a sealed worker, under the query timeout) cannot contact anything.

FROM (the `r` becomes `x`) is found the same way: its presence decides whether the default graph is the union
of all graphs (the engine's dataset options override a query's FROM). That shapes the answer, not what the
engine may reach.

Federation (an allow-list of SERVICE hosts) keeps "live" only the occurrences followed by an allowed
absolute IRI written out in full (no prefixed name, no escape, nothing BASE could change), so the target
the engine will call is exactly the text that was checked; every other occurrence is neutralised and
must not be a keyword. The query processes are sealed by the operating system as a second layer
(engine/sandbox.py), so either layer alone holds. Where the operating system cannot seal them, the
engine refuses every text that holds the letters at all (engine/engine.py): fail closed.

Everything else read here (the query form, an update verb, volatile functions, prefixes) only shapes
the answer (negotiation, the read-only message, caching, Turtle prefixes), never what the engine may do.
Every reading here is linear in the length of the text: one pass, no pattern that backtracks over what it
has read (tests/robustness/test_linear_time.py feeds each one 1 MiB of hostile text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

SERVICE = "service"
FROM = "from"
_SERVICE_LETTERS = re.compile(SERVICE, re.IGNORECASE | re.ASCII)
_FROM_LETTERS = re.compile(FROM, re.IGNORECASE | re.ASCII)
_VICE = re.compile("vice", re.IGNORECASE | re.ASCII)
# The letters that may stand for the `v` of `vice` (see the module text, 1), in the order tried.
MARKERS = ("q", "j")
_MARKER_IN_TEXT = {m: re.compile(m + "ice", re.IGNORECASE | re.ASCII) for m in MARKERS}
# The letter that is changed in FROM, by its index: fRom.
_FROM_CHANGED = 1
# What may stand just before a live SERVICE (never a name character, see the module text, 1).
_BEFORE_LIVE = frozenset(" \t\r\n{};)")

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_VERBS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")

# The prologue (BASE, PREFIX, VERSION, comments), read on the raw text with possessive quantifiers.
_IRI_TEXT = r"<[^<>\"{}|^`\\\x00-\x20]*+>"
_PROLOGUE = re.compile(rf"\A(?:\s++|#[^\r\n]*+|BASE\s*+{_IRI_TEXT}|PREFIX\s++[^\s:<]*+:\s*+{_IRI_TEXT}"
                       r"|VERSION\s*+(?:\"[^\"\r\n]*+\"|'[^'\r\n]*+'))*+", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[A-Za-z]+")
# Functions whose value differs between two runs: such answers are never cached. Read on the raw text,
# so a word inside a string counts too (an answer not cached is the safe side of a wrong guess).
# The first letter is matched before the look-behind, so the scan skips ahead on it (4x faster on 1 MiB).
_VOLATILE = re.compile(r"[NRUSB](?<![\w:?$][NRUSB])(?:(?<=N)OW|(?<=R)AND|(?<=U)UID|(?<=S)TRUUID|(?<=B)NODE)\s*+\(",
                       re.IGNORECASE)
_PREFIX_DECL = re.compile(r"PREFIX\s++([A-Za-z][\w.\-]*+)?:\s*+<([^<>\"{}|^`\\\x00-\x20]*+)>", re.IGNORECASE)
# Strings, IRIs and comments, for mask(). Every quantifier is possessive (never gives back what it read) and
# a string left open runs to the end of its line (long strings: of the text), so no match is tried twice over
# the same characters: linear time, whatever the text.
_TOKENS = re.compile(
    r'"""(?:[^"\\]++|\\.|"(?!""))*+(?:""")?'
    r"|'''(?:[^'\\]++|\\.|'(?!''))*+(?:''')?"
    r'|"(?:[^"\\\r\n]++|\\.)*+"?'
    r"|'(?:[^'\\\r\n]++|\\.)*+'?"
    r"|<[^<>\"{}|^`\\\x00-\x20]*+>"
    r"|#[^\r\n]*+",
    re.DOTALL,
)

# What may follow a SERVICE keyword for the federation allow-list: whitespace and comments, SILENT,
# then the target. Only a full IRI counts as an allowed target.
_GAP = re.compile(r"(?:[ \t\r\n]++|#[^\r\n]*+)*+")
_SILENT = re.compile(r"SILENT(?![\w\-:])", re.IGNORECASE)
_IRIREF = re.compile(r"<([^<>\"{}|^`\\\x00-\x20]*+)>")


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
    marker: str = MARKERS[0]  # the letter that stands for the `v` of `vice`; "" when none may (refused)

    @property
    def federated(self) -> bool:
        return bool(self.live)

    @property
    def needs_service_check(self) -> bool:
        return bool(self.service_at)

    def service_check_text(self, query: str) -> str:
        """The query with the `v` of every `vice` but the live ones' changed to the marker (module text, 1)."""
        kept = {at + 3 for at in self.live}
        return _replace(query, [m.start() for m in _VICE.finditer(query) if m.start() not in kept], self.marker)

    def from_check_text(self, query: str) -> str:
        """The query with FROM and every non-live SERVICE occurrence neutralised."""
        return _replace(self.service_check_text(query), [at + _FROM_CHANGED for at in self.from_at], "x")


def occurrences(text: str, word: str) -> tuple[int, ...]:
    pattern = _SERVICE_LETTERS if word == SERVICE else _FROM_LETTERS
    return tuple(m.start() for m in pattern.finditer(text))


def _replace(text: str, offsets: list[int], letter: str) -> str:
    """The text with the letter at each offset replaced by `letter` in its case (same length, same positions)."""
    if not offsets:
        return text
    chars = list(text)
    for at in offsets:
        chars[at] = letter.upper() if chars[at].isupper() else letter
    return "".join(chars)


def marker_for(text: str) -> str:
    """The first marker letter that is not followed by `ice` anywhere in the text ("" when none is free)."""
    return next((m for m in MARKERS if not _MARKER_IN_TEXT[m].search(text)), "")


def plan(text: str, allowlist: tuple[str, ...] = ()) -> Plan:
    """Where SERVICE or FROM could stand in the engine's reading; linear in the length of the text."""
    service_at = occurrences(text, SERVICE)
    live: tuple[int, ...] = ()
    if service_at and allowlist:
        live = tuple(at for at in service_at if _live(text, at, allowlist))
    marker = marker_for(text) if service_at else MARKERS[0]
    return Plan(service_at=service_at, live=live, from_at=occurrences(text, FROM), marker=marker)


def _end(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where a pattern that matches everywhere (possibly nothing) ends, read from pos."""
    m = pattern.match(text, pos)
    return m.end() if m else pos


def _live(text: str, at: int, allowlist: tuple[str, ...]) -> bool:
    return (at == 0 or text[at - 1] in _BEFORE_LIVE) and _allowed_target(text, at + len(SERVICE), allowlist)


def _allowed_target(text: str, end: int, allowlist: tuple[str, ...]) -> bool:
    pos = _end(_GAP, text, end)
    silent = _SILENT.match(text, pos)
    if silent:
        pos = _end(_GAP, text, silent.end())
    m = _IRIREF.match(text, pos)
    return m is not None and host_allowed(m.group(1), allowlist)


def unmarkable(text: str) -> QueryRefused:
    """The refusal of a text in which no marker letter is free (module text, 1)."""
    used = " and ".join(f"`{m}ice`" for m in MARKERS)
    return QueryRefused(403, f"this query holds the letters SERVICE and also {used}, so it cannot be checked "
                             "for SERVICE; write those words differently (an escape in a string or IRI)")


def refusal_for(query: str, plan_: Plan, position: tuple[int, int] | None, allowlist: tuple[str, ...]) -> QueryRefused:
    """Why a query whose neutralised text the engine rejected is refused.

    When the engine stopped at a neutralised occurrence, that occurrence is a SERVICE keyword; otherwise
    the query has a syntax error of its own at that position (positions are the same in both texts).
    """
    offset = _offset(query, position) if position else None
    live = set(plan_.live)
    for at in plan_.service_at:
        if at not in live and offset is not None and at - _WORD_LOOK <= offset <= at + _WORD_LOOK + 1 \
                and _word_start(query, at) <= offset <= _word_end(query, at) + 1:
            line = query.count("\n", 0, at) + 1
            col = at - (query.rfind("\n", 0, at) + 1) + 1
            what = f"SERVICE {_written_target(query, at + len(SERVICE))}(line {line}, column {col})"
            if allowlist:
                return QueryRefused(403, f"{what} is not allowed: this endpoint federates only to "
                                         f"{', '.join(allowlist)}, named by a full IRI such as <https://host/sparql>")
            return QueryRefused(403, f"{what} is not allowed: federation is switched off on this endpoint")
    return QueryRefused(400, "")  # a plain syntax error: the caller words it with the engine's message


# The word around an occurrence (what the engine may have tried to read as one name with it): where the
# engine stopped on a changed text within it, the changed letter is what it stopped on. Bounded look.
_WORD_LOOK = 300
_NAME_CHAR = re.compile(r"[\w.:%\\-]")
_NAME_CHARS = re.compile(rf"[\w.:%\\-]{{0,{_WORD_LOOK}}}")


def _word_start(text: str, at: int) -> int:
    start = at
    while start > max(0, at - _WORD_LOOK) and _NAME_CHAR.match(text, start - 1):
        start -= 1
    return start


def _word_end(text: str, at: int) -> int:
    return _end(_NAME_CHARS, text, at)


_WRITTEN = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]{0,300}>|[?$][\w]{1,100}|[^\s{}]{1,300}")


def _written_target(query: str, end: int) -> str:
    """The target as the query writes it (its own words, shortened), for the refusal message."""
    pos = _end(_GAP, query, end)
    silent = _SILENT.match(query, pos)
    if silent:
        pos = _end(_GAP, query, silent.end())
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
    rest = text[_end(_PROLOGUE, text, 0):]
    m = _FIRST_WORD.match(rest)
    first = m.group(0).upper() if m else ""
    prefixes = tuple((p or "", iri) for p, iri in _PREFIX_DECL.findall(text) if "://" in iri)
    return Hints(
        form=first if first in QUERY_FORMS else "",
        update_verb=first if first in UPDATE_VERBS else "",
        volatile=bool(_VOLATILE.search(text)),
        prefixes=prefixes,
    )


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
