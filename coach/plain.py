r"""Plain mode: the same coaching, engines and storage as a line-by-line conversation.

No full-screen UI: each line on stdin is one message, and replies are printed as they stream.
Screen readers and pipes can use it: `printf 'nurse\\n...' | coach --plain` prints a
transcript that ends with the plan card.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import threading
from typing import TextIO

from coach.domain.locale import command
from coach.domain.text import Language, clean_for_display
from coach.i18n import t
from coach.session import Context, Session, message_problem
from coach.store.db import StoreError
from coach.turn import Cut, Failed, ReplySaved, Text, TurnEvent, Unsent, failure_line

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|`([^`]+)`")
_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_ESCAPED = re.compile(r"\\([\\`*_\[\]<>|~#+=.!()-])")


def plain_text(markdown: str) -> str:
    """Markdown as a screen reader should hear it: no asterisks, backticks or hashes."""
    text = _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), clean_for_display(markdown))
    return _ESCAPED.sub(r"\1", _HEADING.sub("", text))


def _words(text: str) -> str:
    """Text with its spacing folded: rounds of a reply are joined with their ends trimmed."""
    return " ".join(text.split())


class _Lines:
    """Streamed Markdown printed as plain text like every message, a word or a line at a time."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._line = ""
        self.printed = False

    def feed(self, piece: str) -> None:
        self._line += clean_for_display(piece)
        *whole, self._line = self._line.split("\n")
        for line in whole:
            self.out.write(plain_text(line) + "\n")
            self.printed = True
        # Whole words go out as they come, unless an emphasis or code span is still open:
        # a long paragraph must stream, not wait for its end.
        cut = self._line.rfind(" ")
        if cut > 0 and self._line.count("*") % 2 == 0 and self._line.count("`") % 2 == 0:
            words, self._line = self._line[: cut + 1], self._line[cut + 1 :]
            self.out.write(plain_text(words))
            self.printed = True
        self.out.flush()

    def end(self) -> None:
        """The last line, and the blank line that ends every message."""
        if self._line:
            self.out.write(plain_text(self._line))
            self._line, self.printed = "", True
        if self.printed:
            self.out.write("\n\n")
            self.out.flush()


class PlainChat:
    """Reads messages from ``inp`` and writes the conversation to ``out``; errors to ``err``."""

    def __init__(self, ctx: Context, inp: TextIO, out: TextIO, err: TextIO, echo: bool) -> None:
        self.ctx, self.inp, self.out, self.err = ctx, inp, out, err
        self.echo = echo
        """Repeat each message read, so a piped transcript shows both sides."""
        self._session: Session | None = None
        self._turn_task: asyncio.Task[None] | None = None
        self.stopped_by: int | None = None
        """The signal that stopped a reply mid-stream, if one did."""
        self._lines: asyncio.Queue[str] = asyncio.Queue()
        self._cancellable = False
        """Only waiting on the stream, a line or a model may be cut; a save runs to its end."""
        self.interrupted = False
        """Ctrl+C stopped the reply in flight: the conversation goes on."""

    def _say(self, text: str) -> None:
        self.out.write(plain_text(text).rstrip() + "\n\n")
        self.out.flush()

    def _warmed(self, task: asyncio.Task[list[str]]) -> None:
        if task.cancelled():
            return
        if task.exception() is not None:
            return  # the first turn tries again and reports it there
        for notice in task.result():
            self._fail(notice)

    def _fail(self, message: str) -> None:
        with contextlib.suppress(OSError):  # the window may be gone (SIGHUP): nothing to tell
            self.err.write(f"coach: {clean_for_display(message)}\n")
            self.err.flush()

    async def run(self, session: Session) -> int:
        self._session = session
        if session.messages:
            self._say(session.messages[-1].content)
        # The encoder (and a model client) load while the person reads and types; a message
        # sent sooner waits for the same load inside the engine.
        warming = asyncio.create_task(self.ctx.engine.warm_up())
        warming.add_done_callback(self._warmed)
        self._start_reading()
        while True:
            line = await self._lines.get()
            if not line:
                return 0
            text = line.rstrip("\n").rstrip("\r")
            if text.strip().lower() in {f"/{w}" for w in command("quit")}:
                return 0
            if not text.strip():
                continue
            problem = message_problem(text, session.state.language)
            if problem is not None:
                self._fail(problem)
                continue
            if self.echo:
                self.out.write(f"> {clean_for_display(text)}\n\n")
            name, _, arg = text.strip().partition(" ")
            if name.lower() == "/write":
                work = self._write(session, arg.strip())
            elif name.lower() == "/skip":
                work = self._skip(session)
            else:
                work = self._turn(session, text)
            self._turn_task = asyncio.create_task(work)
            try:
                await self._turn_task
            except asyncio.CancelledError:
                if self.stopped_by is None:
                    raise
            finally:
                self._turn_task = None
                self.interrupted = False  # a Ctrl+C belongs to the work it came during
            if self.stopped_by is not None:  # SIGTERM or SIGHUP: what arrived is kept
                self._fail(t("plain_stopped", session.state.language))
                return 128 + self.stopped_by

    def stop(self, signum: int) -> None:
        """Ctrl+C, SIGTERM or SIGHUP: a reply streaming now is stopped and what arrived kept.

        After Ctrl+C the conversation goes on; SIGTERM and SIGHUP then end coach.

        Waiting for a line, nothing is unsaved (each message is committed as it is read), so
        coach ends at once, as the signal would have it, rather than wait for the line.
        """
        task = self._turn_task
        if task is not None and not task.done():
            # Ctrl+C stops the reply, as Esc does in the app; SIGTERM and SIGHUP end coach.
            if signum == getattr(signal, "SIGINT", None):
                self.interrupted = True
            else:
                self.stopped_by = signum
            if self._cancellable:
                task.cancel()  # else the save finishes first, and the flag is read after it
            elif self._session is not None:
                self._session.stop_turn()  # a reply: the session stops it, past any save
            return
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    def _stopped_by_ctrl_c(self, language: Language) -> None:
        """After a cancel: Ctrl+C says so and the conversation goes on; else it propagates."""
        if not self.interrupted:
            raise asyncio.CancelledError  # SIGTERM or SIGHUP: coach ends
        self.interrupted = False
        self._fail(t("err_interrupted", language))

    def _start_reading(self) -> None:
        """Read stdin in a daemon thread: Ctrl+C at the prompt must not wait for a line."""
        loop = asyncio.get_running_loop()

        def read() -> None:
            while True:
                try:
                    line = self.inp.readline()
                except (OSError, ValueError):  # the terminal is gone, or stdin was closed
                    line = ""
                try:
                    loop.call_soon_threadsafe(self._lines.put_nowait, line)
                except RuntimeError:  # coach has ended while a line was being read
                    return
                if not line:
                    return

        threading.Thread(target=read, name="plain-stdin", daemon=True).start()

    async def _write(self, session: Session, activity_id: str) -> None:
        """An activity in plain mode: its brief, lines up to a lone ".", then the feedback."""
        lang = session.state.language
        activity = session.activity(activity_id or session.state.offered)
        if activity is None:
            self._fail(t("activity_unknown_id" if activity_id else "activity_offered_none", lang))
            self._say("\n".join(f"- {a.id}: {a.title(lang)}" for a in self.ctx.activities))
            return
        self._say(f"{activity.title(lang)}\n\n{activity.instructions(lang).strip()}")
        self._say(t("plain_write_intro", lang))
        lines: list[str] = []
        self._cancellable = True
        try:
            while (line := await self._lines.get()) and line.strip() != ".":
                lines.append(line.rstrip("\n").rstrip("\r"))
                if self.echo:  # a piped transcript shows the text as it shows messages
                    self.out.write(f"> {clean_for_display(lines[-1])}\n")
                    self.out.flush()
        except asyncio.CancelledError:  # a signal mid-text: keep it as the activity's draft
            if lines:
                with contextlib.suppress(StoreError):
                    session.save_activity_draft(activity.id, "\n".join(lines))
            self._stopped_by_ctrl_c(lang)
            return
        finally:
            self._cancellable = False
        text = "\n".join(lines).strip()
        if not text:
            self._fail(t("activity_empty", lang))
            return
        try:
            version = await asyncio.to_thread(session.submit_activity, activity, text)
        except StoreError as exc:
            self._fail(str(exc))
            return
        title = activity.title(lang)
        self._say(t("activity_saved_note", lang, title=title, n=version.version))
        self._cancellable = True  # the text is saved; only the feedback can be cut
        try:
            feedback, error = await session.feedback(activity, version)
        except asyncio.CancelledError:
            self._stopped_by_ctrl_c(lang)
            return
        finally:
            self._cancellable = False
        if error is not None:
            self._fail(error.localized(lang, front="write"))
        self._say(feedback.render(self.ctx.flow, lang))
        try:
            await asyncio.to_thread(session.keep_feedback, version, feedback)
        except StoreError as exc:
            self._fail(str(exc))

    async def _skip(self, session: Session) -> None:
        lang = session.state.language
        activity = session.activity(session.state.offered)
        if activity is None:
            self._fail(t("activity_nothing_to_skip", lang))
            return
        try:
            await asyncio.to_thread(session.skip_activity, activity)
        except StoreError as exc:
            self._fail(str(exc))
            return
        self._say(t("activity_skipped_note", lang, title=activity.title(lang)))

    async def _turn(self, session: Session, text: str) -> None:
        """One turn, shown as the session reports it; Ctrl+C ends only the reply."""
        lines = _Lines(self.out)
        streamed: list[str] = []
        try:
            async with contextlib.aclosing(session.run_turn(text)) as events:
                async for event in events:
                    self._show(session, event, lines, streamed)
        except OSError:  # the terminal is gone (SIGHUP): what arrived was kept, marked
            return

    def _show(self, session: Session, event: TurnEvent, lines: _Lines, streamed: list[str]) -> None:
        lang = session.state.language
        if isinstance(event, Text):
            streamed.append(event.text)
            lines.feed(event.text)
        elif isinstance(event, ReplySaved):
            lines.end()
            self.interrupted = False  # a Ctrl+C during the last save: the reply was whole
            if _words("".join(streamed)) != _words(event.shown.content):
                self._say(event.shown.content)  # words the engine did not stream: shown whole
        elif isinstance(event, Cut):
            with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
                lines.end()
            if event.status == "cancelled" and self.interrupted:
                self.interrupted = False  # Ctrl+C: said, and the conversation goes on
                self._fail(t("err_interrupted", lang))
        elif isinstance(event, Unsent | Failed):
            self._fail(failure_line(event.error, lang, "plain"))


def run_plain(
    ctx: Context,
    language: Language,
    resume_id: str | None,
    inp: TextIO,
    out: TextIO,
    err: TextIO,
    echo: bool,
) -> int:
    """Run a plain conversation to the end of input; returns the exit status."""
    session = Session.resume(ctx, resume_id) if resume_id else Session.new(ctx, language)
    chat = PlainChat(ctx, inp, out, err, echo)

    async def main() -> int:
        loop = asyncio.get_running_loop()
        for signum in STOP_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, chat.stop, signum)
        try:
            return await chat.run(session)
        except asyncio.CancelledError:
            return 130
        finally:
            await ctx.engine.aclose()

    return asyncio.run(main())
