"""A full disk, a read-only folder, a lock, another program's file: never taken for damage.

Only damage moves a file aside. Every other condition gets one line and leaves the files
exactly as they were; reading still works where the disk allows no writes.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from coach.domain.state import CoachState
from coach.store.db import DB_NAME, Store, StoreError
from coach.store.opening import open_store
from tests.mounts import COACH, FILL, in_namespace, needs_mounts


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _saved_conversation(data: Path, title: str = "nurse plan") -> str:
    store = open_store(data)
    cid = store.create_conversation(CoachState(), "offline", title=title)
    store.add_message(cid, "user", "I want to be a nurse")
    store.close()
    return cid


@needs_mounts
def test_a_full_disk_keeps_the_database_and_still_lists_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cid = _saved_conversation(data)
    keep = tmp_path / "keep.db"
    keep.write_bytes((data / DB_NAME).read_bytes())
    script = f"""
mount -t tmpfs -o size=512k tmpfs "$DATA"
cp {keep} "$DATA/{DB_NAME}"
{FILL}
{COACH} list; echo "list1=$?"
{COACH} list; echo "list2=$?"
{COACH} export {cid} --format json >/dev/null; echo "export=$?"
echo hello | {COACH} --plain && echo "plain=0" || echo "plain=$?"
ls "$DATA"; sha256sum "$DATA/{DB_NAME}"
"""
    done = in_namespace(script, data)
    out, err = done.stdout, done.stderr
    assert done.returncode == 0, err
    assert "list1=0" in out and "list2=0" in out and "export=0" in out, err
    assert out.count(cid) >= 2 and "nurse plan" in out  # both lists showed it
    assert "plain=1" in out  # nothing can be saved: said, not attempted
    assert ".damaged-" not in out + err  # never moved aside
    assert _digest(keep) in out  # not a byte changed
    lines = [line for line in err.splitlines() if line]
    assert lines == [
        f"coach: cannot save conversations to {data / DB_NAME}: the disk is full"
        " (free some space, then try again); `coach list` and `coach export`"
        " still work"
    ]
    assert "Traceback" not in err


@needs_mounts
def test_a_new_database_on_a_full_disk_is_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    script = f"""
mount -t tmpfs -o size=256k tmpfs "$DATA"
{FILL}
{COACH} list && echo "list=0" || echo "list=$?"
{COACH} list && echo "list=0" || echo "list=$?"
ls "$DATA"
"""
    done = in_namespace(script, data)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("list=1") == 2
    assert ".damaged-" not in done.stdout + done.stderr
    first, second = done.stderr.splitlines()  # one line each
    assert first.startswith("coach: cannot create") and "the disk is full" in first
    assert second.startswith("coach: cannot open") and "the disk is full" in second


@needs_mounts
def test_a_read_only_data_folder_still_lists_and_exports(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cid = _saved_conversation(data)
    before = _digest(data / DB_NAME)
    files = sorted(p.name for p in data.iterdir())  # coach.db and its lease folder
    script = f"""
mount --bind "$DATA" "$DATA"
mount -o remount,ro,bind "$DATA" "$DATA"
{COACH} list; echo "list=$?"
{COACH} export {cid}; echo "export=$?"
echo hello | {COACH} --plain && echo "plain=0" || echo "plain=$?"
{COACH} delete --all --yes && echo "delete=0" || echo "delete=$?"
"""
    done = in_namespace(script, data)
    out, err = done.stdout, done.stderr
    assert "list=0" in out and "export=0" in out and cid in out, err
    assert "I want to be a nurse" in out  # the export's transcript
    assert "plain=1" in out and "delete=1" in out
    assert ".damaged-" not in out + err and "Traceback" not in err
    assert all(line.startswith("coach: ") and "read-only" in line for line in err.splitlines())
    assert _digest(data / DB_NAME) == before
    assert sorted(p.name for p in data.iterdir()) == files


def test_a_full_disk_while_saving_is_one_line_and_moves_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    cid = store.create_conversation(CoachState(), "offline")
    pages = store.database.connection.execute("PRAGMA page_count").fetchone()[0]
    # SQLite's own SQLITE_FULL.
    store.database.connection.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreError, match="the disk is full") as info:
        store.add_message(cid, "user", "x" * 100_000)
    assert "\n" not in str(info.value)
    store.close()
    again = open_store(tmp_path)
    assert again.notice is None and again.list_conversations()[0].id == cid
    assert [p.name for p in tmp_path.iterdir() if ".damaged-" in p.name] == []
    again.close()


def test_a_lock_held_by_another_program_is_not_damage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import coach.store.connect as connect

    _saved_conversation(tmp_path)
    before = _digest(tmp_path / DB_NAME)
    files = sorted(p.name for p in tmp_path.iterdir())  # coach.db and its lease folder
    monkeypatch.setattr(connect, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")  # as a program that keeps the file
    holder.execute("BEGIN EXCLUSIVE")
    try:
        for _ in range(2):
            with pytest.raises(StoreError, match="another program holds it locked") as info:
                open_store(tmp_path)
            assert "\n" not in str(info.value) and "nothing was changed" in str(info.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == files  # nothing moved or added
    assert _digest(tmp_path / DB_NAME) == before
    assert open_store(tmp_path).notice is None


def _other_programs_file(path: Path, sql: str, version: int = 0) -> str:
    db = sqlite3.connect(path)
    db.executescript(sql)
    db.execute(f"PRAGMA user_version = {version}")
    db.commit()
    db.close()
    return _digest(path)


@pytest.mark.parametrize(
    ("sql", "version", "said"),
    [
        (
            "CREATE TABLE notes (id INTEGER, body TEXT); INSERT INTO notes VALUES (1, 'x');",
            0,
            "other tables: notes",
        ),
        (
            "CREATE TABLE conversations (id INTEGER PRIMARY KEY, peer TEXT);",
            0,
            "other tables: conversations",
        ),
        ("CREATE TABLE conversations (id TEXT);", 2, "schema 2 without the table messages"),
    ],
)
def test_another_programs_sqlite_file_is_moved_aside_unchanged(
    tmp_path: Path, sql: str, version: int, said: str
) -> None:
    digest = _other_programs_file(tmp_path / DB_NAME, sql, version)
    store = open_store(tmp_path)
    aside = [p for p in tmp_path.iterdir() if p.name.startswith(f"{DB_NAME}.damaged-")]
    assert len(aside) == 1 and _digest(aside[0]) == digest  # byte for byte, still rollback
    assert store.notice is not None and "was not a coach database" in store.notice
    assert said in store.notice and str(aside[0]) in store.notice
    cid = store.create_conversation(CoachState(), "offline")
    store.add_message(cid, "user", "hello")  # the new database works
    store.close()


def test_another_programs_file_opened_directly_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    digest = _other_programs_file(path, "CREATE TABLE t (a);")
    with pytest.raises(StoreError, match="not a coach database"):
        Store(path)
    assert _digest(path) == digest
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_an_empty_file_is_a_new_coach_database(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).touch()
    store = open_store(tmp_path)
    assert store.notice is None and store.list_conversations() == []
    store.close()
