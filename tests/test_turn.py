"""Session.run_turn: the save-and-stream loop both front ends show, as events, against the store."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Sequence

import pytest

from coach.domain.state import CoachState
from coach.engines.base import ChatMessage, Chunk, EngineEvent, Reply
from coach.engines.errors import EngineError
from coach.session import Context, Session, Shown
from coach.turn import Cut, Failed, ReplySaved, Text, TurnEvent, UserSaved


class Scripted:
    """An engine that streams ``pieces``, then ends as told: a reply, a failure, or a wait."""

    name = "scripted"

    def __init__(self, pieces: list[str], end: str = "reply") -> None:
        self.pieces, self.end = pieces, end
        self.streamed = asyncio.Event()
        """Set once every piece is out, so a test can stop or cancel mid-reply."""

    def opening(self, state: CoachState) -> Reply:
        return Reply("hello", state)

    def check_in(self, state: CoachState) -> Reply | None:
        return None

    async def stream(
        self, state: CoachState, history: Sequence[ChatMessage], text: str
    ) -> AsyncIterator[EngineEvent]:
        for piece in self.pieces:
            yield Chunk(piece)
        self.streamed.set()
        if self.end == "fail":
            raise EngineError("err_length")
        if self.end == "hang":
            await asyncio.Event().wait()
        yield Reply("".join(self.pieces), state.model_copy(update={"phase": "summary"}))


def _session(ctx: Context, engine: Scripted) -> Session:
    ctx.engine = engine  # type: ignore[assignment]
    return Session.new(ctx, "en")


async def _events(session: Session, text: str) -> list[TurnEvent]:
    async with contextlib.aclosing(session.run_turn(text)) as events:
        return [event async for event in events]


def _saved(ctx: Context, session: Session) -> list[tuple[str, str, str]]:
    return [
        (m.role, m.status, m.content) for m in ctx.store.messages(session.conversation_id or "")
    ]


async def test_a_whole_reply_is_shown_as_it_streams_then_saved_with_its_state(ctx: Context) -> None:
    session = _session(ctx, Scripted(["I hear ", "you."]))
    events = await _events(session, "nurse")
    assert isinstance(events[0], UserSaved) and events[0].shown.content == "nurse"
    assert [e.text for e in events if isinstance(e, Text)] == ["I hear ", "you."]
    assert isinstance(events[-1], ReplySaved) and events[-1].shown.content == "I hear you."
    assert _saved(ctx, session)[-1] == ("assistant", "complete", "I hear you.")
    assert len(_saved(ctx, session)) == 3  # the partial row became the reply: no duplicate
    assert session.state.phase == "summary"  # the new state came with it


async def test_a_reply_cut_off_is_saved_marked_and_named_and_the_next_turn_goes_on(
    ctx: Context,
) -> None:
    engine = Scripted(["Thank you for "], end="fail")
    session = _session(ctx, engine)
    events = await _events(session, "hello")
    assert [type(e) for e in events] == [UserSaved, Text, Cut, Failed]
    cut = events[2]
    assert isinstance(cut, Cut) and (cut.status, cut.text) == ("error", "Thank you for ")
    assert _saved(ctx, session)[-1] == ("assistant", "error", "Thank you for ")
    assert session.retry_text() == "hello"
    engine.pieces, engine.end = ["Again."], "reply"
    assert isinstance((await _events(session, "hello again"))[-1], ReplySaved)


async def test_stopping_a_reply_keeps_what_arrived_and_ends_the_turn_quietly(
    ctx: Context,
) -> None:
    """Esc in the app and Ctrl+C in plain mode: no exception, the conversation goes on."""
    engine = Scripted(["Half a "], end="hang")
    session = _session(ctx, engine)
    seen: list[TurnEvent] = []
    async with contextlib.aclosing(session.run_turn("hello")) as events:
        async for event in events:
            seen.append(event)
            if isinstance(event, Text):
                assert session.stop_turn()
    assert isinstance(seen[-1], Cut) and (seen[-1].status, seen[-1].text) == (
        "cancelled",
        "Half a ",
    )
    assert _saved(ctx, session)[-1] == ("assistant", "cancelled", "Half a ")
    assert not session.stop_turn()  # nothing in flight any more


@pytest.mark.parametrize("while_showing", [False, True])
async def test_a_cancelled_turn_keeps_what_arrived(ctx: Context, while_showing: bool) -> None:
    """The app quitting (or SIGTERM) mid-reply: what streamed is on disk, marked.

    The cancel comes while the turn waits for the model, or while the front end is still
    showing a piece (the app mounting a widget).
    """
    session = _session(ctx, Scripted(["Most of ", "a reply"], end="hang"))
    shown: list[str] = []
    both = asyncio.Event()

    async def show() -> None:
        async with contextlib.aclosing(session.run_turn("hello")) as events:
            async for event in events:
                if isinstance(event, Text):
                    shown.append(event.text)
                    if len(shown) == 2:
                        both.set()
                        if while_showing:
                            await asyncio.Event().wait()

    task = asyncio.create_task(show())
    await both.wait()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert _saved(ctx, session)[-1] == ("assistant", "cancelled", "Most of a reply")


async def test_a_stop_during_the_last_save_leaves_the_reply_whole(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C as the reply is being saved: nothing is left to cut, so nothing is marked."""
    session = _session(ctx, Scripted(["All of ", "it."]))
    loop = asyncio.get_running_loop()
    record_reply = session.record_reply

    def slow_save(reply: Reply, partial: Shown | None = None) -> Shown:
        loop.call_soon_threadsafe(session.stop_turn)
        time.sleep(0.2)  # the stop is handled while the save is still under way
        return record_reply(reply, partial)

    monkeypatch.setattr(session, "record_reply", slow_save)
    events = await _events(session, "hello")
    assert isinstance(events[-1], ReplySaved)
    assert _saved(ctx, session)[-1] == ("assistant", "complete", "All of it.")
