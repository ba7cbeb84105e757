"""A one-line prompt for a new conversation title."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from coach.domain.text import clean_for_display

TITLE_MAX = 80


class RenameScreen(ModalScreen[str | None]):
    """Enter saves the title (an empty one goes back to the automatic title); Escape cancels."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, prompt: str, current: str) -> None:
        super().__init__()
        # A title can hold anything an import or an old version stored: shown cleaned.
        self.prompt, self.current = prompt, " ".join(clean_for_display(current).split())

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content(self.prompt), id="prompt")
            yield Input(self.current, max_length=TITLE_MAX, id="title")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(" ".join(event.value.split()))

    def action_cancel(self) -> None:
        self.dismiss(None)
