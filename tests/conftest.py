import os

import pytest
from click.testing import CliRunner

# Matplotlib must never try to open a window in the tests.
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def run():
    """Invoke the CLI in-process; returns click's Result (exit_code, stdout, stderr)."""
    from relucli.cli import main

    runner = CliRunner()

    def invoke(*args: str, **kwargs):
        return runner.invoke(
            main, list(args), prog_name="relucli", catch_exceptions=False, **kwargs
        )

    return invoke


# CI runs every property test on the same examples (a failure there reproduces exactly);
# a developer's runs keep drawing new ones, which is how new cases are found.
if os.environ.get("CI"):
    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
    settings.load_profile("ci")
