"""A non-editable `pip install .` in a fresh virtual environment builds and serves the report from a checkout's folders.

The package carries its code, templates and static files (pyproject's package-data), not the checkout's data/,
queries/, ontology/ and shapes/: README's commands point it at them with --data, --queries, --ontology, --shapes.
The new environment is made with `python -m venv`; pip installs this checkout into it without dependencies, and
the dependencies are those of the environment running the tests (its site-packages is added to the new one's path
by a .pth file, whose own .pth files, such as an editable install of almerekg, are not read). Nothing is downloaded
but what pip's build isolation takes from PyPI (setuptools).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from serverproc import clean_env, get, start_server

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _env() -> dict[str, str]:
    """No PYTHONPATH (it would put a checkout's src/ first) and no ALMEREKG_* of the developer."""
    env = clean_env()
    env.pop("PYTHONPATH", None)
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bin/ of a fresh virtual environment holding a non-editable install of this checkout."""
    tmp = tmp_path_factory.mktemp("install")
    source = tmp / "source"  # a copy, so that building the wheel writes nothing into the checkout
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp)
    py = venv / "bin" / "python"
    site = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp)
                .stdout.strip())
    (site / "dependencies-from-the-test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", "--no-cache-dir",
          str(source)], cwd=tmp, timeout=600)
    return venv / "bin"


def test_the_installed_package_is_a_copy_in_the_new_environment(installed: Path, tmp_path: Path) -> None:
    where = _run([str(installed / "python"), "-c", "import almerekg, flask; print(almerekg.__file__)"],
                 cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(installed.parent), where
    package = Path(where).parent
    assert (package / "web" / "templates" / "home.html").is_file()
    assert (package / "web" / "static" / "site.css").is_file()
    assert (package / "web" / "translations" / "nl" / "LC_MESSAGES" / "messages.mo").is_file()
    assert not (installed.parent / "data").exists()


def test_the_readme_commands_build_and_serve_from_a_checkouts_folders(installed: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    folders = ["--data", str(ROOT / "data"), "--ontology", str(ROOT / "ontology"), "--shapes", str(ROOT / "shapes")]
    built = _run([str(installed / "almerekg"), "build", "--store", str(store), *folders], cwd=tmp_path, timeout=600)
    assert built.stdout.startswith("build "), built.stdout
    srv = start_server(store, tmp_path, "--query-workers", "1", "--data", str(ROOT / "data"),
                       "--queries", str(ROOT / "queries"), command=(str(installed / "almerekg"),), cwd=tmp_path,
                       env=_env())
    try:
        url = srv.url
        home = get(url + "/")
        assert home.status_code == 200 and "Groei door samenwerking in Almere" in home.text
        report = get(url + "/report?lang=nl")  # the report's text, read from --data
        assert report.status_code == 200 and "In 1972 richten Pieter Borgstein" in report.text
        # The site's own words in Dutch: the package carries its compiled message catalogue.
        assert "Naar de inhoud" in report.text and "Skip to content" not in report.text
        assert "Skip to content" in get(url + "/report?lang=en").text
        table = get(url + "/queries/tabel-1")  # a saved query, read from --queries
        assert table.status_code == 200 and 'id="report-table"' in table.text
        css = get(url + "/static/site.css")
        assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
        assert css.content == (ROOT / "src" / "almerekg" / "web" / "static" / "site.css").read_bytes()
    finally:
        srv.stop()
