"""The chat screen: the conversation, the message box and the side panel."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import ClassVar

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker

from coach.domain.machine import quick_answers
from coach.domain.text import clean_for_display
from coach.engines.base import Chunk, ContextUse, Reply
from coach.engines.errors import EngineError
from coach.session import SAVE_EVERY, Session, Shown, message_problem
from coach.store.db import StoreError
from coach.ui.background import one_line
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
"""Seconds between saves of a reply while it streams: a crash loses at most this much."""


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

    def __init__(self, session: Session, offline: bool, mode: str = "") -> None:
        super().__init__()
        self.session = session
        self.offline = offline
        self.mode = mode
        self.busy = False
        self.turn: Worker[None] | None = None
        self._first_shown = 0
        """Index in session.messages of the oldest message on screen."""
        self._partial: Shown | None = None
        """The saved row of the reply streaming now: rewritten at least once a second."""
        self._choices = Choices(id="choices")
        """The pending question's fixed answers, above the input."""

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

    async def load_session(self, session: Session) -> None:
        """Show ``session``: its messages, draft and side panel."""
        self.session = session
        messages = self.query_one("#messages", VerticalScroll)
        await messages.remove_children()
        recent = session.messages[-RECENT:]
        self._first_shown = len(session.messages) - len(recent)
        await messages.mount(Static(id="earlier"))
        await messages.mount_all([self._widget_for(m) for m in recent])
        self._label_earlier()
        chat_input = self.query_one(ChatInput)
        chat_input.load_text(session.draft)
        chat_input.focus()
        self._apply_language()
        await self.query_one(SidePanel).show(self.session.state)
        self.query_one("#messages", VerticalScroll).anchor()
        last = session.messages[-1] if session.messages else None
        if not self.offline and last is not None and last.status == "partial":
            self._set_status(t("interrupted_hint", session.state.language))
        self._offer_choices()

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
        if self.busy:
            return
        self.busy = True
        self.turn = self.run_turn(text)

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
        messages = self.query_one("#messages", VerticalScroll)
        anchor = next(iter(messages.query(".message")), None)
        await messages.mount_all([self._widget_for(m) for m in batch], after="#earlier")
        self._first_shown = start
        self._label_earlier()
        if anchor is not None:
            messages.scroll_to_widget(anchor, top=True, animate=False)

    def on_click(self, event: events.Click) -> None:
        if event.widget is not None and event.widget.id == "earlier":
            self.run_worker(self.show_earlier(), exclusive=True, group="earlier")

    def _apply_language(self) -> None:
        """Relabel the screen when the conversation's language changes."""
        lang = self.session.state.language
        self.query_one(ChatInput).placeholder = t("placeholder", lang)
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

    async def _append(self, message: Shown) -> CoachMessage | UserMessage:
        messages = self.query_one("#messages", VerticalScroll)
        widget = self._widget_for(message)
        await messages.mount(widget)
        messages.anchor()
        return widget

    def _set_status(self, text: str, error: bool = True) -> None:
        """The line above the input: the last failure, or "answering…" before a reply starts.

        Waiting shows too, because a retry after a 429 can take many seconds with no text.
        """
        status = self.query_one("#status", Static)
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
            self.query_one(ChatInput).clear()
            return
        self.busy = True
        self.query_one(ChatInput).clear()
        self.turn = self.run_turn(event.text.replace("\x00", ""))

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
        await self.query_one(SidePanel).show(self.session.state)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Stop and Retry only mean something with a model; offline replies are instant."""
        return not (action in ("stop", "retry") and self.offline)

    def action_stop(self) -> None:
        """Esc: stop the reply in flight; what arrived so far is kept, marked as stopped."""
        if self.busy and self.turn is not None:
            self.turn.cancel()

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
        self.busy = True
        self.turn = self.run_turn(text, retry=True)

    @work(exclusive=True, group="turn")
    async def run_turn(self, text: str, retry: bool = False) -> None:
        """Save the user's words first, then stream the engine's reply, then save it and state."""
        waiting = "" if self.offline else t("thinking", self.session.state.language)
        self._set_status(waiting, error=False)
        self._offer_choices()  # hidden until the reply is in: busy is set by every caller
        if not retry:
            try:
                shown = await asyncio.to_thread(self.session.record_user, text)
            except StoreError as exc:
                self.busy = False
                chat_input = self.query_one(ChatInput)
                if not chat_input.text:
                    chat_input.load_text(text)  # not saved, so give the words back
                self._fail(exc)
                self._offer_choices()
                return
            await self._append(shown)
        streaming: CoachMessage | None = None
        self._partial = None
        saved_at = 0.0
        try:
            reply: Reply | None = None
            async for event in self.session.events(text):
                if isinstance(event, Chunk):
                    if streaming is None:
                        self._set_status("")
                        streaming = await self._append_streaming()
                    streaming.write(event.text)
                    if time.monotonic() - saved_at >= SAVE_EVERY:
                        saved_at = time.monotonic()
                        await self._save_partial(streaming.text)
                else:
                    reply = event
            if reply is not None:
                self._set_status("")
                await self._finish(reply, streaming)
        except asyncio.CancelledError:
            self._set_status("")
            await self._keep_unfinished(streaming, "cancelled")
            raise
        except Exception as exc:  # any failure becomes one line; the conversation stays
            await self._keep_unfinished(streaming, "error")
            self._fail(exc)
        finally:
            self.busy = False
            self.turn = None
            self._partial = None
            self._offer_choices()

    async def _save_partial(self, text: str) -> None:
        """Write what has arrived so far; a failed write is reported, the stream goes on."""
        try:
            self._partial = await asyncio.to_thread(self.session.save_partial, text, self._partial)
        except StoreError as exc:
            self._fail(exc)

    async def _append_streaming(self) -> CoachMessage:
        widget = CoachMessage("", t("coach", self.session.state.language))
        messages = self.query_one("#messages", VerticalScroll)
        await messages.mount(widget)
        messages.anchor()
        return widget

    async def _finish(self, reply: Reply, streaming: CoachMessage | None) -> None:
        saved = await asyncio.to_thread(self.session.record_reply, reply, self._partial)
        if streaming is None:
            await self._append(saved)
        else:
            await streaming.finish(reply.text)
        side = self.query_one(SidePanel)
        await side.show(self.session.state)
        if reply.context is not None:
            self.show_context(reply.context)
        self._apply_language()

    def show_context(self, use: ContextUse) -> None:
        self.query_one(SidePanel).show_context(use, self.session.state.language)

    async def _keep_unfinished(self, streaming: CoachMessage | None, status: str) -> None:
        """Keep what arrived of a reply that did not finish, on screen and on disk."""
        if streaming is None:
            return
        await streaming.finish()
        if not streaming.text.strip() and self._partial is None:
            await streaming.remove()
            return
        streaming.mark(t(self.NOTES[status], self.session.state.language))
        try:
            await asyncio.to_thread(
                self.session.record_unfinished, streaming.text, status, self._partial
            )
        except Exception as exc:
            self._fail(exc)

    def _fail(self, exc: BaseException) -> None:
        """Show a failure in the status line, where it stays until the next turn.

        Not also as a toast: the same words twice, and the toast covered the side panel.
        """
        lang = self.session.state.language
        line = exc.localized(lang) if isinstance(exc, EngineError) else one_line(exc)
        if "ctrl+r" not in line and self.session.retry_text() is not None:
            line = f"{line} · {t('retry_hint', lang)}"
        self._set_status(line)

    def current_draft(self) -> str:
        return self.query_one(ChatInput).text
