"""The real app in a process of its own: its environment, and a process killed mid-way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def coach_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A clean environment for `python -m coach` from this checkout: its own data folder, no
    config file, UTF-8, and nothing of the machine's own (no API key, no HOME settings)."""
    return {
        "COACH_DATA_DIR": str(tmp_path / "data"),
        "COACH_CONFIG": str(tmp_path / "none.toml"),
        "PYTHONPATH": str(ROOT),
        "LANG": "C.UTF-8",
        "PATH": "/usr/bin:/bin",
        **extra,
    }


@contextmanager
def app_process(module: str, *args: str) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``python -m module args`` from the checkout; it is killed on the way out anyway."""
    proc = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()


def wait_until(
    proc: subprocess.Popen[bytes], ready: Callable[[], bool], never: str, timeout: float = 60
) -> None:
    """Poll ``ready`` until true; fail with the process's stderr if it died, or with ``never``."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert time.monotonic() < deadline, never
        time.sleep(0.05)


def kill_9(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
