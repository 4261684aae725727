"""The scripts of bench/ still run against this code: each, cut down to seconds, on the session's build.

A benchmark that no longer starts (a renamed flag, a moved module) would only be found the day someone needs its
figures; these runs check that every script starts the real server the way README says, loads it, and prints
the rows bench/README.md quotes. They check what was measured, not how fast: speed is for the scripts' full runs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


def run(script: str, *args: str, timeout: float = 600) -> str:
    proc = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)
    assert proc.returncode == 0, f"{script} exited {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is missing: scripts/setup.sh --test installs it")
def test_endpoint_bench_prints_its_three_rows_for_both_servers(built_store: Path) -> None:
    out = run("endpoint_bench.py", "--store", str(built_store), "--duration", "1", "--connections", "1",
              "--processes", "1", "--query-workers", "1")
    rows = [line for line in out.splitlines() if line.startswith("| ") and not line.startswith("| load")]
    names = [r.split(" | ")[0][2:] for r in rows]
    assert names == ["engine-bound GROUP BY, miss", "table query, repeated (hit)", "one-row lookup, miss"]
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[1] == "1"
        ours, theirs = float(cells[2].replace(",", "")), float(cells[5].replace(",", ""))
        # The rates are printed as whole numbers and the ratio from the unrounded ones: it lies within what
        # the rounding (half a request a second each, half a hundredth for the ratio) allows.
        assert ours > 0 and theirs > 0, line
        assert (ours - 0.5) / (theirs + 0.5) - 0.005 <= float(cells[8]) <= (ours + 0.5) / (theirs - 0.5) + 0.005, line
        assert "non-2xx" not in line


def test_soak_runs_clean_with_runaways(built_store: Path) -> None:
    out = run("soak.py", "--seconds", "8", "--clients", "2", "--store", str(built_store), "--processes", "1",
              "--query-workers", "2", "--runaway-every", "2", "--report", "4", "--query-timeout", "1",
              "--abuse-every", "0.5", "--idle", "20")
    assert re.search(r"^errors: 0$", out, re.M), out
    # The hostile client ran each of its three kinds, and each got the answer it must get.
    hostile = re.search(r"^hostile client: 20 idle connections and 10 half-sent heads held; \{(.*)\}$", out, re.M)
    assert hostile, out
    assert "'hidden SERVICE 403'" in hostile.group(1) and "'200 KB key 200'" in hostile.group(1), out
    assert re.search(r"'slow reader (200|503)'", hostile.group(1)), out
    assert re.search(r"^/healthz meanwhile: [1-9]\d* probes, slowest \d+ ms$", out, re.M), out
    served = int(re.search(r"^requests served: (\d+)", out, re.M).group(1))
    assert served > 20
    # Every runaway was stopped with 503 (two or three fit in eight seconds, one every two).
    runaways = re.search(r"stopped by the timeout\): \{503: (\d+)\}$", out, re.M)
    assert runaways and int(runaways.group(1)) >= 2, out
    web = re.search(r"^web RSS \(server \+ web processes\): ([\d.]+) ->", out, re.M)
    query = re.search(r"^query processes RSS \(sum\): ([\d.]+) ->", out, re.M)
    assert web and float(web.group(1)) > 20 and query and float(query.group(1)) > 20, out


def test_abuse_measures_the_cpu_and_header_cases(built_store: Path) -> None:
    out = run("abuse.py", "--store", str(built_store), "--only", "cpu,accept")
    assert re.search(r"^- 8 x 13 KB queries at once: answered \[403\] in at most [\d.]+ s; slowest /healthz meanwhile "
                     r"\d+ ms$", out, re.M), out
    assert re.search(r"^- a 200 KB Accept header: 431 in \d+ ms$", out, re.M), out


def test_abuse_measures_unfinished_h2c_streams(built_store: Path) -> None:
    out = run("abuse.py", "--store", str(built_store), "--only", "h2c")
    found = re.search(r"^- 20 unfinished h2c streams \(server answered (.+)\): web CPU ([\d.]+) cores over 5 s after; "
                      r"/healthz slowest (\d+) ms of \d+$", out, re.M)
    assert found and found.group(1) != "HTTP/2 (SETTINGS)", out


def test_abuse_measures_the_service_bypass_and_the_escaped_quotes(built_store: Path) -> None:
    out = run("abuse.py", "--store", str(built_store), "--only", "service,lexer")
    assert re.search(r"^- SERVICE bypass family with --sandbox off, 72 requests: 0 contact\(s\) with the listener; "
                     r"answers \{403: 72\}$", out, re.M), out
    assert re.search(r"^- 128 KB of escaped quotes: 400 after [\d.]+ s, slowest /healthz \d+ ms; "
                     r"1 MiB of escaped quotes: 413 after [\d.]+ s, slowest /healthz \d+ ms$", out, re.M), out


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is missing: scripts/setup.sh --test installs it")
def test_servers_prints_the_three_loads_for_the_chosen_server(built_store: Path) -> None:
    out = run("servers.py", "--store", str(built_store), "--duration", "1", "--connections", "1", "--only", "granian")
    rows = [line for line in out.splitlines() if line.startswith("| granian")]
    assert [r.split(" | ")[1] for r in rows] == ["cached answer", "cache miss (lookup)", "/healthz"], out
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[2] == "1" and float(cells[3].replace(",", "")) > 0 and "non-2xx" not in line, line


def test_layers_prints_every_layer_from_the_engine_out(built_store: Path) -> None:
    out = run("layers.py", "--store", str(built_store), "-n", "20")
    rows = [line for line in out.splitlines() if line.startswith("| ") and line[2].isdigit()]
    labels = [r.split(" | ")[0][2:] for r in rows]
    assert [label.split(".")[0] for label in labels] == ["1", "2", "3", "4", "5", "6a", "6b"], out
    micros = {label.split(".")[0]: float(r.split(" | ")[1].strip(" |").replace(",", "")) for label, r in
              zip(labels, rows, strict=True)}
    # Every layer was timed. Their order (the engine alone is the floor) is what the bench shows, not what a test
    # can hold to: 20 queries on a machine running the rest of the suite put the pool above the app (CI, stop 28).
    assert all(0 < value < 1_000_000 for value in micros.values()), out


def test_every_flag_bench_readme_names_is_taken_by_a_script() -> None:
    text = (BENCH / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", text))
    known: set[str] = {"--test"}  # scripts/setup.sh --test, checked below
    for script in sorted(BENCH.glob("*.py")):
        help_text = run(script.name, "--help", timeout=60)
        known |= set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", help_text))
    from test_readme_flags import _flags

    from almerekg.cli import parser

    known |= _flags(parser())
    assert '"--test"' in (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert sorted(named - known) == []
    # Every script the README's table names exists.
    for script in re.findall(r"`bench/([a-z_]+\.py)`", text):
        assert (BENCH / script).is_file(), script


def test_build_bench_times_each_step_and_the_engines_alone() -> None:
    out = run("build.py", "--rounds", "1")
    steps = re.findall(r"^\| ([a-z][\w +-]*) \| [\d.]+ \|", out, re.M)
    assert steps[:7] == ["assemble", "union", "validate", "n-triples", "canonical", "dumps", "publish"], out
    assert re.search(r"^\| \*\*build, wall\*\* \| [\d.]+ \|$", out, re.M), out
    engines = {m.group(1): m.group(2) for m in re.finditer(r"^\| (pyshacl|pyshacl_turbo|pyrudof) \| [\d.]+ \| "
                                                           r"(\d+ \| \w+) \|$", out, re.M)}
    # On the real data each engine finds the report's two sums that do not add up, and nothing else.
    assert engines == {"pyshacl": "2 | yes", "pyshacl_turbo": "2 | yes", "pyrudof": "2 | yes"}, out
    assert re.search(r"^\| build wall / pyshacl alone \| [\d.]+ \|$", out, re.M), out


def test_scale_build_assembles_validates_publishes_and_compares_with_pyshacl() -> None:
    out = run("scale/build.py", "-n", "3000", "--pyshacl-at", "300")
    assert re.search(r"^SYNTHETIC, 3,000 establishments, 15,430 triples \(load average [\d.]+ at the start", out,
                     re.M), out
    steps = dict(re.findall(r"^\| ([a-z][\w ]*) \| [\d.]+ \| [\d.]+ \| [\d,]+ \| (.+) \|$", out, re.M))
    # Each step hands the next a file: the N-Quads, validated without a result, then published into both stores,
    # each of which holds every quad of the file (the Virtuoso count is the server's, by RemoteStore.publish).
    assert list(steps) == ["assemble", "validate", "publish", "publish to Virtuoso"], out
    assert steps["validate"] == "15,430 quads, 0 results", out
    assert steps["publish"].startswith("15,430 quads in RocksDB, "), out
    assert steps["publish to Virtuoso"].startswith("15,430 quads counted, "), out
    # The graph README and bench/scale/README.md measured: 5 triples an establishment plus the fixed part this
    # run shows (15,430 - 5 x 3,000), at 2,000,000 establishments.
    fixed = 15_430 - 5 * 3_000
    for text in ((ROOT / "README.md").read_text(encoding="utf-8"),
                 (BENCH / "scale" / "README.md").read_text(encoding="utf-8")):
        assert f"2,000,000 establishments ({5 * 2_000_000 + fixed:,} triples)" in text \
            or f"2,000,000 establishments, {5 * 2_000_000 + fixed:,} triples" in text
    assert re.search(r"^\| \*\*build \(assemble \+ validate \+ publish to Virtuoso\)\*\* \| [\d.]+ \| [\d.]+ \| [\d,]+ \|", out,
                     re.M), out
    # The four broken establishments (bench/scale/build.py BROKEN): both engines report the same 17 results.
    assert re.search(r"^\| 300 \| 1,939 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d,]+ \| 17 \| yes \|$", out, re.M), out


def test_suite_cpu_counts_what_a_tests_child_process_spends(tmp_path: Path) -> None:
    """A test whose child process burns a second of CPU: the machine column has it, the pytest process's not."""
    (tmp_path / "test_child.py").write_text(
        "import subprocess, sys\n\n\ndef test_child():\n"
        "    code = 'import time\\nend = time.process_time() + 1\\nwhile time.process_time() < end: pass'\n"
        "    subprocess.run([sys.executable, '-c', code], check=True)\n", encoding="utf-8")
    out = run("suite_cpu.py", "--top", "5", "--", "-p", "no:cacheprovider", str(tmp_path / "test_child.py"))
    (row,) = [line for line in out.splitlines() if line.startswith("| ") and "test_child.py" in line]
    tests, machine, own, _wall = (float(c) for c in row.strip("| ").split(" | ")[1:])
    assert tests == 1 and own < 0.5 and machine >= own + 0.9, out
    assert re.search(r"^1 tests; machine CPU [\d,]+ s, of which the pytest process [\d,]+ s", out, re.M), out
