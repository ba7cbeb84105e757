"""Signals, in real processes: the full-screen app on a pseudo-terminal, and plain mode against
the fake model server. Closing the window, `kill` and Ctrl+C lose nothing typed or streamed."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from coach.settings import resolve_settings
from coach.store.db import Store
from coach.store.opening import open_store
from tests.fake_openai import FakeOpenAI, Script
from tests.processes import coach_env

ROOT = Path(__file__).resolve().parents[1]
_CONTROL = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return coach_env(tmp_path, TERM="xterm-256color", **extra)  # the app runs in a terminal


def _plain_with_model(tmp_path: Path, server: FakeOpenAI, output: int) -> subprocess.Popen[bytes]:
    """`coach --plain` against the fake server; stdin stays open, as a person's would."""
    return subprocess.Popen(
        [sys.executable, "-m", "coach", "--plain"],
        cwd=ROOT,
        env=_env(tmp_path, OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-test"),
        stdin=subprocess.PIPE,
        stdout=output,
        stderr=output,
    )


def _store(tmp_path: Path) -> Store:
    return open_store(resolve_settings(environ=_env(tmp_path)).data_dir)


class Terminal:
    """coach on a real pseudo-terminal, 100x32, read as a person's terminal would show it."""

    def __init__(self, tmp_path: Path) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(ROOT)
            os.execve(sys.executable, [sys.executable, "-m", "coach", "--offline"], _env(tmp_path))
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 32, 100, 0, 0))
        self.raw = b""
        self.status: int | None = None

    def text(self) -> str:
        return _CONTROL.sub("", self.raw.decode("utf-8", "replace"))

    def _read(self, timeout: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            try:
                self.raw += os.read(self.fd, 65536)
            except OSError:  # EIO: the child closed its end
                time.sleep(timeout)

    def wait_for(self, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while what not in self.text():
            assert time.monotonic() < deadline, f"never saw {what!r}:\n{self.text()[-2000:]}"
            self._read(0.1)

    def exited(self, timeout: float = 30, read: bool = True) -> int:
        deadline = time.monotonic() + timeout
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
            assert time.monotonic() < deadline, "coach did not end"
            if read:
                self._read(0.05)
            else:
                time.sleep(0.05)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_a_signal_keeps_the_draft_and_restores_the_terminal(
    tmp_path: Path, signum: signal.Signals
) -> None:
    term = Terminal(tmp_path)
    try:
        term.wait_for("What is your dream job")
        os.write(term.fd, b"words I have not sent")
        term.wait_for("words I have not sent")
        shown = len(term.raw)
        os.kill(term.pid, signum)
        assert term.exited() == 128 + signum
    finally:
        if term.status is None:  # only a child not yet reaped: its pid is still ours
            with_suppressed_kill(term.pid)
        os.close(term.fd)
    after = term.raw[shown:]
    assert b"\x1b[?1049l" in after, after[-300:]  # the alternate screen is left
    assert b"\x1b[?1000l" in after and b"\x1b[?1006l" in after  # mouse reporting off
    store = _store(tmp_path)
    latest = store.latest()
    assert latest is not None and store.conversation(latest).draft == "words I have not sent"


def test_closing_the_window_keeps_the_draft(tmp_path: Path) -> None:
    """The window closes: the pseudo-terminal's master end goes, the kernel sends SIGHUP and
    every write to the terminal fails. coach still saves the draft and ends."""
    term = Terminal(tmp_path)
    try:
        term.wait_for("What is your dream job")
        os.write(term.fd, b"the window is closing")
        term.wait_for("the window is closing")
    finally:
        os.close(term.fd)
    assert term.exited(read=False) == 128 + signal.SIGHUP
    store = _store(tmp_path)
    latest = store.latest()
    assert latest is not None and store.conversation(latest).draft == "the window is closing"


def test_bytes_that_are_not_utf8_typed_in_the_app_are_text(tmp_path: Path) -> None:
    """Textual decoded the terminal strictly: one such byte ended the app with a traceback."""
    term = Terminal(tmp_path)
    try:
        term.wait_for("What is your dream job")
        os.write(term.fd, b"abc\xff\xfedef")
        term.wait_for("abc\ufffd\ufffddef")
        os.write(term.fd, b"\x11")  # Ctrl+Q
        assert term.exited() == 0
    finally:
        if term.status is None:
            with_suppressed_kill(term.pid)
        os.close(term.fd)
    assert "Traceback" not in term.text() and "UnicodeDecodeError" not in term.text()
    store = _store(tmp_path)
    latest = store.latest()
    assert latest is not None and store.conversation(latest).draft == "abc\ufffd\ufffddef"


def with_suppressed_kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


@pytest.mark.parametrize(
    "signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["INT", "TERM", "HUP"]
)
def test_a_signal_mid_reply_in_plain_mode_keeps_what_was_streamed(
    tmp_path: Path, server: FakeOpenAI, signum: signal.Signals
) -> None:
    reply = "Nursing is a fine goal, and the call center can pay for it. " * 20
    server.add(Script(text=reply, chunk_chars=4, delay=0.02))
    proc = _plain_with_model(tmp_path, server, subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    try:
        proc.stdin.write(b"I want to be a nurse\n")
        proc.stdin.flush()  # and left open: the person has more to say
        out = b""
        deadline = time.monotonic() + 60
        while b"the call center can pay" not in out:  # the reply is streaming
            assert time.monotonic() < deadline and proc.poll() is None, out
            if select.select([proc.stdout], [], [], 0.1)[0]:
                out += os.read(proc.stdout.fileno(), 65536)
        proc.send_signal(signum)
        rest, err = proc.communicate(timeout=30)  # closes stdin: after Ctrl+C, input ends
    finally:
        if proc.poll() is None:
            proc.kill()
    if signum == signal.SIGINT:  # as Esc in the app: the reply stops, the conversation goes on
        assert proc.returncode == 0, err
        assert b"Stopped. The reply so far is kept" in err
    else:
        assert proc.returncode == 128 + signum, err
        assert b"Stopped. What the coach had written so far is saved." in err
    printed = (out + rest).decode()
    store = _store(tmp_path)
    latest = store.latest()
    assert latest is not None
    last = store.messages(latest)[-1]
    assert last.role == "assistant" and last.status == "cancelled"
    assert last.content.startswith("Nursing is a fine goal") and last.content != reply
    assert last.content in printed  # exactly what the person saw


def test_plain_mode_saves_a_reply_as_it_streams(tmp_path: Path, server: FakeOpenAI) -> None:
    """kill -9 mid-reply: what was saved in the last second is kept, marked partial."""
    reply = "Nursing is a fine goal, and the call center can pay for it. " * 20
    server.add(Script(text=reply, chunk_chars=4, delay=0.02))
    proc = _plain_with_model(tmp_path, server, subprocess.DEVNULL)
    assert proc.stdin is not None
    db = tmp_path / "data" / "coach.db"

    def partial() -> str:
        if not db.exists():
            return ""
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            rows = con.execute("SELECT content FROM messages WHERE status = 'partial'").fetchall()
        except sqlite3.OperationalError:
            return ""
        finally:
            con.close()
        return str(rows[0][0]) if rows else ""

    try:
        proc.stdin.write(b"I want to be a nurse\n")
        proc.stdin.flush()
        deadline = time.monotonic() + 60
        while not partial():
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        proc.kill()
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    saved = partial()
    assert saved and reply.startswith(saved)  # the first chunk is saved at once, then each second


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_a_signal_while_writing_an_activity_in_plain_mode_keeps_the_text_as_its_draft(
    tmp_path: Path, signum: signal.Signals
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "coach", "--plain"],
        cwd=ROOT,
        env=_env(tmp_path, COACH_ENCODER="off"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(b"I want to be a nurse\n/write savings-plan\ntuition 40000\n")
        proc.stdin.flush()  # no lone "." yet: the text is still being written
        out = b""
        deadline = time.monotonic() + 60
        while b"> tuition 40000" not in out:  # coach has read the line (piped input is echoed)
            assert time.monotonic() < deadline and proc.poll() is None, out
            if select.select([proc.stdout], [], [], 0.1)[0]:
                out += os.read(proc.stdout.fileno(), 65536)
        proc.send_signal(signum)
        proc.wait(timeout=30)  # stdin stays open: the person had not finished the text
        err = proc.stderr.read() if proc.stderr is not None else b""
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signum, err
    assert b"Traceback" not in err
    store = _store(tmp_path)
    latest = store.latest()
    assert latest is not None
    assert store.activity_draft(latest, "savings-plan") == "tuition 40000", (err, out)
