"""Speed budgets of the language-model engine (issue 3), measured against the loopback server.

- chunk latency: a chunk arrives (the engine yields it) -> the terminal gets the next frame;
- a 2,000-token reply sent as fast as the server can: last chunk -> fully rendered frame,
  and the event loop's worst stall while it streams (how long a keypress could wait);
- packing a 500-lesson library: cold (tokenizer, index, counts) and per turn once cached.

Run with `make bench`.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.bootstrap import build_context, build_engine, load_content  # noqa: E402
from coach.domain.state import CoachState  # noqa: E402
from coach.engines.base import ChatMessage, Chunk  # noqa: E402
from coach.engines.llm import LLMEngine  # noqa: E402
from coach.session import Session  # noqa: E402
from coach.settings import resolve_settings  # noqa: E402
from coach.ui.factory import build_app  # noqa: E402
from coach.ui.widgets.chat_input import ChatInput  # noqa: E402
from coach.ui.widgets.messages import CoachMessage  # noqa: E402
from tests.fake_openai import Script, running  # noqa: E402
from tests.generate import many_lessons  # noqa: E402

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"median {statistics.median(values) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms,"
        f" max {max(values) * 1000:.1f} ms"
    )


async def stream_in_app(script: Script) -> dict[str, Any]:
    """Run one streamed turn in the real app (headless) and time chunks against frames."""
    with running() as server, tempfile.TemporaryDirectory() as tmp:
        env = {"COACH_DATA_DIR": tmp, "COACH_CONFIG": "/none"}
        settings = resolve_settings(env, base_url=server.base_url).model_copy(
            update={"max_retries": 0}
        )
        ctx = build_context(settings, now=lambda: NOW)
        await ctx.engine.warm_up()
        app = build_app(settings, ctx)
        arrivals: list[tuple[float, int]] = []  # (time, total length) as each chunk arrives
        frames: list[float] = []
        lags: list[float] = []
        done: dict[str, float] = {}

        original_events = Session.events

        async def timed_events(self: Session, text: str) -> Any:
            total = 0
            async for event in original_events(self, text):
                if isinstance(event, Chunk):
                    total += len(event.text)
                    arrivals.append((time.perf_counter(), total))
                else:
                    done["last_chunk"] = arrivals[-1][0] if arrivals else time.perf_counter()
                yield event

        original_finish = CoachMessage.finish

        async def timed_finish(self: CoachMessage, text: str | None = None) -> None:
            await original_finish(self, text)
            done["finished"] = time.perf_counter()

        Session.events = timed_events  # type: ignore[method-assign]
        CoachMessage.finish = timed_finish  # type: ignore[method-assign]
        try:
            async with app.run_test(size=(100, 32)) as pilot:
                display = app._display

                def timed_display(screen: Any, renderable: Any) -> None:
                    # Headless runs compose every frame but skip the terminal write;
                    # the time a frame is composed is when it would be written.
                    display(screen, renderable)
                    if renderable is not None:
                        frames.append(time.perf_counter())

                app._display = timed_display  # type: ignore[method-assign]
                server.add(script)

                async def watch_loop() -> None:
                    while "finished" not in done:
                        start = time.perf_counter()
                        await asyncio.sleep(0.005)
                        lags.append(time.perf_counter() - start - 0.005)

                watcher = asyncio.create_task(watch_loop())
                box = app.screen.query_one(ChatInput)
                box.insert("hello")
                box.action_submit()
                while "finished" not in done:
                    await asyncio.sleep(0.01)
                await pilot.pause(0.1)
                await watcher
        finally:
            Session.events = original_events  # type: ignore[method-assign]
            CoachMessage.finish = original_finish  # type: ignore[method-assign]
            await ctx.engine.aclose()
            ctx.store.close()
    return {"arrivals": arrivals, "frames": frames, "lags": lags, "sent": server.done[-1], **done}


def next_frame(frames: list[float], after: float) -> float | None:
    return next((f for f in frames if f >= after), None)


async def bench_chunk_latency() -> None:
    script = Script(text="Here is one small piece at a time. " * 12, chunk_chars=6, delay=0.04)
    result = await stream_in_app(script)
    latencies = []
    for arrived, _ in result["arrivals"]:
        frame = next_frame(result["frames"], arrived)
        if frame is not None:
            latencies.append(frame - arrived)
    print(f"chunk -> frame ({len(latencies)} chunks, 40 ms apart): {ms(latencies)}  [budget 30 ms]")


async def bench_fast_reply() -> None:
    # ~2,000 tokens: common English words are one token each, one word per chunk.
    words = ("coach helps people plan one small step toward a dream job " * 200).split()[:2000]
    text = " ".join(words)
    script = Script(text=text, chunk_chars=len("coach "), delay=0.0)
    from coach.context.tokens import TokenCounter

    tokens = TokenCounter("o200k_base").count(text)
    result = await stream_in_app(script)
    frame = next_frame(result["frames"], result["finished"])
    assert frame is not None
    first = result["arrivals"][0][0]
    print(
        f"{tokens}-token reply at full speed ({len(result['arrivals'])} chunks in"
        f" {(result['last_chunk'] - first) * 1000:.0f} ms): server's last chunk -> final frame"
        f" {(frame - result['sent']) * 1000:.0f} ms  [budget 200 ms];"
        f" worst event-loop stall while streaming {max(result['lags']) * 1000:.0f} ms"
    )


def bench_packing() -> None:
    settings = resolve_settings(
        {"COACH_CONFIG": "/none", "COACH_DATA_DIR": "/tmp"}, base_url="http://127.0.0.1:9/v1"
    )
    flow, lessons = load_content(settings)
    library = many_lessons(lessons, 500)
    engine = build_engine(settings, flow, library, lambda: date(2026, 11, 21))
    assert isinstance(engine, LLMEngine)
    state = engine.opening(CoachState()).state
    history = [
        ChatMessage("user" if i % 2 == 0 else "assistant", f"turn {i} about nursing school")
        for i in range(40)
    ]
    start = time.perf_counter()
    engine.prepare()
    engine.pack_turn(state, history, "I want to be a nurse", [])
    cold = time.perf_counter() - start
    warm = []
    for i in range(20):
        start = time.perf_counter()
        engine.pack_turn(state, history, f"question {i}: do I need a diploma?", [])
        warm.append(time.perf_counter() - start)
    passages = len(engine._index.passages) if engine._index else 0
    print(
        f"packing, 500 lessons ({passages} passages): cold {cold * 1000:.0f} ms [budget 3000 ms];"
        f" per turn cached {ms(warm)}  [budget 100 ms]"
    )


if __name__ == "__main__":
    bench_packing()
    asyncio.run(bench_chunk_latency())
    asyncio.run(bench_fast_reply())
