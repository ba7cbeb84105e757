"""Text coach did not write is shown literally everywhere, and never drives the terminal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from textual.pilot import Pilot

from coach.bootstrap import build_context
from coach.cli import main
from coach.session import Context, Session
from tests.conftest import fixed_now, llm_settings
from tests.fake_openai import FakeOpenAI, Script
from tests.pilot import SIZE, make_app, send
from tests.test_session import _turn

MARKUP = "[bold red]boss[/] [link=file:///etc/passwd]click[/link]"
ESCAPES = "\x1b]52;c;ZXZpbA==\x07 \x1b[2J\x1b[31m \x9b31m \x90payload\x9c \x07 \x08\x7f"
HOSTILE = f"{MARKUP} {ESCAPES} end"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def screen_segments(pilot: Pilot[None]) -> tuple[str, list[str]]:
    """The text of every segment in a full render of the screen, toasts included."""
    update = pilot.app.screen._compositor.render_full_update()
    texts = [seg.text for line in update.strips for strip in line for seg in strip]
    rows = ["".join(seg.text for strip in line for seg in strip) for line in update.strips]
    return "\n".join(rows), texts


def assert_nothing_drives_the_terminal(pilot: Pilot[None]) -> str:
    screen, texts = screen_segments(pilot)
    bad = [t for t in texts if CONTROL.search(t)]
    assert bad == []
    return screen


async def test_hostile_text_from_user_model_lesson_and_title_stays_literal(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "evil\x1b[2J.md").write_bytes(b"\xff not utf-8")  # a notice naming the file
    settings = llm_settings(server.base_url, lesson_dirs=(folder,))
    ctx = build_context(settings, now=fixed_now)
    app = make_app(settings, ctx)
    server.add(
        Script(
            tool_calls=[("record_dream_job", {"dream_job": HOSTILE, "why": None, "by_when": None})]
        ),
        Script(text=f"Model says {HOSTILE}"),
    )
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, HOSTILE)
        screen = assert_nothing_drives_the_terminal(pilot)
        assert "[bold red]boss[/]" in screen and "[link=file:///etc/passwd]click" in screen
        notices = [n.message for n in app._notifications]
        assert any("evil[2J.md: skipped" in n for n in notices)  # the escape removed
        assert not any(CONTROL.search(n) for n in notices)
        await pilot.press("ctrl+o")  # the conversations list shows the title
        await pilot.pause()
        listing = assert_nothing_drives_the_terminal(pilot)
        assert "[bold red]boss[/]" in listing
    await ctx.engine.aclose()
    ctx.store.close()


async def test_cli_output_and_exports_carry_no_control_characters(
    ctx: Context, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = Session.new(ctx, "en")
    await _turn(session, HOSTILE)
    ctx.store.close()
    for args in (["list"], ["export"], ["export", "--format", "json"]):
        assert main(args) == 0
        out = capsys.readouterr().out
        assert not CONTROL.search(out.replace("\n", "")), args
    assert main(["export", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["messages"][1]["content"] == HOSTILE  # full fidelity once parsed
    assert main(["export"]) == 0
    assert "\\[bold red\\]boss\\[/\\]" in capsys.readouterr().out  # Markdown shows it as typed


def test_a_hostile_id_in_an_error_stays_harmless(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "\x1b]52;c;ZXZpbA==\x07"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("coach: ") and not CONTROL.search(err.replace("\n", ""))
