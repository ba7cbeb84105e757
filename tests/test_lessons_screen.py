"""The lesson reader: browse, search, and open at the passage the coach quoted."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Input, Markdown
from textual.widgets.markdown import MarkdownBlock

from coach.session import Context
from coach.settings import Settings
from coach.ui.screens.lessons import LessonsScreen
from tests.pilot import SIZE, make_app, quote_shown, send
from tests.scenarios import ENGLISH_ANSWERS, play_app


def at_the_top(reader: VerticalScroll, block: Widget) -> bool:
    """The block's first line is the reader's first line, or the reader cannot go lower."""
    top = block.region.y - block.styles.margin.top
    return top == reader.scrollable_content_region.y or reader.scroll_y == reader.max_scroll_y


# 80x24 is the size where the lesson's first layout, made before the scrollbar appeared,
# wrapped a line differently from the final one, so the quote ended a line below the top.
@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_from_the_chat_the_cited_lesson_opens_at_the_quote(
    settings: Settings, ctx: Context, size: tuple[int, int]
) -> None:
    app = make_app(settings, ctx)
    messages: list[LessonsScreen.QuoteShown] = []
    async with app.run_test(size=size, message_hook=_collect(messages)) as pilot:
        await play_app(pilot, ENGLISH_ANSWERS, until="first_step")  # the tuition path chosen
        await pilot.press("ctrl+l")
        screen = await quote_shown(pilot)  # fails if it never scrolls to the quote
        path = ctx.flow.path("tuition")
        assert screen.open_lesson == path.lesson
        cited = list(screen.query(".cited").results(MarkdownBlock))
        assert len(cited) == 1 and cited[0].border_title == "quoted by the coach"
        start, end = cited[0].source_range
        body = screen.query_one("#lesson-text", Markdown).source.splitlines()
        assert path.quote.splitlines()[0].strip()[:30] in "\n".join(
            body[start : max(end, start + 1)]
        )
        reader = screen.query_one("#reader", VerticalScroll)
        offset = reader.scroll_y
        assert offset > 0  # scrolled down to the passage
        # Every message and refresh still due is handled, QuoteShown among them.
        await pilot.wait_for_scheduled_animations()
        assert [m.lesson_id for m in messages] == [path.lesson]  # said once
        assert reader.scroll_y == offset  # and did not move after saying so
        assert at_the_top(reader, cited[0])
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, LessonsScreen)


async def test_only_the_lesson_still_on_show_is_scrolled(settings: Settings, ctx: Context) -> None:
    """A lesson that replaces the cited one before its scroll is due opens at its top; back
    on the cited lesson, the quote is at the top again."""
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await play_app(pilot, ENGLISH_ANSWERS, until="first_step")
        await pilot.press("ctrl+l")
        screen = await quote_shown(pilot)
        reader = screen.query_one("#reader", VerticalScroll)
        cited = next(lesson for lesson in ctx.lessons if lesson.id == screen.open_lesson)
        other = next(lesson for lesson in ctx.lessons if lesson.id != cited.id)
        await screen.show_lesson(cited, screen.quote)  # its scroll waits for a refresh...
        await screen.show_lesson(other)  # ...by which time this lesson has replaced it
        await pilot.wait_for_scheduled_animations()
        assert not screen.quote_shown.is_set() and not screen.query(".cited")
        assert reader.scroll_y == 0
        await screen.show_lesson(cited, screen.quote)
        await quote_shown(pilot)
        await pilot.wait_for_scheduled_animations()
        assert reader.scroll_y > 0 and at_the_top(reader, screen.query_one(".cited"))


def _collect(messages: list[LessonsScreen.QuoteShown]) -> Callable[[Message], None]:
    """A message hook for run_test that keeps every QuoteShown the app posts, once each."""

    def hook(message: Message) -> None:
        # The hook sees a message at every pump it reaches (the screen, then the app).
        seen = any(message is kept for kept in messages)
        if isinstance(message, LessonsScreen.QuoteShown) and not seen:
            messages.append(message)

    return hook


async def test_lessons_can_be_browsed_and_searched(settings: Settings, ctx: Context) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+l")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.row_count == len(ctx.lessons) == 3
        await pilot.press("slash", *"оператор")
        await pilot.pause()
        assert app.screen.query_one("#search", Input).value == "оператор"
        assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == ["ru"]
        await pilot.pause()
        body = app.screen.query_one("#lesson-text", Markdown).source
        assert body.startswith(
            next(lesson for lesson in ctx.lessons if lesson.language == "ru").body[:20]
        )


async def test_a_lesson_chosen_in_the_reader_counts_as_read(
    settings: Settings, ctx: Context
) -> None:
    """Enter on a lesson marks it read for the course view; skimming past it does not."""
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, ENGLISH_ANSWERS["dream_job"])
        cid = app.screen.session.conversation_id  # type: ignore[attr-defined]
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press("down")  # skimmed: shown for less than READ_AFTER
        await pilot.press("down", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        chosen = app.screen.shown[table.cursor_row].id  # type: ignore[attr-defined]
        reads = ctx.store.lessons_read(cid)
        assert [(r.lesson_id, r.how) for r in reads] == [(chosen, "opened")]
