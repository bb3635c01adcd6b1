"""Regenerate every figure the README shows, from the README's own command lines.

Every ```console line of README.md of the form `$ relucli ... -o docs/images/NAME.EXT` is run
again, so the figures and the commands printed beside them cannot drift apart. Extra figures
that are not in the README (test baselines) are listed in EXTRA below.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = re.compile(r"^\$ (relucli .*-o docs/images/\S+.*)$")

# Figures the tests compare against (tests/baseline/), made with fixed sizes and styles.
EXTRA: list[str] = [
    "relucli plot --dpi 60 -o tests/baseline/default-light.png",
    "relucli plot --style neon --dpi 60 -o tests/baseline/default-neon.png",
    "relucli plot all --layout grid --dpi 60 -o tests/baseline/gallery-grid.png",
]


def readme_commands() -> list[str]:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    return [m.group(1) for line in lines if (m := COMMAND.match(line.strip()))]


def main() -> int:
    commands = readme_commands() + EXTRA
    for command in commands:
        # `python -m relucli`: the relucli of this interpreter's path, installed or not.
        argv = [sys.executable, "-m", "relucli", *shlex.split(command)[1:]]
        print("$", command, flush=True)
        subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    print(f"{len(commands)} figures written", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
