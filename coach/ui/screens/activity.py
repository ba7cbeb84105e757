"""The activity editor: the instructions, a text area with a word count, and the feedback.

What the user types is kept as a draft a second after they stop, so a crash or a closed
window loses nothing; saving makes a new version, committed before feedback is asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Markdown, Static, TextArea

from coach.domain.activities import Activity
from coach.domain.text import Language, clean_for_display, word_count
from coach.session import MESSAGE_LIMIT, Session
from coach.store.records import ActivityVersion
from coach.ui.background import DRAFT_EVERY, FAILED, Failed, in_thread
from coach.ui.strings import t
from coach.ui.widgets.chat_input import CleanTextArea
from coach.ui.widgets.key_bar import KeyBar


class ActivityScreen(Screen[bool]):
    """Write (or revise) one activity. Dismissed with True when anything was saved."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("escape", "close", "Close", id="close"),
    ]

    def __init__(self, session: Session, activity: Activity) -> None:
        super().__init__()
        self.session = session
        self.activity = activity
        self.language: Language = session.state.language
        self.changed = False
        self._saved_text = ""
        self._loaded = ""
        self._draft_timer: Timer | None = None
        self._draft_dirty = False
        self.saving = False
        self._unanswered: ActivityVersion | None = None
        """A saved version whose model feedback failed: ctrl+s asks again, without a copy."""

    def compose(self) -> ComposeResult:
        lang, activity = self.language, self.activity
        yield Static(Content(clean_for_display(activity.title(lang))), id="heading")
        with VerticalScroll(id="brief"):
            source = self.session.ctx.lessons.title(activity.lesson)
            meta = t("activity_from", lang, lesson=source)
            yield Static(Content(clean_for_display(meta)), id="activity-meta")
            yield Static(Content(clean_for_display(activity.instructions(lang).strip())))
        yield CleanTextArea(id="writing", soft_wrap=True, tab_behavior="focus")
        yield Static(id="note")
        with Horizontal(id="editor-bar"):
            yield Static(id="count")
            yield Button(t("activity_save", lang), id="save-button", compact=True)
            yield Button(t("activity_skip", lang), id="skip-button", compact=True)
        with VerticalScroll(id="feedback-box"):
            yield Markdown(id="feedback", open_links=False)
        yield KeyBar()

    @property
    def writing(self) -> TextArea:
        return self.query_one("#writing", TextArea)

    @property
    def feedback_box(self) -> VerticalScroll:
        return self.query_one("#feedback-box", VerticalScroll)

    async def on_mount(self) -> None:
        area = self.writing
        self.feedback_box.display = False
        loaded = await in_thread(self._show_count, self._load)
        if isinstance(loaded, Failed):
            area.focus()  # nothing to revise from: the failure is said, writing still works
            return
        versions, draft = loaded
        done = [v for v in versions if v.status == "done"]
        self._saved_text = done[-1].text if done else ""
        self._loaded = draft if draft is not None else self._saved_text
        area.load_text(self._loaded)
        area.move_cursor(area.document.end)
        area.focus()
        self._show_count()

    def _load(self) -> tuple[list[ActivityVersion], str | None]:
        versions = self.session.versions(self.activity.id)
        return versions, self.session.activity_draft(self.activity.id)

    def _show_count(self, note: str = "") -> None:
        """The word count and version; a note (a failure, feedback coming) below it."""
        text = self.writing.text
        words = t("words", self.language, n=word_count(text))
        work_done = self.session.state.activities.get(self.activity.id)
        saved = (
            t("activity_version", self.language, n=work_done.versions)
            if work_done is not None and work_done.versions
            else t("activity_unsaved", self.language)
        )
        self.query_one("#count", Static).update(Content(f"{words} · {saved}"))
        shown = self.query_one("#note", Static)
        shown.update(Content(clean_for_display(note)))
        shown.display = bool(note)

    @on(TextArea.Changed, "#writing")
    def typed(self) -> None:
        self._show_count()
        if self.writing.text == self._loaded:
            return  # loading the text is not typing it
        self._draft_dirty = True
        if self._draft_timer is None:  # not restarted per key: steady typing still saves
            self._draft_timer = self.set_timer(DRAFT_EVERY, self.save_draft)

    @work(group="draft")
    async def save_draft(self) -> None:
        self._draft_timer = None
        await self._write_draft()

    async def _write_draft(self) -> bool:
        """Keep what is in the box, if it changed.

        A failed write says so and returns False; the text stays on screen.
        """
        if not self._draft_dirty:
            return True
        self._draft_dirty = False
        text = self.writing.text
        save = self.session.save_activity_draft
        return await in_thread(self._show_count, lambda: save(self.activity.id, text)) is not FAILED

    async def keep_draft(self) -> None:
        """Write the draft now, not a second from now: the app is quitting (Ctrl+Q, a signal)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        await self._write_draft()

    def _stop_drafts(self) -> None:
        """Saving a version clears the draft; no pending draft write may bring it back."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        self._draft_dirty = False

    @on(Button.Pressed, "#save-button")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#skip-button")
    def _skip_pressed(self) -> None:
        self.skip()

    def action_save(self) -> None:
        text = self.writing.text
        if self.saving:
            return
        if not text.strip():
            self._show_count(t("activity_empty", self.language))
            return
        if len(text) > MESSAGE_LIMIT:
            self._show_count(t("activity_too_long", self.language, limit=MESSAGE_LIMIT))
            return
        if text == self._saved_text and self._unanswered is None:
            self._show_count(t("activity_same", self.language))
            return
        self.saving = True
        self.submit(text)

    @work(exclusive=True, group="save")
    async def submit(self, text: str) -> None:
        """Commit the version, then ask for feedback and keep it with the version."""
        self._stop_drafts()
        try:
            version = self._unanswered
            if version is None or text != self._saved_text:
                submit = self.session.submit_activity
                saved = await in_thread(self._show_count, lambda: submit(self.activity, text))
                if isinstance(saved, Failed):
                    return  # not saved: the text stays in the box
                version = saved
            self._saved_text, self.changed = text, True
            self._show_count(t("activity_reading", self.language))
            feedback, error = await self.session.feedback(self.activity, version)
            self._unanswered = version if error is not None else None
            rendered = feedback.render(self.session.ctx.flow, self.language)
            self.feedback_box.display = True
            await self.query_one("#feedback", Markdown).update(rendered)
            note = error.localized(self.language, front="editor") if error else ""
            self._show_count(note)
            keep = self.session.keep_feedback
            await in_thread(self._show_count, lambda: keep(version, feedback))
        finally:
            self.saving = False

    @work(exclusive=True, group="save")
    async def skip(self) -> None:
        skip = self.session.skip_activity
        if await in_thread(self._show_count, lambda: skip(self.activity)) is not FAILED:
            self.dismiss(True)

    async def action_close(self) -> None:
        """Back to the chat; an unsaved change is written as the draft first."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if await self._write_draft():  # on failure, stay: the words stay in sight
            self.dismiss(self.changed)
