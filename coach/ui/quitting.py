"""Ending the app: Ctrl+Q, a signal (a closed window, `kill`), or a bug.

Inherited by CoachApp like the action classes. Every way out keeps the user's unsent words.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys

from rich.text import Text
from textual.worker import WorkerError, WorkerFailed

from coach.ui.background import one_line
from coach.ui.drafts import DraftActions

STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))
"""Closing the window (SIGHUP) or `kill` (SIGTERM): quit as Ctrl+Q does, draft kept."""


def _terminal_gone() -> bool:
    """True when the terminal hung up: a write to it, even of nothing, fails (EIO)."""
    stream = sys.__stderr__  # where Textual writes
    try:
        os.write(stream.fileno() if stream is not None else 2, b"")
    except (OSError, ValueError):
        return True
    return False


class QuitActions(DraftActions):
    """Quitting with everything saved, however the end comes."""

    stopped_by: int | None = None
    """The signal that ended the app, if one did (the exit status is 128 + it)."""
    quit_asked = False
    """Ctrl+Q was pressed while loading behind the opening screen: quit once loaded."""
    _loaded: asyncio.Event
    """Set once the context is loaded and the first chat screen is up (CoachApp)."""

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
        if not self._loaded.is_set():  # still loading behind the opening screen
            if not self._typed_while_loading() and _terminal_gone():
                os._exit(128 + signum)  # the window closed, with nothing typed to keep
            return  # it quits once loaded, keeping what was typed
        self.run_worker(self.action_quit(), group="quit")

    def _end_unloaded(self) -> None:
        """End before anything was loaded: there is no store to keep words in."""
        if self.stopped_by is not None and _terminal_gone():
            os._exit(128 + self.stopped_by)
        self.exit(return_code=0 if self.stopped_by is None else 128 + self.stopped_by)

    def _typed_while_loading(self) -> bool:
        """Whether words were typed before loading ended (CoachApp knows the opening screen)."""
        return False

    async def action_quit(self) -> None:
        """Quit, keeping any unsent text as the conversation's draft.

        A reply still streaming is stopped first, so what arrived is saved as cancelled
        rather than left to the last once-a-second save. After a signal the draft is saved
        first: with the window gone, nothing else can be counted on.
        """
        if not self._loaded.is_set():  # still loading behind the opening screen
            if self.quit_asked:  # asked again: the loading may be stuck, so go without it
                self._end_unloaded()
            self.quit_asked = True  # it quits once loaded, keeping what was typed
            return  # (not waiting here: Textual awaits a key's action before the next key)
        if self._ctx is None:  # loading failed: the app is ending already
            return
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
            from coach.store.records import StoreError

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
