"""Scripted users: what a person answers to each question, by step id, to reach a plan card.

The scripts map a step id (``prompts/flow/flow.yaml``) to what the person types when the
coach asks it. A driver looks at ``state.pending`` after every turn and types the answer to
whatever is asked, so a test does not depend on how many questions come first, in which
order, or whether one message answered several of them:

- ``converse`` / ``play``: the offline engine, turn by turn (``engine.respond``);
- ``play_session``: a ``Session`` (the store's write-ahead turns), with any engine;
- ``play_app``: the Textual app in a pilot, typing into the box as a person does;
- ``lines``: the lines to pipe into plain mode or the CLI, where nothing can be observed
  between lines: derived by playing the offline engine in-process, never counted by hand.

``until`` stops when that step is asked (without answering it); without it, the driver
stops when nothing is pending (the plan card, or the end of a check-in).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from coach.bootstrap import build_engine, load_activities_for, load_care, load_content
from coach.domain.flow import Flow
from coach.domain.state import CoachState
from coach.domain.text import Language
from coach.engines.base import Reply
from coach.engines.offline import OfflineEngine
from coach.session import Session
from coach.settings import resolve_settings

if TYPE_CHECKING:
    from textual.pilot import Pilot

Answers = Mapping[str, str]
"""Step id -> what the person types when that step is asked."""

# A call-center agent who wants to be a nurse, burnt out, picks the tuition path, gives a low
# confidence first (so the step gets smaller), and sets a savings target.
ENGLISH_ANSWERS: dict[str, str] = {
    "dream_job": "I want to be a nurse",
    "why": "I want to help people and earn more for my family",
    "by_when": "in 3 years",
    "in_call_center": "yes",
    "shift": "night shift, 9 hours",
    "rest_days": "2",
    "burnt_out": "yeah, very",
    "monthly_saving": "about 5k a month",
    "q_diploma": "yes",
    "q_courses": "not sure",
    "q_business": "no",
    "q_passion": "nope",
    "choose_path": "tuition",  # a path id: typed as its number in the list offered
    "first_step": "find the tuition of one nursing school",
    "step_date": "Friday",
    "obstacle": "I'm too tired after my shift",
    "if_then": "If I'm too tired, then I'll do it on my rest day morning",
    "confidence": "5",
    "smaller_step": "just open the school's website and write down the fee",
    "confidence_again": "8",
    "savings_target": "120,000",
}

# Someone not yet in a call center, writing Russian: the "get hired" branch first.
RUSSIAN_ANSWERS: dict[str, str] = {
    "dream_job": "Хочу стать программистом",
    "why": "Чтобы работать из дома",
    "by_when": "через два года",
    "in_call_center": "нет, пока не работаю",
    "line": "наверное входящая",
    "monthly_saving": "10 тыс",
    "q_diploma": "да",
    "q_courses": "ага",
    "q_business": "нет",
    "q_passion": "не знаю",
    "choose_path": "get_hired",
    "first_step": "откликнуться на пять вакансий",
    "step_date": "завтра",
    "obstacle": "страшно звонить",
    "if_then": "Если будет страшно, то я напишу, а не позвоню",
    "confidence": "8",
}

_NOT_SURE: dict[Language, str] = {"en": "not sure", "ru": "не знаю"}

DEFAULTS: dict[str, dict[Language, str]] = {
    "yesno": {"en": "no", "ru": "нет"},
    "text": _NOT_SURE,
    "number": _NOT_SURE,
    "amount": _NOT_SURE,
    "choice": _NOT_SURE,
}
"""What a script types for a step it has no answer for, by the step's kind.

A question a course author adds to the flow is answered the way a person who has nothing to
say to it would: a yes/no question "no", which opens no path; a question of facts "not sure",
which the coach always takes as an answer and goes on. So the scripts, and the tests built on
them, go on as before (tests/test_new_question.py). A step of another kind without an answer
(a date, a scale, the path choice) stops the script with an error naming it.
"""

TODAY = date(2026, 11, 21)
"""The day ``lines`` plays on: the tests' fixed clock (tests/conftest.py FIXED_NOW)."""

ASKED_AT_MOST = 2
"""Answers given to one step in a row before the driver gives up: it was not understood."""

TURNS_AT_MOST = 200


def answer_for(flow: Flow, state: CoachState, answers: Answers) -> str:
    """What the person types for the step pending in ``state``.

    A path id given for the path choice is typed as its number in the list offered.
    """
    assert state.pending is not None, "nothing is pending"
    step = flow.step(state.pending)
    text = answers.get(step.id)
    if text is None:
        text = DEFAULTS.get(step.kind, {}).get(state.language)
        if text is None:
            raise AssertionError(
                f"the script has no answer for step {step.id!r} ({step.kind}); "
                f"it answers {sorted(answers)}"
            )
        return text
    if step.kind == "path_choice" and any(p.id == text for p in flow.paths):
        if text not in state.candidate_paths:
            raise AssertionError(
                f"the script chooses the path {text!r}, but the coach offered "
                f"{state.candidate_paths}"
            )
        return str(state.candidate_paths.index(text) + 1)
    return text


class _Driver:
    """Decides, turn by turn, what to type next, and when to stop."""

    def __init__(self, flow: Flow, answers: Answers, until: str | None) -> None:
        steps = {step.id for step in [*flow.steps, *flow.check_in]}
        unknown = sorted({*answers, *([until] if until else [])} - steps)
        if unknown:  # a typo would otherwise fall back to a default answer, or never stop
            raise AssertionError(f"the flow has no step {', '.join(map(repr, unknown))}")
        self.flow, self.answers, self.until = flow, answers, until
        self.sent: list[str] = []
        self._step: str | None = None
        self._times = 0

    def next(self, state: CoachState, said: str) -> str | None:
        """The next message, or None when the script is done; ``said`` is the coach's last."""
        pending = state.pending
        if self.until is not None and pending == self.until:
            return None
        if pending is None:
            if self.until is not None:
                raise AssertionError(
                    f"the coach never asked {self.until!r}: nothing is pending after "
                    f"{self.sent}; the coach said: {said[-400:]!r}"
                )
            return None
        self._times = self._times + 1 if pending == self._step else 1
        self._step = pending
        if self._times > ASKED_AT_MOST:
            raise AssertionError(
                f"step {pending!r} is still pending after {ASKED_AT_MOST} answers "
                f"({self.sent[-1]!r}); the coach said: {said[-400:]!r}"
            )
        if len(self.sent) >= TURNS_AT_MOST:
            raise AssertionError(f"the script ran {TURNS_AT_MOST} turns without ending")
        text = answer_for(self.flow, state, self.answers)
        self.sent.append(text)
        return text


def converse(
    engine: OfflineEngine,
    answers: Answers,
    *,
    until: str | None = None,
    state: CoachState | None = None,
    language: Language = "en",
) -> list[Reply]:
    """Every reply of the offline engine, in order.

    From a new conversation in ``language`` the opening comes first; from a given ``state``,
    only the replies to what the script typed (none if it had nothing to say).
    """
    if state is not None:
        return _drive(engine, answers, until, state, "")[1]
    opening = engine.opening(CoachState(language=language))
    return [opening, *_drive(engine, answers, until, opening.state, opening.text)[1]]


def play(
    engine: OfflineEngine,
    answers: Answers,
    *,
    until: str | None = None,
    state: CoachState | None = None,
    language: Language = "en",
) -> CoachState:
    """The state after playing the script on the offline engine (see ``converse``)."""
    start = state if state is not None else engine.opening(CoachState(language=language)).state
    replies = converse(engine, answers, until=until, state=start)
    return replies[-1].state if replies else start


def _drive(
    engine: OfflineEngine, answers: Answers, until: str | None, state: CoachState, said: str
) -> tuple[list[str], list[Reply]]:
    """What the script typed, and the engine's replies to it."""
    driver = _Driver(engine.flow, answers, until)
    replies: list[Reply] = []
    while (text := driver.next(state, said)) is not None:
        replies.append(engine.respond(state, text))
        state, said = replies[-1].state, replies[-1].text
    return driver.sent, replies


async def turn(session: Session, text: str) -> None:
    """One turn as the front ends do it: the message saved first, then the reply and state."""
    session.record_user(text)
    async for event in session.events(text):
        if isinstance(event, Reply):
            session.record_reply(event)


async def play_session(
    session: Session, answers: Answers, *, until: str | None = None
) -> list[str]:
    """Play the script on a session from where it stands; returns the messages sent."""
    driver = _Driver(session.ctx.flow, answers, until)
    while (text := driver.next(session.state, session.messages[-1].content)) is not None:
        await turn(session, text)
    return driver.sent


async def play_app(pilot: Pilot[None], answers: Answers, *, until: str | None = None) -> list[str]:
    """Type the script into the app's chat, waiting for each reply; returns what was sent."""
    from tests.pilot import chat, send

    driver = _Driver(chat(pilot).session.ctx.flow, answers, until)
    while True:
        session = chat(pilot).session
        text = driver.next(session.state, session.messages[-1].content)
        if text is None:
            return driver.sent
        await send(pilot, text)


@cache
def _offline_engine() -> OfflineEngine:
    """The engine the app builds with no key and no config, on the tests' fixed day."""
    settings = resolve_settings(environ={"COACH_CONFIG": "/nonexistent/config.toml"})
    flow, lessons = load_content(settings)
    engine = build_engine(
        settings, flow, lessons, lambda: TODAY, load_care(settings), load_activities_for(settings)
    )
    assert isinstance(engine, OfflineEngine)
    return engine


def shipped_flow() -> Flow:
    """The flow the app loads with no config: ``prompts/flow`` as it is on disk now."""
    return _offline_engine().flow


def lines(
    answers: Answers,
    *,
    since: str | None = None,
    until: str | None = None,
    language: Language = "en",
    engine: OfflineEngine | None = None,
) -> list[str]:
    """The lines a person types, for piped stdin, where nothing can be observed in between.

    Derived by playing the script on the offline engine in-process (the shipped one unless
    ``engine`` is given), from a new conversation: the lines typed from the moment ``since``
    is asked (or from the start) until ``until`` is asked (or nothing is pending).
    """
    engine = engine or _offline_engine()
    start = engine.opening(CoachState(language=language)).state
    if since is not None:
        start = play(engine, answers, until=since, state=start)
    return _drive(engine, answers, until, start, "")[0]


def __getattr__(name: str) -> list[str]:
    """ENGLISH and RUSSIAN: the whole scripts as the lines typed, in order, for bench/.
    DERIVED, not hand-written: computed from ENGLISH_ANSWERS and RUSSIAN_ANSWERS by playing
    the current offline engine (``lines``), on first use.

    No test takes them by position: a slice like ``ENGLISH[:13]`` means a different moment
    as soon as the flow asks one question more, while ``until="first_step"`` does not.
    """
    if name == "ENGLISH":
        return lines(ENGLISH_ANSWERS)
    if name == "RUSSIAN":
        return lines(RUSSIAN_ANSWERS)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
