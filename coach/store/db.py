"""The SQLite store: one file in the data directory, WAL, migrations, short transactions.

``Store`` is a facade over small repositories that share one connection (``Database``):
conversations, messages, activities and lessons read. Callers keep one object to pass
around; each repository keeps its own tables readable on its own.
"""

from __future__ import annotations

from pathlib import Path

from coach.store.activities import Activities
from coach.store.conditions import describe
from coach.store.conversations import Conversations
from coach.store.database import Clock, Database, utc_now
from coach.store.importing import Importer
from coach.store.lease import Leases
from coach.store.lessons_read import LessonsRead
from coach.store.messages import Messages
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


class Store:
    """Conversations, messages, state and course records in one SQLite file. Thread-safe.

    Its methods are the repositories' own, bound per store: a test fakes one by setting it
    on the store object, not on the class.
    """

    def __init__(self, path: Path, now: Clock = utc_now) -> None:
        self.database = Database(path, now)
        self.path = path
        self.notice: str | None = None
        """Something the user should hear about opening the store (a damaged file moved)."""
        self.moved_aside: Path | None = None
        """Where a damaged database was moved on opening, for the UI to say in its language."""
        self.leases = Leases(Path(f"{path}.open"))
        """The conversation this process has open: a second window on it only reads."""
        # Named as callers have always called them; one line each, so no signature is
        # written twice and none can drift from its repository's.
        conversations = Conversations(self.database)
        self.create_conversation = conversations.create
        self.rename = conversations.rename
        self.set_draft = conversations.set_draft
        self.delete = conversations.delete
        self.delete_all = conversations.delete_all
        self.search = conversations.search
        self.list_conversations = conversations.all
        self.conversation = conversations.get
        self.resolve = conversations.resolve
        self.latest = conversations.latest
        self.state = conversations.state
        self.import_conversation = Importer(self.database).add
        messages = Messages(self.database)
        self.add_message = messages.add
        self.update_message = messages.update
        self.save_turn = messages.save_turn
        self.messages = messages.of
        activities = Activities(self.database)
        self.add_activity_version = activities.add_version
        self.set_feedback = activities.set_feedback
        self.activity_versions = activities.versions
        self.set_activity_draft = activities.set_draft
        self.activity_draft = activities.draft
        reads = LessonsRead(self.database)
        self.mark_read = reads.mark
        self.lessons_read = reads.of

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
