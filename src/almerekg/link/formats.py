"""The columns of the files the link steps write: shared by the writers (link/) and the reader (build/linksets.py).

Kept free of imports so build/ can read linksets without importing the network code.
"""

from __future__ import annotations

# linksets/cbs/<table>-<region>.csv: one row per CBS cell, each with the request URL and the time of retrieval.
CBS_COLUMNS = ("table", "api", "region", "period", "year", "dimension", "category_key", "category_title", "section",
               "measure_key", "measure_title", "unit", "measure", "value", "url", "retrieved")

# The reviewable candidates file of `almerekg link kvk` (decision, reviewer, reviewed_at are the reviewer's).
KVK_CANDIDATE_COLUMNS = ("firm", "firm_name", "firm_place", "query", "kvk_number", "vestigingsnummer",
                         "candidate_name", "candidate_place", "candidate_type", "name_score", "place_match", "score",
                         "url", "retrieved", "decision", "reviewer", "reviewed_at", "note")

# linksets/kvk/accepted.csv: only rows a person accepted, written by `almerekg link kvk --apply`.
KVK_ACCEPTED_COLUMNS = ("firm", "kvk_number", "vestigingsnummer", "candidate_name", "candidate_place", "score", "url",
                        "retrieved", "reviewer", "reviewed_at", "note")
