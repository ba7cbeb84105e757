"""The chat screen: the conversation, the message box and the side panel."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from coach.engines.base import Reply
from coach.session import Session, Shown
from coach.store.db import StoreError
from coach.ui.strings import t
from coach.ui.widgets.chat_input import ChatInput
from coach.ui.widgets.key_bar import KeyBar
from coach.ui.widgets.messages import CoachMessage, UserMessage
from coach.ui.widgets.side_panel import SidePanel


def one_line(exc: BaseException) -> str:
    """A failure as one line for the user; never a traceback."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class ChatScreen(Screen[None]):
    """One coaching conversation."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "app.new_conversation", "New"),
        Binding("ctrl+o", "app.conversations", "Conversations"),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    def __init__(self, session: Session, offline: bool) -> None:
        super().__init__()
        self.session = session
        self.offline = offline
        self.busy = False

    def compose(self) -> ComposeResult:
        lang = self.session.state.language
        with Horizontal(id="top-bar"):
            yield Static("coach", id="app-name")
            if self.offline:
                yield Static(t("offline_badge", lang), id="mode-badge")
        with Horizontal(id="main"):
            with Vertical(id="chat-column"):
                yield VerticalScroll(id="messages")
                yield ChatInput(id="input", placeholder=t("placeholder", lang))
            yield SidePanel(self.session.ctx.flow, self.session.ctx.lessons, id="side")
        yield KeyBar()

    async def on_mount(self) -> None:
        await self.load_session(self.session)

    async def load_session(self, session: Session) -> None:
        """Show ``session``: its messages, draft and side panel."""
        self.session = session
        messages = self.query_one("#messages", VerticalScroll)
        await messages.remove_children()
        await messages.mount_all([self._widget_for(m) for m in session.messages])
        chat_input = self.query_one(ChatInput)
        chat_input.load_text(session.draft)
        chat_input.focus()
        self._apply_language()
        await self.query_one(SidePanel).show(self.session.state)
        self.query_one("#messages", VerticalScroll).anchor()

    def _apply_language(self) -> None:
        """Relabel the screen when the conversation's language changes."""
        lang = self.session.state.language
        self.query_one(ChatInput).placeholder = t("placeholder", lang)
        for badge in self.query("#mode-badge").results(Static):
            badge.update(t("offline_badge", lang))
        you, coach = t("you", lang), t("coach", lang)
        for message in self.query(".message"):
            message.border_title = you if isinstance(message, UserMessage) else coach

    def _widget_for(self, message: Shown) -> UserMessage | CoachMessage:
        lang = self.session.state.language
        if message.role == "user":
            return UserMessage(message.content, t("you", lang))
        return CoachMessage(message.content, t("coach", lang))

    async def _append(self, message: Shown) -> None:
        messages = self.query_one("#messages", VerticalScroll)
        await messages.mount(self._widget_for(message))
        messages.anchor()

    @on(ChatInput.Submitted)
    def send(self, event: ChatInput.Submitted) -> None:
        if self.busy:
            self.notify(t("thinking", self.session.state.language), markup=False)
            return
        if not event.text.strip():
            return
        self.busy = True
        self.query_one(ChatInput).clear()
        self.run_turn(event.text)

    @work(exclusive=True, group="turn")
    async def run_turn(self, text: str) -> None:
        """Save the user's words first, then ask the engine, then save the reply and state."""
        try:
            shown = await asyncio.to_thread(self.session.record_user, text)
        except StoreError as exc:
            self.busy = False
            chat_input = self.query_one(ChatInput)
            if not chat_input.text:
                chat_input.load_text(text)  # not saved, so give the words back
            self.notify(one_line(exc), severity="error", markup=False, timeout=10)
            return
        await self._append(shown)
        try:
            reply: Reply | None = None
            async for event in self.session.events(text):
                if isinstance(event, Reply):  # streamed Chunks are not shown yet
                    reply = event
            if reply is not None:
                saved = await asyncio.to_thread(self.session.record_reply, reply)
                await self._append(saved)
                await self.query_one(SidePanel).show(self.session.state)
                self._apply_language()
        except Exception as exc:  # any failure becomes one line; the conversation stays
            self.notify(one_line(exc), severity="error", markup=False, timeout=10)
        finally:
            self.busy = False

    def current_draft(self) -> str:
        return self.query_one(ChatInput).text
