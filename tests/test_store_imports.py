"""Crafted imports: whatever an export file says, coach stays usable and addressable."""

from __future__ import annotations

import io
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from coach.cli import main
from coach.domain.state import CoachState
from coach.store.opening import open_store


def _export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """A real export of a conversation that has just begun, as a dict to edit."""
    store = open_store(tmp_path / "data")
    cid = store.create_conversation(CoachState(phase="goal", pending="dream_job"), "offline")
    store.add_message(cid, "assistant", "What is your dream job?")
    store.close()
    out = tmp_path / "real.json"
    assert main(["export", cid, "--format", "json", "-o", str(out)]) == 0
    assert main(["delete", cid, "--yes"]) == 0
    capsys.readouterr()
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def _import(tmp_path: Path, data: dict[str, Any]) -> int:
    crafted = tmp_path / "crafted.json"
    crafted.write_text(json.dumps(data), encoding="utf-8")
    return main(["import", str(crafted)])


def _plain(monkeypatch: pytest.MonkeyPatch, text: str, *args: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    return main(["--plain", *args])


def test_an_unknown_pending_step_is_mended_on_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _export(tmp_path, capsys)
    data["state"]["pending"] = "no_such_step"
    data["state"]["chosen_path"] = "no_such_path"
    assert _import(tmp_path, data) == 0
    err = capsys.readouterr().err
    assert "step 'no_such_step'" in err and "path 'no_such_path'" in err
    cid = data["conversation"]["id"]
    assert _plain(monkeypatch, "I want to be a nurse\n", "--resume", cid) == 0
    out, err = capsys.readouterr()
    assert "StopIteration" not in out + err and "error" not in err
    store = open_store(tmp_path / "data")
    assert store.state(cid).dream_job is not None  # the turn was taken as an answer
    store.close()


def test_a_state_the_flow_no_longer_knows_is_mended_at_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(tmp_path / "data")
    state = CoachState(phase="reality", pending="a_step_an_author_removed")
    cid = store.create_conversation(state, "offline")
    store.add_message(cid, "user", "hello")
    store.close()
    for _ in range(2):  # every turn, not just the first
        assert _plain(monkeypatch, "I want to be a nurse\n", "--resume", cid) == 0
        out, err = capsys.readouterr()
        assert "StopIteration" not in out + err and "unexpected" not in err


def test_an_id_that_cannot_be_typed_gets_a_new_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _export(tmp_path, capsys)
    data["conversation"]["id"] = "--all"
    assert _import(tmp_path, data) == 0
    err = capsys.readouterr().err
    assert "its id --all cannot be typed" in err
    new = err.split("Imported ")[1].split(" ")[0]
    assert new != "--all" and not new.startswith("-")
    assert main(["export", new]) == 0
    assert main(["delete", new, "--yes"]) == 0


def test_a_whole_id_is_found_even_when_it_starts_another(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    long = store.create_conversation(CoachState(), "offline")
    store.close()
    from coach.store.db import Store

    store = Store(tmp_path / "coach.db")
    short = long[:4]
    store.database.connection.execute(
        "INSERT INTO conversations (id, created_at, updated_at, engine) VALUES (?, ?, ?, ?)",
        (short, "2026-11-21T09:30:00+00:00", "2026-11-21T09:30:00+00:00", "offline"),
    )
    assert store.resolve(short) == short
    assert store.resolve(long) == long
    store.close()


def test_a_time_still_to_come_is_brought_back_to_now(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _export(tmp_path, capsys)
    data["conversation"]["updated_at"] = "2099-01-01T00:00:00+00:00"
    data["conversation"]["created_at"] = "2099-01-01T00:00:00"  # no zone: read as UTC
    data["messages"][0]["created_at"] = "2099-01-01T00:00:00+00:00"
    assert _import(tmp_path, data) == 0
    store = open_store(tmp_path / "data")
    later = store.create_conversation(CoachState(), "offline")
    assert store.latest() == later  # the import does not stay first for 73 years
    info = store.conversation(data["conversation"]["id"])
    now = datetime.now(UTC)
    assert info.updated_at <= now and info.created_at <= now
    assert all(m.created_at <= now for m in store.messages(info.id))
    store.close()


def test_a_title_with_line_breaks_stays_one_heading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _export(tmp_path, capsys)
    data["conversation"]["title"] = "nurse\n\n# Injected heading\r\nmore"
    assert _import(tmp_path, data) == 0
    capsys.readouterr()
    assert main(["export", data["conversation"]["id"]]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("# nurse") and "more" in out.splitlines()[0]
    assert "\n# Injected" not in out


_VERSION = {
    "activity_id": "savings-plan",
    "version": 1,
    "status": "done",
    "text": "120,000 pesos",
    "feedback": None,
    "created_at": "2026-01-01T00:00:00+00:00",
}


@pytest.mark.parametrize(
    ("field", "value", "place"),
    [
        ("conversation", {"id": "a b"}, "conversation.id"),
        ("conversation", {"colour": "red"}, "conversation.colour"),
        ("message", {"status": "bogus"}, "messages.0.status"),
        ("message", {"role": "system"}, "messages.0.role"),
        ("activity", {"status": "maybe"}, "activities.0.status"),
        ("activity", {"feedback": "well done"}, "activities.0.feedback"),
        ("activity", {"version": -1}, "activities.0.version"),
        ("read", {"how": "skimmed"}, "lessons_read.0.how"),
    ],
)
def test_a_record_the_store_could_not_hold_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, value: Any, place: str
) -> None:
    """The export is read with the store's own record models, and their limits hold."""
    data = _export(tmp_path, capsys)
    data["activities"] = [dict(_VERSION)]
    data["lessons_read"] = [{"lesson_id": "x", "how": "cited", "at": _VERSION["created_at"]}]
    record = {
        "conversation": data["conversation"],
        "message": data["messages"][0],
        "activity": data["activities"][0],
        "read": data["lessons_read"][0],
    }[field]
    record.update(value)
    assert _import(tmp_path, data) == 1
    err = capsys.readouterr().err.strip()
    assert f"not a coach conversation export: {place}:" in err and "\n" not in err
    store = open_store(tmp_path / "data")
    assert store.list_conversations() == []  # nothing half-imported
    store.close()


def test_a_crafted_export_with_every_record_imports_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _export(tmp_path, capsys)
    data["activities"] = [dict(_VERSION, feedback={"source": "checklist"})]
    data["lessons_read"] = [{"lesson_id": "x", "how": "cited", "at": _VERSION["created_at"]}]
    assert _import(tmp_path, data) == 0
    store = open_store(tmp_path / "data")
    cid = data["conversation"]["id"]
    [version] = store.activity_versions(cid)
    assert (version.text, json.loads(version.feedback)) == (
        "120,000 pesos",
        {"source": "checklist"},
    )
    assert [r.lesson_id for r in store.lessons_read(cid)] == ["x"]
    assert store.messages(cid)[0].content == "What is your dream job?"
    store.close()
