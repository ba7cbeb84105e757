"""A new question in the Reality phase is a data change: whole sessions still reach the plan.

Done-when of issue 14. Each test copies ``prompts/flow``, adds one question of eight lines to
the Reality phase (the way a course author would), loads the copy, and plays the usual
scripts, answers keyed by step id, through the offline engine, a saved session, plain mode
and the app. The plan must come out as it does from the shipped flow: nothing in the tests
counts questions or takes answers by position.
"""

from __future__ import annotations

import io
import shutil
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from coach.bootstrap import build_context
from coach.cli import main
from coach.domain.flow import Flow, load_flow
from coach.domain.lessons import LessonLibrary
from coach.domain.plan import Plan
from coach.domain.text import Language
from coach.engines.offline import OfflineEngine
from coach.session import Context, Session
from coach.settings import resolve_settings
from tests.conftest import fixed_now
from tests.scenarios import (
    ENGLISH_ANSWERS,
    RUSSIAN_ANSWERS,
    Answers,
    lines,
    play,
    play_app,
    play_session,
)

FLOW_DIR = Path(__file__).resolve().parents[1] / "prompts" / "flow"
TODAY = date(2026, 11, 21)


def _question(step: str, kind: str) -> str:
    """Eight lines of YAML: one more Reality question, with no answer in any script."""
    return f"""  - id: {step}
    why: {{en: "It changes the plan.", ru: "От этого зависит план."}}
    phase: reality
    kind: {kind}
    label: {{en: New question, ru: Новый вопрос}}
    ask:
      en: "One more thing about where you are today: {kind}?"
      ru: "Ещё одно о том, где вы сейчас: {kind}?"
"""


def with_question(tmp_path: Path, block: str, before: str = "q_diploma") -> Path:
    """A copy of the shipped flow folder with ``block`` inserted before step ``before``."""
    folder = tmp_path / "flow"
    shutil.copytree(FLOW_DIR, folder)
    flow_file = folder / "flow.yaml"
    text = flow_file.read_text(encoding="utf-8")
    anchor = f"  - id: {before}\n"
    assert text.count(anchor) == 1, f"no single step {before!r} to insert before"
    flow_file.write_text(text.replace(anchor, block + anchor), encoding="utf-8")
    return folder


def _plan(flow: Flow, lessons: LessonLibrary, answers: Answers, language: Language) -> Plan:
    state = play(OfflineEngine(flow, lessons, lambda: TODAY), answers, language=language)
    assert state.phase == "summary" and state.plan is not None, state.pending
    return state.plan


# Kinds a course author may add, and where: among the lesson's questions, first in the phase,
# and last before the path choice. None of them has an answer in the scripts.
ADDED = [
    pytest.param("supports_family", "yesno", "q_diploma", id="yesno-among-the-lesson-questions"),
    pytest.param("commute", "text", "in_call_center", id="text-first-in-reality"),
    pytest.param("dependants", "number", "choose_path", id="number-last-before-options"),
    pytest.param("savings_now", "amount", "q_courses", id="amount-between-lesson-questions"),
]


@pytest.mark.parametrize(("step", "kind", "before"), ADDED)
@pytest.mark.parametrize(
    ("answers", "language"), [(ENGLISH_ANSWERS, "en"), (RUSSIAN_ANSWERS, "ru")], ids=["en", "ru"]
)
def test_a_new_reality_question_is_asked_and_the_plan_is_the_same(
    tmp_path: Path,
    flow: Flow,
    lessons: LessonLibrary,
    step: str,
    kind: str,
    before: str,
    answers: Answers,
    language: Language,
) -> None:
    copy = load_flow(with_question(tmp_path, _question(step, kind), before))
    assert copy.step(step).phase == "reality" and len(copy.steps) == len(flow.steps) + 1
    state = play(OfflineEngine(copy, lessons, lambda: TODAY), answers, language=language)
    assert step in state.answers  # it was asked, and the script answered it
    assert state.plan is not None
    assert state.plan == _plan(flow, lessons, answers, language)


def test_an_answer_keyed_by_the_new_step_id_is_the_one_typed(
    tmp_path: Path, lessons: LessonLibrary
) -> None:
    copy = load_flow(with_question(tmp_path, _question("commute", "text")))
    answers = {**ENGLISH_ANSWERS, "commute": "an hour by jeepney each way"}
    state = play(OfflineEngine(copy, lessons, lambda: TODAY), answers)
    assert "jeepney" in state.answers["commute"].text
    assert state.plan is not None and state.plan.path == "tuition"


@pytest.fixture
def copied_ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Context]:
    """The app's context, as configured by COACH_FLOW_DIR, on a flow with one more question."""
    monkeypatch.setenv("COACH_FLOW_DIR", str(with_question(tmp_path, _question("family", "yesno"))))
    context = build_context(resolve_settings(), now=fixed_now)
    assert "family" in {s.id for s in context.flow.steps}
    yield context
    context.store.close()


async def test_a_saved_session_on_the_new_flow_reaches_the_plan(
    copied_ctx: Context, flow: Flow, lessons: LessonLibrary
) -> None:
    session = Session.new(copied_ctx, "en")
    await play_session(session, ENGLISH_ANSWERS)
    assert session.state.plan == _plan(flow, lessons, ENGLISH_ANSWERS, "en")
    assert session.conversation_id is not None
    saved = Session.resume(copied_ctx, session.conversation_id)
    assert saved.state.plan == session.state.plan and "family" in saved.state.answers


def test_plain_mode_on_the_new_flow_ends_with_the_plan(
    copied_ctx: Context,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    engine = copied_ctx.engine
    assert isinstance(engine, OfflineEngine)
    typed = lines(ENGLISH_ANSWERS, engine=engine)
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in typed)))
    assert main(["--plain"]) == 0
    out = capsys.readouterr().out
    assert "One more thing about where you are today" in out
    assert "120,000 ÷ 5,000 a month = about 24 months" in out


async def test_the_app_on_the_new_flow_reaches_the_plan(
    copied_ctx: Context, flow: Flow, lessons: LessonLibrary
) -> None:
    from tests.pilot import SIZE, chat, make_app

    app = make_app(resolve_settings(), copied_ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await play_app(pilot, ENGLISH_ANSWERS)
        state = chat(pilot).session.state
        assert "family" in state.answers
        assert state.plan == _plan(flow, lessons, ENGLISH_ANSWERS, "en")
