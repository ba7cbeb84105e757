"""Unsent words: kept while typing, on quitting, and when a bug ends the app.

Inherited by CoachApp like the action classes, so the app module stays wiring.
"""

from __future__ import annotations

import contextlib
from typing import Protocol, runtime_checkable

from textual import on, work
from textual.timer import Timer

from coach.ui.background import DRAFT_EVERY, Failed, in_thread
from coach.ui.base import CoachBase
from coach.ui.widgets.chat_input import ChatInput


@runtime_checkable
class KeepsDraft(Protocol):
    """A screen holding words the user has not saved (the activity editor)."""

    async def keep_draft(self) -> None:
        """Write them now: the app is quitting."""


class DraftActions(CoachBase):
    """Saving what is in the message box (and the activity editor) as the draft."""

    _draft_timer: Timer | None = None
    _draft_failing = False

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
        if chat is None:  # the opening screen: the chat takes its words once loaded
            return
        from coach.session import MESSAGE_LIMIT  # not before: still loading, it would block

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

    def _keep_draft_now(self) -> None:
        # On this thread, at once: the app is ending. Whatever fails here (the bug may be in
        # the screen itself) must not replace the error being reported, so nothing escapes.
        with contextlib.suppress(Exception):
            chat = self.chat
            if chat is not None and chat.current_draft() != chat.session.draft:
                chat.session.save_draft(chat.current_draft(), chat.session.sent)
