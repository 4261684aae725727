"""What a query, or a client, that kills query processes is refused: so that no one can end process after process.

An engine defect that aborts a query process (pyoxigraph 0.5.13 panics on `ORDER BY` over mixed literals) costs a
process and its restart. Two bounds keep that rare:

1. **The quarantine** refuses, for `--quarantine` seconds, every query that reads the same as one that killed a
   process. "The same" is the query's canonical form (`canonical`): comments and whitespace dropped, keywords in
   one case, prefixed names written out as full IRIs (and the PREFIX declarations gone), variables and blank-node
   labels numbered in the order they first appear, one quote style for strings. `... ORDER BY DESC(?o) #1`,
   `#2`, a renamed variable or another prefix name are one query to it.
2. **The per-client limit** (`ClientDeaths`) answers 429 with `Retry-After` to a client whose queries ended
   `--client-deaths` processes (crashed, ran out of memory or outran the timeout) within
   `--client-deaths-window` seconds: variants the canonical form cannot see (`LIMIT 1`, `LIMIT 2`, ...) stop there.

Why a reading of our own for the canonical form: pyoxigraph 0.5.13 exposes no parsed query (no `Query` object,
no algebra, no explain) and rdflib's parser costs 35–135 ms per query in the web process and fails (RecursionError)
on an 85 KB query, so neither can run on every query. The reading here decides no security question: a text it
reads wrongly only gets a key of its own (then the per-client limit still holds) or, at worst, shares the key of
a quarantined text and is refused for a while. It is one regular expression whose alternatives each match in one
pass (an unterminated string or IRI runs to the end of its line or text instead of being tried again from every
later quote), so it takes linear time; it runs only while something is quarantined, and only on texts of at most
CANONICAL_MAX_CHARS characters (a longer text is keyed as it stands: the per-client limit then bounds its variants).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import OrderedDict, deque

from ..errors import AppError

QUARANTINE_ENTRIES = 4096
# Reading a text costs the web process about 2 µs per token: texts up to this length (every query a person
# writes) are read, at most ~20 ms; a longer one is keyed as it stands, and the per-client limit bounds its variants.
CANONICAL_MAX_CHARS = 8192
CLIENTS_KEPT = 4096  # clients whose recent process deaths are remembered (the oldest are forgotten first)
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

_PN_CHARS_BASE = (r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
                  r"\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_VARCHAR = rf"[{_PN_CHARS_BASE}_0-9\u00B7\u0300-\u036F\u203F-\u2040]"
_NAME = rf"[{_PN_CHARS_BASE}_0-9\-.\u00B7\u0300-\u036F\u203F-\u2040]"
# One token per match, in the order SPARQL's terminals are tried; every alternative consumes what it starts.
_TOKEN = re.compile(
    rf"""(?P<ws>[ \t\r\n]+)
    |(?P<comment>\#[^\r\n]*)
    |(?P<long>\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*+(?:\"\"\"|\Z)|'''(?:[^'\\]|\\.|'(?!''))*+(?:'''|\Z))
    |(?P<string>\"(?:[^\"\\\r\n]|\\.)*+\"?|'(?:[^'\\\r\n]|\\.)*+'?)
    |(?P<iri><[^<>\"{{}}|^`\\\x00-\x20]*+>)
    |(?P<var>[?$]{_VARCHAR}++)
    |(?P<bnode>_:(?:{_NAME}|%[0-9A-Fa-f]{{2}})++)
    |(?P<pname>(?:[{_PN_CHARS_BASE}](?:{_NAME})*+)?:(?:{_NAME}|:|%[0-9A-Fa-f]{{2}}|\\.)*+)
    |(?P<lang>@[A-Za-z]++(?:-[A-Za-z0-9]++)*+)
    |(?P<number>(?:[0-9]++(?:\.[0-9]++)?|\.[0-9]++)(?:[eE][+-]?[0-9]++)?)
    |(?P<word>[{_PN_CHARS_BASE}_]{_NAME}*+)
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def canonical(text: str) -> str:
    """The query as the quarantine compares it: one token per item, separated by single spaces."""
    out: list[str] = []
    prefixes: dict[str, str] = {}
    names: dict[str, str] = {}
    pending_prefix: list[str] = []  # PREFIX, then its name: waiting for the IRI
    for m in _TOKEN.finditer(text):
        kind, value = m.lastgroup, m.group()
        if kind in ("ws", "comment"):
            continue
        dots = ""
        if kind in ("pname", "word") and value.endswith(".") and value.rstrip("."):
            # A name does not end with a dot: `ex:o.` is `ex:o` and the end of a triple.
            stripped = value.rstrip(".")
            value, dots = stripped, value[len(stripped):]
        if pending_prefix:
            if kind == "pname" and len(pending_prefix) == 1 and value.endswith(":") and value.count(":") == 1:
                pending_prefix.append(value)
                continue
            if kind == "iri" and len(pending_prefix) == 2:
                prefixes[pending_prefix[1]] = value[1:-1]
                pending_prefix.clear()
                continue
            out.extend(pending_prefix)  # not a declaration after all: keep what was read
            pending_prefix.clear()
        if kind == "word" and value.upper() == "PREFIX":
            pending_prefix.append("PREFIX")
            continue
        out.append(_token(kind, value, prefixes, names))
        out.extend(dots)
    out.extend(pending_prefix)
    return " ".join(out)


def _token(kind: str | None, value: str, prefixes: dict[str, str], names: dict[str, str]) -> str:
    if kind in ("long", "string"):
        quote = 3 if kind == "long" else 1
        closed = len(value) >= 2 * quote and value[-quote:] == value[:quote]
        inner = value[quote:-quote] if closed else value[quote:]
        return "S" + json.dumps(inner, ensure_ascii=False) + ("" if closed else "…")
    if kind in ("var", "bnode"):
        sigil = "?" if kind == "var" else "_:"
        return names.setdefault(sigil + value[len(sigil):], f"{sigil}{len(names) + 1}")
    if kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix + ":" in prefixes:
            return "<" + prefixes[prefix + ":"] + re.sub(r"\\(.)", r"\1", local) + ">"
        return value
    if kind == "word":
        return RDF_TYPE if value == "a" else value.upper()
    if kind == "lang":
        return value.lower()
    return value


def digest(text: str) -> bytes:
    """The quarantine's key for a query text: its canonical form hashed (only digests are kept); a text longer
    than CANONICAL_MAX_CHARS is keyed as it stands (reading it would cost the web process too much)."""
    form = canonical(text) if len(text) <= CANONICAL_MAX_CHARS else "\0" + text
    return hashlib.sha256(form.encode("utf-8", "surrogatepass")).digest()


class Quarantine:
    """Queries that killed a query process, refused for a while (bounded: digests of canonical forms only)."""

    def __init__(self, seconds: float, entries: int = QUARANTINE_ENTRIES) -> None:
        self.seconds = seconds
        self.entries = entries
        self._items: OrderedDict[bytes, tuple[float, AppError]] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, text: str, error: AppError) -> None:
        if self.seconds <= 0:
            return
        key = digest(text)
        with self._lock:
            self._items[key] = (time.monotonic() + self.seconds, error)
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)

    def check(self, text: str) -> None:
        """Raise the error the text's canonical twin got, while it is quarantined."""
        with self._lock:
            if not self._items:  # the usual case: nothing quarantined, nothing to read
                return
        key = digest(text)
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return
            until, error = item
            left = until - time.monotonic()
            if left <= 0:
                del self._items[key]
                return
        headers = dict(error.headers)
        headers["Retry-After"] = str(max(1, int(left)))
        raise AppError(error.status, f"{error.message} (this query is refused for another {left:.0f} s)", headers)


class ClientDeaths:
    """How many query processes each client's queries ended lately; over the limit, the client gets 429."""

    def __init__(self, limit: int, window: float, clients: int = CLIENTS_KEPT) -> None:
        self.limit = limit
        self.window = window
        self.clients = clients
        self._deaths: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, client: str) -> bool:
        """Count a process `client`'s query ended; True when that puts the client over the limit."""
        if not client or self.limit <= 0:
            return False
        now = time.monotonic()
        with self._lock:
            times = self._deaths.setdefault(client, deque(maxlen=self.limit))
            times.append(now)
            self._deaths.move_to_end(client)
            while len(self._deaths) > self.clients:
                self._deaths.popitem(last=False)
            return len(times) == self.limit and now - times[0] < self.window

    def check(self, client: str) -> None:
        """Raise 429 while `client`'s queries have ended `limit` processes within the last `window` seconds."""
        if not client or self.limit <= 0:
            return
        with self._lock:
            times = self._deaths.get(client)
            if times is None or len(times) < self.limit:
                return
            left = times[0] + self.window - time.monotonic()
        if left <= 0:
            return
        raise AppError(429, f"your queries ended {self.limit} query processes within {self.window:g} s (crashed, "
                            f"ran out of memory or outran the time limit); this endpoint runs no query of yours "
                            f"for another {left:.0f} s", {"Retry-After": str(max(1, int(left) + 1))})
