"""The Textual app: wiring only. Screens do the work; the session does the saving."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from coach.store.prefs import load_prefs, save_prefs
from coach.ui.actions import ChatActions
from coach.ui.background import Failed, in_thread, one_line
from coach.ui.base import Loading, Options, Wiring
from coach.ui.commands import coach_commands
from coach.ui.course_actions import CourseActions
from coach.ui.keys import KEY_IDS
from coach.ui.quitting import STOP_SIGNALS, QuitActions
from coach.ui.strings import t

# Imported where used: a start drawn from the opening cache paints its first frame before
# the session, the store and the chat screen (and pydantic, YAML, Markdown) are loaded.
if TYPE_CHECKING:
    from coach.opening_cache import Opening
    from coach.session import Session
    from coach.ui.screens.chat import ChatScreen
    from coach.ui.screens.conversations import ConversationsScreen


WARM_UP_DELAY = 0.3
KEEP_OPENING_DELAY = 1.0
"""Seconds after the first chat screen that it is kept: the key bar has filled in by then."""


def _collect_from_now_on() -> None:
    """After the first frame, collect again (``coach.start`` paused it for start-up).

    What start-up made is frozen first: kept out of every collection from now on.
    """
    gc.freeze()
    gc.enable()


class CoachApp(ChatActions, CourseActions, QuitActions):
    """coach's terminal UI."""

    TITLE = "coach"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, wiring: Wiring | Loading, resume_id: str | None = None) -> None:
        loading = wiring if isinstance(wiring, Loading) else None
        if isinstance(wiring, Wiring):
            super().__init__(wiring.ctx, wiring.language, wiring.options)
        else:
            super().__init__(None, wiring.opening.language, Options(theme=wiring.opening.theme))
        self._loading = loading
        self.resume_id = resume_id
        self.notices: list[tuple[str, bool]] = []
        self.offline = True
        self.mode = ""
        """What the top bar says about the engine when it is not offline (the model name)."""
        self._keep_opening: Callable[[Opening], None] | None = None
        if isinstance(wiring, Wiring):
            self._wire(wiring)
        self.fell_back = False
        """Loading after the opening screen failed: the ordinary start runs once this exits."""
        self._carried = ""
        """Words typed on the opening screen, between reading them and the chat having them."""
        self._loaded = asyncio.Event()
        """Set once the context is loaded and the first chat screen is up."""
        self.stopped_by: int | None = None
        """The signal that ended the app, if one did (the exit status is 128 + it)."""

    def _wire(self, wiring: Wiring) -> None:
        self._ctx = wiring.ctx
        self.options = wiring.options
        self.notices = list(wiring.notices)
        self.offline = wiring.ctx.engine.name == "offline"
        self.mode = wiring.mode
        self._keep_opening = wiring.keep_opening

    def _chat(self, session: Session) -> ChatScreen:
        from coach.ui.screens.chat import ChatScreen

        return ChatScreen(session, self.offline, self.mode)

    def on_mount(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in STOP_SIGNALS:  # only the main thread may; tests run elsewhere too
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, self._stop, signum)
        if self._loading is not None:
            from coach.ui.screens.opening import OpeningScreen

            if self.options.theme in self.available_themes:
                self.theme = self.options.theme
            self.push_screen(OpeningScreen(self._loading.opening))
            # After the first paint, not before: the loading thread holds the GIL much of
            # the time, and started at once it slowed the very frame this is all for.
            self.call_after_refresh(self._finish_loading, self._loading)
            return
        self.call_after_refresh(_collect_from_now_on)
        self._started()
        self._loaded.set()
        if self.resume_id is None:
            self.push_screen(self._chat(self._new_session()))
        else:
            self.open_conversation(self.resume_id, switch=False)

    def _new_session(self) -> Session:
        from coach.session import Session

        return Session.new(self.ctx, self.language)

    def _started(self) -> None:
        """What follows the context's loading: theme, keys, notices, the warm-up."""
        if self.options.theme in self.available_themes:
            self.theme = self.options.theme
        unknown = set(self.options.keymap) - KEY_IDS
        if unknown:
            names = ", ".join(sorted(unknown))
            self.notify(t("keys_unknown", self.language, names=names), severity="warning")
        self.set_keymap({k: v for k, v in self.options.keymap.items() if k in KEY_IDS})
        for notice, is_warning in self.notices:
            if is_warning:
                self.notify(notice, severity="warning", markup=False, timeout=8)
            else:
                self.notify(notice, severity="information", markup=False, timeout=8)
        # Not at once: importing openai or the encoder in a thread still holds the GIL much
        # of the time, and would slow the first frame. A turn sent sooner waits for the load.
        self.set_timer(WARM_UP_DELAY, self.warm_up)
        if self.resume_id is None and self._keep_opening is not None:
            self.set_timer(KEEP_OPENING_DELAY, self._keep_first_screen)

    @work(group="start")
    async def _finish_loading(self, loading: Loading) -> None:
        """Load settings, content and the store, then put the real chat screen in place."""
        from coach.ui.screens.opening import OpeningScreen

        try:
            wiring = await asyncio.to_thread(loading.load)
        except Exception:  # whatever it is, the ordinary start, run next, reports it as always
            self._loaded.set()
            if self.stopped_by is not None or self.quit_asked:  # asked to end: no second start
                self._end_unloaded()
                return
            self.fell_back = True
            self.exit(return_code=1)
            return
        self._wire(wiring)
        self.language = wiring.language
        opening = next((s for s in self.screen_stack if isinstance(s, OpeningScreen)), None)
        typed, sent = (opening.typed, opening.sent) if opening is not None else ("", False)
        self._carried = typed  # until the chat has it: a signal meanwhile must still keep it
        if self.stopped_by is not None or self.quit_asked:  # draw nothing more, keep the words
            await self._quit_from_opening(typed)  # (a closed window's terminal takes no writes)
            return
        chat = self._chat(self._new_session())
        # One paint from the opening screen to the loaded chat: drawn before its messages
        # are mounted, the chat would flash up empty for a frame.
        with self.batch_update():
            if opening is self.screen:
                await self.switch_screen(chat)
            else:  # a dialog over it (none should be): the chat goes on top
                await self.push_screen(chat)
            await chat.shown.wait()
            self._started()
            if typed:  # before any key that reached the chat's box during the hand-over
                box = chat.chat_input
                box.insert(typed, (0, 0))
                box.move_cursor(box.document.end)
        self._carried = ""
        if sent:
            chat.chat_input.action_submit()
        self._loaded.set()
        self.call_after_refresh(_collect_from_now_on)
        if self.stopped_by is not None or self.quit_asked:  # it came during the hand-over
            self.run_worker(self.action_quit(), group="quit")

    def _typed_while_loading(self) -> bool:
        from coach.ui.screens.opening import OpeningScreen

        opening = [s for s in self.screen_stack if isinstance(s, OpeningScreen)]
        return bool(self._carried) or any(s.typed for s in opening)

    async def _quit_from_opening(self, typed: str) -> None:
        """Quit before the chat is drawn, keeping what was typed as a new conversation's draft.

        Sent or not: with the app quitting, no reply could be shown, and a draft loses nothing.
        """
        if typed:
            session = self._new_session()
            await in_thread(self._error, lambda: session.save_draft(typed))
        self._carried = ""
        self._loaded.set()
        await self.action_quit()

    async def _keep_first_screen(self) -> None:
        """Keep what a new conversation's first screen shows, for the next start to paint."""
        from coach.ui.screens.opening import capture
        from coach.ui.widgets.key_bar import KeyBar

        keep, chat = self._keep_opening, self.chat
        if keep is None or chat is None or chat is not self.screen:
            return
        if any(m.role == "user" for m in chat.session.messages):
            return  # the user's words never go into the cache
        if self.focused is not chat.chat_input:  # still loading: the key bar follows focus
            self.set_timer(KEEP_OPENING_DELAY, self._keep_first_screen)
            return
        chat.query_one(KeyBar).refresh_keys()  # as they are now, with the box focused
        opening = capture(chat, chat.session.state.language, self.options.theme)
        if opening is None or (self._loading is not None and opening == self._loading.opening):
            return
        # Not kept is not a failure: the next start is the ordinary one. Nothing to say.
        await in_thread(lambda _line: None, lambda: keep(opening))

    def close_store(self) -> None:
        """Close the database, if it was opened (the factory calls this after the app ends)."""
        if self._ctx is not None:
            self._ctx.store.close()

    def action_command_palette(self) -> None:
        if self._loaded.is_set():  # its commands act on the context, loaded after the opening
            super().action_command_palette()

    @work(group="warm-up")
    async def warm_up(self) -> None:
        """Load the model client and tokenizer after the first frame, not before it.

        Afterwards (and after the first frame) the objects alive so far, mostly imported
        modules, are frozen out of the garbage collector: a full collection traversing
        them paused the UI for 100-190 ms in the middle of a streamed reply.
        """
        from coach.engines.errors import EngineError

        try:
            notices = await self.ctx.engine.warm_up()
        # The model client's import and set-up, the tokenizer's and the encoder's files: the
        # first turn will try again and report it there. (The encoder reports its own.)
        except (ImportError, OSError, ValueError, EngineError) as exc:
            self.notify(one_line(exc), severity="warning", markup=False)
            return
        for notice in notices:
            self.notify(notice, severity="warning", markup=False, timeout=10)
        gc.freeze()

    def watch_theme(self, theme: str) -> None:
        """Remember the theme the user picks, for the next start."""
        if self.options.prefs_path is not None and theme != self.options.theme:
            self.options.theme = theme
            self.save_theme(theme)

    @work(group="prefs")
    async def save_theme(self, theme: str) -> None:
        path = self.options.prefs_path
        if path is None:
            return
        await in_thread(
            lambda line: self.notify(line, severity="warning", markup=False),
            lambda: save_prefs(path, {**load_prefs(path), "theme": theme}),
        )

    @work(exclusive=True, group="open")
    async def open_conversation(self, conversation_id: str, switch: bool = True) -> None:
        """Load a saved conversation off the UI thread and show it."""
        from coach.session import Session, open_elsewhere

        session = await in_thread(
            self._error, lambda: Session.resume(self.ctx, conversation_id, True)
        )
        if isinstance(session, Failed):
            if not switch:
                self.push_screen(self._chat(self._new_session()))
            return
        if session.read_only:  # another window has it: shown, but this one never writes
            self.notify(
                open_elsewhere(session.state.language), severity="warning", markup=False, timeout=10
            )
        await self._show(self._chat(session), switch)

    async def _show(self, screen: ChatScreen, switch: bool) -> None:
        while switch and len(self.screen_stack) > 2:
            self.pop_screen()
        if switch and self.chat is not None:
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)

    async def action_new_conversation(self) -> None:
        await self._save_draft()
        await self._show(self._chat(self._new_session()), switch=True)

    async def action_conversations(self) -> None:
        from coach.ui.screens.conversations import ConversationsScreen

        await self._save_draft()
        phases: dict[str, str] = {p.id: p.title(self.language) for p in self.ctx.flow.phases}
        await self.push_screen(
            ConversationsScreen(
                self.ctx.store, self.language, phases, self.ctx.today, self._automatic_title
            )
        )

    async def action_lessons(self) -> None:
        """The lesson reader, open at the lesson and passage the coach last cited."""
        from coach.ui.screens.lessons import LessonsScreen

        chat = self.chat
        lesson, quote = None, ""
        if chat is not None:
            state = chat.session.state
            cited = state.chosen_path or (
                state.candidate_paths[0] if state.candidate_paths else None
            )
            if cited is not None:
                path = self.ctx.flow.path(cited)
                lesson, quote = path.lesson, path.quote
        session = chat.session if chat is not None else None

        async def mark(lesson_id: str) -> None:
            if session is not None:  # the course record is a nicety: a failure is said, no more
                await in_thread(self._error, lambda: session.mark_read([lesson_id], "opened"))

        screen = LessonsScreen(
            self.ctx.lessons, self.language, lesson, quote, lambda i: self.run_worker(mark(i))
        )
        await self.push_screen(screen)

    def _automatic_title(self, conversation_id: str) -> str:
        """The title coach makes from the dream job and path. Blocking I/O (one read)."""
        from coach.session import make_title

        return make_title(self.ctx.store.state(conversation_id), self.ctx.flow)

    def on_conversations_screen_resume(self, event: ConversationsScreen.Resume) -> None:
        self.open_conversation(event.conversation_id)

    async def on_conversations_screen_deleted(self, event: ConversationsScreen.Deleted) -> None:
        """Replace the open conversation with a new one if it was the one deleted."""
        chat = self.chat
        if chat is not None and chat.session.conversation_id == event.conversation_id:
            await self.show_new_session()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self._ctx is not None:
            yield from coach_commands(self)
