"""Durability: a reply streamed to disk at least once a second survives kill -9."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from textual.widgets import Static

from coach.session import Context
from coach.ui.widgets.messages import CoachMessage, UserMessage
from tests.conftest import llm_settings
from tests.fake_openai import FakeOpenAI, Script
from tests.pilot import SIZE, chat, make_app
from tests.processes import ROOT, app_process, kill_9, wait_until

RATE = 100  # characters a second: 5 every 50 ms


def _rows(db: Path) -> list[tuple[str, str, str]]:
    if not db.exists():
        return []
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return con.execute("SELECT role, content, status FROM messages ORDER BY id").fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        con.close()


async def test_kill_9_mid_reply_keeps_the_message_and_all_but_the_last_second(
    server: FakeOpenAI, llm_ctx: Context, tmp_path: Path
) -> None:
    text = "".join(f"word{i:04} " for i in range(400))  # 4,000 characters, 40 s at RATE
    server.add(Script(text=text, chunk_chars=5, delay=5 / RATE))
    db = tmp_path / "data" / "coach.db"

    def saved_a_few_times() -> bool:
        partial = [r for r in _rows(db) if r[0] == "assistant" and r[2] == "partial"]
        return bool(partial) and len(partial[0][1]) >= 300

    with app_process("tests.kill_target", server.base_url, "I want to be a nurse") as proc:
        wait_until(proc, saved_a_few_times, "the reply was never saved while streaming")
        time.sleep(0.7)  # kill at some point between two saves
        sent = server.sent_chars
        kill_9(proc)
    rows = _rows(db)
    assert rows[1] == ("user", "I want to be a nurse", "complete")
    role, saved, status = rows[2]
    assert (role, status) == ("assistant", "partial") and text.startswith(saved)
    # at most ~1 s lost, plus whatever was still in flight on the socket when it died
    assert len(saved) >= sent - RATE * 2, (len(saved), sent)

    # The next start shows it, marked, and offers to ask again.
    cid = llm_ctx.store.latest()
    assert cid is not None
    app = make_app(llm_settings(server.base_url), llm_ctx, resume_id=cid)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        last = list(app.screen.query(CoachMessage))[-1]
        assert last.text == saved and last.border_subtitle == "interrupted"
        status = app.screen.query_one("#status", Static)
        assert status.display and "ctrl+r" in str(status.render())
        assert len(app.screen.query(UserMessage)) == 1
        server.add(Script(text="Let's pick up where we left off."))
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # the model's words, then what the offline reading noted (this model calls no tools)
        last_text = list(app.screen.query(CoachMessage))[-1].text
        assert last_text.startswith("Let's pick up where we left off.")
        assert chat(pilot).session.messages[-1].status == "complete"


WRITER = """
import sys
from pathlib import Path
from coach.domain.state import CoachState
from coach.store.opening import open_store
store = open_store(Path(sys.argv[1]))
cid = store.create_conversation(CoachState(), "offline", title=sys.argv[2])
shared = sys.argv[3]
for i in range(int(sys.argv[4])):
    store.add_message(cid, "user", f"{sys.argv[2]} {i}")
    store.add_message(shared, "assistant", f"{sys.argv[2]} shared {i}")
store.close()
"""


def test_two_processes_write_at_once_without_losing_or_breaking_anything(tmp_path: Path) -> None:
    from coach.domain.state import CoachState
    from coach.store.opening import open_store

    data = tmp_path / "two"
    first = open_store(data)
    shared = first.create_conversation(CoachState(), "offline", title="shared")
    n = 150
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data), name, shared, str(n)],
            env=env,
            stderr=subprocess.PIPE,
        )
        for name in ("alpha", "beta")
    ]
    for proc in procs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read().decode() if proc.stderr else ""
    titles = sorted(c.title for c in first.list_conversations())  # sees the others' new ones
    assert titles == ["alpha", "beta", "shared"]
    by_title = {c.title: c for c in first.list_conversations()}
    for name in ("alpha", "beta"):
        contents = [m.content for m in first.messages(by_title[name].id)]
        assert contents == [f"{name} {i}" for i in range(n)]
    shared_contents = [m.content for m in first.messages(shared)]
    assert len(shared_contents) == 2 * n
    assert first.database.read("PRAGMA integrity_check")[0][0] == "ok"
    first.close()
