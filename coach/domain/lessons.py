"""Lessons: lenient parsing of Markdown articles and loading of lesson folders.

Lessons come from authors' blogs, so the parser accepts what real files look like (front matter
with trailing spaces, no front matter, CRLF, a BOM) and turns everything it cannot use into a
one-line warning instead of an exception: a bad file in a folder of hundreds must never stop
the coach.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from coach.domain import loading
from coach.domain.files import UnreadableFile, read_limited, walk
from coach.domain.locale import is_language
from coach.domain.text import Language, detect_language, word_count

LESSON_SUFFIXES = (".md", ".markdown", ".txt")
MAX_LESSON_BYTES = 1_000_000
BUILT_IN = "built-in"
"""The origin of the lessons shipped in the wheel."""

_FENCE = re.compile(r"^---[ \t]*$")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_QTC = re.compile(
    r"^\s*(?:#{1,6}\s*)?(questions to consider|вопросы для размышления|вопросы,? над которыми"
    r" стоит подумать)\s*:?\s*$",
    re.IGNORECASE,
)


class LessonError(loading.DataError):
    """A lesson file that cannot be used; the message says why in one line."""


class _FrontMatter(BaseModel):
    """What coach reads from a lesson's front matter; blogs add more keys, left alone."""

    model_config = ConfigDict(defer_build=True, extra="ignore", frozen=True)
    title: object = None
    """Any scalar reads as text (``title: 2024``); a list or a mapping is a mistake."""
    lang: str | None = None
    language: str | None = None

    @field_validator("title", mode="before")
    @classmethod
    def _scalar(cls, value: object) -> object:
        if isinstance(value, list | dict):
            raise ValueError("should be text, not a list or a mapping")
        return value


@dataclass(frozen=True)
class QuestionToConsider:
    """One question from a lesson's "Questions to Consider" section and the advice after it."""

    question: str
    advice: str


@dataclass(frozen=True)
class Lesson:
    """A parsed lesson. ``body`` is the text after any front matter, unchanged otherwise."""

    id: str
    title: str
    language: Language
    body: str
    source: str
    origin: str
    sections: tuple[str, ...] = ()
    questions: tuple[QuestionToConsider, ...] = ()

    @property
    def words(self) -> int:
        return word_count(self.body)


@dataclass(frozen=True)
class LessonNotice:
    """Something the user or author should know about a lesson file: a skip or a replacement."""

    source: str
    message: str
    level: Literal["warning", "info"] = "warning"
    line: int | None = None
    """The line of the file the problem is on, when it is known."""

    def __str__(self) -> str:
        return loading.located(self.source, self.line, self.message)


@dataclass
class LessonLibrary:
    """All lessons the coach teaches from, by id, and the notices produced while loading them."""

    lessons: dict[str, Lesson] = field(default_factory=dict)
    notices: list[LessonNotice] = field(default_factory=list)

    def __iter__(self) -> Iterator[Lesson]:
        return iter(sorted(self.lessons.values(), key=lambda lesson: lesson.id))

    def __len__(self) -> int:
        return len(self.lessons)

    def get(self, lesson_id: str) -> Lesson | None:
        return self.lessons.get(lesson_id)

    def title(self, lesson_id: str) -> str:
        """A lesson's title, or its id when it is not in the library (a removed folder)."""
        lesson = self.lessons.get(lesson_id)
        return lesson.title if lesson else lesson_id

    @property
    def warnings(self) -> list[LessonNotice]:
        return [n for n in self.notices if n.level == "warning"]


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LessonError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from None
    if "\x00" in text:
        raise LessonError("contains NUL bytes; it looks like a binary file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_front_matter(text: str, source: str) -> tuple[dict[str, object], str]:
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return {}, text
    for end in range(1, len(lines)):
        if _FENCE.match(lines[end]):
            break
    else:
        raise LessonError("front matter starts with --- but is never closed")
    raw_meta = "\n".join(lines[1:end])
    if not raw_meta.strip():
        return {}, "\n".join(lines[end + 1 :])
    # the front matter starts on the file's second line, after its ---
    document = loading.parse(raw_meta, source, untrusted=True, first_line=2, error=LessonError)
    if not isinstance(document.data, dict):
        raise LessonError("front matter is not a list of key: value lines")
    meta = {str(k): v for k, v in document.data.items()}
    read = {key: meta[key] for key in _FrontMatter.model_fields if key in meta}
    loading.validate(_FrontMatter, document, data=read, error=LessonError)
    return meta, "\n".join(lines[end + 1 :])


def _first_line(body: str) -> str:
    for line in body.split("\n"):
        stripped = line.strip().lstrip("#").strip()
        if stripped:
            return stripped
    return ""


def _paragraphs(lines: Iterable[str]) -> Iterator[str]:
    chunk: list[str] = []
    for line in lines:
        if line.strip():
            chunk.append(line.strip())
        elif chunk:
            yield " ".join(chunk)
            chunk = []
    if chunk:
        yield " ".join(chunk)


def find_questions(body: str) -> tuple[QuestionToConsider, ...]:
    """Find a "Questions to Consider" section: questions, each followed by its advice.

    The section ends at the next heading, or at a paragraph that is neither a question nor the
    advice right after one (the article goes on).
    """
    lines = body.split("\n")
    start = next((i for i, line in enumerate(lines) if _QTC.match(line)), None)
    if start is None:
        return ()
    section: list[str] = []
    for line in lines[start + 1 :]:
        if _HEADING.match(line):
            break
        section.append(line)
    found: list[QuestionToConsider] = []
    pending: str | None = None
    for para in _paragraphs(section):
        if para.endswith("?"):
            if pending is not None:
                found.append(QuestionToConsider(pending, ""))
            pending = para
        elif pending is not None:
            found.append(QuestionToConsider(pending, para))
            pending = None
        else:
            break
    if pending is not None:
        found.append(QuestionToConsider(pending, ""))
    return tuple(found)


def parse_lesson(lesson_id: str, raw: bytes, source: str, origin: str = BUILT_IN) -> Lesson:
    """Parse one lesson file's bytes. Raises LessonError with a one-line reason."""
    if len(raw) > MAX_LESSON_BYTES:
        raise LessonError(f"larger than {MAX_LESSON_BYTES // 1_000_000} MB ({len(raw)} bytes)")
    text = _decode(raw)
    if not text.strip():
        raise LessonError("the file is empty")
    meta, body = _split_front_matter(text, source)
    title_value = meta.get("title")
    raw_title = str(title_value) if title_value not in (None, "") else _first_line(body)
    title = " ".join(raw_title.split())
    if not title:
        raise LessonError("has front matter but no text")
    lang_value = str(meta.get("lang") or meta.get("language") or "").lower()
    # "ru", "ru-RU" and "russian" all name Russian; a pack's code ("fil") is taken whole.
    named = next((c for c in (lang_value, lang_value[:2]) if is_language(c)), None)
    language: Language = named or detect_language(body, default="en") or "en"
    sections = tuple(m.group(2) for m in map(_HEADING.match, body.split("\n")) if m)
    return Lesson(
        id=lesson_id,
        title=title,
        language=language,
        body=body,
        source=source,
        origin=origin,
        sections=sections,
        questions=find_questions(body),
    )


def _walk(folder: Traversable) -> Iterator[Traversable]:
    return walk(folder, lambda name: name.lower().endswith(LESSON_SUFFIXES))


def _read(entry: Traversable) -> bytes:
    try:
        return read_limited(entry, MAX_LESSON_BYTES)
    except UnreadableFile as exc:
        raise LessonError(str(exc)) from None


def load_folder(folder: Traversable, origin: str) -> tuple[list[Lesson], list[LessonNotice]]:
    """Load every lesson file under ``folder``; bad files become warnings, never exceptions."""
    lessons: list[Lesson] = []
    notices: list[LessonNotice] = []
    seen: dict[str, str] = {}
    try:
        entries = list(_walk(folder))
    except OSError as exc:
        return [], [LessonNotice(origin, f"cannot read the folder ({exc.strerror or exc})")]
    for entry in entries:
        # A user's folder is named by its real path; a built-in lesson by "built-in/<file>",
        # since the install path means nothing to the user and differs on every machine.
        real = isinstance(entry, Path) and origin != BUILT_IN
        source = str(entry) if real else f"{origin}/{entry.name}"
        lesson_id = entry.name.rsplit(".", 1)[0]
        try:
            lesson = parse_lesson(lesson_id, _read(entry), source, origin)
        except LessonError as exc:
            message, line = loading.skipped(exc)
            notices.append(LessonNotice(source, message, line=line))
            continue
        except OSError as exc:
            notices.append(LessonNotice(source, f"skipped: cannot be read ({exc.strerror or exc})"))
            continue
        if lesson_id in seen:
            notices.append(
                LessonNotice(source, f"skipped: same id {lesson_id!r} as {seen[lesson_id]}")
            )
            continue
        seen[lesson_id] = source
        lessons.append(lesson)
    return lessons, notices


def load_library(builtin: Traversable, extra: Sequence[Path] = ()) -> LessonLibrary:
    """Load the built-in lessons, then each extra folder; a later folder's lesson wins an id."""
    library = LessonLibrary()
    folders: list[tuple[Traversable, str]] = [(builtin, BUILT_IN)]
    for path in extra:
        if not path.is_dir():
            library.notices.append(LessonNotice(str(path), "lesson folder not found, ignored"))
            continue
        folders.append((path, str(path)))
    for folder, origin in folders:
        lessons, notices = load_folder(folder, origin)
        library.notices.extend(notices)
        for lesson in lessons:
            previous = library.lessons.get(lesson.id)
            if previous is not None:
                library.notices.append(
                    LessonNotice(
                        lesson.source,
                        f"replaces lesson {lesson.id!r} from {previous.origin}",
                        level="info",
                    )
                )
            library.lessons[lesson.id] = lesson
    return library
