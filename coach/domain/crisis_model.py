"""The second crisis layer: a classifier on the sentence encoder, trained from labelled data.

The patterns in ``crisis.yaml`` catch clear, direct phrasings. This layer scores the rest
(slang, typos, means and plans, goodbye behaviour, passive wishes, Filipino English): how much
nearer a message is to the labelled crisis phrases than to the look-alikes and everyday
coaching language, by meaning (the encoder's vectors), by spelling (character n-grams, which
see "sucide" and Tagalog) and by the words' Naive Bayes evidence (whose it is, and when). It
also gives a second opinion on a pattern's hit, so a story about someone else is asked about
rather than paused on. The examples' vectors ship beside the data, each under its text's hash
(``classifier_vectors.npy`` and ``.keys``), so start-up encodes nothing; a text an author
adds (a new flow question, a new phrase) is encoded at start-up until the vectors are
rebuilt with ``python -m coach.domain.crisis_model`` (a test rebuilds them and compares). Thresholds
(``classifier.yaml``, per language) come from ``bench/crisis_thresholds.py``; the held-out
sets in ``tests/crisis_holdout*.yaml`` are only ever measured.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterator
from importlib.resources.abc import Traversable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from coach.domain import loading
from coach.domain.lexical import Evidence, Index
from coach.domain.meaning import Meaning
from coach.domain.text import normalize

Band = Literal["high", "middle", "none"]
Script = Literal["en", "ru", "fil"]
"""The language a message's thresholds are chosen for: margins differ by language."""

# Tagalog and Bisaya function words: two of them make a message Filipino English.
_FILIPINO = frozenset(
    "ako ko ka mo na ng nang lang sa ang yung mga hindi di ba naman kasi ksi nmn q kayo sila"
    " siya ito talaga gusto ayoko ayaw wala po nako dili kaayo unta pag kung ung ni".split()
)
_CYRILLIC = re.compile("[а-яё]")


def script(text: str) -> Script:
    """Russian by its letters, Filipino English by its function words, else English."""
    lowered = text.lower()
    if _CYRILLIC.search(lowered):
        return "ru"
    words = re.findall(r"\w+", lowered)
    return "fil" if sum(w in _FILIPINO for w in words) >= 2 else "en"


Keep = Callable[[str, Callable[[], Any]], Any]
"""``keep(name, build)``: ``build()``'s result, or the one kept from the last start."""
VECTORS = "classifier_vectors.npy"
KEYS = "classifier_vectors.keys"
"""One line per row of VECTORS: the hash of the (normalized) text it encodes."""


def text_key(text: str) -> str:
    """The key a text's shipped vector is found by."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class Settings(BaseModel):
    """``prompts/safety/classifier.yaml``: thresholds and training knobs."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    high: dict[Script, float]
    """At or above: coaching pauses with care and resources."""
    middle: dict[Script, float]
    """At or above (and below ``high``): the coach asks directly, with the resources line."""
    veto: dict[Script, float] = {}
    """Below this, a pattern that only names the subject ("suicide") is let go: the message
    reads as someone else's story or safety talk. A pattern that says the writer means it
    ("kms") is never let go."""
    min_words: int = 3
    """Shorter messages ("yes", "2", "friday") go by the patterns alone."""
    short_words: int = 5
    """Messages with fewer words than this carry little evidence, so one near example can
    sway them ("хочу делать игры"): they need ``short_lift`` of the way from ``middle`` to
    ``high`` to be asked about."""
    short_lift: float = Field(default=0.5, ge=0, le=1)
    temperature: float = Field(default=0.06, gt=0)
    """How sharply the nearest examples outweigh the rest in the soft nearest-neighbour margin."""
    spelling: float = Field(default=0.0, ge=0, le=1)
    """The weight of the spelling-level margin (``lexical.py``) against the encoder's."""
    evidence: float = Field(default=0.0, ge=0)
    """The weight of the words' Naive Bayes evidence (``lexical.Evidence``), added on top."""


def labelled(data: Any) -> Iterator[tuple[str, int, str, str]]:
    """(text, label, language, kind) from {language: {positive|negative: {kind: [text]}}}."""
    for language, sets in (data or {}).items():
        for label, kinds in sets.items():
            groups = kinds.items() if isinstance(kinds, dict) else [("-", kinds)]
            for kind, phrases in groups:
                for phrase in phrases or []:
                    yield str(phrase), 1 if label == "positive" else 0, str(language), str(kind)


def _data(source: Traversable) -> Any:
    """A YAML file's data; a syntax error is a DataError naming the file and line."""
    return loading.read(source, error=loading.DataError).data


def ordinary_texts(prompts: Traversable) -> list[str]:
    """Everyday coaching language, as more negatives.

    ``safety/ordinary.yaml`` (plain plans and obstacles), ``safety/everyday.yaml`` (what our
    tune personas say), the shipped lessons' sentences,
    the flow's questions, replies and intent examples. Without them, the look-alike
    negatives teach the model that anything unlike them ("а вам зачем это знать") is a crisis.
    """
    texts: list[str] = []
    for name in ("ordinary.yaml", "everyday.yaml"):
        everyday = _data(prompts / "safety" / name)
        texts += [str(t) for phrases in (everyday or {}).values() for t in phrases]
    for entry in sorted((prompts / "lessons").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".md"):
            body = entry.read_text(encoding="utf-8")
            texts += [t for t in re.split(r"(?<=[.!?])\s+|\n+", body) if 4 <= len(t.split()) <= 30]
    flow = _data(prompts / "flow" / "flow.yaml")
    for step in flow.get("steps", []):
        texts += [str(v) for v in step.get("ask", {}).values()]
    messages = _data(prompts / "flow" / "messages.yaml")
    for text in messages.values():
        texts += [t for v in text.values() for t in re.split(r"\n+", str(v)) if len(t.split()) >= 3]
    intents = _data(prompts / "flow" / "intents.yaml")
    for languages in intents.values():
        for phrases in languages.values():
            texts += [str(p) for p in phrases]
    return texts


class CrisisModel:
    """Scores a message; the examples are encoded (or loaded) once, in whatever thread asks."""

    def __init__(self, prompts: Traversable, meaning: Meaning, keep: Keep | None = None) -> None:
        # Nothing is read here: the app builds this before its first frame, and the data
        # (tens of kilobytes of YAML) is only needed once the encoder has loaded.
        self.prompts = prompts
        self.meaning = meaning
        self.keep = keep
        """Where the spelling index and word evidence built from this data are kept between
        starts (the content cache): building them is a second of pure Python that would
        otherwise compete with the interface for the interpreter while the app opens."""
        self._positive: Any = None
        self._negative: Any = None
        self._lock = threading.Lock()
        self._read = False
        self.encoded_at_start = 0
        """Examples whose vectors did not ship (text added since the last rebuild)."""

    def _read_data(self) -> None:
        if self._read:
            return
        folder = self.prompts / "safety"
        self.settings = loading.load(folder / "classifier.yaml", Settings)
        rows = [(t, label) for t, label, _, _ in labelled(_data(folder / "phrases.yaml"))]
        rows += [(t, 0) for t in ordinary_texts(self.prompts)]
        self._texts = [normalize(t) for t, _ in rows]
        self._labels = [label for _, label in rows]
        self._read = True

    @property
    def trained(self) -> bool:
        return self._positive is not None

    def prepare(self) -> bool:
        """Load the encoder and the examples' vectors; False if the encoder is unusable."""
        if self._positive is not None:
            return True
        if not self.meaning.wait():
            return False
        with self._lock:
            if self._positive is None:
                self._read_data()
                self._split(self._known_vectors())
        return True

    def _known_vectors(self) -> Any:
        """Each example's vector: the shipped one where its text ships, else encoded now.

        So a question added to the flow costs one encoding at start-up, not all of them.
        """
        import numpy as np

        shipped = self.shipped()
        missing = [t for t in dict.fromkeys(self._texts) if text_key(t) not in shipped]
        self.encoded_at_start = len(missing)
        if missing:
            shipped.update(zip(map(text_key, missing), self.meaning.vectors(missing), strict=True))
        return np.stack([shipped[text_key(t)] for t in self._texts]).astype("float32")

    def shipped(self) -> dict[str, Any]:
        """The shipped vectors by text key; empty if they are missing or unreadable."""
        import io

        import numpy as np

        folder = self.prompts / "safety"
        try:
            keys = (folder / KEYS).read_text(encoding="utf-8").split()
            vectors = np.load(io.BytesIO((folder / VECTORS).read_bytes())).astype("float32")
        except (OSError, ValueError):
            return {}
        return dict(zip(keys, vectors, strict=False)) if len(keys) == len(vectors) else {}

    def vectors(self) -> Any:
        """Encode every example now (a few seconds): what ships, and the fallback."""
        import numpy as np

        if not self.meaning.wait():
            raise RuntimeError(f"the sentence encoder cannot load: {self.meaning.error}")
        self._read_data()
        return np.stack(self.meaning.vectors(self._texts)).astype("float32")

    def _split(self, vectors: Any) -> None:
        import numpy as np

        labels = np.array(self._labels)

        def lexical() -> tuple[Index, Evidence]:
            positive = [label == 1 for label in self._labels]
            return Index(self._texts), Evidence(self._texts, positive)

        built = self.keep("crisis-lexical", lexical) if self.keep is not None else lexical()
        self._spelling: Index = built[0]
        self._evidence: Evidence = built[1]
        self._is_positive = labels == 1
        self._negative = vectors[labels == 0]
        self._positive = vectors[labels == 1]
        # The encoder's similarities come positives first (see score), the spelling's in order.
        self._vector_positive = np.arange(len(labels)) < int(self._is_positive.sum())

    def score(self, text: str) -> float:
        """How much nearer the message is to crisis phrases than to everything else."""
        if not self.prepare():
            return -1.0
        import numpy as np

        text = normalize(text)
        vector = self.meaning.vectors([text])[0]
        meaning = self._margin(np.concatenate([self._positive @ vector, self._negative @ vector]))
        weight = self.settings.spelling
        spelling = self._margin(self._spelling.similarities(text), spelling=True)
        evidence = self.settings.evidence * self._evidence.score(text)
        return (1 - weight) * meaning + weight * spelling + evidence

    def _margin(self, similarities: Any, spelling: bool = False) -> float:
        """A soft nearest-neighbour margin: log-sum-exp of the crisis side minus the other's.

        Every example counts, the nearest ones most (``temperature``), so one close
        look-alike weighs against many loose crisis matches, and the reverse.
        """
        import numpy as np

        positive = self._is_positive if spelling else self._vector_positive
        tau = self.settings.temperature

        def soft_max(values: Any) -> float:
            top = float(values.max())
            return top + tau * float(np.log(np.exp((values - top) / tau).sum()))

        return soft_max(similarities[positive]) - soft_max(similarities[~positive])

    def band(self, text: str) -> Band:
        if not self.prepare() or len(text.split()) < self.settings.min_words:
            return "none"
        score, language = self.score(text), script(text)
        high, middle = self.settings.high[language], self.settings.middle[language]
        if score >= high:
            return "high"
        if len(text.split()) < self.settings.short_words:
            middle += self.settings.short_lift * (high - middle)
        return "middle" if score >= middle else "none"

    def review(self, text: str, topic: bool = False) -> Band:
        """The band for a message the patterns caught: the classifier's second opinion.

        "our site lost an agent to suicide" matches a pattern, but its nearest examples are
        other people's stories and safety talk: such a hit is asked about rather than paused
        on. A pattern's hit never goes below the direct question ("kms" scores low, for the
        look-alikes that quote it). Without the encoder, or for a message of a word or two,
        the patterns decide alone. A ``topic`` hit (the subject named, not whose) scored below
        ``veto`` is let go: "our site lost an agent to suicide".
        """
        if not self.prepare() or len(text.split()) < self.settings.min_words:
            return "high"
        score, language = self.score(text), script(text)
        if topic and score < self.settings.veto.get(language, float("-inf")):
            return "none"
        return "middle" if score < self.settings.middle[language] else "high"


def main() -> None:
    """Rebuild the shipped vectors from the data in this checkout."""
    import sys
    from importlib.resources import files
    from pathlib import Path

    import numpy as np

    from coach.domain.meaning import shared

    prompts = files("coach.prompts")
    model = CrisisModel(prompts, shared())
    if not shared().wait():
        raise SystemExit(f"the sentence encoder cannot load: {shared().error}")
    vectors = model.vectors()
    folder = Path(str(prompts / "safety"))
    # float16 halves the file; the margins it changes are far below the thresholds' steps.
    np.save(folder / VECTORS, vectors.astype("float16"))
    (folder / KEYS).write_text("".join(text_key(t) + "\n" for t in model._texts), "utf-8")
    sys.stdout.write(f"wrote {folder / VECTORS} ({len(vectors)} examples)\n")


if __name__ == "__main__":
    main()
