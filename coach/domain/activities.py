"""Writing activities as data: what to write, for which path, and what a good answer contains.

Each activity is one YAML file under ``prompts/activities/`` (English and Russian), so a course
author adds one by dropping in a file. The rubric's labels are what a model reads; each item's
``check`` is what the offline checklist tests, so both engines give feedback of one shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from coach.domain import loading
from coach.domain.files import read_limited
from coach.domain.flow import Flow
from coach.domain.lessons import LessonLibrary
from coach.domain.loading import DataError
from coach.domain.locale import LocalText, LocalWords, overlaid
from coach.domain.state import CoachState

Moment = Literal["path", "check_in"]
Status = Literal["done", "skipped", "offered", "open", "other"]
MAX_ACTIVITY_BYTES = 200_000


class _Model(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class Check(_Model):
    """How the offline checklist tests one rubric item. Exactly one field is set."""

    date: bool = False
    """Mentions a day, a month, a year or a span ("in 6 months")."""
    amount: bool = False
    """Has a number written in digits (an amount, hours)."""
    items: int | None = Field(default=None, ge=1, le=20)
    """Lists at least this many things: lines, bullets, or parts separated by commas."""
    words: int | None = Field(default=None, ge=1, le=2000)
    """Is at least this many words long."""
    keywords: LocalWords | None = None
    """Uses one of these words (a word start, as in the flow's keywords)."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Check:
        chosen = [self.date, self.amount, self.items is not None]
        chosen += [self.words is not None, self.keywords is not None]
        if sum(chosen) != 1:
            raise ValueError("set exactly one of date, amount, items, words, keywords")
        return self


class Criterion(_Model):
    """One thing a good answer contains."""

    id: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    label: LocalText
    """Said in the feedback as present or missing, and given to a model as the rubric."""
    check: Check
    ask: LocalText
    """The question to go deeper when this is missing."""


class Activity(_Model):
    """A short writing task that turns a chosen path into something thought through."""

    id: str = Field(pattern=r"^[a-z0-9_-]{1,60}$")
    lesson: str
    paths: list[str] = []
    """The paths it fits; empty means every path."""
    offer: list[Moment] = ["path", "check_in"]
    title: LocalText
    instructions: LocalText
    rubric: list[Criterion] = Field(min_length=1, max_length=8)
    deeper: LocalText
    """The question to go deeper when every rubric item is there."""
    follow_up: LocalText
    """Asked at a check-in after quoting what the user wrote."""

    def fits(self, path: str | None) -> bool:
        return not self.paths or (path is not None and path in self.paths)

    def status(self, state: CoachState) -> Status:
        """Where the user stands with it.

        done or skipped; offered (by the coach, not yet answered); open (fits the chosen
        path); other (written for other paths).
        """
        work = state.activities.get(self.id)
        if work is not None:
            return work.status
        if state.offered == self.id:
            return "offered"
        return "open" if self.fits(state.chosen_path) else "other"


@dataclass(frozen=True)
class ActivityNotice:
    """A file that could not be used, or a reference that does not resolve. One line."""

    source: str
    message: str
    line: int | None = None
    """The line of the file the problem is on, when it is known."""

    def __str__(self) -> str:
        return loading.located(self.source, self.line, self.message)


@dataclass
class ActivityCatalog:
    """The activities in file-name order, with what went wrong loading them."""

    activities: list[Activity] = field(default_factory=list)
    notices: list[ActivityNotice] = field(default_factory=list)

    def __iter__(self) -> Iterator[Activity]:
        return iter(self.activities)

    def __len__(self) -> int:
        return len(self.activities)

    def get(self, activity_id: str | None) -> Activity | None:
        return next((a for a in self.activities if a.id == activity_id), None)

    def to_offer(self, state: CoachState, moment: Moment) -> Activity | None:
        """The activity for this path and moment the user has not done or skipped.

        One written for the chosen path comes before one that fits every path.
        """
        specific = [a for a in self.activities if state.chosen_path in a.paths]
        for activity in [*specific, *(a for a in self.activities if a not in specific)]:
            fits = moment in activity.offer and activity.fits(state.chosen_path)
            if fits and activity.id not in state.activities:
                return activity
        return None

    def last_written(self, state: CoachState) -> Activity | None:
        """The activity written most recently, which a check-in refers to."""
        done = [
            (work.day, index, activity)
            for index, activity in enumerate(self.activities)
            if (work := state.activities.get(activity.id)) and work.status == "done" and work.text
        ]
        return max(done, key=lambda item: (item[0], item[1]))[2] if done else None


def parse_activity(raw: bytes, source: str, overlay: str | None = None) -> Activity:
    """One activity file. Raises DataError (a ValueError): ``file:line: place: problem``.

    ``overlay``, a shipped file's path under the prompts folder, takes a language pack's
    texts for that file laid over it.
    """
    if len(raw) > MAX_ACTIVITY_BYTES:
        raise DataError(f"larger than {MAX_ACTIVITY_BYTES // 1000} kB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError("not UTF-8 text") from None
    document = loading.parse(text, source, untrusted=True, error=DataError)
    if not isinstance(document.data, dict):
        raise DataError("expected a mapping of keys")
    data = overlaid(overlay, document.data) if overlay is not None else document.data
    return loading.validate(Activity, document, data=data, check=_no_placeholders, error=DataError)


def _no_placeholders(activity: Activity) -> Iterator[loading.Finding]:
    """Activity texts are shown as written: a ``{name}`` in one is a template by mistake."""
    texts: list[tuple[loading.Loc, LocalText]] = [
        (("title",), activity.title),
        (("instructions",), activity.instructions),
        (("deeper",), activity.deeper),
        (("follow_up",), activity.follow_up),
    ]
    for index, item in enumerate(activity.rubric):
        texts += [(("rubric", index, "label"), item.label), (("rubric", index, "ask"), item.ask)]
    for loc, text in texts:
        for language, value in loading.translations(text):
            yield from loading.unknown_placeholders((*loc, language), value, ())


def load_activities(folder: Traversable, origin: str = "built-in") -> ActivityCatalog:
    """Every ``*.yaml`` activity in ``folder``; a bad file is a notice, never an exception."""
    catalog = ActivityCatalog()
    try:
        entries = sorted(
            (e for e in folder.iterdir() if e.name.endswith((".yaml", ".yml"))),
            key=lambda e: e.name,
        )
    except OSError as exc:
        catalog.notices.append(ActivityNotice(origin, f"cannot read the folder ({exc})"))
        return catalog
    for entry in entries:
        source = f"{origin}/{entry.name}"
        try:
            raw = read_limited(entry, MAX_ACTIVITY_BYTES)
            shipped = f"activities/{entry.name}" if origin == "built-in" else None
            activity = parse_activity(raw, source, shipped)
        except ValueError as exc:  # UnreadableFile and DataError are ValueErrors
            catalog.notices.append(ActivityNotice(source, *loading.skipped(exc)))
            continue
        except OSError as exc:
            catalog.notices.append(ActivityNotice(source, f"skipped: {exc}"))
            continue
        if catalog.get(activity.id) is not None:
            catalog.notices.append(ActivityNotice(source, f"skipped: id {activity.id!r} is taken"))
            continue
        catalog.activities.append(activity)
    return catalog


def load_catalog(builtin: Traversable, lesson_dirs: Sequence[Path] = ()) -> ActivityCatalog:
    """The shipped activities, then each lesson folder's ``activities/``; a later one wins an id.

    A course author keeps activities next to their lessons, as the lessons' own data.
    """
    catalog = load_activities(builtin)
    for folder in lesson_dirs:
        extra = folder / "activities"
        if not extra.is_dir():
            continue
        more = load_activities(extra, str(extra))
        catalog.notices.extend(more.notices)
        for activity in more:
            catalog.activities = [a for a in catalog.activities if a.id != activity.id]
            catalog.activities.append(activity)
    return catalog


def check_references(
    catalog: ActivityCatalog, flow: Flow, lessons: LessonLibrary
) -> Iterable[ActivityNotice]:
    """Lessons and paths the activities name that do not exist."""
    paths = {p.id for p in flow.paths}
    for activity in catalog:
        if lessons.get(activity.lesson) is None:
            yield ActivityNotice(activity.id, f"lesson {activity.lesson!r} is not in the library")
        for path in activity.paths:
            if path not in paths:
                yield ActivityNotice(activity.id, f"path {path!r} is not in the flow")
