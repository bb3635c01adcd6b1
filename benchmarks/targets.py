"""The targets every benchmark checks, printed the same way: target, measured, limit, PASS/MISS;
and the environment every benchmark gives the processes it times (`user_env`).

A benchmark builds `Result`s with `at_most` or `at_least` and prints them with `report`.
When RELUCLI_BENCH_SUMMARY names a file, each result is also appended to it as one JSON
line, so that `make bench` can print every target of every script in one table at the end
(`python benchmarks/targets.py FILE`).

Timings on a shared machine swing by 2-10x from run to run: a ratio is always measured
against its baseline in the same run, interleaved, as a median (see each script).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def user_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a user's shell for a timed child process: this machine sets
    PYTHONUNBUFFERED and PYTHONDONTWRITEBYTECODE, users don't (their bytecode is cached, so
    neither side pays for compiling its modules on every run, and output is buffered as in
    a terminal); relucli is this checkout's."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE")
    }
    env["PYTHONPATH"] = os.pathsep.join(p for p in (ROOT, env.get("PYTHONPATH")) if p)
    env.update(extra or {})
    return env


@dataclass(frozen=True)
class Result:
    """One target: `measured` must be <= `limit` (at most) or >= `limit` (at least)."""

    script: str
    name: str
    measured: float
    limit: float
    at_least: bool = False
    unit: str = "x"
    detail: str = ""

    @property
    def passed(self) -> bool:
        if self.at_least:
            return self.measured >= self.limit
        return self.measured <= self.limit

    def row(self) -> list[str]:
        sign = ">=" if self.at_least else "<="
        return [
            self.name,
            f"{self.measured:.3g}{self.unit}",
            f"{sign} {self.limit:g}{self.unit}",
            "PASS" if self.passed else "MISS",
            self.detail,
        ]


HEADERS = ["target", "measured", "limit", "", "detail"]


def at_most(script: str, name: str, measured: float, limit: float, **kw: str) -> Result:
    return Result(script, name, float(measured), float(limit), False, **kw)


def at_least(script: str, name: str, measured: float, limit: float, **kw: str) -> Result:
    return Result(script, name, float(measured), float(limit), True, **kw)


def report(results: list[Result], file=None) -> None:
    """Print the targets as a table; append them to $RELUCLI_BENCH_SUMMARY when it is set."""
    from tabulate import tabulate

    out = file or sys.stdout
    print(tabulate([r.row() for r in results], HEADERS, tablefmt="github"), file=out)
    summary = os.environ.get("RELUCLI_BENCH_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as fh:
            for r in results:
                fh.write(json.dumps(asdict(r)) + "\n")


def summarize(path: str) -> int:
    """Print every recorded target in one table; the exit status counts nothing (a MISS is
    a finding to report, not a build failure)."""
    from tabulate import tabulate

    with open(path, encoding="utf-8") as fh:
        results = [Result(**json.loads(line)) for line in fh if line.strip()]
    rows = [[r.script, *r.row()] for r in results]
    print(tabulate(rows, ["script", *HEADERS], tablefmt="github"))
    passed = sum(r.passed for r in results)
    print(f"\n{passed} of {len(results)} targets PASS")
    return 0


if __name__ == "__main__":
    sys.exit(summarize(sys.argv[1]))
