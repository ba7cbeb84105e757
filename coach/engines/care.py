"""Crisis care before any coaching: the same check and the same reply in both engines.

It runs on every message, before commands, scope rails or a model. When it fires, coaching
pauses (``state.paused``) and stays paused until the user writes their word to continue.
"""

from __future__ import annotations

from collections.abc import Callable

from coach.domain.crisis import CrisisCare
from coach.domain.crisis_model import Band, CrisisModel
from coach.domain.state import CoachState
from coach.domain.text import detect_language
from coach.engines.base import Reply


class Care:
    """Wraps the crisis data with the country the resources are for, and the classifier."""

    def __init__(
        self, crisis: CrisisCare, country: str | None, model: CrisisModel | None = None
    ) -> None:
        self.crisis = crisis
        self.country = country
        self.model = model

    def prepare(self) -> None:
        """Compile the patterns, load the encoder, train the classifier (blocking: in a thread)."""
        self.crisis.prepare()
        if self.model is not None:
            self.model.prepare()

    def band(self, text: str) -> Band:
        """High for the patterns or a high score, "middle" for a doubtful one, else "none".

        A pattern's hit gets the classifier's second opinion: among look-alikes (someone
        else's story, safety talk) it is asked about rather than paused on, and a hit that only
        names the subject may be let go.
        """
        return self._read(text)[0]

    def _read(self, text: str) -> tuple[Band, bool]:
        """The band, and whether a pattern caught the message (the patterns run once)."""
        hit = self.crisis.hit(text)
        if self.model is None:
            return ("high" if hit != "none" else "none"), hit != "none"
        if hit == "none":
            return self.model.band(text), False
        band = self.model.review(text, hit == "topic")
        return band, band != "none"

    def crisis_reply(self, state: CoachState, text: str) -> Reply:
        """Pause coaching and answer with care and the user's country's resources."""
        s = state.model_copy(deep=True)
        s.language = detect_language(text, default=s.language) or s.language
        s.paused = True
        return Reply(self.crisis.reply(self.country, s.language), s)

    def check(
        self,
        state: CoachState,
        text: str,
        resume: Callable[[CoachState], str],
        proceed: Callable[[CoachState, str], Reply] | None = None,
    ) -> Reply | None:
        """A reply that replaces coaching for this message, or None to coach as usual.

        ``resume`` words the question to go back to when the user chooses to continue.
        """
        band, caught = self._read(text)
        if band == "high":
            return self.crisis_reply(state, text)
        if state.care_held is not None and not state.paused:
            return self._answered(state, text, band, resume, proceed)
        if (
            band == "middle"
            and not caught  # a clear phrase is asked about again, whatever was said before
            and state.care_cleared is not None
            and state.care_cleared == state.pending
        ):
            band = "none"  # they just told us no; the same answer again is not a new doubt
        if band == "middle" and not state.paused:
            s = state.model_copy(deep=True)
            s.language = detect_language(text, default=s.language) or s.language
            s.care_held = text  # not taken as a coaching answer unless the answer is no
            return Reply(self.crisis.ask(self.country, s.language), s)
        if not state.paused:
            return None
        s = state.model_copy(deep=True)
        s.language = detect_language(text, default=s.language) or s.language
        if self.crisis.wants_to_continue(text):
            s.paused = False
            return Reply(f"{self.crisis.resumed(s.language)}\n\n{resume(s)}", s)
        return Reply(self.crisis.holding(self.country, s.language), s)

    def _answered(
        self,
        state: CoachState,
        text: str,
        band: Band,
        resume: Callable[[CoachState], str],
        proceed: Callable[[CoachState, str], Reply] | None,
    ) -> Reply:
        """The answer to the direct question decides.

        A clear no goes back to coaching. The message that raised the doubt is never taken
        as a coaching answer; what follows the no ("no, i'm ok. i want to be a web
        developer") is, and otherwise the question is asked again. Anything but a clear no
        gets care first.
        """
        s = state.model_copy(deep=True)
        s.language = detect_language(text, default=s.language) or s.language
        s.care_held = None
        if band == "high" or not self.crisis.says_no(text):
            return self.crisis_reply(s, text)  # yes, maybe, unclear: err towards care
        cleared = self.crisis.cleared(s.language)
        s.care_cleared = s.pending
        rest = self.crisis.after_no(text)
        if proceed is not None and rest:
            coached = proceed(s, rest)
            return Reply(f"{cleared}\n\n{coached.text}", coached.state)
        return Reply(f"{cleared}\n\n{resume(s)}", s)
