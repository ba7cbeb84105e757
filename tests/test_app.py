"""Pilot tests: whole sessions through the real app, resume, deletion, and failures."""

from __future__ import annotations

from textual.widgets import DataTable, Markdown

from coach.session import Context
from coach.settings import Settings
from coach.ui.screens.chat import RECENT
from coach.ui.screens.conversations import ConversationsScreen
from coach.ui.widgets.chat_input import ChatInput
from coach.ui.widgets.messages import CoachMessage, UserMessage
from tests.pilot import SIZE, chat, make_app, send
from tests.scenarios import ENGLISH_ANSWERS, RUSSIAN_ANSWERS, play_app


def _plan_panel(pilot) -> str:  # type: ignore[no-untyped-def]
    return str(pilot.app.screen.query_one("#plan-card", Markdown).source)


async def test_whole_english_session_to_the_plan_card(settings: Settings, ctx: Context) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        assert "OFFLINE GUIDED MODE" in str(app.screen.query_one("#mode-badge").render())
        sent = await play_app(pilot, ENGLISH_ANSWERS)
        state = chat(pilot).session.state
        assert state.phase == "summary" and state.plan is not None
        panel = _plan_panel(pilot)
        assert "120,000 ÷ 5,000 a month = about 24 months" in panel
        assert "just open the school's website" in panel
        assert len(app.screen.query(UserMessage)) == len(sent)
    cid = ctx.store.latest()
    assert cid is not None and ctx.store.state(cid) == state
    assert ctx.store.messages(cid)[-1].content.startswith("Here is your plan.")


async def test_whole_russian_session_to_the_plan_card(settings: Settings, ctx: Context) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await play_app(pilot, RUSSIAN_ANSWERS)
        state = chat(pilot).session.state
        assert state.language == "ru" and state.plan is not None
        assert "Первый шаг" in _plan_panel(pilot)
        last = list(app.screen.query(CoachMessage))[-1]
        assert "Ваш план" in str(last.source)


async def test_quit_then_resume_shows_the_same_conversation(
    settings: Settings, ctx: Context
) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await play_app(pilot, ENGLISH_ANSWERS)
        before = [(type(w).__name__, str(getattr(w, "source", w.render()))) for w in
                  app.screen.query(".message")]  # fmt: skip
        plan_before = _plan_panel(pilot)
        app.screen.query_one(ChatInput).insert("an unsent thought")
        await pilot.press("ctrl+q")
    assert app.return_code == 0

    resumed = make_app(settings, ctx, ctx.store.latest())
    async with resumed.run_test(size=SIZE) as pilot:
        await resumed.workers.wait_for_complete()
        await pilot.pause()
        after = [(type(w).__name__, str(getattr(w, "source", w.render()))) for w in
                 resumed.screen.query(".message")]  # fmt: skip
        assert len(before) > RECENT  # the older ones wait behind "earlier messages"
        assert after == before[-RECENT:]
        assert chat(pilot).session.messages[0].content == before[0][1]  # all still loaded
        assert _plan_panel(pilot) == plan_before
        assert resumed.screen.query_one(ChatInput).text == "an unsent thought"


async def test_fast_typing_keeps_every_character(settings: Settings, ctx: Context) -> None:
    """Enter used to be handled before queued keys; the end of a fast message was lost."""
    app = make_app(settings, ctx)
    text = "a web developer, working from home, by 2028!"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*text, "enter", *"yes", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    cid = ctx.store.latest()
    assert cid is not None
    assert next(m.content for m in ctx.store.messages(cid) if m.role == "user") == text


async def test_ctrl_j_adds_a_new_line_and_enter_sends_both(
    settings: Settings, ctx: Context
) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"nurse", "ctrl+j", *"or midwife", "enter")
        await app.workers.wait_for_complete()
    cid = ctx.store.latest()
    assert cid is not None
    assert ctx.store.messages(cid)[1].content == "nurse\nor midwife"


async def test_user_text_is_shown_literally(settings: Settings, ctx: Context) -> None:
    app = make_app(settings, ctx)
    hostile = "[bold red]boss[/] \x1b]52;c;ZXZpbA==\x07 *not italic*"
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(ChatInput).insert(hostile)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        shown = str(app.screen.query(UserMessage).first().render())
        assert shown == "[bold red]boss[/] ]52;c;ZXZpbA== *not italic*"


async def test_a_failed_save_keeps_the_words_and_says_why(settings: Settings, ctx: Context) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "nurse")
        # Writes now fail, as on a full disk.
        ctx.store.database.connection.execute("PRAGMA query_only = ON")
        app.screen.query_one(ChatInput).insert("because I care")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_one(ChatInput).text == "because I care"
        status = app.screen.query_one("#status")
        line = str(status.render())
        assert status.display and line.startswith("could not save to")
        assert "Traceback" not in line and "\n" not in line
        assert len(app.screen.query(UserMessage)) == 1


async def test_conversations_screen_resumes_and_deletes(settings: Settings, ctx: Context) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "a pilot")
        await send(pilot, "to fly")
        await pilot.press("ctrl+n")
        await send(pilot, "a chef")
        await pilot.press("ctrl+o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ConversationsScreen)
        table = app.screen.query_one(DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [
            "chef",
            "pilot",
        ]
        await pilot.press("down", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert chat(pilot).session.state.dream_job == "pilot"

        await pilot.press("ctrl+o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("n")  # changed my mind
        await pilot.pause()
        assert len(ctx.store.list_conversations()) == 2
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [c.title for c in ctx.store.list_conversations()] == ["pilot"]

        # Deleting the conversation that is open: the chat starts afresh, nothing dangles.
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ctx.store.list_conversations() == []
        await pilot.press("escape")
        await pilot.pause()
        assert chat(pilot).session.conversation_id is None
        await send(pilot, "a baker")
        assert [c.title for c in ctx.store.list_conversations()] == ["baker"]


async def test_the_interface_follows_the_users_language(settings: Settings, ctx: Context) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        assert "OFFLINE GUIDED MODE" in str(app.screen.query_one("#mode-badge").render())
        await send(pilot, "Хочу стать дизайнером")
        assert "ОФЛАЙН-РЕЖИМ" in str(app.screen.query_one("#mode-badge").render())
        assert "Enter отправляет" in str(app.screen.query_one(ChatInput).placeholder)
        assert list(app.screen.query(UserMessage))[-1].border_title == "Вы"


async def test_a_replaced_lesson_is_announced_in_the_app(
    tmp_path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    from coach.bootstrap import build_context
    from coach.settings import resolve_settings
    from tests.conftest import fixed_now

    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "quit-customer-support.md").write_text("# My escape plan\n\nText.\n")
    (folder / "broken.md").write_bytes(b"\xff")
    settings = resolve_settings(lesson_dirs=[folder])
    ctx = build_context(settings, now=fixed_now)
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
    assert any("replaces lesson 'quit-customer-support' from built-in" in m for m in messages)
    assert any(
        m.endswith("broken.md: skipped: not valid UTF-8 (byte 0xff at offset 0)") for m in messages
    )
    ctx.store.close()


async def test_conversations_can_be_searched_and_renamed(settings: Settings, ctx: Context) -> None:
    from textual.widgets import Input

    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "a pilot")
        await send(pilot, "to see the Медсестра world")
        await pilot.press("ctrl+n")
        await send(pilot, "a chef")
        await pilot.press("ctrl+o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        await pilot.press("slash")
        await pilot.press(*"медсестра")  # another case, in a message, not the title
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["pilot"]
        await pilot.press("escape")  # clears the search, stays on the list
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ConversationsScreen) and table.row_count == 2
        assert app.screen.query_one("#search", Input).value == ""

        await pilot.press("r")
        await pilot.pause()
        renamer = app.screen.query_one(Input)
        renamer.value = "Flying, finally"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert str(table.get_row_at(0)[0]) == "Flying, finally"
        await pilot.press("enter")  # resume it and answer: the title stays the user's
        await app.workers.wait_for_complete()
        await pilot.pause()
        await send(pilot, "in two years")
    titles = sorted(c.title for c in ctx.store.list_conversations())
    assert titles == ["Flying, finally", "pilot"]
