"""Hostile lesson folders: symlink loops, a FIFO, /dev/zero, a YAML alias bomb. Nothing hangs,
nothing crashes; each bad file is one notice and the good lessons still load."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coach.domain.files import UnreadableFile, read_limited, walk
from coach.domain.lessons import load_folder
from tests.processes import coach_env

ROOT = Path(__file__).resolve().parents[1]
BOMB = """---
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
title: *h
---
# Boom
"""


def hostile_folder(root: Path) -> Path:
    """Every trap the tester found, next to one good lesson."""
    folder = root / "lessons"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.md").write_text("# Save first\n\nSave, then study.\n", encoding="utf-8")
    (folder / "sub" / "up").symlink_to("..")  # a folder loop: sub/up/sub/up/...
    (folder / "loop-a").symlink_to("loop-b")  # two links pointing at each other
    (folder / "loop-b").symlink_to("loop-a")
    (folder / "self.md").symlink_to("self.md")
    os.mkfifo(folder / "x.md")
    (folder / "zero.md").symlink_to("/dev/zero")
    (folder / "bomb.md").write_text(BOMB, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "args",
    [("--plain", "--lessons"), ("lessons", "--lessons"), ("lessons", "--check")],
    ids=["coach", "lessons", "check"],
)
def test_a_hostile_folder_neither_hangs_nor_crashes(tmp_path: Path, args: tuple[str, ...]) -> None:
    folder = hostile_folder(tmp_path)
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "coach", *args, str(folder)],
        input=b"",
        capture_output=True,
        env=coach_env(tmp_path),
        timeout=60,
    )
    assert time.monotonic() - started < 30
    text = (result.stdout + result.stderr).decode()
    assert "Traceback" not in text and "unexpected error" not in text, text
    assert result.returncode == (1 if "--check" in args else 0), text
    assert "x.md: skipped: is a FIFO (named pipe), not a regular file" in text
    assert "zero.md: skipped: is a device, not a regular file" in text
    assert re.search(r"bomb\.md:\d+: skipped: column \d+: aliases", text)
    assert "aliases (*name) are not allowed" in text
    if args[0] == "lessons" and args[1] == "--lessons":
        assert "Save first" in result.stdout.decode()


def test_the_walk_visits_each_folder_once(tmp_path: Path) -> None:
    folder = hostile_folder(tmp_path)
    names = [e.name for e in walk(folder, lambda n: n.endswith(".md"))]
    assert names == ["bomb.md", "good.md", "self.md", "x.md", "zero.md"]


def test_read_limited_refuses_what_is_not_a_small_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    big = tmp_path / "big"
    with big.open("wb") as handle:
        handle.truncate(50_000_000)
    for path, reason in [
        (fifo, "is a FIFO (named pipe), not a regular file"),
        (Path("/dev/zero"), "is a device, not a regular file"),
        (tmp_path, "is a directory, not a regular file"),
        (big, "is larger than 1 MB (50 MB)"),
        (tmp_path / "none", "cannot be read (No such file or directory)"),
    ]:
        with pytest.raises(UnreadableFile, match=reason.replace("(", r"\(").replace(")", r"\)")):
            read_limited(path, 1_000_000)
    (tmp_path / "ok").write_bytes(b"x" * 10)
    assert read_limited(tmp_path / "ok", 10) == b"x" * 10


def test_an_alias_bomb_is_refused_quickly_in_process(tmp_path: Path) -> None:
    folder = tmp_path / "bombs"
    folder.mkdir()
    (folder / "bomb.md").write_text(BOMB, encoding="utf-8")
    started = time.monotonic()
    lessons, notices = load_folder(folder, str(folder))
    assert time.monotonic() - started < 2
    assert lessons == [] and len(notices) == 1
    assert "bomb.md:3: skipped: column 8: aliases (*name) are not allowed here" in str(notices[0])


def test_an_activity_folder_with_a_fifo_and_an_alias_is_reported(tmp_path: Path) -> None:
    from coach.domain.activities import load_activities

    folder = tmp_path / "activities"
    folder.mkdir()
    os.mkfifo(folder / "pipe.yaml")
    (folder / "alias.yaml").write_text("id: &x a\ntitle: *x\n", encoding="utf-8")
    catalog = load_activities(folder, str(folder))
    messages = sorted(str(n) for n in catalog.notices)
    assert len(messages) == 2
    assert "alias.yaml" in messages[0] and "aliases" in messages[0]
    assert "pipe.yaml: skipped: is a FIFO" in messages[1]
