"""The model engine against local servers' limits (issue 12, items 6-11).

Servers' own error messages and hints, the reply budget, <think> blocks, partly valid tool
calls, the 4k first request, and timeouts. Every server is real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import json

import pytest

from coach.context.models import ModelOverride
from coach.context.tokens import TokenCounter
from coach.domain.flow import Flow
from coach.domain.lessons import LessonLibrary
from coach.engines.base import ChatMessage
from coach.engines.errors import EngineError
from tests.engines import close_engines
from tests.fake_openai import FakeOpenAI, Script, running
from tests.llm_script import ENGLISH_LLM
from tests.test_llm_servers import SECRET, make, run, start

__all__ = ["close_engines"]  # the autouse fixture that closes each test's engines


VLLM_TOOLS = (
    '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set'
)
OLLAMA_TOOLS = "registry.ollama.ai/library/gemma2:2b does not support tools"
LLAMACPP_JINJA = "tools param requires --jinja flag"


@pytest.mark.parametrize(
    ("profile", "script", "words", "hint"),
    [
        (
            "vllm",
            Script(fault="server", status=400, message=VLLM_TOOLS),
            VLLM_TOOLS,
            "--tool-call-parser",
        ),
        (
            "ollama",
            Script(fault="server", status=400, message=OLLAMA_TOOLS),
            OLLAMA_TOOLS,
            "cannot use tools",
        ),
        (
            "llamacpp",
            Script(fault="server", status=500, message=LLAMACPP_JINJA),
            LLAMACPP_JINJA,
            "--jinja",
        ),
        (
            "ollama",
            Script(fault="json_200", message="model is loading"),
            "model is loading",
            "ctrl+r",
        ),
        (
            "vllm",
            Script(fault="stream_error", text="Half of it", status=500, message="engine died"),
            "engine died",
            "ctrl+r",
        ),
    ],
)
async def test_6_the_servers_own_words_are_shown_with_a_hint_and_not_retried(
    profile: str, script: Script, words: str, hint: str, flow: Flow, lessons: LessonLibrary
) -> None:
    with running(profile) as server:
        engine = make(server, flow, lessons, max_retries=2)
        server.add(script)
        with pytest.raises(EngineError) as caught:
            await run(engine, start(engine), "hello")
        line = caught.value.localized("en")
        assert words in line and hint in line.lower() and "\n" not in line
        assert len(server.requests) == 1, "a refusal is not asked again"


async def test_6_a_key_the_server_echoes_never_reaches_the_screen(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary
) -> None:
    engine = make(server, flow, lessons, api_key=SECRET)
    echoed = f"Invalid request.\nHeaders: Authorization: Bearer {SECRET}; key={SECRET}"
    server.add(Script(fault="server", status=400, message=echoed))
    with pytest.raises(EngineError) as caught:
        await run(engine, start(engine), "hello")
    line = caught.value.localized("en")
    assert "Invalid request" in line and SECRET not in line and SECRET[:12] not in line
    assert "\n" not in line


@pytest.mark.parametrize(
    ("model", "override", "budget"),
    [
        ("llama3.1:8b", ModelOverride(32_768, 8_192), 8_192),  # the user's max_output, as is
        ("qwen3:8b", ModelOverride(32_768), 4_096),  # a thinking model: a larger default
        ("llama3.1:8b", ModelOverride(32_768), 1_024),
        ("gpt-4o-mini", ModelOverride(max_output=6_000), 6_000),
    ],
)
async def test_7_the_reply_budget_honours_max_output(
    server: FakeOpenAI,
    flow: Flow,
    lessons: LessonLibrary,
    model: str,
    override: ModelOverride,
    budget: int,
) -> None:
    engine = make(server, flow, lessons, model=model, model_overrides={model: override})
    server.add(Script(text="Hi."))
    await run(engine, start(engine), "hello")
    assert server.requests[0]["max_completion_tokens"] == budget


async def test_8_think_blocks_are_not_shown_saved_or_sent_back(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary
) -> None:
    engine = make(server, flow, lessons)
    server.add(
        Script(
            think="The user said hello. I should ask.", text="Hi! Your dream job?", chunk_chars=3
        )
    )
    shown, reply = await run(engine, start(engine), "hello")
    assert shown == reply.text == "Hi! Your dream job?"
    old = "<think>\nplanning the reply\n</think>\n\nWelcome back."
    history = [
        ChatMessage("assistant", old),
        ChatMessage("user", "hello"),
        ChatMessage("assistant", reply.text),
    ]
    server.add(Script(text="OK."))
    await run(engine, reply.state, "hello again", history)
    sent = json.dumps(server.requests[-1]["messages"])
    assert "<think>" not in sent and "planning the reply" not in sent and "Welcome back." in sent


async def test_9_valid_fields_are_kept_when_one_is_wrong_and_extra_fields_ignored(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary
) -> None:
    engine = make(server, flow, lessons)
    first, scripts = ENGLISH_LLM[0]
    server.add(*scripts)
    _, reply = await run(engine, start(engine), first)
    args = {"in_call_center": "yes", "rest_days": 99, "mood": "tired"}
    server.add(Script(tool_calls=[("record_situation", args)]), Script(text="Thanks."))
    _, reply = await run(engine, reply.state, "yes I work at a call center, 99 rest days")
    told = server.requests[-1]["messages"][-1]["content"]
    assert told.startswith("recorded: in_call_center") and "rest_days" in told and "mood" in told
    assert reply.state.answers["in_call_center"].value == "yes"
    assert "rest_days" not in reply.state.answers


@pytest.mark.parametrize("profile", ["vllm", "ollama"])
async def test_9_arguments_sent_as_an_object_are_accepted(
    profile: str, flow: Flow, lessons: LessonLibrary
) -> None:
    with running(profile) as server:
        engine = make(server, flow, lessons)
        args = {"dream_job": "a nurse", "why": None, "by_when": None}
        server.add(
            Script(tool_calls=[("record_dream_job", args)], object_args=True), Script(text="Why?")
        )
        _, reply = await run(engine, start(engine), "I want to be a nurse")
    assert reply.state.dream_job == "a nurse"


async def test_10_the_first_request_fits_a_4k_context_with_a_reply_budget(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary
) -> None:
    engine = make(server, flow, lessons, model="llama3.2")  # not in the table: a local model
    server.add(Script(text="Hi."))
    await run(engine, start(engine), "I want to be a nurse, to help people")
    request = server.requests[0]
    assert [t["function"]["name"] for t in request["tools"]] == ["record_dream_job"]
    counter = TokenCounter("o200k_base")
    prompt = counter.count_messages(request["messages"]) + counter.count(
        json.dumps(request["tools"], ensure_ascii=False)
    )
    assert request["max_completion_tokens"] == 1_024 and prompt + 1_024 <= 4_096
    assert any("<lesson" in m["content"] for m in request["messages"])


async def test_10_each_phase_gets_its_tools_and_still_fits_4k(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary
) -> None:
    engine = make(server, flow, lessons, model="llama3.2")
    state = start(engine)
    history: list[ChatMessage] = []
    offered: list[list[str]] = []
    for user, scripts in ENGLISH_LLM:
        server.add(*scripts)
        _, reply = await run(engine, state, user, history)
        history += [ChatMessage("user", user), ChatMessage("assistant", reply.text)]
        offered.append([t["function"]["name"] for t in server.requests[-len(scripts)]["tools"]])
        state = reply.state
    assert state.plan is not None
    assert offered[0] == ["record_dream_job"]
    assert "choose_path" not in offered[1] and "record_plan" not in offered[1]
    assert "record_plan" in offered[-1] and "record_check_in" not in offered[-1]


async def test_11_a_timeout_is_tried_once_more_at_most(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary
) -> None:
    engine = make(server, flow, lessons, timeout=0.5, max_retries=3)
    server.add(*[Script(fault="timeout", delay=1.0) for _ in range(4)])
    with pytest.raises(EngineError, match="took too long"):
        await run(engine, start(engine), "hello")
    assert len(server.requests) == 2
