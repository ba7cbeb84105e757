"""A coaching session: the engine and the store together, with the write-ahead rule.

The UI (and later the plain mode) drive a Session. It commits the user's message before the
engine runs and commits the reply with the new state after, so every front end gets the
same durability. Its disk methods are synchronous; callers run them off the UI thread.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date

from coach.domain.activities import Activity, ActivityCatalog
from coach.domain.feedback import Feedback, checklist
from coach.domain.flow import Flow
from coach.domain.lessons import LessonLibrary
from coach.domain.locale import is_language
from coach.domain.plan import format_amount
from coach.domain.repair import repaired
from coach.domain.roles import Role
from coach.domain.state import CoachState, Work
from coach.domain.text import Language, detect_language
from coach.engines.base import ChatMessage, Engine, EngineEvent, Reply
from coach.engines.errors import EngineError
from coach.i18n import t
from coach.store.db import Store, StoreError
from coach.store.records import ActivityVersion, ReadHow
from coach.turn import Turn, TurnEvent

TITLE_LIMIT = 60
MESSAGE_LIMIT = 20_000
"""Characters in one message: a long letter fits; a 1 MB paste by mistake does not."""


def message_problem(text: str, language: Language) -> str | None:
    """Why ``text`` cannot be sent as it is, in one line, or None if it can."""
    if len(text) <= MESSAGE_LIMIT:
        return None
    n, limit = format_amount(len(text), language), format_amount(MESSAGE_LIMIT, language)
    return t("message_too_long", language, n=n, limit=limit)


def open_elsewhere(language: Language) -> str:
    """Why a conversation open in another window cannot be written in this one."""
    return t("open_elsewhere", language)


@dataclass
class Shown:
    """A message as the session holds it: saved ones have an id."""

    role: Role
    content: str
    id: int | None = None
    status: str = "complete"
    """complete, or for a reply that did not finish: cancelled (Esc) or error."""


def make_title(state: CoachState, flow: Flow) -> str:
    """A conversation's title from the dream job and the chosen path."""
    dream = " ".join((state.dream_job or "").split())
    if len(dream) > TITLE_LIMIT:
        dream = dream[: TITLE_LIMIT - 1].rstrip() + "…"
    if state.chosen_path:
        path = flow.path(state.chosen_path).title(state.language)
        return f"{dream} · {path}" if dream else path
    return dream


@dataclass
class Context:
    """What a session needs besides its own conversation."""

    store: Store
    engine: Engine
    flow: Flow
    lessons: LessonLibrary
    today: Callable[[], date] = date.today
    """The user's local date, from the one clock the app was built with."""
    activities: ActivityCatalog = field(default_factory=ActivityCatalog)


class Session:
    """One conversation being coached."""

    def __init__(
        self,
        ctx: Context,
        state: CoachState,
        messages: list[Shown],
        conversation_id: str | None = None,
        draft: str = "",
    ) -> None:
        self.ctx = ctx
        self.state = state
        self.messages = messages
        self.conversation_id = conversation_id
        self.draft = draft
        self._unsaved_reads: dict[str, ReadHow] = {}
        self.read_only = False
        """Open in another window: shown, never written, so neither replaces the other's."""
        self._said: list[ChatMessage] = []
        """The engine's history so far: complete messages in ``messages[:_said_upto]``."""
        self._said_upto = 0
        self._turn: Turn | None = None
        self.sent = 0
        """User messages recorded here: a draft read from the box before one is out of date."""
        self._writes = threading.Lock()
        """A draft saved from a timer's thread and a message sent never interleave."""

    @classmethod
    def new(cls, ctx: Context, language: Language) -> Session:
        """A new conversation, kept in memory until the user writes something.

        Opening the app and quitting at once then leaves no empty conversation behind.
        """
        ctx.store.leases.focus(None)  # the conversation shown before is let go
        opening = ctx.engine.opening(CoachState(language=language))
        return cls(ctx, opening.state, [Shown("assistant", opening.text)])

    @classmethod
    def resume(cls, ctx: Context, conversation_id: str, watch: bool = False) -> Session:
        """A saved conversation, exactly as it was: messages, state, phase, plan, draft.

        Coming back to a plan on a later day, the coach's check-in question is added first
        (and saved), so accountability comes before anything else. Blocking I/O.

        If another window has it open, it is refused (StoreError), or with ``watch`` opened
        read-only: two writers would interleave questions and replace each other's answers.
        """
        info = ctx.store.conversation(conversation_id)  # an unknown id fails before any lease moves
        before = ctx.store.leases.held
        mine = ctx.store.leases.focus(conversation_id)
        if not mine and not watch:
            ctx.store.leases.focus(before)  # the conversation still shown stays this window's
            raise StoreError(open_elsewhere(info.language if is_language(info.language) else "en"))
        shown = [
            Shown(m.role, m.content, m.id, m.status) for m in ctx.store.messages(conversation_id)
        ]
        # A step or path the flow no longer has (an edited flow, a crafted import) would
        # make every turn fail; the conversation goes on from its first open question.
        state = repaired(ctx.store.state(conversation_id), ctx.flow)
        session = cls(ctx, state, shown, conversation_id, info.draft)
        session.read_only = not mine
        opening = ctx.engine.check_in(session.state) if mine else None
        if opening is not None:
            session.record_reply(opening)
        return session

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(open_elsewhere(self.state.language))

    def _ensure_saved(self) -> str:
        """Create the conversation on disk, with the opening message, when first needed."""
        if self.conversation_id is None:
            store = self.ctx.store
            self.conversation_id = store.create_conversation(self.state, self.ctx.engine.name)
            store.leases.focus(self.conversation_id)
            for message in self.messages:
                message.id = store.add_message(self.conversation_id, message.role, message.content)
            for how in ("opened", "cited"):
                ids = [k for k, v in self._unsaved_reads.items() if v == how]
                store.mark_read(self.conversation_id, ids, how)
            self._unsaved_reads.clear()
        return self.conversation_id

    def record_user(self, text: str) -> Shown:
        """Commit the user's message (creating the conversation if needed). Blocking I/O.

        NUL characters are dropped: they carry no meaning and cut text short in many tools.
        """
        self._writable()
        text = text.replace("\x00", "")
        shown = Shown("user", text)
        with self._writes:
            shown.id = self.ctx.store.add_message(self._ensure_saved(), "user", text)
            self.sent += 1
        self.messages.append(shown)
        self.draft = ""
        return shown

    def _last_user(self) -> int | None:
        return next(
            (i for i in range(len(self.messages) - 1, -1, -1) if self.messages[i].role == "user"),
            None,
        )

    async def run_turn(self, text: str, retry: bool = False) -> AsyncGenerator[TurnEvent, None]:
        """One turn as view events (coach/turn.py); ``retry`` does not save the message again.

        Close it when done (``contextlib.aclosing``), as it closes the turn: a front end
        cancelled mid-reply then has what arrived kept, marked cancelled, at once.
        """
        turn = self._turn = Turn(self, text)
        try:
            async with contextlib.aclosing(turn.run(retry)) as events:
                async for event in events:
                    yield event
        finally:
            self._turn = None

    def stop_turn(self) -> bool:
        """Esc or Ctrl+C: stop the reply in flight, keeping what arrived. False if none is."""
        if self._turn is None:
            return False
        self._turn.stop()
        return True

    async def events(self, text: str) -> AsyncIterator[EngineEvent]:
        """The engine's events for the last user message, already recorded.

        The history is every complete message before it: a reply cut short by Esc or an
        error stays on screen and on disk, but the model never sees it as said.
        """
        async for event in self.ctx.engine.stream(self.state, self._history(), text):
            yield event

    def _history(self) -> list[ChatMessage]:
        """The complete messages before the last user message, as the engine sees them.

        Built once and extended each turn: messages before the last user message never
        change again, and copying the whole history every turn made a 10,000-line plain
        session quadratic (118 s against 1.8 s for 1,000 lines).
        """
        last = self._last_user()
        if last is None:
            return [ChatMessage(m.role, m.content) for m in self.messages if m.status == "complete"]
        said = self._said
        said.extend(
            ChatMessage(m.role, m.content)
            for m in self.messages[self._said_upto : last]
            if m.status == "complete"
        )
        self._said_upto = max(self._said_upto, last)
        return said

    def retry_text(self) -> str | None:
        """The last user message, if no complete reply followed it; else None."""
        last = self._last_user()
        if last is None or self.read_only:
            return None
        if any(m.status == "complete" for m in self.messages[last + 1 :]):
            return None
        return self.messages[last].content

    def record_unfinished(self, text: str, status: str, partial: Shown | None = None) -> Shown:
        """Keep a reply that did not finish, marked, without touching the state. Blocking I/O."""
        self._writable()
        assert self.conversation_id is not None, "record_user comes first"
        if partial is not None and partial.id is not None:
            self.ctx.store.update_message(partial.id, text, status)
            partial.content, partial.status = text, status
            return partial
        shown = Shown("assistant", text, status=status)
        shown.id = self.ctx.store.add_message(self.conversation_id, "assistant", text, status)
        self.messages.append(shown)
        return shown

    def save_partial(self, text: str, partial: Shown | None) -> Shown:
        """Save a reply as it streams in (status partial), so a crash keeps what arrived.

        The first call creates the row; later calls rewrite it. Blocking I/O.
        """
        self._writable()
        assert self.conversation_id is not None, "record_user comes first"
        if partial is None or partial.id is None:
            partial = Shown("assistant", text, status="partial")
            partial.id = self.ctx.store.add_message(
                self.conversation_id, "assistant", text, "partial"
            )
            self.messages.append(partial)
        else:
            self.ctx.store.update_message(partial.id, text, "partial")
            partial.content = text
        return partial

    def record_reply(self, reply: Reply, partial: Shown | None = None) -> Shown:
        """Commit the reply and the new state in one transaction. Blocking I/O.

        A reply saved while streaming (``partial``) becomes complete in the same row.
        """
        self._writable()
        assert self.conversation_id is not None, "record_user comes first"
        title = make_title(reply.state, self.ctx.flow)
        shown = partial if partial is not None else Shown("assistant", reply.text)
        shown.id = self.ctx.store.save_turn(
            self.conversation_id, reply.text, reply.state, title, shown.id
        )
        shown.content, shown.status = reply.text, "complete"
        self.state = reply.state
        if partial is None:
            self.messages.append(shown)
        self.mark_read(self.cited_in(reply.text), "cited")
        return shown

    # --- the course: lessons read and writing activities ----------------------------------

    def cited_in(self, text: str) -> list[str]:
        """The lessons a reply names by title: cited, and so shown to the user."""
        folded = text.casefold()
        return [lesson.id for lesson in self.ctx.lessons if lesson.title.casefold() in folded]

    def mark_read(self, lesson_ids: list[str], how: ReadHow) -> None:
        """Note lessons read in this conversation (kept in memory until it is saved). I/O."""
        if self.read_only:
            return
        if self.conversation_id is None:
            for lesson_id in lesson_ids:
                self._unsaved_reads.setdefault(lesson_id, how)
            return
        self.ctx.store.mark_read(self.conversation_id, lesson_ids, how)

    def activity(self, activity_id: str | None) -> Activity | None:
        return self.ctx.activities.get(activity_id)

    def submit_activity(self, activity: Activity, text: str) -> ActivityVersion:
        """Commit a new version with the state that records it, before any feedback. I/O."""
        return self._record_activity(activity, text.replace("\x00", ""), "done")

    def skip_activity(self, activity: Activity) -> ActivityVersion:
        """Record that the user chose not to write this one (it stays open to write later)."""
        return self._record_activity(activity, "", "skipped")

    def _record_activity(self, activity: Activity, text: str, status: str) -> ActivityVersion:
        self._writable()
        state = self.state.model_copy(deep=True)
        before = state.activities.get(activity.id)
        versions = before.versions if before else 0
        if status == "done":
            versions += 1
            state.activities[activity.id] = Work(
                status="done", text=text, versions=versions, day=self.ctx.today()
            )
        elif before is None or before.status != "done":  # a skip never hides what was written
            state.activities[activity.id] = Work(status="skipped", day=self.ctx.today())
        if state.offered == activity.id:
            state.offered = None
        version = self.ctx.store.add_activity_version(
            self._ensure_saved(), activity.id, text, status, state
        )
        self.state = state
        return version

    async def feedback(
        self, activity: Activity, version: ActivityVersion
    ) -> tuple[Feedback, EngineError | None]:
        """The engine's feedback on a saved version, in the language it is written in.

        On a model failure, the offline checklist instead, with the error to show: the user
        always gets feedback. ``keep_feedback`` stores it.
        """
        language = detect_language(version.text, default=self.state.language) or "en"
        error: EngineError | None = None
        try:
            result = await self.ctx.engine.feedback(activity, version.text, language)
        except EngineError as exc:
            error = exc
            result = checklist(activity, version.text, language, self.ctx.today())
        return result, error

    def keep_feedback(self, version: ActivityVersion, feedback: Feedback) -> None:
        """Store feedback with its version. Blocking I/O."""
        self.ctx.store.set_feedback(version.id, feedback.to_json())

    def activity_draft(self, activity_id: str) -> str | None:
        if self.conversation_id is None:
            return None
        return self.ctx.store.activity_draft(self.conversation_id, activity_id)

    def save_activity_draft(self, activity_id: str, text: str) -> None:
        """Keep what is in the editor. A new conversation is created only for real text. I/O."""
        if self.read_only or (self.conversation_id is None and not text.strip()):
            return
        self.ctx.store.set_activity_draft(self._ensure_saved(), activity_id, text)

    def versions(self, activity_id: str | None = None) -> list[ActivityVersion]:
        if self.conversation_id is None:
            return []
        return self.ctx.store.activity_versions(self.conversation_id, activity_id)

    def save_draft(self, text: str, sent: int | None = None) -> None:
        """Keep unsent input with the conversation. Blocking I/O.

        A new conversation is only created for it if there is text worth keeping; a
        read-only window keeps its draft to itself. ``sent`` is ``self.sent`` when the text
        was read from the box: a message sent since then was that text, so it is not kept.
        """
        with self._writes:
            if self.read_only or (self.conversation_id is None and not text.strip()):
                return
            if sent is not None and sent != self.sent:
                return
            self.ctx.store.set_draft(self._ensure_saved(), text)
            self.draft = text
