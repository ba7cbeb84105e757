"""The lesson reader: every lesson the coach teaches from, searchable, rendered as Markdown.

Opened from the chat, it goes straight to the lesson the coach cited and marks the quoted
passage, so a user can read the quote in its context.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Input, Markdown, Static
from textual.widgets.markdown import MarkdownBlock

from coach.domain.lessons import Lesson, LessonLibrary
from coach.domain.text import Language, clean_for_display, normalize
from coach.ui.screens.searchable import SearchableList
from coach.ui.strings import t
from coach.ui.widgets.key_bar import KeyBar

READ_AFTER = 3.0
"""Seconds a lesson stays open in the reader before it counts as read: skimming the list
past it does not."""

LAYOUT_WAITS = 10
"""Refreshes to wait for the Markdown's new blocks to be laid out before scrolling to the
quote; a bound, so a reader that is covered or closed meanwhile does not wait for ever."""


def quote_line(lesson: Lesson, quote: str) -> int | None:
    """The 0-based line of ``lesson.body`` where ``quote`` starts, if it is there."""
    first = quote.strip().splitlines()[0].strip() if quote.strip() else ""
    if not first:
        return None
    for number, line in enumerate(lesson.body.splitlines()):
        if first[:40] in line:
            return number
    return None


class LessonsScreen(SearchableList):
    """A list of lessons on the left, the chosen one on the right."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search"),
        Binding("escape", "back", "Back"),
    ]

    @dataclass
    class QuoteShown(Message):
        """The cited passage is on screen for good, at the top of the reader.

        Or the reader is at the lesson's end, if the passage is near it. Posted after the
        one scroll to it, made once the lesson was laid out; the reader does not move again
        until the user moves it.
        """

        lesson_id: str

    def __init__(
        self,
        lessons: LessonLibrary,
        language: Language,
        open_lesson: str | None = None,
        quote: str = "",
        on_read: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__()
        self.lessons = lessons
        self.language = language
        self.open_lesson = open_lesson
        self.quote = quote
        self.shown: list[Lesson] = list(lessons)
        self.on_read = on_read
        """Told a lesson's id once the user has really read it (see READ_AFTER)."""
        self._read_timer: Timer | None = None
        self._cited: MarkdownBlock | None = None
        """The block of the lesson on show that holds the quote, while there is one."""
        self.quote_shown = asyncio.Event()
        """Set when QuoteShown is posted, cleared when another lesson replaces it: for those
        who wait for the quote without receiving messages (the tests)."""

    def compose(self) -> ComposeResult:
        yield Static(t("lessons", self.language), id="heading")
        with Horizontal(id="body"):
            with Vertical(id="list-column"):
                yield Input(placeholder=t("lessons_search_hint", self.language), id="search")
                yield DataTable(id="lesson-table", cursor_type="row")
            with VerticalScroll(id="reader"):
                yield Static(id="lesson-meta")
                yield Markdown(id="lesson-text", open_links=False)
        yield KeyBar()

    @property
    def reader(self) -> VerticalScroll:
        return self.query_one("#reader", VerticalScroll)

    async def on_mount(self) -> None:
        table = self.table
        for key in ("title", "lesson_lang", "source"):
            table.add_column(t(key, self.language), key=key)
        self._fill(self.shown)
        chosen = self.lessons.get(self.open_lesson) if self.open_lesson else None
        if chosen is not None:  # highlighting its row shows it, at the quote
            table.move_cursor(row=self.shown.index(chosen), animate=False)
        table.focus()

    def _fill(self, lessons: list[Lesson]) -> None:
        self.shown = lessons
        table = self.table
        table.clear()
        for lesson in lessons:
            table.add_row(
                Text(clean_for_display(lesson.title)),
                Text(lesson.language),
                Text(clean_for_display(lesson.origin)),
                key=lesson.id,
            )

    async def show_lesson(self, lesson: Lesson, quote: str = "") -> None:
        """Render ``lesson``; with a quote, mark its block as cited and scroll to it once."""
        self._cited = None
        self.quote_shown.clear()
        meta = f"{lesson.title} · {lesson.language} · {lesson.source}"
        self.query_one("#lesson-meta", Static).update(Content(clean_for_display(meta)))
        text = self.query_one("#lesson-text", Markdown)
        await text.update(clean_for_display(lesson.body))  # every block is mounted
        line = quote_line(lesson, quote) if quote else None
        if line is None:
            # Immediate: a deferred scroll could land after the next lesson's scroll to its quote.
            self.reader.scroll_home(animate=False, immediate=True)
            return
        for block in text.query(MarkdownBlock):
            start, end = block.source_range
            if start <= line < max(end, start + 1) and block.parent is text:
                block.add_class("cited")
                block.border_title = t("cited", self.language)
                self._cited = block
                # Mounted is not laid out: where the block is comes from the next refresh.
                self.call_after_refresh(self._scroll_to_cited, block, lesson.id)
                break

    def _scroll_to_cited(self, block: MarkdownBlock, lesson_id: str, waits: int = 0) -> None:
        """Put the cited block at the top of the reader, once, then say so (QuoteShown).

        The reader keeps its scrollbar's room (scrollbar-gutter: stable), so the first
        layout of a lesson is its final one: when the scrollbar appears, no line rewraps and
        the quote stays where this scrolled to.
        """
        if block is not self._cited:  # another lesson was chosen meanwhile
            return
        if not block.virtual_region.size:
            # A refresh can come before the Markdown has reported its new blocks.
            if waits < LAYOUT_WAITS:
                self.call_after_refresh(self._scroll_to_cited, block, lesson_id, waits + 1)
            return
        reader = self.reader
        reader.scroll_to_widget(block, top=True, animate=False, immediate=True)
        self.call_after_refresh(self._quote_on_screen, block, lesson_id)

    def _quote_on_screen(self, block: MarkdownBlock, lesson_id: str) -> None:
        if block is self._cited:
            self.quote_shown.set()
            self.post_message(self.QuoteShown(lesson_id))

    @on(DataTable.RowHighlighted)
    async def highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row != event.data_table.cursor_row:
            # Already passed: the cursor has moved on (filling the table highlights the
            # first row, then on_mount moves to the cited lesson), so this lesson would be
            # rendered only to be replaced at once.
            return
        if 0 <= event.cursor_row < len(self.shown):
            lesson = self.shown[event.cursor_row]
            keep_quote = lesson.id == self.open_lesson
            await self.show_lesson(lesson, self.quote if keep_quote else "")
            if self._read_timer is not None:
                self._read_timer.stop()
            self._read_timer = self.set_timer(READ_AFTER, lambda: self._read(lesson.id))

    @on(DataTable.RowSelected)
    def selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a lesson: the user chose to read it, so it counts at once."""
        if 0 <= event.cursor_row < len(self.shown):
            self._read(self.shown[event.cursor_row].id)
            self.reader.focus()

    def _read(self, lesson_id: str) -> None:
        if self.on_read is not None:
            self.on_read(lesson_id)

    @on(Input.Changed, "#search")
    def search(self, event: Input.Changed) -> None:
        needle = normalize(event.value)
        every = list(self.lessons)
        if needle:
            every = [
                lesson
                for lesson in every
                if needle in normalize(lesson.title) or needle in normalize(lesson.body)
            ]
        self._fill(every)
