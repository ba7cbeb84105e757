"""Spelling-level similarity: tf-idf over character n-grams, searched through an inverted index.

The sentence encoder reads meaning but knows no Tagalog and little of typos or slang
("sucide", «суецид», "magpakamatay", "kms"). Character n-grams see those as near their
labelled examples. An index of several thousand short phrases builds in about a second and
answers a query in about a millisecond: each n-gram's postings are numpy arrays, summed at
once (a Python loop over them grew to most of the check's time as the data grew).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=8192)  # the index and the evidence read the same examples
def grams(text: str) -> Counter[str]:
    """Whole words and their 3-, 4- and 5-letter pieces (with word edges marked); read-only."""
    out: Counter[str] = Counter()
    for word in _WORD.findall(text.lower().replace("ё", "е")):
        out["w:" + word] += 1
        padded = f" {word} "
        for n in (3, 4, 5):
            for i in range(len(padded) - n + 1):
                out[padded[i : i + n]] += 1
    return out


class Index:
    """Cosine similarity of a text to each indexed phrase, on tf-idf weighted n-grams."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.size = len(texts)
        docs = [grams(t) for t in texts]
        df = Counter(g for doc in docs for g in doc)
        self._idf = {g: math.log((1 + self.size) / (1 + c)) + 1 for g, c in df.items()}
        postings: defaultdict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, doc in enumerate(docs):
            for g, weight in self._weights(doc).items():
                postings[g].append((i, weight))
        import numpy as np  # not at import: the first frame does not wait for it

        self._postings = {
            g: (np.array([i for i, _ in p], np.int32), np.array([w for _, w in p], np.float32))
            for g, p in postings.items()
        }

    def _weights(self, doc: Counter[str]) -> dict[str, float]:
        # Unknown n-grams carry no evidence either way, so they do not dilute the norm.
        vec = {g: (1 + math.log(c)) * self._idf[g] for g, c in doc.items() if g in self._idf}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {g: v / norm for g, v in vec.items()}

    def similarities(self, text: str) -> Any:
        """One cosine similarity per indexed phrase, in their order (a numpy array)."""
        import numpy as np

        found = [(self._postings[g], w) for g, w in self._weights(grams(text)).items()]
        if not found:
            return np.zeros(self.size)
        rows = np.concatenate([rows for (rows, _), _ in found])
        weights = np.concatenate([weights * w for (_, weights), w in found])
        return np.bincount(rows, weights=weights, minlength=self.size)


def features(text: str) -> set[str]:
    """Words, word pairs and letter n-grams present in the text (presence, not counts)."""
    words = _WORD.findall(text.lower().replace("ё", "е"))
    out = set(grams(text))
    out.update(f"b:{a} {b}" for a, b in itertools.pairwise(words))
    return out


class Evidence:
    """Naive Bayes log-count ratios: how much each feature leans towards the positive label.

    Nearest neighbours see that a message is about suicide; these weights see the words that
    tell whose and when ("я", "хочу", "tonight" against "коллега", "caller", "at 19").
    """

    def __init__(self, texts: Sequence[str], positive: Sequence[bool], alpha: float = 1.0) -> None:
        counts: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
        for text, label in zip(texts, positive, strict=True):
            counts[1 if label else 0].update(features(text))
        n_pos = sum(1 for p in positive if p)
        n_neg = len(positive) - n_pos
        self._ratio = {
            f: math.log((counts[1][f] + alpha) / (n_pos + 2 * alpha))
            - math.log((counts[0][f] + alpha) / (n_neg + 2 * alpha))
            for f in counts[0].keys() | counts[1].keys()
        }

    def score(self, text: str) -> float:
        """The summed log ratios of the known features, scaled by their number's square root."""
        found = [self._ratio[f] for f in features(text) if f in self._ratio]
        return sum(found) / math.sqrt(len(found) or 1)
