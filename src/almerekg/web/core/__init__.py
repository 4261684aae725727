"""What the pages of every blueprint share, so that no blueprint imports another.

- `render.py`, `i18n.py`   rendering a page in its language; the language switch
- `pages.py`               the request's state, build and graph index; the thing a path names
- `respond.py`             the one response path: negotiate, revalidate (304), render, send
- `errors.py`              every AppError a view raises, as a page, JSON or text; the 404 page
- `index.py`               the graph index (labels, types, report parts, table cells), loaded once per build
- `representations.py`     HTML for people, RDF for programs: the offer, extensions, negotiation, JSON-LD
- `phrases.py`             numbers and relationships said in words
- `citations.py`           where a citation of the report leads
- `report_text.py`         the report's own text (data/report/), read once
"""
