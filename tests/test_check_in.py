"""Check-ins: coming back to a plan on a later day, the coach asks about the step first."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

import pytest
from textual.widgets import Static

from coach.bootstrap import build_context
from coach.cli import main
from coach.session import Context, Session
from coach.settings import Settings
from coach.ui.widgets.messages import CoachMessage
from tests.conftest import FIXED_NOW, llm_settings
from tests.fake_openai import FakeOpenAI
from tests.pilot import SIZE, chat, make_app
from tests.scenarios import ENGLISH_ANSWERS, RUSSIAN_ANSWERS, Answers, play_app, play_session


def clock(days: int) -> Callable[[], datetime]:
    return lambda: FIXED_NOW + timedelta(days=days)


@pytest.fixture
def contexts(settings: Settings) -> Iterator[Callable[[int], Context]]:
    """Contexts on the same data directory, each with its own day."""
    opened: list[Context] = []

    def make(days: int, use: Settings = settings) -> Context:
        ctx = build_context(use, now=clock(days))
        opened.append(ctx)
        return ctx

    yield make
    for ctx in opened:
        ctx.store.close()


async def _planned(ctx: Context, script: Answers, language: str = "en") -> str:
    session = Session.new(ctx, language)  # type: ignore[arg-type]
    await play_session(session, script)
    assert session.state.plan is not None and session.conversation_id is not None
    return session.conversation_id


async def test_a_later_day_opens_with_the_step_and_walks_the_check_in(
    contexts: Callable[[int], Context],
) -> None:
    cid = await _planned(contexts(0), ENGLISH_ANSWERS)
    same_day = Session.resume(contexts(0), cid)
    assert not same_day.ctx.flow.is_check_in(same_day.state.pending)  # no check-in yet

    week_later = contexts(7)
    session = Session.resume(week_later, cid)
    opening = session.messages[-1]
    assert opening.role == "assistant" and opening.id is not None  # saved, before anything
    assert "just open the school's website and write down the fee" in opening.content
    assert "Fri 27 Nov 2026" in opening.content and "How did it go" in opening.content
    assert session.state.pending == "checkin_kept"

    check_in = {
        "checkin_kept": "partly, I found the website",
        "checkin_obstacle": "a double shift on Wednesday",
        "checkin_next": "write down the fee and the deadline",
        "checkin_date": "Tuesday",
    }
    await play_session(session, check_in, until="checkin_obstacle")
    assert "What got in the way" in session.messages[-1].content
    await play_session(session, check_in)
    last = session.messages[-1].content
    assert "Partly is still progress" in last and "write down the fee and the deadline" in last
    state = session.state
    assert state.pending is None and state.plan is not None
    assert state.plan.first_step == "write down the fee and the deadline"
    assert state.plan.due == date(2026, 12, 1)  # the Tuesday after 28 Nov
    check = state.check_ins[-1]
    assert (check.kept, check.note, check.day) == (
        "partly",
        "a double shift on Wednesday",
        date(2026, 11, 28),
    )
    assert check.step == "just open the school's website and write down the fee"
    assert not any(k.startswith("checkin_") for k in state.answers)  # the answers moved

    again = Session.resume(contexts(7), cid)  # the same day: nothing to ask
    assert again.state.pending is None
    later = Session.resume(contexts(15), cid)  # the next week: the new step
    assert "write down the fee and the deadline" in later.messages[-1].content


async def test_done_skips_what_got_in_the_way_in_russian(
    contexts: Callable[[int], Context],
) -> None:
    cid = await _planned(contexts(0), RUSSIAN_ANSWERS, "ru")
    session = Session.resume(contexts(3), cid)
    assert "С возвращением" in session.messages[-1].content
    check_in = {
        "checkin_kept": "да, сделала!",
        "checkin_next": "сходить на собеседование",
        "checkin_date": "в пятницу",
    }
    await play_session(session, check_in, until="checkin_next")  # not what got in the way
    assert "следующий маленький шаг" in session.messages[-1].content
    await play_session(session, check_in)
    assert "Отлично" in session.messages[-1].content
    assert session.state.check_ins[-1].kept == "done" and session.state.check_ins[-1].note == ""


async def test_with_a_model_the_check_in_is_the_same_and_needs_no_request(
    server: FakeOpenAI, contexts: Callable[[int], Context]
) -> None:
    cid = await _planned(contexts(0), ENGLISH_ANSWERS)
    ctx = contexts(7, llm_settings(server.base_url))
    assert ctx.engine.name == "llm"
    session = Session.resume(ctx, cid)
    assert "How did it go" in session.messages[-1].content
    check_in = {
        "checkin_kept": "not yet",
        "checkin_obstacle": "I was sick",
        "checkin_next": "just open the website",
        "checkin_date": "tomorrow",
    }
    assert len(await play_session(session, check_in)) == 4
    assert session.state.check_ins[-1].kept == "not_yet"
    assert "smaller step is easier" in session.messages[-1].content
    assert server.requests == []
    await ctx.engine.aclose()


async def test_the_app_opens_with_the_check_in_and_shows_the_history(
    settings: Settings, contexts: Callable[[int], Context]
) -> None:
    cid = await _planned(contexts(0), ENGLISH_ANSWERS)
    ctx = contexts(7)
    app = make_app(settings, ctx, resume_id=cid)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "How did it go" in list(app.screen.query(CoachMessage))[-1].text
        check_in = {
            "checkin_kept": "done",
            "checkin_next": "call the admissions office",
            "checkin_date": "Friday",
        }
        await play_app(pilot, check_in)
        assert chat(pilot).session.state.check_ins
        history = str(app.screen.query_one("#checkins", Static).render())
        assert "✓" in history and "done" in history and "1 steps done" in history


async def test_coach_list_marks_a_step_that_is_due(
    contexts: Callable[[int], Context], capsys: pytest.CaptureFixture[str]
) -> None:
    await _planned(contexts(-30), ENGLISH_ANSWERS)  # planned a month ago: its Friday has passed
    assert main(["list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[4] == "STEP" and out[1].split()[4] == "due"
