"""Plain mode: the whole coaching session as lines on stdin and a transcript on stdout."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from coach.cli import main
from tests.conftest import llm_settings
from tests.fake_openai import FakeOpenAI, Script
from tests.scenarios import ENGLISH_ANSWERS, RUSSIAN_ANSWERS, lines

ROOT = Path(__file__).resolve().parents[1]


def run_plain(monkeypatch: pytest.MonkeyPatch, lines: list[str], *args: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    return main(["--plain", *args])


def test_a_whole_session_piped_through_plain_mode_ends_with_the_plan(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_plain(monkeypatch, lines(ENGLISH_ANSWERS)) == 0
    out = capsys.readouterr().out
    assert out.startswith("Hi, I'm coach")
    assert "> I want to be a nurse" in out  # piped input is echoed into the transcript
    tail = out.rstrip().splitlines()[-12:]
    assert any("120,000 ÷ 5,000 a month = about 24 months" in line for line in tail)
    assert "**" not in out and "`" not in out  # Markdown markers are not read out


def test_russian_and_resume_in_plain_mode(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_plain(monkeypatch, lines(RUSSIAN_ANSWERS, until="in_call_center")) == 0
    first = capsys.readouterr().out
    assert "Почему это важно" in first or "почему" in first.lower()
    rest = lines(RUSSIAN_ANSWERS, since="in_call_center")
    assert run_plain(monkeypatch, rest, "--resume") == 0
    out = capsys.readouterr().out
    assert "Ваш план" in out


def test_plain_mode_starts_by_itself_when_stdout_is_not_a_terminal(tmp_path: Path) -> None:
    env = {
        "COACH_DATA_DIR": str(tmp_path / "data"),
        "COACH_CONFIG": str(tmp_path / "none.toml"),
        "PYTHONPATH": str(ROOT),
        "LANG": "C.UTF-8",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-m", "coach"],
        input="I want to be a nurse\n/quit\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "What is your dream job" in result.stdout and "> I want to be a nurse" in result.stdout
    assert "\x1b[" not in result.stdout  # no full-screen escape codes


def test_plain_mode_streams_a_model_and_reports_a_fault_in_one_line(
    server: FakeOpenAI,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    config = Path(str(llm_settings(server.base_url).config_path))
    config.write_text("max_retries = 0\n", encoding="utf-8")
    server.add(Script(text="Why a nurse?", chunk_chars=3), Script(fault="503"))
    server.add(Script(text="Still here."))
    assert run_plain(monkeypatch, ["a nurse", "to help", "to help"]) == 0
    captured = capsys.readouterr()
    assert "Why a nurse?" in captured.out and "Still here." in captured.out
    assert captured.err.strip().splitlines() == [
        "coach: The model server had an error (503): fault 503. Send your message again to retry."
    ]


def test_a_dumb_terminal_gets_plain_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    from coach.cli import _plain_wanted

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Tty())
    monkeypatch.setenv("TERM", "xterm-256color")
    assert not _plain_wanted(False) and _plain_wanted(True)
    monkeypatch.setenv("TERM", "dumb")
    assert _plain_wanted(False)


def test_an_activity_is_written_and_skipped_in_plain_mode(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """/write reads lines up to a lone dot, saves them, and prints the checklist feedback;
    /write with an unknown id lists the ids; /skip with nothing on offer says so."""
    typed = [
        *lines(ENGLISH_ANSWERS, until="first_step"),  # the tuition path chosen
        "/write",
        "I need 120,000 pesos.",
        "I will save 5,000 a month.",
        ".",
        "/write no-such-activity",
        "/skip",
        *lines(ENGLISH_ANSWERS, since="first_step", until="step_date"),
    ]
    assert run_plain(monkeypatch, typed) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "End with a line that has only a dot" in out
    assert "Saved Your savings plan in numbers, version 1." in out
    assert "What is missing" in out and "✗ where the money will sit" in out
    assert "- three-skills: Three skills the call center gives you" in out
    assert "There is no activity with that id" in captured.err
    assert "nothing to skip" in captured.err
    assert "Which day will you do it?" in out  # the coaching went on after the writing
