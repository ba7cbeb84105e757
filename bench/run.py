"""Speed budgets from the issues, measured: first frame in tmux, and one offline turn.

Run with `make bench`. Prints one line per measurement with the budget beside it.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.terminal import coach_command, compile_bytecode, time_to_text  # noqa: E402
from coach.bootstrap import build_context  # noqa: E402
from coach.engines.base import Reply  # noqa: E402
from coach.session import Session  # noqa: E402
from coach.settings import resolve_settings  # noqa: E402
from tests.scenarios import ENGLISH, RUSSIAN  # noqa: E402

FIRST_FRAME_TEXT = "What is your dream job"
RUNS = 7
KEEP_SECONDS = 2.5
"""How long the untimed first start stays open: coach keeps its first screen after ~1 s."""


def bench_first_frame() -> None:
    """Coach offline, coach with a model, and a bare Textual app, started in turn (interleaved).

    coach starts as it does every day: with the validated content and the first screen of
    an earlier start in its cache (one untimed start fills it), so the first frame is the
    kept one and the rest loads after it. "data just edited" starts with an empty cache,
    as the first start after an author changed a file does: the whole ordinary start.
    """
    coach = coach_command()
    if coach is None:
        print("first frame: skipped (needs the coach command and tmux)")
        return
    compile_bytecode()
    # The language-model engine loads openai and the tokenizer after the first frame; the
    # URL is never contacted before the user sends something.
    commands = {
        "offline": [coach],
        "model": [coach, "--base-url", "http://127.0.0.1:9/v1"],
        "offline, data just edited": [coach],
        "bare Textual app": [sys.executable, str(ROOT / "bench" / "bare_app.py")],
    }
    times: dict[str, list[float]] = {label: [] for label in commands}
    with tempfile.TemporaryDirectory() as cache:
        for run in range(RUNS + 1):
            for label, command in commands.items():
                with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as empty:
                    env = {
                        "COACH_DATA_DIR": tmp,
                        "COACH_CACHE_DIR": empty if "edited" in label else cache,
                        "LANG": "C.UTF-8",
                    }
                    # The first round fills the caches and warms the disk; it stays open
                    # long enough for coach to keep its first screen (coach.opening_cache).
                    linger = None if run > 0 else (lambda _tmux: time.sleep(KEEP_SECONDS))
                    seconds, _ = time_to_text(command, env, FIRST_FRAME_TEXT, 10, linger)
                    if run > 0:
                        times[label].append(seconds)
    floor = statistics.median(times["bare Textual app"])
    for label, values in times.items():
        median = statistics.median(values)
        print(
            f"first frame, {label} (tmux, {RUNS} interleaved cold starts):"
            f" median {median * 1000:.0f} ms, min {min(values) * 1000:.0f} ms,"
            f" max {max(values) * 1000:.0f} ms, {median / floor:.2f}x the bare app"
            + ("  [budget 1.5x]" if label in ("offline", "model") else "")
        )


def bench_offline_turns() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = resolve_settings(environ={"COACH_DATA_DIR": tmp, "COACH_CONFIG": "/none"})
        ctx = build_context(settings, now=lambda: datetime(2026, 11, 21, tzinfo=UTC))
        engine_ms: list[float] = []
        saved_ms: list[float] = []
        for script, lang in ((ENGLISH, "en"), (RUSSIAN, "ru")):
            session = Session.new(ctx, lang)  # type: ignore[arg-type]
            for text in script:
                start = time.perf_counter()
                session.record_user(text)
                before_engine = time.perf_counter()
                reply = ctx.engine.respond(session.state, text)  # type: ignore[attr-defined]
                after_engine = time.perf_counter()
                assert isinstance(reply, Reply)
                session.record_reply(reply)
                done = time.perf_counter()
                engine_ms.append((after_engine - before_engine) * 1000)
                saved_ms.append((done - start) * 1000)
        ctx.store.close()

    def describe(values: list[float]) -> str:
        return f"median {statistics.median(values):.2f} ms, max {max(values):.2f} ms"

    print(
        f"offline turn, engine only ({len(engine_ms)} turns): {describe(engine_ms)}  [budget 50 ms]"
    )
    print(f"offline turn, engine + both saves: {describe(saved_ms)}  [budget 50 ms]")


if __name__ == "__main__":
    bench_offline_turns()
    bench_first_frame()
