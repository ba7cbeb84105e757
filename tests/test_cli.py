"""The command line: every command, and one-line errors with non-zero exits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coach import __version__
from coach.cli import main
from coach.session import Context, Session
from tests.scenarios import ENGLISH_ANSWERS, play_session


def coach(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


async def _saved_session(ctx: Context) -> tuple[str, list[str]]:
    """A whole English session, saved: its id and what the user typed."""
    session = Session.new(ctx, "en")
    sent = await play_session(session, ENGLISH_ANSWERS)
    assert session.conversation_id is not None
    return session.conversation_id, sent


def test_python_m_coach_version() -> None:
    result = coach("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"coach {__version__}"


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for word in ("--resume", "list", "export", "lessons", "--lessons"):
        assert word in out


@pytest.mark.parametrize(
    "args",
    [["--bogus"], ["export", "--format", "pdf"], ["frobnicate"], ["--lang", "fr"]],
)
def test_bad_arguments_are_one_line_and_exit_2(args: list[str]) -> None:
    result = coach(*args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_unknown_ids_are_one_line_and_non_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "nope"]) == 1
    assert main(["--resume", "nope"]) == 1
    assert main(["--resume"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "coach: no conversation with id 'nope'; `coach list` shows them",
        "coach: no conversation with id 'nope'; `coach list` shows them",
        "coach: no saved conversations yet; run `coach` to start one",
    ]


def test_list_when_empty_and_after_a_session(
    ctx: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list"]) == 0
    assert "No saved conversations yet" in capsys.readouterr().out


async def test_list_and_export_a_finished_session(
    ctx: Context, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cid, sent = await _saved_session(ctx)
    assert main(["list"]) == 0
    listing = capsys.readouterr().out
    assert cid in listing and "summary" in listing and "nurse" in listing

    assert main(["export", cid[:5]]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("# nurse · Save from the call-center pay")
    assert "- **First step:** just open the school's website and write down the fee" in markdown
    assert "120,000 ÷ 5,000 a month = about 24 months" in markdown
    assert "**You:** I want to help people and earn more for my family" in markdown

    target = tmp_path / "out.json"
    assert main(["export", "--format", "json", "-o", str(target)]) == 0
    data = json.loads(target.read_text())
    assert data["format"] == "coach-conversation" and data["conversation"]["id"] == cid
    assert data["state"]["plan"]["months"] == 24
    assert len(data["messages"]) == 2 * len(sent) + 1  # the opening, then turn by turn
    assert oct(target.stat().st_mode & 0o777) == "0o600"


def test_lessons_lists_the_shipped_lessons(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lessons"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["ID", "LANG", "WORDS", "SECTIONS", "QUESTIONS", "TITLE"]
    row = next(line for line in out if line.startswith("dream-job-stepping-stone"))
    assert row.split()[1:5] == ["en", "585", "1", "4"]
    assert any(line.startswith("call-center-operator-pitfalls-ru  ru") for line in out)


def test_lessons_with_an_extra_folder_and_an_override(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "night-shifts.md").write_text("# Night shifts\n\nSleep.\n")
    (tmp_path / "dream-job-stepping-stone.md").write_text("# Mine\n")
    assert main(["lessons", "--lessons", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "night-shifts" in captured.out and "Mine" in captured.out
    assert "replaces lesson 'dream-job-stepping-stone' from built-in" in captured.err


def test_lessons_check_passes_a_good_folder_and_fails_a_bad_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.md").write_text("---\ntitle: A\n---\n## Questions to Consider\n\nWhy?\n\nBecause.\n")
    assert main(["lessons", "--check", str(good)]) == 0
    assert "1 questions to consider" in capsys.readouterr().out
    (good / "b.md").write_bytes(b"\xff\xfe")
    assert main(["lessons", "--check", str(good)]) == 1
    out = capsys.readouterr().out
    assert "b.md: skipped: not valid UTF-8" in out and "1 lessons ok, 1 with errors" in out
    assert main(["lessons", "--check", str(tmp_path / "missing")]) == 1


def test_lessons_from_the_environment_and_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env_dir, config_dir = tmp_path / "env", tmp_path / "conf"
    env_dir.mkdir()
    config_dir.mkdir()
    (env_dir / "from-env.md").write_text("# From env\n")
    (config_dir / "from-config.md").write_text("# From config\n")
    monkeypatch.setenv("COACH_LESSONS", str(env_dir))
    (tmp_path / "config.toml").write_text(f'lessons = ["{config_dir}"]\n')
    assert main(["lessons"]) == 0
    out = capsys.readouterr().out
    assert "from-env" in out and "from-config" in out


def test_a_bad_config_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "config.toml").write_text("lessons = 5\nlangauge = 'ru'\n")
    assert main(["list"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "config.toml" in err


def test_a_malformed_flow_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    flow_dir = tmp_path / "flow"
    flow_dir.mkdir()
    (flow_dir / "flow.yaml").write_text("phases: [\n")
    monkeypatch.setenv("COACH_FLOW_DIR", str(flow_dir))
    monkeypatch.setattr("coach.ui.factory.build_app", lambda *a: pytest.fail("app started"))
    assert main([]) == 1
    assert "flow.yaml:2: column 1: " in capsys.readouterr().err
