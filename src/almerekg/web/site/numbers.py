"""Numbers on pages as the reader's language writes them: `{{ n|num(lang) }}` gives 1.325 or 1,325."""

from __future__ import annotations

from flask import Blueprint

from ..core.phrases import format_number

bp = Blueprint("numbers", __name__)


@bp.app_template_filter("num")
def num(value: object, lang: str = "nl") -> str:
    return format_number(value, lang)
