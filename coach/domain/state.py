"""The coaching state: one validated model, saved after every turn, the same for every engine."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from coach.domain.flow import PhaseId
from coach.domain.locale import is_language
from coach.domain.text import Language


def _registered(code: str) -> str:
    if not is_language(code):
        raise ValueError(f"unknown language {code!r}")
    return code


STATE_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", validate_assignment=True)


class Answer(_Model):
    """What the user said for one step: always the words as written, plus what they meant."""

    text: str
    """The fact in a few words ("nurse"), as the plan card shows it."""
    value: str | None = None
    number: float | None = None
    day: date | None = None
    said: str | None = None
    """The whole message the fact was read from, when that was more than the fact."""


class Plan(_Model):
    """The plan card: a path, one dated first step, an if-then plan and, for money, the math."""

    path: str
    first_step: str
    due: date
    obstacle: str
    if_then: str
    confidence: int = Field(ge=0, le=10)
    savings_target: float | None = None
    monthly_saving: float | None = None
    months: int | None = None
    created: date


class CheckIn(_Model):
    """How a promised first step went, recorded when the user comes back."""

    day: date
    kept: Literal["done", "partly", "not_yet"]
    note: str
    """What got in the way, in the user's words (empty when it was done)."""
    step: str = ""
    """The step that was checked on."""
    next_step: str = ""
    next_due: date | None = None
    activity: str = ""
    """The writing activity the coach referred to, if any."""
    activity_answer: str = ""
    """What the user said about it, in their words."""


class Work(_Model):
    """Where the user stands with one writing activity in this conversation.

    Every version lives in the store; the state keeps the latest words, which the engines
    read (a check-in quotes them, a model sees them) without touching storage.
    """

    status: Literal["done", "skipped"]
    text: str = ""
    """The latest version, as written (empty when skipped)."""
    versions: int = 0
    day: date
    """When it was last written or skipped."""


class CoachState(_Model):
    """Everything the coach knows about one conversation."""

    version: int = STATE_VERSION
    language: Annotated[Language, AfterValidator(_registered)] = "en"
    phase: PhaseId = "opening"
    pending: str | None = None
    answers: dict[str, Answer] = {}
    candidate_paths: list[str] = []
    unsure_paths: list[str] = []
    chosen_path: str | None = None
    plan: Plan | None = None
    check_ins: list[CheckIn] = []
    paused: bool = False
    """Coaching paused for crisis care, until the user says they want to go on."""
    care_held: str | None = None
    """A message held back while the coach asks directly whether the person thinks of
    hurting themselves: the next message answers that. It is never taken as an answer."""
    care_cleared: str | None = None
    """The step at which the person last answered that question with a no: the doubtful
    band is not raised again on the same question (a clear signal still is)."""
    activities: dict[str, Work] = {}
    """Writing activities done or skipped, by activity id."""
    offered: str | None = None
    """The activity the coach offered last, which ``/write`` opens."""
    noted: list[str] = []
    """Steps filled in passing by the last message: named back, and open to correction."""
    misses: dict[str, int] = {}
    """How often each step's answer was not understood, so no question is asked a third time."""

    def answer_text(self, step_id: str) -> str | None:
        answer = self.answers.get(step_id)
        return answer.text if answer else None

    @property
    def dream_job(self) -> str | None:
        return self.answer_text("dream_job")
