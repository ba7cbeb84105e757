"""Blocking work off the UI thread, with an expected failure reported as one line."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Final, TypeVar

T = TypeVar("T")

DRAFT_EVERY = 1.0
"""Seconds between draft saves while the user types: a crash loses at most this much."""


def expected() -> tuple[type[Exception], ...]:
    """What a user's disk, database or server can do to us. Anything else is a bug and must surface.

    A function, not a constant: the store and engine modules load after the first frame.
    """
    from coach.engines.errors import EngineError
    from coach.store.records import StoreError

    return (StoreError, EngineError, OSError)


def one_line(exc: BaseException) -> str:
    """A failure as one line for the user; never a traceback, never a control character."""
    from coach.domain.text import clean_for_display

    text = clean_for_display(str(exc)).strip().splitlines()
    return text[0] if text else type(exc).__name__


class Failed:
    """The work failed and the user has been told; the caller only has to stop."""


FAILED: Final = Failed()


async def in_thread(report: Callable[[str], object], work: Callable[[], T]) -> T | Failed:
    """Run `work` in a thread so the UI keeps painting; an expected failure becomes one line.

    `report` shows the line (a toast, a status bar). Programming errors are not caught here: in
    tests they fail loudly, and in use the app's top-level handler makes them one line.
    """
    try:
        return await asyncio.to_thread(work)
    except expected() as exc:
        report(one_line(exc))
        return FAILED
