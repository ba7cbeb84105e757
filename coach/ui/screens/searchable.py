"""What the list screens share: "/" focuses the search box, Esc clears it before leaving."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import DataTable, Input


class SearchableList(Screen[None]):
    """A screen with an ``Input#search`` above a ``DataTable``."""

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_back(self) -> None:
        """Esc: leave the search first (clearing it), then the screen."""
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""
            self.query_one(DataTable).focus()
            return
        self.app.pop_screen()
