"""Interface strings in every registered language, read from the catalogues ``ui/<code>.yaml``.

One YAML file per language, beside its ``locales/<code>.yaml`` (coach.domain.locale finds
both); the shipped ones have the same keys (a test checks). A key a catalogue lacks is read
in its language's fallback, then in English. Labels follow the conversation's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import RootModel

from coach.domain import loading, template
from coach.domain.locale import Registry, active, languages
from coach.domain.text import Language

FIELDS = frozenset(
    "again days done lesson limit message model n name names path percent retry status title"
    " tokens used wait window".split()
)
"""Every placeholder the code fills in some interface string; another is a typo."""


class _Catalogue(RootModel[dict[str, str]]):
    """One language's interface strings, by key."""


def _check(strings: _Catalogue) -> Iterator[loading.Finding]:
    for key, text in strings.root.items():
        yield from loading.unknown_placeholders((key,), text, FIELDS)


def load_catalogue(source: Path | Traversable) -> dict[str, str]:
    """One catalogue file's strings; a malformed file is a DataError naming file and line."""
    return loading.load(source, _Catalogue, check=_check).root


@cache
def _catalogue(registry: Registry, language: Language) -> dict[str, str]:
    return load_catalogue(registry.catalogues[language])


def catalogue(language: Language) -> dict[str, str]:
    """All interface strings ``language``'s own catalogue has, read once."""
    return _catalogue(active(), language)


def t(key: str, language: Language, **values: object) -> str:
    """The label for ``key`` in ``language``, filled in with ``values``.

    A catalogue that lacks the key lends it from its language's fallback, then English.
    """
    registry = active()
    for code in [*registry.chain(language), "en"]:
        found = _catalogue(registry, code).get(key) if code in registry.catalogues else None
        if found is not None:
            return template.render(found, values) if values else found
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
