"""The README's "Linking to CBS and KvK" promises only what the code does and what a test exercises.

Every flag the CBS and KvK subsections name is passed to `almerekg link` by some test of tests/link, and every root,
default table and limit they state is the one the code uses.
"""

from __future__ import annotations

import re
from pathlib import Path

from almerekg.cli import parser
from almerekg.link import cbs, kvk

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("### `almerekg link cbs`")
    end = text.find("\n## ", start)
    return text[start:] if end < 0 else text[start:end]


def _flags(text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", text))


def _subcommand(name: str):
    link = next(a for a in parser()._subparsers._group_actions[0].choices.values() if a.prog.endswith(" link"))
    return link._subparsers._group_actions[0].choices[name]


def test_every_flag_the_section_documents_is_passed_by_a_test():
    section = _section()
    tests = "".join(p.read_text(encoding="utf-8") for p in HERE.glob("test_*.py") if p.name != Path(__file__).name)
    documented = _flags(section)
    assert {"--table", "--describe", "--api", "--per-firm", "--apply"} <= documented
    assert sorted(f for f in documented if f'"{f}"' not in tests) == []


def test_every_documented_flag_exists():
    known = {o for sub in ("cbs", "kvk") for a in _subcommand(sub)._actions for o in a.option_strings}
    assert sorted(_flags(_section()) - known) == []


def test_the_roots_tables_and_limits_the_section_states_are_the_code_s():
    section = " ".join(_section().split())
    assert f"`{cbs.DEFAULT_BASE['v3']}`" in section and f"`--api v4` uses `{cbs.DEFAULT_BASE['v4']}`" in section
    assert f"`{kvk.DEFAULT_BASE}/zoeken`" in section
    for doc in cbs.DOCUMENTED_TABLES:
        assert f"{doc.table} *{doc.title}* for {doc.measure}" in section
    assert f"`--per-firm`, {kvk.PER_PAGE.start} to {kvk.PER_PAGE.stop - 1} as KvK allows" in section
    assert f"default {_subcommand('kvk').get_default('per_firm')};" in section
    assert f"error code {kvk.NO_RESULTS})" in section
