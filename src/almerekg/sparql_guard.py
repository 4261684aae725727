"""Look at a query before anyone runs it: what form it has, whether it is an update, whom it calls.

Two levels, so that the common case stays cheap:

* a small lexer (strings, IRIs and comments blanked out, so keywords inside them do not count) that
  finds the query form after the prologue, dataset clauses, non-deterministic functions and the
  SERVICE keyword. It runs on every query text once (results are cached per text).
* only when the lexer sees SERVICE: rdflib's SPARQL parser and algebra, walked for every
  ServiceGraphPattern wherever it is nested (OPTIONAL, sub-select, EXISTS in FILTER/BIND/ORDER BY,
  ...), with prefixes and BASE resolved. Each target must be on the allow-list.

pyoxigraph federates whatever SERVICE it is given and has no switch to stop it; refusing here is the
only thing between a public endpoint and server-side request forgery. When in doubt we refuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

# Order matters: long strings before short ones, so that '''a'b''' is one token.
_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r"|<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|#[^\n\r]*",
    re.DOTALL,
)
# What may precede the query form: BASE <iri> and PREFIX p: <iri>, the IRIs already blanked to <>.
_PROLOGUE = re.compile(r"\A(?:\s+|BASE\s*<>|PREFIX\s+[^\s:]*:\s*<>)*", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[A-Za-z]+")


def _keyword(word: str) -> re.Pattern[str]:
    # A keyword, not part of a prefixed name (ex:from, from:x) or a variable (?from, $from).
    return re.compile(rf"(?<![\w:?$.\-]){word}(?![\w:\-])", re.IGNORECASE)


_SERVICE = _keyword("SERVICE")
_FROM = _keyword("FROM")
# Functions whose value differs between two runs of the same query: such answers must not be cached.
_VOLATILE = re.compile(r"(?<![\w:?$])(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.\-]*)?:\s*<([^<>\"{}|^`\\\x00-\x20]*)>", re.IGNORECASE)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_BRACKET = re.compile(r"[{}()\[\]]")
# The engine's recursive-descent parser overflows its stack (SIGSEGV) at a few thousand nested groups;
# real queries nest a dozen levels. Deeper texts are refused before any parser sees them.
MAX_NESTING = 200

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_VERBS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


class QueryRefused(Exception):
    """The query may not run here. `status` is the HTTP status that says why (400 or 403)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class QueryInfo:
    form: str  # SELECT, ASK, CONSTRUCT, DESCRIBE, or "" when the lexer cannot tell (the engine will)
    is_update: bool
    has_dataset: bool  # FROM / FROM NAMED in the query itself
    volatile: bool  # NOW(), RAND(), ... : the answer changes from run to run
    services: tuple[str, ...]  # SERVICE targets (IRIs; "?var" for a variable target)
    prefixes: tuple[tuple[str, str], ...] = ()  # PREFIX declarations, reused to write readable Turtle


def mask(text: str) -> str:
    """The text with strings, IRIs and comments blanked to spaces: same length, same positions."""
    return _TOKENS.sub(lambda m: " " * len(m.group(0)), text)


def blank_out(text: str) -> str:
    """The query with strings, IRIs and comments replaced by empty placeholders ("" and <>)."""

    def repl(m: re.Match[str]) -> str:
        tok = m.group(0)
        if tok.startswith("<"):
            return "<>"
        if tok.startswith("#"):
            return " "
        return '""'

    return _TOKENS.sub(repl, text)


def expand_uchars(text: str) -> str:
    """Replace \\uXXXX and \\UXXXXXXXX escapes, as SPARQL 1.1 (section 19.2) says to before parsing."""

    def repl(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group(0)

    return _UCHAR.sub(repl, text)


def _nesting(bare: str) -> int:
    depth = deepest = 0
    for m in _BRACKET.finditer(bare):
        if m.group(0) in "{([":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _lex(text: str) -> tuple[str, bool, bool, int]:
    bare = blank_out(text)
    if _nesting(bare) > MAX_NESTING:
        raise QueryRefused(400, f"the query nests groups or expressions more than {MAX_NESTING} levels deep; "
                                "this endpoint does not accept it")
    rest = bare[_PROLOGUE.match(bare).end():]
    m = _FIRST_WORD.match(rest)
    first = m.group(0).upper() if m else ""
    return first, bool(_FROM.search(bare)), bool(_VOLATILE.search(bare)), len(_SERVICE.findall(bare))


@lru_cache(maxsize=4096)
def inspect(text: str) -> QueryInfo:
    """What a query is, from its text alone. Raises QueryRefused(400) when SERVICE cannot be checked."""
    first, has_dataset, volatile, n_service = _lex(text)
    if "\\u" in text or "\\U" in text:
        # Engines disagree on escapes outside strings; look at both readings so neither hides a keyword.
        efirst, edataset, evolatile, en_service = _lex(expand_uchars(text))
        n_service = max(n_service, en_service)
        has_dataset = has_dataset or edataset
        volatile = volatile or evolatile
        if first not in QUERY_FORMS + UPDATE_VERBS:
            first = efirst
    is_update = first in UPDATE_VERBS
    services: tuple[str, ...] = ()
    if n_service and not is_update:
        services = _service_targets(text, n_service)
    form = first if first in QUERY_FORMS else ""
    prefixes = tuple((p or "", iri) for p, iri in _PREFIX_DECL.findall(text) if "://" in iri)
    return QueryInfo(form=form, is_update=is_update, has_dataset=has_dataset, volatile=volatile,
                     services=services, prefixes=prefixes)


def _service_targets(text: str, n_lexed: int) -> tuple[str, ...]:
    """Every SERVICE target in the query, read from rdflib's parse tree and algebra."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    def walk(node: object, found: list) -> None:
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                found.append(node)
            for value in node.values():
                walk(value, found)
        elif isinstance(node, list | tuple | ParseResults):
            for value in node:
                walk(value, found)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value, found)

    try:
        tree = parseQuery(text)
        in_tree: list = []
        walk(tree, in_tree)
        algebra = translateQuery(tree)
    except Exception as exc:  # noqa: BLE001 - any parser failure means we could not check
        raise QueryRefused(
            400, f"the query uses SERVICE and could not be checked against the allow-list: {_first_line(exc)}"
        ) from None
    in_algebra: list = []
    walk(algebra.algebra, in_algebra)
    if len(in_tree) < n_lexed or not in_algebra:
        raise QueryRefused(400, "the query uses SERVICE in a way this endpoint cannot check; it is refused")
    targets = []
    for node in in_algebra:
        term = node.term
        targets.append(f"?{term}" if isinstance(term, Variable) else str(term))
    return tuple(dict.fromkeys(targets))


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__


def host_allowed(iri: str, allowlist: tuple[str, ...]) -> bool:
    """True when an http(s) IRI points at a host (or host:port) on the allow-list."""
    if "\\" in iri:
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
    for entry in allowlist:
        entry = entry.strip().lower()
        if not entry:
            continue
        if "://" in entry:
            entry = urlsplit(entry).netloc
        if entry.startswith("["):  # [::1]:8080
            name, _, p = entry[1:].partition("]")
            p = p.lstrip(":")
        elif entry.count(":") == 1:
            name, p = entry.split(":")
        else:
            name, p = entry, ""
        if name == host and (not p or (p.isdigit() and int(p) == effective)):
            return True
    return False


def check_services(info: QueryInfo, allowlist: tuple[str, ...]) -> None:
    """Raise QueryRefused(403) unless every SERVICE target is an allowed host."""
    for target in info.services:
        if target.startswith("?"):
            raise QueryRefused(403, f"SERVICE with a variable ({target}) is not allowed on this endpoint")
        if not host_allowed(target, allowlist):
            if allowlist:
                allowed = ", ".join(allowlist)
                raise QueryRefused(
                    403, f"SERVICE <{target}> is not allowed: this endpoint federates only to {allowed}"
                )
            raise QueryRefused(403, f"SERVICE <{target}> is not allowed: federation is switched off here")


@lru_cache(maxsize=1024)
def parses_as_update(text: str) -> bool:
    """rdflib's opinion, asked only after the engine rejected a text the lexer did not flag."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:  # noqa: BLE001 - not an update
        return False
    return True
