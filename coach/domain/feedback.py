"""Feedback on a writing activity: what is there, what is missing, one question to go deeper.

Offline, each rubric item's check is tested on the text (a date? an amount? three skills?).
A model fills the same three parts, so the user sees one shape whichever engine runs.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Literal

from coach.domain.activities import Activity, Check
from coach.domain.flow import Flow
from coach.domain.text import Language, escape_markdown, normalize, word_count
from coach.domain.understand import match_keywords, parse_date

Source = Literal["checklist", "model"]

_MONTH_WORDS = re.compile(
    r"(?<![\w])(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
    r"|(?<![\w])(январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)"
)
_SPAN = re.compile(
    r"(?:in|within|after|by|за|через|в течение)\s+(?:\d+|a|an|one|two|three|six|twelve|"
    r"один|одн\w*|два|две|три|шесть|пол)\s*(?:months?|weeks?|years?|days?|месяц\w*|недел\w*|"
    r"год\w*|лет|дн\w*)"
)
_YEAR = re.compile(r"(?<!\d)20\d\d(?!\d)")
_DIGITS = re.compile(r"\d")
_ITEM_SPLIT = re.compile(r"[,;]|\s+(?:and|и)\s+")
_BULLET = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s*")


def mentions_time(text: str, today: date) -> bool:
    """A day, month, year or span of time anywhere in the text."""
    norm = normalize(text)
    if _YEAR.search(norm) or _SPAN.search(norm):
        return True
    without_may = re.sub(r"\b(?:i|you|we|it|they|that|this) may\b", " ", norm)
    return bool(_MONTH_WORDS.search(without_may)) or parse_date(norm, today) is not None


def count_items(text: str) -> int:
    """How many things a text lists: its lines, or the parts of one line split by commas."""
    lines = [_BULLET.sub("", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if word_count(line)]
    if len(lines) > 1:
        return len(lines)
    return sum(1 for part in _ITEM_SPLIT.split(lines[0]) if word_count(part)) if lines else 0


def passes(check: Check, text: str, today: date) -> bool:
    """Whether ``text`` has what one rubric item asks for."""
    if check.date:
        return mentions_time(text, today)
    if check.amount:
        return bool(_DIGITS.search(text))
    if check.items is not None:
        return count_items(text) >= check.items
    if check.words is not None:
        return word_count(text) >= check.words
    assert check.keywords is not None
    return match_keywords(text, {"hit": check.keywords.all()}) is not None


@dataclass(frozen=True)
class Feedback:
    """One piece of feedback, as stored with the version it is about."""

    present: list[str]
    missing: list[str]
    question: str
    source: Source = "checklist"

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Feedback | None:
        """The stored feedback, or None when there is none (or it cannot be read)."""
        try:
            data = json.loads(text) if text else None
            if not isinstance(data, dict):
                return None
            source: Source = "model" if data.get("source") == "model" else "checklist"
            return cls(
                present=[str(x) for x in data.get("present", [])],
                missing=[str(x) for x in data.get("missing", [])],
                question=str(data.get("question", "")),
                source=source,
            )
        except (ValueError, TypeError):
            return None

    def render(self, flow: Flow, language: Language) -> str:
        """Markdown in the user's language; the model's words are escaped like a user's."""
        parts: list[str] = []
        if self.present:
            items = "\n".join(f"- ✓ {escape_markdown(x)}" for x in self.present)
            parts.append(f"**{flow.text('feedback_there', language)}**\n\n{items}")
        if self.missing:
            items = "\n".join(f"- ✗ {escape_markdown(x)}" for x in self.missing)
            parts.append(f"**{flow.text('feedback_missing', language)}**\n\n{items}")
        if self.question:
            head = flow.text("feedback_deeper", language)
            parts.append(f"**{head}** {escape_markdown(self.question)}")
        return "\n\n".join(parts)


def checklist(activity: Activity, text: str, language: Language, today: date) -> Feedback:
    """The offline feedback: each rubric item present or missing, then one question.

    The question is the first missing item's, so it points at the gap; with nothing
    missing it is the activity's question for going deeper.
    """
    present: list[str] = []
    missing: list[str] = []
    question = ""
    for criterion in activity.rubric:
        if passes(criterion.check, text, today):
            present.append(criterion.label(language))
        else:
            missing.append(criterion.label(language))
            question = question or criterion.ask(language)
    return Feedback(present, missing, question or activity.deeper(language))
