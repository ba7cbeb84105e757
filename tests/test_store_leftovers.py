"""Nothing stays behind and nothing is opened up: set-aside copies, folder and file modes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from coach.cli import main
from coach.domain.state import CoachState
from coach.store.db import DB_NAME
from coach.store.opening import open_store


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _one_conversation(data: Path) -> str:
    store = open_store(data)
    cid = store.create_conversation(CoachState(), "offline", title="plan")
    store.add_message(cid, "user", "my secret plan")
    store.close()
    return cid


def _copies(data: Path) -> list[Path]:
    names = ("coach.db.damaged-20261101-080000", "coach.db.damaged-20261102-080000")
    copies = [data / name for name in names]
    for copy in copies:
        copy.write_bytes(b"SQLite format 3\x00 my secret plan " * 50)
    Path(f"{copies[0]}-wal").write_bytes(b"my secret plan")
    return copies


def test_delete_all_names_and_erases_the_set_aside_copies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    _one_conversation(data)
    copies = _copies(data)
    asked: list[str] = []
    monkeypatch.setattr("coach.cli.ask", lambda q: asked.append(q) or False)
    assert main(["delete", "--all"]) == 1  # said no: nothing is touched
    assert all(copy.name in asked[0] for copy in copies)
    assert "2 set-aside copies" in asked[0]
    assert all(copy.exists() for copy in copies)
    capsys.readouterr()

    assert main(["delete", "--all", "--yes"]) == 0
    err = capsys.readouterr().err
    assert "Deleted 1 conversations." in err and "Removed 2 set-aside copies." in err
    left = sorted(p.name for p in data.iterdir() if ".damaged-" in p.name)
    assert left == []


def test_delete_all_never_follows_a_link_among_the_copies(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _one_conversation(data)
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me", encoding="utf-8")
    (data / "coach.db.damaged-20261101-080000").symlink_to(outside)
    assert main(["delete", "--all", "--yes"]) == 0
    assert outside.read_text(encoding="utf-8") == "keep me"
    assert not (data / "coach.db.damaged-20261101-080000").is_symlink()


def test_a_shared_data_folder_keeps_its_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    monkeypatch.setenv("COACH_DATA_DIR", str(shared))
    assert main(["list"]) == 0
    assert _mode(shared) == 0o1777
    assert _mode(shared / DB_NAME) == 0o600


def test_a_new_data_folder_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "new" / "data"))
    assert main(["list"]) == 0
    assert _mode(tmp_path / "new" / "data") == 0o700


def test_a_database_copied_in_with_0644_is_made_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _one_conversation(data)
    (data / DB_NAME).chmod(0o644)
    assert main(["list"]) == 0
    assert _mode(data / DB_NAME) == 0o600
    store = open_store(data)  # SQLite gives -wal and -shm the database's own mode
    store.add_message(store.list_conversations()[0].id, "user", "more")
    for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm"):
        assert _mode(data / name) == 0o600, name
    store.close()


def test_an_existing_0644_export_target_is_written_0600(tmp_path: Path) -> None:
    cid = _one_conversation(tmp_path / "data")
    for fmt in ("md", "json"):
        target = tmp_path / f"plan.{fmt}"
        target.write_text("old", encoding="utf-8")
        target.chmod(0o644)
        assert main(["export", cid, "--format", fmt, "-o", str(target)]) == 0
        assert _mode(target) == 0o600
        assert "my secret plan" in target.read_text(encoding="utf-8")
