"""Plain mode with a model: clean text, cut-off replies named, Ctrl+C stops only the reply."""

from __future__ import annotations

import io
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from coach.bootstrap import build_context
from coach.cli import main
from tests.conftest import fixed_now, llm_settings
from tests.fake_openai import FakeOpenAI, Script

ROOT = Path(__file__).resolve().parents[1]


def plain(monkeypatch: pytest.MonkeyPatch, server: FakeOpenAI, lines: list[str]) -> int:
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    return main(["--plain"])


def test_12_model_replies_are_printed_as_clean_text(
    server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    markdown = "### Your next step\n\n**Find** one school's fee.\n- `call` them *today*"
    server.add(Script(text=markdown, chunk_chars=4))
    assert plain(monkeypatch, server, ["hello"]) == 0
    out = capsys.readouterr().out
    reply = out.split("> hello")[-1] if "> hello" in out else out
    assert "Your next step\n\nFind one school's fee.\n- call them" in reply
    assert "###" not in reply and "**" not in reply and "`" not in reply


def test_3_a_reply_cut_off_is_kept_marked_and_named_in_one_line(
    server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server.add(Script(text="Thank you for ", finish="length"))
    assert plain(monkeypatch, server, ["hello"]) == 0
    captured = capsys.readouterr()
    assert "Thank you for" in captured.out
    assert captured.err.strip().splitlines() == [
        "coach: The reply was cut off: it ran out of its token budget (raise max_output for "
        "this model in config.toml). Send your message again to retry."
    ]
    ctx = build_context(llm_settings(server.base_url), now=fixed_now)
    try:
        cid = ctx.store.latest()
        assert cid is not None
        last = ctx.store.messages(cid)[-1]
        assert (last.role, last.status, last.content) == ("assistant", "error", "Thank you for ")
    finally:
        ctx.store.close()


def _reader(stream: io.TextIOBase, into: queue.Queue[str]) -> None:
    for line in iter(stream.readline, ""):
        into.put(line)
    into.put("")


def _until(lines: queue.Queue[str], seen: list[str], text: str) -> None:
    """Wait for ``text`` on the stream: the signal, not a fixed sleep."""
    while text not in "".join(seen):
        line = lines.get(timeout=30)
        assert line, f"the stream ended before {text!r}: {''.join(seen)!r}"
        seen.append(line)


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child process")
def test_11_ctrl_c_in_plain_mode_stops_the_reply_and_the_conversation_goes_on(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    server.add(Script(text="word\n" * 400, chunk_chars=5, delay=0.02))
    server.add(Script(text="Back again."))
    env = {
        "COACH_DATA_DIR": str(tmp_path / "data"),
        "COACH_CONFIG": str(tmp_path / "none.toml"),
        "OPENAI_BASE_URL": server.base_url,
        "PYTHONPATH": str(ROOT),
        "LANG": "C.UTF-8",
        "PATH": "/usr/bin:/bin",
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "coach", "--plain"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    out: queue.Queue[str] = queue.Queue()
    err: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_reader, args=(child.stdout, out), daemon=True).start()
    threading.Thread(target=_reader, args=(child.stderr, err), daemon=True).start()
    try:
        seen: list[str] = []
        _until(out, seen, "What is your dream job")
        child.stdin.write("hello\n")
        child.stdin.flush()
        _until(out, seen, "word\nword\nword\n")
        child.send_signal(signal.SIGINT)
        said: list[str] = []
        _until(err, said, "Stopped.")
        child.stdin.write("hello again\n")
        child.stdin.flush()
        _until(out, seen, "Back again.")
        child.stdin.close()
        assert child.wait(timeout=30) == 0
    finally:
        if child.poll() is None:
            child.kill()
    transcript = "".join(seen)
    assert transcript.count("word") < 400 and "Traceback" not in "".join(said)
