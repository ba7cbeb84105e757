"""The flow data: the shipped files are valid and grounded; malformed files say where."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coach.domain.flow import Flow, FlowError, load_flow

FLOW_DIR = Path(__file__).resolve().parents[1] / "prompts" / "flow"


def test_every_path_quote_is_really_in_its_lesson(flow: Flow, lessons) -> None:  # type: ignore[no-untyped-def]
    for path in flow.paths:
        lesson = lessons.get(path.lesson)
        assert lesson is not None, f"path {path.id} cites missing lesson {path.lesson}"
        assert path.quote in " ".join(lesson.body.split()), f"{path.id}: quote not in lesson"


def test_the_four_questions_to_consider_are_asked_and_open_paths(flow: Flow) -> None:
    opened = {s.id: s.opens_path for s in flow.steps if s.lesson == "dream-job-stepping-stone"}
    assert opened == {
        "q_diploma": "tuition",
        "q_courses": "courses",
        "q_business": "capital",
        "q_passion": "hobby",
    }


def test_the_extra_branches_come_from_the_other_lessons(flow: Flow) -> None:
    assert flow.step("line").opens_path == "get_hired"
    assert flow.path("get_hired").lesson == "call-center-operator-pitfalls-ru"
    assert flow.step("burnt_out").opens_path == "escape_plan"
    assert flow.path("escape_plan").lesson == "quit-customer-support"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "flow"
    shutil.copytree(FLOW_DIR, target)
    return target


def test_yaml_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    text = (folder / "flow.yaml").read_text().replace("kind: text", "kind: [text", 1)
    (folder / "flow.yaml").write_text(text)
    with pytest.raises(FlowError, match=r"^flow\.yaml:\d+: column \d+: "):
        load_flow(folder)


def test_missing_translation_names_file_line_and_place(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    lines = (folder / "flow.yaml").read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if "Начнём с цели" in line)
    del lines[index]
    (folder / "flow.yaml").write_text("\n".join(lines))
    with pytest.raises(FlowError) as info:
        load_flow(folder)
    assert str(info.value).startswith(f"flow.yaml:{index}: steps[0].ask: missing language ru")


def test_unknown_placeholder_in_messages_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    text = (folder / "messages.yaml").read_text().replace("{min}", "{minimum}", 1)
    (folder / "messages.yaml").write_text(text)
    with pytest.raises(FlowError, match=r"unknown placeholder \{minimum\}"):
        load_flow(folder)


def test_unknown_path_reference_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    text = (folder / "flow.yaml").read_text().replace("opens_path: tuition", "opens_path: nope")
    (folder / "flow.yaml").write_text(text)
    with pytest.raises(FlowError, match="opens unknown path 'nope'"):
        load_flow(folder)


def test_missing_keywords_file_is_named(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "keywords.yaml").unlink()
    with pytest.raises(FlowError, match=r"^keywords\.yaml: cannot be read"):
        load_flow(folder)


def test_keywords_need_both_languages(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    lines = (folder / "keywords.yaml").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith('"no":'))
    ru = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("ru:"))
    end = ru + 1
    while end < len(lines) and lines[end].startswith("       "):
        end += 1
    del lines[ru:end]
    (folder / "keywords.yaml").write_text("\n".join(lines))
    with pytest.raises(FlowError, match=r"keywords\.yaml:\d+: keywords\.no: missing language ru"):
        load_flow(folder)


def test_yes_and_no_stay_words_in_flow_files(tmp_path: Path) -> None:
    """YAML 1.1 would turn an unquoted `yes:` key into True; authors must not meet that trap."""
    folder = _copy(tmp_path)
    text = (folder / "keywords.yaml").read_text()
    (folder / "keywords.yaml").write_text(text.replace('"yes":', "yes:").replace('"no":', "no:"))
    assert "yes" in load_flow(folder).keywords.yes.root["en"]
