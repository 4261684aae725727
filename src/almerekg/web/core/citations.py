"""Where a citation of the report leads: one function, used by every page that cites (/doc, /queries, search)."""

from __future__ import annotations

from urllib.parse import urlencode

MAX_MARK = 600  # the longest quote in data/ is shorter; a longer text is cut, not refused


def cite_href(part: str | None, quote: str | None, lang: str) -> str:
    """/report?part=ID&mark=WORDS#mark: the cited part, with the quoted words highlighted (#ID without words)."""
    args = []
    if part:
        args.append(("part", part))
    if quote:
        args.append(("mark", quote[:MAX_MARK]))
    args.append(("lang", lang))  # every link names the page's language (core/i18n.py)
    fragment = "#mark" if quote else ("#" + part if part else "")
    return "/report?" + urlencode(args) + fragment
