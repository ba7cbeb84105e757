"""Lessons read in a conversation: opened in the reader or cited by the coach, first time kept."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from coach.store.database import Database
from coach.store.records import LessonRead, ReadHow

_INSERT = (
    "INSERT OR IGNORE INTO lessons_read (conversation_id, lesson_id, how, at) VALUES (?, ?, ?, ?)"
)


class LessonsRead:
    """The lessons_read table, per conversation."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def mark(self, conversation_id: str, lesson_ids: list[str], how: ReadHow) -> None:
        """Note lessons as read in this conversation; the first time counts."""
        if not lesson_ids:
            return
        now = self._db.now().isoformat()
        with self._db.transaction() as db:
            db.executemany(_INSERT, [(conversation_id, lid, how, now) for lid in lesson_ids])

    @staticmethod
    def insert(db: sqlite3.Connection, conversation_id: str, reads: Sequence[LessonRead]) -> None:
        """Insert imported reads as they were, inside the caller's transaction."""
        db.executemany(
            _INSERT, [(conversation_id, r.lesson_id, r.how, r.at.isoformat()) for r in reads]
        )

    def of(self, conversation_id: str) -> list[LessonRead]:
        """A conversation's lessons read, in the order they were first read."""
        rows = self._db.read(
            "SELECT lesson_id, how, at FROM lessons_read WHERE conversation_id = ? ORDER BY at",
            (conversation_id,),
        )
        return [
            LessonRead(
                lesson_id=row["lesson_id"], how=row["how"], at=datetime.fromisoformat(row["at"])
            )
            for row in rows
        ]
