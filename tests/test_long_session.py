"""A long session costs the same per turn at the end as at the start: the history the engine
sees is extended each turn, never rebuilt (a 10,000-line plain session was quadratic)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

import coach.session
from coach.domain.state import CoachState
from coach.engines.base import ChatMessage, EngineEvent, Reply
from coach.session import Context, Session


async def _turn(session: Session, text: str) -> Reply:
    session.record_user(text)
    reply = None
    async for event in session.events(text):
        if isinstance(event, Reply):
            reply = event
    assert reply is not None
    session.record_reply(reply)
    return reply


async def test_each_turn_builds_only_the_new_history(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [0]

    def counted(role: str, content: str) -> ChatMessage:
        made[0] += 1
        return ChatMessage(role, content)  # type: ignore[arg-type]

    monkeypatch.setattr(coach.session, "ChatMessage", counted)
    session = Session.new(ctx, "en")
    turns = 300
    for i in range(turns):
        await _turn(session, "idk" if i % 2 else "maybe")
    # Each message is made into the engine's history once: about two a turn, not 2 x turn.
    assert made[0] <= 2 * turns + 2, made[0]


async def test_the_engine_sees_the_same_history_as_before(ctx: Context) -> None:
    """Complete messages before the last user message; a cancelled reply is left out."""
    seen: list[list[tuple[str, str]]] = []
    engine = ctx.engine
    real = engine.stream

    async def spy(state: CoachState, history: Sequence[ChatMessage], text: str):  # type: ignore[no-untyped-def]
        seen.append([(m.role, m.content) for m in history])
        event: EngineEvent
        async for event in real(state, history, text):
            yield event

    engine.stream = spy  # type: ignore[method-assign]
    session = Session.new(ctx, "en")
    await _turn(session, "nurse")
    session.record_user("to help people")
    session.record_unfinished("half a rep", "cancelled")
    await _turn(session, "to help people")
    opening = session.messages[0].content
    first_reply = session.messages[2].content
    assert seen[0] == [("assistant", opening)]
    assert seen[1] == [
        ("assistant", opening),
        ("user", "nurse"),
        ("assistant", first_reply),
        ("user", "to help people"),
    ]
    assert len(seen) == 2
