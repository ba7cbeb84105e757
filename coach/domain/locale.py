"""The locale registry: every language coach speaks, found in data folders, and texts keyed by it.

A language is a file ``locales/<code>.yaml`` (its name, number and date words, formats and
chat commands) beside a catalogue ``ui/<code>.yaml``, in the shipped prompts folder or in an
extra content folder (``COACH_CONTENT``). Every text in the data is a mapping keyed by
language code (:class:`LocalText`, :class:`LocalWords`), checked against the registry when
the data loads: a language is complete, borrows from its declared ``fallback``, or the load
fails naming the place. Nothing in the code names a language, so one is added as data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from coach.domain import yamlio

Period = Literal["month", "cutoff", "week", "year"]
PERIODS: tuple[Period, ...] = ("month", "cutoff", "week", "year")
"""What an amount can be given per; the first whose words a text has is the one read."""
CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")
MAX_LOCALE_BYTES = 500_000


class LocaleError(ValueError):
    """A language file that cannot be used, or a language nobody registered; one line each."""


class _Model(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class Amounts(_Model):
    """How an amount is written: 120,000.50 in English, 120 000,50 in Russian."""

    thousands: str
    decimal: str


class Dates(_Model):
    """How a date is written, and the words that name a day when one is read."""

    format: str
    """With {weekday}, {day}, {month} and {year}: "{weekday} {day} {month} {year}"."""
    weekdays: list[str] = Field(min_length=7, max_length=7)
    months: list[str] = Field(min_length=12, max_length=12)
    weekday_words: dict[str, int] = {}
    """Monday is 0; a weekday read in an answer means the next such day."""
    month_words: dict[str, int] = {}
    """The first three letters of a month's name, January is 1."""
    relative_days: dict[str, int] = {}
    """Days from today: "tomorrow" is 1."""


class Numbers(_Model):
    """Number words read in free text, and the words that multiply or join them."""

    words: dict[str, float] = {}
    answer_words: dict[str, float] = {}
    """Words that are a whole short answer's number ("seven" for a 0-10 scale)."""
    multipliers: dict[str, float] = {}
    range_words: list[str] = []
    periods: dict[Period, list[str]] = {}
    """Regexes saying an amount is per month, per cut-off (half a month), week or year."""

    @field_validator("periods")
    @classmethod
    def _compiles(cls, value: dict[Period, list[str]]) -> dict[Period, list[str]]:
        for patterns in value.values():
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"bad pattern {pattern!r}: {exc}") from None
        return value


class Locale(_Model):
    """One language: what it is called, how it writes numbers and dates, its chat commands."""

    code: str
    name: str
    """The language's own name for itself, shown to the user."""
    prompt_name: str
    """How a language model is told which language to answer in."""
    letters: str
    """A regex character class of the letters that say a message is in this language."""
    fallback: str | None = None
    """A language whose text is used where this one has none; without one, every text is due."""
    amounts: Amounts
    dates: Dates
    numbers: Numbers = Numbers()
    commands: dict[str, list[str]] = {}
    """Chat command names by what they do (language, help, quit), without the slash."""
    stemmer: str = Field(default="", pattern=r"^[a-z_]*$")
    """The Snowball algorithm (``english``, ``russian``) that ranks lesson passages by word
    stems; empty, or one Snowball lacks, matches words as written."""


@dataclass(frozen=True, eq=False)
class Registry:
    """The languages in use, in order (the shipped ones first), and where their data lives."""

    locales: dict[str, Locale]
    catalogues: dict[str, Traversable]
    content: tuple[Traversable, ...] = ()
    """Extra content folders, laid out like the shipped prompts folder, in the order given."""
    _letters: dict[str, re.Pattern[str]] = field(default_factory=dict)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.locales)

    def get(self, code: str) -> Locale:
        found = self.locales.get(code)
        if found is None:
            raise LocaleError(f"unknown language {code!r}; known: {', '.join(self.codes)}")
        return found

    def chain(self, code: str) -> Iterator[str]:
        """``code``, then its fallback, and that one's, as far as they go."""
        seen: set[str] = set()
        current: str | None = code
        while current is not None and current not in seen:
            seen.add(current)
            yield current
            known = self.locales.get(current)
            current = known.fallback if known is not None else None

    def letters(self, code: str) -> re.Pattern[str]:
        if code not in self._letters:
            self._letters[code] = re.compile(self.get(code).letters)
        return self._letters[code]


def _read(entry: Traversable) -> Any:
    """A locale, catalogue or pack file's YAML; LocaleError naming the file if it is unusable."""
    try:
        raw = entry.read_bytes()
        if len(raw) > MAX_LOCALE_BYTES:
            raise LocaleError(f"{entry}: larger than {MAX_LOCALE_BYTES // 1000} kB")
        return yamlio.load(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise LocaleError(f"{entry}: cannot be read ({first})") from None


def _read_locale(entry: Traversable, code: str) -> Locale:
    place = f"{entry}"
    data = _read(entry)
    if not isinstance(data, dict):
        raise LocaleError(f"{place}: expected a mapping of keys")
    try:
        return Locale.model_validate({**data, "code": code})
    except ValidationError as exc:
        item = exc.errors()[0]
        where = ".".join(str(p) for p in item["loc"]) or "top level"
        raise LocaleError(f"{place}: {where}: {item['msg']}") from None


def _scan(
    root: Traversable, locales: dict[str, Locale], catalogues: dict[str, Traversable]
) -> None:
    folder = root / "locales"
    if not folder.is_dir():
        return
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        code = entry.name.removesuffix(".yaml")
        if not entry.name.endswith(".yaml") or not CODE.match(code):
            continue
        locales[code] = _read_locale(entry, code)
        catalogues[code] = root / "ui" / f"{code}.yaml"


@cache
def discover(content: tuple[Path, ...] = ()) -> Registry:
    """The shipped languages (English first) and those in the extra content folders."""
    locales: dict[str, Locale] = {}
    catalogues: dict[str, Traversable] = {}
    _scan(files("coach.prompts"), locales, catalogues)
    # English first: it is every catalogue's last resort and the default language.
    locales = {"en": locales["en"], **locales}
    shipped = set(locales)  # their catalogues are checked by the tests, not at every start
    for folder in content:
        _scan(folder, locales, catalogues)
    for locale in locales.values():
        if locale.fallback is not None and locale.fallback not in locales:
            raise LocaleError(
                f"locales/{locale.code}.yaml: fallback: unknown language {locale.fallback!r}"
            )
        if not catalogues[locale.code].is_file():
            raise LocaleError(f"locales/{locale.code}.yaml: no catalogue ui/{locale.code}.yaml")
    for code in set(locales) - shipped:
        _check_catalogue(catalogues, code, locales[code])
    return Registry(locales, catalogues, content)


def _check_catalogue(catalogues: dict[str, Traversable], code: str, loc: Locale) -> None:
    """A pack's catalogue has every key English has, unless it borrows from a fallback."""
    if loc.fallback is not None or code == "en":
        return
    keys = {str(k) for k in _read(catalogues[code]) or {}}
    english = _read(catalogues["en"]) or {}
    missing = sorted(str(k) for k in english if str(k) not in keys)
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise LocaleError(f"ui/{code}.yaml: missing {', '.join(missing[:5])}{more}")


_active: list[Registry] = []


def active() -> Registry:
    """The registry the data is validated against: the shipped languages unless one was set."""
    return _active[-1] if _active else discover()


def activate(registry: Registry) -> None:
    """Use ``registry`` from now on (the app does this once, before it loads its data)."""
    _active[:] = [registry]


def languages() -> tuple[str, ...]:
    return active().codes


def is_language(code: object) -> bool:
    return isinstance(code, str) and code in active().locales


def locale(code: str) -> Locale:
    """The registered language ``code``; LocaleError if there is none."""
    return active().get(code)


def next_language(code: str) -> str:
    """The language after ``code`` in the registry, round to the first: what "switch" picks."""
    codes = languages()
    return codes[(codes.index(code) + 1) % len(codes)] if code in codes else codes[0]


def command(name: str) -> frozenset[str]:
    """Every language's words for the chat command ``name`` ("help": help, помощь)."""
    return frozenset(w for loc in active().locales.values() for w in loc.commands.get(name, []))


def detect(text: str, current: str | None) -> str | None:
    """The language whose letters are most of the text's, or None when there are too few.

    Languages sharing letters are told apart by the conversation: the current one is kept,
    else the first registered. On a tie between alphabets the later-registered wins (so
    a Russian word beside an English one reads as Russian, as before).
    """
    registry = active()
    counts: dict[str, int] = {}
    first_by_letters: dict[str, str] = {}
    for code, loc in registry.locales.items():
        counts.setdefault(loc.letters, len(registry.letters(code).findall(text)))
        first_by_letters.setdefault(loc.letters, code)
    if sum(counts.values()) < 3:
        return None
    best = max(reversed(counts), key=lambda letters: counts[letters])
    if current in registry.locales and registry.locales[current].letters == best:
        return current
    return first_by_letters[best]


def _check_languages(value: object, empty: object) -> object:
    """Every registered language present (or borrowed from its fallback), no unknown one."""
    if not isinstance(value, dict):
        return value  # pydantic says what is wrong with it
    registry = active()
    unknown = [str(k) for k in value if k not in registry.locales]
    if unknown:
        raise PydanticCustomError(
            "unknown_language", "unknown language {codes}", {"codes": ", ".join(unknown)}
        )
    missing: list[str] = []
    filled = dict(value)
    for code in registry.codes:
        if code in filled:
            continue
        source = next((c for c in registry.chain(code) if c in value), None)
        if source is None:
            missing.append(code)
        else:
            filled[code] = empty if empty is not None else value[source]
    if missing:
        names = ", ".join(f"{c} ({registry.locales[c].name})" for c in missing)
        raise PydanticCustomError("missing_language", "missing language {names}", {"names": names})
    return filled


class LocalText(RootModel[dict[str, Annotated[str, Field(min_length=1)]]]):
    """A text in every registered language, keyed by code: {en: ..., ru: ...}."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _complete(cls, value: object) -> object:
        return _check_languages(value, None)

    def __call__(self, language: str) -> str:
        for code in active().chain(language):
            if code in self.root:
                return self.root[code]
        return self.root.get("en") or next(iter(self.root.values()))


class LocalWords(RootModel[dict[str, list[str]]]):
    """Keywords in every registered language; they are matched whatever the language."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _complete(cls, value: object) -> object:
        # A fallback's words already count in every conversation, so borrowing adds none.
        return _check_languages(value, [])

    def all(self) -> list[str]:
        return [word for words in self.root.values() for word in words]


def _merge(base: Any, extra: Any) -> Any:
    """``extra`` laid over ``base``: mappings key by key, lists of items with ids by id."""
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        if all(isinstance(i, dict) and "id" in i for i in [*base, *extra]):
            by_id = {item["id"]: item for item in extra}
            kept = [_merge(item, by_id.pop(item["id"])) if item["id"] in by_id else item
                    for item in base]  # fmt: skip
            return [*kept, *by_id.values()]
        if len(base) == len(extra) and all(isinstance(i, dict) for i in [*base, *extra]):
            return [_merge(b, e) for b, e in zip(base, extra, strict=True)]
    return extra


def overlaid(relative: str, data: Any) -> Any:
    """``data`` read from the shipped ``relative`` file, with each content folder's copy over it.

    So a language pack adds its texts to the shipped flow without repeating the flow.
    """
    for folder in active().content:
        entry = folder / relative
        if entry.is_file():
            data = _merge(data, _read(entry))
    return data
