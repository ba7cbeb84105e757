"""Hostile input through the real app: huge pastes, NULs, odd scripts; nothing lost, no crash."""

from __future__ import annotations

from textual.widgets import Static

from coach.session import MESSAGE_LIMIT, Context
from coach.settings import Settings
from coach.ui.widgets.chat_input import ChatInput
from coach.ui.widgets.messages import UserMessage
from tests.pilot import SIZE, chat, make_app, send


async def test_a_1_mb_paste_is_refused_in_one_line_and_kept_in_the_box(
    settings: Settings, ctx: Context
) -> None:
    app = make_app(settings, ctx)
    paste = "call notes " * 100_000  # ~1.1 MB
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, paste)
        status = app.screen.query_one("#status", Static)
        line = str(status.render())
        assert status.display and "too long" in line and f"{MESSAGE_LIMIT:,}" in line
        assert app.screen.query_one(ChatInput).text == paste
        assert not app.screen.query(UserMessage) and ctx.store.list_conversations() == []
        app.screen.query_one(ChatInput).clear()
        await send(pilot, "I want to be a nurse")  # and the app goes on as before
        assert chat(pilot).session.state.dream_job == "nurse"
        assert not status.display


async def test_odd_but_real_text_is_accepted_and_saved_as_written(
    settings: Settings, ctx: Context
) -> None:
    app = make_app(settings, ctx)
    messages = [
        "Хочу стать nurse 🩺 в Канаде",  # mixed languages and emoji
        "أريد أن أصبح ممرضة",  # right-to-left
        "x" * 5_000,  # one very long line
        "tabs\tand\x00NULs\x07bells",  # control characters
    ]
    async with app.run_test(size=SIZE) as pilot:
        for text in messages:
            await send(pilot, text)
        shown = [m for m in app.screen.query(UserMessage)]
        assert len(shown) == len(messages)
        cid = chat(pilot).session.conversation_id
        assert cid is not None
        saved = [m.content for m in ctx.store.messages(cid) if m.role == "user"]
        assert saved == [*messages[:3], "tabs\tandNULs\x07bells"]  # only the NUL is dropped
        assert "\x07" not in str(shown[-1].render())  # and the bell is never shown
