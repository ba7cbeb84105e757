"""Interface strings for the UI: the catalogues themselves live in coach.i18n.

Imported lazily: the first frame can be drawn from the opening cache (ui.screens.opening)
before the catalogues, and pydantic with them, are loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.domain.text import Language


def t(key: str, language: Language, **values: object) -> str:
    """The catalogue's string for ``key`` in ``language`` (see coach.i18n.t)."""
    from coach.i18n import t as translate

    return translate(key, language, **values)


def catalogue(language: Language) -> dict[str, str]:
    """Every interface string in ``language``."""
    from coach.i18n import catalogue as strings

    return strings(language)


def missing_keys() -> dict[str, set[str]]:
    """Keys a language's catalogue lacks (see coach.i18n.missing_keys)."""
    from coach.i18n import missing_keys as missing

    return missing()
