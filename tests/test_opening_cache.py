"""The opening cache (coach/opening_cache.py): which starts may be drawn from it, what keys it,
when a kept screen is stale, and that no secret is written to it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from coach import opening_cache, start
from coach.opening_cache import KEPT, Opening, Part, quick_start_wanted, read, slot_for, write

OPENING = Opening(
    language="en",
    badge=Part("mode-badge", "", "OFFLINE GUIDED MODE"),
    messages=(Part("", "coach message", "Hi, I'm [b]coach[/b].\n\nWhat is your dream job?"),),
    side=(Part("progress-title", "panel-title", "Progress"),),
    placeholder="Type your answer.",
    keys="[reverse] ^q [/reverse] Quit",
)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "isatty", lambda fd: True)


@pytest.mark.parametrize(
    ("argv", "wanted"),
    [
        ([], True),
        (["--lang", "ru"], True),
        (["--lang=ru"], True),
        (["--offline"], True),
        (["--base-url", "http://127.0.0.1:9/v1", "--model", "llama3"], True),
        (["--lessons", "my-lessons"], True),
        (["--resume"], False),  # the conversation's own messages: nothing kept can show them
        (["--plain"], False),
        (["list"], False),
        (["--help"], False),
        (["--version"], False),
        (["--lang"], False),  # a usage error: the ordinary start says so
        (["export", "--format", "json"], False),
    ],
)
def test_only_a_new_conversation_in_the_full_screen_app_is_drawn_from_it(
    terminal: None, argv: list[str], wanted: bool
) -> None:
    assert quick_start_wanted(argv, {"TERM": "xterm"}) is wanted


def test_not_on_a_terminal_or_a_dumb_one_or_debugging(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "isatty", lambda fd: fd != 1)
    assert not quick_start_wanted([], {"TERM": "xterm"})
    monkeypatch.setattr(os, "isatty", lambda fd: True)
    assert not quick_start_wanted([], {"TERM": "dumb"})
    assert not quick_start_wanted([], {"TERM": "xterm", "COACH_DEBUG": "1"})


def test_the_slot_follows_arguments_and_environment_not_the_database_folder(
    tmp_path: Path,
) -> None:
    base = {"COACH_CACHE_DIR": str(tmp_path), "LANG": "C.UTF-8", "COACH_DATA_DIR": "/a"}
    key = slot_for([], base).key
    assert slot_for([], {**base, "COACH_DATA_DIR": "/b"}).key == key
    assert slot_for([], {**base, "PATH": "/elsewhere"}).key == key
    assert slot_for(["--lang", "ru"], base).key != key
    assert slot_for([], {**base, "LANG": "ru_RU.UTF-8"}).key != key
    assert slot_for([], {**base, "COACH_ENCODER": "off"}).key != key
    with_key = slot_for([], {**base, "OPENAI_API_KEY": "sk-one"}).key
    assert with_key != key  # a key set means the model's screen, not the offline one
    assert slot_for([], {**base, "OPENAI_API_KEY": "sk-two"}).key == with_key
    assert slot_for([], base).folder == tmp_path


def test_a_kept_opening_is_used_until_a_file_it_was_drawn_from_changes(tmp_path: Path) -> None:
    data = tmp_path / "prompts"
    (data / "flow").mkdir(parents=True)
    (data / "flow" / "flow.yaml").write_text("steps: []\n")
    config = tmp_path / "config.toml"
    slot = slot_for([], {"COACH_CACHE_DIR": str(tmp_path / "cache")})
    write(slot, OPENING, tmp_path / "db", [str(config), str(data)])
    assert read(slot) == (OPENING, tmp_path / "db")

    (data / "flow" / "flow.yaml").write_text("steps: [one]\n")  # an author's edit
    assert read(slot) is None
    write(slot, OPENING, tmp_path / "db", [str(config), str(data)])
    assert read(slot) is not None
    config.write_text("language = 'ru'\n")  # a config file where there was none
    assert read(slot) is None
    write(slot, OPENING, tmp_path / "db", [str(config), str(data)])
    (data / "flow" / "new.yaml").write_text("")  # a file added
    assert read(slot) is None


def test_the_database_folder_of_this_start_wins_over_the_kept_one(tmp_path: Path) -> None:
    env = {"COACH_CACHE_DIR": str(tmp_path / "cache")}
    write(slot_for([], env), OPENING, tmp_path / "kept", [str(tmp_path / "data")])
    found = read(slot_for([], {**env, "COACH_DATA_DIR": str(tmp_path / "now")}))
    assert found is not None
    assert found[1] == tmp_path / "now"


def test_a_damaged_or_foreign_opening_is_ignored(tmp_path: Path) -> None:
    slot = slot_for([], {"COACH_CACHE_DIR": str(tmp_path)})
    write(slot, OPENING, tmp_path, [str(tmp_path / "nothing")])
    record = json.loads(slot.path.read_text())
    for damaged in (
        b"\x00garbage",
        b"[]",
        json.dumps({**record, "key": "0" * 64}).encode(),
        json.dumps({**record, "opening": {**record["opening"], "side": "x"}}).encode(),
        json.dumps({**record, "opening": {**record["opening"], "badge": {"id": 1}}}).encode(),
    ):
        slot.path.write_bytes(damaged)
        assert read(slot) is None


def test_no_secret_reaches_the_cache(tmp_path: Path) -> None:
    env = {"COACH_CACHE_DIR": str(tmp_path), "OPENAI_API_KEY": "sk-do-not-store-4711"}
    write(slot_for([], env), OPENING, tmp_path, [str(tmp_path / "nothing")])
    for path in tmp_path.iterdir():
        assert b"sk-do-not-store" not in path.read_bytes()


def test_only_the_latest_ways_of_starting_are_kept(tmp_path: Path) -> None:
    for n in range(KEPT + 3):
        slot = slot_for(["--model", f"m{n}"], {"COACH_CACHE_DIR": str(tmp_path)})
        write(slot, OPENING, tmp_path, [str(tmp_path / "nothing")])
        os.utime(slot.path, (n, n))
    kept = sorted(tmp_path.glob(f"{opening_cache.PREFIX}*.json"))
    assert len(kept) == KEPT
    newest = slot_for(["--model", f"m{KEPT + 2}"], {"COACH_CACHE_DIR": str(tmp_path)})
    assert newest.path in kept


def test_the_command_starts_from_a_kept_opening_and_otherwise_as_usual(
    tmp_path: Path, terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.ui import factory

    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("TERM", "xterm")
    drawn: list[Opening] = []

    def run(opening: Opening, *_: object) -> int:
        drawn.append(opening)
        return 0

    monkeypatch.setattr(factory, "run_from_opening", run)
    assert start._from_opening([]) is None  # nothing kept yet: the ordinary start
    write(slot_for([], os.environ), OPENING, tmp_path, [str(tmp_path / "nothing")])
    assert start._from_opening(["list"]) is None
    assert start._from_opening([]) == 0
    assert drawn == [OPENING]
