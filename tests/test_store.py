"""The SQLite store, on a real file: migrations, WAL, permissions, refusals, round trips."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from coach.domain.state import Answer, CoachState
from coach.store.db import DB_NAME, Store, StoreError, open_store
from coach.store.migrations import LATEST_VERSION
from tests.conftest import fixed_now


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_store_is_private_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    store = open_store(tmp_path / "data")
    assert store.schema_version == LATEST_VERSION
    assert _mode(tmp_path / "data") == 0o700
    assert _mode(tmp_path / "data" / DB_NAME) == 0o600
    mode = sqlite3.connect(tmp_path / "data" / DB_NAME).execute("PRAGMA journal_mode").fetchone()
    assert mode[0] == "wal"
    store.close()
    reopened = open_store(tmp_path / "data")  # SQLite recreates -wal and -shm on reopen
    reopened.add_message(reopened.create_conversation(CoachState(), "offline"), "user", "hi")
    for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm"):
        assert _mode(tmp_path / "data" / name) == 0o600, name
    reopened.close()


def test_messages_and_state_round_trip(tmp_path: Path) -> None:
    store = open_store(tmp_path, fixed_now)
    state = CoachState(language="ru", phase="goal", pending="why")
    cid = store.create_conversation(state, "offline")
    store.add_message(cid, "assistant", "Привет")
    store.add_message(cid, "user", "Хочу стать медсестрой")
    state.answers["dream_job"] = Answer(text="Хочу стать медсестрой")
    store.save_turn(cid, "Почему?", state, "медсестра")
    store.close()

    reopened = open_store(tmp_path)
    assert [(m.role, m.content) for m in reopened.messages(cid)] == [
        ("assistant", "Привет"),
        ("user", "Хочу стать медсестрой"),
        ("assistant", "Почему?"),
    ]
    assert reopened.state(cid) == state
    info = reopened.conversation(cid)
    assert (info.title, info.phase, info.language, info.messages) == ("медсестра", "goal", "ru", 3)


def test_list_is_by_last_activity_and_ids_resolve_by_prefix(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    first = store.create_conversation(CoachState(), "offline")
    second = store.create_conversation(CoachState(), "offline")
    store.add_message(first, "user", "newer activity")
    assert [c.id for c in store.list_conversations()] == [first, second]
    assert store.latest() == first
    assert store.resolve(second[:6]) == second
    with pytest.raises(StoreError, match="no conversation with id 'zzz'"):
        store.resolve("zzz")
    with pytest.raises(StoreError, match="no conversation"):
        store.resolve("%")


def test_delete_removes_messages_and_state(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    cid = store.create_conversation(CoachState(), "offline")
    store.add_message(cid, "user", "secret plan")
    store.delete(cid)
    db = sqlite3.connect(tmp_path / DB_NAME)
    assert db.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM states").fetchone()[0] == 0


def test_a_database_from_a_newer_coach_is_refused(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer coach"):
        Store(path)


def test_a_file_that_is_not_sqlite_gives_one_line(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    path.write_bytes(b"this is not a database at all, just some text" * 100)
    with pytest.raises(StoreError, match="not a usable coach database") as info:
        Store(path)
    assert "\n" not in str(info.value)
    assert path.read_bytes().startswith(b"this is not")  # never overwritten


def test_a_write_to_a_read_only_database_is_a_store_error(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    cid = store.create_conversation(CoachState(), "offline")
    store._db.execute("PRAGMA query_only = ON")  # the engine refuses writes, like a full disk
    with pytest.raises(StoreError, match="could not save"):
        store.add_message(cid, "user", "hello")
