"""The conversations screen: saved conversations by last activity; find, resume, rename."""

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
from textual.widgets import DataTable, Input, Static

from coach.domain.text import Language, clean_for_display
from coach.store.db import ConversationInfo, Store
from coach.ui.background import FAILED, Failed, in_thread
from coach.ui.screens.confirm import ConfirmScreen
from coach.ui.screens.rename import RenameScreen
from coach.ui.screens.searchable import SearchableList
from coach.ui.strings import t
from coach.ui.widgets.key_bar import KeyBar

TITLE_WIDTH = 56
FIRST_PAGE = 60
"""Rows shown at once; the rest follow in batches, so a long list opens fast."""
FILL_BATCH = 150


class ConversationsScreen(SearchableList):
    """Lists conversations. Titles are user words, so they are shown as plain text."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "resume", "Resume", show=True, priority=True),
        Binding("slash", "search", "Search"),
        Binding("r", "rename", "Rename"),
        Binding("d,delete", "delete", "Delete"),
        Binding("n", "app.new_conversation", "New"),
        Binding("escape", "back", "Back"),
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
        automatic: Callable[[str], str] = lambda conversation_id: "",
    ) -> None:
        super().__init__()
        self.store = store
        self.today = today
        self.automatic = automatic
        """The title coach would make for a conversation, restored by an empty rename."""
        self.language = language
        self.phase_titles = phase_titles
        self.rows: list[ConversationInfo] = []
        self.everything: list[ConversationInfo] = []

    def _error(self, line: str) -> None:
        self.notify(line, severity="error", markup=False)

    def compose(self) -> ComposeResult:
        yield Static(t("conversations", self.language), id="heading")
        yield Input(placeholder=t("search_hint", self.language), id="search")
        yield DataTable(id="table", cursor_type="row", zebra_stripes=True)
        yield Static(t("no_conversations", self.language), id="empty")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.table
        lang = self.language
        for key in ("title", "phase", "step_col", "last_activity", "messages"):
            table.add_column(t(key, lang), key=key)
        self.load()

    @work(exclusive=True, group="list")
    async def load(self) -> None:
        """Read the list off the UI thread (again on return, to see other windows' changes)."""
        everything = await in_thread(self._error, self.store.list_conversations)
        if isinstance(everything, Failed):
            return
        self.everything = everything
        await self._filter(self.search_box.value)

    @on(Input.Changed, "#search")
    async def search_changed(self, event: Input.Changed) -> None:
        self.filter(event.value)

    @work(exclusive=True, group="search")
    async def filter(self, text: str) -> None:
        await self._filter(text)

    async def _filter(self, text: str) -> None:
        """Show the conversations whose title or messages contain ``text``."""
        rows = self.everything
        if text.strip():
            found = await in_thread(self._error, lambda: self.store.search(text.strip()))
            if isinstance(found, Failed):
                return
            rows = [info for info in rows if info.id in found]
        self._show(rows, focus=not text)

    def _add_rows(self, table: DataTable[Text], rows: list[ConversationInfo]) -> None:
        today = self.today()
        for info in rows:
            title = clean_for_display(info.title) or t("untitled", self.language)
            if len(title) > TITLE_WIDTH:
                title = title[: TITLE_WIDTH - 1] + "…"
            table.add_row(
                Text(title),
                Text(self.phase_titles.get(info.phase, info.phase)),
                Text("● " + t("due", self.language) if info.step_due(today) else ""),
                Text(info.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")),
                Text(str(info.messages)),
                key=info.id,
            )

    @work(exclusive=True, group="fill")
    async def _fill_rest(self, rows: list[ConversationInfo]) -> None:
        """Add the rows below the first page in batches, letting the screen paint between.

        DataTable measures every cell of new rows before its next paint; 1,000 rows at once
        held the first paint back by ~250 ms.
        """
        table = self.table
        for start in range(0, len(rows), FILL_BATCH):
            await asyncio.sleep(0.01)
            self._add_rows(table, rows[start : start + FILL_BATCH])

    def _show(self, rows: list[ConversationInfo], focus: bool) -> None:
        self.rows = rows
        table = self.table
        table.clear()
        self._add_rows(table, rows[:FIRST_PAGE])
        self._fill_rest(rows[FIRST_PAGE:])
        searching = bool(self.search_box.value.strip())
        empty = self.query_one("#empty", Static)
        empty.update(t("no_matches" if searching else "no_conversations", self.language))
        empty.display = not self.rows
        table.display = bool(self.rows)
        if focus and self.rows:
            table.focus()

    @work(group="rename")
    async def action_rename(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        prompt = RenameScreen(t("rename_prompt", self.language), chosen.title)
        title = await self.app.push_screen_wait(prompt)
        if title is None:
            return

        def rename() -> None:  # the automatic title is a read too: off the UI thread
            self.store.rename(chosen.id, title, self.automatic(chosen.id))

        if await in_thread(self._error, rename) is not FAILED:
            self.load()

    def _selected(self) -> ConversationInfo | None:
        table = self.table
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
        if await in_thread(self._error, lambda: self.store.delete(chosen.id)) is FAILED:
            return
        self.notify(t("deleted", lang), markup=False)
        self.post_message(self.Deleted(chosen.id))
        self.load()
