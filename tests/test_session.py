"""The session's write-ahead rule and resume, against the real store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import pytest

from coach.domain.state import CoachState
from coach.engines.base import ChatMessage, EngineEvent, Reply
from coach.session import Context, Session
from tests.scenarios import ENGLISH_ANSWERS, play_session
from tests.scenarios import turn as _turn  # (other test modules import it from here)


def test_a_new_conversation_is_not_saved_until_the_user_writes(ctx: Context) -> None:
    session = Session.new(ctx, "en")
    assert session.conversation_id is None
    assert ctx.store.list_conversations() == []
    session.save_draft("   ")
    assert ctx.store.list_conversations() == []


async def test_the_users_words_are_on_disk_before_the_engine_runs(ctx: Context) -> None:
    class Exploding:
        name = "exploding"

        def opening(self, state: CoachState) -> Reply:
            return Reply("hello", state)

        async def stream(
            self, state: CoachState, history: Sequence[ChatMessage], text: str
        ) -> AsyncIterator[EngineEvent]:
            seen = [m.content for m in ctx.store.messages(session.conversation_id or "")]
            assert seen[-1] == text  # already committed when the engine is asked
            raise ConnectionError("model unreachable")
            yield Reply("never", state)

    ctx.engine = Exploding()
    session = Session.new(ctx, "en")
    with pytest.raises(ConnectionError):
        await _turn(session, "my precious words")
    stored = ctx.store.messages(session.conversation_id or "")
    assert [m.content for m in stored] == ["hello", "my precious words"]


async def test_resume_restores_messages_state_phase_plan_and_draft(ctx: Context) -> None:
    session = Session.new(ctx, "en")
    await play_session(session, ENGLISH_ANSWERS)
    session.save_draft("one more thought")
    assert session.conversation_id is not None
    resumed = Session.resume(ctx, session.conversation_id)
    assert [(m.role, m.content) for m in resumed.messages] == [
        (m.role, m.content) for m in session.messages
    ]
    assert resumed.state == session.state
    assert resumed.state.plan is not None and resumed.state.phase == "summary"
    assert resumed.draft == "one more thought"
    title = ctx.store.conversation(session.conversation_id).title
    assert title == "nurse · Save from the call-center pay, then pay for school"
