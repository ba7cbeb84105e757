"""A long history: only the recent part is mounted, older messages come in on scrolling up."""

from __future__ import annotations

from textual.widgets import Static

from coach.domain.state import CoachState
from coach.session import Context
from coach.settings import Settings
from coach.ui.screens.chat import BATCH, RECENT
from tests.pilot import SIZE, chat, make_app


def _text(widget: object) -> str:
    source = getattr(widget, "source", None)  # a coach message (Markdown)
    return str(source if source is not None else widget.render())  # type: ignore[attr-defined]


def _long_conversation(ctx: Context, n: int) -> str:
    cid = ctx.store.create_conversation(CoachState(), "offline", title="long")
    for i in range(n):
        ctx.store.add_message(cid, "user" if i % 2 == 0 else "assistant", f"message number {i}")
    return cid


async def test_only_the_recent_messages_are_mounted_and_scrolling_up_adds_more(
    settings: Settings, ctx: Context
) -> None:
    cid = _long_conversation(ctx, 500)
    app = make_app(settings, ctx, resume_id=cid)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = chat(pilot)
        shown = list(screen.query(".message"))
        assert len(shown) == RECENT
        assert [_text(w) for w in shown[-2:]] == ["message number 498", "message number 499"]
        earlier = screen.query_one("#earlier", Static)
        assert earlier.display and f"{500 - RECENT} earlier messages" in str(earlier.render())

        messages = screen.query_one("#messages")
        messages.scroll_end(animate=False)
        await pilot.pause()
        messages.scroll_home(animate=False)
        await pilot.pause()
        await pilot.pause()
        assert len(screen.query(".message")) == RECENT + BATCH
        assert f"{500 - RECENT - BATCH} earlier messages" in str(earlier.render())
        await pilot.click("#earlier")
        await app.workers.wait_for_complete()
        await pilot.pause()
        texts = [_text(w) for w in screen.query(".message")]
        assert len(texts) == RECENT + 2 * BATCH
        first = 500 - RECENT - 2 * BATCH
        assert texts == [f"message number {i}" for i in range(first, 500)]  # in order
