"""How each model server shapes the same reply as a stream, for the loopback test server.

Taken from the servers' own code and captured streams:
- openai: a role chunk, content pieces, each tool call as a first piece (index, id, name)
  then argument pieces by index, ``finish_reason`` "tool_calls" or "stop", ``[DONE]``.
- ollama_old (before 0.4.7): every chunk repeats ``role`` and ``content``; all calls in one
  chunk, each whole, with an id and no ``index``; ``finish_reason`` "stop" even after calls.
- ollama (0.20.x): each call whole in its own chunk, every one with ``index: 0``; thinking
  as ``reasoning``; "tool_calls" at the end.
- vllm: ``content: ""`` in the role chunk, an id "chatcmpl-tool-…" on the first piece only,
  ``reasoning_content``; errors as ``{"object": "error", "message": …}`` at the top level.
- llamacpp: ``content: null`` in the role chunk, a random 32-character id, a final chunk
  with no choices carrying usage and timings; errors as ``{"error": {"code", "message"}}``.
- lmstudio: numeric ids repeated on every argument piece; errors as ``{"error": "…"}``.
"""

from __future__ import annotations

import json
from typing import Any

PROFILES = ("openai", "ollama_old", "ollama", "vllm", "llamacpp", "lmstudio")


def _call_id(profile: str, n: int) -> str:
    return {
        "ollama_old": f"call_o{n}ld{n:04d}",
        "ollama": f"call_{n:08x}",
        "vllm": f"chatcmpl-tool-{n:032x}",
        "llamacpp": f"{n:032d}",
        "lmstudio": f"{(n + 1) * 123456789}",
    }.get(profile, f"call_{n}")


def _arguments(args: dict[str, Any] | str, as_object: bool) -> Any:
    if as_object and isinstance(args, dict):
        return args  # some servers send the object itself, not a JSON string
    return args if isinstance(args, str) else json.dumps(args)


def tool_call_deltas(
    profile: str, calls: list[tuple[str, dict[str, Any] | str]], as_object: bool = False
) -> list[dict[str, Any]]:
    """The deltas that carry ``calls``, in the order the server sends them."""
    if not calls:
        return []
    if profile == "ollama_old":
        whole = [
            {
                "id": _call_id(profile, n),
                "type": "function",
                "function": {"name": name, "arguments": _arguments(args, as_object)},
            }
            for n, (name, args) in enumerate(calls)
        ]
        return [{"role": "assistant", "content": "", "tool_calls": whole}]
    if profile == "ollama":
        return [
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": _call_id(profile, n),
                        "index": 0,
                        "type": "function",
                        "function": {"name": name, "arguments": _arguments(args, as_object)},
                    }
                ],
            }
            for n, (name, args) in enumerate(calls)
        ]
    deltas: list[dict[str, Any]] = []
    for n, (name, args) in enumerate(calls):
        call_id = _call_id(profile, n)
        if as_object:
            first_args: Any = _arguments(args, True)
            pieces: list[str] = []
        else:
            text = _arguments(args, False)
            half = len(text) // 2
            first_args, pieces = ("", [text[:half], text[half:]])
            if profile == "openai":
                first_args, pieces = text[:half], [text[half:]]
        first = {
            "index": n,
            "id": call_id,
            "type": "function",
            "function": {"name": name, "arguments": first_args},
        }
        deltas.append({"tool_calls": [first]})
        for piece in pieces:
            more: dict[str, Any] = {"index": n, "function": {"arguments": piece}}
            if profile == "lmstudio":
                more.update(id=call_id, type="function")
            deltas.append({"tool_calls": [more]})
    return deltas


def role_delta(profile: str) -> dict[str, Any]:
    if profile == "llamacpp":
        return {"role": "assistant", "content": None}
    return {"role": "assistant", "content": ""}


def content_delta(profile: str, piece: str) -> dict[str, Any]:
    if profile in ("ollama", "ollama_old"):
        return {"role": "assistant", "content": piece}
    return {"content": piece}


def reasoning_delta(profile: str, piece: str) -> dict[str, Any]:
    key = "reasoning" if profile.startswith("ollama") else "reasoning_content"
    return {key: piece}


def finish_reason(profile: str, has_calls: bool) -> str:
    if has_calls and profile != "ollama_old":
        return "tool_calls"
    return "stop"


def trailer(profile: str) -> dict[str, Any] | None:
    """A last chunk with no choices: usage (vLLM with stream_options), timings (llama.cpp)."""
    if profile == "llamacpp":
        return {
            "choices": [],
            "usage": {"completion_tokens": 9, "prompt_tokens": 900, "total_tokens": 909},
            "timings": {"prompt_n": 900, "predicted_n": 9},
        }
    if profile == "vllm":
        return {"choices": [], "usage": {"completion_tokens": 9, "prompt_tokens": 900}}
    return None


def error_body(profile: str, status: int, message: str) -> dict[str, Any]:
    """The JSON body each server answers a refused request with."""
    if profile == "vllm":
        return {
            "object": "error",
            "message": message,
            "type": "BadRequestError",
            "param": None,
            "code": status,
        }
    if profile == "llamacpp":
        return {"error": {"code": status, "message": message, "type": "server_error"}}
    if profile == "lmstudio":
        return {"error": message}
    if profile.startswith("ollama"):
        return {"error": {"message": message, "type": "api_error", "param": None, "code": None}}
    return {"error": {"message": message, "type": "test_error", "code": f"test_{status}"}}
