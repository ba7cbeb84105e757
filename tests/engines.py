"""Language-model engines a test opened, closed inside that test's own event loop.

A module that opens engines imports both names; the fixture is autouse, so importing it is
what turns it on there.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from coach.engines.llm import LLMEngine

OPENED: list[LLMEngine] = []
"""Append every engine a test builds; each is closed when the test ends."""


@pytest.fixture(autouse=True)
async def close_engines() -> AsyncIterator[None]:
    """Close every engine's HTTP client inside the test's own event loop."""
    yield
    while OPENED:
        await OPENED.pop().aclose()
