"""Importing an exported conversation: stored as it was, unless that would break coach.

A mixin of the Store. An export can be edited by hand or crafted, so what the store keeps
is made addressable, in the past, and one line where a line break would split a heading.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from coach.domain.state import CoachState
from coach.store.course import ActivityVersion, LessonRead
from coach.store.records import ConversationInfo, StoredMessage

ADDRESSABLE_ID = re.compile(r"[0-9a-zA-Z][0-9a-zA-Z_-]{0,63}")
"""Ids a user can type: never starting with '-', which a command line reads as an option."""


def addressable(conversation_id: str) -> bool:
    return ADDRESSABLE_ID.fullmatch(conversation_id) is not None


def one_line(title: str) -> str:
    """A title on one line: a line break in it would split a heading or a list row."""
    return " ".join(title.split())


def _aware(when: datetime) -> datetime:
    """A time without a zone, as a hand-written export may hold, read as UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _at_most(when: datetime, now: datetime) -> str:
    return min(_aware(when), now).isoformat()


class Imports:
    """``import_conversation`` for the Store."""

    _now: Callable[[], datetime]

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _read(self, sql: str, args: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        raise NotImplementedError

    def _import_course(
        self,
        db: sqlite3.Connection,
        conversation_id: str,
        versions: Sequence[ActivityVersion],
        reads: Sequence[LessonRead],
    ) -> None:
        raise NotImplementedError

    def import_conversation(
        self,
        info: ConversationInfo,
        messages: list[StoredMessage],
        state: CoachState,
        versions: Sequence[ActivityVersion] = (),
        reads: Sequence[LessonRead] = (),
    ) -> str:
        """Store an exported conversation as it was, under its own id if that is free.

        An id that cannot be typed as a command's argument (``--all``) gets a new one, times
        still to come are brought back to now, and the title is one line. Returns the id it
        was stored under. All or nothing: one transaction.
        """
        taken = bool(self._read("SELECT 1 FROM conversations WHERE id = ?", (info.id,)))
        usable = addressable(info.id) and not taken
        conversation_id = info.id if usable else uuid.uuid4().hex[:12]
        # A time still to come would pin the conversation first in every list, for years.
        now = self._now()
        created = min(_aware(info.created_at), now)
        updated = min(_aware(info.updated_at), now)
        with self._transaction() as db:
            db.execute(
                "INSERT INTO conversations (id, title, created_at, updated_at, engine, phase,"
                " language, draft, due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    conversation_id,
                    one_line(info.title),
                    created.isoformat(),
                    updated.isoformat(),
                    info.engine,
                    info.phase,
                    info.language,
                    info.draft,
                    state.plan.due.isoformat() if state.plan else None,
                ),
            )
            db.execute(
                "INSERT INTO states (conversation_id, state, updated_at) VALUES (?, ?, ?)",
                (conversation_id, state.model_dump_json(), updated.isoformat()),
            )
            db.executemany(
                "INSERT INTO messages (conversation_id, role, content, status, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        conversation_id,
                        m.role,
                        m.content,
                        m.status,
                        min(_aware(m.created_at), now).isoformat(),
                    )
                    for m in messages
                ],
            )
            self._import_course(db, conversation_id, versions, reads)
        return conversation_id
