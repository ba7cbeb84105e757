"""The conversations screen: every saved conversation by last activity; resume or delete."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from coach.domain.text import Language, clean_for_display
from coach.store.db import ConversationInfo, Store, StoreError
from coach.ui.screens.chat import one_line
from coach.ui.screens.confirm import ConfirmScreen
from coach.ui.strings import t
from coach.ui.widgets.key_bar import KeyBar

TITLE_WIDTH = 56


class ConversationsScreen(Screen[None]):
    """Lists conversations. Titles are user words, so they are shown as plain text."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "resume", "Resume", show=True, priority=True),
        Binding("d,delete", "delete", "Delete"),
        Binding("n", "app.new_conversation", "New"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    @dataclass
    class Resume(Message):
        """The user chose a conversation to continue."""

        conversation_id: str

    @dataclass
    class Deleted(Message):
        """A conversation was deleted; if it is open, the app must not keep writing to it."""

        conversation_id: str

    def __init__(
        self,
        store: Store,
        language: Language,
        phase_titles: dict[str, str],
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__()
        self.store = store
        self.today = today
        self.language = language
        self.phase_titles = phase_titles
        self.rows: list[ConversationInfo] = []

    def compose(self) -> ComposeResult:
        yield Static(t("conversations", self.language), id="heading")
        yield DataTable(id="table", cursor_type="row", zebra_stripes=True)
        yield Static(t("no_conversations", self.language), id="empty")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        lang = self.language
        for key in ("title", "phase", "step_col", "last_activity", "messages"):
            table.add_column(t(key, lang), key=key)
        self.load()

    @work(exclusive=True, group="list")
    async def load(self) -> None:
        """Read the list off the UI thread."""
        try:
            self.rows = await asyncio.to_thread(self.store.list_conversations)
        except StoreError as exc:
            self.notify(one_line(exc), severity="error", markup=False)
            return
        table = self.query_one(DataTable)
        table.clear()
        for info in self.rows:
            title = clean_for_display(info.title) or t("untitled", self.language)
            if len(title) > TITLE_WIDTH:
                title = title[: TITLE_WIDTH - 1] + "…"
            table.add_row(
                Text(title),
                Text(self.phase_titles.get(info.phase, info.phase)),
                Text("● " + t("due", self.language) if info.step_due(self.today()) else ""),
                Text(info.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")),
                Text(str(info.messages)),
                key=info.id,
            )
        self.query_one("#empty").display = not self.rows
        table.display = bool(self.rows)
        table.focus()

    def _selected(self) -> ConversationInfo | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def action_resume(self) -> None:
        chosen = self._selected()
        if chosen is not None:
            self.post_message(self.Resume(chosen.id))

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_resume()

    @work(group="delete")
    async def action_delete(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        lang = self.language
        dialog = ConfirmScreen(t("confirm_delete", lang), t("delete", lang), t("cancel", lang))
        if not await self.app.push_screen_wait(dialog):
            return
        try:
            await asyncio.to_thread(self.store.delete, chosen.id)
        except StoreError as exc:
            self.notify(one_line(exc), severity="error", markup=False)
            return
        self.notify(t("deleted", lang), markup=False)
        self.post_message(self.Deleted(chosen.id))
        self.load()
