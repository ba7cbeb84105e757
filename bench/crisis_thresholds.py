"""Choose the crisis classifier's thresholds on cross-validated scores, per language.

Run with `python bench/crisis_thresholds.py` after the safety data changes, then copy what it
prints into `prompts/safety/classifier.yaml`. Every labelled phrase (phrases.yaml and
validation.yaml) and every everyday answer (everyday.yaml) is scored by a model trained on
the other four fifths, so no score has seen its own phrase. Per language:
- `middle`: the lowest threshold at which both layers raise at most 8% false alarms on the
  look-alikes (a margin under the 10% asked for; see LOOKALIKE_FA) and at most 2% on everyday
  answers;
- `high`: the lowest at which the high band raises at most 2% on look-alikes and 0.5% on
  everyday answers;
- `veto`: for a pattern that only names the subject ("suicide"), the score below which it is
  let go: 0.02 under the lowest-scored crisis phrase such a pattern caught, so none of them
  would have been let go;
Messages of fewer than `short_words` words need `short_lift` of the way from `middle` to
`high` (classifier.yaml); that lift is applied after, and was chosen on these scores too.
The held-out sets (tests/crisis_holdout*.yaml) are never read here.
"""

from __future__ import annotations

import random
import sys
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.domain.crisis import load_crisis  # noqa: E402
from coach.domain.crisis_model import CrisisModel, labelled, ordinary_texts, script  # noqa: E402
from coach.domain.meaning import shared  # noqa: E402
from coach.domain.text import normalize  # noqa: E402

# 8%, not the 10% the issue allows: on every held-out set so far, fresh look-alikes raised
# 3-9 points more false alarms than cross-validation did (and fresh crisis phrases were
# caught 6-9 points more often), so the margin is left for that shift.
LOOKALIKE_FA = float(sys.argv[1]) if len(sys.argv) > 1 else 0.08
EVERYDAY_FA = 0.02
LOOKALIKE_FA_HIGH, EVERYDAY_FA_HIGH = 0.02, 0.005
FOLDS = 5
# Which fifth a phrase falls in moves a threshold by up to 0.025 (adding ten phrases once
# moved English recall from 86% to 80%): three different splits, pooled, steady it.
SEEDS = (7, 8, 9)


def rows() -> tuple[list[tuple[str, int, str]], list[str]]:
    """(text, label, kind) to cross-validate, and the texts that always train."""
    prompts = files("coach.prompts")
    out: list[tuple[str, int, str]] = []
    for name in ("phrases.yaml", "validation.yaml"):
        data = yaml.safe_load((prompts / "safety" / name).read_text("utf-8"))
        out += [(text, label, kind) for text, label, _, kind in labelled(data)]
    everyday = yaml.safe_load((prompts / "safety" / "everyday.yaml").read_text("utf-8"))
    out += [(str(t), 0, "everyday") for texts in everyday.values() for t in texts]
    folded = {normalize(t) for t, _, kind in out if kind == "everyday"}
    always = [t for t in map(normalize, ordinary_texts(prompts)) if t not in folded]
    return out, always


def scores(data: list[tuple[str, int, str]], always: list[str], seed: int = 7) -> Any:
    order = list(range(len(data)))
    random.Random(seed).shuffle(order)
    result = np.zeros(len(data))
    for fold in range(FOLDS):
        test = set(order[fold::FOLDS])
        model = CrisisModel(files("coach.prompts"), shared())
        model.prepare()
        train = [i for i in order if i not in test]
        model._texts = [normalize(data[i][0]) for i in train] + always
        model._labels = [data[i][1] for i in train] + [0] * len(always)
        model._split(np.stack(shared().vectors(model._texts)).astype("float32"))
        for i in test:
            result[i] = model.score(data[i][0])
    return result


def main() -> None:
    data, always = rows()
    settings = CrisisModel(files("coach.prompts"), shared())
    settings.prepare()
    # Each phrase is scored once per split; the figures below count it once per split.
    score = np.concatenate([scores(data, always, seed) for seed in SEEDS])
    data = data * len(SEEDS)
    short = np.array([len(t.split()) < settings.settings.min_words for t, _, _ in data])
    score[short] = -9.0
    crisis = load_crisis(files("coach.prompts") / "safety")
    hits = np.array([crisis.hit(t) for t, _, _ in data])
    label = np.array([row[1] for row in data])
    kind = np.array([row[2] for row in data])
    language = np.array([script(t) for t, _, _ in data])
    grid = np.arange(-0.05, 0.2, 0.0025)
    high: dict[str, float] = {}
    middle: dict[str, float] = {}
    veto: dict[str, float] = {}
    for lang in ("en", "ru", "fil"):
        mine = language == lang
        topic = mine & (hits == "topic") & ~short
        lowest = score[topic & (label == 1)].min() if (topic & (label == 1)).any() else -1.0
        veto[lang] = round(float(lowest) - 0.02, 4)
        # A pattern that says the writer means it is always at least asked about.
        pattern = (hits == "person") | ((hits == "topic") & ((score >= veto[lang]) | short))
        pos, look, every = mine & (label == 1), mine & (label == 0), mine & (kind == "everyday")
        look &= kind != "everyday"

        def either(t: float, pattern: Any = pattern) -> Any:
            return pattern | (score >= t)

        mid = next(
            (t for t in grid
             if either(t)[look].mean() <= LOOKALIKE_FA and either(t)[every].mean() <= EVERYDAY_FA),
            grid[-1],
        )  # fmt: skip

        def paused(t: float, mid: float = mid, pattern: Any = pattern) -> Any:
            return (pattern & ((score >= mid) | short)) | (score >= t)

        top = next(
            (t for t in grid if t >= mid and paused(t)[look].mean() <= LOOKALIKE_FA_HIGH
             and paused(t)[every].mean() <= EVERYDAY_FA_HIGH),
            grid[-1],
        )  # fmt: skip
        middle[lang], high[lang] = round(float(mid), 4), round(float(top), 4)
        found = either(mid)[pos]
        print(
            f"{lang}: cross-validated recall {found.mean():.0%} ({found.sum()}/{pos.sum()}"
            f" over {len(SEEDS)} splits), false alarms {either(mid)[look].mean():.1%} on"
            f" look-alikes ({paused(top)[look].mean():.1%} paused),"
            f" {either(mid)[every].mean():.1%} of everyday answers"
        )
    print(f"\nhigh: {high}\nmiddle: {middle}\nveto: {veto}")


if __name__ == "__main__":
    main()
