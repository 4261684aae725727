"""Content negotiation (RFC 9110 section 12): which format and which language a client gets.

Media ranges may carry parameters (`application/sparql-results+json; charset=utf-8`); only `q` weighs,
and a charset other than UTF-8 (the only one we write) makes a range unusable. Of the ranges matching
an offered format the most specific counts (type/subtype over type/* over */*). Ties go to the order of
the offer, which is the server's preference. The `format` parameter wins over Accept: it is what a
person typed in a link.

Parsing is bounded: only the first MAX_HEADER characters and MAX_RANGES ranges of a header are read, so
a long header costs microseconds, not seconds (the server refuses request heads over its limit anyway).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ...engine import formats

MAX_HEADER = 4096
MAX_RANGES = 64


@dataclass(frozen=True)
class Range:
    type: str
    subtype: str
    q: float
    charset: str | None

    def matches(self, media_type: str) -> int:
        """How specifically this range matches a media type: 3 exact, 2 type/*, 1 */*, 0 not at all."""
        kind, _, sub = media_type.partition("/")
        if self.charset not in (None, "utf-8", "utf8", "*"):
            return 0
        if self.type == kind and self.subtype == sub:
            return 3
        if self.type == kind and self.subtype == "*":
            return 2
        if self.type == "*" and self.subtype == "*":
            return 1
        return 0


def parse_accept(header: str | None) -> tuple[Range, ...]:
    """The media ranges of an Accept header, at most MAX_RANGES of them; malformed ones are skipped.

    Clients send a handful of distinct headers over and over: the last 256 readings are kept (each at most
    MAX_HEADER characters long, so the memory is bounded too).
    """
    return _parse_accept((header or "")[:MAX_HEADER])


@lru_cache(maxsize=256)
def _parse_accept(header: str) -> tuple[Range, ...]:
    out: list[Range] = []
    for part in header.split(",")[:MAX_RANGES]:
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        kind, slash, sub = media.partition("/")
        if not slash or not kind or not sub:
            continue
        q, charset = 1.0, None
        for param in fields[1:]:
            name, _, value = param.partition("=")
            name, value = name.strip().lower(), value.strip().strip('"').lower()
            if name == "q":
                q = _quality(value)
            elif name == "charset":
                charset = value
        out.append(Range(kind, sub, q, charset))
    return tuple(out)


def _quality(value: str) -> float:
    try:
        q = float(value)
    except ValueError:
        return 0.0
    return q if 0.0 <= q <= 1.0 else 0.0


def quality(ranges: tuple[Range, ...], media_type: str) -> float:
    """The q a client gives a media type: that of the most specific matching range (0 when none)."""
    best, q = 0, 0.0
    for r in ranges:
        score = r.matches(media_type)
        if score > best:
            best, q = score, r.q
    return q


def choose(accept: str | None, offer: tuple[str, ...], format_values: Iterable[str] = ()) -> str | None:
    """The offered media type to answer with, or None when nothing the client asked for is on offer.

    `offer` holds canonical media types (engine/formats.py); a client may name one by an alias
    (application/json, text/plain, ...), which counts for the first offered format it is an alias of.
    """
    for value in format_values:
        if value.strip():
            found = formats.by_name(value, offer)
            if found is not None:
                return found.media_type
    if not (accept or "").strip():
        return offer[0] if offer else None
    ranges = parse_accept(accept)
    best: tuple[float, int] | None = None
    chosen = None
    for position, media in enumerate(offer):
        q = quality(ranges, media)
        for alias in formats.aliases(media):
            if _alias_owner(alias, offer) == media:
                q = max(q, _exact_quality(ranges, alias))
        if q > 0 and (best is None or q > best[0]):
            best, chosen = (q, position), media
    return chosen


def _exact_quality(ranges: tuple[Range, ...], media_type: str) -> float:
    return max((r.q for r in ranges if r.matches(media_type) == 3), default=0.0)


def _alias_owner(alias: str, offer: tuple[str, ...]) -> str | None:
    """The first offered format an alias stands for (application/json: SPARQL JSON before JSON-LD)."""
    return next((m for m in offer if alias in formats.aliases(m)), None)


def prefers_html(accept: str | None, others: tuple[str, ...]) -> bool:
    """A browser: text/html acceptable and ranked above every other format on offer."""
    ranges = parse_accept(accept)
    html = max((r.q for r in ranges if r.matches("text/html") >= 2), default=0.0)
    if html <= 0:
        return False
    return html > max((quality(ranges, m) for m in others), default=0.0)


def choose_language(header: str | None, offer: tuple[str, ...]) -> str | None:
    """The offered language (e.g. nl, en) an Accept-Language header prefers, or None."""
    best: tuple[float, int] | None = None
    chosen = None
    for part in (header or "")[:MAX_HEADER].split(",")[:MAX_RANGES]:
        fields = [f.strip() for f in part.split(";")]
        tag = fields[0].lower()
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                q = _quality(value.strip())
        primary = tag.split("-")[0]
        for position, lang in enumerate(offer):
            if q > 0 and primary == lang and (best is None or q > best[0] or (q == best[0] and position < best[1])):
                best, chosen = (q, position), lang
    return chosen
