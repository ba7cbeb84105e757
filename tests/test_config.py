"""Model configuration: where each setting comes from, `coach config`, and the key kept hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.bootstrap import build_context
from coach.cli import main
from coach.domain.state import CoachState
from coach.settings import SettingsError, resolve_settings
from tests.conftest import fixed_now

KEY = "sk-proj-" + "Zq8" * 12 + "WXYZ"


def _config(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return {"COACH_CONFIG": str(path), "COACH_DATA_DIR": str(tmp_path / "data")}


def test_flags_beat_environment_beat_config_file(tmp_path: Path) -> None:
    env = _config(
        tmp_path,
        f'api_key = "{KEY}"\nbase_url = "http://file:1/v1"\nmodel = "gpt-4o"\ntimeout = 12\n',
    )
    from_file = resolve_settings(env)
    assert from_file.base_url == "http://file:1/v1" and from_file.model == "gpt-4o"
    assert from_file.sources["api_key"] == "config.toml" and from_file.timeout == 12
    env |= {"OPENAI_BASE_URL": "http://env:2/v1", "OPENAI_API_KEY": "sk-env"}
    from_env = resolve_settings(env)
    assert (
        from_env.base_url == "http://env:2/v1" and from_env.sources["base_url"] == "OPENAI_BASE_URL"
    )
    assert from_env.api_key is not None and from_env.api_key.get_secret_value() == "sk-env"
    flagged = resolve_settings(env, base_url="http://flag:3/v1", model="gpt-4.1-mini")
    assert flagged.base_url == "http://flag:3/v1" and flagged.sources["base_url"] == "--base-url"
    assert flagged.model == "gpt-4.1-mini" and flagged.sources["model"] == "--model"


def test_no_key_and_no_url_means_offline_and_offline_can_be_forced(tmp_path: Path) -> None:
    env = _config(tmp_path, "")
    assert build_context(resolve_settings(env), now=fixed_now).engine.name == "offline"
    with_key = env | {"OPENAI_API_KEY": KEY}
    assert build_context(resolve_settings(with_key), now=fixed_now).engine.name == "llm"
    forced = resolve_settings(with_key, offline=True)
    assert build_context(forced, now=fixed_now).engine.name == "offline"
    local = resolve_settings(env, base_url="http://127.0.0.1:11434/v1")
    assert build_context(local, now=fixed_now).engine.name == "llm"  # no key needed locally


def test_config_command_shows_sources_and_masks_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env = _config(
        tmp_path,
        f'api_key = "{KEY}"\nmodel = "llama3.1:8b"\n'
        '[models."llama3.1:8b"]\ncontext_window = 131072\nmax_output = 2048\n',
    )
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert KEY not in out and KEY[:12] not in out
    assert "…WXYZ (hidden)  (config.toml)" in out
    assert "llama3.1:8b  (config.toml)" in out
    assert "131,072 tokens  (config.toml [models])" in out
    assert "engine          language model" in out


def test_a_short_key_is_not_shown_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-q7v9")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "q7v9" not in out and "set (hidden)" in out


def test_a_bad_model_table_is_one_line(tmp_path: Path) -> None:
    env = _config(tmp_path, '[models."x"]\ncontext_window = -5\n')
    with pytest.raises(SettingsError, match=r"models\.x\.context_window"):
        resolve_settings(env)


def test_the_key_never_reaches_the_database(tmp_path: Path) -> None:
    env = _config(tmp_path, "") | {"OPENAI_API_KEY": KEY}
    settings = resolve_settings(env)
    ctx = build_context(settings, now=fixed_now)
    cid = ctx.store.create_conversation(ctx.engine.opening(CoachState()).state, ctx.engine.name)
    ctx.store.add_message(cid, "user", "hello")
    ctx.store.close()
    for path in (tmp_path / "data").rglob("*"):  # the database, its WAL, the lock files
        if path.is_file():
            assert KEY.encode() not in path.read_bytes()
    assert KEY not in repr(settings) and KEY not in str(settings)
