"""Answers of CBS and KvK as recorded by others (tests/link/recorded/, origins in its README.md), served by the fake.

Where a recording holds an answer in a form that cannot be read here (a binary Parquet file) or holds only part of it,
the answer is assembled below from what is recorded, and every field that is not recorded is named as such in
NOT_RECORDED: those fields give the answer its shape, they are not CBS's word.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent / "recorded"


def load(name: str) -> Any:
    return json.loads((HERE / name).read_text(encoding="utf-8"))


# Fields of the assembled answers that no readable recording holds (see README.md, "What is not recorded").
NOT_RECORDED = {
    "83583NED DataProperties": "Type and Title of each property; the topic's Unit, Datatype, Decimals as quoted "
                               "in the request for the fix",
    "83583NED Perioden": "titles (after TableInfos.Period) and Status (after TableInfos.ShortDescription)",
    "83583NED BedrijfstakkenBranchesSBI2008": "the title of T001081",
    "84799NED DataProperties": "Type, Title, Datatype and Unit of each property",
    "84799NED WijkenEnBuurten": "titles (municipalities from data/registers/, others empty)",
}


def _properties(descriptions: dict[str, Any], types: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """DataProperties in CBS's v3 shape: the recorded keys and descriptions, in the recorded order."""
    return [{"ID": i, "Position": i, "ParentID": None, "Key": key, "Description": desc or "", **types[key],
             "Title": types[key].get("Title", key)}
            for i, (key, desc) in enumerate(descriptions.items()) if key in types]


def v3_83583ned() -> dict[str, Any]:
    """Banen van werknemers; bedrijfsgrootte en economische activiteit (SBI2008): national, jobs in thousands."""
    types = {
        "BedrijfstakkenBranchesSBI2008": {"Type": "Dimension"},
        "Bedrijfsgrootte": {"Type": "Dimension"},
        "Perioden": {"Type": "TimeDimension"},
        "BanenVanWerknemersInDecember_1": {"Type": "Topic", "Unit": "x 1 000", "Datatype": "Float", "Decimals": 1,
                                           "Title": "Banen van werknemers in december"},
    }
    # Period keys: the recorded DefaultSelection (2016-2019) and the recorded TypedDataSet row (2010).
    status = {"2010": "Definitief", "2016": "Definitief", "2017": "Definitief", "2018": "Nader voorlopig",
              "2019": "Voorlopig"}
    return {
        "TableInfos": [load("cbs/83583NED-TableInfos.json")],
        "DataProperties": _properties(load("cbs/83583NED-ColDescriptions.json"), types),
        "Perioden": [{"Key": f"{y}JJ00", "Title": f"{y} december", "Description": None, "Status": s}
                     for y, s in status.items()],
        "BedrijfstakkenBranchesSBI2008": [{"Key": "T001081", "Title": "A-U Alle economische activiteiten"}],
        "Bedrijfsgrootte": [{"Key": load("cbs/83583NED-TypedDataSet-row.json")["Bedrijfsgrootte"], "Title": ""}],
        "TypedDataSet": [load("cbs/83583NED-TypedDataSet-row.json")],
    }


def v3_84799ned() -> dict[str, Any]:
    """Kerncijfers wijken en buurten 2020: one region dimension of type GeoDetail, no period dimension."""
    types = {
        "WijkenEnBuurten": {"Type": "GeoDetail", "Title": "Wijken en buurten"},
        "Gemeentenaam_1": {"Type": "Topic", "Datatype": "String", "Unit": "", "Title": "Gemeentenaam"},
        "SoortRegio_2": {"Type": "Topic", "Datatype": "String", "Unit": "", "Title": "Soort regio"},
        "AantalInwoners_5": {"Type": "Topic", "Datatype": "Long", "Unit": "aantal", "Title": "Aantal inwoners"},
    }
    selection = load("cbs/84799NED-TableInfos.json")["DefaultSelection"]
    keys = [k for k in selection.split("'")[1::2]][:5]  # GM0034, WK003401, BU00340101, BU00340102, BU00340103
    names = {"GM0034": "Almere"}
    return {
        "TableInfos": [load("cbs/84799NED-TableInfos.json")],
        "DataProperties": _properties(load("cbs/84799NED-ColDescriptions-excerpt.json"), types),
        "WijkenEnBuurten": [{"Key": k, "Title": names.get(k.strip(), "")} for k in keys],
    }


V3 = {"83583NED": v3_83583ned, "84799NED": v3_84799ned}
V4 = {"83765NED": {"Properties": lambda: load("cbs/83765NED-Properties-excerpt.json"),
                   "Observations": lambda: {"value": load("cbs/83765NED-Observations-rows.json")}}}
KVK_EXAMPLE = load("kvk/zoeken-example.json")
KVK_NO_RESULTS = load("kvk/error-ipd5200.json")
