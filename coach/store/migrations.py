"""Numbered schema migrations, applied in order and recorded in ``PRAGMA user_version``."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from coach.store.records import ForeignDatabase, StoreError


@dataclass(frozen=True)
class Migration:
    """One schema change. Never edit a released one; add the next number instead."""

    version: int
    name: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "conversations, messages and state",
        """
        CREATE TABLE conversations (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            engine TEXT NOT NULL,
            phase TEXT NOT NULL DEFAULT 'opening',
            language TEXT NOT NULL DEFAULT 'en',
            draft TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
            content TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'complete'
                CHECK (status IN ('complete', 'partial', 'cancelled', 'error')),
            created_at TEXT NOT NULL
        );
        CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
        CREATE TABLE states (
            conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
            state TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX conversations_by_activity ON conversations (updated_at DESC);
        """,
    ),
    Migration(
        2,
        "the plan's due date on each conversation, for lists that mark steps due",
        """
        ALTER TABLE conversations ADD COLUMN due TEXT;
        UPDATE conversations SET due = (
            SELECT json_extract(states.state, '$.plan.due') FROM states
            WHERE states.conversation_id = conversations.id
        );
        """,
    ),
    Migration(
        3,
        "titles the user chose, which later turns must not overwrite",
        """
        ALTER TABLE conversations ADD COLUMN renamed INTEGER NOT NULL DEFAULT 0;
        """,
    ),
    Migration(
        4,
        "writing activities with every version, their drafts, and the lessons read",
        """
        CREATE TABLE activity_versions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            activity_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('done', 'skipped')),
            text TEXT NOT NULL,
            feedback TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX activity_versions_by_conversation
            ON activity_versions (conversation_id, activity_id, version);
        CREATE TABLE activity_drafts (
            conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            activity_id TEXT NOT NULL,
            text TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (conversation_id, activity_id)
        );
        CREATE TABLE lessons_read (
            conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            lesson_id TEXT NOT NULL,
            how TEXT NOT NULL CHECK (how IN ('opened', 'cited')),
            at TEXT NOT NULL,
            PRIMARY KEY (conversation_id, lesson_id, how)
        );
        """,
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version


def tables_at(version: int) -> set[str]:
    """The tables coach's schema has once migrations up to ``version`` have run."""
    sql = " ".join(m.sql for m in MIGRATIONS if m.version <= version)
    return set(re.findall(r"CREATE TABLE (\w+)", sql))


def recognise(db: sqlite3.Connection, path: Path) -> int:
    """The schema version of a coach database; anything else raises, before any change.

    ``user_version`` alone is not enough: another program's SQLite file is usually at 0,
    which would read as a new, empty database. So a file at 0 must have no tables at all,
    and a file at N must have every table coach had at N.
    """
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > LATEST_VERSION:
        raise StoreError(
            f"{path} was written by a newer coach (schema {version}, this coach knows"
            f" {LATEST_VERSION}); update coach to open it"
        )
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    tables = {str(row[0]) for row in rows}
    if version == 0 and tables:
        names = ", ".join(sorted(tables)[:3]) + (", …" if len(tables) > 3 else "")
        detail = f"it has other tables: {names}"
        raise ForeignDatabase(f"{path} is not a coach database: {detail}", detail)
    missing = tables_at(version) - tables
    if missing:
        detail = f"schema {version} without the table {sorted(missing)[0]}"
        raise ForeignDatabase(f"{path} is not a coach database: {detail}", detail)
    return version


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Bring a coach database up to date, all in one transaction under the write lock.

    The version is read after BEGIN IMMEDIATE: two coaches starting at once on a new file
    then cannot both see version 0 and both create the tables.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        version = recognise(db, path)
        for migration in MIGRATIONS:
            if migration.version > version:
                apply(db, migration)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def apply(db: sqlite3.Connection, migration: Migration) -> None:
    """Run one migration inside the caller's transaction and record its number."""
    for statement in migration.sql.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute(f"PRAGMA user_version = {migration.version}")
