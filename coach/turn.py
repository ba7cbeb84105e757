"""One turn of a conversation as view events: the save-and-stream loop both front ends render.

The user's message is saved first; the reply is saved as it streams (every ``SAVE_EVERY``
seconds), then whole with the new state. A reply that does not finish is kept, marked. The
app and plain mode only show these events, so the two can no longer drift apart.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, TypeVar

from coach.domain.text import Language
from coach.engines.base import Chunk, ContextUse, EngineEvent, Reply
from coach.engines.errors import EngineError
from coach.store.db import StoreError

if TYPE_CHECKING:
    from coach.session import Session, Shown

T = TypeVar("T")

SAVE_EVERY = 1.0
"""Seconds between saves of a reply as it streams: a crash or a signal loses at most this."""
EXPECTED: Final = (StoreError, EngineError, OSError)
"""What a disk, a database or a model server can do to a turn. Anything else is a bug."""
Expected = StoreError | EngineError | OSError


@dataclass(frozen=True)
class UserSaved:
    """The user's message is on disk: show it."""

    shown: Shown


@dataclass(frozen=True)
class Unsent:
    """The user's message could not be saved, so nothing was sent: give the words back."""

    error: Expected


@dataclass(frozen=True)
class Text:
    """A piece of the reply, as it arrives."""

    text: str


@dataclass(frozen=True)
class ReplySaved:
    """The whole reply and the new state are on disk."""

    shown: Shown
    context: ContextUse | None


@dataclass(frozen=True)
class Cut:
    """The reply did not finish: what arrived (``text``, maybe blank) is kept, marked ``status``.

    ``cancelled`` when the user stopped it (Esc, Ctrl+C, a signal), ``error`` when it failed.
    """

    status: Literal["cancelled", "error"]
    text: str


@dataclass(frozen=True)
class Failed:
    """A failure to name in one line; the conversation goes on."""

    error: Expected


TurnEvent = UserSaved | Unsent | Text | ReplySaved | Cut | Failed


def failure_line(error: Expected, language: Language, front: str) -> str:
    """A failure in one line for the user: an engine's in their language, with how to retry.

    ``front`` is ``ui`` (a key to press) or ``plain`` (send the message again).
    """
    if isinstance(error, EngineError):
        return error.localized(language, front)
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


async def to_end(work: Callable[[], T]) -> T:
    """Blocking work in a thread that a cancel does not cut short: a save runs to its end.

    The cancel is raised once the save is done, so a row is never written with its id lost.
    """
    future = asyncio.ensure_future(asyncio.to_thread(work))
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        await asyncio.wait([future])
        raise


class Turn:
    """The reply in flight: its text so far, its saved row, and the way to stop it."""

    def __init__(self, session: Session, text: str) -> None:
        self.session = session
        self.text = text
        self.parts: list[str] = []
        self.partial: Shown | None = None
        """The reply's row once saved while streaming; it becomes the complete or cut reply."""
        self.stop_asked = False
        self._pull: asyncio.Task[None] | None = None

    def stop(self) -> None:
        """Stop the reply, keeping what arrived. A save under way finishes first."""
        self.stop_asked = True
        if self._pull is not None:
            self._pull.cancel()  # only the engine's stream: the saves are not in that task

    async def run(self, retry: bool) -> AsyncGenerator[TurnEvent, None]:
        session = self.session
        if not retry:
            try:
                shown = await to_end(lambda: session.record_user(self.text))
            except EXPECTED as exc:
                yield Unsent(exc)
                return
            yield UserSaved(shown)
            if self.stop_asked:  # stopped while the message was saved: it stays, no reply
                yield Cut("cancelled", "")
                return
        try:
            async for event in self._reply():
                yield event
        except (asyncio.CancelledError, GeneratorExit):
            # The task itself is cancelled (the app quits) or the front end stopped reading:
            # what arrived is kept, marked, before the cancel goes on.
            if self._pull is not None:
                self._pull.cancel()
            await self._keep("cancelled")
            raise

    async def _reply(self) -> AsyncIterator[TurnEvent]:
        arrived: asyncio.Queue[EngineEvent | None] = asyncio.Queue()
        # The engine streams in a task of its own, so a stop cuts the stream and never a save.
        pull = self._pull = asyncio.create_task(self._pull_from_engine(arrived))
        pull.add_done_callback(lambda _: arrived.put_nowait(None))
        if self.stop_asked:
            pull.cancel()
        saved_at = 0.0  # the first piece is saved at once: the row exists from the start
        while True:
            event = await arrived.get()
            if isinstance(event, Chunk):
                self.parts.append(event.text)
                yield Text(event.text)
                if time.monotonic() - saved_at >= SAVE_EVERY:
                    saved_at = time.monotonic()
                    failed = await self._save_partial()
                    if failed is not None:  # reported; the stream goes on
                        yield Failed(failed)
            elif isinstance(event, Reply):
                # The engine ends with its reply; a bug after it surfaces here, while a stop
                # that came too late to cut anything leaves the reply whole.
                await asyncio.wait([pull])
                if not pull.cancelled() and (error := pull.exception()) is not None:
                    raise error
                async for saved in self._finish(event):
                    yield saved
                return
            else:
                async for ended in self._ended(pull):
                    yield ended
                return

    async def _pull_from_engine(self, arrived: asyncio.Queue[EngineEvent | None]) -> None:
        async for event in self.session.events(self.text):
            arrived.put_nowait(event)

    async def _ended(self, pull: asyncio.Task[None]) -> AsyncIterator[TurnEvent]:
        """The engine stopped before its reply: stopped by the user, or failed."""
        if pull.cancelled():
            async for event in self._cut("cancelled"):
                yield event
            return
        error = pull.exception()
        if error is None:
            return  # an engine that gave no reply: nothing to save
        if not isinstance(error, EXPECTED):
            raise error
        async for event in self._failed(error):
            yield event

    async def _finish(self, reply: Reply) -> AsyncIterator[TurnEvent]:
        def save() -> Shown:
            shown = self.session.record_reply(reply, self.partial)
            self.partial, self.parts = None, []  # complete: nothing left to keep on a cancel
            return shown

        try:
            shown = await to_end(save)
        except EXPECTED as exc:
            async for event in self._failed(exc):
                yield event
            return
        yield ReplySaved(shown, reply.context)

    async def _failed(self, error: Expected) -> AsyncIterator[TurnEvent]:
        async for event in self._cut("error"):
            yield event
        yield Failed(error)

    async def _cut(self, status: Literal["cancelled", "error"]) -> AsyncIterator[TurnEvent]:
        text = "".join(self.parts)
        failed = await self._keep(status)
        yield Cut(status, text)
        if failed is not None:
            yield Failed(failed)

    async def _keep(self, status: str) -> Expected | None:
        """Save what arrived, marked with ``status``; a failure to save is returned."""
        text, partial = "".join(self.parts), self.partial
        if not text.strip() and partial is None:
            return None

        def save() -> None:
            self.session.record_unfinished(text, status, partial)
            self.partial, self.parts = None, []

        try:
            await to_end(save)
        except EXPECTED as exc:
            return exc
        return None

    async def _save_partial(self) -> Expected | None:
        text = "".join(self.parts)

        def save() -> None:
            self.partial = self.session.save_partial(text, self.partial)

        try:
            await to_end(save)
        except EXPECTED as exc:
            return exc
        return None
