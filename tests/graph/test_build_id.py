"""The build id depends on content and relative paths only: the same commit in two folders has one id."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_ID = ("from almerekg.settings import from_values; from almerekg.graph.pipeline import build_id_for; "
            "print(build_id_for(from_values()))")


def _checkout_copy(dst: Path) -> Path:
    for name in ("data", "ontology", "shapes", "linksets"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dst / name)
    shutil.copytree(ROOT / "src", dst / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return dst


def _build_id(checkout: Path) -> str:
    out = subprocess.run([sys.executable, "-c", PRINT_ID], cwd=checkout, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(checkout / "src")}, check=True)
    return out.stdout.strip()


def test_two_copies_of_the_checkout_have_one_build_id(tmp_path):
    a = _checkout_copy(tmp_path / "first" / "almerekg")
    b = _checkout_copy(tmp_path / "second-folder" / "elsewhere")
    id_a, id_b = _build_id(a), _build_id(b)
    assert len(id_a) == 64
    assert id_a == id_b


def test_a_changed_data_file_changes_the_build_id(tmp_path):
    a = _checkout_copy(tmp_path / "a")
    before = _build_id(a)
    with (a / "data" / "notes.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    assert _build_id(a) != before
