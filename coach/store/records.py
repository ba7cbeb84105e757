"""What the store hands out: conversation summaries, stored messages, and its errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from coach.domain.roles import Role


class StoreError(Exception):
    """A storage failure, with a one-line message fit to show the user."""


class DamagedDatabase(StoreError):
    """The file is not a coach database, or SQLite finds it corrupt: it can be moved aside."""

    reason = "damaged"

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail or message.rpartition(": ")[2]
        """What is wrong, in a few words, for a notice that names the file itself."""


class ForeignDatabase(DamagedDatabase):
    """A sound SQLite file that another program wrote: never changed, only moved aside."""

    reason = "not a coach database"


@dataclass(frozen=True)
class ConversationInfo:
    id: str
    title: str
    created_at: datetime
    updated_at: datetime
    engine: str
    phase: str
    language: str
    draft: str
    messages: int
    due: date | None = None
    """The plan's first-step date, if there is a plan."""

    def step_due(self, today: date) -> bool:
        """Whether the committed step's date has come: the coach will check in on it."""
        return self.due is not None and self.due <= today


@dataclass(frozen=True)
class StoredMessage:
    id: int
    role: Role
    content: str
    status: str
    created_at: datetime
