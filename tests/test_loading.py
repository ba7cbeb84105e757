"""Every data file fails at load with `file:line: place: problem`: flow, activities, lessons,
safety and the interface catalogues, for a misspelled placeholder, malformed YAML or a wrong
field type. Each test edits a copy of the real file in tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coach.domain.activities import load_activities
from coach.domain.crisis import CrisisError, load_crisis
from coach.domain.flow import FlowError, load_flow
from coach.domain.lessons import load_folder
from coach.domain.loading import DataError
from coach.domain.template import render
from coach.i18n import load_catalogue

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"


def _copy(tmp_path: Path, folder: str) -> Path:
    target = tmp_path / folder
    shutil.copytree(PROMPTS / folder, target)
    return target


def _edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in the file; the 1-based line it was on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


# --- the flow -------------------------------------------------------------------------------


def test_a_misspelled_placeholder_in_a_steps_ask_fails_at_load(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "flow")
    line = _edit(folder / "flow.yaml", "If {obstacle}, then", "If {obstacel}, then")
    with pytest.raises(FlowError) as info:
        load_flow(folder)
    message = str(info.value)
    assert message.startswith(f"flow.yaml:{line}: steps[")
    assert message.endswith(".ask.en: unknown placeholder {obstacel}")


def test_a_misspelled_placeholder_in_a_message_names_its_file(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "flow")
    line = _edit(folder / "messages.yaml", "{min}", "{minimum}")
    with pytest.raises(FlowError, match=rf"^messages\.yaml:{line}: messages\.\w+\.\w+: unknown"):
        load_flow(folder)


def test_malformed_flow_yaml_fails_with_file_and_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "flow")
    line = _edit(folder / "keywords.yaml", '"no":', '"no": [')
    with pytest.raises(FlowError, match=r"^keywords\.yaml:(\d+): column \d+: ") as info:
        load_flow(folder)
    assert int(str(info.value).split(":")[1]) >= line


def test_a_wrong_field_type_in_the_flow_fails_with_file_and_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "flow")
    line = _edit(folder / "flow.yaml", "max: 7", "max: seven")
    with pytest.raises(FlowError, match=rf"^flow\.yaml:{line}: steps\[\d+\]\.max: Input should"):
        load_flow(folder)


# --- an activity ----------------------------------------------------------------------------


def _activity_notice(folder: Path) -> str:
    catalog = load_activities(folder, "mine")
    assert len(catalog.notices) == 1, catalog.notices
    return str(catalog.notices[0])


def test_a_placeholder_in_an_activity_text_fails_at_load(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "activities")
    line = _edit(folder / "dream-job.yaml", "as if you were", "as if you were {name},")
    notice = _activity_notice(folder)
    assert notice == (
        f"mine/dream-job.yaml:{line}: skipped: instructions.en: unknown placeholder {{name}}"
    )


def test_a_malformed_activity_fails_with_file_and_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "activities")
    _edit(folder / "dream-job.yaml", "paths: []", "paths: [")
    assert _activity_notice(folder).startswith("mine/dream-job.yaml:")
    assert ": skipped: column " in _activity_notice(folder)


def test_a_wrong_field_type_in_an_activity_fails_with_file_and_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "activities")
    line = _edit(folder / "dream-job.yaml", "check: {words: 40}", "check: {words: many}")
    notice = _activity_notice(folder)
    assert notice.startswith(f"mine/dream-job.yaml:{line}: skipped: rubric[0].check.words: ")


# --- a lesson's front matter ----------------------------------------------------------------


def _lesson_notice(folder: Path, text: str) -> str:
    (folder / "lesson.md").write_text(text, encoding="utf-8")
    lessons, notices = load_folder(folder, str(folder))
    assert lessons == [] and len(notices) == 1
    return str(notices[0])


def _lesson(tmp_path: Path) -> str:
    return (PROMPTS / "lessons" / "quit-customer-support.md").read_text(encoding="utf-8")


def test_malformed_front_matter_fails_with_file_and_line(tmp_path: Path) -> None:
    text = "---\nauthor: me\ntitle: [unclosed\ntags: x\n---\n" + _lesson(tmp_path)
    notice = _lesson_notice(tmp_path, text)
    assert notice.startswith(f"{tmp_path / 'lesson.md'}:4: skipped: column ")


def test_a_wrong_field_type_in_front_matter_fails_with_file_and_line(tmp_path: Path) -> None:
    text = "---\nauthor: me\ntitle: [one, two]\n---\n" + _lesson(tmp_path)
    notice = _lesson_notice(tmp_path, text)
    assert notice == f"{tmp_path / 'lesson.md'}:3: skipped: title: should be text, not a list" + (
        " or a mapping"
    )


def test_front_matter_keeps_what_blogs_write(tmp_path: Path) -> None:
    text = "---\ntitle: 2024\ndate: 2024-01-01\ntags: [a, b]\n---\n" + _lesson(tmp_path)
    (tmp_path / "lesson.md").write_text(text, encoding="utf-8")
    lessons, notices = load_folder(tmp_path, str(tmp_path))
    assert notices == [] and lessons[0].title == "2024"


# --- the safety data ------------------------------------------------------------------------


def test_a_misspelled_placeholder_in_a_crisis_reply_fails_at_load(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "safety")
    line = _edit(folder / "crisis.yaml", "call {emergency} now", "call {emergancy} now")
    with pytest.raises(CrisisError) as info:
        load_crisis(folder)
    assert str(info.value) == f"crisis.yaml:{line}: en.reply: unknown placeholder {{emergancy}}"


def test_malformed_safety_yaml_fails_with_file_and_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "safety")
    _edit(folder / "resources.yaml", "countries:", "countries: [")
    with pytest.raises(CrisisError, match=r"^resources\.yaml:\d+: column \d+: "):
        load_crisis(folder)


def test_a_wrong_field_type_in_safety_data_fails_with_file_and_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "safety")
    line = _edit(folder / "crisis.yaml", "window: 8", "window: eight")
    with pytest.raises(CrisisError, match=rf"^crisis\.yaml:{line}: en\.window: Input should"):
        load_crisis(folder)


def test_a_bad_pattern_names_its_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "safety")
    line = _edit(folder / "crisis.yaml", "'\\bkms\\b'", "'\\bkms(\\b'")
    with pytest.raises(CrisisError, match=rf"^crisis\.yaml:{line}: en\.patterns: bad pattern"):
        load_crisis(folder)


# --- the interface catalogues ---------------------------------------------------------------


def test_a_misspelled_placeholder_in_a_catalogue_fails_at_load(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "ui")
    line = _edit(folder / "ru.yaml", "{days}", "{dayz}")
    with pytest.raises(DataError, match=rf"^ru\.yaml:{line}: checkin_summary: unknown"):
        load_catalogue(folder / "ru.yaml")


def test_a_wrong_type_in_a_catalogue_fails_with_file_and_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "ui")
    line = _edit(folder / "en.yaml", "cancel: Cancel", "cancel: [Cancel]")
    with pytest.raises(DataError, match=rf"^en\.yaml:{line}: cancel: Input should be"):
        load_catalogue(folder / "en.yaml")


# --- the renderer ---------------------------------------------------------------------------


def test_render_fills_known_names_and_keeps_other_braces() -> None:
    assert render("{n} of {{x}} {0,20} {gone}", {"n": 3}) == "3 of {x} {0,20} "
    assert render("{who}: {who}", {"who": "{n}"}) == "{n}: {n}"  # values are not re-read


def test_a_misspelled_placeholder_in_a_model_prompt_fails_at_load(tmp_path: Path) -> None:
    from coach.engines.prompting import Prompts

    folder = _copy(tmp_path, "llm")
    line = _edit(folder / "state.md", "{position}", "{postion}")
    with pytest.raises(DataError, match=rf"^state\.md:{line}: text: unknown placeholder"):
        Prompts(folder)
