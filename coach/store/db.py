"""The SQLite store: one file in the data directory, WAL, migrations, short transactions.

``Store`` is a facade over small repositories that share one connection (``Database``):
conversations, messages, activities and lessons read. Callers keep one object to pass
around; each repository keeps its own tables readable on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from coach.domain.roles import Role
from coach.domain.state import CoachState
from coach.store.activities import Activities
from coach.store.conditions import describe
from coach.store.conversations import Conversations
from coach.store.database import Clock, Database, utc_now
from coach.store.importing import import_conversation
from coach.store.lease import Leases
from coach.store.lessons_read import LessonsRead
from coach.store.messages import Messages
from coach.store.records import (
    ActivityVersion,
    ConversationInfo,
    DamagedDatabase,
    ForeignDatabase,
    LessonRead,
    ReadHow,
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


class Store:
    """Conversations, messages, state and course records in one SQLite file. Thread-safe."""

    def __init__(self, path: Path, now: Clock = utc_now) -> None:
        self.database = Database(path, now)
        self.path = path
        self.notice: str | None = None
        """Something the user should hear about opening the store (a damaged file moved)."""
        self.moved_aside: Path | None = None
        """Where a damaged database was moved on opening, for the UI to say in its language."""
        self.leases = Leases(Path(f"{path}.open"))
        """The conversation this process has open: a second window on it only reads."""
        self._conversations = Conversations(self.database)
        self._messages = Messages(self.database)
        self._activities = Activities(self.database)
        self._reads = LessonsRead(self.database)

    @property
    def read_only(self) -> str | None:
        """Why nothing can be saved now (a full disk, a read-only folder), or None."""
        return self.database.read_only

    @property
    def schema_version(self) -> int:
        return self.database.schema_version

    def close(self) -> None:
        self.leases.close()
        self.database.close()

    # --- conversations ---------------------------------------------------------------------

    def create_conversation(self, state: CoachState, engine: str, title: str = "") -> str:
        return self._conversations.create(state, engine, title)

    def rename(self, conversation_id: str, title: str, automatic: str = "") -> None:
        self._conversations.rename(conversation_id, title, automatic)

    def set_draft(self, conversation_id: str, draft: str) -> None:
        self._conversations.set_draft(conversation_id, draft)

    def delete(self, conversation_id: str) -> None:
        self._conversations.delete(conversation_id)

    def delete_all(self) -> int:
        return self._conversations.delete_all()

    def search(self, text: str) -> set[str]:
        return self._conversations.search(text)

    def list_conversations(self) -> list[ConversationInfo]:
        return self._conversations.all()

    def conversation(self, conversation_id: str) -> ConversationInfo:
        return self._conversations.get(conversation_id)

    def resolve(self, prefix: str) -> str:
        return self._conversations.resolve(prefix)

    def latest(self) -> str | None:
        return self._conversations.latest()

    def state(self, conversation_id: str) -> CoachState:
        return self._conversations.state(conversation_id)

    def import_conversation(
        self,
        info: ConversationInfo,
        messages: Sequence[StoredMessage],
        state: CoachState,
        versions: Sequence[ActivityVersion] = (),
        reads: Sequence[LessonRead] = (),
    ) -> str:
        return import_conversation(self.database, info, messages, state, versions, reads)

    # --- messages --------------------------------------------------------------------------

    def add_message(
        self, conversation_id: str, role: Role, content: str, status: str = "complete"
    ) -> int:
        return self._messages.add(conversation_id, role, content, status)

    def update_message(self, message_id: int, content: str, status: str) -> None:
        self._messages.update(message_id, content, status)

    def save_turn(
        self,
        conversation_id: str,
        reply: str,
        state: CoachState,
        title: str,
        message_id: int | None = None,
    ) -> int:
        return self._messages.save_turn(conversation_id, reply, state, title, message_id)

    def messages(self, conversation_id: str) -> list[StoredMessage]:
        return self._messages.of(conversation_id)

    # --- course: writing activities and lessons read ---------------------------------------

    def add_activity_version(
        self, conversation_id: str, activity_id: str, text: str, status: str, state: CoachState
    ) -> ActivityVersion:
        return self._activities.add_version(conversation_id, activity_id, text, status, state)

    def set_feedback(self, version_id: int, feedback: str) -> None:
        self._activities.set_feedback(version_id, feedback)

    def activity_versions(
        self, conversation_id: str, activity_id: str | None = None
    ) -> list[ActivityVersion]:
        return self._activities.versions(conversation_id, activity_id)

    def set_activity_draft(self, conversation_id: str, activity_id: str, text: str) -> None:
        self._activities.set_draft(conversation_id, activity_id, text)

    def activity_draft(self, conversation_id: str, activity_id: str) -> str | None:
        return self._activities.draft(conversation_id, activity_id)

    def mark_read(self, conversation_id: str, lesson_ids: list[str], how: ReadHow) -> None:
        self._reads.mark(conversation_id, lesson_ids, how)

    def lessons_read(self, conversation_id: str) -> list[LessonRead]:
        return self._reads.of(conversation_id)
