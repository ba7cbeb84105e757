"""Privacy: private files, a key that appears in no file, and delete --all that erases."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from coach.bootstrap import build_context
from coach.cli import main
from coach.session import Session
from coach.settings import resolve_settings
from tests.conftest import fixed_now
from tests.fake_openai import FakeOpenAI
from tests.llm_script import ENGLISH_LLM
from tests.test_session import _turn

KEY = "sk-FAKEKEY-" + "findme" * 6
WORD = "Zanzibarnurse"  # a word only the user wrote


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _contents(root: Path) -> dict[Path, bytes]:
    """Every file's bytes; SQLite may remove its -wal/-shm files while we look."""
    found = {}
    for path in _files(root):
        try:
            found[path] = path.read_bytes()
        except FileNotFoundError:
            continue
    return found


async def test_a_whole_session_writes_the_key_nowhere_and_keeps_files_private(
    server: FakeOpenAI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    settings = resolve_settings()
    assert settings.api_key is not None and settings.use_llm
    ctx = build_context(settings, now=fixed_now)
    session = Session.new(ctx, "en")
    for user, scripts in ENGLISH_LLM:
        server.add(*scripts)
        await _turn(session, user)
    assert session.state.plan is not None
    await ctx.engine.aclose()
    ctx.store.close()
    assert server.headers[0]["authorization"] == f"Bearer {KEY}"  # it was really used

    exports = tmp_path / "exports"
    exports.mkdir()
    for fmt in ("md", "json"):
        assert main(["export", "--format", fmt, "-o", str(exports / f"out.{fmt}")]) == 0
    assert main(["config"]) == 0
    assert main(["list"]) == 0
    printed = capsys.readouterr()

    written = {**_contents(tmp_path / "data"), **_contents(exports)}
    assert len(written) >= 3
    for path, data in written.items():
        assert KEY.encode() not in data, path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    assert KEY not in printed.out and KEY not in printed.err


async def test_delete_all_erases_every_word_from_the_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = resolve_settings()
    ctx = build_context(settings, now=fixed_now)
    for _ in range(3):
        session = Session.new(ctx, "en")
        await _turn(session, f"I want to be a {WORD}")
        session.save_draft(f"a draft about {WORD}")
    ctx.store.close()
    assert any(WORD.encode() in data for data in _contents(tmp_path / "data").values())

    assert main(["delete", "--all"]) == 1  # no terminal to ask on: nothing is deleted
    assert main(["delete", "--all", "--yes"]) == 0
    assert "Deleted 3 conversations." in capsys.readouterr().err
    for path, data in _contents(tmp_path / "data").items():
        assert WORD.encode() not in data, path
    assert main(["list"]) == 0
    assert "No saved conversations" in capsys.readouterr().out


async def test_delete_one_conversation_by_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = build_context(resolve_settings(), now=fixed_now)
    keep, drop = Session.new(ctx, "en"), Session.new(ctx, "en")
    await _turn(keep, "I want to be a pilot")
    await _turn(drop, f"I want to be a {WORD}")
    ctx.store.close()
    assert drop.conversation_id is not None and keep.conversation_id is not None
    assert main(["delete", drop.conversation_id[:6], "--yes"]) == 0
    assert main(["delete", "--yes"]) == 1
    assert main(["delete", "abc", "--all"]) == 1
    assert capsys.readouterr().err.count("give a conversation id, or --all") == 2
    ctx = build_context(resolve_settings(), now=fixed_now)
    assert [c.id for c in ctx.store.list_conversations()] == [keep.conversation_id]
    ctx.store.close()
    for path, data in _contents(tmp_path / "data").items():
        assert WORD.encode() not in data, path
