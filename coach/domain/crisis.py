"""Crisis care: noticing self-harm or suicidal intent, and the resources to offer.

The patterns, replies and resource table are data under ``prompts/safety`` so they can be
reviewed and extended without code. This layer runs before either engine, on every message,
with or without a model.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from importlib.resources.abc import Traversable
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, RootModel, field_validator

from coach.domain import loading, template
from coach.domain.locale import LocalText, active, overlaid
from coach.domain.text import Language

Hit = Literal["person", "topic", "none"]


class CrisisError(loading.DataError):
    """The safety data is malformed: file:line: place: problem."""


class _Model(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class LanguageRules(_Model):
    """One language's patterns, look-alikes to ignore, and what the coach says."""

    patterns: list[str]
    topics: list[str] = []
    """Patterns that name the subject (suicide, self-harm, an overdose) but not whose it is:
    "our site lost an agent to suicide" matches as surely as "thinking about suicide"."""
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

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("patterns", "topics", "exclude")
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


Line = LocalText
"""A resource line in every registered language."""


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


class _Compiled(NamedTuple):
    patterns: dict[Language, re.Pattern[str]]
    topics: dict[Language, re.Pattern[str] | None]
    exclude: dict[Language, re.Pattern[str] | None]
    near: dict[Language, re.Pattern[str]]


class CrisisCare:
    """Detects crisis messages and words the caring reply for a country and language.

    The patterns are compiled on first use, or by ``prepare`` after the first frame: a start
    need not wait for them, and the first message checked always has them.
    """

    def __init__(self, rules: Mapping[Language, LanguageRules], resources: Resources) -> None:
        self.rules = dict(rules)
        self.resources = resources
        self._compiled: _Compiled | None = None
        self._continue = {
            lang: {_fold(w).rstrip(".!") for w in r.continue_} for lang, r in rules.items()
        }

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_compiled": None}  # kept as text; compiled again on use

    def prepare(self) -> None:
        """Compile the patterns now (a few tens of ms), rather than at the first message."""
        self._patterns()

    def _patterns(self) -> _Compiled:
        if self._compiled is None:
            rules = self.rules.items()
            self._compiled = _Compiled(
                {lang: re.compile("|".join(f"(?:{p})" for p in r.patterns)) for lang, r in rules},
                {
                    lang: re.compile("|".join(f"(?:{p})" for p in r.topics)) if r.topics else None
                    for lang, r in rules
                },
                {
                    lang: re.compile("|".join(f"(?:{p})" for p in r.exclude)) if r.exclude else None
                    for lang, r in rules
                },
                {
                    lang: re.compile(rf"(?:{r.intent})(?:\W+\w+){{0,{r.window}}}?\W+(?:{r.harm})")
                    for lang, r in rules
                    if r.intent and r.harm
                },
            )
        return self._compiled

    def detects(self, text: str) -> bool:
        """True if ``text`` shows self-harm or suicidal intent, in English or Russian."""
        return self.hit(text) != "none"

    def hit(self, text: str) -> Hit:
        """Which pattern, if any, caught the message.

        "person" for a phrase that says the writer means it ("kms", «хочу умереть»), "topic"
        for one that only names the subject ("suicide"), else "none".
        """
        folded = _fold(text)
        topic = False
        compiled = self._patterns()
        for lang, pattern in compiled.patterns.items():
            exclude = compiled.exclude[lang]
            candidate = exclude.sub(" ", folded) if exclude is not None else folded
            if pattern.search(candidate):
                return "person"
            near = compiled.near.get(lang)
            if near is not None and near.search(candidate):
                return "person"
            topics = compiled.topics[lang]
            topic = topic or (topics is not None and topics.search(candidate) is not None)
        return "topic" if topic else "none"

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
        values = {
            "resources_inline": "; ".join(lines),
            "emergency": self.emergency(country, language),
        }
        return template.render(self.rules[language].ask, values)

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
        lines = [line(language) for line in entry.lines] if entry else []
        return [*lines, self.resources.directory(language)]

    def emergency(self, country: str | None, language: Language) -> str:
        entry = self.resources.countries.get((country or "").upper())
        return entry.emergency if entry else self.resources.default_emergency(language)

    def _fill(self, text: str, country: str | None, language: Language) -> str:
        items = "\n".join(f"- {line}" for line in self.resource_lines(country, language))
        values = {
            "resources": items,
            "emergency": self.emergency(country, language),
            "resume_hint": self.rules[language].resume_hint,
        }
        return template.render(text, values)

    def reply(self, country: str | None, language: Language) -> str:
        return self._fill(self.rules[language].reply, country, language)

    def holding(self, country: str | None, language: Language) -> str:
        return self._fill(self.rules[language].holding, country, language)

    def resumed(self, language: Language) -> str:
        return self.rules[language].resumed


REPLY_FIELDS = frozenset({"resources", "emergency", "resume_hint"})
"""What the pausing reply and the holding reply may name (``CrisisCare._fill``)."""
ASK_FIELDS = frozenset({"resources_inline", "emergency"})
"""What the middle band's question may name (``CrisisCare.ask``)."""


class _RulesFile(RootModel[dict[str, LanguageRules]]):
    """``crisis.yaml``: one set of rules per language."""

    model_config = ConfigDict(defer_build=True)


def _check_rules(rules: _RulesFile) -> Iterator[loading.Finding]:
    for lang, rule in rules.root.items():
        texts = (("reply", REPLY_FIELDS), ("holding", REPLY_FIELDS), ("ask", ASK_FIELDS))
        for field, known in texts:
            yield from loading.unknown_placeholders((lang, field), getattr(rule, field), known)


def load_crisis(folder: Traversable) -> CrisisCare:
    """Read ``crisis.yaml`` and ``resources.yaml``; CrisisError says file:line: place: problem."""
    rules_doc = loading.read(folder / "crisis.yaml", error=CrisisError)
    resources_doc = loading.read(folder / "resources.yaml", error=CrisisError)
    data = overlaid("safety/crisis.yaml", rules_doc.data)
    registry = active()
    if not isinstance(data, dict) or not set(data) <= set(registry.codes):
        problem = f"must have only the languages {', '.join(registry.codes)}"
        raise CrisisError.of([rules_doc.problem((), problem, "top level")])
    # A language without rules of its own uses its fallback's (its users write that one too).
    found = {code: next((c for c in registry.chain(code) if c in data), None)
             for code in registry.codes}  # fmt: skip
    missing = [code for code, source in found.items() if source is None]
    if missing:
        problem = f"missing language {', '.join(missing)}"
        raise CrisisError.of([rules_doc.problem((), problem, "top level")])
    # "continue" is a Python keyword, so the field is continue_ (the lines still map back)
    renamed = {
        lang: {("continue_" if k == "continue" else k): v for k, v in rules.items()}
        if isinstance(rules, dict)
        else rules
        for lang, rules in data.items()
    }
    rules = loading.validate(
        _RulesFile, rules_doc, data=renamed, check=_check_rules, error=CrisisError
    )
    resources_data = overlaid("safety/resources.yaml", resources_doc.data)
    resources = loading.validate(Resources, resources_doc, data=resources_data, error=CrisisError)
    return CrisisCare(
        {lang: rules.root[src] for lang, src in found.items() if src is not None}, resources
    )
