"""Timing coach in a real terminal: a fresh tmux server, polled until a text is on screen.

Shared by bench/run.py (first frame) and bench/history.py (resuming a long conversation).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")


def coach_command() -> str | None:
    """The installed `coach` beside this Python, or None when it (or tmux) is missing."""
    coach = shutil.which("coach", path=str(Path(sys.executable).parent))
    return coach if coach is not None and shutil.which("tmux") is not None else None


def compile_bytecode() -> None:
    """`pip install .` compiles bytecode; an editable install under PYTHONDONTWRITEBYTECODE
    never does, and would time the compiler instead of coach."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "coach"), str(ROOT / "prompts")],
        check=True,
    )


def time_to_text(
    command: Sequence[str],
    env: Mapping[str, str],
    text: str,
    timeout: float,
    while_shown: Callable[[list[str]], T] | None = None,
) -> tuple[float, T | None]:
    """Seconds from starting ``command`` in a 100x32 tmux until ``text`` is on screen.

    ``while_shown`` runs with the tmux command prefix before the server is killed, to read
    something off the running process (its memory, say).
    """
    tmux = ["tmux", "-L", f"coach-bench-{os.getpid()}"]
    subprocess.run([*tmux, "kill-server"], capture_output=True, check=False)
    start = time.perf_counter()
    new = [*tmux, "new-session", "-d", "-P", "-F", "#{pane_pid}", "-x", "100", "-y", "32"]
    started = subprocess.run(
        [*new, "-s", "b", *command],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(started.stdout)
    try:
        while time.perf_counter() - start < timeout:
            screen = subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", "b"], capture_output=True, text=True
            ).stdout
            if text in screen:
                seconds = time.perf_counter() - start
                return seconds, while_shown(tmux) if while_shown else None
            time.sleep(0.005)
        raise RuntimeError(f"{text!r} did not appear within {timeout:g} s")
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, check=False)
        _wait_until_gone(pid)


def _wait_until_gone(pid: int, seconds: float = 10) -> None:
    """Wait for the program to end after its window closed, so that a start still loading
    in the background (coach.ui.screens.opening) cannot slow the next one measured."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return
        if state == "Z":
            return
        time.sleep(0.01)
