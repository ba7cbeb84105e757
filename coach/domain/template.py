"""The one template syntax for data texts: ``{name}`` placeholders, checked when the data loads.

Flow questions, reply messages, crisis replies and interface strings are written by authors
and translators, so a misspelled placeholder must be caught when the file is read (with its
file and line), not as a KeyError on some user's first answer. ``{{`` and ``}}`` are literal
braces, as in ``str.format``; any other brace is kept as written.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping

_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_]\w*)\}")


def placeholders(template: str) -> Iterator[str]:
    """The names of the placeholders in ``template``, in order, repeats included."""
    for match in _TOKEN.finditer(template):
        if match.group(1) is not None:
            yield match.group(1)


def unknown(template: str, known: Collection[str]) -> list[str]:
    """Placeholders in ``template`` that are not in ``known``, each once, in order."""
    return list(dict.fromkeys(name for name in placeholders(template) if name not in known))


def unknown_at(template: str, known: Collection[str]) -> list[tuple[int, str]]:
    """(offset, name) of each placeholder in ``template`` that is not in ``known``."""
    return [
        (m.start(), m.group(1))
        for m in _TOKEN.finditer(template)
        if m.group(1) is not None and m.group(1) not in known
    ]


def render(template: str, values: Mapping[str, object], missing: str = "") -> str:
    """``template`` with each placeholder replaced by its value (``missing`` when there is none).

    The names were checked at load, so a value absent here is one the situation does not
    have yet (an unanswered step), not a typo.
    """

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)[0]
        return str(values[name]) if name in values else missing

    return _TOKEN.sub(fill, template)
