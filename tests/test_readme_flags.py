"""Every flag README.md names is one a program really takes: almerekg's commands, the bench scripts it points to,
or the one outside tool it names (`oxigraph serve`). A flag renamed in code but not in README fails here."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

from almerekg.cli import parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Flags of programs that are not ours, each with where README names it.
OUTSIDE = {
    "--location": "oxigraph serve --location DIR (the Oxigraph server's own flag)",
    "--timeout-s": "Oxigraph server's own query timeout flag, which README says to leave off",
    "--checks": "schemathesis run --checks all (tests/queries/test_api_contract.py runs it so)",
    "--max-examples": "schemathesis run --max-examples 40 (tests/queries/test_api_contract.py runs it so)",
    "--no-location": "pybabel extract --no-location: the message catalogue's commands (README, Languages; tests/pages/test_catalogue.py runs them)",
    "--sort-output": "pybabel extract --sort-output (README, Languages)",
    "--ignore-obsolete": "pybabel update --ignore-obsolete (README, Languages)",
    "--dist": "pytest-xdist's -n 2 --dist loadfile, which scripts/test.sh passes (tests/test_collection.py reads it)",
}


def _flags(p: argparse.ArgumentParser) -> set[str]:
    out = set(p._option_string_actions)  # noqa: SLF001 - argparse keeps no public list of its flags
    for action in p._actions:  # noqa: SLF001
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for sub in action.choices.values():
                out |= _flags(sub)
    return out


def _bench_flags() -> set[str]:
    out: set[str] = set()
    for script in sorted(set(re.findall(r"bench/[a-z_/]+\.py", README))):
        help_text = subprocess.run([sys.executable, str(ROOT / script), "--help"], capture_output=True, text=True,
                                   timeout=60, cwd=ROOT, check=True).stdout
        out |= set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", help_text))
    return out


def test_every_flag_in_readme_is_taken_by_a_program() -> None:
    named = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", README))
    assert len(named) > 40  # the command line, the settings table, the link and bench sections
    known = _flags(parser()) | _bench_flags() | set(OUTSIDE)
    assert sorted(named - known) == []


def test_the_outside_flags_are_named_where_readme_says() -> None:
    for flag in OUTSIDE:
        assert flag in README, flag
    assert "oxigraph serve --location" in README


def test_the_format_choices_readme_lists_are_the_commands_own() -> None:
    """`[--format a|b|c]` after a command in README's command block: exactly the choices its parser takes (for
    `sparql`, the results formats of the one registry and `table`)."""
    subparsers = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
    listed = re.findall(r"^almerekg (\w+) [^\n]*\[--format ([a-z|]+)\]", README, re.M)
    assert {command for command, _ in listed} == {"sparql", "query"}
    for command, choices in listed:
        action = subparsers.choices[command]._option_string_actions["--format"]  # noqa: SLF001
        assert choices.split("|") == list(action.choices), command
