"""The one loader for data files: read safely, parse YAML, validate with pydantic, say where.

The flow, lessons' front matter, activities, the safety data and the interface catalogues all
go through here, so every problem reads the same way, one line each:
``file:line: place: problem`` (``flow.yaml:41: steps[0].ask.ru: Field required``). Lines are
found only when something is wrong: the YAML is composed again into nodes that know them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, NamedTuple, Self, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from coach.domain import template, yamlio
from coach.domain.files import UnreadableFile, read_limited

MAX_DATA_BYTES = 5_000_000
"""The largest data file read; the shipped ones are tens of kilobytes."""

Loc = tuple[int | str, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file, and where."""

    file: str
    line: int | None
    place: str
    problem: str

    @property
    def detail(self) -> str:
        """``place: problem``, without the file and line."""
        return f"{self.place}: {self.problem}" if self.place else self.problem

    def __str__(self) -> str:
        return located(self.file, self.line, self.detail)


class DataError(ValueError):
    """A data file that cannot be used: one ``file:line: place: problem`` line per problem."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)

    @classmethod
    def of(cls, problems: Iterable[Problem]) -> Self:
        found = tuple(problems)
        return cls("\n".join(map(str, found)), found)


E = TypeVar("E", bound=DataError)


def skipped(error: ValueError) -> tuple[str, int | None]:
    """A file left out of a folder: ``skipped: place: problem`` and its line, when known."""
    if isinstance(error, DataError) and error.problems:
        first = error.problems[0]
        return f"skipped: {first.detail}", first.line
    return f"skipped: {error}", None


def located(source: str, line: int | None, message: str) -> str:
    """A notice as one line: ``source:line: message``, or ``source: message``."""
    return f"{source}:{line}: {message}" if line else f"{source}: {message}"


def place_of(loc: Loc) -> str:
    """A pydantic location as an author reads it: ``steps[0].ask.ru``."""
    # a field named after a Python keyword ends in "_" (``continue_``); the file says ``continue``
    place = ".".join(f"[{p}]" if isinstance(p, int) else str(p).rstrip("_") for p in loc)
    return place.replace(".[", "[") or "top level"


class Document:
    """One parsed data file: its name for messages, its text, and the data in it."""

    def __init__(self, name: str, text: str, data: Any, first_line: int = 1) -> None:
        self.name = name
        self.text = text
        self.data = data
        self.first_line = first_line
        """The file line the text starts on (front matter starts after its ``---``)."""
        self._node: yaml.Node | None = None
        self._composed = False

    def line(self, loc: Loc, needle: str = "") -> int | None:
        """The 1-based file line of the value at ``loc``, or of its nearest parent.

        With a ``needle``, the line inside a text that spans lines where it first appears.
        """
        if not self._composed:  # composing is only worth it when there is an error to place
            self._node, self._composed = yamlio.compose(self.text), True
        node = self._node
        line = node.start_mark.line if node is not None else None
        for part in loc:
            child: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode):
                # a field named after a Python keyword ends in "_" (``is_``, ``continue_``)
                key = str(part).rstrip("_")
                child = next((v for k, v in node.value if str(k.value) == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                child = node.value[part] if part < len(node.value) else None
            if child is None:
                break
            node, line = child, child.start_mark.line
        if needle and isinstance(node, yaml.ScalarNode):
            lines = self.text.split("\n")[node.start_mark.line : node.end_mark.line + 1]
            found = next((i for i, text in enumerate(lines) if needle in text), 0)
            line = node.start_mark.line + found
        return None if line is None else line + self.first_line

    def problem(
        self, loc: Loc, message: str, place: str | None = None, needle: str = ""
    ) -> Problem:
        """A problem at ``loc`` in this file."""
        shown = place_of(loc) if place is None else place
        return Problem(self.name, self.line(loc, needle), shown, message)


def parse(
    text: str, name: str, *, untrusted: bool = False, first_line: int = 1, error: type[E]
) -> Document:
    """Parse YAML text (refusing aliases if ``untrusted``); a syntax error is ``error``."""
    try:
        data = yamlio.load_untrusted(text) if untrusted else yamlio.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + first_line if mark is not None else None
        place = f"column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error.of([Problem(name, line, place, str(problem))]) from None
    return Document(name, text, data, first_line)


def read(
    source: Path | Traversable,
    name: str | None = None,
    *,
    limit: int = MAX_DATA_BYTES,
    untrusted: bool = False,
    error: type[E],
) -> Document:
    """Read and parse one YAML file: a regular file under ``limit`` bytes, UTF-8."""
    shown = source.name if name is None else name
    text = _text(source, shown, limit, error)
    return parse(text, shown, untrusted=untrusted, error=error)


def _text(source: Path | Traversable, shown: str, limit: int, error: type[E]) -> str:
    """A file's UTF-8 text: a regular file of at most ``limit`` bytes."""
    try:
        return read_limited(source, limit).decode("utf-8")
    except UnreadableFile as exc:
        problem = str(exc)
    except UnicodeDecodeError as exc:
        problem = f"cannot be read ({exc})"
    except OSError as exc:  # a resource in a wheel that is missing or unreadable
        problem = f"cannot be read ({exc.strerror or exc})"
    raise error.of([Problem(shown, None, "", problem)])


class Finding(NamedTuple):
    """A problem a check found after validation, at a location (and a text found there)."""

    loc: Loc
    message: str
    needle: str = ""


Check = Callable[[Any], Iterable[Finding]]
"""Checks after validation (placeholders, references)."""


def translations(text: BaseModel | None) -> Iterator[tuple[str, str]]:
    """(language, text) for each translation of a text in the data; none for an absent one."""
    dumped = text.model_dump() if text is not None else {}
    for language, value in dumped.items() if isinstance(dumped, dict) else ():
        if isinstance(value, str):
            yield str(language), value


def unknown_placeholders(loc: Loc, text: str, known: Collection[str]) -> Iterator[Finding]:
    """A finding for each placeholder in ``text`` that the code does not fill in."""
    for name in template.unknown(text, known):
        yield Finding(loc, f"unknown placeholder {{{name}}}", f"{{{name}}}")


def validate(
    model: type[M],
    document: Document,
    *,
    data: Any = None,
    parts: Mapping[str, Document] | None = None,
    check: Check | None = None,
    error: type[E],
) -> M:
    """Validate ``data`` (the document's own by default) as ``model``, naming file and line.

    ``parts`` are top-level keys whose values came from other files (the flow's messages
    live in ``messages.yaml``): a problem under one of them is placed in its file.
    """
    others = dict(parts or {})

    def at(loc: Loc, message: str, needle: str = "") -> Problem:
        top = str(loc[0]) if loc else ""
        if top in others:
            return others[top].problem(loc[1:], message, place_of(loc), needle)
        return document.problem(loc, message, needle=needle)

    try:
        result = model.model_validate(document.data if data is None else data)
    except ValidationError as exc:
        raise error.of(
            at(e["loc"], e["msg"].removeprefix("Value error, ")) for e in exc.errors()
        ) from None
    if check is not None:
        found = [at(*finding) for finding in check(result)]
        if found:
            raise error.of(found)
    return result


def load(
    source: Path | Traversable,
    model: type[M],
    *,
    name: str | None = None,
    limit: int = MAX_DATA_BYTES,
    untrusted: bool = False,
    check: Check | None = None,
    error: type[E] = DataError,  # type: ignore[assignment]
) -> M:
    """Read ``source`` and validate it as ``model``; any problem is ``error``, file:line first."""
    document = read(source, name, limit=limit, untrusted=untrusted, error=error)
    return validate(model, document, check=check, error=error)


def read_template(
    source: Path | Traversable,
    known: Collection[str],
    *,
    limit: int = MAX_DATA_BYTES,
    error: type[E] = DataError,  # type: ignore[assignment]
) -> str:
    """A text file of one template (a model's instructions), its placeholders checked."""
    text = _text(source, source.name, limit, error)
    found = [
        Problem(source.name, text.count("\n", 0, at) + 1, "text", f"unknown placeholder {{{name}}}")
        for at, name in template.unknown_at(text, known)
    ]
    if found:
        raise error.of(found)
    return text.strip()
