"""Where output goes: one ``open_output`` for every ``-o PATH`` (tables and figures).

- ``-`` is standard output.
- A regular file (or a new one) is written atomically: a temporary file beside the target,
  then a rename, so a failed or interrupted write leaves no partial file and an existing
  file stays intact. The temporary file is removed on an exception, SIGINT, SIGTERM and
  SIGHUP (handlers installed only while the file is open, then restored).
- Devices, FIFOs, ``/dev/stdout`` and ``/dev/fd/N`` are written in place: renaming over
  ``/dev/null`` would turn it into a regular file (we may run as root), and ``/dev/stdout``
  is a promise to write to the stream the caller redirected.
- A symlink is resolved: its target is replaced and the link kept.
- Every OSError names the user's path, never the temporary file.

``check_output_path`` runs the same checks without writing, so a command can refuse an
unwritable path before minutes of work rather than after.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import signal
import stat
import sys
import threading
from collections.abc import Iterator
from typing import IO

from .specs import SpecError

STDOUT = "-"

# Paths naming one of our own open descriptors: written through a duplicate of that
# descriptor, so the file offset and O_APPEND are the ones the shell set up (`>>` appends).
_OWN_FD = re.compile(r"^/(?:dev/fd|proc/self/fd|proc/(\d+)/fd)/(\d+)$")
_STD_NAMES = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
_CLEANUP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class ClosedStream(io.TextIOBase):
    """Stands in for a standard stream the shell closed (``>&-``), where Python leaves None:
    every write is an OSError (EBADF) naming ``name``, so the caller's error policy reports
    one line instead of an AttributeError on None."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "it is closed", self.name)

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "it is closed", self.name)


def stdout_closed() -> bool:
    """Whether the process started with standard output closed."""
    return sys.stdout is None or isinstance(sys.stdout, ClosedStream)


def check_output_path(path: str | os.PathLike, make_folder: bool = False) -> None:
    """Refuse an output path that cannot be written, before any long work.

    Raises SpecError (a usage error) for an empty path, and an OSError naming ``path``
    (a runtime error) for a missing folder (unless ``make_folder``: then the nearest
    existing folder must be one we can create it in), a folder that is a file, a directory
    given as the file, or a folder or device where we may not write. Writes nothing that
    stays.
    """
    text = _text(path)
    if text == STDOUT:
        if stdout_closed():
            raise _error(errno.EBADF, "standard output")
        return
    fd = _own_fd(text)
    if fd is not None:
        _check_own_fd(fd, text)
        return
    info = _stat(text)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise _error(errno.EISDIR, text)
    if info is not None and not stat.S_ISREG(info.st_mode):
        if not os.access(text, os.W_OK):
            raise _error(errno.EACCES, text)
        return
    folder = _folder(os.path.realpath(text))
    folder_info = _stat(folder, text)
    while folder_info is None and make_folder and os.path.dirname(folder) != folder:
        # A folder to be created: the nearest one that exists must take new entries.
        folder = os.path.dirname(folder)
        folder_info = _stat(folder, text)
    if folder_info is None:
        raise _error(errno.ENOENT, text)
    if not stat.S_ISDIR(folder_info.st_mode):
        raise _error(errno.ENOTDIR, text)
    # os.access says yes to root even on a read-only file system: try it for real.
    import tempfile  # only for -o FILE: standard output never needs it (start-up, issue 16)

    try:
        fd, tmp = tempfile.mkstemp(prefix=".relucli-check.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _named(exc, text) from None
    os.close(fd)
    os.unlink(tmp)


@contextlib.contextmanager
def open_output(path: str | os.PathLike, mode: str = "w") -> Iterator[IO]:
    """Open ``path`` for writing as described in the module docstring.

    ``mode`` is "w" (text, UTF-8, newlines as written) or "wb". Standard output is yielded
    as is (text) or as its buffer (binary) and flushed at the end, never closed.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', got {mode!r}")
    text = _text(path)
    binary = mode == "wb"
    if text == STDOUT:
        if sys.stdout is None:  # started with standard output closed (`>&-`)
            raise _error(errno.EBADF, "standard output")
        # textenc.AsciiStream keeps the binary side as .binary (Click must not see .buffer).
        buffer = getattr(sys.stdout, "buffer", None) or getattr(sys.stdout, "binary", None)
        stream = buffer if binary else sys.stdout
        yield stream
        stream.flush()
        return
    fd = _own_fd(text)
    if fd is not None:
        _check_own_fd(fd, text)
        with _in_place(text, mode, fd) as stream:
            yield stream
        return
    info = _stat(text)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise _error(errno.EISDIR, text)
    if info is not None and not stat.S_ISREG(info.st_mode):
        with _in_place(text, mode) as stream:
            yield stream
        return
    with _atomic(text, mode) as stream:
        yield stream


# Figures and older callers use this name; it is the same mechanism.
atomic_output = open_output


@contextlib.contextmanager
def _in_place(text: str, mode: str, fd: int | None = None) -> Iterator[IO]:
    """A device, a FIFO or one of our descriptors: opened and written, never replaced."""
    binary = "b" in mode
    if fd in (1, 2):
        # Anything already buffered on our own stream goes first, in order.
        with contextlib.suppress(Exception):
            (sys.stdout if fd == 1 else sys.stderr).flush()
    try:
        if fd is not None:
            raw = os.dup(fd)
        else:
            # No O_TRUNC, no O_CREAT: the thing exists, and truncation means nothing to it.
            raw = os.open(text, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
        own = (sys.stdout, sys.stderr)[fd - 1] if fd in (1, 2) else None
        # Our own terminal or pipe keeps its encoding, so text is spelled for it (textenc).
        stream = _wrap(raw, binary, getattr(own, "encoding", None))
    except OSError as exc:
        raise _named(exc, text) from None
    try:
        yield stream
        stream.flush()
    except OSError as exc:
        raise _named(exc, text) from None
    finally:
        with contextlib.suppress(OSError):
            stream.close()


@contextlib.contextmanager
def _atomic(text: str, mode: str) -> Iterator[IO]:
    import tempfile

    # A symlink's target is what gets replaced, so the link itself survives.
    target = os.path.realpath(text)
    folder = _folder(target)
    holder: list[str] = []  # the temporary path, once it exists (read by signal handlers)
    with _remove_on_signal(holder):
        try:
            fd, tmp = tempfile.mkstemp(
                prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=folder
            )
        except OSError as exc:
            raise _named(exc, text) from None
        holder.append(tmp)
        try:
            stream = _wrap(fd, "b" in mode)
            with stream:
                yield stream
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, target)
            holder.clear()
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            holder.clear()
            if isinstance(exc, OSError) and exc.filename in (None, tmp, target):
                raise _named(exc, text) from None
            raise


@contextlib.contextmanager
def _remove_on_signal(holder: list[str]) -> Iterator[None]:
    """While the block runs, SIGINT/SIGTERM/SIGHUP first remove the temporary file, then do
    whatever they did before (raise KeyboardInterrupt, or end the process by the signal)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; exceptions still clean up
        return
    saved: dict[int, object] = {}

    def handler(signum: int, frame: object) -> None:
        for tmp in holder:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        previous = saved.get(signum, signal.SIG_DFL)
        if callable(previous):
            previous(signum, frame)
            return
        # Default action: die by the same signal, so the parent sees the usual status.
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    try:
        for signum in _CLEANUP_SIGNALS:
            previous = signal.getsignal(signum)
            if previous in (signal.SIG_IGN, None):
                continue  # ignored (nohup, background jobs) or set outside Python: leave it
            saved[signum] = previous
            signal.signal(signum, handler)
        yield
    finally:
        for signum, previous in saved.items():
            signal.signal(signum, previous)  # type: ignore[arg-type]


def _wrap(fd: int, binary: bool, encoding: str | None = None) -> IO:
    if binary:
        return os.fdopen(fd, "wb")
    # UTF-8 whatever the locale: files are read back by other programs; newline="" keeps
    # the "\n" we write (no "\r\n" translation).
    # Our own terminal's encoding may lack a symbol: spelled (σ -> sigma), never an error.
    from .textenc import SPELL_ERRORS

    return os.fdopen(fd, "w", encoding=encoding or "utf-8", newline="", errors=SPELL_ERRORS)


def _text(path: str | os.PathLike) -> str:
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if text == "":
        raise SpecError("the output path is empty: give a file name, or - for standard output")
    return text


def _check_own_fd(fd: int, text: str) -> None:
    # With standard output closed, descriptor 1 may since belong to some other file: never
    # write "to /dev/stdout" through it.
    if (fd == 1 and stdout_closed()) or (fd == 2 and sys.stderr is None):
        raise _error(errno.EBADF, text)
    try:
        os.fstat(fd)
    except OSError as exc:
        raise _named(exc, text) from None


def _own_fd(text: str) -> int | None:
    absolute = os.path.abspath(text)
    if absolute in _STD_NAMES:
        return _STD_NAMES[absolute]
    match = _OWN_FD.match(absolute)
    if match is None or (match.group(1) is not None and int(match.group(1)) != os.getpid()):
        return None
    return int(match.group(2))


def _stat(path: str, shown: str | None = None) -> os.stat_result | None:
    """os.stat following links; None when nothing is there (a new file, a dangling link)."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _named(exc, shown or path) from None


def _folder(target: str) -> str:
    return os.path.dirname(target) or "."


def _error(code: int, path: str) -> OSError:
    return OSError(code, os.strerror(code), path)


def _named(exc: OSError, path: str) -> OSError:
    """The same error (same class, e.g. BrokenPipeError), naming the user's path."""
    if exc.errno is None:
        return OSError(errno.EIO, str(exc), path)
    return OSError(exc.errno, exc.strerror or os.strerror(exc.errno), path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


__all__ = [
    "STDOUT",
    "ClosedStream",
    "atomic_output",
    "check_output_path",
    "open_output",
    "stdout_closed",
]
