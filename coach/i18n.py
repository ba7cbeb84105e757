"""Interface strings in English and Russian, read from the catalogues under prompts/ui.

One YAML file per language, the same keys in each (a test checks). Labels follow the
conversation's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import RootModel

from coach.domain import loading, template
from coach.domain.text import LANGUAGES, Language

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
def catalogue(language: Language) -> dict[str, str]:
    """All interface strings for ``language``, read once."""
    return load_catalogue(files("coach.prompts") / "ui" / f"{language}.yaml")


def t(key: str, language: Language, **values: object) -> str:
    """The label for ``key`` in ``language`` (English if the catalogue lacks it), filled in."""
    found = catalogue(language).get(key)
    text = found if found is not None else catalogue("en")[key]
    return template.render(text, values) if values else text


def missing_keys() -> dict[str, set[str]]:
    """Keys some language has and another lacks, by language: what a translator must add."""
    every = set().union(*(catalogue(lang).keys() for lang in LANGUAGES))
    return {lang: every - catalogue(lang).keys() for lang in LANGUAGES}
