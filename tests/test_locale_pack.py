"""A third language added from data alone: the test-only pack tests/data/locale_xx ("Testish").

The pack is a folder laid out like prompts/ (a locale file, a catalogue, flow texts) pointed
at with COACH_CONTENT; no code names its language. Its words (number words "zif", "kilz",
the day "zomoro") exist in no code file, so reading them proves the pack was read.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.bootstrap import build_context, load_content
from coach.domain.flow import FlowError
from coach.domain.locale import activate, discover, next_language
from coach.domain.numbers import period
from coach.domain.text import detect_language
from coach.session import Session
from coach.settings import SettingsError, resolve_settings
from tests.conftest import fixed_now
from tests.scenarios import ENGLISH_ANSWERS, play_session

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "tests" / "data" / "locale_xx"
# The English script, with what only Testish says: its number words, its "tomorrow", its yes.
TESTISH_ANSWERS = {
    **ENGLISH_ANSWERS,
    "in_call_center": "zyes",
    "monthly_saving": "zif kilz a month",
    "step_date": "zomoro",
}


@pytest.fixture(autouse=True)
def _shipped_languages_afterwards() -> Iterator[None]:
    """The registry is process-wide: the next test gets the shipped languages back."""
    yield
    activate(discover())


def _pack_env(tmp_path: Path, pack: Path = PACK) -> dict[str, str]:
    return {
        "COACH_DATA_DIR": str(tmp_path / "data"),
        "COACH_CONFIG": str(tmp_path / "none.toml"),
        "COACH_CONTENT": str(pack),
        "PYTHONPATH": str(ROOT),
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "PATH": "/usr/bin:/bin",
    }


async def test_a_whole_offline_session_runs_in_a_language_added_as_data(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COACH_CONTENT", str(PACK))
    ctx = build_context(resolve_settings(language="xx"), now=fixed_now)
    session = Session.new(ctx, "xx")
    sent = await play_session(session, TESTISH_ANSWERS)
    ctx.store.close()
    said = [m.content for m in session.messages if m.role == "assistant"]
    assert said[0].startswith("Zhello, I'm **coach**")  # the pack's own opening
    assert "Zwhat is your dream job?" in said[0]
    state = session.state
    assert state.language == "xx" and state.plan is not None  # English answers kept it Testish
    assert state.answers["monthly_saving"].number == 5000  # "zif kilz": the pack's number words
    card = said[-1]
    assert "### Zyour plan" in card
    # 21 Nov 2026 is a Saturday: "zomoro" is Sunday the 22nd, written the pack's way.
    assert "(zby 22/Novx/2026 (Sux))" in card
    assert "120'000 ÷ 5'000 zper month = zabout 24 months" in card
    assert "Path:" in card  # what the pack does not translate comes from its fallback, English

    # The same conversation through the command line, as a user runs it: plain mode, export.
    env = _pack_env(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "coach", "--plain", "--lang", "xx"],
        input="".join(f"{line}\n" for line in sent),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Zhello, I'm coach")
    assert "120'000 ÷ 5'000 zper month = zabout 24 months" in run.stdout
    export = subprocess.run(
        [sys.executable, "-m", "coach", "export", "--format", "md"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert export.returncode == 0, export.stderr
    assert "**Zyou:**" in export.stdout and "**Zcoach:**" in export.stdout  # its catalogue
    assert "### Zyour plan" in export.stdout


def test_without_the_pack_its_language_is_a_usage_error(tmp_path: Path) -> None:
    env = {**_pack_env(tmp_path), "COACH_CONTENT": ""}
    run = subprocess.run(
        [sys.executable, "-m", "coach", "--plain", "--lang", "xx"],
        input="",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert run.returncode == 2
    assert "unknown language 'xx'; known: en, ru" in run.stderr


def _complete_copy(tmp_path: Path) -> Path:
    """The pack without its fallback, and with a whole catalogue: it must translate it all."""
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    locale_file = pack / "locales" / "xx.yaml"
    locale_file.write_text(locale_file.read_text().replace("fallback: en\n", ""))
    shutil.copy(ROOT / "prompts" / "ui" / "en.yaml", pack / "ui" / "xx.yaml")
    return pack


def test_a_text_missing_the_language_fails_at_load_with_file_line_and_place(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COACH_CONTENT", str(_complete_copy(tmp_path)))
    flow_lines = (ROOT / "prompts" / "flow" / "flow.yaml").read_text().splitlines()
    line = next(i for i, text in enumerate(flow_lines, 1) if "title: {en: Opening" in text)
    with pytest.raises(FlowError) as info:
        load_content(resolve_settings(language="xx"))
    first = str(info.value).splitlines()[0]
    assert first == f"flow.yaml:{line}: phases[0].title: missing language xx (Testish)"


def test_a_catalogue_missing_keys_fails_at_start_naming_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pack = _complete_copy(tmp_path)
    shutil.copy(PACK / "ui" / "xx.yaml", pack / "ui" / "xx.yaml")  # four keys, no fallback
    monkeypatch.setenv("COACH_CONTENT", str(pack))
    with pytest.raises(SettingsError, match=r"ui/xx\.yaml: missing \w+, .* and \d+ more"):
        resolve_settings()


def test_the_pack_language_is_kept_while_its_user_writes_its_letters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COACH_CONTENT", str(PACK))
    activate(resolve_settings().locales())
    # Testish shares English's letters: a Testish conversation stays Testish, an English one
    # English; Cyrillic is Russian whatever the conversation was.
    assert detect_language("I want to be a nurse", default="xx") == "xx"
    assert detect_language("I want to be a nurse", default="en") == "en"
    assert detect_language("I want to be a nurse", default="ru") == "en"
    assert detect_language("Хочу стать медсестрой", default="xx") == "ru"
    assert detect_language("ok", default="xx") == "xx"  # too short to tell
    assert period("zif kilz a month") == "month" and next_language("ru") == "xx"
