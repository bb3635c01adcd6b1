"""What a child process needs to behave as one a user starts from an interactive shell."""

from __future__ import annotations

import signal


def default_sigint() -> None:
    """``preexec_fn`` for children that are sent SIGINT: Python turns SIGINT into
    KeyboardInterrupt only when it starts with the signal's default action, and a suite run
    in the background of a non-interactive shell (`make test &`, some CI runners) starts
    with SIGINT ignored, which every child inherits: Ctrl-C tests then hang, not fail."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
