"""Helpers for driving the app in pilot tests the way a person types."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from coach.session import Context
from coach.settings import Settings
from coach.ui.app import CoachApp
from coach.ui.factory import build_app
from coach.ui.screens.chat import ChatScreen
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


async def settle(pilot: Pilot[None], probe: Callable[[], object], tries: int = 200) -> None:
    """Wait until ``probe()`` gives the same truthy value three times in a row.

    For screens that finish after a refresh (the reader scrolls to a quote only once the
    Markdown is laid out), so a snapshot is not taken halfway on a slow machine.
    """
    seen: list[object] = []
    for _ in range(tries):
        await pilot.pause(0.02)
        value = probe()
        seen = [*seen[-2:], value]
        if value and len(seen) == 3 and seen[0] == seen[1] == seen[2]:
            return
    raise AssertionError(f"the screen never settled; last probe: {seen}")


def reader_at_quote(pilot: Pilot[None]) -> Callable[[], object]:
    """A probe for settle(): the reader's scroll offset once it has moved to the cited block."""

    def probe() -> object:
        screen = pilot.app.screen
        cited = list(screen.query(".cited"))
        reader = screen.query("#reader")
        if not cited or not reader or reader.first().scroll_y <= 0:
            return None
        return reader.first().scroll_y

    return probe
