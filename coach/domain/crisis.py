"""Crisis care: noticing self-harm or suicidal intent, and the resources to offer.

The patterns, replies and resource table are data under ``prompts/safety`` so they can be
reviewed and extended without code. This layer runs before either engine, on every message,
with or without a model.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from importlib.resources.abc import Traversable

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from yaml import YAMLError

from coach.domain.text import LANGUAGES, Language
from coach.domain.yamlio import load as load_yaml


class CrisisError(ValueError):
    """The safety data is malformed; worded for one line."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LanguageRules(_Model):
    """One language's patterns, look-alikes to ignore, and what the coach says."""

    patterns: list[str]
    intent: str = ""
    harm: str = ""
    window: int = 8
    exclude: list[str] = []
    continue_: list[str]
    resume_hint: str
    reply: str
    holding: str
    resumed: str
    ask: str = ""
    """The middle band's direct question, with the resources line."""
    cleared: str = ""
    """Said when the answer to that question is no; coaching goes on."""
    no_words: list[str] = []

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("patterns", "exclude")
    @classmethod
    def _compiles(cls, values: list[str]) -> list[str]:
        for value in values:
            _check(value)
        return values

    @field_validator("intent", "harm")
    @classmethod
    def _compiles_one(cls, value: str) -> str:
        return _check(value) if value else value


def _check(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"bad pattern {pattern!r}: {exc}") from None
    return pattern


class Line(_Model):
    en: str
    ru: str


class Country(_Model):
    emergency: str
    lines: list[Line] = []


class Resources(_Model):
    directory: Line
    default_emergency: Line
    countries: dict[str, Country]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'")
    return " ".join(text.split())


_EXPLAINING = re.compile(
    r"^(?:it'?s|it was|that'?s|that was|i was|i meant|i'm|just|only|просто|это|я просто|"
    r"я имел\w* в виду|шутка|joke|joking|lol|haha|wala|okay lang|ok lang)\b"
)


class CrisisCare:
    """Detects crisis messages and words the caring reply for a country and language."""

    def __init__(self, rules: Mapping[Language, LanguageRules], resources: Resources) -> None:
        self.rules = dict(rules)
        self.resources = resources
        self._patterns = {
            lang: re.compile("|".join(f"(?:{p})" for p in r.patterns)) for lang, r in rules.items()
        }
        self._exclude = {
            lang: re.compile("|".join(f"(?:{p})" for p in r.exclude)) if r.exclude else None
            for lang, r in rules.items()
        }
        self._near = {
            lang: re.compile(rf"(?:{r.intent})(?:\W+\w+){{0,{r.window}}}?\W+(?:{r.harm})")
            for lang, r in rules.items()
            if r.intent and r.harm
        }
        self._continue = {
            lang: {_fold(w).rstrip(".!") for w in r.continue_} for lang, r in rules.items()
        }

    def detects(self, text: str) -> bool:
        """True if ``text`` shows self-harm or suicidal intent, in English or Russian."""
        folded = _fold(text)
        for lang, pattern in self._patterns.items():
            exclude = self._exclude[lang]
            candidate = exclude.sub(" ", folded) if exclude is not None else folded
            if pattern.search(candidate):
                return True
            near = self._near.get(lang)
            if near is not None and near.search(candidate):
                return True
        return False

    def says_no(self, text: str) -> bool:
        """A clear no to "are you thinking of hurting yourself?", in either language."""
        folded = _fold(text).strip(" .!")
        for rules in self.rules.values():
            for word in rules.no_words:
                word = _fold(word)
                if folded == word or folded.startswith((f"{word},", f"{word}.", f"{word} ")):
                    return True
        return False

    def after_no(self, text: str) -> str:
        """What a "no" goes on to say, if it is an answer to coach, else "".

        "no, i'm ok. i want to be a web developer" → "i want to be a web developer";
        "i'm ok, it's just work stress. continue" → "" (an explanation, not an answer).
        """
        parts = [p.strip() for p in re.split(r"[.,;!?\n]+", text) if p.strip()]
        words = {
            _fold(w) for rules in self.rules.values() for w in [*rules.no_words, *rules.continue_]
        }
        rest = [p for p in parts if _fold(p) not in words]
        if not rest or _EXPLAINING.match(_fold(rest[0])):
            return ""
        answer = ", ".join(rest)
        return answer if len(answer.split()) >= 2 else ""

    def ask(self, country: str | None, language: Language) -> str:
        lines = self.resource_lines(country, language)
        return self.rules[language].ask.format(
            resources_inline="; ".join(lines), emergency=self.emergency(country, language)
        )

    def cleared(self, language: Language) -> str:
        return self.rules[language].cleared

    def wants_to_continue(self, text: str) -> bool:
        """The user's own word to resume coaching, alone or ending a message.

        "i'm ok, it's just work. continue" resumes too, in either language.
        """
        folded = _fold(text).rstrip(".! ")
        last = re.split(r"[.,;!?]\s*", folded)[-1].strip()
        return any(folded in words or last in words for words in self._continue.values())

    def resource_lines(self, country: str | None, language: Language) -> list[str]:
        entry = self.resources.countries.get((country or "").upper())
        lines = [getattr(line, language) for line in entry.lines] if entry else []
        return [*lines, getattr(self.resources.directory, language)]

    def emergency(self, country: str | None, language: Language) -> str:
        entry = self.resources.countries.get((country or "").upper())
        return entry.emergency if entry else getattr(self.resources.default_emergency, language)

    def _fill(self, template: str, country: str | None, language: Language) -> str:
        items = "\n".join(f"- {line}" for line in self.resource_lines(country, language))
        return template.format(
            resources=items,
            emergency=self.emergency(country, language),
            resume_hint=self.rules[language].resume_hint,
        )

    def reply(self, country: str | None, language: Language) -> str:
        return self._fill(self.rules[language].reply, country, language)

    def holding(self, country: str | None, language: Language) -> str:
        return self._fill(self.rules[language].holding, country, language)

    def resumed(self, language: Language) -> str:
        return self.rules[language].resumed


def load_crisis(folder: Traversable) -> CrisisCare:
    """Read ``crisis.yaml`` and ``resources.yaml``. Raises CrisisError naming the problem."""
    try:
        rules_data = load_yaml((folder / "crisis.yaml").read_text(encoding="utf-8"))
        resources_data = load_yaml((folder / "resources.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CrisisError(f"cannot read the crisis-care data: {first}") from None
    if not isinstance(rules_data, dict) or set(rules_data) != set(LANGUAGES):
        raise CrisisError(f"crisis.yaml must have exactly the languages {', '.join(LANGUAGES)}")
    try:
        rules = {
            lang: LanguageRules.model_validate(
                {("continue_" if k == "continue" else k): v for k, v in rules_data[lang].items()}
            )
            for lang in LANGUAGES
        }
        resources = Resources.model_validate(resources_data)
    except (ValidationError, AttributeError) as exc:
        raise CrisisError(f"the crisis-care data is malformed: {exc}".splitlines()[0]) from None
    return CrisisCare(rules, resources)
