"""Crisis care before any coaching: the same check and the same reply in both engines.

It runs on every message, before commands, scope rails or a model. When it fires, coaching
pauses (``state.paused``) and stays paused until the user writes their word to continue.
"""

from __future__ import annotations

from collections.abc import Callable

from coach.domain.crisis import CrisisCare
from coach.domain.state import CoachState
from coach.domain.text import detect_language
from coach.engines.base import Reply


class Care:
    """Wraps the crisis data with the country the resources are for."""

    def __init__(self, crisis: CrisisCare, country: str | None) -> None:
        self.crisis = crisis
        self.country = country

    def crisis_reply(self, state: CoachState, text: str) -> Reply:
        """Pause coaching and answer with care and the user's country's resources."""
        s = state.model_copy(deep=True)
        s.language = detect_language(text, default=s.language) or s.language
        s.paused = True
        return Reply(self.crisis.reply(self.country, s.language), s)

    def check(
        self, state: CoachState, text: str, resume: Callable[[CoachState], str]
    ) -> Reply | None:
        """A reply that replaces coaching for this message, or None to coach as usual.

        ``resume`` words the question to go back to when the user chooses to continue.
        """
        if self.crisis.detects(text):
            return self.crisis_reply(state, text)
        if not state.paused:
            return None
        s = state.model_copy(deep=True)
        s.language = detect_language(text, default=s.language) or s.language
        if self.crisis.wants_to_continue(text):
            s.paused = False
            return Reply(f"{self.crisis.resumed(s.language)}\n\n{resume(s)}", s)
        return Reply(self.crisis.holding(self.country, s.language), s)
