"""Scope rails: the coach gives no investment, trading, crypto, loan, tax or legal advice."""

from __future__ import annotations

import re

from coach.domain.flow import Keywords
from coach.domain.text import normalize


def _has_word_prefix(text: str, words: list[str]) -> bool:
    return any(re.search(r"(?<!\w)" + re.escape(normalize(word)), text) for word in words)


def asks_out_of_scope(text: str, keywords: Keywords) -> bool:
    """True when a message asks for advice the coach must not give.

    It needs both a topic (crypto, loan, tax...) and a cue that advice is wanted ("should I",
    "стоит ли", a question mark), so "I owe a loan, so money is tight" is an answer, not a
    request, and is stored as such.
    """
    norm = normalize(text)
    if not _has_word_prefix(norm, keywords.scope_topics.all()):
        return False
    cues = keywords.scope_cues.all()
    return ("?" in norm and "?" in cues) or _has_word_prefix(norm, [c for c in cues if c != "?"])
