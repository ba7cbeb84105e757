"""Lesson passages and BM25 ranking, so the most relevant lesson text goes into the prompt.

BM25 over an inverted index is written here (about forty lines) rather than taken from a
package: the maintained ones need NumPy/SciPy, which would triple the install for a few
thousand short passages. Words are stemmed with Snowball, by the algorithm the language whose
letters they are in names (``stemmer`` in ``locales/<code>.yaml``), because Russian endings
change with every case and a plain word match would miss most of them.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from coach.domain.lessons import Lesson, LessonLibrary
from coach.domain.locale import active

PASSAGE_WORDS = 120
K1, B = 1.5, 0.75
_WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=8)
def _stemmer(algorithm: str) -> Any:
    """Loaded on first use: ranking starts after the first frame, the import need not."""
    import snowballstemmer

    return snowballstemmer.stemmer(algorithm) if algorithm in snowballstemmer.algorithms() else None


def _algorithm(word: str) -> str:
    """The stemmer of the first registered language whose letters the word is written in."""
    registry = active()
    return next(
        (
            registry.get(code).stemmer
            for code in registry.codes
            if registry.letters(code).search(word)
        ),
        "",
    )


@dataclass(frozen=True)
class Passage:
    """A piece of one lesson: a paragraph or a few, under the heading they sit in."""

    lesson_id: str
    lesson_title: str
    language: str
    heading: str
    text: str
    index: int


def _stem(word: str) -> str:
    return _stem_with(word, _algorithm(word))


@lru_cache(maxsize=200_000)
def _stem_with(word: str, algorithm: str) -> str:
    stemmer = _stemmer(algorithm)
    return str(stemmer.stemWord(word)) if stemmer is not None else word


def terms(text: str) -> list[str]:
    """The stemmed, lower-cased words of ``text``, in either language."""
    return [_stem(w) for w in _WORD.findall(text.lower()) if len(w) > 1 or w.isdigit()]


def split_lesson(lesson: Lesson, max_words: int = PASSAGE_WORDS) -> list[Passage]:
    """Paragraphs grouped up to ``max_words`` without crossing a heading."""
    passages: list[Passage] = []
    heading, chunk, words = "", list[str](), 0

    def flush() -> None:
        nonlocal chunk, words
        if chunk:
            text = "\n\n".join(chunk)
            passages.append(
                Passage(lesson.id, lesson.title, lesson.language, heading, text, len(passages))
            )
        chunk, words = [], 0

    for block in re.split(r"\n\s*\n", lesson.body):
        block = block.strip()
        if not block:
            continue
        if block.startswith("#") and "\n" not in block:
            flush()
            heading = block.lstrip("#").strip()
            continue
        size = len(block.split())
        if chunk and words + size > max_words:
            flush()
        chunk.append(block)
        words += size
    flush()
    return passages


class PassageIndex:
    """An inverted index over every passage of a library, built once and reused each turn."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        self.passages = list(passages)
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._lengths: list[int] = []
        for i, passage in enumerate(self.passages):
            counts = Counter(terms(f"{passage.heading}\n{passage.text}"))
            self._lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                self._postings[term].append((i, tf))
        total = sum(self._lengths)
        self._avg = total / len(self._lengths) if self._lengths else 1.0

    @classmethod
    def of_library(cls, library: LessonLibrary) -> PassageIndex:
        return cls([p for lesson in library for p in split_lesson(lesson)])

    def rank(self, query: str, limit: int = 50) -> list[Passage]:
        """Passages by BM25 score for ``query``, best first; ties keep lesson order."""
        n = len(self.passages)
        scores: dict[int, float] = defaultdict(float)
        for term in set(terms(query)):
            postings = self._postings.get(term)
            if not postings:
                continue
            idf = math.log(1 + (n - len(postings) + 0.5) / (len(postings) + 0.5))
            for i, tf in postings:
                norm = tf + K1 * (1 - B + B * self._lengths[i] / self._avg)
                scores[i] += idf * tf * (K1 + 1) / norm
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [self.passages[i] for i, _ in best]


def query_for(parts: Iterable[str | None]) -> str:
    """Join the pieces of a retrieval query, skipping the empty ones."""
    return "\n".join(p for p in parts if p)
