"""The course records of a conversation: writing activities (every version) and lessons read.

A mixin of the Store, kept apart so the conversation tables and the course tables each stay
readable. Every version of an activity is a row of its own: revising never overwrites.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from coach.domain.state import CoachState

ReadHow = Literal["opened", "cited"]


@dataclass(frozen=True)
class ActivityVersion:
    """One version of a writing activity, or the record that it was skipped."""

    activity_id: str
    version: int
    status: str
    text: str
    feedback: str
    """The feedback as stored JSON (see coach.domain.feedback), empty until it came."""
    created_at: datetime
    id: int = 0


@dataclass(frozen=True)
class LessonRead:
    """A lesson the user opened in the reader, or that the coach cited in a reply."""

    lesson_id: str
    how: ReadHow
    at: datetime


class CourseRecords:
    """Activity versions, drafts and lessons read, per conversation."""

    _now: Callable[[], datetime]

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _read(self, sql: str, args: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        raise NotImplementedError

    def add_activity_version(
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
        now = self._now()
        with self._transaction() as db:
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
            db.execute(
                "UPDATE states SET state = ?, updated_at = ? WHERE conversation_id = ?",
                (state.model_dump_json(), now.isoformat(), conversation_id),
            )
            db.execute(
                "UPDATE conversations SET updated_at = ? WHERE id = ?",
                (now.isoformat(), conversation_id),
            )
        return ActivityVersion(
            activity_id, version, status, text, "", now, int(cursor.lastrowid or 0)
        )

    @staticmethod
    def _import_course(
        db: sqlite3.Connection,
        conversation_id: str,
        versions: Sequence[ActivityVersion],
        reads: Sequence[LessonRead],
    ) -> None:
        """Insert imported course records inside the caller's transaction."""
        db.executemany(
            "INSERT INTO activity_versions (conversation_id, activity_id, version, status, text,"
            " feedback, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (conversation_id, v.activity_id, v.version, v.status, v.text, v.feedback,
                 v.created_at.isoformat())
                for v in versions
            ],
        )  # fmt: skip
        db.executemany(
            "INSERT OR IGNORE INTO lessons_read (conversation_id, lesson_id, how, at)"
            " VALUES (?, ?, ?, ?)",
            [(conversation_id, r.lesson_id, r.how, r.at.isoformat()) for r in reads],
        )

    def set_feedback(self, version_id: int, feedback: str) -> None:
        """Keep the feedback with the version it is about."""
        with self._transaction() as db:
            db.execute(
                "UPDATE activity_versions SET feedback = ? WHERE id = ?", (feedback, version_id)
            )

    def activity_versions(
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
            for row in self._read(sql + " ORDER BY id", args)
        ]

    def set_activity_draft(self, conversation_id: str, activity_id: str, text: str) -> None:
        """Keep what is in the editor, so a crash or a closed window loses nothing."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO activity_drafts (conversation_id, activity_id, text, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (conversation_id, activity_id)"
                " DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                (conversation_id, activity_id, text, self._now().isoformat()),
            )

    def activity_draft(self, conversation_id: str, activity_id: str) -> str | None:
        rows = self._read(
            "SELECT text FROM activity_drafts WHERE conversation_id = ? AND activity_id = ?",
            (conversation_id, activity_id),
        )
        return str(rows[0]["text"]) if rows else None

    def mark_read(self, conversation_id: str, lesson_ids: list[str], how: ReadHow) -> None:
        """Note lessons as read in this conversation; the first time counts."""
        if not lesson_ids:
            return
        now = self._now().isoformat()
        with self._transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO lessons_read (conversation_id, lesson_id, how, at)"
                " VALUES (?, ?, ?, ?)",
                [(conversation_id, lesson_id, how, now) for lesson_id in lesson_ids],
            )

    def lessons_read(self, conversation_id: str) -> list[LessonRead]:
        rows = self._read(
            "SELECT lesson_id, how, at FROM lessons_read WHERE conversation_id = ? ORDER BY at",
            (conversation_id,),
        )
        return [
            LessonRead(row["lesson_id"], row["how"], datetime.fromisoformat(row["at"]))
            for row in rows
        ]
