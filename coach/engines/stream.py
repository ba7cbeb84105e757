"""One streamed Chat Completions reply put together, whatever server sent it.

Servers differ in the shape of the same stream. Ollama repeats ``index: 0`` (or sends no index)
for parallel tool calls and sends each call whole; vLLM and llama.cpp send an id once, then
argument pieces by index; reasoning models wrap thoughts in ``<think>`` tags; small models
write a tool call as JSON text instead of calling it. This module turns all of those into
the same three things: the words to show, the tool calls, and how the reply ended.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
_CALL_MARKERS = ("{", "```", "<tool_call>", "<|python_tag|>", "[TOOL_CALLS]")
"""Where a tool call written as text can start: words from there on wait for the round's end."""
_WRAPPERS = re.compile(
    r"```(?:json|tool_call)?\s*|```|</?tool_call>|<\|python_tag\|>|\[TOOL_CALLS\]|<\|eom_id\|>"
)
_THINK_BLOCK = re.compile(r"<think>.*?(?:</think>|\Z)", re.DOTALL)
CUT_REASONS = {"length": "err_cut_length", "content_filter": "err_cut_filter"}


Written = list[tuple[str, dict[str, Any]]]
"""Tool calls found in text: (name, arguments)."""


@dataclass
class Call:
    """One tool call: its arguments as the server sent them, then as read (None: unreadable)."""

    id: str = ""
    name: str = ""
    arguments: str = ""
    index: int | None = None
    args: dict[str, Any] | None = None


def _held_tail(text: str, markers: Collection[str]) -> int:
    """How many characters at the end of ``text`` could start one of ``markers``."""
    for size in range(min(len(text), max(len(m) for m in markers) - 1), 0, -1):
        tail = text[-size:]
        if any(m.startswith(tail) for m in markers):
            return size
    return 0


class ThinkFilter:
    """Drops ``<think>…</think>`` from streamed text, tags cut across chunks included."""

    def __init__(self) -> None:
        self._buffer = ""
        self._inside = False

    def feed(self, piece: str) -> str:
        self._buffer += piece
        shown: list[str] = []
        while self._buffer:
            tag = THINK_CLOSE if self._inside else THINK_OPEN
            at = self._buffer.find(tag)
            if at >= 0:
                if not self._inside:
                    shown.append(self._buffer[:at])
                self._buffer = self._buffer[at + len(tag) :]
                self._inside = not self._inside
                continue
            keep = _held_tail(self._buffer, (tag,))
            if not self._inside:
                shown.append(self._buffer[: len(self._buffer) - keep])
            self._buffer = self._buffer[len(self._buffer) - keep :]
            break
        return "".join(shown)

    def end(self) -> str:
        rest, self._buffer = ("" if self._inside else self._buffer), ""
        return rest


def strip_think(text: str) -> str:
    """A whole text without its thinking: for replies saved before this filter existed."""
    if THINK_CLOSE in text and THINK_OPEN not in text.split(THINK_CLOSE)[0]:
        text = text.split(THINK_CLOSE, 1)[1]  # a template that opened the block itself
    return _THINK_BLOCK.sub("", text).strip()


def read_arguments(raw: str) -> list[dict[str, Any]] | None:
    """The argument objects in ``raw``, repaired where that is safe; None when unreadable.

    Safe repairs: code fences and spaces around the object, an object encoded twice as a
    JSON string, and several objects run together (two calls merged by a server that lost
    their indexes), which become one call each. Nothing is guessed: a cut or garbled object
    stays unreadable.
    """
    text = _WRAPPERS.sub("", raw).strip() or "{}"
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    at = 0
    while at < len(text):
        try:
            value, end = decoder.raw_decode(text, at)
        except ValueError:
            return None
        if isinstance(value, str):
            inner = read_arguments(value)
            if inner is None:
                return None
            found.extend(inner)
        elif isinstance(value, dict):
            found.append(value)
        else:
            return None
        at = end
        while at < len(text) and text[at] in " \t\r\n,;":
            at += 1
    return found


def _text_call(value: object, known: Collection[str]) -> tuple[str, dict[str, Any]] | None:
    if not isinstance(value, dict):
        return None
    name = value.get("name")
    if name is None and isinstance(value.get("function"), dict):
        return _text_call(value["function"], known)
    args = value.get("parameters", value.get("arguments", {}))
    if isinstance(args, str):
        parsed = read_arguments(args)
        args = parsed[0] if parsed and len(parsed) == 1 else None
    if name in known and isinstance(args, dict):
        return str(name), args
    return None


def calls_in_text(
    text: str, known: Collection[str]
) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    """Tool calls a model wrote as text, and the text without them.

    Only a call that names a known tool with an object of arguments is taken; any other
    JSON (a model quoting an example, say) stays as words.
    """
    decoder = json.JSONDecoder()
    calls: Written = []
    kept: list[str] = []
    at = 0
    for match in re.finditer(r"[\[{]", text):
        start = match.start()
        if start < at:
            continue
        try:
            value, end = decoder.raw_decode(text, start)
        except ValueError:
            continue
        values = value if isinstance(value, list) else [value]
        found = [_text_call(v, known) for v in values]
        if not values or any(f is None for f in found):
            continue
        calls.extend(f for f in found if f is not None)
        kept.append(text[at:start])
        at = end
    kept.append(text[at:])
    if not calls:
        return text, []
    return _WRAPPERS.sub("", "".join(kept)).strip(), calls


@dataclass
class Assembly:
    """Collects one streamed reply: text to show, tool calls, and the finish reason."""

    known_tools: Collection[str] = ()
    calls: list[Call] = field(default_factory=list)
    finish: str | None = None
    chunks: int = 0
    """Chunks that carried a choice: none at all is an empty reply."""
    _think: ThinkFilter = field(default_factory=ThinkFilter)
    _pending: str = ""
    _held: bool = False

    def text(self, piece: str) -> str:
        """The part of ``piece`` that can be shown now; the rest waits for ``end``."""
        self._pending += self._think.feed(piece)
        if self._held:
            return ""
        starts = [i for m in _CALL_MARKERS if (i := self._pending.find(m)) >= 0]
        if starts:
            at = min(starts)
            shown, self._pending = self._pending[:at], self._pending[at:]
            self._held = True
            return shown
        keep = _held_tail(self._pending, _CALL_MARKERS)
        cut = len(self._pending) - keep
        shown, self._pending = self._pending[:cut], self._pending[cut:]
        return shown

    def end(self) -> str:
        """The rest of the words, after taking out any tool call written as text."""
        rest = self._pending + self._think.end()
        self._pending, self._held = "", False
        rest, written = calls_in_text(rest, self.known_tools)
        for n, (name, args) in enumerate(written):
            self.calls.append(Call(f"text_call_{n}", name, json.dumps(args), None, args))
        return rest

    def tool_delta(self, delta: Any) -> None:
        """Add one tool-call piece, matched to its call by id first, then by index."""
        index = getattr(delta, "index", None)
        call_id = getattr(delta, "id", None) or ""
        function = getattr(delta, "function", None)
        name = getattr(function, "name", None) or ""
        raw = getattr(function, "arguments", None)
        arguments = json.dumps(raw) if isinstance(raw, dict) else str(raw or "")
        call = self._match(call_id, index, name)
        if call is None:
            call = Call(call_id, index=index)
            self.calls.append(call)
        call.id = call.id or call_id
        call.name = call.name or name
        call.arguments += arguments

    def _match(self, call_id: str, index: int | None, name: str) -> Call | None:
        if call_id:
            # The same id continues a call; a new id is a new call, whatever its index says.
            return next((c for c in self.calls if c.id == call_id), None)
        if not self.calls:
            return None
        if index is not None:
            same = [c for c in self.calls if c.index == index]
            if not same:
                return None
            call = same[-1]
        else:
            call = self.calls[-1]
        if name and call.name and read_arguments(call.arguments):
            return None  # a complete call, then another name: a new call with no id
        return call

    def finished_calls(self) -> list[Call]:
        """The calls with their arguments read; merged objects split into one call each."""
        done: list[Call] = []
        for n, call in enumerate(self.calls):
            call_id = call.id or f"call_{n}"
            objects = read_arguments(call.arguments)
            if objects is None:
                done.append(Call(call_id, call.name, call.arguments, call.index, None))
                continue
            for k, args in enumerate(objects or [{}]):
                part_id = call_id if k == 0 else f"{call_id}_{k}"
                done.append(Call(part_id, call.name, json.dumps(args), call.index, args))
        return done


def assistant_message(text: str, calls: list[Call]) -> dict[str, Any]:
    """The model's turn as sent back: arguments that could not be read are not echoed.

    A server that parses the history (Ollama) refuses arguments that are not JSON, and
    would then refuse every later turn; the tool result tells the model what went wrong.
    """
    return {
        "role": "assistant",
        "content": text or None,
        "tool_calls": [
            {
                "id": c.id,
                "type": "function",
                "function": {
                    "name": c.name,
                    "arguments": json.dumps(c.args, ensure_ascii=False)
                    if c.args is not None
                    else "{}",
                },
            }
            for c in calls
        ],
    }
