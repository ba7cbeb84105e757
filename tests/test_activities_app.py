"""The activity editor and the course view, driven as a person would, and a kill mid-revision."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual import events
from textual.widgets import DataTable, Markdown, Static, TextArea

from coach.session import Context
from coach.settings import Settings
from coach.ui.screens.activity import ActivityScreen
from coach.ui.screens.chat import ChatScreen
from coach.ui.screens.course import CourseScreen
from tests.pilot import SIZE, chat, make_app, send
from tests.processes import app_process, kill_9, wait_until
from tests.scenarios import ENGLISH_ANSWERS, play_app
from tests.test_activities import SAVINGS_EN


def _panel(pilot: object) -> str:
    app = pilot.app  # type: ignore[attr-defined]
    return str(app.screen.query_one("#activities", Static).render())


async def test_offered_written_revised_and_shown_everywhere(
    settings: Settings, ctx: Context
) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await play_app(pilot, ENGLISH_ANSWERS, until="first_step")  # the tuition path chosen
        assert "✎ Your savings plan in numbers · offered" in _panel(pilot)
        cid = chat(pilot).session.conversation_id
        assert cid is not None
        before = len(ctx.store.messages(cid))

        await send(pilot, "/write")
        screen = app.screen
        assert isinstance(screen, ActivityScreen) and screen.activity.id == "savings-plan"
        assert len(ctx.store.messages(cid)) == before  # a command, not a message to the coach
        area = screen.query_one("#writing", TextArea)
        area.insert("I need 120,000 pesos for nursing school.")
        await pilot.pause()
        assert "7 words" in str(screen.query_one("#count", Static).render())
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        feedback = screen.query_one("#feedback", Markdown).source
        assert "What is missing" in feedback and "where the money will sit" in feedback

        await pilot.press("ctrl+s")  # nothing changed: no copy of version 1
        await pilot.pause()
        assert "Nothing changed" in str(screen.query_one("#note", Static).render())
        area.load_text(SAVINGS_EN)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "What is missing" not in screen.query_one("#feedback", Markdown).source
        versions = ctx.store.activity_versions(cid, "savings-plan")
        assert [v.text for v in versions] == [
            "I need 120,000 pesos for nursing school.",
            SAVINGS_EN,
        ]
        assert all(v.feedback for v in versions)

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)
        assert "✓ Your savings plan in numbers · Version 2" in _panel(pilot)

        await pilot.press("ctrl+g")
        await app.workers.wait_for_complete()
        await pilot.pause()
        course = app.screen
        assert isinstance(course, CourseScreen)
        table = course.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["✓ Your savings plan in numbers", "done", "2"] in rows
        table.move_cursor(row=[r[0] for r in rows].index("✓ Your savings plan in numbers"))
        await pilot.pause()
        detail = course.query_one("#activity-detail", Markdown).source
        assert "### Version 1" in detail and "### Version 2" in detail
        reads = str(course.query_one("#reads", Static).render())
        assert "Is Your Dream Job Working" in reads and "cited by the coach" in reads
        await pilot.press("escape")

    resumed = make_app(settings, ctx, resume_id=cid)  # coming back: still in the side panel
    async with resumed.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "✓ Your savings plan in numbers · Version 2" in _panel(pilot)


async def test_skip_from_the_chat_and_nothing_to_write(settings: Settings, ctx: Context) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, ENGLISH_ANSWERS["dream_job"])
        await send(pilot, "/skip")  # nothing on offer yet: said, nothing recorded
        assert isinstance(app.screen, ChatScreen)
        assert chat(pilot).session.state.activities == {}
        await play_app(pilot, ENGLISH_ANSWERS, until="first_step")
        await send(pilot, "/skip")
        state = chat(pilot).session.state
        assert state.activities["savings-plan"].status == "skipped" and state.offered is None
        assert "– Your savings plan in numbers · skipped" in _panel(pilot)
        await pilot.press("ctrl+t")  # nothing on offer: the course view, to pick one
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CourseScreen)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ActivityScreen)


async def test_a_draft_is_kept_when_the_editor_closes(settings: Settings, ctx: Context) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await play_app(pilot, ENGLISH_ANSWERS, until="first_step")
        await pilot.press("ctrl+t")
        await pilot.pause()
        app.screen.query_one("#writing", TextArea).insert("half a thought")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.screen.query_one("#writing", TextArea).text == "half a thought"


def _saved(db: Path) -> tuple[list[str], str]:
    if not db.exists():
        return [], ""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        versions = [r[0] for r in con.execute("SELECT text FROM activity_versions ORDER BY id")]
        drafts = [r[0] for r in con.execute("SELECT text FROM activity_drafts")]
        return versions, drafts[0] if drafts else ""
    except sqlite3.OperationalError:
        return [], ""
    finally:
        con.close()


def test_kill_9_while_revising_keeps_the_version_and_the_draft(tmp_path: Path) -> None:
    first = "I need 120,000 pesos."
    revision = " I will save 5,000 every month in a separate bank account until March 2028."
    db = tmp_path / "data" / "coach.db"

    def revision_drafted() -> bool:
        versions, draft = _saved(db)
        return bool(versions) and len(draft) > len(first) + 10

    with app_process("tests.kill_writer", first, revision) as proc:  # killed while typing
        wait_until(proc, revision_drafted, "the revision was never saved as a draft")
        kill_9(proc)
    versions, draft = _saved(db)
    assert versions == [first]
    assert (first + revision).startswith(draft) and len(draft) > len(first)


async def test_fast_typing_then_save_keeps_every_character(
    settings: Settings, ctx: Context
) -> None:
    """Ctrl+S as a priority binding ran before keys still queued for the text area, so a fast
    typist's version was saved cut short (seen in tmux: "I need 50,000 for m")."""
    app = make_app(settings, ctx)
    text = "I need 50,000 by June 2027."
    async with app.run_test(size=SIZE) as pilot:
        await play_app(pilot, ENGLISH_ANSWERS, until="first_step")
        await pilot.press("ctrl+t")
        await pilot.pause()
        for key in [*text, "ctrl+s"]:  # queued at once, as a terminal delivers fast typing
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ActivityScreen)
        cid = app.screen.session.conversation_id
    assert [v.text for v in ctx.store.activity_versions(cid or "")] == [text]


async def test_quitting_from_the_editor_keeps_what_was_just_typed(
    settings: Settings, ctx: Context
) -> None:
    """Ctrl+Q (and SIGTERM, SIGHUP, which quit the same way) within the second before the
    editor's own draft save: the words are written on the way out."""
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await play_app(pilot, ENGLISH_ANSWERS, until="first_step")
        await pilot.press("ctrl+t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ActivityScreen)
        screen.query_one("#writing", TextArea).insert("written just now")
        await pilot.press("ctrl+q")
        await app.workers.wait_for_complete()
    conversation = ctx.store.latest()
    assert conversation is not None
    assert ctx.store.activity_draft(conversation, screen.activity.id) == "written just now"
