"""Real full disks and read-only folders without root: a private user and mount namespace.

`unshare -Urm` gives the test its own mounts, so it can put a tiny tmpfs or a read-only bind
mount over a folder, run coach inside, and leave nothing mounted behind. Root ignores file
modes but not a read-only mount, so this is also how a root test runner sees "read-only".
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import ROOT


def _can_unshare() -> bool:
    if shutil.which("unshare") is None:
        return False
    done = subprocess.run(["unshare", "-Urm", "true"], capture_output=True, check=False)
    return done.returncode == 0


needs_mounts = pytest.mark.skipif(not _can_unshare(), reason="needs unprivileged unshare -Urm")

COACH = f"{sys.executable} -m coach"
"""How scripts below run the coach from this checkout."""


def in_namespace(script: str, data: Path) -> subprocess.CompletedProcess[str]:
    """Run ``sh -c script`` in its own mount namespace, with coach's data in ``data``."""
    data.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "COACH_DATA_DIR": str(data),
        "COACH_ENCODER": "off",
        "DATA": str(data),
    }
    return subprocess.run(
        ["unshare", "-Urm", "sh", "-c", f"set -e\n{script}"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


FILL = 'dd if=/dev/zero of="$DATA/filler" bs=4k 2>/dev/null || true\n'
"""Shell that fills the file system under $DATA to the last block."""
