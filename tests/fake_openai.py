"""A loopback OpenAI-compatible server for tests: real HTTP on 127.0.0.1, SSE streaming,
tool calls, configurable speed, and every fault the engine must survive, on demand."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests import server_profiles as shape

STATUS_FAULTS = {"400", "401", "403", "404", "429", "500", "503"}
FAULTS = STATUS_FAULTS | {"context_length", "timeout", "cut", "malformed", "empty"}
FAULTS |= {"server", "json_200", "stream_error"}
"""server: ``status`` with ``message`` in the profile's error body; json_200: that body with
status 200; stream_error: an error event after the first pieces of text."""


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-stream (Esc, a timeout) is expected here, not an error."""


@dataclass
class Script:
    """One response: text and/or tool calls, streamed at a chosen speed, or a fault."""

    text: str = ""
    tool_calls: list[tuple[str, dict[str, Any] | str]] = field(default_factory=list)
    chunk_chars: int = 8
    delay: float = 0.0
    fault: str | None = None
    retry_after: float | None = None
    cut_after: int = 2
    """For "cut" and "malformed": how many good chunks come first."""
    finish: str | None = "auto"
    """The finish reason sent; "auto" as the profile would, None for none at all."""
    think: str = ""
    """Thinking written into the content as <think>…</think> before the text."""
    reasoning: str = ""
    """Thinking sent apart, as the profile's reasoning field."""
    object_args: bool = False
    """Tool arguments sent as a JSON object rather than a string."""
    status: int = 400
    message: str = ""

    def __post_init__(self) -> None:
        assert self.fault is None or self.fault in FAULTS, self.fault


def text_chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] if text else []


class FakeOpenAI:
    """Serves queued Scripts in order; records every request body it receives."""

    def __init__(self, port: int = 0, profile: str = "openai") -> None:
        assert profile in shape.PROFILES, profile
        self.profile = profile
        """Which server's stream and error shapes to send (see tests/server_profiles.py)."""
        self.queue: deque[Script] = deque()
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.times: list[float] = []
        self.done: list[float] = []
        self.sent_chars = 0
        """Reply characters written so far, over all streams."""
        """perf_counter() when each complete stream's last byte was sent."""
        self.responder: Callable[[dict[str, Any]], Script] | None = None
        self.moderation: Callable[[str], bool] | None = None
        """Flags self-harm for an input; None serves no moderation endpoint (404)."""
        self.moderated: list[str] = []
        self._server = _Server(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def add(self, *scripts: Script) -> None:
        self.queue.extend(scripts)

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, body: dict[str, Any]) -> Script:
        if self.queue:
            return self.queue.popleft()
        if self.responder is not None:
            return self.responder(body)
        return Script(text="(the test server has no script left)")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append(body)
                server.headers.append({k.lower(): v for k, v in self.headers.items()})
                server.times.append(time.monotonic())
                if self.path.endswith("/moderations"):
                    self._moderate(body)
                    return
                script = server._next(body)
                if not self.path.endswith("/chat/completions"):
                    self._error(404, "not_found", "no such route")
                elif script.fault is not None:
                    self._fault(script)
                else:
                    self._stream(body, script)

            def _moderate(self, body: dict[str, Any]) -> None:
                for log in (server.requests, server.headers, server.times):
                    log.pop()  # kept apart, so the chat requests stay in order
                text = str(body.get("input", ""))
                server.moderated.append(text)
                if server.moderation is None:
                    self._error(404, "not_found", "no moderation here")
                    return
                flagged = server.moderation(text)
                categories = {
                    "self-harm": flagged,
                    "self-harm/intent": flagged,
                    "self-harm/instructions": False,
                    "violence": False,
                }
                result = {"flagged": flagged, "categories": categories, "category_scores": {}}
                payload = json.dumps({"id": "modr-test", "model": "test", "results": [result]})
                raw = payload.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _error(
                self, status: int, code: str, message: str, headers: dict[str, str] | None = None
            ) -> None:
                body = shape.error_body(server.profile, status, message)
                if server.profile == "openai":
                    body["error"]["code"] = code
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            def _fault(self, script: Script) -> None:
                fault = script.fault or ""
                if fault in STATUS_FAULTS:
                    headers = {}
                    if script.retry_after is not None:
                        headers["Retry-After"] = f"{script.retry_after:g}"
                    self._error(int(fault), f"test_{fault}", f"fault {fault}", headers)
                elif fault == "context_length":
                    self._error(
                        400,
                        "context_length_exceeded",
                        "This model's maximum context length is 8192 tokens.",
                    )
                elif fault == "server":
                    self._error(script.status, f"test_{script.status}", script.message)
                elif fault == "json_200":
                    self._error(200, "test_200", script.message)
                elif fault == "timeout":
                    time.sleep(script.delay or 3.0)
                    self.close_connection = True
                else:
                    self._stream({}, script)

            def _send(self, data: str) -> None:
                raw = data.encode()
                self.wfile.write(f"{len(raw):x}\r\n".encode() + raw + b"\r\n")
                self.wfile.flush()

            def _event(self, payload: dict[str, Any]) -> None:
                self._send(f"data: {json.dumps(payload)}\n\n")

            def _chunk(self, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
                fingerprint = {"system_fingerprint": "fp_ollama"}
                extra = fingerprint if server.profile.startswith("ollama") else {}
                return {
                    "id": "chatcmpl-test",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": "test",
                    **extra,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }

            def _stream(self, body: dict[str, Any], script: Script) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                if script.fault == "empty":
                    self._event({**self._chunk({}), "choices": []})
                    self._send("data: [DONE]\n\n")
                    self._send("")
                    return
                pieces = text_chunks(script.text, script.chunk_chars)
                if script.fault in ("cut", "malformed"):
                    for piece in pieces[: script.cut_after]:
                        self._event(self._chunk({"content": piece}))
                    if script.fault == "malformed":
                        self._send('data: {"choices": [{"delta": {"content": "x"\n\n')
                        self._send("")
                    self.close_connection = True
                    return
                profile = server.profile
                self._event(self._chunk(shape.role_delta(profile)))
                for piece in text_chunks(script.reasoning, script.chunk_chars):
                    self._event(self._chunk(shape.reasoning_delta(profile, piece)))
                thought = f"<think>{script.think}</think>" if script.think else ""
                for n, piece in enumerate(text_chunks(thought, script.chunk_chars) + pieces):
                    if script.delay:
                        time.sleep(script.delay)
                    self._event(self._chunk(shape.content_delta(profile, piece)))
                    server.sent_chars += len(piece)
                    if script.fault == "stream_error" and n + 1 >= script.cut_after:
                        body = shape.error_body(profile, script.status, script.message)
                        if "error" not in body:  # vLLM wraps its error body in a stream
                            body = {"error": body}
                        self._send(f"data: {json.dumps(body)}\n\n")
                        self._send("")
                        return
                calls = shape.tool_call_deltas(profile, script.tool_calls, script.object_args)
                for delta in calls:
                    self._event(self._chunk(delta))
                finish = script.finish
                if finish == "auto":
                    finish = shape.finish_reason(profile, bool(script.tool_calls))
                if finish is not None:
                    self._event(self._chunk({}, finish))
                trailer = shape.trailer(profile)
                if trailer is not None:
                    self._event({**self._chunk({}), **trailer})
                self._send("data: [DONE]\n\n")
                self._send("")
                server.done.append(time.perf_counter())

        return Handler


@contextmanager
def running(profile: str = "openai") -> Iterator[FakeOpenAI]:
    server = FakeOpenAI(profile=profile).start()
    try:
        yield server
    finally:
        server.stop()


def main() -> None:
    """Serve in the foreground, to try the app by hand against it:

    python -m tests.fake_openai --port 8765 --script english --delay 0.03
    coach --base-url http://127.0.0.1:8765/v1
    """
    import argparse

    parser = argparse.ArgumentParser(description="A loopback OpenAI-compatible test server.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--script", choices=["english", "none"], default="english")
    parser.add_argument("--delay", type=float, default=0.03, help="seconds between chunks")
    parser.add_argument("--fault", choices=sorted(FAULTS), help="answer the first request so")
    parser.add_argument("--profile", choices=shape.PROFILES, default="openai")
    parser.add_argument("--message", default="", help="the server's words, for --fault server")
    parser.add_argument("--status", type=int, default=400, help="for --fault server")
    args = parser.parse_args()
    server = FakeOpenAI(port=args.port, profile=args.profile)
    if args.fault:
        server.add(
            Script(
                fault=args.fault,
                text="This reply breaks off",
                retry_after=5,
                message=args.message,
                status=args.status,
            )
        )
    if args.script == "english":
        from tests.llm_script import ENGLISH_LLM

        for _, scripts in ENGLISH_LLM:
            for script in scripts:
                script.delay, script.chunk_chars = args.delay, 4
                server.add(script)
    print(f"serving on {server.base_url}", flush=True)
    server._server.serve_forever()


if __name__ == "__main__":
    main()
