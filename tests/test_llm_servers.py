"""The model engine against the stream shapes of the servers people run at home.

Each test names the problem of issue 12 it guards: Ollama's repeated or missing tool-call
indexes (1), unreadable arguments (2), unfinished replies (3), tool calls written as text
(4), models that never call tools (5); the rest are in test_llm_server_limits.py. Every
server is real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from coach.bootstrap import build_engine
from coach.domain.flow import Flow
from coach.domain.lessons import LessonLibrary
from coach.domain.plan import render_plan_card
from coach.domain.state import CoachState
from coach.engines.base import ChatMessage, Chunk, Reply
from coach.engines.errors import EngineError
from coach.engines.llm import LLMEngine
from tests.conftest import llm_settings
from tests.engines import OPENED, close_engines
from tests.fake_openai import FakeOpenAI, Script, running
from tests.llm_script import ENGLISH_LLM, SITUATION_NULLS
from tests.scenarios import ENGLISH_ANSWERS, _Driver
from tests.server_profiles import PROFILES

__all__ = ["close_engines"]  # the autouse fixture that closes each test's engines

TODAY = date(2026, 11, 21)
SECRET = "sk-test-" + "k3y" * 12


@pytest.fixture(params=PROFILES)
def profiled(request: pytest.FixtureRequest) -> Iterator[FakeOpenAI]:
    """The test server speaking as each of the servers in turn."""
    with running(request.param) as fake:
        yield fake


def make(server: FakeOpenAI, flow: Flow, lessons: LessonLibrary, **update: Any) -> LLMEngine:
    engine = build_engine(llm_settings(server.base_url, **update), flow, lessons, lambda: TODAY)
    assert isinstance(engine, LLMEngine)
    OPENED.append(engine)
    return engine


async def run(
    engine: LLMEngine, state: CoachState, text: str, history: list[ChatMessage] | None = None
) -> tuple[str, Reply]:
    chunks: list[str] = []
    reply: Reply | None = None
    async for event in engine.stream(state, history or [], text):
        if isinstance(event, Chunk):
            chunks.append(event.text)
        else:
            reply = event
    assert reply is not None
    return "".join(chunks), reply


def start(engine: LLMEngine) -> CoachState:
    return engine.opening(CoachState()).state


EXPECTED = {
    "dream_job": "a nurse",
    "in_call_center": "yes",
    "burnt_out": "yes",
    "q_diploma": "yes",
    "q_courses": "unsure",
    "q_business": "no",
    "q_passion": "no",
    "choose_path": "tuition",
}


async def test_every_server_shape_reaches_the_plan_card_with_every_answer(
    profiled: FakeOpenAI, flow: Flow, lessons: LessonLibrary
) -> None:
    """Done-when of issue 12: turns with two and four tool calls included, on each server."""
    engine = make(profiled, flow, lessons)
    state = start(engine)
    history: list[ChatMessage] = []
    reply: Reply | None = None
    for user, scripts in ENGLISH_LLM:
        profiled.add(*scripts)
        _, reply = await run(engine, state, user, history)
        history += [ChatMessage("user", user), ChatMessage("assistant", reply.text)]
        state = reply.state
    assert reply is not None and state.plan is not None
    for step, value in EXPECTED.items():
        answer = state.answers[step]
        assert value in (answer.value, answer.text), step
    assert state.answers["rest_days"].number == 2 and state.answers["monthly_saving"].number == 5000
    assert (state.plan.path, state.plan.due, state.plan.confidence) == (
        "tuition",
        date(2026, 11, 27),
        8,
    )
    assert reply.text.endswith(render_plan_card(state, flow, lessons))
    assert not profiled.queue


@pytest.mark.parametrize("profile", ["ollama", "ollama_old"])
async def test_1_parallel_calls_with_a_repeated_or_missing_index_stay_two_calls(
    profile: str, flow: Flow, lessons: LessonLibrary
) -> None:
    with running(profile) as server:
        engine = make(server, flow, lessons)
        first, scripts = ENGLISH_LLM[0]
        server.add(*scripts)
        _, reply = await run(engine, start(engine), first)
        state = reply.state
        assert state.pending == "in_call_center"
        situation = {**SITUATION_NULLS, "in_call_center": "yes", "rest_days": 2}
        burnt = {"question": "burnt_out", "answer": "yes", "words": "burnt out"}
        server.add(
            Script(tool_calls=[("record_situation", situation), ("record_answer", burnt)]),
            Script(text="Thanks."),
        )
        _, reply = await run(engine, state, "Yes, 2 rest days, and I'm burnt out")
        results = [m for m in server.requests[-1]["messages"] if m["role"] == "tool"]
    assert [r["content"].split(":")[0] for r in results] == ["recorded", "recorded"], results
    assert reply.state.answers["in_call_center"].value == "yes"
    assert reply.state.answers["burnt_out"].value == "yes"


async def test_2_unreadable_arguments_are_never_sent_back_as_they_came(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary
) -> None:
    engine = make(server, flow, lessons)
    garbled = '{"dream_job": "a nurse", "why": nurse}'
    server.add(Script(tool_calls=[("record_dream_job", garbled)]), Script(text="Say again?"))
    _, reply = await run(engine, start(engine), "I want to be a nurse")
    sent = server.requests[1]["messages"]
    call = next(m for m in sent if m.get("tool_calls"))["tool_calls"][0]
    assert call["function"]["arguments"] == "{}" and garbled not in json.dumps(sent)
    assert sent[-1]["role"] == "tool" and "not a JSON object" in sent[-1]["content"]
    assert reply.state.dream_job is None


async def test_2_arguments_in_a_code_fence_or_encoded_twice_are_repaired(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary
) -> None:
    engine = make(server, flow, lessons)
    args = {"dream_job": "a nurse", "why": None, "by_when": None}
    fenced = "```json\n" + json.dumps(args) + "\n```"
    server.add(Script(tool_calls=[("record_dream_job", fenced)]), Script(text="Why a nurse?"))
    _, reply = await run(engine, start(engine), "I want to be a nurse")
    assert reply.state.dream_job == "a nurse"
    server.add(
        Script(tool_calls=[("record_dream_job", json.dumps(json.dumps({"why": "to help"})))]),
        Script(text="Good."),
    )
    _, reply = await run(engine, reply.state, "I want to help people")
    assert reply.state.answer_text("why") == "to help"


@pytest.mark.parametrize(
    ("finish", "key"),
    [(None, "err_unfinished"), ("length", "err_cut_length"), ("content_filter", "err_cut_filter")],
)
async def test_3_a_reply_that_did_not_finish_is_reported_cut_not_saved_whole(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary, finish: str | None, key: str
) -> None:
    engine = make(server, flow, lessons)
    server.add(Script(text="Thank you for ", finish=finish))
    shown: list[str] = []

    async def consume() -> None:
        async for event in engine.stream(start(engine), [], "hello"):
            assert isinstance(event, Chunk), "no Reply: the turn did not finish"
            shown.append(event.text)

    with pytest.raises(EngineError) as caught:
        await consume()
    assert caught.value.key == key and "ctrl+r" in caught.value.localized("en").lower()
    assert "".join(shown) == "Thank you for "


async def test_3_a_tool_call_cut_mid_arguments_is_not_applied(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary
) -> None:
    engine = make(server, flow, lessons)
    cut = '{"dream_job": "a nurse", "why": null, "by_when": null}'
    server.add(Script(tool_calls=[("record_dream_job", cut)], finish="length"))
    with pytest.raises(EngineError, match="cut off"):
        await run(engine, start(engine), "I want to be a nurse")
    assert len(server.requests) == 1  # nothing applied, nothing sent back


@pytest.mark.parametrize(
    "written",
    [
        '{"name": "record_dream_job", "parameters": {"dream_job": "a nurse"}}',
        'Sure!\n```json\n{"name": "record_dream_job", "arguments": {"dream_job": "a nurse"}}\n```',
        '<tool_call>\n{"name": "record_dream_job", "arguments": {"dream_job": "a nurse"}}'
        "\n</tool_call>",
    ],
)
async def test_4_a_tool_call_written_as_text_is_applied_and_never_shown(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary, written: str
) -> None:
    engine = make(server, flow, lessons)
    server.add(Script(text=written, chunk_chars=3), Script(text="Why a nurse?"))
    shown, reply = await run(engine, start(engine), "I want to be a nurse")
    assert reply.state.dream_job == "a nurse"
    assert "record_dream_job" not in shown and "{" not in reply.text
    assert reply.text.endswith("Why a nurse?")


async def test_4_json_that_names_no_known_tool_stays_as_words(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary
) -> None:
    engine = make(server, flow, lessons)
    text = 'A budget can look like {"rent": 5000}. What is your dream job?'
    server.add(Script(text=text, chunk_chars=4))
    shown, reply = await run(engine, start(engine), "hello")
    assert shown == reply.text == text and len(server.requests) == 1


async def test_5_a_model_that_never_calls_tools_still_makes_the_right_plan(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary
) -> None:
    """A person answering what the coach asks, a model that only talks: the plan is right."""
    engine = make(server, flow, lessons)
    server.responder = lambda body: Script(text="I hear you. Tell me more.")
    driver = _Driver(flow, ENGLISH_ANSWERS, None)
    state, said = start(engine), ""
    history: list[ChatMessage] = []
    replies: list[str] = []
    while (user := driver.next(state, said)) is not None:
        said, reply = await run(engine, state, user, history)
        history += [ChatMessage("user", user), ChatMessage("assistant", reply.text)]
        state = reply.state
        replies.append(reply.text)
    plan = state.plan
    assert plan is not None and state.dream_job is not None and "nurse" in state.dream_job
    assert (plan.path, plan.due, plan.confidence) == ("tuition", date(2026, 11, 27), 8)
    assert (plan.savings_target, plan.monthly_saving) == (120_000, 5_000)
    assert all(r.startswith("I hear you.") and "noted it by itself" in r for r in replies)
    assert render_plan_card(state, flow, lessons) in replies[-1]


async def test_5_a_greeting_or_a_question_is_not_taken_for_a_fact(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary
) -> None:
    engine = make(server, flow, lessons)
    for text in ("hello", "What do you mean by dream job?"):
        server.add(Script(text="Hi! What job do you dream of?"))
        shown, reply = await run(engine, start(engine), text)
        assert shown == reply.text == "Hi! What job do you dream of?"
        assert reply.state.answers == {}


async def test_words_held_back_for_a_possible_tool_call_are_shown_when_the_stream_is_cut(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary
) -> None:
    engine = make(server, flow, lessons)
    server.add(Script(text="A budget is {roughly what you spend}", fault="cut", chunk_chars=12))
    shown: list[str] = []

    async def consume() -> None:
        async for event in engine.stream(start(engine), [], "hello"):
            if isinstance(event, Chunk):
                shown.append(event.text)

    with pytest.raises(EngineError):
        await consume()
    assert "".join(shown) == "A budget is {roughly wha"
