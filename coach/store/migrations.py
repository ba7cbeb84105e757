"""Numbered schema migrations, applied in order and recorded in ``PRAGMA user_version``."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from coach.store.records import StoreError


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


def migrations_to_apply(db: sqlite3.Connection, path: Path) -> list[Migration]:
    """The migrations a database at ``path`` still needs; a newer schema is refused."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > LATEST_VERSION:
        raise StoreError(
            f"{path} was written by a newer coach (schema {version}, this coach knows"
            f" {LATEST_VERSION}); update coach to open it"
        )
    return [m for m in MIGRATIONS if m.version > version]


def apply(db: sqlite3.Connection, migration: Migration) -> None:
    """Run one migration inside the caller's transaction and record its number."""
    for statement in migration.sql.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute(f"PRAGMA user_version = {migration.version}")
