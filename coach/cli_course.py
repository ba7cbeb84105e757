"""The `coach lessons` and `coach activities` commands: the course, its checks, and progress."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from coach.domain.activities import (
    ActivityCatalog,
    ActivityNotice,
    check_references,
    load_activities,
)
from coach.domain.lessons import Lesson, LessonNotice, load_folder, load_library
from coach.domain.text import clean_for_display
from coach.settings import Settings

EXIT_OK, EXIT_ERROR = 0, 1
CONFIGURED = "__configured__"
"""`--check` with no folder: check what this coach is configured to teach from."""


def table(rows: Sequence[Sequence[str]], out: TextIO) -> None:
    """Columns of text; cells are cleaned, as titles and ids can hold anything a user typed."""
    rows = [[" ".join(clean_for_display(cell).split()) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip(), file=out)


def _say(line: str, out: TextIO) -> None:
    print(clean_for_display(line), file=out)


def _report_lessons(lessons: list[Lesson], notices: list[LessonNotice], out: TextIO) -> int:
    for lesson in lessons:
        questions = f", {len(lesson.questions)} questions to consider" if lesson.questions else ""
        _say(f"ok       {lesson.source}: {lesson.title} ({lesson.language}{questions})", out)
    errors = [n for n in notices if n.level != "info"]
    for notice in errors:
        _say(f"error    {notice}", out)
    print(f"{len(lessons)} lessons ok, {len(errors)} with errors", file=out)
    return len(errors)


def _report_activities(catalog: ActivityCatalog, broken: list[ActivityNotice], out: TextIO) -> int:
    bad_ids = {n.source for n in broken}
    for activity in catalog:
        if activity.id not in bad_ids:
            paths = ", ".join(activity.paths) or "every path"
            _say(f"ok       activity {activity.id}: {activity.title('en')} ({paths})", out)
    problems = [*catalog.notices, *broken]
    for notice in problems:
        _say(f"error    activity {notice}", out)
    good = len(catalog) - len(bad_ids)
    print(f"{good} activities ok, {len(problems)} with errors", file=out)
    return len(problems)


def check(settings: Settings, folder: str, out: TextIO) -> int:
    """Validate lessons and activities: a folder of them, or everything configured."""
    from coach.bootstrap import load_activities_for, load_content
    from coach.content_cache import ContentCache

    uncached = ContentCache(None, ())  # a check reads and validates every file, every time
    flow, library = load_content(settings, uncached)
    if folder == CONFIGURED:
        lessons, notices = list(library), library.notices
        catalog = load_activities_for(settings, uncached)
    else:
        path = Path(folder)
        if not path.is_dir():
            print(f"coach: {clean_for_display(str(path))} is not a folder", file=sys.stderr)
            return EXIT_ERROR
        lessons, notices = load_folder(path, str(path))
        catalog = ActivityCatalog()
        if (path / "activities").is_dir():
            catalog = load_activities(path / "activities", str(path / "activities"))
        library = load_library(settings.lessons_folder(), [*settings.lesson_dirs, path])
    errors = _report_lessons(lessons, notices, out)
    errors += _report_activities(catalog, list(check_references(catalog, flow, library)), out)
    return EXIT_ERROR if errors else EXIT_OK


def list_lessons(settings: Settings, out: TextIO) -> int:
    library = load_library(settings.lessons_folder(), settings.lesson_dirs)
    rows = [["ID", "LANG", "WORDS", "SECTIONS", "QUESTIONS", "TITLE"]]
    for lesson in library:
        rows.append(
            [
                lesson.id,
                lesson.language,
                str(lesson.words),
                str(len(lesson.sections)),
                str(len(lesson.questions)),
                lesson.title,
            ]
        )
    table(rows, out)
    for notice in library.notices:
        print(f"coach: {clean_for_display(str(notice))}", file=sys.stderr)
    return EXIT_OK


def show_activities(settings: Settings, ident: str | None, out: TextIO) -> int:
    """The activities and their status, and the lessons read, for one conversation."""
    from coach.bootstrap import load_activities_for
    from coach.store.opening import open_store

    catalog = load_activities_for(settings)
    library = load_library(settings.lessons_folder(), settings.lesson_dirs)
    store = open_store(settings.data_dir)
    try:
        conversation_id = store.resolve(ident) if ident else store.latest()
        if conversation_id is None:
            print("No saved conversations yet; these are the activities:", file=out)
            table([["ACTIVITY", "TITLE"], *[[a.id, a.title("en")] for a in catalog]], out)
            return EXIT_OK
        info, state = store.conversation(conversation_id), store.state(conversation_id)
        versions = store.activity_versions(conversation_id)
        reads = store.lessons_read(conversation_id)
    finally:
        store.close()
    lang = state.language
    _say(f"{conversation_id}  {info.title or '-'}", out)
    rows = [["ACTIVITY", "STATUS", "VERSIONS", "LAST", "TITLE"]]
    for activity in catalog:
        mine = [v for v in versions if v.activity_id == activity.id]
        done = sum(1 for v in mine if v.status == "done")
        last = f"{mine[-1].created_at.astimezone():%Y-%m-%d}" if mine else "-"
        rows.append([activity.id, activity.status(state), str(done), last, activity.title(lang)])
    table(rows, out)
    print("", file=out)
    if not reads:
        print("No lessons read yet in this conversation.", file=out)
        return EXIT_OK
    rows = [["LESSON", "HOW", "WHEN", "TITLE"]]
    for read in reads:
        when = f"{read.at.astimezone():%Y-%m-%d}"
        rows.append([read.lesson_id, read.how, when, library.title(read.lesson_id)])
    table(rows, out)
    return EXIT_OK
