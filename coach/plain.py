r"""Plain mode: the same coaching, engines and storage as a line-by-line conversation.

No full-screen UI: each line on stdin is one message, and replies are printed as they stream.
Screen readers and pipes can use it: `printf 'nurse\\n...' | coach --plain` prints a
transcript that ends with the plan card.
"""

from __future__ import annotations

import asyncio
import re
from typing import TextIO

from coach.domain.text import Language, clean_for_display
from coach.engines.base import Chunk, Reply
from coach.engines.errors import EngineError
from coach.session import Context, Session, message_problem
from coach.store.db import StoreError

QUIT = {"/quit", "/exit", "/выход"}
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|`([^`]+)`")
_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_ESCAPED = re.compile(r"\\([\\`*_\[\]<>|~#+=.!()-])")


def plain_text(markdown: str) -> str:
    """Markdown as a screen reader should hear it: no asterisks, backticks or hashes."""
    text = _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), clean_for_display(markdown))
    return _ESCAPED.sub(r"\1", _HEADING.sub("", text))


class PlainChat:
    """Reads messages from ``inp`` and writes the conversation to ``out``; errors to ``err``."""

    def __init__(self, ctx: Context, inp: TextIO, out: TextIO, err: TextIO, echo: bool) -> None:
        self.ctx, self.inp, self.out, self.err = ctx, inp, out, err
        self.echo = echo
        """Repeat each message read, so a piped transcript shows both sides."""

    def _say(self, text: str) -> None:
        self.out.write(plain_text(text).rstrip() + "\n\n")
        self.out.flush()

    def _fail(self, message: str) -> None:
        self.err.write(f"coach: {clean_for_display(message)}\n")
        self.err.flush()

    async def run(self, session: Session) -> int:
        if session.messages:
            self._say(session.messages[-1].content)
        while True:
            line = await asyncio.to_thread(self.inp.readline)
            if not line:
                return 0
            text = line.rstrip("\n").rstrip("\r")
            if text.strip().lower() in QUIT:
                return 0
            if not text.strip():
                continue
            problem = message_problem(text, session.state.language)
            if problem is not None:
                self._fail(problem)
                continue
            if self.echo:
                self.out.write(f"> {clean_for_display(text)}\n\n")
            await self._turn(session, text)

    async def _turn(self, session: Session, text: str) -> None:
        try:
            await asyncio.to_thread(session.record_user, text)
        except StoreError as exc:
            self._fail(str(exc))
            return
        streamed: list[str] = []
        try:
            reply: Reply | None = None
            async for event in session.events(text):
                if isinstance(event, Chunk):
                    streamed.append(event.text)
                    self.out.write(clean_for_display(event.text))
                    self.out.flush()
                else:
                    reply = event
            if reply is None:
                return
            await asyncio.to_thread(session.record_reply, reply)
            if streamed and "".join(streamed) == reply.text:
                self.out.write("\n\n")
            else:
                if streamed:
                    self.out.write("\n\n")
                self._say(reply.text)
        except Exception as exc:  # one line, and the conversation goes on
            if streamed:
                self.out.write("\n\n")
                await asyncio.to_thread(session.record_unfinished, "".join(streamed), "error")
            if isinstance(exc, EngineError):
                self._fail(exc.localized(session.state.language, front="plain"))
            else:
                self._fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


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
        try:
            return await chat.run(session)
        finally:
            await ctx.engine.aclose()

    return asyncio.run(main())
