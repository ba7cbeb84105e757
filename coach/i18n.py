"""Interface strings in every registered language, read from the catalogues ``ui/<code>.yaml``.

One YAML file per language, beside its ``locales/<code>.yaml`` (coach.domain.locale finds
both); the shipped ones have the same keys (a test checks). A key a catalogue lacks is read
in its language's fallback, then in English. Labels follow the conversation's language.
"""

from __future__ import annotations

from functools import cache

from coach.domain.locale import Registry, active, languages
from coach.domain.text import Language
from coach.domain.yamlio import load


@cache
def _catalogue(registry: Registry, language: Language) -> dict[str, str]:
    text = registry.catalogues[language].read_text(encoding="utf-8")
    data = load(text)
    return {str(k): str(v) for k, v in (data or {}).items()}


def catalogue(language: Language) -> dict[str, str]:
    """All interface strings ``language``'s own catalogue has, read once."""
    return _catalogue(active(), language)


def t(key: str, language: Language) -> str:
    """The label for ``key`` in ``language``; its fallback's, or English, if it lacks it."""
    registry = active()
    for code in [*registry.chain(language), "en"]:
        found = _catalogue(registry, code).get(key) if code in registry.catalogues else None
        if found is not None:
            return found
    raise KeyError(key)


def missing_keys() -> dict[str, set[str]]:
    """Keys some language has and another lacks, by language: what a translator must add.

    A language with a fallback borrows what it lacks, so it is missing nothing.
    """
    registry = active()
    every = set().union(*(catalogue(lang).keys() for lang in languages()))
    return {
        lang: set() if registry.get(lang).fallback else every - catalogue(lang).keys()
        for lang in languages()
    }
