"""Helpers for driving the app in pilot tests the way a person types."""

from __future__ import annotations

import asyncio

from textual.pilot import Pilot

from coach.session import Context
from coach.settings import Settings
from coach.ui.app import CoachApp
from coach.ui.factory import build_app
from coach.ui.screens.chat import ChatScreen
from coach.ui.screens.lessons import LessonsScreen
from coach.ui.widgets.chat_input import ChatInput

SIZE = (100, 32)


def make_app(settings: Settings, ctx: Context, resume_id: str | None = None) -> CoachApp:
    app = build_app(settings, ctx, resume_id)
    return app


async def send(pilot: Pilot[None], text: str) -> None:
    """Put a message in the box, press a real Enter, and wait until the turn is saved.

    Typing key by key costs ~25 ms a key in a pilot; the keystroke path has its own tests
    (test_fast_typing_keeps_every_character, test_ctrl_j_adds_a_new_line_and_enter_sends_both).
    """
    app = pilot.app
    box = app.screen.query_one(ChatInput)
    box.focus()
    box.insert(text)
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


def chat(pilot: Pilot[None]) -> ChatScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ChatScreen)
    return screen


async def quote_shown(pilot: Pilot[None], timeout: float = 30.0) -> LessonsScreen:
    """Wait until the open lesson reader has put the cited passage on screen for good.

    The reader scrolls to the quote once, after the Markdown is laid out, and then posts
    LessonsScreen.QuoteShown (setting ``quote_shown``); nothing moves after that, so a
    snapshot taken then is the same every run. The timeout only turns a reader that never
    says so into a failure rather than a hang; the wait itself ends on the app's signal.
    """
    screen = pilot.app.screen
    assert isinstance(screen, LessonsScreen), f"the lesson reader is not open: {screen!r}"
    try:
        await asyncio.wait_for(screen.quote_shown.wait(), timeout)
    except TimeoutError:
        raise AssertionError("the lesson reader never said the quote was shown") from None
    return screen
