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

STATUS_FAULTS = {"400", "401", "403", "404", "429", "500", "503"}
FAULTS = STATUS_FAULTS | {"context_length", "timeout", "cut", "malformed", "empty"}


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

    def __post_init__(self) -> None:
        assert self.fault is None or self.fault in FAULTS, self.fault


def text_chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] if text else []


class FakeOpenAI:
    """Serves queued Scripts in order; records every request body it receives."""

    def __init__(self, port: int = 0) -> None:
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
                payload = json.dumps(
                    {"error": {"message": message, "type": "test_error", "code": code}}
                ).encode()
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
                return {
                    "id": "chatcmpl-test",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": "test",
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
                self._event(self._chunk({"role": "assistant", "content": ""}))
                for piece in pieces:
                    if script.delay:
                        time.sleep(script.delay)
                    self._event(self._chunk({"content": piece}))
                    server.sent_chars += len(piece)
                for index, (name, args) in enumerate(script.tool_calls):
                    text = args if isinstance(args, str) else json.dumps(args)
                    half = len(text) // 2
                    first = {"name": name, "arguments": text[:half]}
                    call = {"index": index, "id": f"call_{index}", "type": "function"}
                    self._event(self._chunk({"tool_calls": [{**call, "function": first}]}))
                    rest = {"index": index, "function": {"arguments": text[half:]}}
                    self._event(self._chunk({"tool_calls": [rest]}))
                finish = "tool_calls" if script.tool_calls else "stop"
                self._event(self._chunk({}, finish))
                self._send("data: [DONE]\n\n")
                self._send("")
                server.done.append(time.perf_counter())

        return Handler


@contextmanager
def running() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
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
    args = parser.parse_args()
    server = FakeOpenAI(port=args.port)
    if args.fault:
        server.add(Script(fault=args.fault, text="This reply breaks off", retry_after=5))
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
