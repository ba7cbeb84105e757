"""Two windows on one conversation: the second one reads, only the first one writes."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from coach.bootstrap import build_context
from coach.domain.state import CoachState
from coach.session import Session
from coach.settings import Settings
from coach.store.db import DB_NAME, StoreError
from coach.store.opening import open_store
from tests.conftest import fixed_now
from tests.pilot import SIZE, chat, make_app, send
from tests.processes import ROOT, kill_9, wait_until


def _conversation(data: Path) -> str:
    store = open_store(data)
    cid = store.create_conversation(CoachState(phase="goal", pending="dream_job"), "offline")
    store.add_message(cid, "assistant", "What is your dream job?")
    store.close()
    return cid


def _held(data: Path) -> bool:
    """Whether some process holds a conversation's lease (a lock this test cannot take)."""
    folder = data / f"{DB_NAME}.open"
    for lock in folder.iterdir() if folder.exists() else []:
        if lock.name == "opening.lock":  # held only while a coach opens the database
            continue
        fd = os.open(lock, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        finally:
            os.close(fd)
    return False


def _env(data: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "COACH_DATA_DIR": str(data),
        "COACH_ENCODER": "off",
    }


def _plain(data: Path, cid: str, text: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coach", "--plain", "--resume", cid],
        env=_env(data),
        cwd=ROOT,
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@contextmanager
def _open_elsewhere(data: Path, cid: str) -> Iterator[subprocess.Popen[bytes]]:
    """Another window: a plain coach on the conversation, waiting for its user to type."""
    window = subprocess.Popen(
        [sys.executable, "-m", "coach", "--plain", "--resume", cid],
        env=_env(data),
        cwd=ROOT,
        stdin=subprocess.PIPE,  # kept open: the window waits for input
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until(window, lambda: _held(data), "the other window never opened the conversation")
        yield window
    finally:
        if window.poll() is None:
            kill_9(window)


def test_a_second_plain_coach_is_refused_until_the_first_is_killed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cid = _conversation(data)
    with _open_elsewhere(data, cid) as first:
        second = _plain(data, cid, "I want to be a pilot\n")
        assert second.returncode == 1
        assert second.stderr.strip().splitlines() == [
            "coach: This conversation is open in another coach window, so it is read-only"
            " here. Close it there, then open it here again to go on."
        ]
        kill_9(first)
    assert not _held(data)  # the kernel let go of the dead window's lease
    third = _plain(data, cid, "I want to be a pilot\n")
    assert third.returncode == 0, third.stderr
    store = open_store(data)
    assert "I want to be a pilot" in [m.content for m in store.messages(cid)]
    store.close()


def test_the_second_window_reads_and_never_writes(settings: Settings) -> None:
    data = settings.data_dir
    cid = _conversation(data)
    ctx = build_context(settings, now=fixed_now)
    with _open_elsewhere(data, cid) as first:
        second = Session.resume(ctx, cid, watch=True)
        assert second.read_only
        with pytest.raises(StoreError, match="open in another coach window"):
            second.record_user("I want to be a pilot")
        with pytest.raises(StoreError, match="open in another coach window"):
            Session.resume(ctx, cid)  # without watch: refused
        second.save_draft("half a thought")  # kept to itself, never over the other's
        with pytest.raises(StoreError, match="open in another coach window"):
            second.record_reply(ctx.engine.opening(second.state))  # a retried turn's reply
        with pytest.raises(StoreError, match="open in another coach window"):
            second.submit_activity(next(iter(ctx.activities)), "my letter")
        kill_9(first)
    assert [m.content for m in ctx.store.messages(cid)] == ["What is your dream job?"]
    assert ctx.store.conversation(cid).draft == ""
    again = Session.resume(ctx, cid, watch=True)  # the other window is gone: writable
    assert not again.read_only
    again.record_user("I want to be a nurse")
    ctx.store.close()


async def test_the_app_says_a_conversation_is_open_elsewhere(settings: Settings) -> None:
    cid = _conversation(settings.data_dir)
    ctx = build_context(settings, now=fixed_now)
    with _open_elsewhere(settings.data_dir, cid):
        app = make_app(settings, ctx, cid)
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            shown = [str(n.message) for n in app._notifications]
            assert any("open in another coach window" in n for n in shown)
            await send(pilot, "I want to be a pilot")
            assert chat(pilot).session.read_only
    assert [m.content for m in ctx.store.messages(cid)] == ["What is your dream job?"]
    ctx.store.close()


def test_a_refused_or_unknown_conversation_leaves_this_windows_lease_in_place(
    settings: Settings,
) -> None:
    data = settings.data_dir
    mine, theirs = _conversation(data), _conversation(data)
    ctx = build_context(settings, now=fixed_now)
    with _open_elsewhere(data, theirs) as first:
        Session.resume(ctx, mine)  # after: the other window's lease is the only one it sees
        with pytest.raises(StoreError, match="open in another coach window"):
            Session.resume(ctx, theirs)
        with pytest.raises(StoreError):
            Session.resume(ctx, "no-such-id")
        assert ctx.store.leases.held == mine  # still shown here, so still held here
        kill_9(first)
    ctx.store.close()
