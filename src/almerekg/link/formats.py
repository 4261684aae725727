"""The columns of the files the link steps write: shared by the writers (link/) and the reader (graph/linksets.py).

Kept free of imports so build/ can read linksets without importing the network code.
"""

from __future__ import annotations

# linksets/cbs/<table>-<region>.csv: one row per CBS cell, each with the request URL and the time of retrieval.
# value_published and unit are what CBS sent ("7888.2", "x 1 000"); value is that count in units of one
# (value_published x multiplier: 7888200). period_title and period_status are CBS's own ("2019*", "Voorlopig").
# value_status says what a CBS symbol in a StatLine export stands for (CBS's legend): "" for a number, "nil" for
# "-" (value 0), "secret" for "x" and "not-available" for "." (both without a value: never a number).
CBS_COLUMNS = ("table", "api", "region", "period", "period_title", "period_status", "year", "dimension",
               "category_key", "category_title", "section", "measure_key", "measure_title", "unit", "multiplier",
               "value_published", "measure", "value", "url", "retrieved", "value_status")

# The reviewable candidates file of `almerekg link kvk` (decision, reviewer, reviewed_at are the reviewer's).
# actief and vervallen_naam are KvK's own fields; matched_on says which of the two names the score was computed on
# (naam: the current name; vervallenNaam: a former name KvK found the registration by).
KVK_CANDIDATE_COLUMNS = ("firm", "firm_name", "firm_place", "query", "kvk_number", "vestigingsnummer",
                         "candidate_name", "vervallen_naam", "matched_on", "actief", "candidate_place",
                         "candidate_type", "name_score", "place_match", "score", "url", "retrieved", "decision",
                         "reviewer", "reviewed_at", "note")

# linksets/kvk/accepted.csv: only rows a person accepted, written by `almerekg link kvk --apply`.
KVK_ACCEPTED_COLUMNS = ("firm", "kvk_number", "vestigingsnummer", "candidate_name", "candidate_place", "score", "url",
                        "retrieved", "reviewer", "reviewed_at", "note")
