"""A refused parameter, explained on the page in the page's language, with what the reader typed kept.

The catalogue refuses a value with a message for programs (English, in the 400 of the APIs). A reader of
the page gets, per field, what is wrong in Dutch or English, the field marked invalid and still holding
what they typed, and the other fields as they chose them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...saved_queries import RESERVED, ParamError, SavedQuery
from ...saved_queries.binding import given
from ..core.i18n import tr


@dataclass
class Problem:
    name: str | None  # the parameter, or None for one the query does not have
    message: str


def _explain(param: Any, raw: str, lang: str) -> str:
    label = param.label[lang]
    if param.type == "integer":
        text = raw.strip()
        if not text.lstrip("-").isdigit():
            if raw:
                return tr(lang, "%(label)s: enter a whole number (not “%(typed)s”)", label=label, typed=raw)
            return tr(lang, "%(label)s: enter a whole number", label=label)
        number = int(text)
        if param.minimum is not None and number < param.minimum:
            return tr(lang, "%(label)s: at least %(bound)s (not %(number)s)", label=label, bound=param.minimum,
                      number=number)
        if param.maximum is not None and number > param.maximum:
            return tr(lang, "%(label)s: at most %(bound)s (not %(number)s)", label=label, bound=param.maximum,
                      number=number)
    typed = " " + tr(lang, "(not “%(typed)s”)", typed=raw[:60]) if raw else ""
    if param.values:
        allowed = ", ".join(param.value_label(v, lang) for v in param.values)
        return tr(lang, "%(label)s: choose one of %(allowed)s", label=label, allowed=allowed) + typed
    return tr(lang, "%(label)s: this value is not possible", label=label) + typed


def problems(query: SavedQuery, args: Any, lang: str) -> tuple[list[Problem], dict[str, list[str]], dict[str, str]]:
    """What is wrong per parameter, the values that are fine, and the refused values as typed."""
    found: list[Problem] = []
    good: dict[str, list[str]] = {}
    refused: dict[str, str] = {}
    params = {p.name: p for p in query.params}
    for key in args:
        if key in RESERVED:
            continue
        values = given(args.getlist(key))
        param = params.get(key)
        if param is None:
            found.append(Problem(None, tr(lang, "This table has no option “%(key)s”.", key=key)))
            continue
        if not values:
            continue  # `x=` is not given
        fine = []
        for raw in values if param.multiple else values[-1:]:
            try:
                param.check(raw)
            except ParamError:
                found.append(Problem(key, _explain(param, raw, lang)))
                refused[key] = raw
                continue
            fine.append(raw)
        if len(values) > 1 and not param.multiple:
            found.append(Problem(key, tr(lang, "%(label)s: one value, not %(count)s", label=param.label[lang],
                                         count=len(values))))
        if fine:
            good[key] = fine
    for p in query.params:
        if p.required and p.name not in args:
            found.append(Problem(p.name, tr(lang, "%(label)s: enter a value", label=p.label[lang])))
    return found, good, refused


def mark_form(form: list[dict[str, Any]], found: list[Problem], refused: dict[str, str]) -> list[dict[str, Any]]:
    """The parameter form with each refused field marked and holding the text the reader typed."""
    by_name = {p.name: p.message for p in found if p.name}
    for field in form:
        if field["name"] in by_name:
            field["error"] = by_name[field["name"]]
        if field["name"] in refused and not field["options"]:
            field["value"] = refused[field["name"]]
    return form
