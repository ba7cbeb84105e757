"""One streamed request to a Chat Completions server: retried only where a retry can help.

The openai client's own retries are off: it retries a timeout and every 500 alike, so an
unreachable server took three minutes to report and a server that refuses tools (llama.cpp
answers 500) was asked three times. Here a timeout is tried once more at most; 429, 408,
409, 502, 503, 504 and a lost connection up to ``max_retries``; everything else never.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator
from typing import Any

from coach.engines.errors import EngineError, describe, server_error, server_message
from coach.engines.stream import CUT_REASONS, Assembly

RETRY_STATUS = {408, 409, 429, 502, 503, 504}
TIMEOUT_RETRIES = 1
MAX_WAIT = 60.0
"""The longest Retry-After honoured in place; longer waits are reported for the user to retry."""


def _expected() -> tuple[type[BaseException], ...]:
    """What a server, the network or a malformed stream can raise through the openai client.

    The client wraps failures of the request in its own errors (OpenAIError), but a stream
    cut while it is read raises its HTTP layer's (httpx2) or the socket's (OSError), and a
    chunk that is not JSON a ValueError. Anything else is a bug in coach, not in the server.
    Imported here, not at the top: openai loads off the first frame.
    """
    import httpx2
    import openai

    return (openai.OpenAIError, httpx2.HTTPError, httpx2.StreamError, OSError, ValueError)


def _should_retry(exc: BaseException, attempt: int, timeouts: int, max_retries: int) -> bool:
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return timeouts < TIMEOUT_RETRIES and attempt < max_retries
    if attempt >= max_retries:
        return False
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in RETRY_STATUS
    return isinstance(exc, openai.APIConnectionError)


def _wait(error: EngineError, attempt: int) -> float:
    if error.retry_after is not None:
        return error.retry_after
    return float(min(8.0, 0.5 * 2**attempt) * (0.75 + random.random() / 2))


async def open_stream(
    client: Any, request: dict[str, Any], max_retries: int, secret: str | None
) -> Any:
    """The response stream, after the retries that can help; raises EngineError."""
    attempt = timeouts = 0
    while True:
        try:
            stream = await client.chat.completions.create(**request)
        except (asyncio.CancelledError, GeneratorExit):
            raise
        except _expected() as exc:
            error = describe(exc, secret=secret)
            if not _should_retry(exc, attempt, timeouts, max_retries):
                raise error from None
            wait = _wait(error, attempt)
            if wait > MAX_WAIT:
                raise error from None
            timeouts += error.key == "err_timeout"
            attempt += 1
            await asyncio.sleep(wait)
            continue
        await _refuse_json(stream, secret)
        return stream


async def _refuse_json(stream: Any, secret: str | None) -> None:
    """A 200 whose body is JSON, not events, is an error some servers send that way."""
    response = getattr(stream, "response", None)
    kind = str(getattr(response, "headers", {}).get("content-type", ""))
    if response is None or "json" not in kind:
        return
    raw = await response.aread()
    await stream.close()
    try:
        body = json.loads(raw)
    except ValueError:
        raise EngineError("err_malformed") from None
    message = server_message(body, secret)
    raise server_error(response.status_code, message) if message else EngineError("err_empty")


async def stream_reply(
    client: Any,
    request: dict[str, Any],
    assembly: Assembly,
    max_retries: int = 0,
    secret: str | None = None,
) -> AsyncIterator[str]:
    """Stream one completion: yield the words to show, collect the rest in ``assembly``.

    Raises EngineError when the reply did not finish (no finish reason, ``length``,
    ``content_filter``): the words so far have been shown, and tool calls are not applied.
    """
    stream = await open_stream(client, request, max_retries, secret)
    try:
        async with stream:
            async for chunk in stream:
                # The client builds chunks without validating them: a server's odd shapes are
                # read with getattr and type checks here, not left to fail as a bug would.
                choices = getattr(chunk, "choices", None)
                if not choices or not isinstance(choices, list):
                    continue  # a usage chunk, or a server's timings
                assembly.chunks += 1
                choice = choices[0]
                finish = getattr(choice, "finish_reason", None)
                assembly.finish = finish if isinstance(finish, str) and finish else assembly.finish
                delta = getattr(choice, "delta", None)
                if delta is None:
                    continue
                calls = getattr(delta, "tool_calls", None)
                for piece in calls if isinstance(calls, list) else ():
                    assembly.tool_delta(piece)
                content = getattr(delta, "content", None)
                if isinstance(content, str) and content:
                    shown = assembly.text(content)
                    if shown:
                        yield shown
    except (asyncio.CancelledError, GeneratorExit):
        raise
    except _expected() as exc:
        error = describe(exc, mid_reply=assembly.chunks > 0, secret=secret)
        # Words held back in case they were a tool call written as text are still the
        # model's: shown and kept with the cut reply, not dropped with the stream.
        rest = assembly.end() if assembly.chunks else ""
        if rest:
            yield rest
        raise error from None
    if assembly.chunks == 0:
        raise EngineError("err_empty")
    rest = assembly.end()
    if rest:
        yield rest
    if assembly.finish is None:
        raise EngineError("err_unfinished")
    if assembly.finish in CUT_REASONS:
        raise EngineError(CUT_REASONS[assembly.finish])
