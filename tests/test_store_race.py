"""The first start, twelve times at once: one creates the tables, every other one waits."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from coach.store.db import DB_NAME
from coach.store.migrations import LATEST_VERSION
from tests.processes import ROOT

N = 12

OPENER = """
import os, sys
from pathlib import Path
from coach.domain.state import CoachState
from coach.store.opening import open_store
os.read(int(sys.argv[2]), 1)  # the gate: every process passes it when the test closes it
store = open_store(Path(sys.argv[1]))
cid = store.create_conversation(CoachState(), "offline", title=sys.argv[3])
store.add_message(cid, "user", sys.argv[3])
store.close()
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "COACH_ENCODER": "off"}


def test_twelve_stores_opened_at_the_same_instant_on_a_new_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    gate, opener = os.pipe()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, str(data), str(gate), f"writer {i}"],
            env=_env(),
            pass_fds=(gate,),
            stderr=subprocess.PIPE,
        )
        for i in range(N)
    ]
    os.close(gate)
    os.close(opener)  # end of file on the gate: all twelve open the store now
    errors = [p.stderr.read().decode() if p.stderr else "" for p in procs]
    codes = [p.wait(timeout=120) for p in procs]
    assert codes == [0] * N, errors
    db = sqlite3.connect(data / DB_NAME)
    assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    contents = sorted(row[0] for row in db.execute("SELECT content FROM messages"))
    assert contents == sorted(f"writer {i}" for i in range(N))


def test_twelve_plain_coaches_started_together_all_save(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**_env(), "COACH_DATA_DIR": str(data)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "coach", "--plain"],
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(N)
    ]
    results = [
        p.communicate(f"I want to be nurse number {i}\n".encode(), timeout=180)
        for i, p in enumerate(procs)
    ]
    assert [p.returncode for p in procs] == [0] * N, [err.decode() for _, err in results]
    db = sqlite3.connect(data / DB_NAME)
    said = {row[0] for row in db.execute("SELECT content FROM messages WHERE role = 'user'")}
    errors = [err.decode() for _, err in results if err]
    assert said == {f"I want to be nurse number {i}" for i in range(N)}, errors
