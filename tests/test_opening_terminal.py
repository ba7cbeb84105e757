"""The opening cache in a real terminal (tmux): the second start paints the kept first screen,
and what the user types at once, before coach has finished loading, is sent and saved."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

COACH = shutil.which("coach", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(
    COACH is None or shutil.which("tmux") is None, reason="needs tmux and the coach command"
)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[list[str]]:
    command = ["tmux", "-L", f"coach-opening-{os.getpid()}"]
    yield command
    subprocess.run([*command, "kill-server"], capture_output=True, check=False)


def screen(tmux: list[str]) -> str:
    done = subprocess.run([*tmux, "capture-pane", "-p", "-t", "t"], capture_output=True, text=True)
    return done.stdout


def wait(what: Callable[[], bool], seconds: float = 20) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if what():
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


def test_typing_at_once_on_a_start_from_the_kept_opening(tmp_path: Path, tmux: list[str]) -> None:
    assert COACH is not None
    cache = tmp_path / "cache"
    env = {**os.environ, "COACH_CACHE_DIR": str(cache), "TERM": "xterm-256color"}

    def start() -> str:
        """The first screen with the opening question on it (polled as fast as tmux goes)."""
        subprocess.run(
            [*tmux, "new-session", "-d", "-x", "100", "-y", "32", "-s", "t", COACH],
            env=env,
            check=True,
        )
        end = time.monotonic() + 20
        while time.monotonic() < end:
            shown = screen(tmux)
            if "dream job" in shown:
                return shown
        raise AssertionError("no first screen")

    def quit_() -> None:
        subprocess.run([*tmux, "send-keys", "-t", "t", "C-q"], check=True)
        wait(lambda: subprocess.run([*tmux, "has-session"], capture_output=True).returncode != 0)

    start()  # the ordinary start, which keeps its first screen after about a second
    wait(lambda: any(cache.glob("opening-*.json")))
    quit_()
    # Mark the kept screen, so the next start shows whether it painted it: the real chat,
    # which replaces it, has no such words.
    kept = next(cache.glob("opening-*.json"))
    record = json.loads(kept.read_text())
    record["opening"]["badge"]["text"] += " KEPT-7391"
    kept.write_text(json.dumps(record))

    seen = start()
    assert "KEPT-7391" in seen  # the first screen drawn was the kept one
    subprocess.run([*tmux, "send-keys", "-t", "t", "-l", "a nurse"], check=True)
    subprocess.run([*tmux, "send-keys", "-t", "t", "Enter"], check=True)
    wait(lambda: "KEPT-7391" not in screen(tmux))  # the real chat took over
    wait(lambda: screen(tmux).count("nurse") >= 2)  # the words, and the coach's reply to them
    quit_()

    exported = subprocess.run(
        [COACH, "export", "--format", "json"], env=env, capture_output=True, text=True, check=True
    )
    said = [m["content"] for m in json.loads(exported.stdout)["messages"] if m["role"] == "user"]
    assert said == ["a nurse"]


def test_closing_the_window_while_loading_ends_coach(tmp_path: Path, tmux: list[str]) -> None:
    """The window closed (SIGHUP) just after the kept screen was drawn, with coach still
    loading behind it: coach ends, rather than drawing the chat into a terminal that is gone."""
    assert COACH is not None
    cache = tmp_path / "cache"
    env = {**os.environ, "COACH_CACHE_DIR": str(cache), "TERM": "xterm-256color"}

    def start() -> int:
        new = [*tmux, "new-session", "-d", "-P", "-F", "#{pane_pid}", "-x", "100", "-y", "32"]
        done = subprocess.run([*new, "-s", "t", COACH], env=env, capture_output=True, text=True)
        return int(done.stdout)

    def close(pid: int) -> None:
        subprocess.run([*tmux, "kill-server"], capture_output=True, check=False)
        wait(lambda: _gone(pid), seconds=10)

    first = start()
    wait(lambda: any(cache.glob("opening-*.json")))
    close(first)
    for _ in range(3):
        pid = start()
        wait(lambda: "dream job" in screen(tmux))
        close(pid)


def _gone(pid: int) -> bool:
    """Ended: no such process, or one that only waits to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
