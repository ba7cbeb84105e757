"""What the store hands out and the export carries: one model per record, and the errors.

Each record is a plain frozen dataclass: the store builds them from its own rows cheaply and
without validation (10,000 messages resume in milliseconds). The annotations are for the
export: pydantic validates a JSON file against these same classes, with the limits an
untrusted file needs, and writes them back out, so the two can never drift apart. Fields
the export leaves out (row ids, counts kept elsewhere) are marked ``exclude``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, PlainSerializer

from coach.domain.roles import Role

ReadHow = Literal["opened", "cited"]
MessageStatus = Literal["complete", "partial", "cancelled", "error"]

_STRICT = ConfigDict(extra="forbid")
"""An export with a field this coach does not know is refused rather than half-read."""

Moment = Annotated[datetime, PlainSerializer(datetime.isoformat, when_used="json")]
"""A time, written as Python's isoformat (``+00:00``, not pydantic's ``Z``), as always."""

NotInExport = Field(exclude=True)


def _feedback_in(value: object) -> object:
    """The export holds feedback as a JSON object (or null); the store keeps it as text."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    raise ValueError("should be an object or null")


def _feedback_out(text: str) -> Any:
    return json.loads(text) if text else None


FeedbackText = Annotated[
    str, BeforeValidator(_feedback_in), PlainSerializer(_feedback_out, when_used="json")
]


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


@dataclass(frozen=True, kw_only=True)
class ConversationInfo:
    """A conversation's row, with how many messages it has."""

    __pydantic_config__ = _STRICT

    id: Annotated[str, Field(pattern=r"^[0-9a-zA-Z_-]{1,64}$")]
    title: str
    created_at: Moment
    updated_at: Moment
    engine: str
    phase: str
    language: str
    draft: str = ""
    messages: Annotated[int, NotInExport] = 0
    due: Annotated[date | None, NotInExport] = None
    """The plan's first-step date, if there is a plan (an export has it in the state)."""

    def step_due(self, today: date) -> bool:
        """Whether the committed step's date has come: the coach will check in on it."""
        return self.due is not None and self.due <= today


@dataclass(frozen=True, kw_only=True)
class StoredMessage:
    """One message as saved, with how it ended (a reply may be partial or stopped)."""

    __pydantic_config__ = _STRICT

    role: Role
    content: str
    status: MessageStatus
    created_at: Moment
    id: Annotated[int, NotInExport] = 0


@dataclass(frozen=True, kw_only=True)
class ActivityVersion:
    """One version of a writing activity, or the record that it was skipped."""

    __pydantic_config__ = _STRICT

    activity_id: Annotated[str, Field(min_length=1, max_length=100)]
    version: Annotated[int, Field(ge=0)]
    status: Annotated[str, Field(pattern=r"^(done|skipped)$")]
    text: str
    feedback: FeedbackText = ""
    """The feedback as stored JSON (see coach.domain.feedback), empty until it came."""
    created_at: Moment
    id: Annotated[int, NotInExport] = 0


@dataclass(frozen=True, kw_only=True)
class LessonRead:
    """A lesson the user opened in the reader, or that the coach cited in a reply."""

    __pydantic_config__ = _STRICT

    lesson_id: Annotated[str, Field(min_length=1, max_length=200)]
    how: ReadHow
    at: Moment
