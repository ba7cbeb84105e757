"""How well and how fast the offline coach understands people.

1. The persona suites through ../shared/tools/personas: `tests/personas/tune` (tuned on),
   `tests/personas/holdout` (never tuned on: the honest figure) and `../shared/personas`.
2. Reading one message for every step, with the sentence encoder loaded: median and p95 ms
   (budget: 30 ms median).
3. Memory after a whole session in one process, encoder included (budget: 250 MB RSS).

Run with `make bench` or `python bench/understand.py [--quick]` (--quick skips the personas).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.domain.flow import load_flow  # noqa: E402
from coach.domain.lessons import load_library  # noqa: E402
from coach.domain.meaning import shared  # noqa: E402
from coach.domain.state import CoachState  # noqa: E402
from coach.engines.offline import OfflineEngine  # noqa: E402

TOOL = ROOT.parent / "shared" / "tools" / "personas"
COACH = Path(sys.executable).with_name("coach")
MESSAGES = [
    "hi po, 8 months na at teleperformance, graveyard shift. i really want to be a nurse",
    "to help my family", "in 3 years", "sat and sun", "not burnt out, more like bored",
    "maybe 2k per cutoff", "oo", "i dont think so, i can learn it", "siguro", "hindi", "2",
    "call the school on monday", "tired after the shift", "if im tired then i do it on sunday",
    "7 or 8", "around 120k",
    "привет, я оператор на входящей линии, хочу стать веб-дизайнером", "чтобы работать из дома",
    "за год-полтора", "2/2 по 12 часов", "очень устала, честно", "тысяч 7", "нет", "да", "хз",
    "нет", "1", "пройти первый урок в четверг", "нет сил", "если не будет сил, то в пятницу",
    "8", "полтора миллиона",
]  # fmt: skip


def personas() -> None:
    if not TOOL.exists():
        print("personas: ../shared/tools/personas not found, skipped")
        return
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    print("| suite | plan | re-asks | misses | stuck | fields |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, folder in (
        ("tune (ours)", ROOT / "tests" / "personas" / "tune"),
        ("holdout (ours, never tuned on)", ROOT / "tests" / "personas" / "holdout"),
        ("public examples", ROOT.parent / "shared" / "personas"),
    ):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "p.json"
            subprocess.run(
                [str(TOOL), "--coach", str(COACH), "-j", "2", "--json", str(out), str(folder)],
                capture_output=True, env=env, check=True, timeout=1800,
            )  # fmt: skip
            summary = json.loads(out.read_text())["summary"]
        s = summary
        print(
            f"| {name} | {s['plan']}/{s['personas']} | {s['re_asks']} | {s['misses']} |"
            f" {s['stuck']} | {s['fields_ok']}/{s['fields_total']} |"
        )


def speed_and_memory() -> None:
    prompts = files("coach.prompts")
    flow = load_flow(prompts / "flow")
    lessons = load_library(prompts / "lessons", ())
    meaning = shared()
    started = time.perf_counter()
    meaning.wait()
    loaded = time.perf_counter() - started
    engine = OfflineEngine(flow, lessons, lambda: date(2026, 11, 22), meaning=meaning)
    timings: list[float] = []
    for _ in range(5):
        state = engine.opening(CoachState()).state
        for message in MESSAGES:
            before = time.perf_counter()
            state = engine.respond(state, message).state
            timings.append((time.perf_counter() - before) * 1000)
    timings.sort()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"encoder load: {loaded:.2f} s (in a background thread, after the first frame)")
    print(
        f"one message, every step, encoder loaded: median {statistics.median(timings):.1f} ms,"
        f" p95 {timings[int(len(timings) * 0.95)]:.1f} ms, max {timings[-1]:.1f} ms"
        f" over {len(timings)} messages (budget: 30 ms median)"
    )
    print(f"peak RSS after {5} whole sessions in one process: {rss:.0f} MB (budget: 250 MB)")


if __name__ == "__main__":
    speed_and_memory()
    if "--quick" not in sys.argv:
        personas()
