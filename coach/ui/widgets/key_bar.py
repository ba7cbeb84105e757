"""A one-line key bar: the active bindings as text, like Footer but one widget.

Textual's Footer mounts a widget per key and recomposes on every bindings change; on the
first frame that cost ~140 ms of a 500 ms budget. This renders the same bindings (shown,
deduplicated by action, following focus and screen) as a single line of text.
"""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    """The keys that work right now, each with what it does.

    Disabled keys say "(off)" in words as well as being dimmed, so colour is never the only
    signal. Styled in app.tcss.
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.refresh_keys)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh_keys()

    def refresh_keys(self) -> None:
        """Redraw from the screen's active bindings."""
        parts: list[Content] = []
        seen: set[str] = set()
        palette = self.app.COMMAND_PALETTE_BINDING
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen or binding.key == palette:
                continue
            seen.add(binding.action)
            key = self.app.get_key_display(binding)
            label = binding.description + ("" if enabled else " (off)")
            style = "bold" if enabled else "dim"
            parts.append(Content.assemble((f" {key} ", f"{style} reverse"), f" {label} "))
        if self.app.ENABLE_COMMAND_PALETTE:
            parts.append(Content.assemble((" ^p ", "bold reverse"), " palette "))
        self.update(Content(" ").join(parts))
