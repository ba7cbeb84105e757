"""Numbers as people write them, in every registered language (English includes Filipino English).

"5k", "3-4k", "тысяч 7", "15 тыщ", "полтора миллиона", "two", "isang libo": each becomes a
:class:`Quantity` that keeps the range it came from, so a reply can say which value it took.
The grammar is code because it is the same for every course; the words are each language's
tables in ``locales/<code>.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from coach.domain.locale import PERIODS, Registry, active
from coach.domain.text import normalize


@dataclass(frozen=True)
class _Grammar:
    """The number words of every registered language, and the pattern built from them."""

    words: dict[str, float]
    multipliers: dict[str, float]
    pattern: re.Pattern[str]
    periods: dict[str, re.Pattern[str]]


@cache
def _grammar(registry: Registry) -> _Grammar:
    """Built once per registry: a language pack's words are read like the shipped ones."""
    words: dict[str, float] = {}
    multipliers: dict[str, float] = {}
    joins: list[str] = []
    for loc in registry.locales.values():  # the first language to claim a word keeps it
        words = {**loc.numbers.words, **words}
        multipliers = {**loc.numbers.multipliers, **multipliers}
        joins += [w for w in loc.numbers.range_words if w not in joins]
    range_join = rf"\s*(?:-|–|—|{'|'.join(map(re.escape, joins))})\s*" if joins else r"\s*[-–—]\s*"
    mult = "|".join(sorted((re.escape(m) for m in multipliers), key=len, reverse=True))
    word = "|".join(
        sorted((re.escape(w) for w in words if w not in ("a", "an")), key=len, reverse=True)
    )
    num = rf"(?:{_DIGITS}|(?:a |an )?(?:{word}))"
    pattern = re.compile(
        rf"(?<![\w.,/:])(?P<pre>(?:{mult})\s+)?(?P<low>{num})"
        rf"(?:\s*(?P<lowmult>{mult})(?![\w]))?"
        rf"(?:{range_join}(?P<high>{num})(?![\d]))?"
        rf"(?:\s*(?P<mult>{mult})(?![\w]))?(?![\w/:])"
    )
    periods: dict[str, re.Pattern[str]] = {}
    for name in PERIODS:  # "(?!)" matches nothing: no language has words for that period
        found = [p for loc in registry.locales.values() for p in loc.numbers.periods.get(name, [])]
        periods[name] = re.compile("|".join(found) or "(?!)")
    return _Grammar(words, multipliers, pattern, periods)


_DIGITS = r"\d{1,3}(?:[ ,\u00a0\u202f]\d{3})+(?![\d])|\d+(?:[.,]\d+)?"


@dataclass(frozen=True)
class Quantity:
    """A number as read: its value, and the range it came from when one was written."""

    value: float
    low: float
    high: float
    text: str

    @property
    def is_range(self) -> bool:
        return self.low != self.high


def _number(token: str, words: dict[str, float]) -> float | None:
    token = token.strip()
    token = re.sub(r"^(?:a|an) ", "", token)
    if token in words:
        return words[token]
    if re.fullmatch(r"\d{1,3}(?:[ ,\u00a0\u202f]\d{3})+", token):
        return float(re.sub(r"[ ,\u00a0\u202f]", "", token))
    try:
        return float(token.replace(",", "."))
    except ValueError:
        return None


def _clean(text: str) -> str:
    text = normalize(text)
    for sign in ("₱", "$", "₽", "€", "£", "₹", "₦", "₸", "php", "p", "r", "rs.", "rs", "ksh", "n",
                 "ghs", "usd", "inr"):  # fmt: skip
        text = re.sub(rf"(?<![\w]){re.escape(sign)}(?=\s?\d)", " ", text)
    # "half a million" is half of a million, not a half and then "a".
    text = re.sub(r"\bhalf an? ", "half ", text)
    return text.replace("%", " %")


def quantities(text: str) -> list[Quantity]:
    """Every number in the text, with multipliers and ranges applied, in order."""
    found: list[Quantity] = []
    grammar = _grammar(active())
    words, multipliers = grammar.words, grammar.multipliers
    for match in grammar.pattern.finditer(_clean(text)):
        low = _number(match.group("low"), words)
        if low is None:
            continue
        if match.group("low").strip() in ("a", "an"):
            continue
        high = _number(match.group("high"), words) if match.group("high") else None
        mult_name = match.group("mult") or match.group("pre") or ""
        mult = multipliers.get(mult_name.strip(), 1.0)
        low_mult = multipliers.get((match.group("lowmult") or "").strip(), mult)
        if high is None and match.group("lowmult"):
            low_mult = multipliers[match.group("lowmult").strip()]
        # "пол миллиона" and "half a million" are a multiplier on a half, "полтора" likewise.
        lo = low * low_mult
        hi = high * mult if high is not None else lo
        if hi < lo and high is not None and mult == 1.0 and low_mult == 1.0:
            continue  # "9-5" as office hours, not a range
        if hi < lo:
            lo, hi = hi, lo
        found.append(Quantity((lo + hi) / 2, lo, hi, match.group(0).strip()))
    return found


def period(text: str) -> str | None:
    """The period an amount is given for: "month", "cutoff" (twice a month), "week", "year"."""
    norm = normalize(text)
    for name, pattern in _grammar(active()).periods.items():
        if pattern.search(norm):
            return name
    return None


_PER_MONTH = {"month": 1.0, "cutoff": 2.0, "week": 52 / 12, "year": 1 / 12}


def monthly(quantity: Quantity, per: str | None) -> Quantity:
    """The quantity as a monthly amount: a cut-off is half a month's pay, a week a 12th of 52."""
    factor = _PER_MONTH.get(per or "month", 1.0)
    if factor == 1.0:
        return quantity
    return Quantity(
        round(quantity.value * factor), quantity.low * factor, quantity.high * factor, quantity.text
    )


def first_amount(text: str) -> Quantity | None:
    """The first amount in the text that is not a percentage, or None."""
    for quantity in quantities(text):
        if not text[text.find(quantity.text) :].startswith(f"{quantity.text}%"):
            return quantity
    return None
