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


@dataclass
class Problem:
    name: str | None  # the parameter, or None for one the query does not have
    message: str


def _explain(param: Any, raw: str, lang: str) -> str:
    nl = lang == "nl"
    label = param.label[lang]
    if param.type == "integer":
        text = raw.strip()
        if not text.lstrip("-").isdigit():
            return f"{label}: {'vul een geheel getal in' if nl else 'enter a whole number'}" + (
                f" ({'niet' if nl else 'not'} “{raw}”)" if raw else "")
        number = int(text)
        if param.minimum is not None and number < param.minimum:
            return f"{label}: {'minstens' if nl else 'at least'} {param.minimum} ({'niet' if nl else 'not'} {number})"
        if param.maximum is not None and number > param.maximum:
            return f"{label}: {'hoogstens' if nl else 'at most'} {param.maximum} ({'niet' if nl else 'not'} {number})"
    typed = f" ({'niet' if nl else 'not'} “{raw[:60]}”)" if raw else ""
    if param.values:
        allowed = ", ".join(param.value_label(v, lang) for v in param.values)
        return f"{label}: {'kies een van' if nl else 'choose one of'} {allowed}{typed}"
    return f"{label}: {'deze waarde kan niet' if nl else 'this value is not possible'}{typed}"


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
            found.append(Problem(None, (f"Deze tabel kent geen keuze “{key}”." if lang == "nl"
                                        else f"This table has no option “{key}”.")))
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
            found.append(Problem(key, (f"{param.label[lang]}: één waarde, niet {len(values)}" if lang == "nl"
                                       else f"{param.label[lang]}: one value, not {len(values)}")))
        if fine:
            good[key] = fine
    for p in query.params:
        if p.required and p.name not in args:
            missing = "vul een waarde in" if lang == "nl" else "enter a value"
            found.append(Problem(p.name, f"{p.label[lang]}: {missing}"))
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
