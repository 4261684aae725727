"""What the graph tests share: the rows of a data file, and a query's solutions on the built store."""

from __future__ import annotations

import csv

from .sections import DATA


def rows(name: str) -> list[dict[str, str]]:
    """The rows of data/NAME as dicts, in file order."""
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def solutions(store, query: str) -> list[dict[str, str | None]]:  # noqa: ANN001 - a pyoxigraph Store
    """Each solution of a SELECT over the union of the named graphs, as {variable: value or None}."""
    result = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: (sol[n].value if sol[n] is not None else None) for n in names} for sol in result]
