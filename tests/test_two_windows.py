"""Two windows on one conversation: the second one reads, only the first one writes."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
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
        fd = os.open(lock, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        finally:
            os.close(fd)
    return False


def _plain(data: Path, cid: str, text: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COACH_DATA_DIR": str(data)}
    env["COACH_ENCODER"] = "off"
    return subprocess.run(
        [sys.executable, "-m", "coach", "--plain", "--resume", cid],
        env=env,
        cwd=ROOT,
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_second_plain_coach_is_refused_until_the_first_is_killed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cid = _conversation(data)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COACH_DATA_DIR": str(data)}
    first = subprocess.Popen(
        [sys.executable, "-m", "coach", "--plain", "--resume", cid],
        env={**env, "COACH_ENCODER": "off"},
        cwd=ROOT,
        stdin=subprocess.PIPE,  # kept open: the first window waits for its user
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until(first, lambda: _held(data), "the first coach never opened the conversation")
        second = _plain(data, cid, "I want to be a pilot\n")
        assert second.returncode == 1
        assert second.stderr.strip().splitlines() == [
            "coach: This conversation is open in another coach window, so it is read-only"
            " here. Close it there, then open it here again to go on."
        ]
    finally:
        kill_9(first)
    assert not _held(data)  # the kernel let go of the dead window's lease
    third = _plain(data, cid, "I want to be a pilot\n")
    assert third.returncode == 0, third.stderr
    store = open_store(data)
    assert "I want to be a pilot" in [m.content for m in store.messages(cid)]
    store.close()


def test_the_second_window_reads_and_never_writes(settings: Settings) -> None:
    one = build_context(settings, now=fixed_now)
    two = build_context(settings, now=fixed_now)  # another window: a store of its own
    cid = _conversation(settings.data_dir)
    first = Session.resume(one, cid)
    second = Session.resume(two, cid, watch=True)
    assert not first.read_only and second.read_only
    with pytest.raises(StoreError, match="open in another coach window"):
        second.record_user("I want to be a pilot")
    with pytest.raises(StoreError, match="open in another coach window"):
        Session.resume(two, cid)  # without watch: refused
    second.save_draft("half a thought")  # quietly kept to itself, never over the other's
    first.record_user("I want to be a nurse")
    assert [m.content for m in one.store.messages(cid)][-1] == "I want to be a nurse"
    assert one.store.conversation(cid).draft == ""
    Session.new(one, "en")  # the first window moves on to a new conversation
    assert not Session.resume(two, cid, watch=True).read_only
    one.store.close()
    two.store.close()


async def test_the_app_says_a_conversation_is_open_elsewhere(settings: Settings) -> None:
    cid = _conversation(settings.data_dir)
    other = build_context(settings, now=fixed_now)
    holder = Session.resume(other, cid)
    ctx = build_context(settings, now=fixed_now)
    app = make_app(settings, ctx, cid)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = [str(n.message) for n in app._notifications]
        assert any("open in another coach window" in n for n in shown)
        await send(pilot, "I want to be a pilot")
        assert chat(pilot).session.read_only
    assert [m.content for m in ctx.store.messages(cid)] == ["What is your dream job?"]
    assert not holder.read_only
    other.store.close()
    ctx.store.close()
