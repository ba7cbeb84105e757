"""The interface catalogues: every key in both languages, and the Russian interface shows."""

from __future__ import annotations

import string

from coach.session import Context
from coach.settings import Settings
from coach.ui.strings import catalogue, missing_keys
from tests.pilot import SIZE, make_app, send
from tests.scenarios import RUSSIAN_ANSWERS


def test_no_language_lacks_a_key() -> None:
    assert missing_keys() == {"en": set(), "ru": set()}


def test_both_languages_use_the_same_placeholders() -> None:
    def names(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    en, ru = catalogue("en"), catalogue("ru")
    assert {k: names(v) for k, v in en.items()} == {k: names(ru[k]) for k in en}


def test_russian_text_is_really_russian() -> None:
    same = [k for k, v in catalogue("ru").items() if v == catalogue("en")[k] and v.isascii()]
    assert same == []


async def test_a_russian_conversation_gets_a_russian_interface(
    settings: Settings, ctx: Context
) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, RUSSIAN_ANSWERS["dream_job"])
        await pilot.pause()
        bar = str(app.screen.query_one("KeyBar").render())
        assert "Отправить" in bar and "Выход" in bar and "Send" not in bar
        panel = str(app.screen.query_one("#progress-title").render())
        assert panel == "Этапы"


async def test_model_errors_are_shown_in_the_conversations_language(
    server,
    llm_ctx: Context,  # type: ignore[no-untyped-def]
) -> None:
    from textual.widgets import Static

    from tests.conftest import llm_settings
    from tests.fake_openai import Script

    app = make_app(llm_settings(server.base_url), llm_ctx)
    server.add(Script(text="Почему?"), Script(fault="503"))
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "Хочу стать медсестрой")
        await send(pilot, "Чтобы помогать людям")
        status = app.screen.query_one("#status", Static)
        assert str(status.render()).startswith("Ошибка на сервере модели (503)")


async def test_a_moved_database_is_announced_in_the_users_language(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from coach.bootstrap import build_context
    from coach.settings import resolve_settings
    from tests.conftest import fixed_now

    data = tmp_path / "d"
    data.mkdir()
    (data / "coach.db").write_bytes(b"not a database" * 100)
    settings = resolve_settings(
        {"COACH_DATA_DIR": str(data), "COACH_CONFIG": "/none"}, language="ru"
    )
    ctx = build_context(settings, now=fixed_now)
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("База разговоров была повреждена") for m in messages)
    ctx.store.close()
