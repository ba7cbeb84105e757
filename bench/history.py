"""History at scale (issue 4): 1,000 conversations and one of 10,000 messages.

- the conversations screen opens (list read and table filled) within 200 ms;
- resuming the 10,000-message conversation shows it within 0.5 s, under 200 MB RSS;
- saving a message takes at most 5 ms.

Run with `make bench`.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.terminal import coach_command, compile_bytecode, time_to_text  # noqa: E402
from coach.bootstrap import build_context  # noqa: E402
from coach.domain.state import Answer, CoachState  # noqa: E402
from coach.settings import resolve_settings  # noqa: E402
from coach.store.opening import open_store  # noqa: E402
from coach.ui.factory import build_app  # noqa: E402

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
LAST = "the very last message of ten thousand"


def build_history(data: Path) -> str:
    """1,000 short conversations and one of 10,000 messages; returns the long one's id."""
    store = open_store(data, lambda: NOW)
    for i in range(1_000):
        state = CoachState(phase="reality", answers={"dream_job": Answer(text=f"job {i}")})
        cid = store.create_conversation(state, "offline", title=f"job {i}")
        for j in range(10):
            store.add_message(cid, "user" if j % 2 == 0 else "assistant", f"conversation {i} m{j}")
    long_id = store.create_conversation(CoachState(), "offline", title="a long one")
    with store.database.transaction() as db:  # one transaction: building the fixture, not measured
        db.executemany(
            "INSERT INTO messages (conversation_id, role, content, status, created_at)"
            " VALUES (?, ?, ?, 'complete', ?)",
            [
                (
                    long_id,
                    "user" if k % 2 == 0 else "assistant",
                    f"message {k}: " + "some words about shifts and savings " * 4,
                    NOW.isoformat(),
                )
                for k in range(9_999)
            ],
        )
    store.add_message(long_id, "assistant", LAST)
    store.close()
    return long_id


def bench_save(data: Path) -> None:
    store = open_store(data)
    cid = store.latest()
    assert cid is not None
    times = []
    for i in range(200):
        start = time.perf_counter()
        store.add_message(cid, "user", f"a new message {i}")
        times.append(time.perf_counter() - start)
    store.close()
    print(
        f"save one message (200 saves, 11,000+ messages in the file): median"
        f" {statistics.median(times) * 1000:.2f} ms, max {max(times) * 1000:.2f} ms  [budget 5 ms]"
    )


async def bench_list(data: Path, long_id: str) -> None:
    settings = resolve_settings({"COACH_DATA_DIR": str(data), "COACH_CONFIG": "/none"})
    ctx = build_context(settings, now=lambda: NOW)
    start = time.perf_counter()
    rows = ctx.store.list_conversations()
    read = time.perf_counter() - start
    app = build_app(settings, ctx)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        from textual.widgets import DataTable  # noqa: TID251 - measuring the UI

        frames: list[float] = []
        display = app._display

        def timed_display(screen: object, renderable: object) -> None:
            display(screen, renderable)  # type: ignore[arg-type]
            if renderable is not None:
                frames.append(time.perf_counter())

        app._display = timed_display  # type: ignore[method-assign]
        start = time.perf_counter()
        await app.action_conversations()
        first_page = 0.0
        while True:
            tables = app.screen.query(DataTable)
            count = tables.first().row_count if tables else 0
            if count and not first_page:
                first_page = time.perf_counter()
            if count == len(rows):
                break
            await asyncio.sleep(0.002)
        everything = time.perf_counter()
        await pilot.pause()
        painted = next(f for f in frames if f >= first_page)
        # Resume the long conversation from the list: the user's wait inside the app.
        from coach.ui.screens.chat import ChatScreen

        frames.clear()
        start_resume = time.perf_counter()
        app.open_conversation(long_id)
        while not (isinstance(app.screen, ChatScreen) and app.screen.query(".message")):
            await asyncio.sleep(0.002)
        await pilot.pause()
        resumed = frames[-1] if frames else time.perf_counter()
    ctx.store.close()
    print(
        f"conversations screen with {len(rows):,} conversations: list read {read * 1000:.0f} ms,"
        f" first page on screen {(painted - start) * 1000:.0f} ms [budget 200 ms],"
        f" all rows in {(everything - start) * 1000:.0f} ms"
    )
    print(
        f"resume the 10,000-message conversation from the list: on screen"
        f" {(resumed - start_resume) * 1000:.0f} ms [budget 500 ms]"
    )


def _rss_mb(tmux: list[str]) -> float:
    """Resident memory of the program in the tmux pane, once it has settled."""
    pid = subprocess.run(
        [*tmux, "display", "-p", "-t", "b", "#{pane_pid}"], capture_output=True, text=True
    ).stdout.strip()
    time.sleep(0.5)
    status = Path(f"/proc/{pid}/status").read_text()
    kb = int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1])
    return kb / 1024


def bench_resume(data: Path, long_id: str) -> None:
    coach = coach_command()
    if coach is None:
        print("resume: skipped (needs the coach command and tmux)")
        return
    env = {"COACH_DATA_DIR": str(data), "COACH_CONFIG": "/none", "LANG": "C.UTF-8"}
    times, rss = [], []
    for _ in range(3):
        seconds, mb = time_to_text(
            [coach, "--resume", long_id], env, LAST, timeout=20, while_shown=_rss_mb
        )
        assert mb is not None
        times.append(seconds)
        rss.append(mb)
    print(
        f"resume a 10,000-message conversation (tmux, cold start to its last message on screen):"
        f" median {statistics.median(times) * 1000:.0f} ms [budget 500 ms], RSS"
        f" {max(rss):.0f} MB [budget 200 MB]"
    )


def main() -> None:
    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        start = time.perf_counter()
        long_id = build_history(data)
        print(
            f"(built 1,001 conversations, 20,000 messages in {time.perf_counter() - start:.1f} s)"
        )
        asyncio.run(bench_list(data, long_id))
        bench_resume(data, long_id)
        bench_save(data)


if __name__ == "__main__":
    main()
