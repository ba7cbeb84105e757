"""Interface strings in English and Russian, read from the catalogues under prompts/ui.

One YAML file per language, the same keys in each (a test checks). Labels follow the
conversation's language.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from coach.domain.text import LANGUAGES, Language
from coach.domain.yamlio import load


@cache
def catalogue(language: Language) -> dict[str, str]:
    """All interface strings for ``language``, read once."""
    text = (files("coach.prompts") / "ui" / f"{language}.yaml").read_text(encoding="utf-8")
    data = load(text)
    return {str(k): str(v) for k, v in (data or {}).items()}


def t(key: str, language: Language) -> str:
    """The label for ``key`` in ``language``; English if the catalogue lacks it."""
    found = catalogue(language).get(key)
    return found if found is not None else catalogue("en")[key]


def missing_keys() -> dict[str, set[str]]:
    """Keys some language has and another lacks, by language: what a translator must add."""
    every = set().union(*(catalogue(lang).keys() for lang in LANGUAGES))
    return {lang: every - catalogue(lang).keys() for lang in LANGUAGES}
