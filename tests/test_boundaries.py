"""The process's edges, tried as a tester does: bytes that are not UTF-8, closed descriptors,
titles that hold escape sequences. Real processes, real pipes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coach.settings import resolve_settings
from coach.store.db import Store
from coach.store.opening import open_store
from tests.processes import coach_env

ROOT = Path(__file__).resolve().parents[1]


def coach(
    tmp_path: Path, *args: str | bytes, stdin: bytes = b"", shell_tail: str = "", **env: str
) -> subprocess.CompletedProcess[bytes]:
    """`python -m coach args`; ``shell_tail`` adds shell redirections such as ``>&-``."""
    argv = [sys.executable, "-m", "coach", *args]
    if shell_tail:
        quoted = " ".join("'" + os.fsdecode(a).replace("'", "'\\''") + "'" for a in argv)
        return subprocess.run(
            f"exec {quoted} {shell_tail}",
            shell=True,
            input=stdin,
            capture_output=True,
            env=coach_env(tmp_path, **env),
            timeout=120,
        )
    return subprocess.run(
        argv, input=stdin, capture_output=True, env=coach_env(tmp_path, **env), timeout=120
    )


def _store(tmp_path: Path) -> Store:
    return open_store(resolve_settings(environ=coach_env(tmp_path)).data_dir)


# --- item 4: bytes that are not UTF-8 ---------------------------------------------------


@pytest.mark.parametrize("io_encoding", ["", "utf-8:strict"])
def test_invalid_bytes_on_stdin_are_saved_and_the_rest_of_the_input_is_read(
    tmp_path: Path, io_encoding: str
) -> None:
    """C.UTF-8 gives stdin surrogateescape, a UTF-8 locale gives strict: both must go on."""
    typed = b"nurse\n\xff\xfe hello\n/write savings-plan\nI save \xff 5,000.\n.\nto help\n"
    env = {"PYTHONIOENCODING": io_encoding} if io_encoding else {}
    result = coach(tmp_path, "--plain", "--offline", stdin=typed, **env)
    assert result.returncode == 0, result.stderr
    assert b"unexpected error" not in result.stderr and b"Traceback" not in result.stderr
    assert "Saved Your savings plan in numbers, version 1." in result.stdout.decode()
    store = _store(tmp_path)
    conversation = store.latest()
    assert conversation is not None
    said = [m.content for m in store.messages(conversation) if m.role == "user"]
    assert said == ["nurse", "\ufffd\ufffd hello", "to help"]
    written = store.activity_versions(conversation)
    assert [v.text for v in written] == ["I save \ufffd 5,000."]


@pytest.mark.parametrize(
    "args",
    [("--resume",), ("export",), ("activities",), ("delete",)],
    ids=lambda a: a[0],
)
def test_an_argument_with_invalid_bytes_gets_one_clear_line(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    coach(tmp_path, "--plain", stdin=b"nurse\n")  # something saved, so the id is looked up
    result = coach(tmp_path, *args, b"\xff\xfe\x1b[2J")
    err = result.stderr.decode()
    assert result.returncode == 1
    assert err.count("\n") == 1 and "no conversation with id" in err, err
    assert "\x1b" not in err and "Error" not in err


# --- item 6: a title never reaches the terminal raw ----------------------------------


def test_the_delete_prompt_shows_a_title_without_its_escape_sequences(tmp_path: Path) -> None:
    """The confirmation is asked on a real terminal (a pty), where `input` writes the prompt."""
    import pty

    coach(tmp_path, "--plain", stdin=b"nurse\n")
    store = _store(tmp_path)
    conversation = store.latest()
    assert conversation is not None
    store.rename(conversation, "\x1b]0;pwned\x07\x1b[2Jnurse")
    store.close()
    pid, fd = pty.fork()
    if pid == 0:  # the child: coach on the pty, answering the prompt with "n"
        os.environ.update(coach_env(tmp_path))
        os.execv(sys.executable, [sys.executable, "-m", "coach", "delete", conversation])
    seen = b""
    while b"[y/N]" not in seen:
        seen += os.read(fd, 1024)
    os.write(fd, b"n\n")
    while True:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1  # nothing deleted
    text = seen.decode()
    assert f"Delete {conversation} (]0;pwned[2Jnurse) for good? [y/N]" in text
    assert "\x1b" not in text and "\x07" not in text


# --- item 10: closed descriptors ---------------------------------------------------------


def test_closed_stdout_is_one_line_not_an_attribute_error(tmp_path: Path) -> None:
    result = coach(tmp_path, "--plain", stdin=b"nurse\n", shell_tail=">&-")
    assert result.returncode == 1
    assert result.stderr.decode() == (
        "coach: standard output is closed; coach has nowhere to write its answers\n"
    )
    assert not (tmp_path / "data" / "coach.db").exists() or _store(tmp_path).latest() is None


def test_closed_stdin_is_empty_input(tmp_path: Path) -> None:
    result = coach(tmp_path, "--plain", shell_tail="<&-")
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert b"What is your dream job" in result.stdout


def test_closed_stdout_for_a_listing_writes_nowhere_and_ends_cleanly(tmp_path: Path) -> None:
    result = coach(tmp_path, "list", shell_tail=">&-")
    assert result.returncode == 0 and result.stderr == b""


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "directory"])
def test_a_config_that_is_not_a_regular_file_is_one_line(tmp_path: Path, kind: str) -> None:
    config = tmp_path / "config.toml"
    if kind == "dev-zero":
        config.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(config)
    else:
        config.mkdir()
    result = coach(tmp_path, "list", COACH_CONFIG=str(config))
    err = result.stderr.decode()
    assert result.returncode == 1 and err.count("\n") == 1, err
    assert "not a regular file" in err and "config" in err


def test_deep_json_in_tokens_is_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    result = coach(tmp_path, "tokens", str(deep))
    assert b"Traceback" not in result.stderr and b"RecursionError" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode().count("\n") == 1 and b"nested too deeply" in result.stderr
    assert b"deep.json  (text)" in result.stdout


def test_a_huge_sparse_file_in_tokens_is_refused_at_once(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    result = coach(tmp_path, "tokens", str(big), "/dev/zero")
    err = result.stderr.decode().splitlines()
    assert result.returncode == 1
    assert len(err) == 2 and "larger than" in err[0] and "not a regular file" in err[1], err


def test_json_export_keeps_the_replacement_character(tmp_path: Path) -> None:
    coach(tmp_path, "--plain", stdin=b"\xffnurse\n")
    result = coach(tmp_path, "export", "--format", "json")
    data = json.loads(result.stdout)
    assert "\ufffdnurse" in [m["content"] for m in data["messages"]]


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "deep"])
def test_a_prefs_file_that_is_not_a_small_json_file_counts_as_none(
    tmp_path: Path, kind: str
) -> None:
    from coach.store.prefs import load_prefs

    prefs = tmp_path / "ui.json"
    if kind == "fifo":
        os.mkfifo(prefs)
    elif kind == "dev-zero":
        prefs.symlink_to("/dev/zero")
    else:
        prefs.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert load_prefs(prefs) == {}


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_import_of_a_file_that_is_not_regular_is_one_line(tmp_path: Path, kind: str) -> None:
    source = tmp_path / "export.json"
    if kind == "fifo":
        os.mkfifo(source)
    else:
        source.symlink_to("/dev/zero")
    result = coach(tmp_path, "import", str(source))
    err = result.stderr.decode()
    assert result.returncode == 1 and err.count("\n") == 1, err
    assert f"cannot read {source}: it is a" in err and "not a regular file" in err
