"""Chat message widgets: the coach's replies as Markdown, the user's words literally."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownStream

from coach.domain.text import clean_for_display


class UserMessage(Static):
    """What the user wrote, shown exactly as typed: no markup, no Markdown, no escapes."""

    def __init__(self, text: str, label: str) -> None:
        super().__init__(Content(clean_for_display(text)), classes="message user")
        self.border_title = label


class CoachMessage(Markdown):
    """A reply from the coach, rendered as Markdown with control characters removed.

    A streamed reply goes through Textual's MarkdownStream, which batches fragments that
    arrive faster than they can be laid out, then gets one final full render.
    """

    def __init__(self, text: str, label: str, note: str = "") -> None:
        super().__init__(clean_for_display(text), classes="message coach", open_links=False)
        self.border_title = label
        self.text = text
        self._stream: MarkdownStream | None = None
        self.mark(note)

    def mark(self, note: str) -> None:
        """Label a reply that did not finish ("stopped", "not finished"); "" clears it."""
        self.border_subtitle = note
        self.set_class(bool(note), "unfinished")

    async def write(self, piece: str) -> None:
        """Append a streamed piece of the reply."""
        if self._stream is None:
            self._stream = Markdown.get_stream(self)
        self.text += piece
        await self._stream.write(clean_for_display(piece))

    async def finish(self, text: str | None = None) -> None:
        """Stop streaming and render the whole reply once, from the final text."""
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        if text is not None:
            self.text = text
        await self.update(clean_for_display(self.text))
