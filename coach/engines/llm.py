"""The language-model engine: Chat Completions over the openai async client, streamed.

The model talks; the code keeps the phase machine. Each turn packs the fixed rules, the state
and next step, ranked lesson passages and recent turns under the window, streams the reply,
applies the model's tool calls (validated, rejected ones explained back), and loops until the
model answers in words. The plan card is rendered by the code, exactly as offline.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from coach.context.models import ModelInfo
from coach.context.packing import ContextFull, Packed, Turn, pack
from coach.context.retrieval import PassageIndex, query_for
from coach.context.tokens import TokenCounter
from coach.domain.activities import Activity, ActivityCatalog
from coach.domain.feedback import Feedback
from coach.domain.flow import Flow
from coach.domain.lessons import LessonLibrary
from coach.domain.meaning import Meaning
from coach.domain.plan import render_plan_card
from coach.domain.state import CoachState
from coach.domain.text import Language, detect_language
from coach.engines.base import ChatMessage, Chunk, ContextUse, EngineEvent, Reply
from coach.engines.care import Care
from coach.engines.composer import Composer, OfflineComposer
from coach.engines.errors import EngineError
from coach.engines.prompting import Prompts
from coach.engines.stream import Assembly, assistant_message, strip_think
from coach.engines.tools import Recorder
from coach.engines.transport import stream_reply
from coach.engines.writing import (
    FEEDBACK_TOKENS,
    FEEDBACK_TOOL,
    TOOL_CHOICE,
    feedback_messages,
    read_feedback,
)

MODERATION_TIMEOUT = 5.0
MAX_ROUNDS = 4
"""Model calls per turn: tool rounds are cheap, but a model looping on tools must stop."""


@dataclass(frozen=True)
class LLMConfig:
    """Where the model is and how patient to be with it. The key lives only here, in memory."""

    model: ModelInfo
    api_key: str | None
    base_url: str | None
    timeout: float = 60.0
    max_retries: int = 2
    moderation: bool = False
    """Also ask the server's moderation endpoint about self-harm before each turn."""

    def __repr__(self) -> str:  # never print the key, even in a debugger or a log
        return f"LLMConfig(model={self.model.name!r}, base_url={self.base_url!r})"


class LLMEngine:
    """Coaches with a model behind the same interface, state and plan card as offline."""

    name = "llm"

    def __init__(
        self,
        *,
        flow: Flow,
        lessons: LessonLibrary,
        today: Callable[[], date],
        config: LLMConfig,
        prompts: Prompts,
        counter_factory: Callable[[ModelInfo], TokenCounter],
        care: Care | None = None,
        activities: ActivityCatalog | None = None,
        meaning: Meaning | None = None,
        composer: Composer | None = None,
    ) -> None:
        self.flow = flow
        self.lessons = lessons
        self.today = today
        self.config = config
        self.prompts = prompts
        # Commands, check-ins, refusals and the code's own questions are the offline coach's
        # words, which read with the encoder.
        self.composer: Composer = composer or OfflineComposer(
            flow, lessons, today, care, activities, meaning
        )
        self.care = care
        self._moderation = config.moderation
        self.recorder = Recorder(flow, today)
        self._counter_factory = counter_factory
        self._lock = threading.Lock()
        self._client: Any = None
        self._tools: list[dict[str, Any]] = []
        self.calls_tools = False
        """Whether the model has called a tool since coach started; until it does, the offline
        reading records what it hears, so a model without tools still fills in the plan."""
        self._counter: TokenCounter | None = None
        self._index: PassageIndex | None = None
        self.tool_for = {
            step.id: name for name, tool in self.recorder._tools.items() for step in tool.steps
        }
        self.tool_for["choose_path"] = "choose_path"

    # --- preparing ------------------------------------------------------------------------

    def prepare(self) -> None:
        """Import openai, build the client, tools, token counter and passage index. Blocking."""
        with self._lock:
            if self._client is not None:
                return
            import openai

            self._tools = self.recorder.definitions()
            self._counter = self._counter_factory(self.config.model)
            self._index = PassageIndex.of_library(self.lessons)
            self._client = openai.AsyncOpenAI(
                api_key=self.config.api_key or "not-needed",
                base_url=self.config.base_url,
                timeout=self.config.timeout,
                max_retries=0,  # transport.py retries only what a retry can mend
            )

    async def warm_up(self) -> list[str]:
        """Prepare in a thread; a tokenizer that fell back to estimates is worth telling."""
        await asyncio.to_thread(self.prepare)
        notices = await self.composer.warm_up()
        return [self.counter.notice, *notices] if self.counter.notice else notices

    async def aclose(self) -> None:
        """Close the HTTP client's connections while the event loop still runs."""
        if self._client is not None:
            await self._client.close()

    @property
    def counter(self) -> TokenCounter:
        self.prepare()
        assert self._counter is not None
        return self._counter

    # --- the Engine interface -------------------------------------------------------------

    def opening(self, state: CoachState) -> Reply:
        """From the flow, like offline: instant, and no request before the user speaks.

        It says plainly that messages go to the model server, which offline never does.
        """
        return self.composer.opening(state, intro="opening_llm")

    def check_in(self, state: CoachState) -> Reply | None:
        """The same recap and question as offline, with no request: instant on resume."""
        return self.composer.check_in(state)

    def tools_for(self, s: CoachState) -> list[dict[str, Any]]:
        """Only the tools this phase can use: fewer tokens, and fewer wrong calls."""
        self.prepare()
        usable = set(self.recorder.usable(s))
        return [tool for tool in self._tools if tool["function"]["name"] in usable]

    def pack_turn(
        self,
        s: CoachState,
        history: Sequence[ChatMessage],
        text: str,
        tail: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None = None,
    ) -> Packed:
        """The request for this round of the turn, under the window. Blocking (CPU)."""
        self.prepare()
        assert self._index is not None
        step = self.flow.step(s.pending) if s.pending else None
        query = query_for(
            [
                step.ask("en") if step else None,
                step.ask("ru") if step else None,
                step.label("en") if step else None,
                s.dream_job,
                s.chosen_path and self.flow.path(s.chosen_path).title("en"),
                text,
            ]
        )
        system = [
            self.prompts.system_text(s),
            self.prompts.state_text(s, self.flow, self.today(), self.tool_for),
        ]
        return pack(
            counter=self.counter,
            model=self.config.model,
            system=system,
            history=[Turn(m.role, strip_think(m.content)) for m in history],
            user_text=text,
            passages=self._index.rank(query),
            tail=tail,
            tools=self._tools if tools is None else tools,
            passages_intro=self.prompts.lessons,
        )

    async def stream(
        self, state: CoachState, history: Sequence[ChatMessage], text: str
    ) -> AsyncIterator[EngineEvent]:
        if not self.composer.prepared:  # the crisis classifier runs first, even while loading
            await asyncio.to_thread(self.composer.prepare)
        if text.strip().startswith("/") or self.flow.is_check_in(state.pending):
            # Commands, and the check-in's short script (a dated next step must come out of
            # it), behave exactly as offline, crisis care first included.
            yield self.composer.respond(state, text)
            return
        if self.care is not None:  # crisis care first, in code, whatever the model would say
            cared = self.care.check(state, text, self.composer.resume_text)
            if cared is not None:
                if cared.state.care_held is not None and state.care_held is None:
                    # A doubtful message: the server's moderation, an extra layer where it
                    # exists, may settle the doubt; otherwise the coach asks directly.
                    await self.warm_up()
                    if await self._moderation_flags(text):
                        cared = self.care.crisis_reply(state, text)
                yield cared
                return
        refusal = self.composer.scope_reply(state, text)
        if refusal is not None:  # no investment, loan, tax or legal advice, guaranteed
            yield refusal
            return
        await self.warm_up()
        if self.care is not None and await self._moderation_flags(text):
            yield self.care.crisis_reply(state, text)
            return
        s = state.model_copy(deep=True)
        s.language = detect_language(text, default=s.language) or s.language
        tail: list[dict[str, Any]] = []
        parts: list[str] = []
        plan_built = called = False
        packed: Packed | None = None
        for _ in range(MAX_ROUNDS):
            tools = self.tools_for(s)
            try:
                packed = await asyncio.to_thread(self.pack_turn, s, history, text, tail, tools)
            except ContextFull as exc:
                raise EngineError("err_too_long", tokens=exc.tokens, model=exc.model) from None
            assembly = Assembly(known_tools=self.recorder.names)
            started = False
            round_text: list[str] = []
            request = self._request(packed.messages, tools, packed.reserve, assembly)
            async for piece in request:
                if not started and parts:
                    yield Chunk("\n\n")
                started = True
                round_text.append(piece)
                yield Chunk(piece)
            said = "".join(round_text).strip()
            if said:
                parts.append(said)
            calls = assembly.finished_calls()
            if not calls:
                break
            called = True
            tail.append(assistant_message(said, calls))
            for call in calls:
                outcome = self.recorder.apply(s, call.name, call.args, text)
                plan_built = plan_built or outcome.plan_built
                tail.append({"role": "tool", "tool_call_id": call.id, "content": outcome.message})
        self.calls_tools = self.calls_tools or called
        if not self.calls_tools:  # a model that never calls tools: the offline reading records
            heard = self.composer.heard_instead(state, text)
            if heard is not None:
                s, noted = heard  # its words carry the plan card when it made the plan
                yield Chunk(("\n\n" if parts else "") + noted)
                parts.append(noted)
        if not parts or plan_built:
            extra = self._closing(s, plan_built)
            yield Chunk(("\n\n" if parts else "") + extra)
            parts.append(extra)
        if state.chosen_path is None and s.chosen_path is not None:  # the code offers, as offline
            offer = self.composer.offer(s, "path")
            if offer:
                yield Chunk("\n\n" + offer)
                parts.append(offer)
        context = None
        if packed is not None:
            context = ContextUse(packed.used, packed.window, packed.reserve, self.counter.exact)
        yield Reply("\n\n".join(parts), s, context)

    async def feedback(self, activity: Activity, text: str, language: Language) -> Feedback:
        """The model's feedback against the rubric, forced through one strict tool call.

        Raises EngineError when the request fails or the answer cannot be read; the caller
        then falls back to the offline checklist, so the user always gets feedback.
        """
        await self.warm_up()
        messages = feedback_messages(self.prompts.folder, activity, text, language)
        assembly = Assembly(known_tools=[FEEDBACK_TOOL["function"]["name"]])
        request = self._request(messages, [FEEDBACK_TOOL], FEEDBACK_TOKENS, assembly, TOOL_CHOICE)
        async for _ in request:
            pass
        for call in assembly.finished_calls():
            feedback = read_feedback(call.arguments)
            if feedback is not None:
                return feedback
        raise EngineError("err_feedback")

    def _closing(self, s: CoachState, plan_built: bool) -> str:
        """What the code adds: the plan card, or the next question if the model said nothing."""
        if plan_built:
            return render_plan_card(s, self.flow, self.lessons)
        return self.composer.resume_text(s)

    async def _moderation_flags(self, text: str) -> bool:
        """The server's moderation verdict on self-harm, where the server offers one.

        A second layer behind the keyword check, which always runs. A server without the
        endpoint (most local ones), or any failure, turns it off for the session: a turn
        must never fail because a safety extra is missing.
        """
        if not self._moderation:
            return False
        import openai  # loaded already by prepare; here only for its errors

        try:
            result = await self._client.moderations.create(input=text, timeout=MODERATION_TIMEOUT)
            verdict = result.results[0]
            categories = verdict.categories
            return bool(
                getattr(categories, "self_harm", False)
                or getattr(categories, "self_harm_intent", False)
                or getattr(categories, "self_harm_instructions", False)
            )
        except (openai.APIError, IndexError, ValueError):  # no endpoint, a failure, bad JSON
            self._moderation = False
            return False

    def _request(
        self,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]],
        max_tokens: int,
        assembly: Assembly,
        tool_choice: dict[str, Any] | None = None,
    ) -> AsyncIterator[str]:
        """Stream one completion: yield the words to show, collect the rest in ``assembly``."""
        request: dict[str, Any] = {
            "model": self.config.model.name,
            "messages": messages,
            "stream": True,
            "max_completion_tokens": max_tokens,
        }
        if tools:
            request["tools"] = tools
        if tool_choice:
            request["tool_choice"] = tool_choice
        secret = self.config.api_key
        return stream_reply(self._client, request, assembly, self.config.max_retries, secret)
