"""Conversations and their coaching state: create, find, list, rename, draft, delete."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date, datetime

from pydantic import ValidationError

from coach.domain.state import CoachState
from coach.store.database import Database
from coach.store.records import ConversationInfo, StoreError

EVERY_TABLE = (
    "activity_versions",
    "activity_drafts",
    "lessons_read",
    "messages",
    "states",
    "conversations",
)
"""Every table with the user's words, children before the conversations they belong to."""

_INFO_SQL = (
    "SELECT c.*, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id)"
    " AS messages FROM conversations c"
)


def write_state(db: sqlite3.Connection, conversation_id: str, state: CoachState, at: str) -> None:
    """Save the state inside the caller's transaction, with what it is about."""
    db.execute(
        "UPDATE states SET state = ?, updated_at = ? WHERE conversation_id = ?",
        (state.model_dump_json(), at, conversation_id),
    )


def _info(row: sqlite3.Row) -> ConversationInfo:
    return ConversationInfo(
        id=row["id"],
        title=row["title"],
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        engine=row["engine"],
        phase=row["phase"],
        language=row["language"],
        draft=row["draft"],
        messages=int(row["messages"]),
        due=date.fromisoformat(row["due"]) if row["due"] else None,
    )


class Conversations:
    """The conversations table and the state saved with each conversation."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def create(self, state: CoachState, engine: str, title: str = "") -> str:
        """Create a conversation with its initial state and return its id."""
        conversation_id = uuid.uuid4().hex[:12]
        now = self._db.now().isoformat()
        with self._db.transaction() as db:
            db.execute(
                "INSERT INTO conversations (id, title, created_at, updated_at, engine, phase,"
                " language) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (conversation_id, title, now, now, engine, state.phase, state.language),
            )
            db.execute(
                "INSERT INTO states (conversation_id, state, updated_at) VALUES (?, ?, ?)",
                (conversation_id, state.model_dump_json(), now),
            )
        return conversation_id

    def rename(self, conversation_id: str, title: str, automatic: str = "") -> None:
        """Give a conversation the user's own title; an empty one restores ``automatic``."""
        with self._db.transaction() as db:
            db.execute(
                "UPDATE conversations SET title = ?, renamed = ? WHERE id = ?",
                (title or automatic, 1 if title else 0, conversation_id),
            )

    def set_draft(self, conversation_id: str, draft: str) -> None:
        """Keep unsent input, so quitting mid-sentence loses nothing."""
        with self._db.transaction() as db:
            db.execute("UPDATE conversations SET draft = ? WHERE id = ?", (draft, conversation_id))

    def delete(self, conversation_id: str) -> None:
        """Delete a conversation with its messages, state and course records."""
        with self._db.transaction() as db:
            db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
        self._db.flush_wal()

    def delete_all(self) -> int:
        """Erase every conversation and everything in it; returns how many conversations.

        Then the write-ahead log is emptied and the file rebuilt (VACUUM), so no copy of
        the words survives in the WAL or in free pages.
        """
        with self._db.transaction() as db:
            count = int(db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0])
            for table in EVERY_TABLE:
                db.execute(f"DELETE FROM {table}")
        self._db.flush_wal()
        self._db.vacuum()
        self._db.flush_wal()
        return count

    def search(self, text: str) -> set[str]:
        """Ids of conversations whose title or any message contains ``text``, in any case.

        Python's casefold, not SQLite's LIKE, which folds only ASCII (Russian matters here).
        """
        needle = text.casefold()
        rows = self._db.read(
            "SELECT id FROM conversations WHERE instr(fold(title), ?) > 0"
            " UNION SELECT DISTINCT conversation_id FROM messages"
            " WHERE instr(fold(content), ?) > 0",
            (needle, needle),
        )
        return {row[0] for row in rows}

    def all(self) -> list[ConversationInfo]:
        """All conversations, most recent activity first."""
        rows = self._db.read(f"{_INFO_SQL} ORDER BY c.updated_at DESC, c.rowid DESC")
        return [_info(row) for row in rows]

    def get(self, conversation_id: str) -> ConversationInfo:
        rows = self._db.read(f"{_INFO_SQL} WHERE c.id = ?", (conversation_id,))
        if not rows:
            raise StoreError(f"no conversation with id {conversation_id!r}")
        return _info(rows[0])

    def exists(self, conversation_id: str) -> bool:
        return bool(self._db.read("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)))

    def resolve(self, prefix: str) -> str:
        """Find a conversation by its id or a unique start of it, as users type ids."""
        if self.exists(prefix):  # a whole id is never ambiguous, even if it starts another one
            return prefix
        rows = self._db.read(
            "SELECT id FROM conversations WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 2",
            (prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
        )
        if not prefix or not rows:
            raise StoreError(f"no conversation with id {prefix!r}; `coach list` shows them")
        if len(rows) > 1:
            raise StoreError(f"more than one conversation starts with {prefix!r}; type more")
        return str(rows[0]["id"])

    def latest(self) -> str | None:
        rows = self._db.read("SELECT id FROM conversations ORDER BY updated_at DESC, rowid DESC")
        return str(rows[0]["id"]) if rows else None

    def state(self, conversation_id: str) -> CoachState:
        rows = self._db.read(
            "SELECT state FROM states WHERE conversation_id = ?", (conversation_id,)
        )
        if not rows:
            raise StoreError(f"no saved state for conversation {conversation_id!r}")
        try:
            return CoachState.model_validate_json(rows[0]["state"])
        except ValidationError as exc:
            raise StoreError(
                f"the saved state of {conversation_id} is damaged: {exc.errors()[0]['msg']}"
            ) from None
