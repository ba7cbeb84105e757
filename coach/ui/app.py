"""The Textual app: wiring only. Screens do the work; the session does the saving."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

from rich.text import Text
from textual import on, work
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import WorkerError, WorkerFailed

from coach.domain.text import Language
from coach.engines.errors import EngineError
from coach.session import MESSAGE_LIMIT, Context, Session, make_title, open_elsewhere
from coach.store.prefs import load_prefs, save_prefs
from coach.store.records import StoreError
from coach.ui.actions import ChatActions
from coach.ui.background import DRAFT_EVERY, Failed, in_thread, one_line
from coach.ui.base import Options
from coach.ui.commands import coach_commands
from coach.ui.course_actions import CourseActions
from coach.ui.keys import KEY_IDS
from coach.ui.screens.chat import ChatScreen
from coach.ui.strings import t
from coach.ui.widgets.chat_input import ChatInput

if TYPE_CHECKING:  # the list screen (and DataTable) load on first use, off the first frame
    from coach.ui.screens.conversations import ConversationsScreen


WARM_UP_DELAY = 0.3
STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))
"""Closing the window (SIGHUP) or `kill` (SIGTERM): quit as Ctrl+Q does, draft kept."""


@runtime_checkable
class KeepsDraft(Protocol):
    """A screen holding words the user has not saved (the activity editor)."""

    async def keep_draft(self) -> None:
        """Write them now: the app is quitting."""


def _terminal_gone() -> bool:
    """True when the terminal hung up: a write to it, even of nothing, fails (EIO)."""
    stream = sys.__stderr__  # where Textual writes
    try:
        os.write(stream.fileno() if stream is not None else 2, b"")
    except (OSError, ValueError):
        return True
    return False


def _collect_from_now_on() -> None:
    """After the first frame, collect again (``coach.start`` paused it for start-up).

    What start-up made is frozen first: kept out of every collection from now on.
    """
    gc.freeze()
    gc.enable()


class CoachApp(ChatActions, CourseActions):
    """coach's terminal UI."""

    TITLE = "coach"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(
        self,
        ctx: Context,
        language: Language,
        resume_id: str | None = None,
        notices: Iterable[tuple[str, bool]] = (),
        mode: str = "",
        options: Options | None = None,
    ) -> None:
        super().__init__(ctx, language, options)
        self.resume_id = resume_id
        self.notices = list(notices)
        self.offline = ctx.engine.name == "offline"
        self.mode = mode
        """What the top bar says about the engine when it is not offline (the model name)."""
        self.stopped_by: int | None = None
        """The signal that ended the app, if one did (the exit status is 128 + it)."""
        self._draft_timer: Timer | None = None
        self._draft_failing = False

    def _chat(self, session: Session) -> ChatScreen:
        return ChatScreen(session, self.offline, self.mode)

    def on_mount(self) -> None:
        self.call_after_refresh(_collect_from_now_on)
        loop = asyncio.get_running_loop()
        for signum in STOP_SIGNALS:  # only the main thread may; tests run elsewhere too
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, self._stop, signum)
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
        if self.resume_id is None:
            self.push_screen(self._chat(Session.new(self.ctx, self.language)))
        else:
            self.open_conversation(self.resume_id, switch=False)

    @work(group="warm-up")
    async def warm_up(self) -> None:
        """Load the model client and tokenizer after the first frame, not before it.

        Afterwards (and after the first frame) the objects alive so far, mostly imported
        modules, are frozen out of the garbage collector: a full collection traversing
        them paused the UI for 100-190 ms in the middle of a streamed reply.
        """
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

    async def _save_draft(self) -> None:
        # An activity being written keeps its words too. Its screen loads on first use, so
        # it is found by what it can do (a Protocol) rather than by its class.
        for screen in self.screen_stack:
            if isinstance(screen, KeepsDraft):
                await screen.keep_draft()
        chat = self.chat
        if chat is None:
            return
        draft = chat.current_draft()
        if draft == chat.session.draft:
            return
        await in_thread(self._error, lambda: chat.session.save_draft(draft))  # a quit goes on

    @on(ChatInput.Changed, "#input")
    def _typed(self) -> None:
        # Unsent words are kept while typing, not only on quitting: a crash or a power cut
        # then loses at most DRAFT_EVERY seconds of them, as in the activity editor.
        if self._draft_timer is None:  # not restarted per key: steady typing still saves
            self._draft_timer = self.set_timer(DRAFT_EVERY, self._keep_typed)

    @work(group="draft")
    async def _keep_typed(self) -> None:
        self._draft_timer = None
        chat = self.chat
        if chat is None:
            return
        session, draft = chat.session, chat.current_draft()
        if draft == session.draft:
            return  # loading a conversation's draft into the box is not typing it
        if len(draft) > MESSAGE_LIMIT:
            return  # a paste too long to send stays in the box, not rewritten every second

        def report(line: str) -> None:  # once, not every second of typing on a full disk
            if not self._draft_failing:
                self._error(line)
            self._draft_failing = True

        sent = session.sent  # read with the box: a message sent before the write outdates it
        done = await in_thread(report, lambda: session.save_draft(draft, sent))
        if not isinstance(done, Failed):
            self._draft_failing = False

    @work(exclusive=True, group="open")
    async def open_conversation(self, conversation_id: str, switch: bool = True) -> None:
        """Load a saved conversation off the UI thread and show it."""
        session = await in_thread(
            self._error, lambda: Session.resume(self.ctx, conversation_id, True)
        )
        if isinstance(session, Failed):
            if not switch:
                self.push_screen(self._chat(Session.new(self.ctx, self.language)))
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
        await self._show(self._chat(Session.new(self.ctx, self.language)), switch=True)

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
        return make_title(self.ctx.store.state(conversation_id), self.ctx.flow)

    def on_conversations_screen_resume(self, event: ConversationsScreen.Resume) -> None:
        self.open_conversation(event.conversation_id)

    async def on_conversations_screen_deleted(self, event: ConversationsScreen.Deleted) -> None:
        """Replace the open conversation with a new one if it was the one deleted."""
        chat = self.chat
        if chat is not None and chat.session.conversation_id == event.conversation_id:
            await self.show_new_session()

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in STOP_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signum)

    def _stop(self, signum: int) -> None:
        """A signal to end: the same quit as Ctrl+Q.

        The draft is kept, and Textual's own exit restores the terminal (mouse reporting and
        the alternate screen off).
        """
        if self.stopped_by is not None:
            return  # a second signal while quitting changes nothing
        self.stopped_by = signum
        self.run_worker(self.action_quit(), group="quit")

    async def action_quit(self) -> None:
        """Quit, keeping any unsent text as the conversation's draft.

        A reply still streaming is stopped first, so what arrived is saved as cancelled
        rather than left to the last once-a-second save. After a signal the draft is saved
        first: with the window gone, nothing else can be counted on.
        """
        if self.stopped_by is not None:
            await self._save_draft()
        chat = self.chat
        if chat is not None and chat.turn is not None:
            chat.turn.cancel()
            with contextlib.suppress(TimeoutError, WorkerError):  # stopped, or it had failed
                await asyncio.wait_for(chat.turn.wait(), timeout=2)
        await self._save_draft()
        with contextlib.suppress(OSError, RuntimeError):  # a socket's close must not stop a quit
            await self.ctx.engine.aclose()
        if self.stopped_by is not None and _terminal_gone():
            # The window closed (SIGHUP): there is no terminal left to restore, and Textual's
            # writer thread, dead on EIO, would block its exit forever. All is saved.
            with contextlib.suppress(OSError, sqlite3.Error, StoreError):
                self.ctx.store.close()
            os._exit(128 + self.stopped_by)
        self.exit(return_code=0 if self.stopped_by is None else 128 + self.stopped_by)

    def _handle_exception(self, error: Exception) -> None:
        """The app's one top-level handler: a bug ends the app with one line, not a traceback.

        Failures a user's disk, database or server can cause are caught where they happen
        (``in_thread``) and reported in a line while the app goes on. Anything reaching here
        is a programming error; Textual cannot carry on after one in a message handler, so
        the app ends, as the CLI's last guard would. Under test (headless) or with
        COACH_DEBUG set, Textual's own handling runs: the traceback, and the test fails.
        Either way the words in the message box are saved first, as the conversation's draft.
        """
        self._keep_draft_now()
        if self.is_headless or os.environ.get("COACH_DEBUG"):
            super()._handle_exception(error)
            return
        cause = error.error if isinstance(error, WorkerFailed) else error
        self._return_code = 1
        self.panic(Text(f"coach: unexpected error: {type(cause).__name__}: {one_line(cause)}"))

    def _keep_draft_now(self) -> None:
        # On this thread, at once: the app is ending. Whatever fails here (the bug may be in
        # the screen itself) must not replace the error being reported, so nothing escapes.
        with contextlib.suppress(Exception):
            chat = self.chat
            if chat is not None and chat.current_draft() != chat.session.draft:
                chat.session.save_draft(chat.current_draft(), chat.session.sent)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from coach_commands(self)
