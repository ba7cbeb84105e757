"""Numbers as people write them, in English, Russian and Filipino English.

"5k", "3-4k", "тысяч 7", "15 тыщ", "полтора миллиона", "two", "isang libo": each becomes a
:class:`Quantity` that keeps the range it came from, so a reply can say which value it took.
The grammar is code because it is the same for every course; the words are small tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.domain.text import normalize

_WORDS: dict[str, float] = {
    "zero": 0, "none": 0, "nothing": 0, "nil": 0, "one": 1, "a": 1, "an": 1, "two": 2,
    "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100, "half": 0.5, "couple": 2,
    "ноль": 0, "нисколько": 0, "ничего": 0, "один": 1, "одна": 1, "одно": 1, "два": 2, "две": 2,
    "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9,
    "десять": 10, "пятнадцать": 15, "двадцать": 20, "тридцать": 30, "сорок": 40,
    "пятьдесят": 50, "сто": 100, "двести": 200, "триста": 300, "пятьсот": 500,
    "полтора": 1.5, "полторы": 1.5, "пол": 0.5, "пару": 2, "пара": 2,
    "wala": 0, "isa": 1, "isang": 1, "dalawa": 2, "tatlo": 3, "apat": 4, "lima": 5, "anim": 6,
    "pito": 7, "walo": 8, "siyam": 9, "sampu": 10, "sampung": 10,
}  # fmt: skip
_MULTIPLIERS: dict[str, float] = {
    "k": 1e3, "к": 1e3, "thousand": 1e3, "thousands": 1e3, "grand": 1e3, "thou": 1e3,
    "тыс": 1e3, "тысяч": 1e3, "тысячи": 1e3, "тысяча": 1e3, "тысячу": 1e3, "тыщ": 1e3,
    "тыщи": 1e3, "тыща": 1e3, "тыщу": 1e3, "т": 1e3, "косарь": 1e3, "косаря": 1e3, "косарей": 1e3,
    "libo": 1e3, "libong": 1e3,
    "m": 1e6, "mln": 1e6, "mil": 1e6, "million": 1e6, "millions": 1e6, "млн": 1e6,
    "миллион": 1e6, "миллиона": 1e6, "миллионов": 1e6, "лям": 1e6, "ляма": 1e6, "лямов": 1e6,
    "milyon": 1e6, "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "lacs": 1e5, "crore": 1e7,
}  # fmt: skip
_RANGE_JOIN = r"\s*(?:-|–|—|to|or|till|until|до|или|hanggang|o)\s*"
_MULT = "|".join(sorted((re.escape(m) for m in _MULTIPLIERS), key=len, reverse=True))
_WORD = "|".join(
    sorted((re.escape(w) for w in _WORDS if w not in ("a", "an")), key=len, reverse=True)
)
_DIGITS = r"\d{1,3}(?:[ ,\u00a0\u202f]\d{3})+(?![\d])|\d+(?:[.,]\d+)?"
_NUM = rf"(?:{_DIGITS}|(?:a |an )?(?:{_WORD}))"
_PATTERN = re.compile(
    rf"(?<![\w.,/:])(?P<pre>(?:{_MULT})\s+)?(?P<low>{_NUM})"
    rf"(?:\s*(?P<lowmult>{_MULT})(?![\w]))?"
    rf"(?:{_RANGE_JOIN}(?P<high>{_NUM})(?![\d]))?"
    rf"(?:\s*(?P<mult>{_MULT})(?![\w]))?(?![\w/:])"
)
_PERIODS = {
    "month": r"\b(?:a|per|each|every|/)\s*(?:month|mo)\b|monthly|в месяц|ежемесячно|за месяц"
    r"|\bkada buwan|\bbuwan-buwan|\bsa isang buwan",
    "cutoff": r"\b(?:a|per|each|every|kada|bawat)\s*(?:cut-?off|sahod|payday|pay day|payout)"
    r"|\bcut-?off\b|с каждой зарплаты|с зарплаты|с получки|с аванса",
    "week": r"\b(?:a|per|each|every)\s*week\b|weekly|в неделю|kada linggo",
    "year": r"\b(?:a|per|each|every)\s*year\b|yearly|в год|за год",
}


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


def _number(token: str) -> float | None:
    token = token.strip()
    token = re.sub(r"^(?:a|an) ", "", token)
    if token in _WORDS:
        return _WORDS[token]
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
    for match in _PATTERN.finditer(_clean(text)):
        low = _number(match.group("low"))
        if low is None:
            continue
        if match.group("low").strip() in ("a", "an"):
            continue
        high = _number(match.group("high")) if match.group("high") else None
        mult_name = match.group("mult") or match.group("pre") or ""
        mult = _MULTIPLIERS.get(mult_name.strip(), 1.0)
        low_mult = _MULTIPLIERS.get((match.group("lowmult") or "").strip(), mult)
        if high is None and match.group("lowmult"):
            low_mult = _MULTIPLIERS[match.group("lowmult").strip()]
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
    for name, pattern in _PERIODS.items():
        if re.search(pattern, norm):
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
