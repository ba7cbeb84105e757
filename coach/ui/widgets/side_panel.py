"""The side panel: phase progress, the answers so far, and the plan card."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Markdown, Static

from coach.domain.activities import ActivityCatalog
from coach.domain.flow import PHASES, Flow
from coach.domain.lessons import LessonLibrary
from coach.domain.plan import format_amount, format_date, render_plan_card
from coach.domain.state import Answer, CoachState
from coach.domain.text import Language, clean_for_display
from coach.engines.base import ContextUse
from coach.ui.strings import t

ANSWER_WIDTH = 60
METER_WIDTH = 20


def _shorten(text: str, width: int = ANSWER_WIDTH) -> str:
    flat = " ".join(clean_for_display(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def answer_summary(answer: Answer, flow: Flow, language: Language) -> str:
    """An answer as the panel shows it: what it was understood as, else the words."""
    if answer.value in ("yes", "no", "unsure"):
        return t(answer.value, language)
    if answer.day is not None:
        return format_date(answer.day, language)
    if answer.value is not None and any(p.id == answer.value for p in flow.paths):
        return flow.path(answer.value).title(language)
    if answer.number is not None and not answer.text.strip().isdigit():
        return f"{format_amount(answer.number, language)} ({_shorten(answer.text, 30)})"
    return _shorten(answer.text)


class SidePanel(VerticalScroll):
    """Shows where the conversation stands. Markers, not colour, carry the meaning."""

    def __init__(
        self,
        flow: Flow,
        lessons: LessonLibrary,
        activities: ActivityCatalog | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.flow = flow
        self.lessons = lessons
        self.activities = activities if activities is not None else ActivityCatalog()

    def compose(self) -> ComposeResult:
        yield Static(id="progress-title", classes="panel-title")
        yield Static(id="progress")
        yield Static(id="plan-title", classes="panel-title")
        yield Static(id="no-plan")
        yield Static(id="checkins-title", classes="panel-title checkins")
        yield Static(id="checkins", classes="checkins")
        yield Static(id="activities-title", classes="panel-title activities")
        yield Static(id="activities", classes="activities")
        yield Static(id="answers-title", classes="panel-title")
        yield Static(id="answers")
        yield Static(id="context-title", classes="panel-title context")
        yield Static(id="context", classes="context")

    def _static(self, name: str) -> Static:
        """One of the panel's own lines, by id: a direct child, so no query of the tree."""
        return self.get_child_by_id(name, Static)

    def _write(self, name: str, content: str | Content) -> None:
        self._static(name).update(content)

    def on_mount(self) -> None:
        for widget in self.query(".context"):
            widget.display = False

    def _show_check_ins(self, state: CoachState, today: date | None) -> None:
        """Steps checked on so far, and how long the plan has been going."""
        lang = state.language
        shown = state.plan is not None and bool(state.check_ins)
        for widget in self.query(".checkins"):
            widget.display = shown
        if not shown or state.plan is None:
            return
        marks = {"done": "✓", "partly": "◐", "not_yet": "·"}
        lines = [
            f" {marks[c.kept]} {format_date(c.day, lang)}: {t(c.kept, lang)}"
            f" · {_shorten(c.step, 30)}"
            for c in state.check_ins[-5:]
        ]
        done = sum(c.kept == "done" for c in state.check_ins)
        days = ((today or state.check_ins[-1].day) - state.plan.created).days
        lines.append(t("checkin_summary", lang, done=done, days=days))
        self._write("checkins-title", t("checkins", lang))
        self._write("checkins", Content("\n".join(lines)))

    def _show_activities(self, state: CoachState) -> None:
        """Written, skipped and offered activities, each with a marker and a word."""
        lang = state.language
        lines = []
        for activity in self.activities:
            status = activity.status(state)
            title = _shorten(activity.title(lang), 34)
            if status == "done":
                versions = state.activities[activity.id].versions
                lines.append(f" ✓ {title} · {t('activity_version', lang, n=versions)}")
            elif status in ("skipped", "offered"):
                mark = "–" if status == "skipped" else "✎"
                lines.append(f" {mark} {title} · {t('status_' + status, lang)}")
        for widget in self.query(".activities"):
            widget.display = bool(lines)
        self._write("activities-title", t("activities", lang))
        self._write("activities", Content("\n".join(lines)))

    def show_context(self, use: ContextUse, lang: Language) -> None:
        """The context meter: how much of the model's window the last request filled."""
        percent = round(use.fraction * 100)
        filled = round(use.fraction * METER_WIDTH)
        bar = "█" * filled + "░" * (METER_WIDTH - filled)
        line = t(
            "context_line", lang, used=f"{use.used:,}", window=f"{use.window:,}", percent=percent
        )
        if not use.exact:
            line += f" · {t('estimate', lang)}"
        self._write("context-title", t("context", lang))
        self._write("context", Content(f"{bar}\n{line}"))
        for widget in self.query(".context"):
            widget.display = True

    async def show(self, state: CoachState, today: date | None = None) -> None:
        """Redraw from the state; cheap enough to call after every turn."""
        lang = state.language
        self._show_check_ins(state, today)
        self._show_activities(state)
        current = PHASES.index(state.phase)
        lines = []
        for index, phase_id in enumerate(PHASES):
            done = index < current or state.phase == "summary"
            marker = "✓" if done else ("▶" if index == current else "·")
            lines.append(f" {marker} {self.flow.phase(phase_id).title(lang)}")
        if state.paused:  # crisis care: say so where the progress is, in words
            lines.insert(0, f" ⏸ {t('paused', lang)}")
        self._write("progress-title", t("progress", lang))
        self._write("progress", Content("\n".join(lines)))
        parts: list[Content] = []
        for step in self.flow.steps:
            answer = state.answers.get(step.id)
            if answer is not None:
                summary = answer_summary(answer, self.flow, lang)
                parts.append(Content.assemble((f"{step.label(lang)}: ", "bold"), summary))
        self._write("answers-title", t("answers", lang))
        self._write("answers", Content("\n").join(parts) or Content("—"))
        self._write("plan-title", t("plan", lang))
        self._write("no-plan", t("no_plan", lang))
        self._static("no-plan").display = state.plan is None
        card = render_plan_card(state, self.flow, self.lessons, heading=False)
        existing = self.query("#plan-card")
        if card and existing:
            await existing.only_one(Markdown).update(card)
        elif card:  # a Markdown widget only once there is a plan: it is costly on first frame
            await self.mount(Markdown(card, id="plan-card", open_links=False), after="#no-plan")
        else:
            await existing.remove()
