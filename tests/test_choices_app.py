"""Pilot tests: a question's fixed answers as choices above the input, picked by key or click."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from coach.bootstrap import build_context
from coach.domain.machine import quick_answers
from coach.engines.base import EngineEvent
from coach.session import Context
from coach.settings import Settings, resolve_settings
from coach.ui.screens.help import HelpScreen
from coach.ui.screens.lessons import LessonsScreen
from coach.ui.strings import t
from coach.ui.widgets.chat_input import ChatInput
from coach.ui.widgets.choices import ChoiceItem, Choices
from coach.ui.widgets.messages import UserMessage
from tests.conftest import fixed_now
from tests.pilot import SIZE, chat, make_app, send
from tests.scenarios import ENGLISH_ANSWERS, RUSSIAN_ANSWERS, play_app


def row(pilot: Pilot[None]) -> Choices:
    return pilot.app.screen.query_one("#choices", Choices)


def shown(pilot: Pilot[None]) -> list[str]:
    """The choices as the row shows them, or [] when the row is hidden."""
    choices = row(pilot)
    if not choices.display:
        return []
    items = choices.query(ChoiceItem).results(ChoiceItem)
    return [str(item.render()) for item in items if item.display]


async def until(pilot: Pilot[None], condition: Callable[[], bool], tries: int = 200) -> None:
    """Let the app process its messages until ``condition()`` holds."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    raise AssertionError("the condition never held")


async def turn_done(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def user_said(pilot: Pilot[None]) -> list[str]:
    return [m.content for m in chat(pilot).session.messages if m.role == "user"]


async def test_a_yes_no_question_offers_yes_no_not_sure_and_a_key_sends_one(
    settings: Settings, ctx: Context
) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await play_app(pilot, ENGLISH_ANSWERS, until="in_call_center")
        assert shown(pilot) == ["[F2] yes", "[F3] no", "[F4] not sure"]
        assert str(row(pilot).query_one("#choices-label").render()) == "Pick:"
        await pilot.press("f2")
        await turn_done(pilot)
        state = chat(pilot).session.state
        assert user_said(pilot)[-1] == "yes"
        assert state.answers["in_call_center"].value == "yes"
        assert state.pending == "shift"  # the next question came
        assert shown(pilot) == []  # a free-text question: no row
        assert app.screen.query_one(ChatInput).text == ""  # the key typed nothing
        assert str(list(app.screen.query(UserMessage))[-1].render()) == "yes"


async def test_a_click_on_a_choice_sends_it(settings: Settings, ctx: Context) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await play_app(pilot, ENGLISH_ANSWERS, until="in_call_center")
        await pilot.click("#choice-2")
        await turn_done(pilot)
        state = chat(pilot).session.state
        assert user_said(pilot)[-1] == "no"
        assert state.answers["in_call_center"].value == "no"
        assert state.pending == "line"
        # The next fixed answers: the two lines, and "not sure".
        assert shown(pilot) == ["[F2] inbound", "[F3] outbound", "[F4] not sure"]
        await pilot.click("#choice-2")
        await turn_done(pilot)
        assert chat(pilot).session.state.answers["line"].value == "outbound"


async def test_a_free_text_question_shows_no_choices_and_keys_do_nothing(
    settings: Settings, ctx: Context
) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert chat(pilot).session.state.pending == "dream_job"
        assert shown(pilot) == []
        await send(pilot, ENGLISH_ANSWERS["dream_job"])
        assert chat(pilot).session.state.pending == "why"
        assert shown(pilot) == []
        await pilot.press("f2")
        await turn_done(pilot)
        assert user_said(pilot) == [ENGLISH_ANSWERS["dream_job"]]
        assert app.screen.query_one(ChatInput).text == ""


async def test_the_path_choice_offers_numbered_paths_and_picks_one(
    settings: Settings, ctx: Context
) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await play_app(pilot, ENGLISH_ANSWERS, until="choose_path")
        session = chat(pilot).session
        flow, state = session.ctx.flow, session.state
        paths = state.candidate_paths
        assert len(paths) >= 2 and "tuition" in paths
        expected = [f"[F{n + 1}] {n}. {flow.path(p).title('en')}" for n, p in enumerate(paths, 1)]
        assert shown(pilot) == expected
        assert row(pilot).has_class("-stacked")  # long titles: one per line
        number = paths.index("tuition") + 1
        await pilot.press(f"f{number + 1}")
        await turn_done(pilot)
        assert user_said(pilot)[-1] == str(number)  # sent as the number, as typed
        assert chat(pilot).session.state.chosen_path == "tuition"
        assert chat(pilot).session.state.pending == "first_step"
        assert shown(pilot) == []


async def test_in_russian_the_choices_are_russian(settings: Settings, ctx: Context) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await play_app(pilot, RUSSIAN_ANSWERS, until="in_call_center")
        assert chat(pilot).session.state.language == "ru"
        assert shown(pilot) == ["[F2] да", "[F3] нет", "[F4] не уверен(а)"]
        assert str(row(pilot).query_one("#choices-label").render()) == "Выберите:"
        await pilot.press("f3")
        await turn_done(pilot)
        assert user_said(pilot)[-1] == "нет"
        assert chat(pilot).session.state.pending == "line"
        assert shown(pilot) == ["[F2] входящая", "[F3] исходящая", "[F4] не уверен(а)"]


async def test_while_a_reply_is_in_flight_the_row_hides_and_keys_do_nothing(
    settings: Settings, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await play_app(pilot, ENGLISH_ANSWERS, until="in_call_center")
        session = chat(pilot).session
        gate = asyncio.Event()
        events = session.events

        async def held(text: str) -> AsyncIterator[EngineEvent]:
            await gate.wait()
            async for event in events(text):
                yield event

        monkeypatch.setattr(session, "events", held)
        await pilot.press("f2")
        await until(pilot, lambda: user_said(pilot)[-1] == "yes")
        assert chat(pilot).busy and shown(pilot) == []
        await pilot.press("f3", "f4")
        await pilot.pause()
        assert user_said(pilot).count("yes") == 1 and user_said(pilot)[-1] == "yes"
        assert app.screen.query_one(ChatInput).text == ""  # and typed nothing
        gate.set()
        await turn_done(pilot)
        assert session.state.answers["in_call_center"].value == "yes"
        assert session.state.pending == "shift"
        assert user_said(pilot)[-1] == "yes"


async def test_a_resumed_conversation_shows_its_choices(settings: Settings, ctx: Context) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await play_app(pilot, ENGLISH_ANSWERS, until="q_courses")
        await pilot.press("ctrl+q")
    resumed = make_app(settings, ctx, ctx.store.latest())
    async with resumed.run_test(size=SIZE) as pilot:
        await turn_done(pilot)
        session = chat(pilot).session
        assert session.state.pending == "q_courses"
        assert shown(pilot) == ["[F2] yes", "[F3] no", "[F4] not sure"]
        await pilot.press("f4")
        await turn_done(pilot)
        assert session.state.answers["q_courses"].value == "unsure"


async def test_paused_coaching_shows_no_choices(settings: Settings, ctx: Context) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await play_app(pilot, ENGLISH_ANSWERS, until="in_call_center")
        assert shown(pilot) != []
        await send(pilot, "I want to kill myself")
        state = chat(pilot).session.state
        assert state.paused and quick_answers(chat(pilot).session.ctx.flow, state) == []
        assert shown(pilot) == []
        await pilot.press("f2")
        await turn_done(pilot)
        assert user_said(pilot)[-1] == "I want to kill myself"


async def test_a_key_given_to_an_action_in_the_config_file_is_not_a_choice_key(
    tmp_path: Path,
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nlessons = "f2"\n', encoding="utf-8")
    settings = resolve_settings(
        {"COACH_CONFIG": str(config), "COACH_DATA_DIR": str(tmp_path / "d")}
    )
    ctx = build_context(settings, now=fixed_now)
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await play_app(pilot, ENGLISH_ANSWERS, until="in_call_center")
        assert shown(pilot) == ["[F3] yes", "[F4] no", "[F5] not sure"]
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, LessonsScreen))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, LessonsScreen))
        await pilot.press("f3")
        await turn_done(pilot)
        assert user_said(pilot)[-1] == "yes"
    ctx.store.close()


async def test_the_help_lists_the_choice_keys(settings: Settings, ctx: Context) -> None:
    from textual.widgets import DataTable

    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["Chat", "f2…f9", t("key_choose", "en")] in rows


async def test_short_choices_take_one_line_even_at_80_columns(
    settings: Settings, ctx: Context
) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await play_app(pilot, RUSSIAN_ANSWERS, until="in_call_center")
        await pilot.pause()
        assert not row(pilot).has_class("-stacked") and row(pilot).size.height == 1
