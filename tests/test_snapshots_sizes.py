"""Snapshots of the main screens in English and Russian, at 80x24 and 120x40.

The pictures are in tests/__snapshots__/test_snapshots_sizes/. Each test's docstring says
what every one of its four pictures must show.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from coach.session import Context
from coach.settings import Settings
from coach.ui.widgets.chat_input import ChatInput
from tests.pilot import make_app, quote_shown, send
from tests.scenarios import ENGLISH_ANSWERS, RUSSIAN_ANSWERS, play_app

SIZES = [(80, 24), (120, 40)]
SCRIPTS = {"en": ENGLISH_ANSWERS, "ru": RUSSIAN_ANSWERS}
MID_SESSION = {"en": "burnt_out", "ru": "q_diploma"}  # six answers in, either way
CASES = pytest.mark.parametrize(
    ("lang", "size"), [(lang, size) for lang in SCRIPTS for size in SIZES]
)


async def _steady(pilot: Pilot[None]) -> None:
    for widget in pilot.app.screen.query(ChatInput):
        widget.cursor_blink = False
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@CASES
def test_chat_mid_session(snap_compare, settings: Settings, ctx: Context, lang, size) -> None:  # type: ignore[no-untyped-def]
    """Mid-session in Reality, in the user's language: the last answers and the next
    question, the input box with its hint whole at the bottom, the key bar in the same
    language, and the side panel with Opening and Goal ✓ and Reality ▶ (at 80x24 the panel
    is narrower but all three phases' markers still show)."""

    async def run_before(pilot: Pilot[None]) -> None:
        await play_app(pilot, SCRIPTS[lang], until=MID_SESSION[lang])
        await _steady(pilot)

    assert snap_compare(make_app(settings, ctx), terminal_size=size, run_before=run_before)


@CASES
def test_plan_card(snap_compare, settings: Settings, ctx: Context, lang, size) -> None:  # type: ignore[no-untyped-def]
    """The end of the session: the plan card in the chat (English: tuition, 24 months;
    Russian: «Ваш план», the get-hired path) and in the side panel, every phase ✓, and the
    input still whole at the bottom even at 80x24."""

    async def run_before(pilot: Pilot[None]) -> None:
        await play_app(pilot, SCRIPTS[lang])
        await _steady(pilot)

    assert snap_compare(make_app(settings, ctx), terminal_size=size, run_before=run_before)


@CASES
def test_conversations(snap_compare, settings: Settings, ctx: Context, lang, size) -> None:  # type: ignore[no-untyped-def]
    """The conversations list in the interface language: heading, search box, two rows
    newest first with phase, step, last activity and messages, and the keys Resume, Search,
    Rename, Delete, New, Back."""

    async def run_before(pilot: Pilot[None]) -> None:
        await send(pilot, SCRIPTS[lang]["dream_job"])
        await pilot.press("ctrl+n")
        await send(pilot, "a chef" if lang == "en" else "повар")
        await pilot.press("ctrl+o")
        await _steady(pilot)

    assert snap_compare(make_app(settings, ctx), terminal_size=size, run_before=run_before)


@CASES
def test_lessons(snap_compare, settings: Settings, ctx: Context, lang, size) -> None:  # type: ignore[no-untyped-def]
    """The lesson reader opened from the chat after the paths were offered: the three
    lessons listed with language and source, the cited lesson shown with its quoted
    passage framed and titled as the coach's quote, headings in the interface language."""

    async def run_before(pilot: Pilot[None]) -> None:
        await play_app(pilot, SCRIPTS[lang], until="first_step")  # a path chosen
        await pilot.press("ctrl+l")
        await quote_shown(pilot)  # the reader scrolled to the quote and will not move again
        await _steady(pilot)

    assert snap_compare(make_app(settings, ctx), terminal_size=size, run_before=run_before)


@CASES
def test_help(snap_compare, settings: Settings, ctx: Context, lang, size) -> None:  # type: ignore[no-untyped-def]
    """The help dialog over the chat: every key with where it works and what it does, in
    the interface language, and the note that every action is also in the palette."""

    async def run_before(pilot: Pilot[None]) -> None:
        await send(pilot, SCRIPTS[lang]["dream_job"])
        await pilot.press("f1")
        await _steady(pilot)

    assert snap_compare(make_app(settings, ctx), terminal_size=size, run_before=run_before)
