"""Every test file runs: the README's test command collects each tests/**/test_*.py.

pytest skips some folder names by default (build/, dist/, ...); a test folder lost that way never runs
in CI and nobody notices. This asks pytest itself, with the project's configuration, what it collects.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_test_file_is_collected():
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    collected = {line.split("::", 1)[0] for line in out.stdout.splitlines() if "::" in line}
    on_disk = {str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("test_*.py")}
    assert on_disk - collected == set()
    assert "tests/test_collection.py" in collected
    assert len(on_disk) >= 40


def test_no_folder_name_is_skipped_by_default():
    """The project lists what pytest skips; pytest's own default skips build/ and dist/, where tests hid."""
    import tomllib

    skipped = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["norecursedirs"]
    assert not {"build", "dist", "*.egg", "_darcs", "CVS", "{arch}"} & set(skipped)


def test_the_test_command_runs_what_readme_says() -> None:
    """README: two pytest processes, a test file whole in one; arguments after the command go to pytest."""
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (pytest_line,) = [line for line in script.splitlines() if "-m pytest" in line]
    assert "-n 2 --dist loadfile" in pytest_line and pytest_line.rstrip().endswith('"$@"')
    assert "`-n 2 --dist loadfile`" in readme and "`./scripts/test.sh tests/graph -x`" in readme
    import tomllib

    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["test"]
    assert any(dep.startswith("pytest-xdist") for dep in extra)


def test_one_helper_starts_our_server() -> None:
    """README: every test that needs `almerekg serve` as a process gets it from tests/serverproc.py start_server."""
    launch = '"serve", ' + '"--store"'  # written in two parts, so that this file does not hold it
    starts = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("*.py")
                    if launch in p.read_text(encoding="utf-8"))
    assert starts == ["tests/serverproc.py"]
    assert "each started by the one helper tests/serverproc.py start_server" in (ROOT / "README.md").read_text()
