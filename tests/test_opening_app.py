"""A start drawn from the opening cache (issue 16): the kept first screen shows at once, looks
like the chat it stands for, takes typing, and hands over to the real chat screen."""

from __future__ import annotations

import asyncio
import re
import signal
import threading
from collections.abc import Callable

import pytest

from coach.bootstrap import build_context
from coach.opening_cache import Opening, read, slot_for
from coach.session import Context
from coach.settings import Settings, SettingsError, resolve_settings
from coach.ui import app as app_module
from coach.ui.app import CoachApp
from coach.ui.base import Loading, Wiring
from coach.ui.factory import build_app, wiring
from coach.ui.screens.chat import ChatScreen
from coach.ui.screens.opening import OpeningScreen, capture
from coach.ui.widgets.chat_input import ChatInput
from tests.conftest import fixed_now
from tests.pilot import SIZE, make_app


async def kept_opening(settings: Settings, ctx: Context) -> Opening:
    """What an ordinary start's first chat screen showed."""
    async with make_app(settings, ctx).run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)  # the key bar fills in after the first refresh
        screen = pilot.app.screen
        assert isinstance(screen, ChatScreen)
        opening = capture(screen, "en", pilot.app.options.theme)
    assert opening is not None
    return opening


def held(make: Callable[[], Wiring]) -> tuple[Callable[[], Wiring], threading.Event]:
    """A loader that waits until the test lets it go, as a slow disk would."""
    release = threading.Event()

    def load() -> Wiring:
        release.wait(10)
        return make()

    return load, release


def _cells(app: CoachApp) -> tuple[list[str], set[tuple[str, ...]], list[str]]:
    """What a screenshot paints: its text runs, background cells and styles.

    The SVG itself may split one run of a colour into several rectangles (a Markdown block
    ends where a Static's line goes on), so those are compared as the set they paint.
    """
    app.screen.query_one(ChatInput).cursor_blink = False  # the cursor, drawn steadily
    svg = re.sub(r"terminal-[0-9]+", "terminal", app.export_screenshot())
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    rects = re.findall(r'<rect fill="([^"]+)" x="([^"]+)" y="([^"]+)" width="([^"0][^"]*)"', svg)
    styles = re.findall(r"\.terminal-r\d+ \{[^}]*\}", svg)
    return texts, {r[:3] for r in rects}, styles


async def held_start(settings: Settings, ctx: Context) -> tuple[CoachApp, threading.Event]:
    """An app started from an ordinary start's kept screen, its loading held by the test."""
    load, release = held(lambda: wiring(settings, ctx))
    return CoachApp(Loading(await kept_opening(settings, ctx), load)), release


async def until_chat(app: CoachApp) -> ChatScreen:
    for _ in range(200):
        if isinstance(app.screen, ChatScreen) and app._loaded.is_set():
            return app.screen
        await asyncio.sleep(0.02)
    raise AssertionError(f"the chat screen never replaced {app.screen!r}")


@pytest.mark.parametrize(("language", "question"), [("en", "dream job"), ("ru", "работа мечты")])
async def test_the_opening_screen_looks_like_the_chat_it_stands_for(
    language: str, question: str
) -> None:
    settings = resolve_settings(language=language)
    ctx = build_context(settings, now=fixed_now)
    opening = await kept_opening(settings, ctx)
    assert question in opening.messages[-1].text
    load, release = held(lambda: wiring(settings, ctx))
    app = CoachApp(Loading(opening, load))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OpeningScreen)
        assert capture(app.screen, "en", app.options.theme) == opening  # widget by widget
        drawn = _cells(app)
        release.set()
        chat = await until_chat(app)
        await pilot.pause(0.3)
        assert capture(chat, "en", app.options.theme) == opening
        assert _cells(app) == drawn  # and cell by cell, colours included
    ctx.store.close()


async def test_words_typed_before_loading_ends_are_sent_once_it_has(
    settings: Settings, ctx: Context
) -> None:
    app, release = await held_start(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"a nurse", "enter")
        release.set()
        chat = await until_chat(app)
        for _ in range(100):
            await app.workers.wait_for_complete()
            if any(m.role == "user" for m in chat.session.messages):
                break
            await pilot.pause(0.05)
        cid = chat.session.conversation_id
    assert cid is not None
    assert [m.content for m in ctx.store.messages(cid) if m.role == "user"] == ["a nurse"]


async def test_quitting_while_loading_keeps_what_was_typed(
    settings: Settings, ctx: Context
) -> None:
    app, release = await held_start(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"half a tho")
        await pilot.press("ctrl+q")  # noted; it quits once loaded, keeping the words
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
    latest = ctx.store.latest()
    assert latest is not None
    assert ctx.store.conversation(latest).draft == "half a tho"


async def test_a_failed_load_hands_over_to_the_ordinary_start(
    settings: Settings, ctx: Context
) -> None:
    opening = await kept_opening(settings, ctx)

    def load() -> Wiring:
        raise SettingsError("config.toml: not valid TOML")

    app = CoachApp(Loading(opening, load))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
    assert app.fell_back  # coach.start runs the ordinary start, which reports it as always
    assert app.return_code == 1


async def test_a_new_conversations_first_screen_is_kept_for_the_next_start(
    settings: Settings, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "KEEP_OPENING_DELAY", 0.05)
    slot = slot_for([], {"COACH_CACHE_DIR": str(settings.data_dir.parent / "openings")})
    app = build_app(settings, ctx, slot=slot)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        screen = app.screen
        assert isinstance(screen, ChatScreen)
        shown = capture(screen, "en", app.options.theme)
    found = read(slot)
    assert found is not None
    assert found == (shown, settings.data_dir)


async def test_a_resumed_conversation_is_never_kept(
    settings: Settings, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.pilot import send

    monkeypatch.setattr(app_module, "KEEP_OPENING_DELAY", 0.05)
    slot = slot_for([], {"COACH_CACHE_DIR": str(settings.data_dir.parent / "openings")})
    async with build_app(settings, ctx).run_test(size=SIZE) as pilot:
        await send(pilot, "a nurse")
    app = build_app(settings, ctx, resume_id=ctx.store.latest(), slot=slot)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
    assert not slot.path.exists()  # the user's words are never in the cache


async def test_a_signal_while_loading_quits_once_loaded_keeping_what_was_typed(
    settings: Settings, ctx: Context
) -> None:
    app, release = await held_start(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"half a tho")
        app._stop(signal.SIGTERM)  # `kill`, with coach still loading
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
    assert app.return_code == 128 + signal.SIGTERM
    latest = ctx.store.latest()
    assert latest is not None
    assert ctx.store.conversation(latest).draft == "half a tho"


async def test_words_typed_before_loading_ends_wait_in_the_chats_box(
    settings: Settings, ctx: Context
) -> None:
    app, release = await held_start(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"a nur")
        release.set()
        chat = await until_chat(app)
        await pilot.press(*"se")  # the box goes on where the opening screen's left off
        await pilot.pause()
        assert chat.chat_input.text == "a nurse"
        assert not chat.session.messages[1:]  # nothing sent without an Enter


def test_text_that_looks_like_markup_is_kept_as_it_is() -> None:
    """Markup would read "Press [Enter]" back as "Press " (a language pack's key hint, say)."""
    from textual.content import Content
    from textual.widgets import Static

    from coach.ui.screens.opening import _content, _part

    shown = Content("Press [Enter] to send [$accent]now").stylize("bold", 0, 5)
    part = _part(Static(shown))
    assert part is not None
    assert _content(part).plain == shown.plain == "Press [Enter] to send [$accent]now"
    assert _content(part) == shown
