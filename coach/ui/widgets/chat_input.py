"""A multi-line input where Enter sends and Ctrl+J (or Shift+Enter) starts a new line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import TextArea

NEWLINE_KEYS = ("ctrl+j", "shift+enter", "alt+enter")


class CleanTextArea(TextArea):
    """A TextArea whose pastes keep their text and lines but lose control characters.

    Escape sequences in a paste are already kept from turning into key presses (see
    coach/ui/paste.py); what is left of them (BEL, backspace, a bare ESC) is dropped here.
    """

    async def _on_paste(self, event: events.Paste) -> None:
        # Here, not at the top: the opening screen shows this box before coach.domain loads.
        from coach.domain.text import clean_for_display

        cleaned = clean_for_display(event.text)
        if cleaned == event.text:
            await super()._on_paste(event)
            return
        event.prevent_default()
        await super()._on_paste(events.Paste(cleaned))


class ChatInput(CleanTextArea):
    """The message box. Pasted text keeps its new lines; only a typed Enter sends."""

    # Enter is handled in _on_key, in the same queue as the typed characters: as a priority
    # binding it ran before queued characters were inserted, and fast typing lost words.
    # The bindings are here so the footer shows the keys.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Send", id="send"),
        Binding("ctrl+j", "newline", "New line", id="newline"),
    ]

    @dataclass
    class Submitted(Message):
        """The user pressed Enter on some text."""

        text: str

    def __init__(self, text: str = "", *, id: str | None = None, placeholder: str = "") -> None:
        super().__init__(text, soft_wrap=True, tab_behavior="focus", id=id, placeholder=placeholder)

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.action_submit()
            return
        if event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.insert("\n")
            return
        await super()._on_key(event)

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self.text))

    def action_newline(self) -> None:
        self.insert("\n")
