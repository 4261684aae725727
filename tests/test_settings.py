"""Every setting is declared once, and what README says of them is what the code does.

The table in README.md is the one settings.markdown_table() writes; every flag of a setting is accepted by each
command that declares it and lands in the Settings it builds; every environment variable does the same; every
flag of `almerekg serve` has a help text.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from almerekg import cli
from almerekg import settings as table

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

# A value for each kind of setting that differs from its default.
SAMPLES = {"int": "7", "float": "2.5", "str": "x", "tuple[str, ...]": "h.example:81", "Path | None": "/srv/elsewhere"}


def _sample(name: str, meta: dict) -> str:
    if meta["choices"]:
        return meta["choices"][-1]
    if name in ("store", "base", "public_url", "publisher_iri", "license"):
        return "https://data.example.nl/x"
    kind = {f.name: f.type for f in table.fields(table.Settings)}[name]
    return SAMPLES[str(kind)]


def test_readme_holds_the_settings_table() -> None:
    start = README.index("<!-- settings-table:")
    block = README[README.index("\n", start) + 1: README.index("<!-- /settings-table -->")].strip()
    assert block == table.markdown_table()


def _parse(command: list[str], flag: str, value: str) -> table.Settings:
    return table.load(cli.parser().parse_args([*command, flag, value]), environ={})


COMMANDS = {"link": ["link", "cbs"]}


@pytest.mark.parametrize("name,meta,default", list(table.declared()), ids=[n for n, _m, _d in table.declared()])
def test_every_flag_is_accepted_by_each_command_that_declares_it(name: str, meta: dict, default: object) -> None:
    value = _sample(name, meta)
    expected = (value,) if meta["repeat"] else table.load({name: table._parser_for(name)(value)}, environ={}).__dict__[name]
    assert expected != default
    for command in meta["commands"]:
        if meta["flag"]:
            got = _parse(COMMANDS.get(command, [command]), meta["flag"], value)
            assert getattr(got, name) == expected, (command, name)
    if meta["env"]:
        assert getattr(table.load({}, environ={meta["env"]: value}), name) == expected


def test_a_flag_wins_over_the_environment() -> None:
    args = cli.parser().parse_args(["serve", "--query-timeout", "3"])
    assert table.load(args, environ={"ALMEREKG_QUERY_TIMEOUT": "9"}).query_timeout == 3.0
    assert table.load({}, environ={"ALMEREKG_QUERY_TIMEOUT": "9"}).query_timeout == 9.0
    assert table.load({}, environ={}).query_timeout == 30.0


def test_a_bad_environment_value_says_which_variable() -> None:
    with pytest.raises(SystemExit, match="ALMEREKG_QUERY_TIMEOUT='soon'"):
        table.load({}, environ={"ALMEREKG_QUERY_TIMEOUT": "soon"})
    with pytest.raises(SystemExit, match="choose one of auto, required, off"):
        table.load({}, environ={"ALMEREKG_SANDBOX": "maybe"})


def test_serve_help_explains_every_flag() -> None:
    out = subprocess.run([sys.executable, "-m", "almerekg.cli", "serve", "--help"], capture_output=True, text=True,
                         check=True).stdout
    for _name, meta, _default in table.declared():
        if "serve" in meta["commands"] and meta["flag"]:
            assert meta["flag"] in out, meta["flag"]
            assert meta["help"].split(" (")[0][:40] in " ".join(out.split()), meta["flag"]


def test_settings_reach_the_web_processes_unchanged() -> None:
    args = cli.parser().parse_args(["serve", "--max-result-bytes", "10", "--service-allow", "a.example:1",
                                    "--service-allow", "b.example", "--public-url", "https://data.example.nl/"])
    given = table.load(args, environ={})
    assert table.load({}, environ=table.to_environment(given)) == given
    assert given.service_allow == ("a.example:1", "b.example")
    assert given.endpoint_iri == "https://data.example.nl/sparql"
