"""The offline coach's words: each reply composed from the flow data, with no model.

Same input, same state and same reply. The offline engine is this composer behind the Engine
interface; the model engine asks it, through ``Composer``, for what the code says itself
(commands, check-ins, refusals, the next question, offers). Everything it says comes from
``prompts/flow``; quotes come from lessons.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Protocol

from coach.domain import machine
from coach.domain.activities import ActivityCatalog, Moment
from coach.domain.flow import Flow, Path, Step
from coach.domain.lessons import LessonLibrary
from coach.domain.locale import active, command, is_language
from coach.domain.meaning import Meaning
from coach.domain.plan import format_date, render_plan_card
from coach.domain.safety import asks_out_of_scope
from coach.domain.state import Answer, CoachState
from coach.domain.template import render
from coach.domain.text import detect_language, escape_markdown
from coach.engines.base import Reply
from coach.engines.care import Care

if TYPE_CHECKING:
    from coach.domain.reading import Reader
    from coach.engines.listening import Listener

_PHASES_WITHOUT_SCOPE_CHECK = ("goal",)


class Composer(Protocol):
    """What the model engine needs from the offline coach: the words the code says itself."""

    @property
    def prepared(self) -> bool:
        """Whether the reader, the encoder and the crisis examples are loaded."""
        ...

    def prepare(self) -> bool:
        """Load them. Blocking: run it in a thread."""
        ...

    async def warm_up(self) -> list[str]:
        """Load them in a thread; return notices worth telling (an encoder that failed)."""
        ...

    def opening(self, state: CoachState, intro: str = "opening") -> Reply:
        """The first message of a conversation, ``intro`` naming its first paragraph."""
        ...

    def check_in(self, state: CoachState) -> Reply | None:
        """On a later day with a plan: the recap and question, else None."""
        ...

    def respond(self, state: CoachState, text: str) -> Reply:
        """A whole offline turn: crisis care, commands, reading the answer, the next step."""
        ...

    def scope_reply(self, state: CoachState, text: str) -> Reply | None:
        """The refusal of advice out of scope (investments, loans, tax, law), or None."""
        ...

    def resume_text(self, s: CoachState) -> str:
        """The question the conversation stands at, or what comes after the plan."""
        ...

    def offer(self, s: CoachState, moment: Moment) -> str:
        """Offer the activity that fits ``moment`` (recorded in ``s``), or ""."""
        ...

    def heard_instead(self, before: CoachState, text: str) -> tuple[CoachState, str] | None:
        """The offline reading of ``text``, for a model that records nothing itself."""
        ...


class OfflineComposer:
    """Walks the flow's steps one at a time and builds the plan card from the answers."""

    def __init__(
        self,
        flow: Flow,
        lessons: LessonLibrary,
        today: Callable[[], date],
        care: Care | None = None,
        activities: ActivityCatalog | None = None,
        meaning: Meaning | None = None,
    ) -> None:
        self.flow = flow
        self.lessons = lessons
        self.today = today
        self.care = care
        self.activities = activities if activities is not None else ActivityCatalog()
        self.meaning = meaning
        self._reader: Reader | None = None
        self._listener: Listener | None = None

    # The reader's rules (a few hundred regular expressions) compile on first use, after the
    # first frame: they cost ~25 ms at import, and the opening needs none of them.
    @property
    def reader(self) -> Reader:
        if self._reader is None:
            from coach.domain.reading import Reader

            self._reader = Reader(self.flow, self.today, self.meaning)
        return self._reader

    @property
    def listener(self) -> Listener:
        if self._listener is None:
            from coach.engines.listening import Listener

            self._listener = Listener(self)
        return self._listener

    # --- loading, and the messages that start a conversation ------------------------------

    def prepare(self) -> bool:
        """Load the encoder, the crisis examples and the reader. Blocking: run it in a thread."""
        self.reader  # noqa: B018  (compiles the rules here, not on the first message)
        ready = self.meaning.wait() if self.meaning is not None else False
        if self.care is not None:
            self.care.prepare()
        return ready

    @property
    def prepared(self) -> bool:
        model = self.care.model if self.care is not None else None
        return (self.meaning is None or self.meaning.ready) and (model is None or model.trained)

    async def warm_up(self) -> list[str]:
        """Load the sentence encoder in a thread; if it cannot load, say so once."""
        ready = await asyncio.to_thread(self.prepare)
        if ready or self.meaning is None or self.meaning.error == "disabled":
            return []
        return [self.flow.text("encoder_missing", "en", fact=self.meaning.error or "")]

    def opening(self, state: CoachState, intro: str = "opening") -> Reply:
        new = state.model_copy(deep=True)
        first = self._next_step(new, after=None)
        assert first is not None, "the flow validator guarantees steps"
        new.pending, new.phase = first.id, first.phase
        key = intro if intro in self.flow.messages else "opening"
        return Reply(self._join(self._t(key, new), self.ask(new, first)), new)

    def check_in(self, state: CoachState) -> Reply | None:
        """On a later day with a plan: recap the step and ask how it went, before anything."""
        if not machine.check_in_due(self.flow, state, self.today()):
            return None
        s = state.model_copy(deep=True)
        first = self.flow.check_in[0]
        s.pending, s.phase = first.id, "summary"
        return Reply(self.ask(s, first), s)

    def offer(self, s: CoachState, moment: Moment) -> str:
        """Offer the activity that fits now (recorded in ``s``), or say nothing."""
        activity = self.activities.to_offer(s, moment)
        if activity is None:
            return ""
        s.offered = activity.id
        return self._t("activity_offer", s, title=escape_markdown(activity.title(s.language)))

    # --- one turn -----------------------------------------------------------------------

    def respond(self, state: CoachState, text: str) -> Reply:
        """Handle one user message. Pure: the given state is not changed."""
        if self.care is not None:
            cared = self.care.check(state, text, self.resume_text, self._coach)
            if cared is not None:
                return cared
        return self._coach(state, text)

    def _coach(self, state: CoachState, text: str) -> Reply:
        """One turn of coaching, after crisis care has had its say."""
        s = state.model_copy(deep=True)
        raw = text.strip()
        if raw.startswith("/"):
            return self._command(s, raw)
        s.language = detect_language(raw, default=s.language) or s.language
        if s.pending is None:
            return Reply(self.after_summary(s), s)
        step = self.flow.step(s.pending)
        if not raw:
            return Reply(self._join(self._t("reask_empty", s), self.ask(s, step)), s)
        refusal = self.scope_reply(s, raw)
        if refusal is not None:
            return refusal
        reading = self.reader.read(s, step, raw)
        notes = self.listener.take_facts(s, reading.facts)
        answer = reading.answer
        if answer is None:
            noted = self.listener.noted(s, notes)
            answer, said = self.listener.not_an_answer(s, step, raw, reading, noted)
            if answer is None:
                return Reply(said, s)
            notes = []  # already said
        else:
            said = ""
        return self._answered(s, step, answer, said, notes)

    def _answered(
        self, s: CoachState, step: Step, answer: Answer, said: str, notes: list[str]
    ) -> Reply:
        """Store the pending step's answer, name what was taken, and ask what comes next."""
        check = self.listener.sense_check(s, step, answer)
        if check is not None:
            return Reply(self._join(self.listener.noted(s, notes), check), s)
        s.answers[step.id] = answer
        s.misses.pop(step.id, None)
        if self.flow.is_check_in(step.id):
            return Reply(self._join(said, self._check_in_next(s, step)), s)
        if step.kind == "path_choice":
            s.chosen_path = answer.value
        parts = [said]
        if step.ack and answer.value != "unsure":
            parts.append(self._fill(step.ack(s.language), s))
        confirmed = self.listener.confirm(s, step, answer, answer.said or "")
        # The pending answer, when read out of a longer message, leads what was noted.
        noted = self.listener.noted(s, [confirmed, *notes] if confirmed else notes)
        parts.extend([self.listener.range_note(s, answer), noted])
        if step.kind == "path_choice":
            parts.append(self.offer(s, "path"))
        following = machine.first_open_step(self.flow, s)
        if step.kind == "scale" and (following is None or following.kind != "text"):
            parts.append(self._t("confidence_ok", s))
        if following is None:
            parts.extend(self._finish(s))
        else:
            s.pending, s.phase = following.id, following.phase
            if following.kind == "path_choice":
                parts.append(self._options(s))
            parts.append(self.ask(s, following))
        return Reply(self._join(*parts), s)

    def scope_reply(self, state: CoachState, text: str) -> Reply | None:
        """The refusal for investment, crypto, loan, tax or legal advice, or None.

        Not checked while the user names a goal in their own words ("a tax accountant" is a
        dream job, not a request for tax advice).
        """
        step = self.flow.step(state.pending) if state.pending else None
        if step is not None and step.kind == "text" and step.phase in _PHASES_WITHOUT_SCOPE_CHECK:
            return None
        if not asks_out_of_scope(text, self.flow.keywords):
            return None
        s = state.model_copy(deep=True)
        s.language = detect_language(text, default=s.language) or s.language
        body = self._join(self._t("scope", s), self._t("back_to_question", s))
        return Reply(self._join(body, self.resume_text(s)), s)

    def heard_instead(self, before: CoachState, text: str) -> tuple[CoachState, str] | None:
        return self.listener.heard_instead(before, text)

    def resume_text(self, s: CoachState) -> str:
        """The question the conversation stands at: asked again after a pause or a refusal."""
        return self.ask(s, self.flow.step(s.pending)) if s.pending else self.after_summary(s)

    def _check_in_next(self, s: CoachState, step: Step) -> str:
        following = machine.next_check_in_step(self.flow, s, step.id)
        if following is not None:
            s.pending = following.id
            return self.ask(s, following)
        kept = machine.finish_check_in(s, self.today())
        assert s.plan is not None
        step_words = escape_markdown(s.plan.first_step)
        when = format_date(s.plan.due, s.language)
        done = self._t(f"check_in_{kept}", s, step=step_words, date=when)
        return self._join(done, self.offer(s, "check_in"))

    # --- walking the flow -----------------------------------------------------------------

    def _next_step(self, s: CoachState, after: str | None) -> Step | None:
        return machine.next_step(self.flow, s, after)

    # --- composing replies ----------------------------------------------------------------

    def _t(self, key: str, s: CoachState, **values: object) -> str:
        return self.flow.text(key, s.language, **values)

    @staticmethod
    def _join(*parts: str) -> str:
        return "\n\n".join(p for p in parts if p)

    def _placeholders(self, s: CoachState) -> dict[str, str]:
        values = {k: escape_markdown(a.text) for k, a in s.answers.items()}
        values.setdefault("obstacle", "…")
        path: Path | None = self.flow.path(s.chosen_path) if s.chosen_path else None
        values["example"] = path.example(s.language) if path else ""
        values["goal"] = path.goal(s.language) if path and path.goal else ""
        values["path"] = path.title(s.language) if path else ""
        if s.plan is not None:  # the check-in recaps the committed step
            values["step"] = escape_markdown(s.plan.first_step)
            values["date"] = format_date(s.plan.due, s.language)
        written = machine.to_follow_up(s)
        if written is not None:  # and refers to what the user wrote
            activity = self.activities.get(written)
            values["activity"] = escape_markdown(
                activity.title(s.language) if activity else written
            )
            values["quote"] = escape_markdown(excerpt(s.activities[written].text))
            values["follow_up"] = activity.follow_up(s.language) if activity else ""
        return values

    def _fill(self, template: str, s: CoachState) -> str:
        """Fill a step's text; a sentence that starts with the user's words gets a capital."""
        values = self._placeholders(s)
        text = render(template, values)
        return text[:1].upper() + text[1:]

    def ask(self, s: CoachState, step: Step) -> str:
        return self._fill(step.ask(s.language), s)

    def _options(self, s: CoachState) -> str:
        intro = "options_intro" if machine.offer_paths(self.flow, s) else "options_none"
        items = [
            self._path_item(s, n, self.flow.path(p)) for n, p in enumerate(s.candidate_paths, 1)
        ]
        return self._join(self._t(intro, s), *items)

    def _path_item(self, s: CoachState, n: int, path: Path) -> str:
        lesson = self.lessons.get(path.lesson)
        title = lesson.title if lesson else path.lesson
        maybe = self._t("maybe", s) if path.id in s.unsure_paths else ""
        item = self._t(
            "path_item",
            s,
            n=n,
            title=path.title(s.language),
            maybe=maybe,
            quote=escape_markdown(path.quote),
            lesson=escape_markdown(title),
        )
        # A language that borrows from the lesson's (its fallback) reads the quote as it is.
        if lesson is not None and lesson.language not in active().chain(s.language):
            item += self._t("path_translation", s, translation=path.translation(s.language))
        return item

    def _finish(self, s: CoachState) -> list[str]:
        s.plan = machine.build_plan(self.flow, s, self.today())
        s.phase, s.pending = "summary", None
        card = render_plan_card(s, self.flow, self.lessons)
        outro = self._t("plan_outro", s, date=format_date(s.plan.due, s.language))
        return [self._t("plan_intro", s), card, outro]

    def after_summary(self, s: CoachState) -> str:
        if s.plan is None:
            return self._t("help", s)
        step = escape_markdown(s.plan.first_step)
        return self._t("after_summary", s, step=step, date=format_date(s.plan.due, s.language))

    def _command(self, s: CoachState, raw: str) -> Reply:
        name, _, arg = raw[1:].partition(" ")
        name, arg = name.lower(), arg.strip().lower()
        if name in command("language"):
            if not is_language(arg):
                return Reply(self._t("language_unknown", s), s)
            s.language = arg
            head = self._t("language_switched", s)
        elif name in command("help"):
            head = self._t("help", s)
        else:
            head = self._t("unknown_command", s)
        tail = self.ask(s, self.flow.step(s.pending)) if s.pending else self.after_summary(s)
        return Reply(self._join(head, tail), s)


EXCERPT = 140


def excerpt(text: str) -> str:
    """The first sentence (or line) of what the user wrote, short enough to quote back."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    for end in (". ", "! ", "? "):
        if end in first:
            first = first.split(end, 1)[0] + end.strip()
            break
    return first if len(first) <= EXCERPT else first[: EXCERPT - 1].rstrip() + "…"
