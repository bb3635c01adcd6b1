"""Start-up time of relucli's commands against the floors of what they import.

    python benchmarks/startup.py [--runs 15] [--quick]

Targets (issue 16), each a ratio of median wall times measured in the same run:
- `relucli --help`, `--version`, `list` (every format) and shell completion (bash, zsh,
  fish; variant names, parameters, options) import no NumPy: at most 0.5x
  `python -c "import numpy"`.
- `relucli grad --at -2` at most 1.1x `python -c "import numpy, click, tabulate"`, the
  floor of a command that computes; `relucli props` at most 1.15x it.

Every command and floor runs once per round, the rounds interleaved (a busy spell on the
shared machine hits all alike), medians of at least 15 rounds. The children run as on a
user's machine: PYTHONUNBUFFERED and PYTHONDONTWRITEBYTECODE removed (the bytecode cache is
used), after a warm-up run of each. CPU time (user + system of the children) is shown
beside the wall ratio. Then, per command, the relucli modules it imports but does not need
(from `python -X importtime`), and whether NumPy was imported where it must not be.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from targets import at_most, report, user_env

SCRIPT = "startup"
PY = sys.executable
NUMPY_FLOOR = "import numpy"
COMPUTE_FLOOR = "import numpy, click, tabulate"
# Not a target: what `list` in a tabulate format cannot go below (tabulate 0.10 reads its
# own version through importlib.metadata at import, about 10 ms).
TABLE_FLOOR = "import click, tabulate"
# Not targets either: the interpreter alone, and Click, which every command needs to parse
# its arguments (help, version and completion included): on the reference machine
# `import click` alone was about 0.5x `import numpy`, the whole budget of the 0.5x targets.
CLICK_FLOOR = "import click"
PYTHON_FLOOR = "pass"

# What every command needs: the group and its error policy (--version needs no more).
BASE = {
    "relucli",
    "relucli.__main__",
    "relucli._version",
    "relucli.cli",
    "relucli.cli.commands",
    "relucli.cli.output",
    "relucli.quiet",
    "relucli.specs",
    "relucli.tables",
    "relucli.textenc",
}
INDEX = {"relucli.index", "relucli._index"}  # the records' metadata (scripts/make_index.py)
HELP = BASE | {"relucli._index"}  # each command's help paragraph
COMPLETE = BASE | INDEX | {"relucli.cli.options"}
LIST = COMPLETE | {"relucli.files", "relucli.cli.commands.list"}
# A command that computes: the records, kernels and numerics besides.
COMPUTE = BASE | {
    "relucli.cli.options",
    "relucli.files",
    "relucli.registry",
    "relucli.frameworks",
    "relucli.activation",
    "relucli.numerics",
    "relucli.numerics.chunked",
    "relucli.numerics.doubled",
    "relucli.numerics.elementwise",
    "relucli.numerics.exp32",
    "relucli.numerics.special",
    "relucli.numerics._fdlibm_erf",
    "relucli.variants",
    "relucli.variants.algebraic",
    "relucli.variants.exponential",
    "relucli.variants.piecewise",
    "relucli.variants.research_piecewise",
    "relucli.variants.research_smooth",
    "relucli.variants.shrink",
    "relucli.variants.sigmoidal",
    "relucli.variants.smooth",
    "relucli.variants.swish",
}


@dataclass
class Case:
    """One command line: its arguments, extra environment, floor, limit and needed modules."""

    name: str
    args: list[str]
    floor: str
    limit: float
    needed: set[str]
    env: dict[str, str] = field(default_factory=dict)
    numpy_free: bool = True


def _complete(shell: str, words: str) -> dict[str, str]:
    """The environment of one TAB press (what Click's scripts for each shell set)."""
    parts = words.split(" ")
    cword = parts[-1] if shell == "fish" else str(len(parts) - 1)
    return {"_RELUCLI_COMPLETE": f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": cword}


def cases(quick: bool) -> list[Case]:
    half = 0.5
    out = [
        Case("--help", ["--help"], NUMPY_FLOOR, half, HELP),
        Case("--version", ["--version"], NUMPY_FLOOR, half, BASE),
        Case("list", ["list"], NUMPY_FLOOR, half, LIST),
    ]
    formats = ["csv", "json"] if quick else ["csv", "json", "github", "latex", "latex_booktabs"]
    out += [
        Case(f"list --format {f}", ["list", "--format", f], NUMPY_FLOOR, half, out[2].needed)
        for f in formats
    ]
    completions = [
        ("bash", "relucli plot e"),
        ("zsh", "relucli plot e"),
        ("fish", "relucli plot e"),
        ("bash", "relucli "),
        ("bash", "relucli grad elu:"),
        ("bash", "relucli table --format l"),
        ("zsh", "relucli plot --s"),
    ]
    if quick:
        completions = completions[:2]
    out += [
        Case(
            f"complete {shell} '{words}'", [], NUMPY_FLOOR, half, COMPLETE, _complete(shell, words)
        )
        for shell, words in completions
    ]
    grad = COMPUTE | {"relucli.cli.commands.grad", "relucli.cli.commands.eval", "relucli.inputs"}
    props = COMPUTE | {
        "relucli.cli.commands.props",
        "relucli.describe",
        "relucli.numerics.quadrature",
        "relucli.numerics._legendre",
    }
    out += [
        Case("grad --at -2", ["grad", "--at", "-2"], COMPUTE_FLOOR, 1.1, grad, numpy_free=False),
        Case("props", ["props"], COMPUTE_FLOOR, 1.15, props, numpy_free=False),
    ]
    return out


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a user's shell gives: no PYTHONUNBUFFERED, no PYTHONDONTWRITEBYTECODE
    (this machine sets both), relucli from this tree."""
    env = {
        k: v
        for k, v in user_env().items()
        if not k.startswith("COMP_") and k != "_RELUCLI_COMPLETE"
    }
    env.update(extra or {})
    return env


def argv(case: Case) -> list[str]:
    return [PY, "-m", "relucli", *case.args]


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def imported(cmd: list[str], env: dict[str, str]) -> list[tuple[str, int]]:
    """(module, cumulative µs) for every module a command imports, from -X importtime."""
    err = subprocess.run(
        [cmd[0], "-X", "importtime", *cmd[1:]],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ).stderr
    found = []
    for line in err.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = (part.strip() for part in line.split("|"))
            if cumulative.isdigit():
                found.append((name, int(cumulative)))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="rounds (median; at least 15)")
    parser.add_argument("--quick", action="store_true", help="fewer command lines")
    args = parser.parse_args()
    todo = cases(args.quick)
    floors = {
        f: [PY, "-c", f]
        for f in (NUMPY_FLOOR, COMPUTE_FLOOR, TABLE_FLOOR, CLICK_FLOOR, PYTHON_FLOOR)
    }
    jobs = [(f, cmd, child_env()) for f, cmd in floors.items()]
    jobs += [(c.name, argv(c), child_env(c.env)) for c in todo]
    for _, cmd, env in jobs:  # warm the file and bytecode caches
        run(cmd, env)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in jobs}
    for _ in range(max(args.runs, 15)):
        for name, cmd, env in jobs:
            times[name].append(run(cmd, env))

    def median(name: str, which: int) -> float:
        return statistics.median(t[which] for t in times[name])

    numpy = median(NUMPY_FLOOR, 0)
    for name in times:
        wall, cpu = median(name, 0), median(name, 1)
        print(
            f"{name:42s} wall {wall * 1e3:6.1f} ms   CPU {cpu * 1e3:6.1f} ms"
            f"   {wall / numpy:5.2f}x import numpy"
        )
    print()
    results = []
    for c in todo:
        wall = median(c.name, 0) / median(c.floor, 0)
        cpu = median(c.name, 1) / median(c.floor, 1)
        detail = f"vs `python -c '{c.floor}'`; CPU {cpu:.2f}x"
        results.append(at_most(SCRIPT, f"relucli {c.name}", wall, c.limit, detail=detail))
    report(results)

    print("\nModules imported but not needed (cumulative ms), per command:")
    for c in todo:
        modules = imported(argv(c), child_env(c.env))
        names = {m for m, _ in modules}
        extra = [(m, us) for m, us in modules if m.startswith("relucli") and m not in c.needed]
        numpy = c.numpy_free and "numpy" in names
        if not extra and not numpy:
            continue
        print(f"  relucli {c.name}:" + ("  imports NumPy!" if numpy else ""))
        for m, us in extra:
            print(f"    {m:40s} {us / 1e3:6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
