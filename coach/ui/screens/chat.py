"""The chat screen: the conversation, the message box and the side panel."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import ClassVar

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker

from coach.domain.machine import quick_answers
from coach.domain.text import clean_for_display
from coach.engines.base import ContextUse
from coach.session import Session, Shown, message_problem
from coach.turn import (
    Cut,
    Expected,
    ReplySaved,
    Text,
    TurnEvent,
    Unsent,
    UserSaved,
    failure_line,
)
from coach.ui.strings import t
from coach.ui.widgets.chat_input import ChatInput
from coach.ui.widgets.choices import CHOICE_KEYS, Choices, Option, free_keys
from coach.ui.widgets.key_bar import KeyBar
from coach.ui.widgets.message_list import MessageList
from coach.ui.widgets.messages import CoachMessage, UserMessage
from coach.ui.widgets.side_panel import SidePanel

RECENT = 20
"""Messages mounted on opening a conversation: more than a screenful, few enough to be quick."""
BATCH = 50
"""Older messages mounted each time the user scrolls to the top."""


class ChatScreen(Screen[None]):
    """One coaching conversation."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "app.new_conversation", "New", id="new"),
        Binding("ctrl+o", "app.conversations", "Conversations", id="conversations"),
        Binding("ctrl+l", "app.lessons", "Lessons", id="lessons"),
        Binding("ctrl+t", "app.write", "Write", id="write"),
        Binding("ctrl+g", "app.course", "Course", id="course"),
        Binding("ctrl+q", "app.quit", "Quit", id="quit"),
        Binding("escape", "stop", "Stop", id="stop"),
        Binding("ctrl+r", "retry", "Retry", id="retry"),
        Binding("f1", "app.help", "Help", id="help", show=False),
        Binding("ctrl+b", "app.copy_reply", "Copy", id="copy", show=False),
        # F2, F3, ... pick the choices above the input; the row labels them, not the key bar.
        *(Binding(key, f"pick({key!r})", "Choice", show=False) for key in CHOICE_KEYS),
    ]
    NOTES: ClassVar[dict[str, str]] = {
        "cancelled": "stopped",
        "error": "unfinished",
        "partial": "interrupted",
    }
    busy: reactive[bool] = reactive(False, init=False)
    """A reply is in flight: no other turn starts, and the choices hide."""
    language: reactive[str] = reactive("", init=False, always_update=True)
    """The conversation's language: the screen relabels itself when it is set (/lang, or a
    conversation opened in this screen, whose new messages need labels too)."""

    def __init__(self, session: Session, offline: bool, mode: str = "") -> None:
        super().__init__()
        self.session = session
        self.offline = offline
        self.mode = mode
        self.turn: Worker[None] | None = None
        """The turn in flight, to cancel when the app quits."""
        self._streaming: CoachMessage | None = None
        self._first_shown = 0
        """Index in session.messages of the oldest message on screen."""
        self._choices = Choices(id="choices")
        """The pending question's fixed answers, above the input."""
        self.shown = asyncio.Event()
        """Set once the first session is on screen (the opening screen waits for it)."""

    def compose(self) -> ComposeResult:
        lang = self.session.state.language
        with Horizontal(id="top-bar"):
            yield Static("coach", id="app-name")
            if self.offline:
                yield Static(t("offline_badge", lang), id="mode-badge")
            elif self.mode:
                yield Static(Content(self.mode), id="model-badge")
        with Horizontal(id="main"):
            with Vertical(id="chat-column"):
                yield MessageList(id="messages")
                yield Static(id="status")
                yield self._choices
                yield ChatInput(id="input", placeholder=t("placeholder", lang))
            ctx = self.session.ctx
            yield SidePanel(ctx.flow, ctx.lessons, ctx.activities, id="side")
        yield KeyBar()

    async def on_mount(self) -> None:
        await self.load_session(self.session)
        self.shown.set()

    async def load_session(self, session: Session) -> None:
        """Show ``session``: its messages, draft and side panel."""
        self.session = session
        messages = self.message_view
        await messages.remove_children()
        recent = session.messages[-RECENT:]
        self._first_shown = len(session.messages) - len(recent)
        await messages.mount(Static(id="earlier"))
        await messages.mount_all([self._widget_for(m) for m in recent])
        self._label_earlier()
        chat_input = self.chat_input
        chat_input.load_text(session.draft)
        chat_input.focus()
        self.language = session.state.language
        await self.side_panel.show(self.session.state)
        self.message_view.anchor()
        last = session.messages[-1] if session.messages else None
        if not self.offline and last is not None and last.status == "partial":
            self._set_status(t("interrupted_hint", session.state.language))
        self._offer_choices()

    @property
    def message_view(self) -> VerticalScroll:
        """The scrolling column of messages."""
        return self.query_one("#messages", VerticalScroll)

    @property
    def chat_input(self) -> ChatInput:
        return self.query_one(ChatInput)

    @property
    def side_panel(self) -> SidePanel:
        return self.query_one(SidePanel)

    @property
    def status_line(self) -> Static:
        """One line under the messages: a failure, an interrupted reply, what Esc did."""
        return self.query_one("#status", Static)

    def _offer_choices(self) -> None:
        """Show the pending question's fixed answers, or hide the row (busy, paused, free text).

        A path is sent as its number ("1"), the rest as the words shown: what the coach reads.
        """
        state = self.session.state
        options: list[Option] = []
        if not self.busy:
            flow = self.session.ctx.flow
            numbered = state.pending is not None and flow.step(state.pending).kind == "path_choice"
            answers = quick_answers(flow, state)
            keys = self._choice_keys()  # more answers than keys: the rest are typed
            for number, (answer, key) in enumerate(zip(answers, keys, strict=False), 1):
                options.append(Option(answer, str(number) if numbered else answer, key))
        self._choices.show(options, t("choices_label", state.language))

    def _choice_keys(self) -> list[str]:
        """F2, F3, ...: without a key the config file's [keys] gave to an action."""
        options = getattr(self.app, "options", None)
        keymap: dict[str, str] = getattr(options, "keymap", None) or {}
        return free_keys({k.strip().lower() for keys in keymap.values() for k in keys.split(",")})

    def action_pick(self, key: str) -> None:
        """F2, F3, ...: send that choice. Nothing while a reply is in flight or none is shown."""
        if key not in self._choice_keys():
            raise SkipAction()  # remapped to an action in config.toml: that action has it
        option = self._choices.for_key(key)
        if option is not None:
            self._send_choice(option.send)

    @on(Choices.Picked)
    def picked(self, event: Choices.Picked) -> None:
        self._send_choice(event.option.send)

    def _send_choice(self, text: str) -> None:
        """Send a picked choice as if typed; the draft in the box stays where it is."""
        self.start_turn(text)

    def _label_earlier(self) -> None:
        earlier = self.query_one("#earlier", Static)
        earlier.display = self._first_shown > 0
        text = t("earlier", self.session.state.language, n=f"{self._first_shown:,}")
        earlier.update(Content(text))

    @on(MessageList.NeedEarlier)
    async def show_earlier(self) -> None:
        """Mount the next batch of older messages above, keeping the view where it was."""
        if self._first_shown <= 0:
            return
        start = max(0, self._first_shown - BATCH)
        batch = self.session.messages[start : self._first_shown]
        messages = self.message_view
        anchor = next(iter(messages.query(".message")), None)
        await messages.mount_all([self._widget_for(m) for m in batch], after="#earlier")
        self._first_shown = start
        self._label_earlier()
        if anchor is not None:
            messages.scroll_to_widget(anchor, top=True, animate=False)

    def on_click(self, event: events.Click) -> None:
        if event.widget is not None and event.widget.id == "earlier":
            self.run_worker(self.show_earlier(), exclusive=True, group="earlier")

    def watch_language(self) -> None:
        """Relabel the screen in the conversation's language."""
        lang = self.language
        self.chat_input.placeholder = t("placeholder", lang)
        for badge in self.query("#mode-badge").results(Static):
            badge.update(t("offline_badge", lang))
        for bar in self.query(KeyBar):
            bar.refresh_keys()
        you, coach = t("you", lang), t("coach", lang)
        for message in self.query(".message"):
            message.border_title = you if isinstance(message, UserMessage) else coach

    def _widget_for(self, message: Shown) -> UserMessage | CoachMessage:
        lang = self.session.state.language
        if message.role == "user":
            return UserMessage(message.content, t("you", lang))
        note = self.NOTES.get(message.status)
        return CoachMessage(message.content, t("coach", lang), t(note, lang) if note else "")

    async def _append(self, message: Shown | CoachMessage) -> None:
        """Mount a message, or the reply about to stream, at the bottom, and follow it."""
        messages = self.message_view
        await messages.mount(
            message if isinstance(message, CoachMessage) else self._widget_for(message)
        )
        messages.anchor()

    def _set_status(self, text: str, error: bool = True) -> None:
        """The line above the input: the last failure, or "answering…" before a reply starts.

        Waiting shows too, because a retry after a 429 can take many seconds with no text.
        """
        status = self.status_line
        status.update(Content(clean_for_display(text)))
        status.set_class(not error, "waiting")
        status.display = bool(text)

    @on(ChatInput.Submitted)
    def send(self, event: ChatInput.Submitted) -> None:
        if self.busy:
            self.notify(t("thinking", self.session.state.language), markup=False)
            return
        if not event.text.strip():
            return
        problem = message_problem(event.text, self.session.state.language)
        if problem is not None:
            self._set_status(problem)
            return
        if self._course_command(event.text):
            self.chat_input.clear()
            return
        self.chat_input.clear()
        self.start_turn(event.text.replace("\x00", ""))

    def _course_command(self, text: str) -> bool:
        """``/write [ID]`` opens the editor and ``/skip`` skips: app actions, not a turn."""
        name, _, arg = text.strip().partition(" ")
        if name.lower() == "/write":
            self.run_worker(self.app.run_action(f"write({arg.strip()!r})"))
            return True
        if name.lower() == "/skip":
            self.run_worker(self.app.run_action("skip_activity"))
            return True
        return False

    async def refresh_panel(self) -> None:
        """Redraw the side panel after the course changed outside a turn."""
        await self.side_panel.show(self.session.state)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Stop and Retry only mean something with a model; offline replies are instant."""
        return not (action in ("stop", "retry") and self.offline)

    def action_stop(self) -> None:
        """Esc: stop the reply in flight; what arrived so far is kept, marked as stopped."""
        if self.busy and not self.session.stop_turn() and self.turn is not None:
            self.turn.cancel()  # not streaming yet: the turn ends before it starts

    def action_retry(self) -> None:
        """Send the last message again, when its reply failed or was stopped."""
        lang = self.session.state.language
        if self.busy:
            self.notify(t("thinking", lang), markup=False)
            return
        text = self.session.retry_text()
        if text is None:
            self.notify(t("nothing_to_retry", lang), markup=False)
            return
        self.start_turn(text, retry=True)

    def start_turn(self, text: str, retry: bool = False) -> bool:
        """Send ``text`` (``retry``: send it again), unless a reply is in flight: then False.

        The one way a turn starts, whether typed, picked, retried or a language switch.
        """
        if self.busy:
            return False
        self.busy = True
        self.turn = self._run_turn(text, retry)
        return True

    def watch_busy(self) -> None:
        self._offer_choices()  # hidden while a reply is in flight

    @work(exclusive=True, group="turn")
    async def _run_turn(self, text: str, retry: bool) -> None:
        """Show the session's turn as it happens; the saving is the session's."""
        waiting = "" if self.offline else t("thinking", self.session.state.language)
        self._set_status(waiting, error=False)
        self._streaming = None
        try:
            async with contextlib.aclosing(self.session.run_turn(text, retry)) as events:
                async for event in events:
                    await self._show(event, text)
        except asyncio.CancelledError:  # the app quits: the session kept what arrived
            self._set_status("")
            await self._show_cut("cancelled")
            raise
        finally:
            self._streaming = None
            self.turn = None
            self.busy = False

    async def _show(self, event: TurnEvent, text: str) -> None:
        if isinstance(event, Text):
            if self._streaming is None:
                self._set_status("")
                self._streaming = CoachMessage("", t("coach", self.session.state.language))
                await self._append(self._streaming)
            self._streaming.write(event.text)
        elif isinstance(event, UserSaved):
            await self._append(event.shown)
        elif isinstance(event, ReplySaved):
            self._set_status("")
            await self._show_reply(event)
        elif isinstance(event, Cut):
            if event.status == "cancelled":
                self._set_status("")
            await self._show_cut(event.status)
        elif isinstance(event, Unsent):
            chat_input = self.chat_input
            if not chat_input.text:
                chat_input.load_text(text)  # not saved, so give the words back
            self._fail(event.error)
        else:
            self._fail(event.error)

    async def _show_reply(self, event: ReplySaved) -> None:
        if self._streaming is None:
            await self._append(event.shown)
        else:
            await self._streaming.finish(event.shown.content)
        await self.side_panel.show(self.session.state)
        if event.context is not None:
            self.show_context(event.context)
        self.language = self.session.state.language

    def show_context(self, use: ContextUse) -> None:
        self.side_panel.show_context(use, self.session.state.language)

    async def _show_cut(self, status: str) -> None:
        """Mark what arrived of a reply that did not finish; nothing arrived, no message."""
        streaming = self._streaming
        if streaming is None:
            return
        await streaming.finish()
        if not streaming.text.strip():
            await streaming.remove()
            return
        streaming.mark(t(self.NOTES[status], self.session.state.language))

    def _fail(self, error: Expected) -> None:
        """Show a failure in the status line, where it stays until the next turn.

        Not also as a toast: the same words twice, and the toast covered the side panel.
        """
        lang = self.session.state.language
        line = failure_line(error, lang, "ui")
        if "ctrl+r" not in line and self.session.retry_text() is not None:
            line = f"{line} · {t('retry_hint', lang)}"
        self._set_status(line)

    def current_draft(self) -> str:
        return self.chat_input.text
