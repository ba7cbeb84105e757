"""Words typed but not sent are on disk within a second, and kept when a bug ends the app."""

from __future__ import annotations

import pytest
from textual.worker import WorkerFailed

from coach.session import Context, Session
from coach.settings import Settings
from coach.store.opening import open_store
from coach.ui import drafts
from coach.ui.app import CoachApp
from coach.ui.widgets.chat_input import ChatInput
from tests.pilot import SIZE, chat, make_app, send


def _draft_on_disk(settings: Settings) -> str | None:
    """The latest conversation's draft, read through a second connection as a restart would."""
    store = open_store(settings.data_dir)
    try:
        latest = store.latest()
        return None if latest is None else store.conversation(latest).draft
    finally:
        store.close()


async def test_typing_keeps_the_draft_without_quitting(
    settings: Settings, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(drafts, "DRAFT_EVERY", 0.05)
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "a nurse")
        await pilot.press(*"half a tho")
        await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        assert _draft_on_disk(settings) == "half a tho"
        await pilot.press(*"ught")  # steady typing goes on being kept
        await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        assert _draft_on_disk(settings) == "half a thought"
        await pilot.press("enter")  # sent: it is a message now, not a draft
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        assert _draft_on_disk(settings) == ""
        assert chat(pilot).session.messages[-2].content == "half a thought"


async def test_a_new_conversation_is_kept_for_its_draft_alone(
    settings: Settings, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typing in a fresh conversation is worth keeping even before anything is sent."""
    monkeypatch.setattr(drafts, "DRAFT_EVERY", 0.05)
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"nurse")
        await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        assert _draft_on_disk(settings) == "nurse"


def test_a_draft_read_before_a_message_was_sent_is_not_kept(ctx: Context) -> None:
    """The timer read "half a" from the box; Enter sent "half a thought" before it wrote."""
    session = Session.new(ctx, "en")
    sent = session.sent
    session.record_user("half a thought")
    session.save_draft("half a", sent)
    assert session.conversation_id is not None
    assert ctx.store.conversation(session.conversation_id).draft == ""
    session.save_draft("next words", session.sent)
    assert ctx.store.conversation(session.conversation_id).draft == "next words"


async def test_a_bug_that_ends_the_app_keeps_the_words_in_the_box(
    settings: Settings, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "a nurse")
        app.screen.query_one(ChatInput).insert("words I was still writing")
        monkeypatch.setattr(CoachApp, "is_headless", property(lambda self: False))
        app._handle_exception(WorkerFailed(ValueError("boom")))
        monkeypatch.undo()
    assert app.return_code == 1
    assert _draft_on_disk(settings) == "words I was still writing"
