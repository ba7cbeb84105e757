"""Pilot tests of the app with the language-model engine and the loopback server."""

from __future__ import annotations

import asyncio

from textual.pilot import Pilot
from textual.widgets import Markdown, Static

from coach.session import Context
from coach.settings import Settings
from coach.ui.widgets.chat_input import ChatInput
from coach.ui.widgets.messages import CoachMessage, UserMessage
from tests.conftest import llm_settings
from tests.fake_openai import FakeOpenAI, Script
from tests.llm_script import ENGLISH_LLM
from tests.pilot import SIZE, chat, make_app, send


def _settings(server: FakeOpenAI) -> Settings:
    return llm_settings(server.base_url)


def _status(pilot: Pilot[None]) -> str:
    status = pilot.app.screen.query_one("#status", Static)
    return str(status.render()) if status.display else ""


async def _wait_for(pilot: Pilot[None], check: object, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not check():  # type: ignore[operator]
        assert loop.time() < end, "timed out waiting"
        await pilot.pause(0.02)


async def _streaming(pilot: Pilot[None], text: str, min_chars: int) -> CoachMessage:
    """Send ``text`` (as Enter does) and wait until the reply has ``min_chars`` on screen."""
    app = pilot.app
    box = app.screen.query_one(ChatInput)
    box.insert(text)
    box.action_submit()
    await _wait_for(pilot, lambda: len(app.screen.query(CoachMessage)) == 2)
    partial = list(app.screen.query(CoachMessage))[-1]
    await _wait_for(pilot, lambda: len(partial.text) >= min_chars)
    return partial


async def test_a_whole_llm_session_streams_to_a_plan_card_and_resumes(
    server: FakeOpenAI, llm_ctx: Context
) -> None:
    settings = _settings(server)
    app = make_app(settings, llm_ctx)
    async with app.run_test(size=SIZE) as pilot:
        assert "gpt-4o-mini" in str(app.screen.query_one("#model-badge").render())
        assert not app.screen.query("#mode-badge")
        for user, scripts in ENGLISH_LLM:
            server.add(*scripts)
            await send(pilot, user)
            assert _status(pilot) == ""
        state = chat(pilot).session.state
        assert state.plan is not None and state.plan.months == 24
        card = str(app.screen.query_one("#plan-card", Markdown).source)
        assert "120,000 ÷ 5,000 a month = about 24 months" in card
        meter = str(app.screen.query_one("#context", Static).render())
        assert "of 128,000 tokens" in meter
        replies = list(app.screen.query(CoachMessage))
        assert "Here is your plan." in replies[-1].text and "24 months" in replies[-1].text
        await pilot.press("ctrl+q")
    cid = llm_ctx.store.latest()
    assert cid is not None
    resumed = make_app(settings, llm_ctx, resume_id=cid)
    async with resumed.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert chat(pilot).session.state == state
        assert len(resumed.screen.query(UserMessage)) == len(ENGLISH_LLM)
        assert "24 months" in str(resumed.screen.query_one("#plan-card", Markdown).source)


async def test_chunks_show_while_the_reply_streams(server: FakeOpenAI, llm_ctx: Context) -> None:
    app = make_app(_settings(server), llm_ctx)
    text = "Streaming " * 40
    server.add(Script(text=text, chunk_chars=10, delay=0.02))
    async with app.run_test(size=SIZE) as pilot:
        box = app.screen.query_one(ChatInput)
        box.insert("I want to be a nurse")
        box.action_submit()  # what Enter does; pilot.press would wait for the whole stream
        await _wait_for(pilot, lambda: len(app.screen.query(CoachMessage)) == 2)
        streaming = list(app.screen.query(CoachMessage))[-1]
        await _wait_for(pilot, lambda: len(streaming.text) >= 50)
        assert chat(pilot).busy and len(streaming.text) < len(text)
        box.insert("typing while it streams")  # the box stays usable
        await app.workers.wait_for_complete()
        await pilot.pause()
        # the model's words whole, then what the offline reading noted (this model calls no tools)
        assert streaming.text.startswith(text.rstrip()) and box.text == "typing while it streams"


async def test_escape_stops_a_reply_keeps_the_part_and_retry_sends_again(
    server: FakeOpenAI, llm_ctx: Context
) -> None:
    app = make_app(_settings(server), llm_ctx)
    server.add(Script(text="word " * 200, chunk_chars=5, delay=0.02))
    async with app.run_test(size=SIZE) as pilot:
        partial = await _streaming(pilot, "I want to be a nurse", 20)
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = chat(pilot)
        assert not screen.busy and app.focused is screen.query_one(ChatInput)
        assert partial.border_subtitle == "stopped" and 20 <= len(partial.text) < 1000
        cid = screen.session.conversation_id
        assert cid is not None
        stored = llm_ctx.store.messages(cid)
        assert [m.status for m in stored] == ["complete", "complete", "cancelled"]
        assert stored[-1].content == partial.text
        assert llm_ctx.store.state(cid).dream_job is None  # a stopped turn changes nothing

        server.add(Script(text="Let's try that again."))
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert list(app.screen.query(CoachMessage))[-1].text.startswith("Let's try that again.")
        # the retry did not repeat the user's message, and the model never saw the stopped part
        assert [m.role for m in llm_ctx.store.messages(cid)].count("user") == 1
        sent = server.requests[-1]["messages"]
        assert all("word word" not in str(m.get("content")) for m in sent)


async def test_a_server_error_shows_one_line_and_retry_recovers(
    server: FakeOpenAI, llm_ctx: Context
) -> None:
    app = make_app(_settings(server), llm_ctx)
    async with app.run_test(size=SIZE) as pilot:
        server.add(Script(fault="503"))
        await send(pilot, "I want to be a nurse")
        assert "(503)" in _status(pilot) and "ctrl+r" in _status(pilot)
        assert len(app.screen.query(UserMessage)) == 1  # the words stay on screen
        cid = chat(pilot).session.conversation_id
        assert cid is not None and llm_ctx.store.messages(cid)[-1].content == "I want to be a nurse"
        await pilot.press("ctrl+r")  # nothing queued yet: the server answers with its default
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _status(pilot) == ""
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert len(app.screen.query(CoachMessage)) == 2


async def test_a_cut_stream_keeps_what_arrived_marked_unfinished(
    server: FakeOpenAI, llm_ctx: Context
) -> None:
    app = make_app(_settings(server), llm_ctx)
    async with app.run_test(size=SIZE) as pilot:
        server.add(Script(fault="cut", text="This reply will be cut off", chunk_chars=5))
        await send(pilot, "hello")
        last = list(app.screen.query(CoachMessage))[-1]
        assert last.text == "This reply" and last.border_subtitle == "not finished"
        assert "cut" in _status(pilot)
        cid = chat(pilot).session.conversation_id
        assert cid is not None and llm_ctx.store.messages(cid)[-1].status == "error"


async def test_a_reply_cut_by_length_is_kept_marked_with_why_and_ctrl_r(
    server: FakeOpenAI, llm_ctx: Context
) -> None:
    """Issue 12, item 3: a stream that ends with finish_reason "length" is not a whole reply."""
    app = make_app(_settings(server), llm_ctx)
    async with app.run_test(size=SIZE) as pilot:
        server.add(Script(text="Thank you for ", finish="length"))
        await send(pilot, "hello")
        last = list(app.screen.query(CoachMessage))[-1]
        assert last.text.strip() == "Thank you for" and last.border_subtitle == "not finished"
        assert "cut off" in _status(pilot) and "max_output" in _status(pilot)
        assert "ctrl+r" in _status(pilot)
        cid = chat(pilot).session.conversation_id
        assert cid is not None and llm_ctx.store.messages(cid)[-1].status == "error"
        assert chat(pilot).session.retry_text() == "hello"


async def test_offline_mode_has_no_context_meter(settings: Settings, ctx: Context) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "I want to be a nurse")
        assert not app.screen.query_one("#context", Static).display


async def test_the_wait_before_a_reply_says_so_and_esc_ends_it(
    server: FakeOpenAI, llm_ctx: Context
) -> None:
    app = make_app(_settings(server), llm_ctx)
    server.add(Script(text="Late.", delay=2.0))
    async with app.run_test(size=SIZE) as pilot:
        box = app.screen.query_one(ChatInput)
        box.insert("hello")
        box.action_submit()
        await _wait_for(pilot, lambda: "answering" in _status(pilot))
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _status(pilot) == "" and not chat(pilot).busy
        assert len(app.screen.query(CoachMessage)) == 1  # nothing arrived, nothing kept
        assert chat(pilot).session.retry_text() == "hello"


async def test_quitting_mid_reply_saves_what_arrived(server: FakeOpenAI, llm_ctx: Context) -> None:
    app = make_app(_settings(server), llm_ctx)
    server.add(Script(text="word " * 300, chunk_chars=5, delay=0.02))
    async with app.run_test(size=SIZE) as pilot:
        await _streaming(pilot, "I want to be a nurse", 30)
        await pilot.press("ctrl+q")
    cid = llm_ctx.store.latest()
    assert cid is not None
    last = llm_ctx.store.messages(cid)[-1]
    assert last.status == "cancelled" and len(last.content) >= 30
