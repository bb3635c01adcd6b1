"""Shell completion as a user's bash runs it: `eval "$(relucli completion bash)"`, then TAB.

Each case sources the script `relucli completion bash` prints into a real bash, sets the
variables bash sets on TAB (COMP_LINE, COMP_POINT, and COMP_WORDS split at bash's word
breaks, ':' and '=' included) and calls the completion function, which runs the installed
`relucli` command through Click's completion protocol.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from relucli.registry import normalize
from relucli.tables import FORMATS
from relucli.variants import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
COMMAND = Path(sys.executable).with_name("relucli")

pytestmark = pytest.mark.skipif(
    shutil.which("bash") is None or not COMMAND.exists(),
    reason="needs bash and the installed relucli command",
)

DRIVER = r"""
eval "$(relucli completion bash)"
compopt() { :; }  # only valid while bash itself runs a completion (a real TAB: see README)
COMP_LINE=$1
COMP_POINT=${#COMP_LINE}
# bash's own word split, at blanks and at the COMP_WORDBREAKS characters ':' and '='
read -ra COMP_WORDS <<< "$(sed -e 's/[:=]/ & /g' <<< "$COMP_LINE")"
[[ $COMP_LINE == *[[:space:]:=] ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
_relucli_completion relucli
printf '%s\n' "${COMPREPLY[@]}"
"""


def _complete(line: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("_RELUCLI")}
    env["PATH"] = f"{COMMAND.parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT)  # this checkout's code, whichever copy is installed
    out = subprocess.run(
        ["bash", "-c", DRIVER, "driver", line], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0 and out.stderr == "", out.stderr
    return [w for w in out.stdout.split("\n") if w]


def test_the_script_is_clicks_protocol_for_relucli():
    out = subprocess.run(
        [sys.executable, "-m", "relucli", "completion", "bash"], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert "_RELUCLI_COMPLETE=bash_complete" in out.stdout
    assert out.stdout.rstrip().endswith("_relucli_completion_setup;")


def test_commands():
    assert _complete("relucli gr") == ["grad"]
    assert _complete("relucli co") == ["completion"]


def test_variant_and_group_names():
    expected = [
        w
        for w in dict.fromkeys(
            [*REGISTRY.names(), *REGISTRY.group_names(), *sorted(REGISTRY.aliases)]
        )
        if w.startswith("se")
    ]
    assert "seed" in expected and "selu" in expected
    assert _complete("relucli plot se") == expected
    assert _complete("relucli plot ELU se") == expected


def test_parameter_names_after_the_colon():
    # bash replaces only the text after the word's last ':' or '='.
    assert _complete("relucli plot elu:") == ["alpha="]
    assert _complete("relucli eval rrelu:lo") == ["lower="]
    # bash's word here is "0.1," (after the "="): it is replaced by "0.1,upper="
    assert _complete("relucli eval rrelu:lower=0.1,") == ["0.1,upper="]
    assert _complete("relucli eval gelu:approximate=t") == ["tanh"]
    assert _complete("relucli eval relu:") == []
    assert _complete("relucli eval nosuch:") == []


def test_option_values():
    assert _complete("relucli plot --style n") == ["neon"]
    assert _complete("relucli grad --convention j") == ["jax"]
    assert _complete("relucli table --format lat") == [f for f in FORMATS if f.startswith("lat")]
    assert _complete("relucli completion ") == ["bash", "zsh", "fish"]


def test_names_are_normalized_like_specs():
    assert normalize("Leaky-ReLU") == "leaky_relu"
    assert _complete("relucli plot Leaky-R") == ["leaky_relu"]
