"""Where the test suite's time goes: the whole machine's CPU for each test file, not only the test process's.

Most of the suite's work is done outside the pytest process (server and query processes, chromium, Virtuoso,
Schemathesis, the CLI), which `--durations` and `time` do not split by file (`time` misses processes it did not
reap). This runs pytest in one process with a plugin that reads the machine's busy CPU time from /proc/stat and
this process's own from getrusage around each test, and prints them per file and per folder. Run it on a quiet
machine: /proc/stat counts every process, other work too.

    .venv/bin/python bench/suite_cpu.py --top 25 -- -p no:cacheprovider
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def machine_busy() -> float:
    """Seconds of CPU every process on the machine has used since boot (user, nice, system, irq, softirq)."""
    with open("/proc/stat", encoding="ascii") as fh:
        fields = [int(v) for v in fh.readline().split()[1:8]]
    return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6]) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class PerFile:
    """Sums per test file: machine CPU, this process's CPU, wall time, tests. A file's fixtures count where they
    are set up (a session server in the first file that asks for it)."""

    def __init__(self) -> None:
        self.machine: collections.Counter[str] = collections.Counter()
        self.own: collections.Counter[str] = collections.Counter()
        self.wall: collections.Counter[str] = collections.Counter()
        self.tests: collections.Counter[str] = collections.Counter()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Iterator[None]:
        busy, own, started = machine_busy(), own_cpu(), time.perf_counter()
        yield
        name = item.nodeid.split("::")[0]
        self.machine[name] += machine_busy() - busy
        self.own[name] += own_cpu() - own
        self.wall[name] += time.perf_counter() - started
        self.tests[name] += 1


def report(sums: PerFile, top: int) -> None:
    total = sum(sums.machine.values())
    own = sum(sums.own.values())
    print(f"\n{sum(sums.tests.values()):,} tests; machine CPU {total:,.0f} s, of which the pytest process "
          f"{own:,.0f} s and other processes {total - own:,.0f} s; wall {sum(sums.wall.values()):,.0f} s\n")
    print("| file | tests | machine CPU (s) | pytest process (s) | wall (s) |\n|---|---:|---:|---:|---:|")
    for name, cpu in sums.machine.most_common(top):
        print(f"| {name} | {sums.tests[name]} | {cpu:.1f} | {sums.own[name]:.1f} | {sums.wall[name]:.1f} |")
    folders: collections.Counter[str] = collections.Counter()
    for name, cpu in sums.machine.items():
        folders[str(Path(name).parent)] += cpu
    print("\n| folder | machine CPU (s) |\n|---|---:|")
    for folder, cpu in folders.most_common():
        print(f"| {folder} | {cpu:.1f} |")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--top", type=int, default=25, help="how many files to list, the costliest first")
    p.add_argument("pytest_args", nargs="*", help="after --: what pytest gets (default: the whole suite)")
    args = p.parse_args(argv)
    os.chdir(ROOT)
    sums = PerFile()
    code = pytest.main(["-q", "-p", "no:xdist", *args.pytest_args], plugins=[sums])
    report(sums, args.top)
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
