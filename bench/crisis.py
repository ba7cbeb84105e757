"""Crisis detection measured: both layers (patterns, then the classifier), per band and kind.

Run with `make bench` (or `python bench/crisis.py`). Sets:
- `prompts/safety/phrases.yaml`: the classifier is trained on it (its figures flatter);
- `prompts/safety/validation.yaml`: the thresholds in classifier.yaml were chosen on it;
- `tests/crisis_holdout_8.yaml`: held out, written blind before any measurement on it and
  never tuned on: the honest estimate, first in the README's Safety table. Sets 1 to 7 were
  measured the same way when fresh and then joined the training data;
- `tests/crisis_phrases.yaml` `held_out`: the older held-out set of the patterns.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from importlib.resources import files
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.domain.crisis import load_crisis  # noqa: E402
from coach.domain.crisis_model import CrisisModel, labelled  # noqa: E402
from coach.domain.meaning import shared  # noqa: E402
from coach.engines.care import Care  # noqa: E402

HELD_OUT = [
    ("held out 8 (never tuned on)", "crisis_holdout_8.yaml"),
]


def measure(care: Care, name: str, data: object, kinds: bool) -> None:
    rows = list(labelled(data))
    by_lang: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for text, label, lang, kind in rows:
        by_lang[lang].append((label, kind, care.band(text)))
    for lang, results in by_lang.items():
        pos = [r for r in results if r[0] == 1]
        neg = [r for r in results if r[0] == 0]
        caught = sum(r[2] != "none" for r in pos)
        high = sum(r[2] == "high" for r in pos)
        alarms = sum(r[2] != "none" for r in neg)
        alarms_high = sum(r[2] == "high" for r in neg)
        print(
            f"| {name} | {lang} | {caught}/{len(pos)} ({caught / max(1, len(pos)):.0%})"
            f" | {high}/{len(pos)} | {alarms}/{len(neg)} ({alarms / max(1, len(neg)):.0%})"
            f" | {alarms_high}/{len(neg)} ({alarms_high / max(1, len(neg)):.0%}) |"
        )
        if kinds:
            per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            for label, kind, band in results:
                per[f"{'+' if label else '-'}{kind}"][0] += (band != "none") == bool(label)
                per[f"{'+' if label else '-'}{kind}"][1] += 1
            print("|  |  | " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in sorted(per.items())))


def main() -> None:
    folder = files("coach.prompts") / "safety"
    crisis = load_crisis(folder)
    model = CrisisModel(files("coach.prompts"), shared())
    model.prepare()
    care = Care(crisis, None, model)
    print("| set | language | caught (either band) | high band | false alarms (either) |"
          " false alarms (high) |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- |")
    kinds = "--kinds" in sys.argv
    for name, path in HELD_OUT:
        measure(care, name, yaml.safe_load((ROOT / "tests" / path).read_text("utf-8")), kinds)
    old = yaml.safe_load((ROOT / "tests" / "crisis_phrases.yaml").read_text("utf-8"))
    measure(care, "older held out (patterns')", old["held_out"], kinds)
    measure(care, "validation (thresholds)", yaml.safe_load(
        (folder / "validation.yaml").read_text("utf-8")), kinds)  # fmt: skip
    measure(care, "training", yaml.safe_load((folder / "phrases.yaml").read_text("utf-8")), False)
    import statistics
    import time

    messages = [text for text, *_ in labelled(yaml.safe_load(
        (folder / "validation.yaml").read_text("utf-8")))]  # fmt: skip
    timings = []
    for text in messages:
        started = time.perf_counter()
        care.band(f"{text} (timed)")  # not yet encoded: the cache would flatter
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(
        f"\nthe check, both layers, per message: median {statistics.median(timings):.1f} ms,"
        f" p95 {timings[int(0.95 * len(timings))]:.1f} ms, max {timings[-1]:.1f} ms"
        f" over {len(timings)} messages [budget 30 ms]\n"
    )
    patterns = Care(crisis, None, None)
    for name, path in HELD_OUT:
        data = yaml.safe_load((ROOT / "tests" / path).read_text("utf-8"))
        measure(patterns, f"{name}, patterns only", data, False)


if __name__ == "__main__":
    main()
