"""The app in Textual's idioms: the language is one reactive, expected failures are one line,
and a programming error is not turned into a toast."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable
from textual.worker import WorkerFailed

from coach.session import Context
from coach.settings import Settings
from coach.store import export
from coach.ui.app import CoachApp
from coach.ui.screens.conversations import ConversationsScreen
from tests.pilot import SIZE, chat, make_app, send


async def test_the_interface_language_follows_the_open_conversation(
    settings: Settings, ctx: Context
) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        assert app.language == "en"
        await send(pilot, "Хочу стать медсестрой")
        assert chat(pilot).session.state.language == "ru"
        assert app.language == "ru"
        # The list opened from a Russian conversation is Russian throughout, phases included.
        await pilot.press("ctrl+o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ConversationsScreen)
        table = app.screen.query_one(DataTable)
        assert str(table.get_row_at(0)[1]) == ctx.flow.phase("goal").title("ru")
        await pilot.press("escape")
        await pilot.press("ctrl+n")  # a new conversation keeps the language the user speaks
        await pilot.pause()
        assert app.language == "ru" and chat(pilot).session.state.language == "ru"


async def test_a_language_change_relabels_the_key_bar_through_its_watcher(
    settings: Settings, ctx: Context
) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = app.screen.query_one("KeyBar")
        # The bar reads the conversation's language; nothing but the watcher redraws it here.
        chat(pilot).session.state.language = "ru"
        app.language = "ru"
        await pilot.pause()
        assert "Выход" in str(bar.render())


async def test_an_expected_failure_is_one_line_and_the_app_goes_on(
    settings: Settings, ctx: Context
) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "a nurse")
        assert app.options.export_dir is not None
        app.options.export_dir.parent.mkdir(parents=True, exist_ok=True)
        app.options.export_dir.write_text("a file where the folder should be")
        await app.action_export_current()
        await pilot.pause()
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and "\n" not in errors[0]
        await send(pilot, "to help people")  # still working
        assert chat(pilot).session.state.answers


async def test_a_bug_in_an_action_is_not_a_toast(
    settings: Settings, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> str:
        raise KeyError("a programming error")

    monkeypatch.setattr(export, "to_markdown", broken)
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "a nurse")
        with pytest.raises(KeyError):
            await app.action_export_current()


async def test_in_use_a_bug_ends_the_app_with_one_line(
    settings: Settings,
    ctx: Context,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        monkeypatch.setattr(CoachApp, "is_headless", property(lambda self: False))
        app._handle_exception(WorkerFailed(ValueError("boom\nsecond line")))
        monkeypatch.undo()
    assert app.return_code == 1
    assert capsys.readouterr().err.strip() == "coach: unexpected error: ValueError: boom"
