"""Writing activities: every version (revising never overwrites), feedback and drafts."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from coach.domain.state import CoachState
from coach.store.conversations import write_state
from coach.store.database import Database
from coach.store.records import ActivityVersion


class Activities:
    """The activity_versions and activity_drafts tables, per conversation."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def add_version(
        self,
        conversation_id: str,
        activity_id: str,
        text: str,
        status: str,
        state: CoachState,
    ) -> ActivityVersion:
        """Commit a new version (or a skip) and the state that records it, in one transaction.

        The user's words are on disk before any feedback is asked for; the draft is cleared.
        """
        now = self._db.now()
        with self._db.transaction() as db:
            row = db.execute(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM activity_versions"
                " WHERE conversation_id = ? AND activity_id = ? AND status = 'done'",
                (conversation_id, activity_id),
            ).fetchone()
            version = int(row[0]) if status == "done" else 0
            cursor = db.execute(
                "INSERT INTO activity_versions (conversation_id, activity_id, version, status,"
                " text, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (conversation_id, activity_id, version, status, text, now.isoformat()),
            )
            db.execute(
                "DELETE FROM activity_drafts WHERE conversation_id = ? AND activity_id = ?",
                (conversation_id, activity_id),
            )
            write_state(db, conversation_id, state, now.isoformat())
            db.execute(
                "UPDATE conversations SET updated_at = ? WHERE id = ?",
                (now.isoformat(), conversation_id),
            )
        return ActivityVersion(
            activity_id=activity_id,
            version=version,
            status=status,
            text=text,
            created_at=now,
            id=int(cursor.lastrowid or 0),
        )

    @staticmethod
    def insert(
        db: sqlite3.Connection, conversation_id: str, versions: Sequence[ActivityVersion]
    ) -> None:
        """Insert imported versions as they were, inside the caller's transaction."""
        db.executemany(
            "INSERT INTO activity_versions (conversation_id, activity_id, version, status, text,"
            " feedback, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (conversation_id, v.activity_id, v.version, v.status, v.text, v.feedback,
                 v.created_at.isoformat())
                for v in versions
            ],
        )  # fmt: skip

    def set_feedback(self, version_id: int, feedback: str) -> None:
        """Keep the feedback with the version it is about."""
        with self._db.transaction() as db:
            db.execute(
                "UPDATE activity_versions SET feedback = ? WHERE id = ?", (feedback, version_id)
            )

    def versions(
        self, conversation_id: str, activity_id: str | None = None
    ) -> list[ActivityVersion]:
        """Every version and skip, oldest first; of one activity or of all."""
        sql = "SELECT * FROM activity_versions WHERE conversation_id = ?"
        args: tuple[object, ...] = (conversation_id,)
        if activity_id is not None:
            sql += " AND activity_id = ?"
            args = (conversation_id, activity_id)
        return [
            ActivityVersion(
                activity_id=row["activity_id"],
                version=int(row["version"]),
                status=row["status"],
                text=row["text"],
                feedback=row["feedback"],
                created_at=datetime.fromisoformat(row["created_at"]),
                id=int(row["id"]),
            )
            for row in self._db.read(sql + " ORDER BY id", args)
        ]

    def set_draft(self, conversation_id: str, activity_id: str, text: str) -> None:
        """Keep what is in the editor, so a crash or a closed window loses nothing."""
        with self._db.transaction() as db:
            db.execute(
                "INSERT INTO activity_drafts (conversation_id, activity_id, text, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (conversation_id, activity_id)"
                " DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                (conversation_id, activity_id, text, self._db.now().isoformat()),
            )

    def draft(self, conversation_id: str, activity_id: str) -> str | None:
        rows = self._db.read(
            "SELECT text FROM activity_drafts WHERE conversation_id = ? AND activity_id = ?",
            (conversation_id, activity_id),
        )
        return str(rows[0]["text"]) if rows else None
