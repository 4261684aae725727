"""Small bar charts drawn on the server as inline SVG: no JavaScript, no web fonts, readable in print.

A chart repeats what the table beside it says, for readers who see a pattern faster than they read
numbers; the table stays the accessible source (the SVG has a title and description, and the page
says the table holds the same figures). Every text from the graph is escaped.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from ...saved_queries.tables import Table
from ..core.i18n import tr
from ..core.phrases import format_number

# Okabe-Ito: distinguishable for the common kinds of colour blindness, and in greyscale print.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999", "#000000")

WIDTH = 760
LABEL_W = 250
BAR_H = 16
GAP = 6
MAX_LABEL = 38


def _nice_step(top: float) -> float:
    if top <= 0:
        return 1
    raw = top / 5
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * magnitude:
            return m * magnitude
    return 10 * magnitude


def _fmt(n: float, lang: str) -> str:
    return format_number(int(round(n)), lang)


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def _axis(top: float) -> tuple[float, float]:
    """Grid step and axis end: round numbers, the end at or just above the largest bar."""
    step = _nice_step(top)
    return step, step * (int(top // step) + (0 if top % step == 0 else 1))


def _open(chart_id: str, title: str, desc: str, height: int) -> list[str]:
    return [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def _grid(step: float, axis_max: float, plot_w: int, y0: int, height: int, lang: str) -> list[str]:
    out = []
    for t in range(int(axis_max // step) + 1):
        value = t * step
        x = LABEL_W + plot_w * value / axis_max
        out.append(f'<line x1="{x:.1f}" y1="{y0 - 4}" x2="{x:.1f}" y2="{height - 24}" class="grid"/>')
        out.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" class="tick">{_fmt(value, lang)}</text>')
    return out


def _row_label(label: str, y: int) -> str:
    return (f'<text x="{LABEL_W - 8}" y="{y + BAR_H - 4}" text-anchor="end" class="label">'
            f'<title>{escape(label)}</title>{escape(_short(label))}</text>')


def stacked_bars(table: Table, title: str, lang: str, chart_id: str = "chart") -> Markup | None:
    """One horizontal bar per non-total row, split into its non-total columns (a legend on top)."""
    if table.kind != "pivot":
        return None
    cols = [i for i, c in enumerate(table.header[1:]) if not c.total]
    names = [table.header[1 + i].text for i in cols]
    rows = []
    for r in table.rows:
        if r.total or r.header is None:
            continue
        parts = [float(r.cells[i].value or 0) for i in cols]
        rows.append((r.header.text, parts))
    if not rows or not any(sum(p) for _, p in rows):
        return None
    step, axis_max = _axis(max(sum(p) for _, p in rows))
    plot_w = WIDTH - LABEL_W - 20
    # As many legend entries on a line as the longest name allows.
    longest = min(MAX_LABEL, max((len(n) for n in names), default=1))
    per_line = max(1, (WIDTH - 20) // (26 + 7 * longest))
    legend_rows = (len(names) + per_line - 1) // per_line
    item_w = (WIDTH - 20) // per_line
    y0 = 16 + legend_rows * 20 + 18
    height = y0 + len(rows) * (BAR_H + GAP) + 30
    out = _open(chart_id, title, _desc(lang, len(rows), names), height)
    for n, name in enumerate(names):
        x: float = 10 + (n % per_line) * item_w
        y = 10 + (n // per_line) * 20
        out.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{PALETTE[n % len(PALETTE)]}"/>')
        out.append(f'<text x="{x + 18}" y="{y + 11}" class="legend">{escape(_short(name))}</text>')
    out += _grid(step, axis_max, plot_w, y0, height, lang)
    for i, (label, parts) in enumerate(rows):
        y = y0 + i * (BAR_H + GAP)
        out.append(_row_label(label, y))
        x = float(LABEL_W)
        for n, part in enumerate(parts):
            if part <= 0:
                continue
            w = plot_w * part / axis_max
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR_H}" '
                       f'fill="{PALETTE[n % len(PALETTE)]}"><title>{escape(label)}, {escape(names[n])}: '
                       f'{_fmt(part, lang)}</title></rect>')
            x += w
        out.append(f'<text x="{x + 4:.1f}" y="{y + BAR_H - 4}" class="value">{_fmt(sum(parts), lang)}</text>')
    out.append("</svg>")
    return Markup("\n".join(out))  # noqa: S704 - every text from the graph went through escape()


def bars(items: list[tuple[str, float]], title: str, lang: str, chart_id: str = "chart") -> Markup | None:
    """One horizontal bar per (label, value)."""
    items = [(label, value) for label, value in items if value is not None]
    if not items or not any(v for _, v in items):
        return None
    step, axis_max = _axis(max(v for _, v in items))
    plot_w = WIDTH - LABEL_W - 40
    y0 = 10
    height = y0 + len(items) * (BAR_H + GAP) + 30
    out = _open(chart_id, title, _desc(lang, len(items), []), height)
    out += _grid(step, axis_max, plot_w, y0, height, lang)
    for i, (label, value) in enumerate(items):
        y = y0 + i * (BAR_H + GAP)
        w = plot_w * value / axis_max
        out.append(_row_label(label, y))
        out.append(f'<rect x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{BAR_H}" fill="{PALETTE[0]}">'
                   f'<title>{escape(label)}: {_fmt(value, lang)}</title></rect>')
        out.append(f'<text x="{LABEL_W + w + 4:.1f}" y="{y + BAR_H - 4}" class="value">{_fmt(value, lang)}</text>')
    out.append("</svg>")
    return Markup("\n".join(out))  # noqa: S704 - every text from the graph went through escape()


def _desc(lang: str, n: int, series: list[str]) -> str:
    if series:
        return tr(lang, "Bar chart with %(n)s bars, each divided into: %(series)s. The table on this page holds the "
                  "same figures.", n=n, series=", ".join(series))
    return tr(lang, "Bar chart with %(n)s bars. The table on this page holds the same figures.", n=n)
