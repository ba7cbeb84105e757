"""The help screen: every key, on every screen, in the interface language."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from coach.domain.text import Language
from coach.ui.keys import KEYS
from coach.ui.strings import t


class HelpScreen(ModalScreen[None]):
    """A table of keys; any of Escape, F1 or Q closes it."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "dismiss", "Close")]

    def __init__(self, language: Language, keymap: dict[str, str]) -> None:
        super().__init__()
        self.language = language
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        lang = self.language
        with Vertical(id="dialog"):
            yield Static(Content(t("help_title", lang)), id="help-title")
            yield DataTable(id="keys", cursor_type="none", show_cursor=False)
            yield Static(Content(t("help_footer", lang)), id="help-footer")

    def on_mount(self) -> None:
        lang = self.language
        table = self.query_one(DataTable)
        table.add_columns(t("help_where", lang), t("help_key", lang), t("help_does", lang))
        for where, binding_id, default, label in KEYS:
            key = self.keymap.get(binding_id, default)
            table.add_row(Text(t(where, lang)), Text(key), Text(t(label, lang)))
