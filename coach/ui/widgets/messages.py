"""Chat message widgets: the coach's replies as Markdown, the user's words literally."""

from __future__ import annotations

import time

from textual.content import Content
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownStream

from coach.domain.text import clean_for_display


class UserMessage(Static):
    """What the user wrote, shown exactly as typed: no markup, no Markdown, no escapes."""

    def __init__(self, text: str, label: str) -> None:
        super().__init__(Content(clean_for_display(text)), classes="message user")
        self.border_title = label


FLUSH_SECONDS = 0.02
"""Streamed text reaches the Markdown widget at most this often (50 times a second).

Every append re-lays out the reply and re-styles new blocks; doing that per chunk made a
fast 2,000-token reply take seconds to get through, and the reader of the network stream
waited for the renderer. Batching keeps the two apart: chunks are read as fast as they
come, and the screen catches up at most 20 ms behind.
"""


class CoachMessage(Markdown):
    """A reply from the coach, rendered as Markdown with control characters removed.

    A streamed reply goes through Textual's MarkdownStream in batches, then gets one final
    full render from the whole text.
    """

    def __init__(self, text: str, label: str, note: str = "") -> None:
        super().__init__(clean_for_display(text), classes="message coach", open_links=False)
        self.border_title = label
        self._parts = [text]
        self._pending: list[str] = []
        self._stream: MarkdownStream | None = None
        self._flush_due = False
        self._last_flush = 0.0
        self.mark(note)

    @property
    def text(self) -> str:
        """Everything received so far, as the model sent it (before display cleaning)."""
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0]

    def mark(self, note: str) -> None:
        """Label a reply that did not finish ("stopped", "not finished"); "" clears it."""
        self.border_subtitle = note
        self.set_class(bool(note), "unfinished")

    def write(self, piece: str) -> None:
        """Take a streamed piece of the reply; it is shown within FLUSH_SECONDS. Never waits."""
        self._parts.append(piece)
        self._pending.append(piece)
        if self._flush_due:
            return
        self._flush_due = True
        wait = self._last_flush + FLUSH_SECONDS - time.monotonic()
        if wait > 0:
            self.set_timer(wait, self._flush)
        else:
            self.call_later(self._flush)

    async def _flush(self) -> None:
        if not self._flush_due:
            return  # finish() came first
        self._flush_due = False
        self._last_flush = time.monotonic()
        text, self._pending = "".join(self._pending), []
        if self._stream is None:
            self._stream = Markdown.get_stream(self)
        await self._stream.write(clean_for_display(text))

    async def finish(self, text: str | None = None) -> None:
        """Stop streaming and render the final text once, whole.

        Appends parse from the last block only; the final render guarantees what stays on
        screen is exactly the reply parsed as one document (and shows the engine's final
        text when it differs from what streamed).
        """
        self._flush_due = False
        self._pending = []
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        if text is not None:
            self._parts = [text]
        await self.update(clean_for_display(self.text))
