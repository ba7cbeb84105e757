"""Messages: each one committed on its own, and a turn's reply saved with its new state."""

from __future__ import annotations

from datetime import datetime

from coach.domain.roles import Role
from coach.domain.state import CoachState
from coach.store.conversations import write_state
from coach.store.database import Database
from coach.store.records import StoredMessage


class Messages:
    """The messages table: the write-ahead rule lives here."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def add(self, conversation_id: str, role: Role, content: str, status: str = "complete") -> int:
        """Commit one message and return its id. Nothing else happens in this transaction."""
        now = self._db.now().isoformat()
        with self._db.transaction() as db:
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

    def update(self, message_id: int, content: str, status: str) -> None:
        """Rewrite a reply still arriving (partial), or mark how it ended. One short write."""
        with self._db.transaction() as db:
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
        now = self._db.now().isoformat()
        with self._db.transaction() as db:
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
            write_state(db, conversation_id, state, now)
            db.execute(
                "UPDATE conversations SET updated_at = ?, phase = ?, language = ?,"
                " title = CASE WHEN renamed THEN title ELSE ? END WHERE id = ?",
                (now, state.phase, state.language, title, conversation_id),
            )
            return message_id

    def of(self, conversation_id: str) -> list[StoredMessage]:
        """A conversation's messages, oldest first."""
        rows = self._db.read(
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
