"""Run the README's examples and rebuild its generated tables; check them (default) or
rewrite them (--update).

In every ```console block of README.md, a line `$ relucli ARGS` is followed by that
command's exact output. Between `<!-- kinks:start -->` and `<!-- kinks:end -->` is the kink
table, generated from the variant records (never edit it by hand). tests/test_docs.py runs
the same checks in the test suite.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FENCE = re.compile(r"^```console\n(.*?)^```\n", re.S | re.M)
KINKS = re.compile(r"(<!-- kinks:start -->\n)(.*?)(<!-- kinks:end -->)", re.S)


def kink_table() -> str:
    """The README's kink table: one row per variant with a kink rule (or a framework with a
    kink gradient of its own), from its record: PyTorch's rule, JAX's, and every other
    framework whose gradient at a kink differs, at its defaults (frameworks with the same
    difference together)."""
    from relucli.frameworks import FRAMEWORKS, kink_differences, short_list
    from relucli.variants import REGISTRY

    rows = [
        "| variant | gradient at the kink (PyTorch, default) | `--convention jax` |"
        " other frameworks, where they differ (at their defaults) |",
        "| --- | --- | --- | --- |",
    ]
    for v in REGISTRY.variants.values():
        by_text: dict[str, list[str]] = {}
        for fw in FRAMEWORKS[2:]:  # torch and jax have their own columns
            text = kink_differences(v, fw)
            if text:
                by_text.setdefault(text, []).append(fw)
        others = "; ".join(f"{short_list(fws)}: {text}" for text, fws in by_text.items())
        if v.kink_rule or others:
            rule = v.kink_rule or "smooth: no kink"
            rows.append(f"| {v.name} | {rule} | {v.jax_rule or 'same'} | {others or 'same'} |")
    return "\n".join(rows) + "\n"


def with_kink_table(text: str) -> str:
    """``text`` with its kink table regenerated (it must have the markers)."""
    if not KINKS.search(text):
        raise SystemExit("README.md has no <!-- kinks:start --> ... <!-- kinks:end --> markers")
    return KINKS.sub(lambda m: m.group(1) + kink_table() + m.group(3), text, count=1)


@dataclass
class Example:
    command: str
    expected: str
    start: int  # offsets of the expected output inside README text
    end: int


def examples(text: str) -> list[Example]:
    found = []
    for block in FENCE.finditer(text):
        body, offset = block.group(1), block.start(1)
        pieces = re.split(r"(?m)^(\$ .*\n)", body)
        pos = offset + len(pieces[0])
        for i in range(1, len(pieces), 2):
            command, output = pieces[i], pieces[i + 1]
            start = pos + len(command)
            found.append(Example(command[2:].strip(), output, start, start + len(output)))
            pos = start + len(output)
    return found


def run(command: str, cwd: Path) -> str:
    """Run a README command line in-process, from ``cwd``; stdout and stderr as a user sees."""
    from relucli.cli import main

    argv = shlex.split(command)
    assert argv[0] == "relucli", f"README example is not a relucli command: {command}"
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(
            main, argv[1:], prog_name="relucli", catch_exceptions=False, env={"COLUMNS": None}
        )
    finally:
        os.chdir(old)
    return result.stdout + result.stderr


def workdir() -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="relucli-readme-"))
    (tmp / "docs" / "images").mkdir(parents=True)
    # The committed inputs the examples read (`relucli inspect docs/examples/digits.npz`).
    shutil.copytree(ROOT / "docs" / "examples", tmp / "docs" / "examples")
    return tmp


def main() -> int:
    text = README.read_text(encoding="utf-8")
    cwd = workdir() if "--update" not in sys.argv else ROOT
    updated, last, bad = [], 0, 0
    for ex in examples(text):
        actual = run(ex.command, cwd)
        if actual != ex.expected:
            bad += 1
            print(f"differs: $ {ex.command}", file=sys.stderr)
        updated.append(text[last : ex.start] + actual)
        last = ex.end
    new = with_kink_table("".join(updated) + text[last:])
    table_differs = with_kink_table(text) != text
    if table_differs:
        print("differs: the kink table (generated from the records)", file=sys.stderr)
    if "--update" in sys.argv:
        README.write_text(new, encoding="utf-8")
        print(f"README.md: {bad} example(s) and {int(table_differs)} table(s) updated")
        return 0
    print(f"{len(examples(text)) - bad} examples match, {bad} differ")
    return 1 if bad or table_differs else 0


if __name__ == "__main__":
    raise SystemExit(main())
