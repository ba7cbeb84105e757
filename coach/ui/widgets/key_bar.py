"""A one-line key bar: the active bindings as text, like Footer but one widget.

Textual's Footer mounts a widget per key and recomposes on every bindings change; on the
first frame that cost ~140 ms of a 500 ms budget. This renders the same bindings (shown,
deduplicated by action, following focus and screen) as a single line of text.
"""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from coach.domain.locale import is_language
from coach.domain.text import Language
from coach.ui.strings import t

_ACTION_KEYS = {
    "submit": "key_send",
    "newline": "key_newline",
    "app.new_conversation": "key_new",
    "new_conversation": "key_new",
    "app.conversations": "key_conversations",
    "app.lessons": "key_lessons",
    "app.write": "key_write",
    "app.course": "key_course",
    "save": "key_save",
    "close": "key_close",
    "write": "key_write",
    "app.quit": "key_quit",
    "quit": "key_quit",
    "stop": "key_stop",
    "retry": "key_retry",
    "resume": "key_resume",
    "search": "key_search",
    "rename": "key_rename",
    "delete": "key_delete",
    "back": "key_back",
    "app.pop_screen": "key_back",
    "answer(False)": "key_no",
    "answer(True)": "key_yes",
    "cancel": "key_cancel",
}


def _label(action: str, description: str, language: Language) -> str:
    """The binding's description in the interface language, where the catalogue has it."""
    key = _ACTION_KEYS.get(action)
    return t(key, language) if key else description


class KeyBar(Static):
    """The keys that work right now, each with what it does.

    Disabled keys say "(off)" in words as well as being dimmed, so colour is never the only
    signal. Styled in app.tcss.
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        # CoachApp's interface language: a change relabels every bar (in another app, a no-op).
        self.watch(self.app, "language", self._language_changed, init=False)
        self.call_after_refresh(self.refresh_keys)

    def _language_changed(self) -> None:
        if self.is_attached:
            self.refresh_keys()

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh_keys()

    def _language(self) -> Language:
        """The screen's conversation language if it has one, else the app's."""
        session = getattr(self.screen, "session", None)
        found = session.state.language if session is not None else None
        found = (
            found or getattr(self.screen, "language", None) or getattr(self.app, "language", "en")
        )
        return str(found) if is_language(found) else "en"

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
            lang = self._language()
            label = _label(binding.action, binding.description, lang)
            if not enabled:
                label += f" ({t('key_off', lang)})"
            style = "bold" if enabled else "dim"
            parts.append(Content.assemble((f" {key} ", f"{style} reverse"), f" {label} "))
        if self.app.ENABLE_COMMAND_PALETTE:
            palette_label = t("key_palette", self._language())
            parts.append(Content.assemble((" ^p ", "bold reverse"), f" {palette_label} "))
        self.update(Content(" ").join(parts))
