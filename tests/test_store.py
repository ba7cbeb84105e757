"""The SQLite store, on a real file: migrations, WAL, permissions, refusals, round trips."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from coach.domain.state import Answer, CoachState
from coach.store.db import DB_NAME, Store, StoreError
from coach.store.migrations import LATEST_VERSION
from coach.store.opening import open_store
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
    # The engine refuses writes, like a full disk.
    store.database.connection.execute("PRAGMA query_only = ON")
    with pytest.raises(StoreError, match="could not save"):
        store.add_message(cid, "user", "hello")


def test_a_damaged_database_is_moved_aside_and_a_new_one_started(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    garbage = b"this is not a database at all, just some text" * 100
    path.write_bytes(garbage)
    store = open_store(tmp_path)
    assert store.notice is not None and "moved to" in store.notice and "\n" not in store.notice
    aside = [p for p in tmp_path.iterdir() if p.name.startswith(f"{DB_NAME}.damaged-")]
    assert len(aside) == 1 and aside[0].read_bytes() == garbage  # kept, byte for byte
    assert str(aside[0]) in store.notice
    cid = store.create_conversation(CoachState(), "offline")
    assert store.list_conversations()[0].id == cid  # the new database works


def test_a_corrupted_sqlite_file_is_caught_by_the_integrity_check(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    cid = store.create_conversation(CoachState(), "offline")
    for i in range(300):
        store.add_message(cid, "user", f"message {i} " + "x" * 200)
    store.close()
    path = tmp_path / DB_NAME
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 3, 4096 * 3 + 2000):  # scribble over a b-tree page
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    again = open_store(tmp_path)
    assert again.notice is not None and "damaged" in again.notice
    assert again.list_conversations() == []


def _database_at(version: int, path: Path) -> sqlite3.Connection:
    """A database built by the migrations up to ``version`` only, as an older coach left it."""
    from coach.store.migrations import MIGRATIONS

    db = sqlite3.connect(path, isolation_level=None)
    for migration in MIGRATIONS:
        if migration.version <= version:
            for statement in migration.sql.split(";"):
                if statement.strip():
                    db.execute(statement)
    db.execute(f"PRAGMA user_version = {version}")
    return db


@pytest.mark.parametrize("version", range(1, LATEST_VERSION))
def test_every_past_schema_migrates_with_its_data(tmp_path: Path, version: int) -> None:
    from datetime import date

    from coach.domain.state import Plan

    path = tmp_path / DB_NAME
    db = _database_at(version, path)
    plan = Plan(
        path="tuition",
        first_step="call the school",
        due=date(2026, 11, 27),
        obstacle="tired",
        if_then="if tired, then mornings",
        confidence=8,
        created=date(2026, 11, 21),
    )
    state = CoachState(phase="summary", plan=plan, answers={"dream_job": Answer(text="nurse")})
    now = "2026-11-21T09:30:00+00:00"
    db.execute(
        "INSERT INTO conversations (id, title, created_at, updated_at, engine, phase, language)"
        " VALUES ('c1', 'nurse', ?, ?, 'offline', 'summary', 'en')",
        (now, now),
    )
    db.execute(
        "INSERT INTO conversations (id, title, created_at, updated_at, engine)"
        " VALUES ('c2', '', ?, ?, 'offline')",
        (now, now),
    )
    db.execute("INSERT INTO states VALUES ('c1', ?, ?)", (state.model_dump_json(), now))
    db.execute("INSERT INTO states VALUES ('c2', ?, ?)", (CoachState().model_dump_json(), now))
    if version >= 2:  # a coach at schema 2 or later kept the due date itself
        db.execute("UPDATE conversations SET due = '2026-11-27' WHERE id = 'c1'")
    for i in range(3):
        db.execute(
            "INSERT INTO messages (conversation_id, role, content, status, created_at)"
            " VALUES ('c1', 'user', ?, 'complete', ?)",
            (f"message {i}", now),
        )
    db.close()

    store = Store(path)
    assert store.schema_version == LATEST_VERSION
    assert [m.content for m in store.messages("c1")] == ["message 0", "message 1", "message 2"]
    assert store.state("c1") == state
    info = {c.id: c for c in store.list_conversations()}
    assert info["c1"].due == date(2026, 11, 27) and info["c2"].due is None
    assert info["c1"].step_due(date(2026, 11, 27)) and not info["c1"].step_due(date(2026, 11, 26))


def test_coach_list_says_when_it_moved_a_damaged_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from coach.cli import main

    data = tmp_path / "data"
    data.mkdir()
    (data / DB_NAME).write_bytes(b"garbage" * 1000)
    assert main(["list"]) == 0
    err = capsys.readouterr().err
    assert "The conversation database was damaged" in err and ".damaged-" in err


async def test_export_then_import_gives_the_same_conversation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.bootstrap import build_context
    from coach.cli import main
    from coach.session import Session
    from coach.settings import resolve_settings
    from tests.scenarios import ENGLISH_ANSWERS, play_session

    ctx = build_context(resolve_settings(), now=fixed_now)
    session = Session.new(ctx, "en")
    await play_session(session, ENGLISH_ANSWERS)
    session.save_draft("half a thought")
    cid = session.conversation_id
    assert cid is not None and session.state.plan is not None
    before = (ctx.store.conversation(cid), ctx.store.messages(cid), ctx.store.state(cid))
    ctx.store.close()
    out = tmp_path / "out.json"
    assert main(["export", cid, "--format", "json", "-o", str(out)]) == 0

    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "elsewhere"))
    assert main(["import", str(out)]) == 0
    assert f"Imported {cid}." in capsys.readouterr().err
    other = open_store(tmp_path / "elsewhere")
    after = (other.conversation(cid), other.messages(cid), other.state(cid))
    assert after[0] == before[0] and after[2] == before[2]
    strip = [(m.role, m.content, m.status, m.created_at) for m in before[1]]
    assert [(m.role, m.content, m.status, m.created_at) for m in after[1]] == strip
    assert main(["import", str(out)]) == 0  # again: the id is taken, so a new one
    assert "was taken" in capsys.readouterr().err
    assert len(other.list_conversations()) == 2
    other.close()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("not json", "not a coach conversation export"),
        ('{"format": "something-else"}', "format"),
        ("[]", "not a coach conversation export"),
    ],
)
def test_importing_a_bad_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, reason: str
) -> None:
    from coach.cli import main

    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert reason in err and "\n" not in err
