"""Every setting is declared once, and what README says of them is what the code does.

The table in README.md is the one settings.markdown_table() writes; every flag of a setting is accepted by each
command that declares it and lands in the Settings it builds; every environment variable does the same; every
flag of `almerekg serve` has a help text.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from almerekg import cli, coverage
from almerekg import settings as table

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

# A value for each kind of setting that differs from its default.
SAMPLES = {"int": "7", "float": "2.5", "str": "x", "tuple[str, ...]": "h.example:81", "Path | None": "/srv/elsewhere",
           "Path": "/srv/elsewhere"}


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
    if command == [table.COVERAGE]:
        return table.load(coverage.parser().parse_args([flag, value]), environ={})
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


def _subparsers(p: argparse.ArgumentParser, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    """Every command's parser by its name ("serve", "link cbs")."""
    found = {}
    for action in p._actions:  # noqa: SLF001 - argparse keeps no public list of its sub-commands
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for name, sub in action.choices.items():
                found[f"{prefix}{name}"] = sub
                found.update(_subparsers(sub, f"{prefix}{name} "))
    return found


def _declared_flags(command: str) -> set[str]:
    flags = {meta["flag"] for _n, meta, _d in table.declared()
             if meta["flag"] and command.split()[0] in meta["commands"]}
    options = table.OPTIONS.get(command, ())
    return flags | {f for o in options for f in o.flags} | {o.dest for o in options if not o.flags}


def _parser_flags(p: argparse.ArgumentParser) -> set[str]:
    return {s if s.startswith("-") else a.dest for a in p._actions  # noqa: SLF001
            if not isinstance(a, argparse._SubParsersAction | argparse._HelpAction)  # noqa: SLF001
            for s in (a.option_strings or [a.dest])}


def test_every_flag_of_every_command_comes_from_the_table() -> None:
    """No command declares a flag by hand: each parser takes exactly what settings.py declares for it."""
    commands = {name: sub for name, sub in _subparsers(cli.parser()).items() if name != "link"}
    commands[table.COVERAGE] = coverage.parser()
    assert set(commands) == {*table.ALL_COMMANDS, table.COVERAGE, "link cbs", "link kvk"} - {"link"}
    for name, p in commands.items():
        assert _parser_flags(p) == _declared_flags(name), name
    assert set(table.OPTIONS) <= set(commands)


def test_the_folders_are_settings_with_the_checkouts_folders_as_defaults(tmp_path: Path) -> None:
    defaults = table.load({}, environ={})
    for name in ("data", "ontology", "shapes", "queries", "linksets"):
        assert getattr(defaults, name) == ROOT / name
    moved = table.load({}, environ={"ALMEREKG_QUERIES": str(tmp_path / "q"), "ALMEREKG_SHAPES": str(tmp_path)})
    assert (moved.queries_dir, moved.shapes_dir, moved.ontology_dir) == (tmp_path / "q", tmp_path, ROOT / "ontology")
    args = cli.parser().parse_args(["build", "--ontology", str(tmp_path / "o"), "--data", str(tmp_path / "d")])
    got = table.load(args, environ={})
    assert (got.ontology_dir, got.data_dir) == (tmp_path / "o", tmp_path / "d")


def test_the_engine_and_the_link_client_take_their_defaults_from_the_table() -> None:
    from almerekg.engine.jobs import Job
    from almerekg.engine.pool import WorkerOptions
    from almerekg.link.http import Fetcher

    s = table.Settings()
    assert Job("ASK {}", None, None).max_bytes == s.max_result_bytes == 50 * table.MiB
    assert WorkerOptions().max_query_bytes == s.max_query_bytes == 256 * 1024
    fetcher = Fetcher()
    assert (fetcher.timeout, fetcher.retries, fetcher.backoff) == (s.link_timeout, s.link_retries, s.link_backoff)
    assert (s.link_timeout, s.link_retries, s.link_backoff) == (30.0, 4, 1.0)
