"""What the list screens share: "/" focuses the search box, Esc clears it before leaving."""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import DataTable, Input


class SearchableList(Screen[None]):
    """A screen with an ``Input#search`` above a ``DataTable``."""

    @property
    def search_box(self) -> Input:
        return self.query_one("#search", Input)

    @property
    def table(self) -> DataTable[Text]:
        table: DataTable[Text] = self.query_one(DataTable)
        return table

    def action_search(self) -> None:
        self.search_box.focus()

    def action_back(self) -> None:
        """Esc: leave the search first (clearing it), then the screen."""
        search = self.search_box
        if search.value:
            search.value = ""
            self.table.focus()
            return
        self.app.pop_screen()
