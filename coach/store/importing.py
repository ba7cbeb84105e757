"""Importing an exported conversation: stored as it was, unless that would break coach.

An export can be edited by hand or crafted, so what the store keeps is made addressable, in
the past, and one line where a line break would split a heading.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from coach.domain.state import CoachState
from coach.store.activities import Activities
from coach.store.conversations import Conversations
from coach.store.database import Database
from coach.store.lessons_read import LessonsRead
from coach.store.records import ActivityVersion, ConversationInfo, LessonRead, StoredMessage

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


class Importer:
    """Adds an exported conversation to the store, whole or not at all."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def add(
        self,
        info: ConversationInfo,
        messages: Sequence[StoredMessage],
        state: CoachState,
        versions: Sequence[ActivityVersion] = (),
        reads: Sequence[LessonRead] = (),
    ) -> str:
        """Store an exported conversation as it was, under its own id if that is free.

        An id that cannot be typed as a command's argument (``--all``) gets a new one, times
        still to come are brought back to now, and the title is one line. Returns the id it
        was stored under. All or nothing: one transaction.
        """
        taken = Conversations(self._db).exists(info.id)
        usable = addressable(info.id) and not taken
        conversation_id = info.id if usable else uuid.uuid4().hex[:12]
        # A time still to come would pin the conversation first in every list, for years.
        now = self._db.now()
        created = min(_aware(info.created_at), now)
        updated = min(_aware(info.updated_at), now)
        with self._db.transaction() as db:
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
            Activities.insert(db, conversation_id, versions)
            LessonsRead.insert(db, conversation_id, reads)
        return conversation_id
