"""Chat message widgets: the coach's replies as Markdown, the user's words literally."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Markdown, Static

from coach.domain.text import clean_for_display


class UserMessage(Static):
    """What the user wrote, shown exactly as typed: no markup, no Markdown, no escapes."""

    def __init__(self, text: str, label: str) -> None:
        super().__init__(Content(clean_for_display(text)), classes="message user")
        self.border_title = label


class CoachMessage(Markdown):
    """A reply from the coach, rendered as Markdown with control characters removed."""

    def __init__(self, text: str, label: str) -> None:
        super().__init__(clean_for_display(text), classes="message coach", open_links=False)
        self.border_title = label
