"""What a user installs: the wheel and the sdist carry the licence and the styles, nothing else.

Built from a copy of the tracked files (no stray build/ or egg-info in the checkout) with
setuptools' own backend and no build isolation, so the test needs no network.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _tracked_copy(dest: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to know the tracked files")
    src = _tracked_copy(tmp_path_factory.mktemp("src"))
    dist = src / "dist"
    names = src / "built.txt"  # the backend logs to stdout: the names go to a file
    code = (
        "import sys; from setuptools import build_meta as b; d = sys.argv[1];"
        "open(sys.argv[2], 'w').write(b.build_wheel(d) + ' ' + b.build_sdist(d))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(dist), str(names)],
        cwd=src,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    wheel_name, sdist_name = names.read_text().split()
    return dist / wheel_name, dist / sdist_name


def test_wheel_carries_licence_and_styles_and_no_tests(built):
    wheel, _ = built
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), names
    styles = sorted(Path(n).name for n in names if n.endswith(".mplstyle"))
    shipped = sorted(p.name for p in (ROOT / "relucli" / "styles").glob("*.mplstyle"))
    assert styles == shipped and styles
    dist_info = "-".join(wheel.name.split("-")[:2]) + ".dist-info"
    assert {n.split("/")[0] for n in names} == {"relucli", dist_info}
    assert not any(n.startswith(("tests/", "benchmarks/", "scripts/", "docs/")) for n in names)
    metadata = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith(".dist-info/METADATA")))
        .decode()
    )
    assert "License-Expression: MIT" in metadata
    assert "License-File: LICENSE" in metadata


def test_sdist_carries_licence(built):
    _, sdist = built
    with tarfile.open(sdist) as tar:
        names = tar.getnames()
    assert any(n.endswith("/LICENSE") and n.count("/") == 1 for n in names), names
