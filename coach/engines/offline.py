"""The offline guided engine: deterministic coaching from the flow data, with no model.

Same input, same state and same reply, so it is the default with no API key and it makes the
whole app testable. Its words are the composer's (``composer.py``); this adds the Engine
interface around them: the stream of one turn, feedback from the checklist.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

from coach.domain.activities import Activity
from coach.domain.feedback import Feedback, checklist
from coach.domain.state import CoachState
from coach.domain.text import Language
from coach.engines.base import ChatMessage, EngineEvent
from coach.engines.composer import OfflineComposer


class OfflineEngine(OfflineComposer):
    """Walks the flow's steps one at a time and builds the plan card from the answers."""

    name = "offline"

    async def aclose(self) -> None:
        """Nothing to release."""

    async def stream(
        self, state: CoachState, history: Sequence[ChatMessage], text: str
    ) -> AsyncIterator[EngineEvent]:
        # A message sent while the encoder loads waits for it, in a thread, not on the UI:
        # the crisis check needs it, and is never skipped.
        if not self.prepared:
            await asyncio.to_thread(self.prepare)
        yield self.respond(state, text)

    async def feedback(self, activity: Activity, text: str, language: Language) -> Feedback:
        """The rubric as a checklist: each item found in the text or not, then one question."""
        return checklist(activity, text, language, self.today())
