"""The offline engine on a small test-only flow: the mechanics, apart from the shipped questions.

``tests/data/flow_small/flow.yaml`` has nine steps with texts of its own; the shipped
catalogue (messages, keywords, intents) is copied beside it. A test here says what the
engine does with any flow, so it does not change when a course author adds or rewords a
question in ``prompts/flow``.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from coach.domain.flow import Flow, load_flow
from coach.domain.lessons import LessonLibrary
from coach.domain.state import CoachState
from coach.domain.text import Language
from coach.engines.offline import OfflineEngine
from tests.scenarios import converse, play

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "tests" / "data" / "flow_small" / "flow.yaml"

ANSWERS = {
    "dream_job": "I want to be a web developer",
    "monthly_saving": "3000",
    "wants_courses": "yes",
    "choose_path": "courses",
    "first_step": "watch one free lesson",
    "step_date": "Friday",
    "obstacle": "no time",
    "if_then": "If I have no time, then I'll watch it on Sunday",
    "confidence": "8",
}
RUSSIAN = {
    **ANSWERS,
    "dream_job": "Хочу стать веб-разработчиком",
    "monthly_saving": "3 тыс",
    "wants_courses": "да",
    "step_date": "завтра",
    "obstacle": "нет времени",
    "if_then": "Если не будет времени, то посмотрю в воскресенье",
}


@pytest.fixture(scope="module")
def small_flow(tmp_path_factory: pytest.TempPathFactory) -> Flow:
    folder = tmp_path_factory.mktemp("flow_small") / "flow"
    shutil.copytree(ROOT / "prompts" / "flow", folder)
    shutil.copy(SMALL, folder / "flow.yaml")
    return load_flow(folder)


@pytest.fixture
def engine(small_flow: Flow, lessons: LessonLibrary) -> OfflineEngine:
    return OfflineEngine(small_flow, lessons, lambda: date(2026, 11, 21))


def test_the_small_flow_asks_its_own_questions_in_order(engine: OfflineEngine) -> None:
    asked = [r.state.pending for r in converse(engine, ANSWERS)][:-1]
    assert asked == [s.id for s in engine.flow.steps]
    assert "SMALL: which job?" in engine.opening(CoachState()).text


@pytest.mark.parametrize(
    ("answers", "language", "due"),
    [(ANSWERS, "en", date(2026, 11, 27)), (RUSSIAN, "ru", date(2026, 11, 22))],
    ids=["en", "ru"],
)
def test_a_whole_session_reaches_a_plan_on_any_flow(
    engine: OfflineEngine, answers: dict[str, str], language: Language, due: date
) -> None:
    final = converse(engine, answers, language=language)[-1]
    state = final.state
    assert state.phase == "summary" and state.pending is None and state.language == language
    assert state.plan is not None
    assert (state.plan.path, state.plan.due, state.plan.confidence) == ("courses", due, 8)
    assert state.answers["monthly_saving"].number == 3000


def test_with_every_question_a_no_only_the_fallback_path_is_offered(
    engine: OfflineEngine,
) -> None:
    options = converse(engine, {**ANSWERS, "wants_courses": "no"}, until="choose_path")[-1]
    assert options.state.candidate_paths == ["small_steps"]
    assert '"Consistent, slow, small steps forward."' in options.text


@pytest.mark.parametrize(
    ("step", "bad", "hint"),
    [
        ("monthly_saving", "lots", "for example 5000"),
        ("step_date", "someday", "Friday"),
        ("confidence", "high", "0 to 10"),
    ],
)
def test_an_answer_that_does_not_fit_the_kind_is_asked_again_with_a_hint(
    engine: OfflineEngine, step: str, bad: str, hint: str
) -> None:
    state = play(engine, ANSWERS, until=step)
    reply = engine.respond(state, bad)
    assert reply.state.pending == step and reply.state.answers == state.answers
    assert hint in reply.text and engine.flow.step(step).ask("en") in reply.text


def test_a_past_date_is_reasked(engine: OfflineEngine) -> None:
    state = play(engine, ANSWERS, until="step_date")
    reply = engine.respond(state, "2026-11-01")
    assert reply.state.pending == "step_date" and "already passed" in reply.text


def test_language_follows_the_user(engine: OfflineEngine) -> None:
    first = engine.opening(CoachState(language="en"))
    reply = engine.respond(first.state, "Хочу стать дизайнером")
    assert reply.state.language == "ru"
    assert "МАЛЫЙ: сколько в месяц?" in reply.text
    short = engine.respond(reply.state, "ok")  # too short to tell: keeps Russian
    assert short.state.language == "ru"


def test_language_command_switches(engine: OfflineEngine) -> None:
    first = engine.opening(CoachState(language="en"))
    reply = engine.respond(first.state, "/lang ru")
    assert reply.state.language == "ru"
    assert reply.text.startswith("Переключился на русский язык.")
    assert "МАЛЫЙ: какая работа?" in reply.text  # the pending question, asked again
    bad = engine.respond(reply.state, "/lang fr")
    assert bad.state.language == "ru" and "/lang en" in bad.text


def test_user_words_in_replies_are_markdown_escaped(engine: OfflineEngine) -> None:
    first = engine.opening(CoachState())
    reply = engine.respond(first.state, "**[click]**")
    assert "\\*\\*\\[click\\]\\*\\*" in reply.text


def test_the_engine_is_deterministic_and_pure(engine: OfflineEngine) -> None:
    first, second = converse(engine, ANSWERS), converse(engine, ANSWERS)
    assert [r.text for r in first] == [r.text for r in second]
    state = play(engine, ANSWERS, until="wants_courses")
    before = state.model_dump()
    engine.respond(state, "yes")
    assert state.model_dump() == before
