"""Turns any failure of a model request into one line a user can act on, in their language.

The wording lives in the interface catalogues (prompts/ui, keys ``err_*``); an EngineError
carries the key and its values, and reads as English where no language is at hand.
"""

from __future__ import annotations

import json
import re
from typing import Any

from coach.domain.text import Language
from coach.i18n import t


class EngineError(Exception):
    """A failed model turn: what happened and what to do, by catalogue key."""

    def __init__(
        self, key: str, retry_after: float | None = None, hint: str | None = None, **values: Any
    ) -> None:
        super().__init__(key)
        self.key = key
        self.values = values
        self.retry_after = retry_after
        self.hint = hint
        """A catalogue key for what to change on the server, where the message is a known one."""

    def localized(self, language: Language, front: str = "ui") -> str:
        """The message in ``language``, with the way to retry that the front end offers.

        ``ui``: a key in the full-screen app; ``plain``: sending the message again.
        """
        retry, again = t(f"retry_{front}", language), t(f"again_{front}", language)
        if self.hint is not None:  # a setting to change first: retrying alone cannot help
            retry = t(self.hint, language, again=again)
        return t(self.key, language, retry=retry, again=again, **self.values)

    def __str__(self) -> str:
        return self.localized("en")


_HINTS = [
    (re.compile(r"enable-auto-tool-choice|tool-call-parser|auto\W+tool.choice", re.I), "hint_vllm"),
    (re.compile(r"does not support tools", re.I), "hint_ollama_tools"),
    (re.compile(r"--jinja|tools param requires|use tools with stream", re.I), "hint_llamacpp"),
]
_KEYS = re.compile(r"\b(?:sk|rk|pk)-[A-Za-z0-9_*-]{6,}|\bBearer\s+\S+", re.I)
MESSAGE_CHARS = 200


def server_message(body: object, secret: str | None = None) -> str:
    """The server's own words about a failure: one line, short, with no key in it.

    Servers put the message in different places: ``{"error": {"message"}}`` (OpenAI,
    Ollama, llama.cpp), ``{"message"}`` at the top (vLLM), ``{"error": "…"}`` or plain text.
    A server may echo the request, so anything that looks like a key is blanked.
    """
    message: object = body
    for _ in range(3):
        if isinstance(message, dict):
            message = message.get("error") or message.get("message") or message.get("detail") or ""
        elif isinstance(message, list) and message:
            message = message[0]
    if not isinstance(message, str):
        return ""
    if secret:
        message = message.replace(secret, "[key]")
    message = _KEYS.sub("[key]", message)
    line = " ".join(message.split()).strip(" .")
    return line if len(line) <= MESSAGE_CHARS else line[: MESSAGE_CHARS - 1].rstrip() + "…"


def hint_for(message: str) -> str | None:
    """A catalogue key for a server message whose cure is known, else None."""
    return next((key for pattern, key in _HINTS if pattern.search(message)), None)


def server_error(status: int, message: str) -> EngineError:
    """A refusal that carries the server's own words, with a hint where one is known."""
    key = "err_server_5xx" if status >= 500 else "err_server"
    return EngineError(key, hint=hint_for(message), status=status, message=message)


def _status_error(
    status: int, detail: str, retry_after: float | None, message: str = ""
) -> EngineError:
    if status == 401:
        return EngineError("err_401")
    if status == 403:
        return EngineError("err_403")
    if status == 404:
        return EngineError("err_404")
    if status == 429:
        if retry_after:
            return EngineError("err_429_wait", retry_after, wait=f"{retry_after:g}")
        return EngineError("err_429")
    if "context" in detail and ("length" in detail or "window" in detail):
        return EngineError("err_context")
    if message:
        return server_error(status, message)
    if status >= 500:
        return EngineError("err_5xx", status=status)
    return EngineError("err_4xx", status=status)


def _retry_after(headers: object) -> float | None:
    get = getattr(headers, "get", None)
    if get is None:
        return None
    for key, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        raw = get(key)
        if raw is not None:
            try:
                return float(raw) / scale
            except ValueError:
                return None
    return None


def describe(exc: BaseException, mid_reply: bool = False, secret: str | None = None) -> EngineError:
    """One line for any exception the openai client (or its HTTP layer) raises mid-turn.

    ``mid_reply`` says part of the reply had arrived: a lost connection is then a cut stream.
    Nothing from the request is echoed back, and the server's own message is cleaned of
    anything like a key (``secret`` included), so a key can never reach the screen.
    """
    import openai

    if isinstance(exc, EngineError):
        return exc
    if mid_reply and isinstance(exc, openai.APIConnectionError | ConnectionError):
        return EngineError("err_cut")
    if isinstance(exc, openai.APIStatusError):
        retry_after = _retry_after(exc.response.headers)
        body = exc.body if isinstance(exc.body, dict) else {}
        detail = json.dumps(body).lower() + " " + str(getattr(exc, "code", "") or "").lower()
        message = server_message(exc.body, secret)
        return _status_error(exc.status_code, detail, retry_after, message)
    if isinstance(exc, openai.APITimeoutError) or "Timeout" in type(exc).__name__:
        return EngineError("err_timeout")
    if isinstance(exc, openai.APIConnectionError):
        return EngineError("err_connect")
    if isinstance(exc, ValueError):  # a chunk that is not valid JSON
        return EngineError("err_malformed")
    name = type(exc).__name__
    if "Protocol" in name or "Read" in name or "Transport" in name or "Stream" in name:
        return EngineError("err_cut")
    if isinstance(exc, openai.APIError):  # an error event inside the stream
        message = server_message(exc.body, secret)
        return server_error(200, message) if message else EngineError("err_stream")
    return EngineError("err_failed", name=name)
