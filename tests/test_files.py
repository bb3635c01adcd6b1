"""relucli.files: where -o output goes, and what is left behind when things go wrong.

We run as root in CI, so "unwritable" is tested with a folder that is a file (afile/x.png),
never with permissions; no test touches a real device other than through a FIFO made here
or a subprocess's own /dev/stdout.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from children import default_sigint

from relucli.files import atomic_output, check_output_path, open_output
from relucli.registry import SpecError

ROOT = Path(__file__).resolve().parents[1]


def user_env() -> dict[str, str]:
    """The environment of a user's shell, not of this machine: PYTHONUNBUFFERED would hide
    buffering bugs (output written only at exit, after our handlers are gone) and
    PYTHONDONTWRITEBYTECODE is set here but not for users; both are removed."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE")
    }
    env["PYTHONPATH"] = str(ROOT)
    return env


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ------------------------------------------------------------------- regular files


def test_new_file_written_and_no_temp_left(tmp_path):
    target = tmp_path / "t.csv"
    with open_output(target) as f:
        f.write("a,b\n1,2\n")
    assert target.read_bytes() == b"a,b\n1,2\n"
    assert leftovers(tmp_path) == []


def test_existing_file_replaced_atomically_and_kept_on_error(tmp_path):
    target = tmp_path / "t.csv"
    target.write_text("old\n")
    inode = target.stat().st_ino
    with pytest.raises(RuntimeError), open_output(target) as f:
        f.write("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old\n"
    assert leftovers(tmp_path) == []
    with open_output(target) as f:
        f.write("new\n")
    assert target.read_text() == "new\n"
    assert target.stat().st_ino != inode  # renamed over, not rewritten


def test_permissions_follow_umask(tmp_path):
    old = os.umask(0o027)
    try:
        with open_output(tmp_path / "t.txt") as f:
            f.write("x")
    finally:
        os.umask(old)
    assert (tmp_path / "t.txt").stat().st_mode & 0o777 == 0o640


def test_binary_mode_and_text_is_utf8_without_newline_translation(tmp_path):
    with open_output(tmp_path / "b.bin", "wb") as f:
        f.write(b"\x00\xff")
    with open_output(tmp_path / "t.txt") as f:
        f.write("σ\r\n≈\n")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\xff"
    assert (tmp_path / "t.txt").read_bytes() == "σ\r\n≈\n".encode()


def test_atomic_output_is_the_same_mechanism():
    assert atomic_output is open_output


def test_bad_mode_refused(tmp_path):
    with (
        pytest.raises(ValueError, match="mode must be 'w' or 'wb'"),
        open_output(tmp_path / "x", "a"),
    ):
        pass


# ------------------------------------------------------------------------ symlinks


def test_symlink_target_replaced_and_link_kept(tmp_path):
    (tmp_path / "real.csv").write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to("real.csv")
    with open_output(link) as f:
        f.write("new\n")
    assert link.is_symlink() and os.readlink(link) == "real.csv"
    assert (tmp_path / "real.csv").read_text() == "new\n"
    assert leftovers(tmp_path) == []


def test_dangling_symlink_creates_its_target(tmp_path):
    (tmp_path / "sub").mkdir()
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "sub" / "made.csv")
    with open_output(link) as f:
        f.write("x\n")
    assert link.is_symlink()
    assert (tmp_path / "sub" / "made.csv").read_text() == "x\n"
    # The temporary file went beside the target, so the rename stayed on one file system.
    assert leftovers(tmp_path / "sub") == [] and leftovers(tmp_path) == []


# --------------------------------------------------------------- written in place


def test_fifo_written_in_place(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    with open_output(fifo) as f:
        f.write("through the pipe\n")
    reader.join(10)
    assert got == [b"through the pipe\n"]
    assert fifo.is_fifo()  # not replaced by a regular file
    assert leftovers(tmp_path) == []


def test_symlink_to_fifo_written_in_place(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "link").symlink_to(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    with open_output(tmp_path / "link", "wb") as f:
        f.write(b"x")
    reader.join(10)
    assert got == [b"x"] and fifo.is_fifo() and (tmp_path / "link").is_symlink()


SCRIPT = """
import sys
from relucli.files import open_output
print("before", flush=True)
with open_output(sys.argv[1]) as f:
    f.write("table\\n")
print("after")
"""


@pytest.mark.parametrize("path", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", "-"])
def test_own_stdout_written_in_place_in_order(path):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, path],
        capture_output=True,
        text=True,
        env=user_env(),
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "before\ntable\nafter\n"


def test_stdout_redirected_to_a_file_is_appended_not_replaced(tmp_path):
    log = tmp_path / "log.txt"
    log.write_text("earlier\n")
    with open(log, "a") as out:
        subprocess.run(
            [sys.executable, "-c", SCRIPT, "/dev/stdout"],
            stdout=out,
            env=user_env(),
            check=True,
            timeout=60,
        )
    assert log.read_text() == "earlier\nbefore\ntable\nafter\n"


def test_dash_is_stdout(capsys):
    with open_output("-") as f:
        f.write("x\n")
    assert capsys.readouterr().out == "x\n"


# -------------------------------------------------------------------------- errors


def test_empty_path_is_a_usage_error(tmp_path):
    message = "the output path is empty: give a file name, or - for standard output"
    with pytest.raises(SpecError, match=message):
        check_output_path("")
    with pytest.raises(SpecError, match=message), open_output(""):
        pass


@pytest.mark.parametrize(
    "name, error, text",
    [
        ("afile/x.png", NotADirectoryError, "Not a directory"),
        ("afile/sub/x.png", NotADirectoryError, "Not a directory"),
        ("missing/x.png", FileNotFoundError, "No such file or directory"),
        ("adir", IsADirectoryError, "Is a directory"),
    ],
)
def test_errors_name_the_users_path(tmp_path, monkeypatch, name, error, text):
    monkeypatch.chdir(tmp_path)
    Path("afile").write_text("")
    Path("adir").mkdir()
    with pytest.raises(error) as checked:
        check_output_path(name)
    assert (checked.value.filename, checked.value.strerror) == (name, text)
    with pytest.raises(error) as written, open_output(name) as f:
        f.write("x")
    assert (written.value.filename, written.value.strerror) == (name, text)
    assert str(written.value) == f"[Errno {written.value.errno}] {text}: '{name}'"
    assert leftovers(tmp_path) == [] and leftovers(tmp_path / "adir") == []


def test_failure_at_write_time_names_the_users_path(tmp_path, monkeypatch):
    target = tmp_path / "t.csv"

    def no_space(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError) as caught, open_output(target) as f:
        f.write("x")
    assert (caught.value.errno, caught.value.filename) == (28, str(target))
    assert leftovers(tmp_path) == [] and not target.exists()


def test_check_output_path_accepts_what_can_be_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for ok in ("new.csv", "-", str(fifo), "/dev/stdout", str(tmp_path / "new.png")):
        check_output_path(ok)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # nothing left behind


def test_check_output_path_closed_descriptor():
    with pytest.raises(OSError) as caught:
        check_output_path("/dev/fd/987")
    assert caught.value.filename == "/dev/fd/987"


# ------------------------------------------------------------------------- signals

WRITER = """
import sys, time
from relucli.files import open_output
with open_output(sys.argv[1]) as f:
    f.write("x" * 100000)
    print("writing", flush=True)
    time.sleep(60)
"""


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP", "SIGINT"])
@pytest.mark.parametrize("existing", [False, True])
def test_signal_during_write_leaves_no_temp_file(tmp_path, signame, existing):
    target = tmp_path / "out.csv"
    if existing:
        target.write_text("old\n")
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=user_env(),
        preexec_fn=default_sigint,
    ) as child:
        try:
            assert child.stdout.readline() == "writing\n"
            assert len(leftovers(tmp_path)) == 1  # the write really is under way
            child.send_signal(getattr(signal, signame))
            stderr = child.communicate(timeout=30)[1]
        finally:
            child.kill()
    # Died by the signal itself, as without our handler (Python re-raises an uncaught
    # KeyboardInterrupt's SIGINT at exit, so the shell sees 130 there too).
    assert child.returncode == -getattr(signal, signame)
    assert ("KeyboardInterrupt" in stderr) == (signame == "SIGINT")
    assert leftovers(tmp_path) == []
    assert (target.read_text() if existing else target.exists()) == ("old\n" if existing else False)


def test_handlers_restored_after_the_write(tmp_path):
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    with open_output(tmp_path / "x") as f:
        assert signal.getsignal(signal.SIGTERM) is not before[signal.SIGTERM]
        f.write("x")
    assert {s: signal.getsignal(s) for s in before} == before


def test_ignored_signal_stays_ignored(tmp_path):
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with open_output(tmp_path / "x") as f:
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN  # nohup keeps working
            f.write("x")
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_writes_from_another_thread_still_clean_up(tmp_path):
    errors: list[BaseException] = []

    def work():
        try:
            with open_output(tmp_path / "x") as f:
                f.write("x")
                raise RuntimeError("stop")
        except RuntimeError as exc:
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(10)
    assert len(errors) == 1 and leftovers(tmp_path) == []


def test_own_stdout_keeps_its_encoding():
    script = (
        "from relucli.files import open_output\n"
        "with open_output('/dev/stdout') as f:\n"
        "    f.write('x')\n"
        "print('', f.encoding)\n"
    )
    env = {**user_env(), "PYTHONIOENCODING": "ascii"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "x ascii\n", "")


def test_closed_stdout_is_one_error_naming_it():
    script = (
        "from relucli.files import open_output\n"
        "try:\n"
        "    with open_output('-') as f:\n"
        "        f.write('x')\n"
        "except OSError as exc:\n"
        "    import sys; sys.stderr.write(str(exc))\n"
    )
    result = subprocess.run(
        f"'{sys.executable}' -c \"{script}\" >&-",
        shell=True,
        capture_output=False,
        stderr=subprocess.PIPE,
        text=True,
        env=user_env(),
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (
        0,
        "[Errno 9] Bad file descriptor: 'standard output'",
    )
