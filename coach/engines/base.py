"""The one interface every engine implements, and the events a turn produces."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from coach.domain.activities import Activity
from coach.domain.feedback import Feedback
from coach.domain.roles import Role
from coach.domain.state import CoachState
from coach.domain.text import Language


@dataclass(frozen=True)
class ChatMessage:
    """One message of a conversation as the engines see it."""

    role: Role
    content: str


@dataclass(frozen=True)
class Chunk:
    """A piece of reply text, shown as it arrives."""

    text: str


@dataclass(frozen=True)
class ContextUse:
    """How full the model's context window was for the last request of a turn."""

    used: int
    window: int
    reserve: int
    exact: bool

    @property
    def fraction(self) -> float:
        return min(1.0, (self.used + self.reserve) / self.window) if self.window else 0.0


@dataclass(frozen=True)
class Reply:
    """The end of a turn: the whole reply and the new state to save."""

    text: str
    state: CoachState
    context: ContextUse | None = None


EngineEvent = Chunk | Reply


class Engine(Protocol):
    """Turns the state and a user's message into a reply and a new state.

    Engines never touch storage or the UI: the caller saves the user's message before calling
    ``stream`` and saves the final ``Reply`` after, so every engine gets the same durability.
    """

    name: str

    async def warm_up(self) -> list[str]:
        """Load what the first turn needs (client, tokenizer) off the UI; return notices."""
        ...

    async def aclose(self) -> None:
        """Release connections; called when the app exits."""
        ...

    def opening(self, state: CoachState) -> Reply:
        """The coach's first message in a new conversation."""
        ...

    def check_in(self, state: CoachState) -> Reply | None:
        """On coming back to a plan on a later day: the recap and question, else None."""
        ...

    def stream(
        self, state: CoachState, history: Sequence[ChatMessage], text: str
    ) -> AsyncIterator[EngineEvent]:
        """Yield zero or more Chunks, then exactly one Reply."""
        ...

    async def feedback(self, activity: Activity, text: str, language: Language) -> Feedback:
        """Feedback on a writing activity against its rubric, in ``language``.

        May raise EngineError (a model that fails); the session then uses the checklist.
        """
        ...
