"""Understanding short answers: yes/no/unsure, numbers, amounts, dates, in every language.

Keyword lists for yes/no/unsure live in the flow data so authors can extend them; the grammar
of numbers and dates is code, because it is the same for every course; the words for numbers
and days are each language's tables (``locales/<code>.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Literal

from coach.domain.locale import Registry, active
from coach.domain.text import normalize

YesNo = Literal["yes", "no", "unsure"]

_MULTIPLIERS = {
    "k": 1_000, "к": 1_000, "thousand": 1_000, "thousands": 1_000, "grand": 1_000,
    "тыс": 1_000, "тысяч": 1_000, "тысячи": 1_000, "тысяча": 1_000, "тысячу": 1_000,
    "т": 1_000, "m": 1_000_000, "mln": 1_000_000, "million": 1_000_000, "millions": 1_000_000,
    "млн": 1_000_000, "миллион": 1_000_000, "миллиона": 1_000_000, "миллионов": 1_000_000,
}  # fmt: skip
_NUMBER = re.compile(
    r"(?<![\w.,])(-|−)?(\d{1,3}(?:[ ,\u00a0\u202f]\d{3})+|\d+)(?:[.,](\d+))?"
    r"\s*(k|к|m|mln|млн|thousands?|grand|тыс\w*|т|millions?|миллион\w*)?(?![a-zа-я])",
)


@dataclass(frozen=True)
class _Words:
    """Every registered language's words for numbers and days, merged (first claim wins)."""

    numbers: dict[str, float]
    weekdays: dict[str, int]
    relative: dict[str, int]
    months: dict[str, int]


@cache
def _words(registry: Registry) -> _Words:
    numbers: dict[str, float] = {}
    weekdays: dict[str, int] = {}
    relative: dict[str, int] = {}
    months: dict[str, int] = {}
    for loc in registry.locales.values():
        numbers = {**loc.numbers.answer_words, **numbers}
        weekdays = {**loc.dates.weekday_words, **weekdays}
        relative = {**loc.dates.relative_days, **relative}
        months = {**loc.dates.month_words, **months}
    return _Words(numbers, weekdays, relative, months)


_LETTERS = re.compile(r"[^\W\d_]+")
_IN_DAYS = re.compile(r"(?:in|через)\s+(\d+|\w+)\s+(days?|дн\w*|день|weeks?|недел\w*)")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[./](\d{1,2})(?:[./](\d{2,4}))?(?!\d)")
_DAY_MONTH = re.compile(r"(?<!\d)(\d{1,2})\s*(?:st|nd|rd|th)?\s+(?:of\s+)?([a-zа-я]{3,})")
_MONTH_DAY = re.compile(r"([a-z]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?!\d)")


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])" + re.escape(normalize(phrase)) + r"(?![\w])")


def classify_yes_no(text: str, keywords: Mapping[YesNo, Sequence[str]]) -> YesNo | None:
    """Classify an answer as yes, no or unsure; None when it is none of them.

    The longest matching phrase wins, so "i don't know" (unsure) beats "i don't" (no) and
    "not sure" beats "not". Ties go to the earliest phrase in the answer.
    """
    norm = normalize(re.sub(r"[!?.,;:…()\"«»]", " ", text))
    best: tuple[int, int, YesNo] | None = None
    for value, phrases in keywords.items():
        for phrase in phrases:
            match = _phrase_pattern(phrase).search(norm)
            if match is None:
                continue
            candidate = (len(match.group(0)), -match.start(), value)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    return best[2] if best else None


def parse_amount(text: str) -> float | None:
    """Read the first amount in an answer: "about 5k a month", "5,000", "1.5 тыс", "ноль".

    A comma or space followed by exactly three digits is a thousands separator; otherwise a
    comma is a decimal mark, as Russian writes it.
    """
    norm = normalize(text).replace("₱", " ").replace("$", " ").replace("₽", " ")
    match = _NUMBER.search(norm)
    if match is not None:
        whole = re.sub(r"[ ,\u00a0\u202f]", "", match.group(2))
        value = float(f"{whole}.{match.group(3)}" if match.group(3) else whole)
        if match.group(1):
            value = -value
        suffix = match.group(4)
        if suffix:
            key = suffix if suffix in _MULTIPLIERS else suffix[:3]
            value *= _MULTIPLIERS.get(key, _MULTIPLIERS.get(suffix, 1))
        return value
    numbers = _words(active()).numbers
    for word in _LETTERS.findall(norm):
        if word in numbers:
            return float(numbers[word])
    return None


def parse_scale(text: str, low: int = 0, high: int = 10) -> int | None:
    """Read a whole number within [low, high], as in "7", "7/10" or "seven"."""
    value = parse_amount(text)
    if value is None or value != int(value) or not low <= value <= high:
        return None
    return int(value)


def _month_number(word: str) -> int | None:
    return _words(active()).months.get(word[:3])


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _upcoming(today: date, month: int, day: int, year: int | None = None) -> date | None:
    if year is not None:
        return _safe_date(year if year > 99 else 2000 + year, month, day)
    found = _safe_date(today.year, month, day)
    if found is not None and found < today:
        found = _safe_date(today.year + 1, month, day)
    return found


def parse_date(text: str, today: date) -> date | None:
    """Read a day in English or Russian: "Friday", "tomorrow", "in 3 days", "27.11", "Nov 27".

    A weekday means the next such day (today counts if it is that day); a day and month with
    no year means the next time that date comes round.
    """
    norm = normalize(text)
    if (match := _ISO.search(norm)) is not None:
        return _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if (match := _DMY.search(norm)) is not None:
        year = int(match.group(3)) if match.group(3) else None
        day, month = int(match.group(1)), int(match.group(2))
        if month > 12 >= day:  # written month first, as in the US: 11/27
            day, month = month, day
        return _upcoming(today, month, day, year)
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        for match in pattern.finditer(norm):
            named_month = _month_number(match.group(month_group))
            if named_month is not None:
                return _upcoming(today, named_month, int(match.group(day_group)))
    if (match := _IN_DAYS.search(norm)) is not None:
        count = parse_amount(match.group(1))
        if count is not None:
            unit = 7 if match.group(2).startswith(("week", "недел")) else 1
            return today + timedelta(days=int(count) * unit)
    words, known = _LETTERS.findall(norm), _words(active())
    for word in words:
        if word in known.relative:
            return today + timedelta(days=known.relative[word])
    for word in words:
        if word in known.weekdays:
            return today + timedelta(days=(known.weekdays[word] - today.weekday()) % 7)
    if "next week" in norm or "следующей неделе" in norm or "через неделю" in norm:
        return today + timedelta(days=7)
    return None


def match_keywords(text: str, options: Mapping[str, Sequence[str]]) -> str | None:
    """Return the option whose keyword (a word prefix) appears first in the text."""
    norm = normalize(text)
    best: tuple[int, str] | None = None
    for option, keywords in options.items():
        for keyword in keywords:
            match = re.search(r"(?<![\w])" + re.escape(normalize(keyword)), norm)
            if match is not None and (best is None or match.start() < best[0]):
                best = (match.start(), option)
    return best[1] if best else None
