"""The opening cache (coach/opening_cache.py): which starts may be drawn from it, what keys it,
when a kept screen is stale, and that no secret is written to it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coach import opening_cache, start
from coach.opening_cache import (
    KEPT,
    Opening,
    Part,
    Slot,
    quick_start_wanted,
    read,
    slot_for,
    stamp,
    wanted,
    write,
)
from coach.session import Context
from coach.settings import Settings

OPENING = Opening(
    language="en",
    badge=Part("mode-badge", "", "OFFLINE GUIDED MODE"),
    messages=(
        Part("", "coach message", "Hi, I'm coach.\n\nWhat is your dream job?", ((9, 14, "bold"),)),
    ),
    side=(Part("progress-title", "panel-title", "Progress"),),
    placeholder="Type your answer.",
    keys=Part("opening-keys", "", " ^q  Quit", ((0, 4, "bold reverse"),)),
)


def keep(slot: Slot, data_dir: Path, watched: list[str]) -> None:
    """What a start does about a second in: keep its screen, with the files as it read them."""
    write(slot, OPENING, data_dir, watched, stamp(watched))


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
    monkeypatch.setattr(os, "isatty", lambda fd: fd != 2)  # the app draws on stderr
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
    keep(slot, tmp_path / "db", [str(config), str(data)])
    assert read(slot) == (OPENING, tmp_path / "db")

    (data / "flow" / "flow.yaml").write_text("steps: [one]\n")  # an author's edit
    assert read(slot) is None
    keep(slot, tmp_path / "db", [str(config), str(data)])
    assert read(slot) is not None
    config.write_text("language = 'ru'\n")  # a config file where there was none
    assert read(slot) is None
    keep(slot, tmp_path / "db", [str(config), str(data)])
    (data / "flow" / "new.yaml").write_text("")  # a file added
    assert read(slot) is None


def test_the_database_folder_of_this_start_wins_over_the_kept_one(tmp_path: Path) -> None:
    env = {"COACH_CACHE_DIR": str(tmp_path / "cache")}
    keep(slot_for([], env), tmp_path / "kept", [str(tmp_path / "data")])
    found = read(slot_for([], {**env, "COACH_DATA_DIR": str(tmp_path / "now")}))
    assert found is not None
    assert found[1] == tmp_path / "now"


def test_a_damaged_or_foreign_opening_is_ignored(tmp_path: Path) -> None:
    slot = slot_for([], {"COACH_CACHE_DIR": str(tmp_path)})
    keep(slot, tmp_path, [str(tmp_path / "nothing")])
    record = json.loads(slot.path.read_text())
    for damaged in (
        b"\x00garbage",
        b"[]",
        json.dumps({**record, "key": "0" * 64}).encode(),
        json.dumps({**record, "opening": {**record["opening"], "side": "x"}}).encode(),
        json.dumps({**record, "opening": {**record["opening"], "badge": {"id": 1}}}).encode(),
        json.dumps({**record, "opening": {**record["opening"], "keys": "^q Quit"}}).encode(),
    ):
        slot.path.write_bytes(damaged)
        assert read(slot) is None


def test_no_secret_reaches_the_cache_nor_the_hash_it_is_found_by(tmp_path: Path) -> None:
    env = {
        "COACH_CACHE_DIR": str(tmp_path),
        "OPENAI_API_KEY": "sk-do-not-store-4711",
        "COACH_PROXY_AUTH": "basic do-not-store-4712",
        "OPENAI_BASE_URL": "https://me:do-not-store-4713@llm.example/v1",
    }
    hashed = wanted([], env)  # what the key is a hash of
    assert "do-not-store" not in hashed
    assert "llm.example/v1" in hashed  # the URL still counts, its password does not
    keep(slot_for([], env), tmp_path, [str(tmp_path / "nothing")])
    for path in tmp_path.iterdir():
        assert b"do-not-store" not in path.read_bytes()


def test_where_settings_look_for_the_config_counts(tmp_path: Path) -> None:
    base = {"COACH_CACHE_DIR": str(tmp_path), "HOME": "/home/a"}
    assert slot_for([], base).key != slot_for([], {**base, "HOME": "/home/b"}).key
    other = {**base, "XDG_CONFIG_HOME": "/elsewhere"}
    assert slot_for([], base).key != slot_for([], other).key


def test_only_the_latest_ways_of_starting_are_kept(tmp_path: Path) -> None:
    for n in range(KEPT + 3):
        slot = slot_for(["--model", f"m{n}"], {"COACH_CACHE_DIR": str(tmp_path)})
        keep(slot, tmp_path, [str(tmp_path / "nothing")])
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
    keep(slot_for([], os.environ), tmp_path, [str(tmp_path / "nothing")])
    assert start._from_opening(["list"]) is None
    assert start._from_opening([]) == 0
    assert drawn == [OPENING]


def test_the_quick_start_draws_without_the_domain_pydantic_yaml_or_markdown() -> None:
    """What the first frame is drawn with (the point of issue 16): Textual and little else."""
    code = (
        "import sys\n"
        "import coach.start, coach.opening_cache, coach.ui.factory, coach.ui.screens.opening\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('pydantic', 'yaml', 'markdown_it', 'numpy', 'openai', 'tiktoken')"
        " or m.startswith(('coach.domain', 'coach.session', 'coach.store.db', 'coach.settings')))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # Only the domain's file reader (os and stat), which reads the theme's ui.json.
    assert set(done.stdout.split()) <= {"coach.domain", "coach.domain.files"}


def test_an_unknown_theme_or_a_damaged_style_means_the_ordinary_start(tmp_path: Path) -> None:
    from dataclasses import replace

    from coach.ui.factory import run_from_opening

    def prepare() -> tuple[Settings, Context]:
        raise AssertionError("not loaded: the ordinary start runs instead")

    slot = slot_for([], {"COACH_CACHE_DIR": str(tmp_path)})
    (tmp_path / "ui.json").write_text('{"theme": "nord"}')  # picked since it was kept
    assert run_from_opening(OPENING, tmp_path, prepare, slot) is None
    damaged = replace(OPENING, keys=Part("opening-keys", "", " ^q", ((0, 3, "bold ]]nonsense"),)))
    assert run_from_opening(damaged, tmp_path / "none", prepare, slot) is None


def test_a_failed_quick_start_hands_over_to_the_ordinary_one(
    tmp_path: Path, terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import coach.cli
    from coach.ui import factory

    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(sys, "argv", ["coach"])
    keep(slot_for([], os.environ), tmp_path, [str(tmp_path / "nothing")])
    monkeypatch.setattr(factory, "run_from_opening", lambda *_: None)  # its loading failed
    monkeypatch.setattr(coach.cli, "main", lambda: 7)
    assert start.main() == 7
