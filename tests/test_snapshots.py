"""Snapshots of the main screens at 100x32, with a fixed clock and no cursor blink."""

from __future__ import annotations

from textual.pilot import Pilot

from coach.session import Context
from coach.settings import Settings
from coach.ui.widgets.chat_input import ChatInput
from tests.pilot import SIZE, make_app, send
from tests.scenarios import ENGLISH_ANSWERS, RUSSIAN_ANSWERS, play_app


async def _steady(pilot: Pilot[None]) -> None:
    for widget in pilot.app.screen.query(ChatInput):
        widget.cursor_blink = False
    await pilot.pause()


def test_chat_opening(snap_compare, settings: Settings, ctx: Context) -> None:  # type: ignore[no-untyped-def]
    """The first screen a new user sees: the coach's introduction (AI coach, not a therapist or
    adviser, stays on this computer) and the first question on the left; the OFFLINE GUIDED
    MODE badge top right; the side panel with Opening done and Goal current; an empty input
    with its hint; Send and New line keys in the footer."""
    assert snap_compare(make_app(settings, ctx), terminal_size=SIZE, run_before=_steady)


def test_chat_mid_session(snap_compare, settings: Settings, ctx: Context) -> None:  # type: ignore[no-untyped-def]
    """Mid-session, in Reality: the last exchange about money left each month, then the first
    Question to Consider (diploma). The side panel marks Opening and Goal done (✓) and Reality
    current (▶), and lists the eight answers so far, amounts read as numbers."""

    async def run_before(pilot: Pilot[None]) -> None:
        await play_app(pilot, ENGLISH_ANSWERS, until="q_diploma")
        await _steady(pilot)

    assert snap_compare(make_app(settings, ctx), terminal_size=SIZE, run_before=run_before)


def test_plan_card_english(snap_compare, settings: Settings, ctx: Context) -> None:  # type: ignore[no-untyped-def]
    """The end of an English session: the plan card in the chat and in the side panel, with
    the tuition path cited to its lesson, the smaller first step by Fri 27 Nov 2026, the
    if-then plan, confidence 8/10 and 120,000 ÷ 5,000 = about 24 months; every phase ✓."""

    async def run_before(pilot: Pilot[None]) -> None:
        await play_app(pilot, ENGLISH_ANSWERS)
        await _steady(pilot)

    assert snap_compare(make_app(settings, ctx), terminal_size=SIZE, run_before=run_before)


def test_plan_card_russian(snap_compare, settings: Settings, ctx: Context) -> None:  # type: ignore[no-untyped-def]
    """The end of a Russian session: «Ваш план» with the get-hired path from the Russian
    lesson, the step by вс, 22 ноября 2026, and no savings line. The badge, the input hint,
    the message labels and the side panel are all in Russian, though the app started in English."""

    async def run_before(pilot: Pilot[None]) -> None:
        await play_app(pilot, RUSSIAN_ANSWERS)
        await _steady(pilot)

    assert snap_compare(make_app(settings, ctx), terminal_size=SIZE, run_before=run_before)


def test_conversations_screen(snap_compare, settings: Settings, ctx: Context) -> None:  # type: ignore[no-untyped-def]
    """The conversations list: two rows, newest first ("a chef" in Goal, then "a pilot"),
    each with phase, last activity 2026-11-21 09:30 and message count; footer keys Resume,
    Delete, New, Back."""

    async def run_before(pilot: Pilot[None]) -> None:
        await send(pilot, "a pilot")
        await pilot.press("ctrl+n")
        await send(pilot, "a chef")
        await pilot.press("ctrl+o")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(settings, ctx), terminal_size=SIZE, run_before=run_before)


def test_llm_chat_with_a_failed_turn(snap_compare, server, llm_ctx: Context) -> None:  # type: ignore[no-untyped-def]
    """With a language model: the model name top right (no offline badge), two streamed
    replies that recorded the goal and the situation, then a 503: the user's message stays,
    and a red line above the input says what happened and that ctrl+r retries. The side
    panel shows the answers the tools recorded and the Context meter; Esc Stop and ^r Retry
    are in the key bar."""
    from tests.conftest import llm_settings
    from tests.fake_openai import Script
    from tests.llm_script import ENGLISH_LLM

    async def run_before(pilot: Pilot[None]) -> None:
        for user, scripts in ENGLISH_LLM[:2]:
            server.add(*scripts)
            await send(pilot, user)
        server.add(Script(fault="503"))
        await send(pilot, "Yes, I need a nursing degree")
        await _steady(pilot)

    app = make_app(llm_settings(server.base_url), llm_ctx)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_activity_editor_with_feedback(snap_compare, settings: Settings, ctx: Context) -> None:  # type: ignore[no-untyped-def]
    """The activity editor after a first save: the title "Your savings plan in numbers", the
    lesson it comes from and the instructions; the user's two lines in the text area; the
    word count and "Version 1" with the Save and Skip buttons; below, the feedback with ✓ for
    the amount and the monthly saving, ✗ for the date and where the money sits, and one
    question to go deeper; the key bar with Save and Close."""
    from textual.widgets import TextArea

    async def run_before(pilot: Pilot[None]) -> None:
        await play_app(pilot, ENGLISH_ANSWERS, until="first_step")
        await pilot.press("ctrl+t")
        await pilot.pause()
        area = pilot.app.screen.query_one("#writing", TextArea)
        area.insert("I need 120,000 pesos for nursing school.\nI will save 5,000 every month.")
        area.cursor_blink = False
        await pilot.press("ctrl+s")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(settings, ctx), terminal_size=SIZE, run_before=run_before)


def test_course_view_russian(snap_compare, settings: Settings, ctx: Context) -> None:  # type: ignore[no-untyped-def]
    """The course view in Russian on the get-hired path: «Курс», the activities with a marker
    and a status in words (the inbound/outbound one «пропущено» with –, the rest «доступно»
    or «другой путь»), the two lessons cited by the coach under «Прочитанные уроки», and the
    first activity's instructions on the right."""

    async def run_before(pilot: Pilot[None]) -> None:
        await play_app(pilot, RUSSIAN_ANSWERS, until="first_step")
        await send(pilot, "/skip")
        await pilot.press("ctrl+g")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(settings, ctx), terminal_size=SIZE, run_before=run_before)
