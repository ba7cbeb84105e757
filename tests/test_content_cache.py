"""The validated content kept between starts (issue 16): used while no data file changed,
never in place of validating a file an author just edited, and ignored when damaged."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from coach import bootstrap
from coach.bootstrap import load_care, load_content
from coach.cli import main
from coach.domain.flow import FlowError
from coach.domain.lessons import LessonLibrary
from coach.settings import Settings, resolve_settings

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"


@pytest.fixture
def flow_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped flow an author is editing, and a cache of this test's own."""
    target = tmp_path / "flow"
    shutil.copytree(PROMPTS / "flow", target)
    monkeypatch.setenv("COACH_FLOW_DIR", str(target))
    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path / "cache"))
    return target


def _settings() -> Settings:
    return resolve_settings()


def _no_loading(*_: object) -> None:
    pytest.fail("the data files were read and validated again")


def test_an_unchanged_flow_is_not_validated_again(
    flow_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, lessons = load_content(_settings())
    monkeypatch.setattr(bootstrap, "load_flow", _no_loading)
    monkeypatch.setattr(bootstrap, "load_library", _no_loading)
    again, lessons_again = load_content(_settings())
    assert again == first
    assert list(lessons_again.lessons) == list(lessons.lessons)


def test_an_edited_flow_is_validated_and_its_error_shown(
    flow_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    load_content(_settings())  # kept in the cache
    flow_yaml = flow_dir / "flow.yaml"
    flow_yaml.write_text(flow_yaml.read_text().replace("max: 7", "max: seven", 1))
    with pytest.raises(FlowError, match=r"^flow\.yaml:\d+: steps\[\d+\]\.max: Input should"):
        load_content(_settings())
    monkeypatch.setattr("coach.ui.factory.build_app", lambda *a: pytest.fail("app started"))
    assert main([]) == 1
    assert "flow.yaml:" in capsys.readouterr().err


def test_an_edited_flow_is_the_one_used(flow_dir: Path) -> None:
    load_content(_settings())
    messages = flow_dir / "messages.yaml"
    text = messages.read_text()
    messages.write_text(text.replace("Hi, I'm **coach**", "Hello, I'm **coach**", 1))
    flow, _ = load_content(_settings())
    assert flow.text("opening", "en").startswith("Hello, I'm **coach**")
    assert flow == bootstrap.load_flow(flow_dir)  # what a start without any cache reads


DAMAGE = {
    "empty": lambda data: b"",
    "not a pickle": lambda data: b"not a pickle",
    "cut short": lambda data: data[: len(data) // 2],  # the right key, half a pickle
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_cache_is_ignored_and_rewritten(
    flow_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    fresh, _ = load_content(_settings())
    cached = tmp_path / "cache" / "content.pickle"
    cached.write_bytes(DAMAGE[damage](cached.read_bytes()))
    flow, _ = load_content(_settings())
    assert flow == fresh
    monkeypatch.setattr(bootstrap, "load_flow", _no_loading)  # rewritten whole, so used now
    assert load_content(_settings())[0] == fresh


def test_an_unwritable_cache_folder_only_costs_the_validation(
    flow_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("")
    monkeypatch.setenv("COACH_CACHE_DIR", str(blocker / "cache"))
    first, _ = load_content(_settings())
    assert load_content(_settings())[0] == first


def test_cached_crisis_care_still_catches_a_crisis(flow_dir: Path) -> None:
    load_care(_settings())  # validated and kept, its patterns as text
    care = load_care(_settings())  # from the cache: compiled again on first use
    assert care.crisis.hit("i want to kill myself") == "person"
    assert care.crisis.hit("my dream job is nursing") == "none"


def test_a_folder_counts_for_what_it_is_given_as(
    flow_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages = flow_dir / "messages.yaml"
    messages.write_text(messages.read_text().replace("Hi, I'm", "Hello, I'm", 1))
    flow, _ = load_content(_settings())
    assert flow.text("opening", "en").startswith("Hello")
    monkeypatch.delenv("COACH_FLOW_DIR")
    monkeypatch.setenv("COACH_LESSONS", str(flow_dir))  # the same files, now as lessons
    shipped, _ = load_content(_settings())
    assert shipped.text("opening", "en").startswith("Hi")


def test_lessons_check_validates_every_file_even_when_cached(
    flow_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_content(_settings())  # kept in the cache
    read: list[object] = []
    real = bootstrap.load_library

    def reading(*args: Any) -> LessonLibrary:
        read.append(args)
        return real(*args)

    monkeypatch.setattr(bootstrap, "load_library", reading)
    assert main(["lessons", "--check"]) == 0
    assert read  # read from the files, not the cache
