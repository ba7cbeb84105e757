"""The SQLite store: one file in the data directory, WAL, migrations, short transactions.

Every write is its own committed transaction, so a user's message is on disk before the
engine sees it and a crash can lose nothing already shown as sent.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import ValidationError

from coach.domain.state import CoachState
from coach.domain.roles import Role
from coach.store.conditions import condition, describe
from coach.store.connect import open_database
from coach.store.course import CourseRecords
from coach.store.importing import Imports
from coach.store.lease import Leases
from coach.store.records import (
    ConversationInfo,
    DamagedDatabase,
    ForeignDatabase,
    StoredMessage,
    StoreError,
)

__all__ = [
    "DB_NAME",
    "ConversationInfo",
    "DamagedDatabase",
    "ForeignDatabase",
    "Store",
    "StoreError",
    "StoredMessage",
    "describe",
    "utc_now",
]

DB_NAME = "coach.db"
COURSE_TABLES = ("activity_versions", "activity_drafts", "lessons_read")
CHECKPOINT_EVERY = 200
"""Writes between background WAL checkpoints, which keep the WAL file small."""


def _fold(text: str | None) -> str | None:
    return text.casefold() if text is not None else None


def utc_now() -> datetime:
    return datetime.now(UTC)


class Store(CourseRecords, Imports):
    """Conversations, messages and state in one SQLite file. Thread-safe, one connection.

    The course records (activities, lessons read) come from CourseRecords, importing an
    exported conversation from Imports.
    """

    def __init__(self, path: Path, now: Callable[[], datetime] = utc_now) -> None:
        self.path = path
        self._now = now
        self._lock = threading.RLock()
        self._writes = 0
        self._checkpointer: threading.Thread | None = None
        self.notice: str | None = None
        """Something the user should hear about opening the store (a damaged file moved)."""
        self.moved_aside: Path | None = None
        """Where a damaged database was moved on opening, for the UI to say in its language."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            opened = open_database(path, _fold)
        except OSError as exc:
            raise StoreError(f"cannot open the database {path}: {describe(exc)}") from None
        self._db = opened.db
        self.leases = Leases(Path(f"{path}.open"))
        """The conversation this process has open: a second window on it only reads."""
        self.read_only = opened.read_only
        """Why nothing can be saved now (a full disk, a read-only folder), or None."""

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self.read_only is not None:
                raise StoreError(f"could not save to {self.path}: {self.read_only}")
            try:
                self._db.execute("BEGIN IMMEDIATE")
                yield self._db
                self._db.execute("COMMIT")
                self._writes += 1
                if self._writes % CHECKPOINT_EVERY == 0 and not self._checkpointing():
                    self._checkpointer = threading.Thread(target=self._checkpoint, daemon=True)
                    self._checkpointer.start()
            except BaseException as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    reason = condition(exc, self.path)
                    raise StoreError(f"could not save to {self.path}: {reason}") from None
                raise

    def _read(self, sql: str, args: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                cursor = self._db.execute(sql, args)
                cursor.row_factory = sqlite3.Row
                return list(cursor.fetchall())
            except sqlite3.Error as exc:
                raise StoreError(
                    f"could not read {self.path}: {condition(exc, self.path)}"
                ) from None

    def _checkpoint(self) -> None:
        """Copy the WAL into the database on a connection of its own, off the write path."""
        with contextlib.suppress(sqlite3.Error):
            db = sqlite3.connect(self.path, timeout=5)
            try:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                db.close()

    def _checkpointing(self) -> bool:
        return self._checkpointer is not None and self._checkpointer.is_alive()

    def close(self) -> None:
        self.leases.close()
        if self._checkpointer is not None:  # let it finish, so the last checkpoint runs alone
            self._checkpointer.join(timeout=5)
        with self._lock:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.close()

    @property
    def schema_version(self) -> int:
        return int(self._read("PRAGMA user_version")[0][0])

    # --- writes ---------------------------------------------------------------------------

    def create_conversation(self, state: CoachState, engine: str, title: str = "") -> str:
        """Create a conversation with its initial state and return its id."""
        conversation_id = uuid.uuid4().hex[:12]
        now = self._now().isoformat()
        with self._transaction() as db:
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

    def add_message(
        self, conversation_id: str, role: Role, content: str, status: str = "complete"
    ) -> int:
        """Commit one message and return its id. Nothing else happens in this transaction."""
        now = self._now().isoformat()
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO messages (conversation_id, role, content, status, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (conversation_id, role, content, status, now),
            )
            db.execute(
                "UPDATE conversations SET updated_at = ?, draft = '' WHERE id = ?",
                (now, conversation_id),
            )
            return int(cursor.lastrowid or 0)

    def update_message(self, message_id: int, content: str, status: str) -> None:
        """Rewrite a reply still arriving (partial), or mark how it ended. One short write."""
        with self._transaction() as db:
            db.execute(
                "UPDATE messages SET content = ?, status = ? WHERE id = ?",
                (content, status, message_id),
            )

    def save_turn(
        self,
        conversation_id: str,
        reply: str,
        state: CoachState,
        title: str,
        message_id: int | None = None,
    ) -> int:
        """Commit the coach's reply and the new state together, so they never disagree.

        ``message_id`` is the row a streamed reply was being saved into; it becomes complete.
        """
        now = self._now().isoformat()
        with self._transaction() as db:
            if message_id is None:
                cursor = db.execute(
                    "INSERT INTO messages (conversation_id, role, content, status, created_at)"
                    " VALUES (?, 'assistant', ?, 'complete', ?)",
                    (conversation_id, reply, now),
                )
                message_id = int(cursor.lastrowid or 0)
            else:
                db.execute(
                    "UPDATE messages SET content = ?, status = 'complete' WHERE id = ?",
                    (reply, message_id),
                )
            db.execute(
                "UPDATE conversations SET due = ? WHERE id = ?",
                (state.plan.due.isoformat() if state.plan else None, conversation_id),
            )
            db.execute(
                "UPDATE states SET state = ?, updated_at = ? WHERE conversation_id = ?",
                (state.model_dump_json(), now, conversation_id),
            )
            db.execute(
                "UPDATE conversations SET updated_at = ?, phase = ?, language = ?,"
                " title = CASE WHEN renamed THEN title ELSE ? END WHERE id = ?",
                (now, state.phase, state.language, title, conversation_id),
            )
            return message_id

    def rename(self, conversation_id: str, title: str, automatic: str = "") -> None:
        """Give a conversation the user's own title; an empty one restores ``automatic``."""
        with self._transaction() as db:
            db.execute(
                "UPDATE conversations SET title = ?, renamed = ? WHERE id = ?",
                (title or automatic, 1 if title else 0, conversation_id),
            )

    def search(self, text: str) -> set[str]:
        """Ids of conversations whose title or any message contains ``text``, in any case.

        Python's casefold, not SQLite's LIKE, which folds only ASCII (Russian matters here).
        """
        needle = text.casefold()
        rows = self._read(
            "SELECT id FROM conversations WHERE instr(fold(title), ?) > 0"
            " UNION SELECT DISTINCT conversation_id FROM messages"
            " WHERE instr(fold(content), ?) > 0",
            (needle, needle),
        )
        return {row[0] for row in rows}

    def set_draft(self, conversation_id: str, draft: str) -> None:
        """Keep unsent input, so quitting mid-sentence loses nothing."""
        with self._transaction() as db:
            db.execute("UPDATE conversations SET draft = ? WHERE id = ?", (draft, conversation_id))

    def delete(self, conversation_id: str) -> None:
        """Delete a conversation with its messages and state."""
        with self._transaction() as db:
            db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
        self._flush_wal()

    def delete_all(self) -> int:
        """Erase every conversation, message and state; returns how many conversations.

        Then the write-ahead log is emptied and the file rebuilt (VACUUM), so no copy of
        the words survives in the WAL or in free pages.
        """
        with self._transaction() as db:
            count = int(db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0])
            for table in (*COURSE_TABLES, "messages", "states", "conversations"):
                db.execute(f"DELETE FROM {table}")
        self._flush_wal()
        with self._lock:
            try:
                self._db.execute("VACUUM")
            except sqlite3.Error as exc:
                raise StoreError(f"could not compact {self.path}: {describe(exc)}") from None
        self._flush_wal()
        return count

    def _flush_wal(self) -> None:
        """Copy the WAL into the database and empty it (best effort while others read)."""
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # --- reads ----------------------------------------------------------------------------

    def _info(self, row: sqlite3.Row) -> ConversationInfo:
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

    _INFO_SQL = (
        "SELECT c.*, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id)"
        " AS messages FROM conversations c"
    )

    def list_conversations(self) -> list[ConversationInfo]:
        """All conversations, most recent activity first."""
        rows = self._read(f"{self._INFO_SQL} ORDER BY c.updated_at DESC, c.rowid DESC")
        return [self._info(row) for row in rows]

    def conversation(self, conversation_id: str) -> ConversationInfo:
        rows = self._read(f"{self._INFO_SQL} WHERE c.id = ?", (conversation_id,))
        if not rows:
            raise StoreError(f"no conversation with id {conversation_id!r}")
        return self._info(rows[0])

    def resolve(self, prefix: str) -> str:
        """Find a conversation by its id or a unique start of it, as users type ids."""
        exact = self._read("SELECT id FROM conversations WHERE id = ?", (prefix,))
        if exact:  # a whole id is never ambiguous, even if it starts another one
            return str(exact[0]["id"])
        rows = self._read(
            "SELECT id FROM conversations WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 2",
            (prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
        )
        if not prefix or not rows:
            raise StoreError(f"no conversation with id {prefix!r}; `coach list` shows them")
        if len(rows) > 1:
            raise StoreError(f"more than one conversation starts with {prefix!r}; type more")
        return str(rows[0]["id"])

    def latest(self) -> str | None:
        rows = self._read("SELECT id FROM conversations ORDER BY updated_at DESC, rowid DESC")
        return str(rows[0]["id"]) if rows else None

    def messages(self, conversation_id: str) -> list[StoredMessage]:
        rows = self._read(
            "SELECT * FROM messages WHERE conversation_id = ? ORDER BY id", (conversation_id,)
        )
        return [
            StoredMessage(
                id=row["id"],
                role=row["role"],
                content=row["content"],
                status=row["status"],
                created_at=datetime.fromisoformat(row["created_at"]),
            )
            for row in rows
        ]

    def state(self, conversation_id: str) -> CoachState:
        rows = self._read("SELECT state FROM states WHERE conversation_id = ?", (conversation_id,))
        if not rows:
            raise StoreError(f"no saved state for conversation {conversation_id!r}")
        try:
            return CoachState.model_validate_json(rows[0]["state"])
        except ValidationError as exc:
            raise StoreError(
                f"the saved state of {conversation_id} is damaged: {exc.errors()[0]['msg']}"
            ) from None
