"""The lesson reader: browse, search, and open at the passage the coach quoted."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Markdown

from coach.session import Context
from coach.settings import Settings
from coach.ui.screens.lessons import LessonsScreen
from tests.pilot import SIZE, make_app, reader_at_quote, send, settle
from tests.scenarios import ENGLISH


async def test_from_the_chat_the_cited_lesson_opens_at_the_quote(
    settings: Settings, ctx: Context
) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        for text in ENGLISH[:13]:  # up to choosing the tuition path
            await send(pilot, text)
        await pilot.press("ctrl+l")
        await settle(pilot, reader_at_quote(pilot))  # fails if it never scrolls to the quote
        screen = app.screen
        assert isinstance(screen, LessonsScreen)
        path = ctx.flow.path("tuition")
        assert screen.open_lesson == path.lesson
        cited = list(screen.query(".cited"))
        assert len(cited) == 1 and cited[0].border_title == "quoted by the coach"
        start, end = cited[0].source_range
        body = app.screen.query_one("#lesson-text", Markdown).source.splitlines()
        assert path.quote.splitlines()[0].strip()[:30] in "\n".join(
            body[start : max(end, start + 1)]
        )
        assert screen.query_one("#reader").scroll_y > 0  # scrolled down to the passage
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, LessonsScreen)


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
        await send(pilot, ENGLISH[0])
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
