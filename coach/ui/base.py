"""What every part of the app stands on: the context, the options, the language, the open chat.

The action classes (``ChatActions``, ``CourseActions``) and ``CoachApp`` derive from this
real class, so mypy checks the ``chat`` they call rather than a stub raising
NotImplementedError.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from weakref import WeakSet

from textual.app import App
from textual.reactive import reactive
from textual.screen import Screen

if TYPE_CHECKING:  # loaded after the first frame when it is drawn from the opening cache
    from coach.domain.text import Language
    from coach.opening_cache import Opening
    from coach.session import Context
    from coach.ui.screens.chat import ChatScreen


def _chat_screen() -> type[ChatScreen] | None:
    """The chat screen's class once its module is loaded; until then no screen is one.

    Looked up rather than imported: importing it loads the session, the store and Markdown,
    which the opening screen (coach.ui.screens.opening) is drawn without.
    """
    module = sys.modules.get("coach.ui.screens.chat")
    found: type[ChatScreen] | None = getattr(module, "ChatScreen", None)
    return found


@dataclass
class Options:
    """What the factory resolves for the app from settings: paths, keys and the theme."""

    export_dir: Path | None = None
    prefs_path: Path | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    theme: str | None = None


@dataclass
class Wiring:
    """Everything the factory makes for the app from settings and the context."""

    ctx: Context
    language: Language
    notices: list[tuple[str, bool]] = field(default_factory=list)
    """Start-up notices (lesson problems, a database set aside): text, and whether a warning."""
    mode: str = ""
    """What the top bar says about the engine when it is not offline (the model name)."""
    options: Options = field(default_factory=Options)
    keep_opening: Callable[[Opening], None] | None = None
    """Keeps a new conversation's first screen for the next start (coach.opening_cache)."""


@dataclass
class Loading:
    """A start painted from the opening cache: the first screen now, the wiring after it."""

    opening: Opening
    load: Callable[[], Wiring]
    """Runs in a thread after the first frame; raises whatever the ordinary start reports."""


class CoachBase(App[None]):
    """The state the actions share, and the one place the interface language is kept."""

    language: reactive[Language] = reactive("en", init=False)
    """The language the interface speaks: the open conversation's, else the configured one.

    Widgets that show words watch it (the key bar); it follows the open conversation when a
    chat screen comes to the top and after each of its turns (``/lang``, or first words in
    another language).
    """

    def __init__(
        self, ctx: Context | None, language: Language, options: Options | None = None
    ) -> None:
        super().__init__()
        self._ctx = ctx
        self.options = options or Options()
        self.set_reactive(CoachBase.language, language)
        self._followed: WeakSet[ChatScreen] = WeakSet()
        """Chat screens whose turns the language follows."""

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._screen_changed)
        for screen in self.screen_stack:  # CoachApp's own on_mount, run first, pushed one
            self._screen_changed(screen)

    @property
    def ctx(self) -> Context:
        """Store, engine and content. Only the opening screen runs before they are loaded."""
        if self._ctx is None:
            raise RuntimeError("coach is still starting: the context is not loaded yet")
        return self._ctx

    @property
    def chat(self) -> ChatScreen | None:
        """The conversation on screen (the topmost chat), if any."""
        chat_screen = _chat_screen()
        if chat_screen is None:
            return None
        screens = [s for s in self.screen_stack if isinstance(s, chat_screen)]
        return screens[-1] if screens else None

    def follow_chat(self) -> None:
        """Take the open conversation's language; the watchers relabel what shows words."""
        chat = self.chat
        if chat is not None:
            self.language = chat.session.state.language

    def _screen_changed(self, screen: Screen[object]) -> None:
        chat_screen = _chat_screen()
        if (
            chat_screen is not None
            and isinstance(screen, chat_screen)
            and screen not in self._followed
        ):
            self._followed.add(screen)
            # /lang, or first words in another language, change the conversation's language.
            self.watch(screen, "language", lambda _: self.follow_chat(), init=False)
        self.follow_chat()

    def _error(self, line: str) -> None:
        """An expected failure (disk, database, server) as the one line the user sees."""
        self.notify(line, severity="error", markup=False)

    async def show_new_session(self) -> None:
        """Replace the open conversation with a new one (after deleting it)."""
        from coach.session import Session

        chat = self.chat
        if chat is not None:
            await chat.load_session(Session.new(self.ctx, chat.session.state.language))
            self.follow_chat()
