"""Turns any failure of a model request into one line a user can act on."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass
class EngineError(Exception):
    """A failed model turn, worded for the status line: what happened and what to do."""

    message: str
    retry_after: float | None = None

    def __str__(self) -> str:
        return self.message


def _status_message(status: int, detail: str, retry_after: float | None) -> str:
    if status == 401:
        return "The API key was refused (401): check OPENAI_API_KEY or api_key in config.toml."
    if status == 403:
        return "This key may not use that model or endpoint (403): check the key's permissions."
    if status == 404:
        return "The server does not know this model (404): check --model or model in config.toml."
    if status == 429:
        wait = f" Wait {retry_after:g} s, then" if retry_after else ""
        return f"The server is rate-limiting requests (429).{wait} press ctrl+r to retry."
    if "context" in detail and ("length" in detail or "window" in detail):
        return (
            "The request did not fit the model's context window: set context_window for "
            "this model in config.toml, then press ctrl+r."
        )
    if status >= 500:
        return f"The model server had an error ({status}). Press ctrl+r to retry."
    return f"The model server refused the request ({status}). Press ctrl+r to retry."


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


CUT = "The connection was cut in the middle of the reply. Press ctrl+r to retry."


def describe(exc: BaseException, mid_reply: bool = False) -> EngineError:
    """One line for any exception the openai client (or its HTTP layer) raises mid-turn.

    ``mid_reply`` says part of the reply had arrived: a lost connection is then a cut stream.
    Nothing from the request is echoed back, so a key in a header can never reach the screen.
    """
    import openai

    if isinstance(exc, EngineError):
        return exc
    if mid_reply and isinstance(exc, openai.APIConnectionError | ConnectionError):
        return EngineError(CUT)
    if isinstance(exc, openai.APIStatusError):
        retry_after = _retry_after(exc.response.headers)
        body = exc.body if isinstance(exc.body, dict) else {}
        detail = json.dumps(body).lower() + " " + str(getattr(exc, "code", "") or "").lower()
        return EngineError(_status_message(exc.status_code, detail, retry_after), retry_after)
    if isinstance(exc, openai.APITimeoutError) or "Timeout" in type(exc).__name__:
        return EngineError("The model server took too long to answer. Press ctrl+r to retry.")
    if isinstance(exc, openai.APIConnectionError):
        return EngineError(
            "Cannot reach the model server: check your connection or OPENAI_BASE_URL, "
            "then press ctrl+r."
        )
    if isinstance(exc, ValueError):  # a chunk that is not valid JSON
        return EngineError("The model server sent a malformed reply. Press ctrl+r to retry.")
    name = type(exc).__name__
    if "Protocol" in name or "Read" in name or "Transport" in name or "Stream" in name:
        return EngineError(CUT)
    if isinstance(exc, openai.APIError):
        return EngineError("The model server reported an error mid-reply. Press ctrl+r to retry.")
    return EngineError(f"The model request failed ({name}). Press ctrl+r to retry.")
