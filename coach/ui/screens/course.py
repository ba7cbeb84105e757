"""The course view of one conversation: the writing activities and the lessons read.

Each activity shows its status in words and a marker (✓ done, ✎ offered, – skipped, · open);
choosing one shows every version with its feedback, and Enter opens it in the editor.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Markdown, Static

from coach.domain.activities import Activity
from coach.domain.feedback import Feedback
from coach.domain.text import clean_for_display, escape_markdown, quote_markdown
from coach.session import Session
from coach.store.records import ActivityVersion, LessonRead
from coach.ui.background import Failed, in_thread
from coach.ui.strings import t
from coach.ui.widgets.key_bar import KeyBar

MARKS = {"done": "✓", "offered": "✎", "skipped": "–", "open": "·", "other": " "}


class CourseScreen(Screen[None]):
    """Activities across the top; the chosen one below, with the lessons read beside it."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "write", "Write", id="write"),
        Binding("escape", "app.pop_screen", "Back", id="back"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.language = session.state.language
        every = list(session.ctx.activities)
        mine = [a for a in every if a.status(session.state) != "other"]
        self.shown: list[Activity] = [*mine, *(a for a in every if a not in mine)]
        """This conversation's activities first, those for other paths after."""
        self.versions: list[ActivityVersion] = []

    def compose(self) -> ComposeResult:
        lang = self.language
        yield Static(t("course", lang), id="heading")
        yield DataTable(id="activity-table", cursor_type="row")
        with Horizontal(id="body"):
            with VerticalScroll(id="detail"):
                yield Markdown(id="activity-detail", open_links=False)
            with VerticalScroll(id="reads-column"):
                yield Static(t("lessons_read", lang), classes="panel-title")
                yield Static(id="reads")
        yield KeyBar()

    @property
    def table(self) -> DataTable[Text]:
        table: DataTable[Text] = self.query_one(DataTable)
        return table

    async def on_mount(self) -> None:
        table = self.table
        for key in ("activity_title", "activity_status", "activity_versions"):
            table.add_column(t(key, self.language), key=key)
        table.focus()
        self.refresh_course()

    @work(exclusive=True, group="course")
    async def refresh_course(self) -> None:
        """Read the versions and lessons read off the UI thread, then fill the screen."""
        session = self.session
        loaded = await in_thread(
            lambda line: self.notify(line, severity="error", markup=False), self._load
        )
        if isinstance(loaded, Failed):
            return
        versions, reads = loaded
        self.versions = versions
        table = self.table
        row = table.cursor_row
        table.clear()
        for activity in self.shown:
            status = activity.status(session.state)
            count = sum(1 for v in versions if v.activity_id == activity.id and v.status == "done")
            title = f"{MARKS[status]} {clean_for_display(activity.title(self.language))}"
            status_words = Text(t("status_" + status, self.language))
            table.add_row(Text(title), status_words, Text(str(count)), key=activity.id)
        if self.shown:
            table.move_cursor(row=min(max(row, 0), len(self.shown) - 1), animate=False)
        self._show_reads(reads)
        await self._show_detail()

    def _load(self) -> tuple[list[ActivityVersion], list[LessonRead]]:
        cid = self.session.conversation_id
        if cid is None:
            return [], []
        return self.session.versions(), self.session.ctx.store.lessons_read(cid)

    def _show_reads(self, reads: list[LessonRead]) -> None:
        lang, lessons = self.language, self.session.ctx.lessons
        lines = []
        for read in reads:
            lines.append(f" ✓ {lessons.title(read.lesson_id)} ({t('read_' + read.how, lang)})")
        text = "\n".join(lines) or t("no_lessons_read", lang)
        self.query_one("#reads", Static).update(Content(clean_for_display(text)))

    def current(self) -> Activity | None:
        row = self.table.cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    @on(DataTable.RowHighlighted)
    async def _show_detail(self) -> None:
        """The activity's brief, then every version with the feedback it got."""
        activity = self.current()
        if activity is None:
            return
        lang = self.language
        parts = [
            f"## {escape_markdown(activity.title(lang))}",
            escape_markdown(activity.instructions(lang).strip()),
        ]
        for version in (v for v in self.versions if v.activity_id == activity.id):
            day = f"{version.created_at.astimezone():%Y-%m-%d}"
            if version.status == "skipped":
                parts.append(f"*{t('status_skipped', lang)} · {day}*")
                continue
            head = t("activity_version", lang, n=version.version)
            parts += [f"### {head} · {day}", quote_markdown(version.text)]
            feedback = Feedback.from_json(version.feedback)
            if feedback is not None:
                parts.append(feedback.render(self.session.ctx.flow, lang))
        if not any(v.activity_id == activity.id for v in self.versions):
            parts.append(f"*{t('activity_not_written', lang)}*")
        await self.query_one("#activity-detail", Markdown).update("\n\n".join(parts))

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_write()

    def action_write(self) -> None:
        """Open the chosen activity in the editor; coming back shows what changed."""
        from coach.ui.screens.activity import ActivityScreen

        activity = self.current()
        if activity is None:
            return

        def back(changed: bool | None) -> None:
            if changed:
                self.refresh_course()

        self.app.push_screen(ActivityScreen(self.session, activity), back)
