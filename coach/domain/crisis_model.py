"""The second crisis layer: a classifier on the sentence encoder, trained from labelled data.

The patterns in ``crisis.yaml`` catch clear, direct phrasings. This layer scores the rest
(slang, typos, means and plans, goodbye behaviour, passive wishes, Filipino English) with a
logistic regression on the multilingual encoder's vectors. It is trained when the encoder
loads, from ``prompts/safety/phrases.yaml``, deterministically (same data, same weights), so
it is reproducible from the repository and an author's new phrases take effect on restart.
Its thresholds (``classifier.yaml``) were chosen on ``validation.yaml``; the held-out set in
``tests/crisis_holdout.yaml`` is only ever measured.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterator
from importlib.resources.abc import Traversable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from coach.domain.meaning import Meaning
from coach.domain.text import normalize
from coach.domain.yamlio import load as load_yaml

Band = Literal["high", "middle", "none"]
WEIGHTS = "classifier_weights.json"


class Settings(BaseModel):
    """``prompts/safety/classifier.yaml``: thresholds and training knobs."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    high: float = Field(ge=0, le=1)
    """At or above: coaching pauses with care and resources."""
    middle: float = Field(ge=0, le=1)
    """At or above (and below ``high``): the coach asks directly, with the resources line."""
    min_words: int = 3
    """Shorter messages ("yes", "2", "friday") go by the patterns alone."""
    l2: float = 0.001
    scale: float = 4.0
    iterations: int = 2000


def labelled(data: Any) -> Iterator[tuple[str, int, str, str]]:
    """(text, label, language, kind) from {language: {positive|negative: {kind: [text]}}}."""
    for language, sets in (data or {}).items():
        for label, kinds in sets.items():
            groups = kinds.items() if isinstance(kinds, dict) else [("-", kinds)]
            for kind, phrases in groups:
                for phrase in phrases or []:
                    yield str(phrase), 1 if label == "positive" else 0, str(language), str(kind)


def ordinary_texts(prompts: Traversable) -> list[str]:
    """Everyday coaching language, as more negatives.

    The shipped lessons' sentences, the flow's questions, replies and intent examples.
    Without them, the look-alike negatives teach the model that anything unlike them
    ("а вам зачем это знать") is a crisis.
    """
    texts: list[str] = []
    for entry in sorted((prompts / "lessons").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".md"):
            body = entry.read_text(encoding="utf-8")
            texts += [t for t in re.split(r"(?<=[.!?])\s+|\n+", body) if 4 <= len(t.split()) <= 30]
    flow = load_yaml((prompts / "flow" / "flow.yaml").read_text(encoding="utf-8"))
    for step in flow.get("steps", []):
        texts += [str(v) for v in step.get("ask", {}).values()]
    messages = load_yaml((prompts / "flow" / "messages.yaml").read_text(encoding="utf-8"))
    for text in messages.values():
        texts += [t for v in text.values() for t in re.split(r"\n+", str(v)) if len(t.split()) >= 3]
    intents = load_yaml((prompts / "flow" / "intents.yaml").read_text(encoding="utf-8"))
    for languages in intents.values():
        for phrases in languages.values():
            texts += [str(p) for p in phrases]
    return texts


class CrisisModel:
    """Scores a message from 0 to 1; trained on first use, once, in whatever thread asks."""

    def __init__(self, prompts: Traversable, meaning: Meaning) -> None:
        folder = prompts / "safety"
        self.settings = Settings.model_validate(
            load_yaml((folder / "classifier.yaml").read_text(encoding="utf-8"))
        )
        phrases = (folder / "phrases.yaml").read_text(encoding="utf-8")
        self._data = load_yaml(phrases)
        self._ordinary = ordinary_texts(prompts)
        self.fingerprint = hashlib.sha256(
            "\n".join([phrases, repr(self.settings), *self._ordinary]).encode()
        ).hexdigest()
        self._shipped = folder / WEIGHTS
        self.meaning = meaning
        self._weights: Any = None
        self._bias = 0.0
        self._lock = threading.Lock()

    @property
    def trained(self) -> bool:
        return self._weights is not None

    def prepare(self) -> bool:
        """Load the encoder and train; False if the encoder is unusable (patterns only)."""
        if self._weights is not None:
            return True
        if not self.meaning.wait():
            return False
        with self._lock:
            if self._weights is None and not self._load_shipped():
                self._train()
        return True

    def _load_shipped(self) -> bool:
        """The weights trained from exactly this data, if they ship: instant, no training.

        An author who edits phrases.yaml changes the fingerprint, and the model is trained
        anew at start-up (a few seconds, in the background) until the weights are rebuilt
        with ``python -m coach.domain.crisis_model``.
        """
        try:
            saved = json.loads(self._shipped.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if not isinstance(saved, dict) or saved.get("fingerprint") != self.fingerprint:
            return False
        import numpy as np

        self._weights = np.array(saved["weights"], dtype=float)
        self._bias = float(saved["bias"])
        return True

    def train(self) -> dict[str, Any]:
        """Train from the data now, and return the weights as saved beside it."""
        if not self.meaning.wait():
            raise RuntimeError(f"the sentence encoder cannot load: {self.meaning.error}")
        self._train()
        return {
            "fingerprint": self.fingerprint,
            "bias": round(self._bias, 6),
            "weights": [round(float(w), 6) for w in self._weights],
        }

    def _train(self) -> None:
        import numpy as np

        rows = [(r[0], r[1]) for r in labelled(self._data)] + [(t, 0) for t in self._ordinary]
        x = np.stack(self.meaning.vectors([normalize(r[0]) for r in rows])) * self.settings.scale
        y = np.array([r[1] for r in rows], dtype=float)
        # Balance the classes, so there being more look-alikes than crises does not
        # teach the model that "no" is the safe guess.
        weight = np.where(y == 1, (y == 0).sum() / max(1.0, (y == 1).sum()), 1.0)
        weight /= weight.mean()
        w, b = np.zeros(x.shape[1]), 0.0
        for _ in range(self.settings.iterations):
            p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
            g = (p - y) * weight
            w -= x.T @ g / len(y) + self.settings.l2 * w
            b -= float(g.mean())
        self._weights, self._bias = w, b

    def score(self, text: str) -> float:
        """The probability that the message shows suicidal or self-harm intent."""
        if not self.prepare():
            return 0.0
        import numpy as np

        vector = self.meaning.vectors([normalize(text)])[0] * self.settings.scale
        return float(1.0 / (1.0 + np.exp(-(vector @ self._weights + self._bias))))

    def band(self, text: str) -> Band:
        if len(text.split()) < self.settings.min_words:
            return "none"
        score = self.score(text)
        if score >= self.settings.high:
            return "high"
        return "middle" if score >= self.settings.middle else "none"


def main() -> None:
    """Rebuild ``prompts/safety/classifier_weights.json`` from the data in this checkout."""
    import sys
    from importlib.resources import files
    from pathlib import Path

    from coach.domain.meaning import shared

    prompts = files("coach.prompts")
    saved = CrisisModel(prompts, shared()).train()
    target = Path(str(prompts / "safety" / WEIGHTS))
    target.write_text(json.dumps(saved) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {target} ({saved['fingerprint'][:12]})\n")


if __name__ == "__main__":
    main()
