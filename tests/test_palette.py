"""Keys and palette: every action in the palette, help, copy, remapped keys, a kept theme."""

from __future__ import annotations

import stat
from pathlib import Path

from textual.widgets import DataTable

from coach.bootstrap import build_context
from coach.session import Context
from coach.settings import Settings, resolve_settings
from coach.ui.screens.help import HelpScreen
from tests.conftest import fixed_now
from tests.pilot import SIZE, chat, make_app, send

ACTIONS = [
    "New conversation",
    "Resume a conversation",
    "Rename this conversation",
    "Export this conversation",
    "Delete this conversation",
    "Lessons",
    "Switch language",
    "Retry",
    "Stop the reply",
    "Help",
    "Copy the last reply",
    "Copy the plan card",
]


async def test_every_action_is_in_the_palette(settings: Settings, ctx: Context) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert [a for a in ACTIONS if a not in titles] == []
        assert "Theme" in titles  # Textual's own: themes


async def test_help_lists_the_keys_and_copy_puts_the_reply_on_the_clipboard(
    settings: Settings, ctx: Context
) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "I want to be a nurse")
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert app.clipboard == chat(pilot).session.messages[-1].content
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["Chat", "ctrl+r", "Retry"] in rows and ["Chat", "ctrl+l", "Lessons"] in rows
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_keys_can_be_remapped_in_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nnew = "ctrl+t"\nnonsense = "x"\n', encoding="utf-8")
    settings = resolve_settings(
        {"COACH_CONFIG": str(config), "COACH_DATA_DIR": str(tmp_path / "d")}
    )
    ctx = build_context(settings, now=fixed_now)
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "I want to be a nurse")
        first = chat(pilot).session
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert chat(pilot).session is not first and chat(pilot).session.conversation_id is None
        assert any("nonsense" in n.message for n in app._notifications)
        await pilot.press("f1")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["Chat", "ctrl+t", "New"] in rows
    ctx.store.close()


async def test_the_chosen_theme_is_remembered(settings: Settings, ctx: Context) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "nord"
        await app.workers.wait_for_complete()
        await pilot.pause()
    prefs = settings.data_dir / "ui.json"
    assert stat.S_IMODE(prefs.stat().st_mode) == 0o600
    again = make_app(settings, ctx)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


async def test_export_rename_and_delete_from_the_palette(settings: Settings, ctx: Context) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "I want to be a nurse")
        cid = chat(pilot).session.conversation_id
        assert cid is not None
        await app.action_export_current()
        exported = settings.data_dir / "exports" / f"coach-{cid}.md"
        assert exported.read_text(encoding="utf-8").startswith("# nurse")
        assert stat.S_IMODE(exported.stat().st_mode) == 0o600
        await app.action_rename_current()
        await pilot.pause()
        app.screen.query_one("Input").value = "Nursing plan"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ctx.store.conversation(cid).title == "Nursing plan"
        await app.action_delete_current()
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.pause()
        assert ctx.store.list_conversations() == []
        assert chat(pilot).session.conversation_id is None


async def test_switch_language_changes_coach_and_interface(
    settings: Settings, ctx: Context
) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await app.action_switch_language()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert chat(pilot).session.state.language == "ru"
        assert "Выход" in str(app.screen.query_one("KeyBar").render())
